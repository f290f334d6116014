"""The ``quiz`` domain: what the environment keeps about quizzes between pages and between builds.

* ``sources``: each quiz data folder a page used, loaded once and kept with the modification times of
  its files (and of the BibTeX files its citations are checked against), as sphinxcontrib-bibtex
  keeps its bibliography: a later build loads it again only when one of those times changed.
* ``quizzes``: per document, the questions of each quiz in document order, for the answer key.
* ``key_pages``: the documents with a ``{quiz-answer-key}``.
* ``uses``: per document, the data folders it draws on, so problems in them are reported (once per
  build) and checked against the documents that exist.

``clear_doc`` and ``merge_domaindata`` keep all of it right under incremental and parallel builds.
The ``section`` cross-reference type (``pending_xref`` with ``refdomain="quiz"``) links a question to
the docs section it reviews, by page and MyST heading anchor, and reads "Review: <heading>".
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.domains import Domain
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from handout.quiz.loader import DataError, DataErrors, load_quiz_data
from handout.quiz.model import QuizData

if TYPE_CHECKING:
    from sphinx.addnodes import pending_xref
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from handout.quiz.generator import Question

logger = logging.getLogger(__name__)

DATA_FILES = ("subject.yaml", "glossary.yaml", "families.yaml", "compounds.yaml")


@dataclass(frozen=True)
class Source:
    """One data folder as loaded, with what it was loaded from."""

    folder: Path
    stamps: tuple[tuple[str, int], ...]
    data: QuizData | None
    errors: tuple[DataError, ...]
    labels: dict[str, str] = field(compare=False)
    files: tuple[Path, ...]
    bibfiles: tuple[Path, ...]


@dataclass(frozen=True)
class KeyEntry:
    """One question as the answer key prints it."""

    number: int
    qid: str
    kind: str
    answer: str
    rationale: str
    cite: tuple[str, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class QuizRecord:
    """One quiz of one document."""

    docname: str
    node_id: str
    title: str
    seed: int
    entries: tuple[KeyEntry, ...]
    #: The questions as asked, for the quiz's projector page.
    questions: tuple[Question, ...] = ()

    @property
    def projector_page(self) -> str:
        return projector_page(self.docname, self.node_id)


def projector_page(docname: str, node_id: str) -> str:
    """Where the HTML builders write a quiz's projector page, relative to the output folder."""
    return f"_quiz/{docname.replace('/', '--')}-{node_id}-projector.html"


def bibfiles(env: BuildEnvironment) -> tuple[Path, ...]:
    """The BibTeX files of the project, as sphinxcontrib-bibtex resolved them (none without it)."""
    bibdata = env.domaindata.get("cite", {}).get("bibdata")
    return tuple(Path(p) for p in getattr(bibdata, "bibfiles", {}))


def _stamps(files: Iterable[Path]) -> tuple[tuple[str, int], ...]:
    out = []
    for path in files:
        try:
            out.append((str(path), path.stat().st_mtime_ns))
        except OSError:
            out.append((str(path), -1))
    return tuple(out)


def load_source(folder: Path, bibs: tuple[Path, ...]) -> Source:
    """Load and check ``folder``; problems are kept, not raised, so every page sees the same result."""
    from handout.quiz.bib import cite_labels

    files = tuple(folder / name for name in DATA_FILES)
    stamps = _stamps((*files, *bibs))
    labels: dict[str, str] = {}
    errors: list[DataError] = []
    for bib in bibs:
        # A file that cannot be read is reported by the loader below (and by the bibtex extension).
        with contextlib.suppress(Exception):
            labels.update(cite_labels(bib))
    data: QuizData | None = None
    try:
        data = load_quiz_data(folder, bibs or None, None)
    except DataErrors as exc:
        errors += exc.errors
    return Source(folder=folder, stamps=stamps, data=data, errors=tuple(errors), labels=labels, files=files,
                  bibfiles=bibs)


