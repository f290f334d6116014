"""Kill ``handout build quiz`` and ``handout build pdf`` at many moments; is one complete set always in place?

Each builder is built once in a copy of the project, then again and again, every build a little different
(another quiz seed, another PDF subtitle) so that the set in place tells which build made it, and each
one is killed with SIGKILL: half of them at delays spread over a whole build, half a few milliseconds
after Sphinx says "build succeeded", that is around the moment the new set is swapped into place. After
every kill ``_build/<name>`` must be one complete set, the previous one or the new one: every file the
quiz's index.html lists there and nothing else, all of one seed; the PDF readable with all its pages, and
of the same build as the HTML beside it. Prints ``tried N / held M`` per builder.

    .venv/bin/python bench/kill_builds.py            # 50 kills per builder
    .venv/bin/python bench/kill_builds.py --kills 20 quiz

tests/test_staging.py runs the same loop, shorter.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

PROJECT = Path(__file__).resolve().parent.parent
STRICT = ["-W", "--keep-going", "-n"]
# Sphinx's last line before the builder's output is swapped into place.
SUCCEEDED = "build succeeded"
# After SUCCEEDED: the swap is a few milliseconds later, the removal of the previous set a few more.
SWAP_OFFSETS = (0.0, 0.001, 0.002, 0.004, 0.006, 0.01, 0.015, 0.02, 0.03, 0.05, 0.08, 0.12)


def project_copy(folder: Path) -> Path:
    """The project's sources (conf.py, docs, bib, quizzes) in ``folder``, with no build yet."""
    for name in ("docs", "bib", "quizzes"):
        shutil.copytree(PROJECT / name, folder / name)
    shutil.copy2(PROJECT / "conf.py", folder / "conf.py")
    return folder


def variant_options(builder: str, variant: int) -> list[str]:
    """Options that make build ``variant`` tell itself apart in its output."""
    if builder == "quiz":
        return ["-D", f"handout_quiz_seed={variant}", "-D", "handout_quiz_versions=2"]
    return ["-D", f"handout_subtitle=Kill run {variant}"]


def start(project: Path, builder: str, variant: int) -> subprocess.Popen[str]:
    options = shlex.join([*STRICT, *variant_options(builder, variant)])
    return subprocess.Popen(
        [sys.executable, "-m", "handout", "build", builder, "--project", str(project), f"--sphinx-opts={options}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
        # Unbuffered, so "build succeeded" reaches us when Sphinx prints it, not when the process ends.
        env={**os.environ, "PYTHONUNBUFFERED": "1", "SOURCE_DATE_EPOCH": "1700000000"},
    )


def build(project: Path, builder: str, variant: int) -> float:
    """One whole build; returns how long it took."""
    began = time.monotonic()
    proc = start(project, builder, variant)
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"handout build {builder} failed:\n{out}")
    return time.monotonic() - began


# -- what is in place ---------------------------------------------------------------------------------


def quiz_variant(outdir: Path) -> int:
    """The seed of the one complete class set in ``outdir``; AssertionError naming what is wrong."""
    index = outdir / "index.html"
    assert index.is_file(), "no index.html"
    listed = set(re.findall(r'href="([^"]+)"', index.read_text(encoding="utf-8")))
    on_disk = {p.relative_to(outdir).as_posix() for p in outdir.rglob("*") if p.is_file()}
    missing = listed - on_disk
    assert not missing, f"index.html lists files that are not there: {sorted(missing)[:3]}"
    extra = on_disk - listed - {"index.html", ".written.json"}
    assert not extra, f"files no index.html lists: {sorted(extra)[:3]}"
    assert set(json.loads((outdir / ".written.json").read_text(encoding="utf-8"))) == listed | {"index.html"}
    seed = json.loads((outdir / "quiz.json").read_text(encoding="utf-8"))["seed"]
    assert isinstance(seed, int)
    for page in outdir.glob("*/*-projector.html"):
        assert f'data-seed="{seed}"' in page.read_text(encoding="utf-8"), f"{page.name} is of another build"
    for pdf in outdir.rglob("*.pdf"):
        assert len(PdfReader(pdf).pages) >= 1, f"{pdf.name} has no page"
    return seed


