"""The ``quiz`` builder (``make quiz``): everything a class quiz needs, in ``_build/quiz/``.

From the quiz data of ``conf.py`` (``handout_quiz_data``) it makes the class quiz (the generator's form
for ``handout_quiz_seed``, ``handout_quiz_questions`` long), ``handout_quiz_versions`` versions of it
(:mod:`.versions`), and writes::

    index.html                 what is here, and what each file is for
    quiz.json                  the quiz as data (every version is a reordering of it)
    <slug>.apkg                Anki deck of the whole question bank, for self-study
    <slug>-bank-key.pdf        every question of the bank with its answer, for the teacher
    <slug>.moodle.xml ...      the whole bank in every export format, for a platform that shuffles itself
    A/ B/ ...                  per version:
        <slug>-A-sheet.pdf     the student sheet (no answers)
        <slug>-A-key.pdf       its answer key
        <slug>-A-projector.html  projector mode, one file, works offline
        <slug>-A.moodle.xml  <slug>-A.gift.txt  <slug>-A.qti.zip  <slug>-A.kahoot.xlsx  <slug>-A.csv
        <slug>-A.apkg          the version's questions as an Anki deck of its own

Nothing is written per page: Sphinx reads the project (so the answer key can name the handout's
sections by their titles) and :meth:`ClassroomBuilder.finish` writes the set straight into the output
folder, then removes the files of the previous set that this one no longer makes. ``make quiz`` and
``handout build quiz`` run it on a staging copy of ``_build/quiz`` that replaces the previous set only when
the build succeeded (:mod:`handout.staging`), so a failed or killed build leaves the previous set, never a
mix; a bare ``sphinx-build -b quiz`` writes in place. A problem in the data stops the build before any file
is written, either way.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.builders import Builder
from sphinx.locale import __
from sphinx.util import logging

from handout.config import PAPER_SIZES, HandoutConfig, get_config, slugify, where_set
from handout.quiz.sheets import GRID_MAX

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from handout.quiz.versions import Version

logger = logging.getLogger(__name__)


class ClassroomBuilder(Builder):
    name = "quiz"
    format = "classroom"
    epilog = __("The quiz sheets, answer keys, projector pages and exports are in %(outdir)s.")
    allow_parallel = True

    def init(self) -> None:
        app = getattr(self, "_app", None) or self.app
        self.handout: HandoutConfig = get_config(app)

    def get_outdated_docs(self) -> list[str]:
        # No page is written; the set is made anew in finish() on every build (a few seconds).
        return []

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return ""

    def prepare_writing(self, docnames: Any) -> None:
        pass

    def write_doc(self, docname: str, doctree: Any) -> None:
        pass

    def finish(self) -> None:
        from handout.quiz import generator
        from handout.quiz.domain import QuizDomain
        from handout.quiz.versions import make_versions, whole_bank

        domain: QuizDomain = self.env.get_domain("quiz")  # type: ignore[assignment]
        source = domain.source(self.handout.quiz_data)
        if source.data is None:
            for error in source.errors:
                logger.error("%s", error.message, type="quiz", subtype="data", location=f"{error.file}:{error.line}")
            logger.error(__("the quiz data has %d problem(s), listed above; nothing was written to %s"),
                         len(source.errors), self.outdir, type="quiz", subtype="data")
            # A SphinxError would print Sphinx's crash report (versions, traceback) for a data mistake; the
            # lines above say all there is to say. The exit status is not zero, -W or not.
            raise SystemExit(1)
        form = generator.generate(source.data, seed=self.handout.quiz_seed, count=self.handout.quiz_questions,
                                  citations=source.labels)
        bank = whole_bank(generator.generate(source.data, seed=self.handout.quiz_seed, citations=source.labels,
                                             bank=True),
                          citations=source.labels)
        versions = make_versions(form, self.handout.quiz_versions, citations=source.labels)
        for note in form.notes:
            logger.info("note: %s", note)
        if len(form.questions) > GRID_MAX:
            logger.warning(__("%d questions: the answer grid of each sheet takes more than one page (it holds %d)"),
                           len(form.questions), GRID_MAX, type="quiz", subtype="grid",
                           location=where_set(self.config, "handout_quiz_questions"))

        outdir = Path(self.outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        # A hidden staging folder of the builds before whole-output staging, killed before its cleanup.
        for left in outdir.glob(".staging-*"):
            shutil.rmtree(left, ignore_errors=True)
        listing = self.write_set(outdir, form.as_dict(), bank, versions)
        _remove_stale(outdir, sorted({"index.html", *(m.path for files in self._files.values() for m in files)}))
        for line in listing:
            logger.info(line)

    # -- writing ---------------------------------------------------------------------------------

    def write_set(self, folder: Path, form: dict[str, Any], bank: Version, versions: tuple[Version, ...]) -> list[str]:
        """Write every file into ``folder``; returns what to tell the user (one line per file with notes)."""
        from handout.pdf.builder import PRINT_CSS
        from handout.quiz import projector, sheets
        from handout.quiz.exports import anki, csvfile, gift, kahoot, moodle, qti

        slug = slugify(self.config.project)
        settings = sheets.SheetSettings(
            notice=self.handout.notice, short_notice=self.handout.short_notice,
            paper=PAPER_SIZES[self.handout.paper], language=self.config.language or "en",
            author=self.handout.author, print_css=PRINT_CSS, pdf_variant=self.handout.pdf_variant)
        review = self._review_words()
        self._files: dict[str, list[_Made]] = {}

        def made(version: Version, path: Path, what: str, notes: list[str] | None = None) -> None:
            self._files.setdefault(version.code, []).append(
                _Made(path.relative_to(folder).as_posix(), what, [_numbered(version, n) for n in notes or ()]))

        def exports(version: Version, base: Path) -> None:
            for suffix, write, what, options in (
                (".moodle.xml", moodle.write, "Moodle XML (Question bank, Import, Moodle XML format).", {}),
                (".gift.txt", gift.write, "GIFT, Moodle's text format (Question bank, Import, GIFT format).", {}),
                (".qti.zip", qti.write, "QTI 2.1 content package: Canvas, Blackboard, Moodle's QTI import.", {}),
                (".kahoot.xlsx", kahoot.write, "Kahoot quiz spreadsheet (Create, Add question, Import spreadsheet).",
                 {"time_limit": self.handout.quiz_time_limit}),
                (".csv", csvfile.write, "CSV, one row per question, for any other tool.", {}),
            ):
                path = base.with_name(base.name + suffix)
                made(version, path, what, write(version, path, **options))

        (folder / "quiz.json").write_text(json.dumps(form, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        made(bank, folder / "quiz.json", "The class quiz as data: every version is a reordering of it.")
        deck = folder / f"{slug}.apkg"
        made(bank, deck, "Anki deck of the whole bank, for self-study (importing a newer deck updates the cards).",
             anki.write(bank.title, bank.questions, deck, citations=bank.citations, review=review))
        key = folder / f"{slug}-bank-key.pdf"
        key.write_bytes(sheets.render_pdf(sheets.key_html(bank, settings, review), settings))
        made(bank, key, "Every question of the bank with its answer and rationale, for the teacher.")
        exports(bank, folder / slug)

        countdown = self.handout.quiz_time_limit if self.handout.quiz_countdown else None
        for version in versions:
            sub = folder / version.code
            sub.mkdir(exist_ok=True)
            base = sub / f"{slug}-{version.code}"
            sheet = base.with_name(f"{base.name}-sheet.pdf")
            sheet.write_bytes(sheets.render_pdf(sheets.sheet_html(version, settings), settings))
            made(version, sheet, "Student sheet to print: questions, name/class/date lines, a grid for letters.")
            key = base.with_name(f"{base.name}-key.pdf")
            key.write_bytes(sheets.render_pdf(sheets.key_html(version, settings, review), settings))
            made(version, key, "Answer key: the filled grid, then each answer with its rationale.")
            page = base.with_name(f"{base.name}-projector.html")
            page.write_text(projector.render(version, notice=self.handout.notice, countdown=countdown,
                                             language=self.config.language or "en"), encoding="utf-8")
            made(version, page, "Projector mode, offline: arrows move, Enter reveals, t timer, f full screen.")
            exports(version, base)
            deck = base.with_name(f"{base.name}.apkg")
            made(version, deck, "Anki deck of this version's questions, in its order (a deck of its own).",
                 anki.write(version.title, version.questions, deck, citations=version.citations,
                            version_label=version.label, review=review))
        (folder / "index.html").write_text(_index(self.config.project, self.handout.notice, bank, versions,
                                                  self._files), encoding="utf-8")
        # One line per file: Kahoot alone can leave out half a quiz, one line per question would bury the rest.
        return [f"{m.path}: {len(m.notes)} note(s), such as questions a format cannot hold; index.html lists them"
                for made_files in self._files.values() for m in made_files if m.notes]

    def _review_words(self) -> Callable[[str], str]:
        """``page#anchor`` → ``Page title, Section title`` as the handout prints them."""
        from handout.quiz.domain import section_target

        def words(section: str) -> str:
            page, _, anchor = section.partition("#")
            title = self.env.titles.get(page)
            page_title = title.astext() if title is not None else page
            found = section_target(self.env, page, anchor) if anchor else None
            return f"{page_title}, “{found[1]}”" if found and found[1] != page_title else page_title

        return words


