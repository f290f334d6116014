"""The site's quiz opened from disk: a teacher double-clicks ``_build/html/review-quiz.html``.

Chromium refuses module scripts (``type="module"``) on ``file://`` pages, so quiz.js is a classic
deferred script. Here the built page and the hand-written fixture are opened from ``file://`` in
Debian's Chromium: nothing is blocked or logged as an error, answering shows feedback and the score,
and the page keeps to the same accessibility rules as when it is served (test_quiz_browser.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PROJECT, Build, sphinx_build
from playwright.sync_api import Browser
from test_quiz_browser import Session, answer, axe_source, axe_violations, first_try, score, verdict

__all__ = ["axe_source"]  # the fixture, shared with the served pages' tests


@pytest.fixture(scope="module")
def root_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/roots/test-quiz built as make html builds: two quizzes, every kind of question."""
    build = sphinx_build("html", PROJECT / "tests" / "roots" / "test-quiz", tmp_path_factory.mktemp("quiz-html"))
    assert build.returncode == 0, build.stderr
    return build.outdir


@pytest.fixture(params=["handout", "root", "fixture"])
def page_file(request: pytest.FixtureRequest) -> Path:
    if request.param == "handout":
        build: Build = request.getfixturevalue("handout_html")
        return build.outdir / "review-quiz.html"
    if request.param == "root":
        return Path(request.getfixturevalue("root_html")) / "quiz.html"
    return PROJECT / "tests" / "browser" / "fixture.html"


@pytest.fixture
def from_disk(browser: Browser, page_file: Path) -> Iterator[Session]:
    url = page_file.resolve().as_uri()
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    session = Session(context, page, url)
    page.on("console", lambda m: session.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: session.errors.append(f"pageerror: {e}"))
    context.on("request", lambda r: session.requests.append(r.url))
    context.on("requestfailed", lambda r: session.errors.append(f"request failed: {r.url}: {r.failure}"))
    # Only files are there to load; anything else would be a request to another host.
    context.route(re.compile(r"^(?!file:)(?!data:).*"), lambda route: route.abort())
    page.goto(url, wait_until="load")
    yield session
    context.close()


def test_quiz_works_from_file_url(from_disk: Session) -> None:
    s = from_disk
    assert s.url.startswith("file:///")
    scripts = [u for u in s.requests if re.search(r"/quiz\.js(\?|$)", u)]
    assert len(scripts) == 1 and scripts[0].startswith("file:///"), s.requests
    # quiz.js ran: it marks every quiz it took over.
    assert s.page.locator("section.handout-quiz.handout-quiz--active").count() == len(s.quizzes())
    for quiz in s.quizzes():
        questions = s.questions(quiz)
        for n, q in enumerate(questions):
            if n == 0:
                answer(s, q, right=False)
                assert verdict(s, q) == "✗ Not quite.", q["qid"]
                assert s.question(q).locator("details.handout-quiz-answer").is_hidden()
            answer(s, q, right=True)
            assert verdict(s, q) == "✓ Correct.", q["qid"]
        assert score(quiz) == first_try(len(questions) - 1, len(questions))
    assert not s.errors, "\n".join(s.errors)
    outside = [u for u in s.requests if not u.startswith(("file:", "data:"))]
    assert not outside, outside


def test_file_url_page_is_accessible(from_disk: Session, axe_source: str, page_file: Path) -> None:
    s = from_disk
    questions = s.all_questions()
    answer(s, questions[0], right=False)
    answer(s, questions[1], right=True)
    # (Checked before axe runs: axe itself asks for the stylesheets by XMLHttpRequest, which file:// refuses.)
    assert not s.errors, "\n".join(s.errors)
    in_quiz, elsewhere = axe_violations(s, axe_source)
    # The whole page counts, as when served; the test root's theme (alabaster, not ours) only for its quiz.
    found = in_quiz + (elsewhere if page_file.name != "quiz.html" else [])
    assert not found, "serious or critical accessibility violations:\n" + "\n".join(sorted(set(found)))
