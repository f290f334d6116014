"""The printed quiz: student sheets that give nothing away, keys that hold every answer, read back
from the PDFs' text layer with pypdf."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from classroom_versions import nasty_version, seed_versions
from pdfread import page_texts

from handout.config import DEFAULT_NOTICE, DEFAULT_SHORT_NOTICE
from handout.pdf.builder import PRINT_CSS
from handout.quiz.sheets import SheetSettings, key_html, render_pdf, sheet_html
from handout.quiz.versions import Version, answer_text

SETTINGS = SheetSettings(notice=DEFAULT_NOTICE, short_notice=DEFAULT_SHORT_NOTICE, paper="A4", language="en",
                         author="Tests", print_css=PRINT_CSS, pdf_variant="pdf/ua-1")
WORD = re.compile(r"[^\W\d_]{3,}")


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Version, Path, Path]]:
    out = tmp_path_factory.mktemp("sheets")
    printed = {}
    for version in (*seed_versions(count=2)[:2], nasty_version()):
        name = f"{version.title[:5]}-{version.code}"
        sheet, key = out / f"{name}-sheet.pdf", out / f"{name}-key.pdf"
        sheet.write_bytes(render_pdf(sheet_html(version, SETTINGS), SETTINGS))
        key.write_bytes(render_pdf(key_html(version, SETTINGS), SETTINGS))
        printed[name] = (version, sheet, key)
    return printed


def test_student_sheet_text_layer_gives_no_answer_away(printed: dict[str, tuple[Version, Path, Path]]) -> None:
    for version, sheet, _ in printed.values():
        text = " ".join(page_texts(sheet))
        assert not re.search(r"answer key|rationale|correct answer|\bkey\b", text, re.I)
        # Every word on the sheet comes from what a student must see: the header, the stems, the
        # options and prompts, the notice and the instructions. A rationale or an accepted answer
        # printed anywhere would bring words from nowhere else.
        allowed = words(" ".join([version.title, version.label, DEFAULT_NOTICE, DEFAULT_SHORT_NOTICE,
                                  "Review quiz questions Name Class Date Page of Your letters Circle the letter "
                                  "of one option per question, write the words where there is a line, then copy "
                                  "your letters onto the grid on the last page.",
                                  *(" ".join([q.stem, *q.options, *q.prompts]) for q in version.questions)]))
        assert words(text) <= allowed, f"{sheet.name}: words no question shows: {sorted(words(text) - allowed)}"
        # The filled grid is drawing, not text: the markup must not have it either.
        assert "grid-on" not in sheet_html(version, SETTINGS)


def test_sheet_questions_and_options_in_version_order(printed: dict[str, tuple[Version, Path, Path]]) -> None:
    for version, sheet, _ in printed.values():
        text = " ".join(page_texts(sheet))
        position = 0
        for number, q in enumerate(version.questions, 1):
            found = text.find(f"{number}. {q.stem[:30]}", position)
            assert found >= position, f"{sheet.name}: question {number} ({q.id}) missing or out of order"
            position = found
            for letter, option in zip("ABCD", q.options, strict=False):
                assert f"{letter} {option[:25]}" in text, f"{sheet.name}: option {letter} of {number}"


def test_every_page_names_version_seed_notice_and_page(printed: dict[str, tuple[Version, Path, Path]]) -> None:
    for version, sheet, key in printed.values():
        for pdf in (sheet, key):
            texts = page_texts(pdf)
            for n, text in enumerate(texts, 1):
                assert "not medical advice" in text, f"{pdf.name} page {n}: no notice"
                assert f"Page {n} of {len(texts)}" in text, f"{pdf.name} page {n}: no page number"
                assert version.label in text, f"{pdf.name} page {n}: no version code and seed"
        assert "Name" in page_texts(sheet)[0] and "Class" in page_texts(sheet)[0] and "Date" in page_texts(sheet)[0]


def test_answer_grid_is_one_page_with_every_question(printed: dict[str, tuple[Version, Path, Path]]) -> None:
    for version, sheet, key in printed.values():
        for pdf, title in ((sheet, "Your letters"), (key, "Grid, filled in")):
            texts = page_texts(pdf)
            pages = [i for i, t in enumerate(texts) if title in t]
            assert len(pages) == 1, f"{pdf.name}: the grid spans pages {pages}"
            numbers = {int(n) for n in re.findall(r"\b(\d{1,2})\b", texts[pages[0]])}
            assert set(range(1, len(version.questions) + 1)) <= numbers
        assert "Your letters" in page_texts(sheet)[-1], "the grid is the sheet's last page"
        assert "Grid, filled in" in page_texts(key)[0], "the key's grid is on its first page"


def grid_tokens(pdf: Path, title: str, version: Version) -> list[str]:
    """The words of the one-page grid as printed: after its title, up to the running footer."""
    page = next(t for t in page_texts(pdf) if title in t)
    grid = page.split(f"{title} · {version.label}", 1)[1]
    footer = grid.rfind(f"{version.title} {version.label}")
    assert footer >= 0, f"{pdf.name}: no running footer after the grid"
    return grid[:footer].split()


def expected_grid(version: Version, *, filled: bool) -> list[str]:
    """What each row must print: its number, then the option letters (the filled bubble is drawing, not
    text), the prompt numbers with an empty box each (on the key: the right letter in it), or nothing
    on the line to write on (on the key: the accepted answers)."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    tokens: list[str] = []
    for number, q in enumerate(version.questions, 1):
        tokens.append(str(number))
        if q.kind == "matching":
            for prompt, right in enumerate(q.correct, 1):
                tokens += [str(prompt), letters[right]] if filled else [str(prompt)]
        elif q.options:
            tokens += letters[:len(q.options)]
        elif filled:
            tokens += " / ".join(q.accept).split()
    return tokens