#: The files the last build wrote, so the next one removes what it no longer makes (a version D after
#: versions went from 4 to 3) and nothing else (``make quiz-bank``'s bank.json lives here too).
WRITTEN = ".written.json"


def _remove_stale(outdir: Path, written: list[str]) -> None:
    """Remove what the previous build wrote and this one did not, then record what this one wrote.

    ``written`` holds the paths of this build's files relative to ``outdir``. Builds before this list held
    files (``A/...``) recorded top-level names (``A``); an entry that is a folder of this build's files stays.
    """
    try:
        previous = json.loads((outdir / WRITTEN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = []
    kept = set(written) | {parent.as_posix() for name in written for parent in Path(name).parents}
    for name in previous if isinstance(previous, list) else ():
        if not isinstance(name, str) or name in kept or not _own(name):
            continue
        old = outdir / name
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        elif old.exists() or old.is_symlink():
            old.unlink()
            # A folder (a version) whose last file went goes with it.
            for parent in Path(name).parents:
                if parent.as_posix() in kept or parent == Path("."):
                    break
                with contextlib.suppress(OSError):
                    (outdir / parent).rmdir()
    (outdir / WRITTEN).write_text(json.dumps(written) + "\n", encoding="utf-8")


def _own(name: str) -> bool:
    """Whether ``name`` from the written list can be one of ours: relative, inside, and not hidden."""
    path = Path(name)
    return bool(path.parts) and not path.is_absolute() and not any(
        part in ("..", "") or part.startswith(".") for part in path.parts)


def _numbered(version: Version, note: str) -> str:
    """An exporter's ``<question id>: ...`` note as ``question 3 (term-definition-4c1d...): ...``.

    The id names the facts asked about (the answer among them) and appears in no export; the number
    is the one on the sheet and the digest the name in every export, so a teacher can find it.
    """
    from handout.quiz.versions import public_id

    for number, question in enumerate(version.questions, 1):
        if note.startswith(f"{question.id}: "):
            return f"question {number} ({public_id(question)}): {note[len(question.id) + 2:]}"
    return note


@dataclass(frozen=True)
class _Made:
    path: str
    what: str
    notes: list[str]


def _index(project: str, notice: str, bank: Version, versions: tuple[Version, ...],
           files: dict[str, list[_Made]]) -> str:
    """A plain page listing the files, so the folder explains itself when opened in a browser."""
    def rows(items: list[_Made]) -> str:
        out = []
        for m in items:
            notes = "".join(f"<li>{escape(n)}</li>" for n in m.notes)
            out.append(f'<li><a href="{escape(m.path)}">{escape(Path(m.path).name)}</a>: {escape(m.what)}'
                       + (f"<details><summary>{len(m.notes)} note(s)</summary><ul>{notes}</ul></details>" if notes
                          else "") + "</li>")
        return "".join(out)

    parts = [f"<h2>{escape(v.label)}</h2><ul>{rows(files.get(v.code, []))}</ul>" for v in versions]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(project)}: class quiz</title>"
            "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}"
            ".notice{border:2px solid #7a2e0e;padding:.5rem 1rem}</style></head><body>"
            f"<h1>{escape(project)}: class quiz</h1><p class=\"notice\">{escape(notice)}</p>"
            f"<h2>{escape(bank.label)}: {len(bank.questions)} questions</h2>"
            f"<ul>{rows(files.get('', []))}</ul>"
            f"<p>Each version below holds {len(versions[0].questions) if versions else 0} questions of the bank: "
            "every version the same ones, in another order. The version code and seed are on every sheet and in "
            f"every export.</p>{''.join(parts)}</body></html>\n")


def setup_classroom(app: Sphinx) -> None:
    app.add_builder(ClassroomBuilder)
