"""The review quiz in a real browser: Debian's Chromium driven by Playwright, the pages served
from a local HTTP server on 127.0.0.1.

Every test runs on the built handout (``review-quiz.html`` from one Sphinx build per session) and
on ``tests/browser/fixture.html``, a hand-written page that follows the same markup contract.
Nothing is skipped: a missing Chromium, Node.js/npm or axe-core fails with the command that fixes it.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser_support import axe_path
from conftest import PROJECT, Build
from playwright.sync_api import Browser, BrowserContext, Locator, Page

ARTIFACTS = PROJECT / "_build" / "test-artifacts"
SINGLE = {"term-definition", "definition-term", "item-group", "item-target", "group-item",
          "finding-evidence", "finding-study", "true-false"}

# What the page knows about each question, read from the DOM in its current (visual) order.
QUESTIONS_JS = """section => [...section.querySelectorAll('.handout-quiz-question')].map(li => {
  const text = li.querySelector('input[type=text]');
  return {
    quiz: section.id, qid: li.dataset.qid, kind: li.dataset.kind, id: li.id,
    correct: (li.dataset.correct || '').split(',').map(s => s.trim()).filter(Boolean),
    options: [...li.querySelectorAll('input[type=radio]')].map(r => r.value),
    letters: [...li.querySelectorAll('.handout-quiz-option .handout-quiz-letter')].map(s => s.textContent.trim()),
    selects: [...li.querySelectorAll('select')].map(s => ({id: s.id, prompt: s.dataset.prompt,
                                                          values: [...s.options].map(o => o.value)})),
    accept: text ? JSON.parse(text.dataset.accept) : null,
  };
})"""


# --- the browser, the server and the pages -------------------------------------------------------

@pytest.fixture(scope="session")
def axe_source() -> str:
    return str(axe_path())


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Server:
    base: str
    httpd: http.server.ThreadingHTTPServer


def _serve(directory: Path) -> Iterator[Server]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", httpd)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def project_server() -> Iterator[Server]:
    yield from _serve(PROJECT)


@pytest.fixture(scope="session")
def site_server(handout_html: Build) -> Iterator[Server]:
    page = handout_html.outdir / "review-quiz.html"
    pages = sorted(p.name for p in handout_html.outdir.glob("*.html"))
    assert page.exists(), f"the build has no review-quiz.html: {pages}"
    assert 'class="handout-quiz"' in page.read_text(encoding="utf-8"), "review-quiz.html has no quiz section"
    yield from _serve(handout_html.outdir)


@pytest.fixture(params=["build", "fixture"])
def quiz_url(request: pytest.FixtureRequest) -> str:
    if request.param == "build":
        server: Server = request.getfixturevalue("site_server")
        return f"{server.base}/review-quiz.html"
    server = request.getfixturevalue("project_server")
    return f"{server.base}/tests/browser/fixture.html"


@dataclass
class Session:
    """A page with everything it logged and every URL it asked for."""

    context: BrowserContext
    page: Page
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def quizzes(self) -> list[Locator]:
        quizzes = self.page.locator("section.handout-quiz").all()
        assert quizzes, "no section.handout-quiz on the page"
        return quizzes

    def questions(self, quiz: Locator) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = quiz.evaluate(QUESTIONS_JS)
        return result

    def all_questions(self) -> list[dict[str, Any]]:
        return [q for quiz in self.quizzes() for q in self.questions(quiz)]

    def question(self, q: dict[str, Any]) -> Locator:
        return self.page.locator(f'section.handout-quiz[id="{q["quiz"]}"] .handout-quiz-question[id="{q["id"]}"]')

    def assert_clean(self) -> None:
        """No console error, no uncaught exception, no request for anything but the local server."""
        origin = self.url.split("/", 3)[:3]
        local = "/".join(origin) + "/"
        assert not self.errors, "\n".join(self.errors)
        assert self.requests, "no request was recorded"
        outside = [u for u in self.requests if not (u.startswith(local) or u.startswith("data:"))]
        assert not outside, f"requests left {local}: {outside}"
        assert local.startswith("http://127.0.0.1:")


@pytest.fixture
def open_page(browser: Browser, quiz_url: str) -> Iterator[Callable[..., Session]]:
    contexts: list[BrowserContext] = []

    def open_(**options: Any) -> Session:
        context = browser.new_context(**{"viewport": {"width": 1100, "height": 900}, **options})
        contexts.append(context)
        page = context.new_page()
        session = Session(context, page, quiz_url)
        page.on("console", lambda m: session.errors.append(f"console.{m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: session.errors.append(f"pageerror: {e}"))
        context.on("request", lambda r: session.requests.append(r.url))
        # Anything not on the local server is recorded above and never sent.
        context.route(re.compile(r"^(?!http://127\.0\.0\.1:)(?!data:).*"), lambda route: route.abort())
        page.goto(quiz_url, wait_until="load")
        return session

    yield open_
    for context in contexts:
        context.close()


# --- answering -----------------------------------------------------------------------------------

def answer(session: Session, q: dict[str, Any], right: bool) -> None:
    """Answer one question with the pointer, rightly or wrongly."""
    li = session.question(q)
    if q["kind"] in SINGLE:
        value = q["correct"][0] if right else next(v for v in q["options"] if v not in q["correct"])
        li.locator(f'input[type="radio"][value="{value}"]').check()
    elif q["selects"]:
        for n, select in enumerate(q["selects"]):
            wanted = q["correct"][int(select["prompt"])]
            if not right and n == 0:
                wanted = next(v for v in select["values"] if v and v != wanted)
            li.locator(f'select[id="{select["id"]}"]').select_option(wanted)
    else:
        li.locator('input[type="text"]').fill(q["accept"][0] if right else "not the answer")
        li.locator(".handout-quiz-check").click()


def verdict(session: Session, q: dict[str, Any]) -> str:
    return session.question(q).locator(".handout-quiz-feedback .handout-quiz-verdict").inner_text()


def score(quiz: Locator) -> str:
    return quiz.locator(".handout-quiz-score").inner_text()


def first_try(right: int, total: int) -> str:
    return f"You got {right} of {total} right on the first try."


def tab_to(page: Page, selector: str, limit: int = 400) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def axe_violations(session: Session, axe_source: str) -> tuple[list[str], list[str]]:
    """Serious and critical axe-core violations on the page as it is now, one line per node: those
    in or on a quiz section, and those elsewhere on the page."""
    if not session.page.evaluate("() => typeof window.axe !== 'undefined'"):
        session.page.add_script_tag(path=axe_source)
    # Colours are measured once the feedback's fade-in has finished.
    session.page.evaluate("async () => { await Promise.all(document.getAnimations().map(a => a.finished)); }")
    results = session.page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      for (const v of r.violations) for (const n of v.nodes) {
        const el = document.querySelector(n.target.join(' '));
        n.inQuiz = !!(el && el.closest('section.handout-quiz'));
      }
      return r;
    }""")
    quiz, elsewhere = [], []
    for v in results["violations"]:
        if v["impact"] in ("serious", "critical"):
            for node in v["nodes"]:
                line = f"{v['impact']} {v['id']}: {v['help']} at {node['target']}: {node['failureSummary']}"
                (quiz if node["inQuiz"] else elsewhere).append(line)
    return quiz, elsewhere


