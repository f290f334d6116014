"""Wiring of the quiz features into Sphinx: :func:`setup_quiz` registers everything and the events.

Reading: the directives (:mod:`.directives`) read the data through the ``quiz`` domain's cache
(:mod:`.domain`) and note each data file as a dependency of their page. After reading: the problems
of each data folder a page used are reported once, as ``quiz.data`` warnings at ``file:line``, and
every ``section`` of the data is checked against the documents read (``quiz.section``). When a quiz
changed, the pages with an answer key are written again. Writing: the answer key is filled by a
post-transform that runs before references are resolved, so its citations resolve like any other.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from handout.config import get_config
from handout.quiz import nodes as qn
from handout.quiz.directives import DIRECTIVES, rationale_children
from handout.quiz.domain import QuizDomain, check_sources
from handout.quiz.render import handlers

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

STATIC = Path(__file__).parent / "static"
OMITTED = "The answer key is left out of this edition."


def setup_quiz(app: Sphinx) -> None:
    app.add_domain(QuizDomain)
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)
    for node, builders in handlers().items():
        visitors: dict[str, Any] = builders
        app.add_node(node, **visitors)
    app.add_post_transform(FillAnswerKey)
    # After sphinxcontrib-bibtex's builder-inited (default priority), which resolves the BibTeX files.
    app.connect("builder-inited", builder_inited, priority=600)
    app.connect("env-check-consistency", env_check_consistency)
    app.connect("env-get-updated", answer_key_pages)
    app.connect("html-page-context", page_assets)
    app.connect("build-finished", write_projector_pages)


def builder_inited(app: Sphinx) -> None:
    settings = get_config(app)
    domain: QuizDomain = app.env.get_domain("quiz")  # type: ignore[assignment]
    domain.settings.update(folder=str(settings.quiz_data), confdir=str(Path(app.confdir).resolve()),
                           seed=settings.quiz_seed)
    builder = app.builder
    if builder.format == "html" and builder.name != "pdf":
        static = str(STATIC)
        if static not in app.config.html_static_path:
            app.config.html_static_path = [*app.config.html_static_path, static]


def page_assets(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                doctree: nodes.document | None) -> None:
    """The quiz script and stylesheet, on the pages that hold a quiz only (never on paper)."""
    builder: Any = app.builder
    if doctree is None or builder.name == "pdf" or not hasattr(builder, "add_js_file"):
        return
    if next(iter(doctree.findall(qn.quiz)), None) is None:
        return
    builder.add_css_file("quiz.css")
    # Classic and deferred, not type="module": module scripts are blocked on pages opened from disk.
    builder.add_js_file("quiz.js", defer="defer")


def write_projector_pages(app: Sphinx, exception: BaseException | None) -> None:
    """Each quiz's projector page beside the site (linked from the quiz), as ``make quiz`` writes them.

    Written after the build, from the questions the domain recorded, by the HTML builders only: a page
    of the site that works offline and from a copy of the folder.
    """
    builder = app.builder
    if exception is not None or builder.format != "html" or builder.name == "pdf":
        return
    from handout.quiz import projector
    from handout.quiz.versions import Version

    settings = get_config(app)
    domain: QuizDomain = app.env.get_domain("quiz")  # type: ignore[assignment]
    countdown = settings.quiz_time_limit if settings.quiz_countdown else None
    written = set()
    for record in domain.ordered_quizzes():
        if not record.questions:
            continue
        written.add(record.projector_page)
        version = Version(title=record.title, code="", seed=record.seed, questions=record.questions,
                          caption=f"{settings.title} (seed {record.seed})")
        path = Path(builder.outdir) / record.projector_page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(projector.render(version, notice=settings.notice, countdown=countdown,
                                         language=app.config.language or "en"), encoding="utf-8")
    # Pages are named by position (quiz-2 of a page): one whose quiz is gone would stay online.
    for old in (Path(builder.outdir) / "_quiz").glob("*-projector.html"):
        if f"_quiz/{old.name}" not in written:
            old.unlink()


def env_check_consistency(app: Sphinx, env: BuildEnvironment) -> None:
    check_sources(env)


def answer_key_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The pages with an answer key, when any quiz changed since they were last written."""
    domain: QuizDomain = env.get_domain("quiz")  # type: ignore[assignment]
    state = repr([(r.docname, r.node_id, r.title, r.seed, r.entries) for r in domain.ordered_quizzes()])
    fingerprint = hashlib.sha256(state.encode()).hexdigest()
    if fingerprint == domain.data.get("fingerprint"):
        return []
    domain.data["fingerprint"] = fingerprint
    return sorted(domain.key_pages)


class FillAnswerKey(SphinxPostTransform):
    """Replace each ``{quiz-answer-key}`` with the answers of every quiz, in reading order.

    Runs before the references resolvers (priority 9 and 10), so the citations it adds resolve there.
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        for placeholder in list(self.document.findall(qn.quiz_answer_key)):
            placeholder.replace_self(self.answer_key())

    def answer_key(self) -> list[nodes.Node]:
        if not self.config.handout_quiz_answer_key:
            return [nodes.paragraph(OMITTED, OMITTED, classes=["handout-quiz-key-omitted"])]
        domain: QuizDomain = self.env.get_domain("quiz")  # type: ignore[assignment]
        out: list[nodes.Node] = []
        for record in domain.ordered_quizzes():
            title = self.env.titles.get(record.docname)
            where = title.astext() if title is not None else record.docname
            heading = f"{record.title} ({where})" if where != record.title else record.title
            out.append(nodes.rubric(heading, heading, classes=["handout-quiz-key-title"]))
            # Numbers are text, not list markers: they read in order on every page's text layer.
            answers = nodes.container(classes=["handout-quiz-key-list"])
            for entry in record.entries:
                para = nodes.paragraph(classes=["handout-quiz-key-entry"])
                para += nodes.strong(f"{entry.number}. {entry.answer}", f"{entry.number}. {entry.answer}")
                para += nodes.Text(" — ")
                para += rationale_children(self.env, None, entry.rationale, entry.cite, None,
                                           dict(zip(entry.cite, entry.labels, strict=True)))
                answers += para
            out.append(answers)
        if not out:
            out.append(nodes.paragraph("No quiz in this handout yet.", "No quiz in this handout yet."))
        return out
