"""Nothing from outside the project enters an output.

Sphinx copies what pages and ``conf.py`` name: images, figures, downloads, literal includes, the
static and extra folders of the HTML site, and it reads the BibTeX files and our quiz data. A ``../``
path or a symlink can point any of them at a file elsewhere on the machine (``/etc/passwd`` into the
site). Every such file must resolve, after following symlinks, inside the project: the folder that
holds ``conf.py``. Anything else is left out, and a warning of type ``handout``, subtype ``outside``,
names where it was asked for (the page and line, or ``conf.py`` and line, or the static file), so a
build with ``-W`` fails.

- Images, downloads and literal includes are checked when a page has been read, before Sphinx's own
  collectors note them for copying (``doctree-read``, priority 400 < 500): the node is removed and the
  file never reaches ``env.images`` or ``env.dlfiles``. Included text (``include``) is emptied on
  ``include-read``. The refusals are kept in the environment and reported on every build, so an
  incremental build of unchanged pages fails as the first one did.
- Static and extra files of the HTML builders are checked when writing starts: a file or folder that
  resolves outside is added to ``exclude_patterns`` (which Sphinx's static copy honours) and a whole
  folder of ``html_static_path`` / ``html_extra_path`` that does is dropped, until the build ends.
- ``bibtex_bibfiles`` and ``handout_quiz_data`` are checked when the configuration is read.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.utils import get_source_line
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.i18n import get_image_filename_for_language, search_image_for_language
from sphinx.util.matching import Matcher

from handout.config import where_set

if TYPE_CHECKING:
    from collections.abc import Iterator, Set

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

SUBTYPE = "outside"
#: The environment's record of refusals: docname -> [(location, message)].
ENV_KEY = "handout_outside"
#: The user's own static and extra folders, as conf.py (or -D) set them, before extensions add theirs.
_USER_PATHS = "_handout_user_paths"
#: What write-started changed in the configuration, restored when the build ends.
_SAVED = "_handout_confine_saved"

Location = str | tuple[str, int | None]


def setup_confine(app: Sphinx) -> None:
    # Before handout's own validation (799), so the quiz data folder it resolves is the checked one.
    app.connect("config-inited", check_configured_files, priority=790)
    app.connect("doctree-read", confine_doctree, priority=400)
    app.connect("include-read", confine_include)
    app.connect("env-purge-doc", _purge_doc)
    app.connect("env-merge-info", _merge_info)
    app.connect("env-updated", report_refused)
    app.connect("write-started", confine_static_files)
    app.connect("build-finished", _restore_config)


def project_root(app: Sphinx) -> Path:
    """The project: the folder of conf.py (the source folder when there is none), symlinks resolved."""
    return Path(app.confdir or app.srcdir).resolve()


def outside(path: str | os.PathLike[str], root: Path) -> bool:
    """Whether ``path``, once its symlinks are followed, lies outside ``root``."""
    return not Path(path).resolve().is_relative_to(root)


def _warn(message: str, location: Location | None) -> None:
    logger.warning(message, type="handout", subtype=SUBTYPE, location=location)


def _warn_setting(config: Config, name: str, message: str) -> None:
    """A warning about a setting, at ``conf.py:line`` (a place without a line goes into the message:
    Sphinx would take a location without a colon for a page name)."""
    where = where_set(config, name)
    if ":" in where:
        _warn(message, where)
    else:
        _warn(f"{message} (set in {where})", None)


# -- conf.py: BibTeX files and the quiz data --------------------------------------------------


def check_configured_files(app: Sphinx, config: Config) -> None:
    root = project_root(app)
    confdir = Path(app.confdir or app.srcdir)
    setattr(app, _USER_PATHS, {
        name: list(getattr(config, name, None) or []) for name in ("html_static_path", "html_extra_path")
    })

    bibfiles = getattr(config, "bibtex_bibfiles", None)
    if bibfiles:
        kept = []
        for bib in bibfiles:
            target = (confdir / bib).resolve()
            if target.is_relative_to(root):
                kept.append(bib)
            else:
                _warn_setting(config, "bibtex_bibfiles", f"bibtex_bibfiles: {bib} is left out: it resolves to "
                              f"{target}, outside the project ({root})")
        if len(kept) != len(bibfiles):
            config.bibtex_bibfiles = kept

    folder_name = getattr(config, "handout_quiz_data", None)
    if isinstance(folder_name, str | os.PathLike):
        folder = confdir / folder_name
        escaped = [folder] if outside(folder, root) else []
        if not escaped and folder.is_dir():
            escaped = sorted(p for p in folder.rglob("*") if outside(p, root))
        if escaped:
            for path in escaped:
                _warn_setting(config, "handout_quiz_data", f"handout_quiz_data: {path} is left out: it resolves "
                              f"to {path.resolve()}, outside the project ({root}); the quizzes get no data")
            # The loader then finds no folder (and says so); nothing of the outside files is read.
            config.handout_quiz_data = f"{folder_name} (left out: outside the project)"


# -- Pages: images, downloads, literal includes, includes ------------------------------------


def _refusals(env: BuildEnvironment) -> dict[str, list[tuple[Location, str]]]:
    if not hasattr(env, ENV_KEY):
        setattr(env, ENV_KEY, {})
    refusals: dict[str, list[tuple[Location, str]]] = getattr(env, ENV_KEY)
    return refusals


def _node_location(node: nodes.Node, docname: str) -> Location:
    """``file:line`` of the Markdown (or included) source of ``node``; the page when unknown."""
    source, line = get_source_line(node)
    if source and line and Path(source).is_file():
        return f"{Path(source).resolve()}:{line}"
    return (docname, line)


def _image_files(env: BuildEnvironment, uri: str, docname: str) -> Iterator[str]:
    """Every file Sphinx's image collector may pick for ``uri`` (see sphinx.environment.collectors.asset)."""
    _, full = env.relfn2path(uri, docname)
    if uri.endswith(os.extsep + "*"):
        _, full_i18n = env.relfn2path(get_image_filename_for_language(uri, env), docname)
        yield from glob.glob(full_i18n)  # as the collector does
        yield from glob.glob(full)
        yield full
    else:
        yield env.relfn2path(search_image_for_language(uri, env), docname)[1]
        yield full