class QuizDomain(Domain):
    """Quizzes: data sources, questions per document, links to the sections they review."""

    name = "quiz"
    label = "Quizzes"
    data_version = 1
    initial_data: ClassVar[dict[str, Any]] = {
        "sources": {},
        "quizzes": {},
        "key_pages": {},
        "uses": {},
        "fingerprint": "",
        # Set on builder-inited from the validated configuration: default folder, seed, answer key.
        "settings": {},
    }

    @property
    def settings(self) -> dict[str, Any]:
        return self.data.setdefault("settings", {})  # type: ignore[no-any-return]

    @property
    def sources(self) -> dict[str, Source]:
        return self.data.setdefault("sources", {})  # type: ignore[no-any-return]

    @property
    def quizzes(self) -> dict[str, list[QuizRecord]]:
        return self.data.setdefault("quizzes", {})  # type: ignore[no-any-return]

    @property
    def key_pages(self) -> dict[str, int]:
        return self.data.setdefault("key_pages", {})  # type: ignore[no-any-return]

    @property
    def uses(self) -> dict[str, list[str]]:
        return self.data.setdefault("uses", {})  # type: ignore[no-any-return]

    # -- data sources --------------------------------------------------------------------------

    def source(self, folder: Path) -> Source:
        """The data of ``folder``: from the cache while its files are unchanged, else loaded again."""
        folder = folder.resolve()
        bibs = bibfiles(self.env)
        cached = self.sources.get(str(folder))
        files = (*(folder / n for n in DATA_FILES), *bibs)
        if cached is not None and cached.bibfiles == bibs and cached.stamps == _stamps(files):
            return cached
        loaded = load_source(folder, bibs)
        self.sources[str(folder)] = loaded
        return loaded

    def note_use(self, docname: str, source: Source, *, bib: bool) -> None:
        """Record that ``docname`` draws on ``source``: it is read again when one of its files changes."""
        uses = self.uses.setdefault(docname, [])
        if str(source.folder) not in uses:
            uses.append(str(source.folder))
        for path in (*source.files, *(source.bibfiles if bib else ())):
            self.env.note_dependency(path, docname=docname)

    def used_folders(self) -> list[str]:
        return sorted({f for folders in self.uses.values() for f in folders})

    # -- per document ----------------------------------------------------------------------------

    def clear_doc(self, docname: str) -> None:
        self.quizzes.pop(docname, None)
        self.key_pages.pop(docname, None)
        self.uses.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            if docname in otherdata["quizzes"]:
                self.quizzes[docname] = otherdata["quizzes"][docname]
            if docname in otherdata["key_pages"]:
                self.key_pages[docname] = otherdata["key_pages"][docname]
            if docname in otherdata["uses"]:
                self.uses[docname] = otherdata["uses"][docname]
        # A folder first loaded in a worker process: keep it, so the next build need not load it.
        for key, source in otherdata["sources"].items():
            mine = self.sources.get(key)
            if mine is None or mine.stamps != source.stamps:
                self.sources[key] = source

    def ordered_quizzes(self) -> Iterator[QuizRecord]:
        """Every quiz in reading order: documents as the toctrees list them, then the others."""
        for docname in document_order(self.env):
            yield from self.quizzes.get(docname, ())

    # -- cross-references to sections -------------------------------------------------------------

    def resolve_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder, typ: str, target: str,
                     node: pending_xref, contnode: nodes.Element) -> nodes.reference | None:
        if typ != "section":
            return None
        page, _, anchor = target.partition("#")
        found = section_target(env, page, anchor)
        if found is None:
            # Reported once, with the data file and line, by the consistency check; the text stays.
            return contnode  # type: ignore[return-value]
        targetid, title = found
        inner = nodes.inline("", "", classes=["xref", "quiz", "quiz-section"])
        inner += nodes.Text(f"Review: {title}")
        return make_refnode(builder, fromdocname, page, targetid, inner, title)

    def resolve_any_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder, target: str,
                         node: pending_xref, contnode: nodes.Element) -> list[tuple[str, nodes.reference]]:
        return []


def section_target(env: BuildEnvironment, page: str, anchor: str) -> tuple[str, str] | None:
    """``(id, heading text)`` of section ``page#anchor`` (``("", page title)`` without an anchor), or None."""
    if page not in env.all_docs:
        return None
    if not anchor:
        title = env.titles.get(page)
        return "", title.astext() if title is not None else page
    slugs = env.metadata.get(page, {}).get("myst_slugs", {})
    if anchor in slugs:
        _, section_id, text = slugs[anchor]
        return str(section_id), str(text)
    # reST pages (and headings deeper than myst_heading_anchors): the section ids of the page's toc.
    toc = env.tocs.get(page)
    if toc is not None:
        for ref in toc.findall(nodes.reference):
            if ref.get("anchorname") == f"#{anchor}":
                return anchor, ref.astext()
    return None


def document_order(env: BuildEnvironment) -> list[str]:
    """Documents in the order a reader meets them: a depth-first walk of the toctrees from the root."""
    seen: list[str] = []

    def walk(docname: str) -> None:
        if docname in seen or docname not in env.all_docs:
            return
        seen.append(docname)
        for child in env.toctree_includes.get(docname, ()):
            walk(child)

    walk(env.config.root_doc)
    return seen + sorted(set(env.all_docs) - set(seen))


def check_sources(env: BuildEnvironment) -> None:
    """Report the problems of every data folder a page used, once per build, as file:line warnings."""
    domain: QuizDomain = env.get_domain("quiz")  # type: ignore[assignment]
    for folder in domain.used_folders():
        source = domain.source(Path(folder))
        for error in source.errors:
            logger.warning("%s", error.message, type="quiz", subtype="data", location=f"{error.file}:{error.line}")
        if source.data is None:
            continue
        data = source.data
        entries: list[tuple[str | None, Any]] = [
            *((t.section, t.where) for t in data.terms),
            *((f.section, f.where) for f in data.families),
            *((c.section, c.where) for c in data.compounds),
        ]
        for section, where in entries:
            if not section:
                continue
            page, _, anchor = section.partition("#")
            if section_target(env, page, anchor) is not None:
                continue
            why = (f"there is no document '{page}'" if page not in env.all_docs
                   else f"'{page}' has no heading '#{anchor}'")
            logger.warning("section '%s': %s", section, why, type="quiz", subtype="section",
                           location=f"{where.file}:{where.line}")
