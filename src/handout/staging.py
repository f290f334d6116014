"""Build into a copy of the last output and put it in place only when the build succeeded.

Sphinx writes its pages while it goes, and with ``-W --keep-going`` it goes on after the first error, so a
build that ends in an error has already overwritten the good site, PDF or class set in ``_build/<name>``.
:func:`staged_build` runs the build on copies instead::

    _build/.staging/<name>-<random>/out        a copy of _build/<name>            (what Sphinx writes to)
    _build/.staging/<name>-<random>/doctrees   a copy of _build/doctrees/<name>   (its environment)

and, when the build's exit status is 0, exchanges each copy with the folder it was copied from in one
``renameat2(RENAME_EXCHANGE)`` call, so that ``_build/<name>`` is at every instant either the whole old
output or the whole new one. The old output, now inside the staging folder, is deleted with it. A build
that fails (or is interrupted) leaves ``_build/<name>`` untouched and its staging folder removed; one
killed outright leaves a staging folder that the next build of the same name removes.

The copies keep the files' modification times and the pickled environment, so Sphinx sees the same
state it would see in ``_build/<name>`` and an incremental build stays incremental. They are real copies,
never hard links: Sphinx and WeasyPrint truncate and rewrite files in place, which through a hard link
would change the good output too.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import secrets
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

if sys.platform != "win32":
    import fcntl

#: The folder under the build folder that holds the staging copies and the builders' lock files.
#: Hidden, so ``ls _build`` and anything serving ``_build/`` do not show it.
STAGING = ".staging"

# From <fcntl.h> and <linux/fs.h>: paths relative to the working folder, and "swap the two names".
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# errno values meaning "this kernel or file system cannot exchange", not "this exchange went wrong".
_NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP}

Runner = Callable[[Path, Path], int]


def staged_build(build_dir: Path, name: str, run: Runner, *, log: Callable[[str], None] | None = None) -> int:
    """Run ``run(outdir, doctreedir)`` on staging copies of ``build_dir/name`` and ``build_dir/doctrees/name``.

    Returns ``run``'s exit status. Only when it is 0 do the copies replace the originals; otherwise the
    originals are left byte for byte as they were. The staging folder is removed in every case except a
    kill, and a later build of ``name`` removes what a killed one left.
    """
    say = log or _stderr
    output = build_dir / name
    doctrees = build_dir / "doctrees" / name
    root = build_dir / STAGING
    root.mkdir(parents=True, exist_ok=True)
    with _lock(root / f"{name}.lock", name, say):
        # Under the lock no other build of this name runs, so any staging folder of the name is a leftover
        # of a build that was killed (a kill skips the cleanup below).
        for left in _leftovers(root, name):
            shutil.rmtree(left, ignore_errors=True)
        stage = _new_stage(root, name)
        try:
            staged_output = stage / "out"
            staged_doctrees = stage / "doctrees"
            _copy(output, staged_output)
            _copy(doctrees, staged_doctrees)
            status = run(staged_output, staged_doctrees)
            if status != 0:
                say(f"handout: the {name} build failed; {_shown(output)} is left as it was")
                return status
            # The output first: a kill between the two swaps then leaves the new output with the previous
            # environment, which only makes the next build read again what changed since that environment.
            swap_into_place(staged_output, output)
            swap_into_place(staged_doctrees, doctrees)
            say(f"handout: the {name} build is in {_shown(output)}")
            return status
        finally:
            # After a swap this is the previous output; after a failure, the half-made new one.
            shutil.rmtree(stage, ignore_errors=True)


def swap_into_place(staged: Path, target: Path) -> None:
    """Put the folder ``staged`` at ``target``; the previous ``target`` (if any) ends up at ``staged``.

    With ``renameat2(RENAME_EXCHANGE)`` both names change in one step, so a reader (or a kill) sees the old
    folder or the new one at ``target``, never neither. Where the kernel or file system cannot exchange,
    two renames do it, with a moment in between when ``target`` is missing (but never half of one).
    """
    if not staged.exists():
        # Nothing was written there (a builder without doctrees, say): keep what is in place.
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() and not target.is_symlink():
        # The first build: nothing to exchange with. rename() is atomic on its own.
        os.rename(staged, target)
        return
    if _exchange(staged, target):
        return
    aside = staged.with_name(staged.name + ".old")
    os.rename(target, aside)
    os.rename(staged, target)
    os.rename(aside, staged)


def _exchange(a: Path, b: Path) -> bool:
    """Exchange the names ``a`` and ``b`` atomically; False when this system cannot (then nothing changed)."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _NO_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


_renameat2_fn: list[Callable[..., int] | None] = []


def _renameat2() -> Callable[..., int] | None:
    """libc's ``renameat2`` (glibc 2.28 and later, Linux only), looked up once; None where there is none."""
    if not _renameat2_fn:
        function: Callable[..., int] | None = None
        if sys.platform.startswith("linux"):
            try:
                # The symbols already loaded into this process, libc among them: no ctypes.util.find_library,
                # which would run gcc or ldconfig to look for it.
                libc = ctypes.CDLL(None, use_errno=True)
                raw = libc.renameat2
            except (OSError, AttributeError):
                pass
            else:
                raw.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
                raw.restype = ctypes.c_int
                function = raw
        _renameat2_fn.append(function)
    return _renameat2_fn[0]


def _copy(source: Path, destination: Path) -> None:
    """A real copy of the folder ``source`` (when it exists) at ``destination``, with modification times.

    Sphinx decides what to write again from the targets' times against the sources', so the times must
    survive the copy or every build would be a cold one. Symbolic links stay links, as Sphinx left them.
    """
    if source.is_dir():
        shutil.copytree(source, destination, symlinks=True, copy_function=shutil.copy2)


def _new_stage(root: Path, name: str) -> Path:
    while True:
        stage = root / f"{name}-{secrets.token_hex(4)}"
        try:
            stage.mkdir()
        except FileExistsError:
            continue
        return stage


def _leftovers(root: Path, name: str) -> list[Path]:
    """Staging folders of builder ``name`` (not of a builder whose name starts with ``name-``)."""
    pattern = re.compile(re.escape(name) + r"-[0-9a-f]{8}")
    return [p for p in root.iterdir() if pattern.fullmatch(p.name) and p.is_dir() and not p.is_symlink()]


@contextlib.contextmanager
def _lock(path: Path, name: str, say: Callable[[str], None]) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` for one build of ``name``.

    Two builds of the same output at once would remove each other's staging folder (each takes the
    other's for a killed build's leftover); the second one waits instead. The kernel drops the lock
    when the process ends, however it ends, so a killed build never leaves the lock held.
    """
    if sys.platform == "win32":
        # No flock there; builds of one output must then not run at the same time.
        yield
        return
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"handout: another {name} build is running in {_shown(path.parent.parent)}; waiting for it")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _shown(path: Path) -> str:
    """``path`` as typed from the working folder when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)