def page_violations(session: Session, axe_source: str) -> list[str]:
    in_quiz, elsewhere = axe_violations(session, axe_source)
    return in_quiz + elsewhere


# --- tests ---------------------------------------------------------------------------------------

def test_page_has_every_kind_of_control(open_page: Callable[..., Session]) -> None:
    s = open_page()
    questions = s.all_questions()
    assert len(questions) >= 3
    assert any(q["kind"] in SINGLE for q in questions), "no single-answer question"
    assert any(q["selects"] for q in questions), "no matching question"
    assert any(q["accept"] for q in questions), "no fill-blank question"
    s.assert_clean()


def test_wrong_then_right_answers_show_feedback(open_page: Callable[..., Session]) -> None:
    s = open_page()
    for quiz in s.quizzes():
        questions = s.questions(quiz)
        for n, q in enumerate(questions):
            li = s.question(q)
            details = li.locator("details.handout-quiz-answer")
            assert details.is_visible()
            answer(s, q, right=False)
            assert verdict(s, q) == "✗ Not quite.", q["qid"]
            assert details.is_hidden(), "the feedback replaces the details"
            feedback = li.locator(".handout-quiz-feedback")
            # The rationale (with its citation links) and the review link are copies of the details' own.
            rationale = details.locator(".handout-quiz-rationale").text_content()
            assert feedback.locator(".handout-quiz-rationale").text_content() == rationale
            links = details.locator(".handout-quiz-rationale a, .handout-quiz-review a")
            hrefs = [a.get_attribute("href") for a in links.all()]
            assert hrefs, f"{q['qid']}: no citation or review link in the details"
            assert [a.get_attribute("href") for a in feedback.locator("a").all()] == hrefs
            assert feedback.get_by_text("Review:").count() == 1
            assert feedback.locator("[id]").count() == 0, "copies carry no duplicate ids"
            if n < len(questions) - 1:
                assert score(quiz) == ""
                assert quiz.locator(".handout-quiz-retry").is_hidden()
            answer(s, q, right=True)
            assert verdict(s, q) == "✓ Correct."
        # A wrong answer put right later does not count: the score is of first tries.
        assert score(quiz) == first_try(0, len(questions))
        assert quiz.locator(".handout-quiz-retry").is_visible()
    s.assert_clean()