def test_sheet_grid_prints_no_right_letter(printed: dict[str, tuple[Version, Path, Path]]) -> None:
    """The sheet's grid holds only each row's blank option letters, in order: single letters are no words,
    so the word check above would not see a right answer written into a box or a row."""
    for version, sheet, key in printed.values():
        assert grid_tokens(sheet, "Your letters", version) == expected_grid(version, filled=False), sheet.name
        assert grid_tokens(key, "Grid, filled in", version) == expected_grid(version, filled=True), key.name


def test_key_prints_every_stem_as_text(printed: dict[str, tuple[Version, Path, Path]]) -> None:
    for version, _, key in printed.values():
        text = re.sub(r"-\s+", "-", " ".join(page_texts(key)))
        for number, q in enumerate(version.questions, 1):
            stem = re.sub(r"\s+", " ", q.stem).strip()
            assert f"{number}. {stem}" in text, f"{key.name}: stem {number} is not there as printed text"


def test_key_holds_every_answer_and_rationale(printed: dict[str, tuple[Version, Path, Path]]) -> None:
    for version, _, key in printed.values():
        # A line may break after a word's own hyphen ("Ghrelin-" / "receptor"): join those again.
        text = re.sub(r"-\s+", "-", " ".join(page_texts(key)))
        for q in version.questions:
            assert answer_text(q) in text, f"{key.name}: no answer for {q.id}"
            assert q.rationale in text, f"{key.name}: no rationale for {q.id}"


def test_versions_differ_in_order_but_not_in_questions() -> None:
    a, b, c = seed_versions(count=3)
    assert [q.id for q in a.questions] != [q.id for q in b.questions] != [q.id for q in c.questions]
    assert sorted(q.id for q in a.questions) == sorted(q.id for q in b.questions)
    for qa in a.questions:
        qb = next(q for q in b.questions if q.id == qa.id)
        # Matching pairs come in the version's order; the pairs themselves are what must not change.
        assert sorted(answer_text(qa).split("; ")) == sorted(answer_text(qb).split("; ")), qa.id
        assert sorted(qa.options) == sorted(qb.options)
    assert seed_versions(count=3) == (a, b, c), "versions are reproducible from the seed"
