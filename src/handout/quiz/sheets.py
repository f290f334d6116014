"""Printable quiz sheets: the student sheet and the answer key of one version, as PDF through WeasyPrint.

The student sheet holds what a student needs and nothing that gives an answer away: the questions with
their lettered options, lines for name, class and date, and a one-page grid to copy the letters into,
which the teacher marks against the key's filled grid at a glance. Its text layer is checked by the
tests for answers, rationales and the words that announce them. The key is a separate PDF (a sheet and
its key are never printed in one job by mistake) with the same grid filled in, then each answer with
its rationale, citation and the part of the handout to review.

Both are plain HTML, styled by the handout's print stylesheet (fonts, page furniture) and
``sheet.css`` on top; every page carries the version code and seed, "page N of M" and the
research-use notice, so a loose page can be matched with its version.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from handout.pdf.builder import css_string, page_css
from handout.quiz.generator import Question
from handout.quiz.versions import Version, answer_letters, answer_text

SHEET_CSS = Path(__file__).parent / "sheet.css"
LETTERS = string.ascii_uppercase
#: The most questions whose grid fits on one page (three columns of rows; measured on A4 and Letter).
GRID_MAX = 75


@dataclass(frozen=True)
class SheetSettings:
    """What the sheets take from ``conf.py``."""

    notice: str
    short_notice: str
    paper: str  # a CSS @page size: "A4" or "letter"
    language: str
    author: str
    print_css: Path
    pdf_variant: str | None


def sheet_html(version: Version, settings: SheetSettings) -> str:
    """The student sheet: no answer, no rationale, no citation."""
    body = [_header(version, settings, "Review quiz"),
            '<section class="sheet-student">',
            '<div class="sheet-fields">',
            *(f'<p class="sheet-field"><span>{label}</span><span class="sheet-blank"></span></p>'
              for label in ("Name", "Class", "Date")),
            "</div>",
            '<p class="sheet-instructions">Circle the letter of one option per question, write the words where '
            "there is a line, then copy your letters onto the grid on the last page.</p>",
            '<ol class="sheet-questions">',
            *(_question(n, q) for n, q in enumerate(version.questions, 1)),
            "</ol>",
            _grid(version, filled=False),
            "</section>"]
    return _page(version, settings, f"{version.title}: review quiz, {version.label}", body, "sheet")


def key_html(version: Version, settings: SheetSettings, review: Callable[[str], str] = str) -> str:
    """The answer key: the filled grid, then every answer with its rationale and where to review it
    (``review`` turns a question's ``section`` into words, such as the page's title)."""
    entries = []
    for n, q in enumerate(version.questions, 1):
        entries.append(
            f'<li class="key-entry"><p class="key-stem"><span class="sheet-number">{n}.</span> {escape(q.stem)}</p>'
            f'<p class="key-answer"><strong>{escape(answer_letters(q)) if q.options else ""}'
            f"{' · ' if q.options else ''}{escape(answer_text(q))}</strong></p>"
            f'<p class="key-rationale">{escape(q.rationale)}</p>'
            f'<p class="key-review">Review: {escape(review(q.section))}</p></li>')
    body = [_header(version, settings, "Answer key"),
            '<p class="key-warning">For the teacher: keep this page away from the students.</p>',
            _grid(version, filled=True),
            '<h2 class="key-title">Answers and why</h2>',
            '<ol class="key-entries">', *entries, "</ol>"]
    return _page(version, settings, f"{version.title}: answer key, {version.label}", body, "key")


def render_pdf(html: str, settings: SheetSettings, fonts: Any = None) -> bytes:
    """``html`` as PDF bytes, through WeasyPrint with the print stylesheet and the sheet's own."""
    from handout.pdf.importing import import_weasyprint

    import_weasyprint()  # without ctypes' compiler probes, as the pdf builder does
    from weasyprint import CSS, HTML

    page = page_css(settings.paper, settings.short_notice)
    sheets = [CSS(string=settings.print_css.read_text(encoding="utf-8"), font_config=fonts),
              CSS(string=SHEET_CSS.read_text(encoding="utf-8"), font_config=fonts),
              CSS(string=page, font_config=fonts)]
    # Sheets reference nothing outside themselves: any URL fetch would be a bug, so none is allowed.
    document = HTML(string=html, url_fetcher=_refuse).render(stylesheets=sheets, font_config=fonts)
    options: dict[str, Any] = {"pdf_identifier": True}
    if settings.pdf_variant:
        options["pdf_variant"] = settings.pdf_variant
    data: bytes = document.write_pdf(**options)
    return data


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"quiz sheets fetch nothing; refused {url}")