def test_fill_blank_ignores_case_and_spaces(open_page: Callable[..., Session]) -> None:
    s = open_page()
    q = next(q for q in s.all_questions() if q["accept"])
    li = s.question(q)
    box = li.locator('input[type="text"]')
    box.fill("   ")
    box.press("Enter")
    assert "Type an answer first." in li.locator(".handout-quiz-feedback").inner_text()
    term = q["accept"][-1]
    box.fill("  " + " ".join(term.upper()) + " ")
    box.press("Enter")
    assert verdict(s, q) == "✓ Correct."
    s.assert_clean()


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_feedback_motion_follows_the_reader(open_page: Callable[..., Session], motion: str) -> None:
    s = open_page(reduced_motion=motion)
    q = s.all_questions()[0]
    answer(s, q, right=True)
    running = s.page.evaluate("el => el.getAnimations({subtree: true}).length",
                              s.question(q).locator(".handout-quiz-feedback").element_handle())
    assert (running == 0) == (motion == "reduce"), running
    s.assert_clean()


def test_whole_quiz_by_keyboard(open_page: Callable[..., Session]) -> None:
    s = open_page()
    page = s.page
    for quiz in s.quizzes():
        questions = s.questions(quiz)
        for q in questions:
            scope = f'section.handout-quiz[id="{q["quiz"]}"] .handout-quiz-question[id="{q["id"]}"]'
            if q["kind"] in SINGLE:
                tab_to(page, f"{scope} input[type=radio]")
                focused = page.evaluate("() => document.activeElement.value")
                assert focused == q["options"][0], "Tab enters a radio group at its first option"
                steps = q["options"].index(q["correct"][0])
                if steps == 0:
                    page.keyboard.press("Space")
                else:
                    # Arrow keys only browse; Enter answers, so the first try is the chosen option.
                    for _ in range(steps):
                        page.keyboard.press("ArrowDown")
                    assert s.question(q).locator(".handout-quiz-feedback").inner_text() == ""
                    page.keyboard.press("Enter")
            elif q["selects"]:
                for select in q["selects"]:
                    tab_to(page, f'{scope} select[id="{select["id"]}"]')
                    for _ in range(select["values"].index(q["correct"][int(select["prompt"])])):
                        page.keyboard.press("ArrowDown")
                assert s.question(q).locator(".handout-quiz-feedback").inner_text() == ""
                page.keyboard.press("Enter")
            else:
                tab_to(page, f"{scope} input[type=text]")
                page.keyboard.type(q["accept"][0])
                page.keyboard.press("Enter")
            assert verdict(s, q) == "✓ Correct.", q["qid"]
        assert score(quiz) == first_try(len(questions), len(questions))
        quiz_id = quiz.get_attribute("id")
        tab_to(page, f'section.handout-quiz[id="{quiz_id}"] .handout-quiz-retry')
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none"), "keyboard focus is visible"
        page.keyboard.press("Enter")
        assert page.evaluate("id => document.activeElement === document.querySelector("
                             "`section.handout-quiz[id='${id}'] .handout-quiz-question`)", quiz_id)
        assert score(quiz) == ""
    s.assert_clean()


