"""The Kahoot spreadsheet export, read back with openpyxl as Kahoot's importer reads the template: the
header in row 8, one question per row from row 9 in columns B to H."""

from __future__ import annotations

import dataclasses
import datetime
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from classroom_versions import NASTY, nasty_version, seed_versions

from handout.quiz.exports import kahoot
from handout.quiz.generator import Question
from handout.quiz.versions import Version

# Kahoot's template (KahootQuizTemplate.xlsx), row 8, columns A to H; the en dash is the template's.
TEMPLATE_HEADER = (
    None,
    "Question - max 120 characters",
    "Answer 1 - max 75 characters",
    "Answer 2 - max 75 characters",
    "Answer 3 - max 75 characters",
    "Answer 4 - max 75 characters",
    "Time limit (sec) \u2013 5, 10, 20, 30, 60, 90, 120, or 240 secs",
    "Correct answer(s) - choose at least one",
)
ALLOWED_SECONDS = {5, 10, 20, 30, 60, 90, 120, 240}


def read(path: Path) -> tuple[Any, Any]:
    workbook = openpyxl.load_workbook(path)
    return workbook, workbook.worksheets[0]


def data_rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [row for row in sheet.iter_rows(min_row=9, max_col=8, values_only=True) if any(v is not None for v in row)]


def all_text(sheet: Any) -> str:
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)


def correct_numbers(cell: Any) -> list[int]:
    return [int(part) for part in str(cell).split(",")]


def fits(q: Question) -> bool:
    """Kahoot's rules, written out again here: a quiz question of at most 120 characters with 2 to 4
    answers of at most 75 characters each."""
    return (q.kind not in {"fill-blank", "matching"} and len(q.stem) <= 120 and 2 <= len(q.options) <= 4
            and all(len(o) <= 75 for o in q.options))


def q(id: str, kind: str, stem: str, options: tuple[str, ...], correct: tuple[int, ...], **kw: Any) -> Question:
    return Question(id=id, kind=kind, stem=stem, options=options, correct=correct, rationale="Because.", cite=(),
                    section="page", draws_on=(), **kw)


def test_layout_is_the_templates(tmp_path: Path) -> None:
    version = seed_versions(1)[0]
    kahoot.write(version, tmp_path / "quiz.xlsx")
    workbook, sheet = read(tmp_path / "quiz.xlsx")
    header = next(sheet.iter_rows(min_row=8, max_row=8, max_col=8, values_only=True))
    assert header == TEMPLATE_HEADER
    # Nothing beyond column H, where Kahoot's importer would find a column it does not know.
    assert sheet.max_column == 8
    # The version is named above the header and in the document's title, with its code and seed.
    above = all_text(sheet).split("Question - max 120 characters")[0]
    assert version.name in above and "Version A (seed 0)" in above
    assert workbook.properties.title == version.name


def test_every_question_that_fits_is_there_with_its_right_answers(tmp_path: Path) -> None:
    version = seed_versions(2)[1]
    notes = kahoot.write(version, tmp_path / "quiz.xlsx", time_limit=20)
    _, sheet = read(tmp_path / "quiz.xlsx")
    rows = data_rows(sheet)
    fitting = {n: question for n, question in enumerate(version.questions, 1) if fits(question)}
    assert fitting, "the handout's own data should give Kahoot some questions"
    # Column A is the question's number on the printed sheet; rows keep the version's order.
    assert [row[0] for row in rows] == sorted(fitting)
    for number, stem, *answers, seconds, right in rows:
        question = fitting[number]
        assert stem == question.stem
        assert [a for a in answers if a is not None] == list(question.options)
        assert answers[len(question.options):] == [None] * (4 - len(question.options))
        assert seconds == 20 and seconds in ALLOWED_SECONDS
        numbers = correct_numbers(right)
        assert numbers == [c + 1 for c in question.correct]
        assert all(answers[n - 1] is not None for n in numbers)
        assert len(stem) <= 120 and all(len(a) <= 75 for a in answers if a is not None)
    # Every other question is named once in the notes, and only those.
    left_out = [question.id for question in version.questions if not fits(question)]
    assert [note.split(": left out of Kahoot: ")[0] for note in notes] == left_out