# -- pieces ------------------------------------------------------------------------------------


def _page(version: Version, settings: SheetSettings, title: str, body: list[str], kind: str) -> str:
    # Every page names its version in the running head, so loose pages can be sorted back.
    running = (f"@page {{ @top-left {{ content: {css_string(version.title)}; }}"
               f" @top-right {{ content: {css_string(version.label)}; font-weight: 600; }} }}")
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{escape(settings.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f'<meta name="author" content="{escape(settings.author)}">',
        f'<meta name="description" content="{escape(settings.notice)}">',
        f'<meta name="keywords" content="quiz, {escape(version.label)}">',
        f"<style>{running}</style>",
        "</head>",
        f'<body class="sheet sheet-{kind}" data-version="{escape(version.code)}" data-seed="{version.seed}">',
        *body,
        "</body></html>",
    ])


def _header(version: Version, settings: SheetSettings, what: str) -> str:
    return (f'<header class="sheet-header"><h1>{escape(version.title)}</h1>'
            f'<p class="sheet-what">{escape(what)}</p>'
            f'<p class="sheet-version"><span class="sheet-code">{escape(version.code)}</span>'
            f"{escape(version.label)} · {len(version.questions)} questions</p>"
            f'<p class="sheet-notice">{escape(settings.notice)}</p></header>')


def _question(number: int, q: Question) -> str:
    # Numbers are text, not list markers: markers are not in the text layer a screen reader reads.
    parts = [f'<li class="sheet-q sheet-{q.kind}">',
             f'<p class="sheet-stem"><span class="sheet-number">{number}.</span> {escape(q.stem)}</p>']
    if q.kind == "matching":
        parts.append('<ol class="sheet-prompts">')
        parts += [f'<li><span class="sheet-box"></span> {i}. {escape(p)}</li>'
                  for i, p in enumerate(q.prompts, 1)]
        parts.append('</ol><ul class="sheet-options">')
        parts += [f'<li><span class="sheet-letter">{LETTERS[i]}</span> {escape(o)}</li>'
                  for i, o in enumerate(q.options)]
        parts.append("</ul>")
    elif q.options:
        parts.append('<ul class="sheet-options">')
        parts += [f'<li><span class="sheet-letter">{LETTERS[i]}</span> {escape(o)}</li>'
                  for i, o in enumerate(q.options)]
        parts.append("</ul>")
    else:
        parts.append('<p class="sheet-write"><span class="sheet-line"></span></p>')
    parts.append("</li>")
    return "".join(parts)


def _grid(version: Version, *, filled: bool) -> str:
    """One page of rows, one per question: bubbles to fill, boxes per matching prompt, a line to write on."""
    rows = [_grid_row(n, q, filled) for n, q in enumerate(version.questions, 1)]
    title = "Grid, filled in" if filled else "Your letters"
    # Two columns hold 40 rows on a page; three columns (narrower rows) hold GRID_MAX.
    columns = "" if len(rows) <= 40 else " sheet-grid-3"
    return (f'<section class="sheet-grid{" sheet-grid-filled" if filled else ""}">'
            f'<h2 class="sheet-grid-title">{title} · {escape(version.label)}</h2>'
            f'<div class="sheet-grid-rows{columns}">{"".join(rows)}</div></section>')


def _grid_row(number: int, q: Question, filled: bool) -> str:
    cells: Iterator[str]
    if q.kind == "matching":
        cells = (f'<span class="grid-pair">{i}<span class="grid-box">'
                 f"{LETTERS[c] if filled else ''}</span></span>" for i, c in enumerate(q.correct, 1))
    elif q.options:
        cells = (f'<span class="grid-bubble{" grid-on" if filled and i in q.correct else ""}">{LETTERS[i]}</span>'
                 for i in range(len(q.options)))
    else:
        text = escape(" / ".join(q.accept)) if filled else ""
        cells = iter([f'<span class="grid-write">{text}</span>'])
    return f'<p class="grid-row"><span class="grid-number">{number}</span>{"".join(cells)}</p>'
