"""The HTML site's projector pages: each quiz links to its own, which shows that quiz's questions.

Built with ``sphinx-build -b html`` from ``tests/roots/test-quiz``; the quiz page is read with
BeautifulSoup and the projector page is opened in Debian's Chromium by following the link.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import copy_root, sphinx_build
from playwright.sync_api import Browser, expect
from test_projector import VIEWPORT


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = copy_root(tmp_path_factory.mktemp("site"), "test-quiz")
    build = sphinx_build("html", src, src.parent / "html")
    assert build.returncode == 0, build.stderr
    return build.outdir


def quizzes(site: Path) -> list[tuple[str, list[str], list[tuple[list[str], list[int]]]]]:
    """(projector link, stems, (options, correct) per question) of every quiz on the quiz page."""
    soup = BeautifulSoup((site / "quiz.html").read_text(encoding="utf-8"), "html.parser")
    out = []
    for section in soup.select("section.handout-quiz"):
        link = section.select_one(".handout-quiz-projector a")
        assert link is not None, "a quiz without its projector link"
        questions = section.select("li.handout-quiz-question")
        stems = [q.select_one("legend").get_text(" ", strip=True) for q in questions]  # type: ignore[union-attr]
        answers = [([o.get_text(" ", strip=True) for o in q.select(".handout-quiz-option-text")],
                    [int(c) for c in str(q["data-correct"]).split(",") if c]) for q in questions]
        out.append((str(link["href"]), stems, answers))
    return out


def test_every_quiz_links_its_own_page(site: Path) -> None:
    found = quizzes(site)
    assert len(found) == 2
    hrefs = [href for href, _, _ in found]
    assert len(set(hrefs)) == 2
    for href in hrefs:
        page = (site / href).read_text(encoding="utf-8")
        assert "not medical advice" in page
        assert "<script src" not in page and "<link" not in page, "the page is self-contained"


def test_the_projector_shows_that_quizs_questions(site: Path, browser: Browser) -> None:
    context = browser.new_context(viewport=VIEWPORT, offline=True)
    try:
        page = context.new_page()
        for href, stems, answers in quizzes(site):
            page.goto((site / "quiz.html").as_uri())
            page.locator(f'a[href="{href}"]').click()
            expect(page.locator(".projector.projector--active")).to_have_count(1)
            for n, stem in enumerate(stems, 1):
                page.keyboard.press("ArrowRight")
                expect(page.locator(".projector-progress")).to_have_text(f"Question {n} of {len(stems)}")
                shown = page.locator(".projector-stem").inner_text()
                # A blank is an input on the site and a line on the projector: compare the words after it.
                assert stem.split()[-6:] == shown.split()[-6:], (href, n)
                options, correct = answers[n - 1]
                if options and correct and len(correct) == 1:
                    page.keyboard.press("Enter")
                    marked = [o.locator(".projector-text").text_content()
                              for o in page.locator(".projector-question .projector-option").all()
                              if o.get_by_text("Correct").is_visible()]
                    assert marked == [options[correct[0]]], (href, n)
    finally:
        context.close()


def test_a_removed_quiz_takes_its_projector_page_along(tmp_path: Path) -> None:
    src = copy_root(tmp_path, "test-quiz")
    out = tmp_path / "html"
    assert sphinx_build("html", src, out).returncode == 0
    pages = sorted(p.name for p in (out / "_quiz").iterdir())
    assert len(pages) == 2
    quiz_md = src / "quiz.md"
    text = quiz_md.read_text(encoding="utf-8")
    second = text.index("```{quiz}", text.index("```{quiz}") + 1)
    quiz_md.write_text(text[:second], encoding="utf-8")
    assert sphinx_build("html", src, out).returncode == 0
    assert sorted(p.name for p in (out / "_quiz").iterdir()) == pages[:1]
