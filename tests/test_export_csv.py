"""The CSV export read back with the standard library's csv module: one row per question in sheet order,
the version's code and seed on every row, options, prompts, the right answer (as letters that point at
the right option, and in words), rationale, citations and section; UTF-8 with a byte order mark,
RFC 4180 quoting and CRLF record ends."""

from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path

import pytest
from classroom_versions import nasty_version, seed_bank, seed_versions

from handout.quiz.exports import csvfile
from handout.quiz.generator import Question
from handout.quiz.versions import Version, public_id

HEADER = ["version", "seed", "number", "id", "kind", "question", "option_a", "option_b", "option_c", "option_d",
          "prompts", "correct", "correct_text", "rationale", "citations", "section"]
LETTERS = "ABCD"


def with_extras(version: Version) -> Version:
    """``version`` with what the others lack: line breaks and a comma-quote mix in texts, a matching
    option no prompt takes, a question citing two sources."""
    def extra(q: Question) -> Question:
        if q.kind == "matching":
            return dataclasses.replace(q, options=(*q.options, 'Somatostatin, "analogues"'))
        if q.kind == "term-definition":
            return dataclasses.replace(q, stem=f"{q.stem}\nSecond line,\r\nthird", cite=("smith2001", "doe1999"))
        return q
    citations = {**version.citations, "doe1999": "Doe, 1999"}
    return dataclasses.replace(version, code="C", questions=tuple(extra(q) for q in version.questions),
                               citations=citations)


VERSIONS = {
    **{f"handout-{v.code}": v for v in seed_versions()},
    "handout-bank": seed_bank(),
    "nasty": nasty_version(),
    "nasty-extras": with_extras(nasty_version()),
}


@pytest.fixture(params=sorted(VERSIONS))
def exported(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Version, Path, list[str]]:
    version = VERSIONS[request.param]
    path = tmp_path / "quiz.csv"
    notes = csvfile.write(version, path)
    return version, path, notes


def rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        return header, [dict(zip(header, row, strict=True)) for row in reader]


def test_bytes_bom_utf8_and_crlf(exported: tuple[Version, Path, list[str]]) -> None:
    version, path, notes = exported
    raw = path.read_bytes()
    assert notes == []
    # The byte order mark Excel needs to read UTF-8, then UTF-8 (Greek and accented letters as such).
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")[1:]
    letters = {c for q in version.questions for c in q.stem + "".join(q.options) if ord(c) > 127}
    assert letters and all(c in text for c in letters)
    # Every record ends in CRLF; a CRLF anywhere else is inside a quoted field (RFC 4180).
    assert text.endswith("\r\n")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        records = list(csv.reader(stream))
    assert len(records) == len(version.questions) + 1
    breaks_in_fields = sum(field.count("\r\n") for record in records for field in record)
    assert text.count("\r\n") == len(records) + breaks_in_fields


def test_rfc4180_quoting(exported: tuple[Version, Path, list[str]]) -> None:
    """Fields with a comma, a quote or a line break are quoted with quotes doubled; others are not."""
    version, path, _ = exported
    text = path.read_bytes().decode("utf-8-sig")  # line breaks as written
    assert text.startswith(",".join(HEADER) + "\r\n")
    for q in version.questions:
        assert f",{public_id(q)},{q.kind}," in text
        for value in (q.stem, *q.options, q.rationale):
            if any(c in value for c in ',"\r\n'):
                assert '"' + value.replace('"', '""') + '"' in text
            else:
                assert value in text


def test_every_question_in_sheet_order(exported: tuple[Version, Path, list[str]]) -> None:
    version, path, _ = exported
    header, records = rows(path)
    assert header == HEADER
    # The public id: stable, and naming no fact (the question's own id names the right answer).
    assert [r["id"] for r in records] == [public_id(q) for q in version.questions]
    # Every id but ``matching`` (a word, which names no fact: the kind column holds it) names a fact.
    facts = [q.id for q in version.questions if q.id != "matching"]
    assert all(":" in fact for fact in facts)
    assert not any(fact in value for fact in facts for r in records for value in r.values())
    for number, (q, r) in enumerate(zip(version.questions, records, strict=True), 1):
        # The code and seed printed on the sheet, so a row can be matched with it.
        assert (r["version"], r["seed"], r["number"]) == (version.code, str(version.seed), str(number))
        assert (r["kind"], r["question"], r["rationale"], r["section"]) == (q.kind, q.stem, q.rationale, q.section)
        options = [r[f"option_{letter.lower()}"] for letter in LETTERS]
        assert options == [*q.options, *[""] * (len(LETTERS) - len(q.options))]
        assert r["citations"] == "; ".join(version.citations[k] for k in q.cite)
        prompts = [re.sub(r"^\d+\. ", "", line) for line in r["prompts"].split("\n")] if r["prompts"] else []
        assert prompts == list(q.prompts)
        check_answer(q, r)


def check_answer(q: Question, r: dict[str, str]) -> None:
    """The letters point at the right options, as a teacher marking with the CSV would read them."""
    if q.kind == "fill-blank":
        assert r["correct"].split(" / ") == list(q.accept) == r["correct_text"].split(" / ")
    elif q.kind == "matching":
        pairs = dict(pair.split("-") for pair in r["correct"].split())
        assert sorted(pairs) == [str(i) for i in range(1, len(q.prompts) + 1)]
        for i, (prompt, c) in enumerate(zip(q.prompts, q.correct, strict=True), 1):
            assert r[f"option_{pairs[str(i)].lower()}"] == q.options[c]
            assert f"{prompt} → {q.options[c]}" in r["correct_text"]
    else:
        letters = r["correct"].split(", ")
        assert [r[f"option_{letter.lower()}"] for letter in letters] == [q.options[c] for c in q.correct]
        assert r["correct_text"] == " / ".join(q.options[c] for c in q.correct)


def test_extras_are_exercised() -> None:
    extras = VERSIONS["nasty-extras"]
    assert any("\r\n" in q.stem for q in extras.questions)
    assert any(len(q.cite) > 1 for q in extras.questions)