def test_what_does_not_fit_is_listed_and_left_out_not_cut(tmp_path: Path) -> None:
    long_stem = "Which " + "very " * 25 + "long stem?!!"
    assert len(long_stem) == 143
    long_option = "An option of eighty characters, " + "x" * 48
    questions = (
        q("term:fits", "term-definition", "What is a fit?", ("One", "Two", "Three"), (2,)),
        q("term:long", "definition-term", long_stem, ("A", "B", "C", "D"), (0,)),
        q("member:five:group", "item-group", "Five options?", ("A", "B", "C", "D", "E"), (4,)),
        q("evidence:wide:finding", "finding-evidence", "A wide option?", ("Short", long_option), (1,)),
        q("term:word", "fill-blank", "_____ is the word.", (), (), accept=("Word",)),
        q("matching", "matching", "Match them.", ("X", "Y"), (0, 1), prompts=("a", "b")),
        q("term:tf", "true-false", "Water is wet.", ("True", "False"), (0,)),
        q("member:two:group", "group-item", "Which two?", ("=1+1", "B", "C", "D"), (0, 2)),
    )
    version = Version(title="Limits", code="C", seed=5, questions=questions)
    notes = kahoot.write(version, tmp_path / "quiz.xlsx")
    _, sheet = read(tmp_path / "quiz.xlsx")

    assert "term:long: left out of Kahoot: question is 143 characters, Kahoot allows 120" in notes
    by_id = dict(note.split(": left out of Kahoot: ") for note in notes)
    assert set(by_id) == {"term:long", "member:five:group", "evidence:wide:finding", "term:word", "matching"}
    assert "5 answers" in by_id["member:five:group"]
    assert "answer 2 is 80 characters, Kahoot allows 75" in by_id["evidence:wide:finding"]

    text = all_text(sheet)
    # Left out, not shortened: not even the beginning of the long stem or option is in the sheet.
    assert "Which very very" not in text and "An option of eighty" not in text
    for absent in ("Five options?", "A wide option?", "_____ is the word.", "Match them."):
        assert absent not in text
    rows = {row[1]: row for row in data_rows(sheet)}
    assert set(rows) == {"What is a fit?", "Water is wet.", "Which two?"}
    assert rows["What is a fit?"][2:5] == ("One", "Two", "Three") and rows["What is a fit?"][7] == 3
    # A true/false statement is a two-answer question.
    assert rows["Water is wet."][2:6] == ("True", "False", None, None) and rows["Water is wet."][7] == 1
    # Two right answers; an answer starting with "=" stays text, not a formula.
    assert correct_numbers(rows["Which two?"][7]) == [1, 3]
    assert rows["Which two?"][2] == "=1+1"
    assert [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"] == []
    assert "5 questions left out" in text


def test_special_characters_survive(tmp_path: Path) -> None:
    version = nasty_version()
    notes = kahoot.write(version, tmp_path / "quiz.xlsx")
    workbook, sheet = read(tmp_path / "quiz.xlsx")
    rows = {row[1]: row for row in data_rows(sheet)}
    for number, question in enumerate(version.questions, 1):
        if fits(question):
            assert rows[question.stem][0] == number
            assert [a for a in rows[question.stem][2:6] if a is not None] == list(question.options)
        else:
            assert any(note.startswith(f"{question.id}: left out of Kahoot: ") for note in notes)
    assert any(NASTY in stem for stem in rows), "the true/false statement quoting every character fits"
    assert workbook.properties.title == version.name
    assert version.name in all_text(sheet)


@pytest.mark.parametrize("seconds", [0, 15, 45, 300])
def test_time_limit_must_be_one_kahoot_offers(tmp_path: Path, seconds: int) -> None:
    with pytest.raises(ValueError, match=r"5, 10, 20, 30, 60, 90, 120, 240") as raised:
        kahoot.write(nasty_version(), tmp_path / "quiz.xlsx", time_limit=seconds)
    assert str(seconds) in str(raised.value)
    assert not (tmp_path / "quiz.xlsx").exists()


def test_two_writes_give_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    version = seed_versions(1)[0]
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    kahoot.write(version, tmp_path / "one.xlsx")
    kahoot.write(dataclasses.replace(version), tmp_path / "two.xlsx")
    assert (tmp_path / "one.xlsx").read_bytes() == (tmp_path / "two.xlsx").read_bytes()
    # Nothing in the file is dated by the clock (two quick writes could share a second; these cannot).
    with zipfile.ZipFile(tmp_path / "one.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    workbook, _ = read(tmp_path / "one.xlsx")
    assert workbook.properties.created == workbook.properties.modified == datetime.datetime(1980, 1, 1)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    kahoot.write(version, tmp_path / "dated.xlsx")
    workbook, _ = read(tmp_path / "dated.xlsx")
    assert workbook.properties.modified == datetime.datetime(2023, 11, 14, 22, 13, 20)
    with zipfile.ZipFile(tmp_path / "dated.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