def confine_doctree(app: Sphinx, doctree: nodes.document) -> None:
    """Take out of the page every image, download and literal include from outside the project."""
    env = app.env
    docname = env.current_document.docname
    root = project_root(app)
    refused = _refusals(env).setdefault(docname, [])

    for image in list(doctree.findall(nodes.image)):
        uri = image.get("uri", "")
        if not uri or uri.startswith("data:") or "://" in uri:
            continue  # remote images are never copied; the PDF builder's fetcher refuses them
        escaped = next((f for f in _image_files(env, uri, docname) if outside(f, root)), None)
        if escaped is not None:
            refused.append((_node_location(image, docname),
                            f"image {uri} is left out: it resolves to {Path(escaped).resolve()}, outside the "
                            f"project ({root})"))
            image.parent.remove(image)

    for download in list(doctree.findall(addnodes.download_reference)):
        target = download.get("reftarget", "")
        if not target or "://" in target:
            continue
        _, full = env.relfn2path(target, docname)
        if outside(full, root):
            refused.append((_node_location(download, docname),
                            f"download {target} is left out: it resolves to {Path(full).resolve()}, outside "
                            f"the project ({root})"))
            download.replace_self(nodes.inline("", "", *download.children))

    for block in list(doctree.findall(nodes.literal_block)):
        source = block.get("source")  # set by literalinclude (and MyST's include with :literal:)
        if source and Path(source).is_absolute() and outside(source, root):
            refused.append((_node_location(block, docname),
                            f"included file {source} is left out: it resolves to {Path(source).resolve()}, "
                            f"outside the project ({root})"))
            block.parent.remove(block)

    if not refused:
        del _refusals(env)[docname]


def confine_include(app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]) -> None:
    """The ``include`` directive: text from outside the project is replaced by nothing."""
    path = Path(app.srcdir, relative_path)
    root = project_root(app)
    if outside(path, root):
        docname = app.env.current_document.docname or parent_docname
        _refusals(app.env).setdefault(docname, []).append((
            (docname, _include_line(app.env, docname, relative_path)),
            f"included file {relative_path} is left out: it resolves to {path.resolve()}, outside the project "
            f"({root})"))
        content[0] = ""