def pdf_variant(outdir: Path, pages: int | None = None) -> int:
    """The run number of the one complete PDF (and its HTML) in ``outdir``; AssertionError otherwise."""
    pdfs = list(outdir.glob("*.pdf"))
    assert len(pdfs) == 1, f"{len(pdfs)} PDFs"
    reader = PdfReader(pdfs[0])
    if pages is not None:
        assert len(reader.pages) == pages, f"{len(reader.pages)} pages, not {pages}"
    subject = str(reader.metadata.get("/Subject", "")) if reader.metadata else ""
    found = re.fullmatch(r"Kill run (\d+)", subject)
    assert found, f"the PDF's subject is {subject!r}"
    html = pdfs[0].with_suffix(".html").read_text(encoding="utf-8")
    assert f"Kill run {found[1]}<" in html, "the HTML beside the PDF is of another build"
    return int(found[1])


def in_place(builder: str, outdir: Path, pages: int | None) -> int:
    return quiz_variant(outdir) if builder == "quiz" else pdf_variant(outdir, pages)


# -- the loop -----------------------------------------------------------------------------------------


@dataclass
class Tally:
    builder: str
    tried: int = 0
    held: int = 0
    killed: int = 0  # kills that reached a running build (the others came after it had finished)
    new: int = 0  # kills after which the killed build's set was in place (it was killed after the swap)
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.builder}: tried {self.tried} / held {self.held} "
                f"({self.killed} killed mid-build, {self.tried - self.killed} after it ended; "
                f"then in place: the previous set {self.held - self.new} times, the new one {self.new})")


def kill_at(proc: subprocess.Popen[str], delay: float, after_success: bool) -> bool:
    """SIGKILL ``proc`` ``delay`` seconds after it started, or after it printed SUCCEEDED; True if it was
    still running then."""
    succeeded = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if SUCCEEDED in line:
                succeeded.set()
        succeeded.set()  # the process ended (it failed, or was killed): stop waiting

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if after_success:
        succeeded.wait(timeout=120)
    time.sleep(delay)
    running = proc.poll() is None
    if running:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join(timeout=10)
    return running and proc.returncode == -signal.SIGKILL


def delays(kills: int, duration: float) -> list[tuple[float, bool]]:
    """``kills`` moments: half spread over a whole build (and a little past it), half around the swap."""
    spread = kills - kills // 2
    moments = [(duration * 1.1 * (i + 0.5) / spread, False) for i in range(spread)]
    moments += [(SWAP_OFFSETS[i % len(SWAP_OFFSETS)], True) for i in range(kills // 2)]
    return moments


def kill_loop(project: Path, builder: str, kills: int) -> Tally:
    """Build ``builder`` once, then ``kills`` times killed at the moments of :func:`delays`."""
    tally = Tally(builder)
    outdir = project / "_build" / builder
    duration = build(project, builder, 0)
    pages = len(PdfReader(next(outdir.glob("*.pdf"))).pages) if builder == "pdf" else None
    last = in_place(builder, outdir, pages)
    for number, (delay, after_success) in enumerate(delays(kills, duration), 1):
        proc = start(project, builder, number)
        tally.tried += 1
        tally.killed += kill_at(proc, delay, after_success)
        when = f"{delay * 1000:.0f} ms after 'build succeeded'" if after_success else f"at {delay:.2f} s"
        try:
            found = in_place(builder, outdir, pages)
            assert found in (last, number), f"the set of build {found}, neither the last ({last}) nor this one"
        except (AssertionError, OSError, ValueError) as exc:
            tally.problems.append(f"kill {number} {when}: {exc}")
            continue
        tally.new += found == number
        last = found
        tally.held += 1
    # A whole build after the kills removes whatever staging folders they left.
    build(project, builder, kills + 1)
    left = [p.name for p in (project / "_build" / ".staging").iterdir() if p.is_dir()]
    if left:
        tally.problems.append(f"staging folders left after a whole build: {left}")
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("builders", nargs="*", metavar="quiz|pdf", help="the builders to kill (default: both)")
    parser.add_argument("--kills", type=int, default=50, help="kills per builder (default: 50)")
    args = parser.parse_args(argv)
    # Checked here: Python 3.11's argparse rejects an empty list against choices= with nargs="*".
    if set(args.builders) - {"quiz", "pdf"}:
        parser.error(f"unknown builder: {', '.join(sorted(set(args.builders) - {'quiz', 'pdf'}))}")
    failed = False
    with tempfile.TemporaryDirectory(prefix="kill-builds-") as tmp:
        for builder in args.builders or ("quiz", "pdf"):
            project = project_copy(Path(tmp) / builder)
            tally = kill_loop(project, builder, args.kills)
            print(tally.line(), flush=True)
            for problem in tally.problems:
                print(f"  {problem}", flush=True)
            failed |= bool(tally.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
