"""Quizzes on paper: the pdf builder on tests/roots/test-quiz, read back with pypdf."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import EPOCH
from pdfread import chapter_pages, outline_titles, page_texts
from sphinx.testing.util import SphinxTestApp

from handout.quiz.bib import cite_labels
from handout.quiz.generator import Form, generate
from handout.quiz.loader import load_quiz_data


def form(srcdir: Path) -> Form:
    data = load_quiz_data(srcdir / "data", srcdir / "refs.bib", None)
    return generate(data, seed=3, citations=cite_labels(srcdir / "refs.bib"))


def flat(texts: list[str]) -> str:
    # Words broken across lines by hyphenation are joined again; spaces folded.
    return re.sub(r"\s+", " ", re.sub(r"[\u2010\u00ad-]\s+(?=[a-z])", "", " ".join(texts)))


@pytest.fixture
def pdf(app: SphinxTestApp, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    app.build()
    assert "WARNING" not in app.warning.getvalue(), app.warning.getvalue()
    return Path(app.outdir) / "quiz-course.pdf"


@pytest.mark.sphinx("pdf", testroot="quiz", srcdir="quiz-pdf")
def test_questions_numbered_options_lettered_no_answers(pdf: Path, app: SphinxTestApp) -> None:
    questions = flat(chapter_pages(pdf, "Quiz"))
    expected = form(Path(app.srcdir))
    for n, q in enumerate(expected.questions, 1):
        assert f"{n}. {' '.join(q.stem.split()[:3])}" in questions, (n, q.stem)
    assert "A. " in questions and "B. " in questions and "C. " in questions
    assert "Answer: ____" in questions or "Answer:" in questions  # the line to write on
    assert "Show the answer" not in questions
    assert "Review:" not in questions
    # No rationale is printed with the questions (those that are not also a stem).
    stems = {q.stem for q in expected.questions}
    for q in expected.questions:
        if q.kind in {"compound-target", "matching"} and q.rationale not in stems:
            assert q.rationale.split(" (")[0][:50] not in questions, q.id


@pytest.mark.sphinx("pdf", testroot="quiz", srcdir="quiz-pdf-key")
def test_answer_key_at_the_end(pdf: Path, app: SphinxTestApp) -> None:
    assert [t for t in outline_titles(pdf) if isinstance(t, str)][-2:] == ["Answer key", "References"]
    key = flat(chapter_pages(pdf, "Answer key"))
    assert "Everything (Quiz)" in key
    expected = form(Path(app.srcdir))
    letters = "ABCDEFGH"
    for n, q in enumerate(expected.questions, 1):
        if q.kind in {"term-definition", "definition-term", "compound-family", "family-compound"}:
            assert f"{n}. {letters[q.correct[0]]} — " in key
    assert "et al., 20" in key  # citations, as in the text


@pytest.mark.sphinx("pdf", testroot="quiz", srcdir="quiz-pdf-student", confoverrides={"handout_quiz_answer_key": False})
def test_student_edition_leaves_the_key_out(pdf: Path, app: SphinxTestApp) -> None:
    everything = flat(page_texts(pdf))
    key = flat(chapter_pages(pdf, "Answer key"))
    assert "The answer key is left out of this edition." in key
    for q in form(Path(app.srcdir)).questions:
        if q.kind == "compound-target":
            assert q.rationale.split(" (")[0][:50] not in everything
