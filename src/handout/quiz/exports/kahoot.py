"""Kahoot!'s quiz spreadsheet for one version, in the layout of Kahoot's own template.

Kahoot imports questions from ``KahootQuizTemplate.xlsx``: free text in rows 1 to 7 (the template's title
and instructions in column B), the header in row 8 (column A blank, then question, answers 1 to 4, time
limit, correct answer numbers in columns B to H) and one question per row from row 9, its number in
column A. This module writes that layout with the header text as the template has it; rows 2 to 4 name
the version (title, code and seed) so the file can be matched with its printed sheet, and so does the
workbook's document title. Column A holds each question's number on the printed sheet.

Kahoot's quiz type holds a question of at most 120 characters with two to four answers of at most 75
characters each, one or more of them right. A question that does not fit (too long, more than four
options, a fill-blank or matching question) is left out and named in the returned notes, never cut:
a shortened stem or option can change what is asked or make a wrong option right. True/false statements
become two-answer questions ("True", "False").

Every text cell is written as a string, so a stem or option starting with ``=`` is not turned into a
formula. The file is reproducible: the document's created and modified times and the zip entries' times
are ``SOURCE_DATE_EPOCH`` when it is set, else 1980-01-01 (the earliest time a zip entry can hold), and
openpyxl's zip is written again by :func:`~handout.quiz.exports.common.write_zip` (openpyxl dates entries
by the clock). The time limits Kahoot offers are :data:`handout.config.TIME_LIMITS`, which the
configuration checks too.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from handout.config import TIME_LIMITS
from handout.quiz.exports.common import build_time, write_zip
from handout.quiz.generator import Question
from handout.quiz.versions import Version

MAX_QUESTION = 120
MAX_ANSWER = 75
MAX_ANSWERS = 4
MIN_ANSWERS = 2
# Kinds whose answers are not a choice among options: Kahoot's quiz type has nothing to put them in.
UNFIT_KINDS = {
    "fill-blank": "a fill-blank question is answered in words, a Kahoot quiz question offers answers to pick",
    "matching": "a matching question pairs several prompts, a Kahoot quiz question offers answers to pick",
}

# The template's header row, character for character (the en dash, U+2013, in the time limit is the template's).
HEADER_ROW = 8
FIRST_ROW = HEADER_ROW + 1
HEADER = (
    None,
    f"Question - max {MAX_QUESTION} characters",
    *(f"Answer {i} - max {MAX_ANSWER} characters" for i in range(1, MAX_ANSWERS + 1)),
    "Time limit (sec) \u2013 5, 10, 20, 30, 60, 90, 120, or 240 secs",
    "Correct answer(s) - choose at least one",
)
SHEET_NAME = "Sheet1"
# Control characters XML 1.0 cannot hold, so no spreadsheet cell can (openpyxl refuses them too).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def write(version: Version, path: Path, *, time_limit: int = 30) -> list[str]:
    """Write ``version`` as a Kahoot quiz spreadsheet at ``path``; return one note per question left out."""
    if time_limit not in TIME_LIMITS:
        allowed = ", ".join(str(t) for t in TIME_LIMITS)
        raise ValueError(f"Kahoot's time limit must be one of {allowed} seconds, not {time_limit}")
    # Read first: a malformed SOURCE_DATE_EPOCH stops the build before anything is written.
    when = build_time()
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    rows: list[tuple[int, Question]] = []
    notes: list[str] = []
    for number, question in enumerate(version.questions, 1):
        problems = unfit(question)
        if problems:
            notes.append(f"{question.id}: left out of Kahoot: {'; '.join(problems)}")
        else:
            rows.append((number, question))

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    _text(sheet, 2, 2, version.name).font = Font(bold=True, size=14)
    _text(sheet, 3, 2, f"{len(rows)} of the {len(version.questions)} questions of {version.label}, one per row; "
                       "column A is the question's number on the printed sheet of this version.")
    left_out = len(version.questions) - len(rows)
    _text(sheet, 4, 2, (f"{left_out} question{'s' if left_out != 1 else ''} left out, named in the build's notes: "
                        f"Kahoot's quiz questions hold {MAX_QUESTION} characters and {MIN_ANSWERS} to {MAX_ANSWERS} "
                        f"answers of {MAX_ANSWER} characters each.") if left_out
          else "Every question of the version is here.")
    for column, title in enumerate(HEADER, 1):
        if title is not None:
            _text(sheet, HEADER_ROW, column, title).font = Font(bold=True)
    for row, (number, question) in enumerate(rows, FIRST_ROW):
        sheet.cell(row, 1, number)
        _text(sheet, row, 2, question.stem)
        for column, option in enumerate(question.options, 3):
            _text(sheet, row, column, option)
        sheet.cell(row, 3 + MAX_ANSWERS, time_limit)
        answers = [c + 1 for c in question.correct]
        # One right answer as a number, as the template's example has it; several as "1,3".
        if len(answers) == 1:
            sheet.cell(row, 4 + MAX_ANSWERS, answers[0])
        else:
            _text(sheet, row, 4 + MAX_ANSWERS, ",".join(str(a) for a in answers))
    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 50
    for letter in "CDEF":
        sheet.column_dimensions[letter].width = 32
    sheet.column_dimensions["G"].width = 26
    sheet.column_dimensions["H"].width = 32

    properties = workbook.properties
    properties.title = version.name
    properties.subject = f"Kahoot quiz, {version.label}"
    properties.creator = "handout-builder"
    # openpyxl writes naive times as UTC.
    properties.created = when.replace(tzinfo=None)
    properties.modified = when.replace(tzinfo=None)
    # Workbook.save stamps the modified time with the clock; ExcelWriter writes the properties as set.
    buffer = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    with zipfile.ZipFile(buffer) as written:
        entries = {entry.filename: written.read(entry) for entry in written.infolist()}
    write_zip(path, entries, when=when)
    return notes


def unfit(question: Question) -> list[str]:
    """Why ``question`` cannot be a Kahoot quiz question as it is (empty when it can)."""
    if question.kind in UNFIT_KINDS:
        return [UNFIT_KINDS[question.kind]]
    problems = []
    if length(question.stem) > MAX_QUESTION:
        problems.append(f"question is {length(question.stem)} characters, Kahoot allows {MAX_QUESTION}")
    if not MIN_ANSWERS <= len(question.options) <= MAX_ANSWERS:
        problems.append(f"{len(question.options)} answers, Kahoot allows {MIN_ANSWERS} to {MAX_ANSWERS}")
    for i, option in enumerate(question.options, 1):
        if length(option) > MAX_ANSWER:
            problems.append(f"answer {i} is {length(option)} characters, Kahoot allows {MAX_ANSWER}")
    if not question.correct:
        problems.append("no right answer, Kahoot needs at least one")
    if any(ILLEGAL.search(text) for text in (question.stem, *question.options)):
        problems.append("a control character a spreadsheet cannot hold")
    return problems


def length(text: str) -> int:
    """Characters as Kahoot and the template count them: UTF-16 code units (JavaScript's and Excel's ``LEN``),
    so a character outside the Basic Multilingual Plane, such as an emoji, counts twice."""
    return len(text.encode("utf-16-le")) // 2


def _text(sheet: Any, row: int, column: int, value: str) -> Any:
    """Put ``value`` in a cell as text: openpyxl would make a formula of text starting with ``=``."""
    cell = sheet.cell(row, column)
    cell.value = value
    cell.data_type = "s"
    return cell