def test_retry_reshuffles_and_resets(open_page: Callable[..., Session]) -> None:
    s = open_page()
    for quiz in s.quizzes():
        before = s.questions(quiz)
        attributes = {q["qid"]: q["correct"] for q in before}
        for n, q in enumerate(before):
            answer(s, q, right=n % 2 == 0)
        assert score(quiz) == first_try((len(before) + 1) // 2, len(before))
        quiz.locator(".handout-quiz-retry").click()
        after = s.questions(quiz)
        assert [q["qid"] for q in after] != [q["qid"] for q in before], "the question order changed"
        assert sorted(q["qid"] for q in after) == sorted(attributes)
        assert {q["qid"]: q["correct"] for q in after} == attributes, "data-correct is not rewritten"
        old = {q["qid"]: q for q in before}
        for q in after:
            if q["kind"] in SINGLE and q["kind"] != "true-false" and len(q["options"]) > 1:
                assert q["options"] != old[q["qid"]]["options"], f"{q['qid']}: the option order changed"
            if q["options"]:
                assert q["letters"] == [f"{chr(65 + i)}." for i in range(len(q["options"]))], "letters in order"
            for select in q["selects"]:
                assert select["values"][0] == "", "the placeholder stays first"
            if q["selects"] and len(q["selects"]) > 1:
                assert [x["id"] for x in q["selects"]] != [x["id"] for x in old[q["qid"]]["selects"]]
            li = s.question(q)
            assert li.locator(".handout-quiz-feedback").inner_text() == ""
            assert li.locator("details.handout-quiz-answer").is_visible()
            assert li.locator("input:checked").count() == 0
            if q["kind"] in SINGLE:
                key = li.locator(".handout-quiz-key").text_content() or ""
                letter = chr(65 + q["options"].index(q["correct"][0]))
                if re.match(r"\s*Answer:\s*[A-Z]\.", key):
                    assert re.match(rf"\s*Answer:\s*{letter}\.", key), f"the key follows the order: {key!r}"
        assert score(quiz) == ""
        assert quiz.locator(".handout-quiz-retry").is_hidden()
        assert s.page.evaluate("el => document.activeElement === el.querySelector('.handout-quiz-question')",
                               quiz.element_handle())
        # The mapping still holds after the reshuffle: right answers are judged right.
        for q in after:
            answer(s, q, right=True)
            assert verdict(s, q) == "✓ Correct."
        assert score(quiz) == first_try(len(after), len(after))
    s.assert_clean()


def test_without_javascript_the_details_hold_the_answers(open_page: Callable[..., Session]) -> None:
    s = open_page(java_script_enabled=False)
    for quiz in s.quizzes():
        questions = quiz.locator(".handout-quiz-question")
        assert questions.count() >= 3
        for i in range(questions.count()):
            li = questions.nth(i)
            assert li.locator("legend").is_visible()
            details = li.locator("details.handout-quiz-answer")
            key = details.locator(".handout-quiz-key")
            assert key.is_hidden()
            details.locator("summary").click()
            assert key.is_visible()
            assert key.inner_text().startswith("Answer:")
            assert details.locator(".handout-quiz-review a").is_visible()
            assert li.locator(".handout-quiz-feedback").inner_text() == ""
        assert quiz.locator(".handout-quiz-retry").is_hidden()
    s.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessibility_and_screenshot(open_page: Callable[..., Session], axe_source: str, quiz_url: str,
                                      scheme: str) -> None:
    s = open_page(color_scheme=scheme)
    # The whole page counts, theme and notice included: a reader meets all of it, not just the quiz.
    found = page_violations(s, axe_source)
    questions = s.all_questions()
    answer(s, questions[0], right=False)
    answer(s, questions[1], right=True)
    found += page_violations(s, axe_source)
    for q in questions[2:]:
        answer(s, q, right=True)
    found += page_violations(s, axe_source)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    which = "fixture" if "/tests/browser/" in quiz_url else "build"
    for n, quiz in enumerate(s.quizzes(), start=1):
        shot = ARTIFACTS / f"quiz-{which}-{scheme}-{n}.png"
        quiz.screenshot(path=str(shot), animations="disabled")
        assert shot.stat().st_size > 1000
    for line in sorted(set(found)):
        print(line)
    assert not found, "serious or critical accessibility violations:\n" + "\n".join(sorted(set(found)))
    s.assert_clean()


def test_no_errors_and_no_outside_requests(open_page: Callable[..., Session]) -> None:
    s = open_page()
    for q in s.all_questions():
        answer(s, q, right=True)
    for quiz in s.quizzes():
        quiz.locator(".handout-quiz-retry").click()
    s.page.reload(wait_until="load")
    assert s.page.locator("section.handout-quiz.handout-quiz--active").count() == len(s.quizzes()), "quiz.js ran"
    # A classic deferred script: a module would be blocked on the page opened from disk (test_quiz_file_url.py).
    scripts = s.page.evaluate(
        "() => [...document.scripts].filter(x => x.src.includes('quiz.js')).map(x => [x.type, x.defer])")
    assert scripts == [["", True]]
    s.assert_clean()


def test_size_budget() -> None:
    """quiz.js and quiz.css together stay under 15 KB gzipped."""
    static = PROJECT / "src" / "handout" / "quiz" / "static"
    data = (static / "quiz.js").read_bytes() + (static / "quiz.css").read_bytes()
    size = len(gzip.compress(data, compresslevel=9))
    assert size < 15 * 1024, size


def test_quiz_js_builds_no_html_and_asks_no_host() -> None:
    source = (PROJECT / "src" / "handout" / "quiz" / "static" / "quiz.js").read_text(encoding="utf-8")
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "http://", "https://",
                      "fetch(", "eval(", "XMLHttpRequest", "import("):
        assert forbidden not in source, forbidden