def _include_line(env: BuildEnvironment, docname: str, included: Path) -> int | None:
    """The line of the page's include directive naming ``included`` (the event gives none)."""
    try:
        lines = env.doc2path(docname).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines, 1):
        if "include" in line and included.name in line:
            return number
    return None


def _purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _refusals(env).pop(docname, None)


def _merge_info(app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
    mine = _refusals(env)
    for docname, refused in _refusals(other).items():
        if docname in docnames:
            mine[docname] = refused


def report_refused(app: Sphinx, env: BuildEnvironment) -> None:
    """Every refusal of every page, on every build (an unchanged page is not read again)."""
    for docname in sorted(_refusals(env)):
        if docname not in env.all_docs:
            continue
        for location, message in _refusals(env)[docname]:
            _warn(message, location)


# -- The HTML builders' static and extra files ------------------------------------------------


def _escape(name: str) -> str:
    """``name`` as a pattern of Sphinx's Matcher that matches it alone."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _escaped_in(folder: Path, root: Path, skip: Matcher) -> Iterator[tuple[str, Path]]:
    """(path relative to ``folder``, the path) of every file or folder under it that resolves outside.

    Walks as Sphinx's copy_asset does (following symlinks); a folder that resolves outside is
    reported once and not entered.
    """
    seen: set[Path] = set()
    for dirpath, dirs, files in os.walk(folder, followlinks=True):
        here = Path(dirpath)
        if here.resolve() in seen:
            dirs.clear()
            continue
        seen.add(here.resolve())
        # As copy_asset joins them: "./name" at the top (Sphinx 9), "sub/name" below.
        rel = here.relative_to(folder).as_posix()
        for name in sorted([*dirs, *files]):
            relname = f"{rel}/{name}"
            if skip(relname) or skip(relname.removeprefix("./")):
                if name in dirs:
                    dirs.remove(name)
                continue
            if outside(here / name, root):
                if name in dirs:
                    dirs.remove(name)
                yield relname, here / name


def confine_static_files(app: Sphinx, builder: Builder) -> None:
    """Keep files from outside the project out of ``html_static_path`` and ``html_extra_path`` copies."""
    from sphinx.builders.html import StandaloneHTMLBuilder

    if not isinstance(builder, StandaloneHTMLBuilder) or builder.name == "pdf":
        return  # the PDF builder copies no static files (see handout.pdf.builder.copy_assets)
    config = app.config
    root = project_root(app)
    confdir = Path(app.confdir or app.srcdir)
    user: dict[str, list[str]] = getattr(app, _USER_PATHS, {})
    saved: dict[str, Any] = {}
    excluded: list[str] = []
    for name in ("html_static_path", "html_extra_path"):
        entries = list(getattr(config, name))
        skip = Matcher([*config.exclude_patterns, *(["**/.*"] if name == "html_static_path" else [])])
        kept = []
        for entry in entries:
            if entry not in user.get(name, ()):
                kept.append(entry)  # added by an extension (its own package's files), not by the project
                continue
            folder = confdir / entry
            if folder.exists() and outside(folder, root):
                _warn_setting(config, name, f"{name}: {entry} is left out: it resolves to {folder.resolve()}, "
                              f"outside the project ({root})")
                continue
            kept.append(entry)
            if folder.is_dir():
                for relname, path in _escaped_in(folder, root, skip):
                    _warn(f"{path} is left out of the site: it resolves to {path.resolve()}, outside the "
                          f"project ({root})", None)
                    excluded += [_escape(relname), _escape(relname.removeprefix("./"))]
        if kept != entries:
            saved[name] = entries
            setattr(config, name, kept)
    for name in ("html_logo", "html_favicon"):
        value = getattr(config, name, None)
        if value and "://" not in value and outside(confdir / value, root):
            _warn_setting(config, name, f"{name}: {value} is left out: it resolves to "
                          f"{(confdir / value).resolve()}, outside the project ({root})")
            saved[name] = value
            setattr(config, name, None)
    if excluded:
        saved["exclude_patterns"] = list(config.exclude_patterns)
        config.exclude_patterns = [*config.exclude_patterns, *excluded]
    setattr(app, _SAVED, saved)


def _restore_config(app: Sphinx, exception: BaseException | None) -> None:
    for name, value in getattr(app, _SAVED, {}).items():
        setattr(app.config, name, value)
    setattr(app, _SAVED, {})

