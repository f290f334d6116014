"""Projector mode: the page :func:`handout.quiz.projector.render` writes, opened from ``file://`` in
Debian's Chromium (Playwright, never a downloaded browser) the way an instructor opens it from a USB stick.

Every browser context is offline and routes every request but the page's own file to an abort that is
recorded, so a test proves the page needs nothing else and asks for nothing else. What a test checks
is what the room sees: the visible text of the slide, which options carry the visible "Correct" mark,
the countdown's number, compared with the :class:`~handout.quiz.versions.Version` it was made from.
The page's markup is read back with BeautifulSoup and its JSON block with :mod:`json`, not with our code.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser_support import axe_path
from bs4 import BeautifulSoup, Tag
from classroom_versions import NASTY, nasty_version, seed_versions
from conftest import PROJECT
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from handout.quiz.generator import Question
from handout.quiz.projector import render
from handout.quiz.versions import Version, public_id

ARTIFACTS = PROJECT / "_build" / "test-artifacts"
STATIC = PROJECT / "src" / "handout" / "quiz" / "static"
NOTICE = "General educational information for research-use framing only, not medical advice."
VIEWPORT = {"width": 1280, "height": 720}
# The smallest type on a slide at 1280x720 once it is shrunk to fit: the back row must still read it.
MIN_FONT_PX = 18


# --- the page, the browser -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def version() -> Version:
    return seed_versions()[0]


@pytest.fixture(scope="module")
def axe_source() -> Path:
    return axe_path()


@dataclass
class Projector:
    """One projector page open in its own offline context, with everything it logged or asked for."""

    page: Page
    uri: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def goto_slide(self, n: int) -> None:
        self.page.evaluate("n => { location.hash = '#' + n; }", n)
        expect(self.page.locator(".projector-progress")).to_have_text(f"Question {n} of {self.total()}")

    def total(self) -> int:
        return len(self.data()["questions"])

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.page.locator("#projector-data").text_content() or "")
        return data

    def progress(self) -> str:
        return (self.page.locator(".projector-progress").text_content() or "").strip()

    def stem(self) -> str:
        """The question as shown; an empty blank (a line on the screen) is read as ``_____``."""
        text: str = self.page.locator(".projector-stem").evaluate("""h => {
          const copy = h.cloneNode(true);
          for (const gap of copy.querySelectorAll('.projector-blank')) {
            const answer = gap.querySelector('.projector-blank-answer');
            gap.replaceWith(answer && !answer.hidden ? answer.textContent : '_____');
          }
          return copy.textContent;
        }""")
        return text.strip()

    def marked(self) -> list[str]:
        """The options that show the "Correct" mark, as the room sees them."""
        options = self.page.locator(".projector-question .projector-option")
        return [(o.locator(".projector-text").text_content() or "") for o in options.all()
                if o.get_by_text("Correct").is_visible()]

    def rationale(self) -> str:
        rationale = self.page.locator(".projector-rationale")
        return rationale.inner_text() if rationale.is_visible() else ""

    def count(self) -> str:
        return (self.page.locator(".projector-count").text_content() or "").strip()

    def assert_clean(self) -> None:
        """Nothing went wrong, and nothing but the page's own file was asked for."""
        assert not self.errors, "\n".join(self.errors)
        assert not self.blocked, f"the page asked for more than itself: {self.blocked}"
        assert self.requests, "no request was recorded"
        assert {r.split("#")[0] for r in self.requests} == {self.uri}, self.requests


@pytest.fixture
def open_projector(browser: Browser, tmp_path: Path) -> Iterator[Callable[..., Projector]]:
    contexts: list[BrowserContext] = []

    def open_(html: str, slide: int | None = None, **options: Any) -> Projector:
        path = tmp_path / f"projector-{len(contexts)}.html"
        path.write_text(html, encoding="utf-8")
        uri = path.as_uri()
        context = browser.new_context(**{"viewport": VIEWPORT, "offline": True, **options})
        contexts.append(context)
        page = context.new_page()
        session = Projector(page, uri)

        def route(r: Route) -> None:
            if r.request.url.split("#")[0] == uri:
                r.continue_()
            else:
                session.blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        context.on("request", lambda r: session.requests.append(r.url))
        page.on("console", lambda m: session.errors.append(f"console.{m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: session.errors.append(f"pageerror: {e}"))
        page.goto(uri if slide is None else f"{uri}#{slide}", wait_until="load")
        expect(page.locator(".projector.projector--active")).to_have_count(1)
        return session

    yield open_
    for context in contexts:
        context.close()


def axe_violations(page: Page, axe: Path) -> list[str]:
    """Every axe-core violation (any impact) on the page as it is now, one line per node."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe))
    page.evaluate("async () => { await Promise.all(document.getAnimations().map(a => a.finished)); }")
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['impact']} {v['id']}: {v['help']} at {n['target']}: {n['failureSummary']}"
            for v in results["violations"] for n in v["nodes"]]


def first_of(version: Version, kind: str) -> int:
    """The slide number of the first question of ``kind``."""
    return next(n for n, q in enumerate(version.questions, 1) if q.kind == kind)


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"projector-{name}.png"
    page.screenshot(path=str(path), animations="disabled")
    assert path.stat().st_size > 5000
    return path


# --- the page as a file ----------------------------------------------------------------------------

def test_page_is_one_self_contained_file(version: Version) -> None:
    html = render(version, notice=NOTICE)
    doc = soup(html)
    assert doc.title is not None and doc.title.string == version.name
    assert "Version A (seed 0)" in version.name
    assert doc.html is not None and doc.html["lang"] == "en"
    # Nothing to fetch: no linked file, image, frame or external script anywhere.
    assert not doc.find_all(["link", "img", "iframe", "object", "embed", "base"])
    assert not [t.name for t in doc.find_all(True) if t.has_attr("src") or t.has_attr("href")]
    csp = doc.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert isinstance(csp, Tag) and "default-src 'none'" in str(csp["content"])
    # The style and the module are the package's files, inlined as they are.
    style = doc.find_all("style")
    assert [s.string for s in style] == [(STATIC / "projector.css").read_text(encoding="utf-8")]
    module = doc.find_all("script", attrs={"type": "module"})
    assert [m.string for m in module] == [(STATIC / "projector.js").read_text(encoding="utf-8")]
    # The questions as data, named by the root's data- attributes, with the version's code and seed.
    root = doc.find(id="projector")
    assert isinstance(root, Tag)
    assert (root["data-countdown"], root["data-version"], root["data-seed"]) == ("30", "A", "0")
    block = doc.find("script", attrs={"type": "application/json", "id": root["data-questions"]})
    assert isinstance(block, Tag) and block.string is not None
    assert "</" not in block.string
    questions = json.loads(block.string)["questions"]
    assert [(q["id"], q["stem"], q["options"], q["correct"], q["rationale"]) for q in questions] == [
        (public_id(q), q.stem, list(q.options), list(q.correct), q.rationale) for q in version.questions]
    # Without the script, the start slide still says what this is.
    text = doc.get_text(" ")
    assert version.name in text and NOTICE in text and f"{len(version.questions)} questions" in text


def test_no_countdown_means_no_timer(version: Version) -> None:
    for countdown in (None, 0):
        root = soup(render(version, notice=NOTICE, countdown=countdown)).find(id="projector")
        assert isinstance(root, Tag) and not root.has_attr("data-countdown")
        assert "seconds per question" not in root.get_text()


def test_labels_in_another_language_say_they_are_english(version: Version) -> None:
    doc = soup(render(version, notice=NOTICE, language="fr_CA"))
    assert doc.html is not None and doc.html["lang"] == "fr-CA"
    nav = doc.find("nav")
    assert isinstance(nav, Tag) and nav["lang"] == "en"
    # The version's own words (title, notice) are the page's language, not marked English.
    title = doc.find("h1")
    assert isinstance(title, Tag) and not title.has_attr("lang")
    english = soup(render(version, notice=NOTICE, language="en-GB"))
    assert not [t.name for t in english.find_all(True, lang=True) if t.name != "html"]


@pytest.mark.parametrize("bad", [
    {"notice": "  "},
    {"countdown": -1},
    {"countdown": True},
    {"language": "en; x"},
])
def test_bad_arguments_are_refused(version: Version, bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        render(version, **{"notice": NOTICE, **bad})


def test_a_version_without_questions_is_refused(version: Version) -> None:
    with pytest.raises(ValueError, match="no questions"):
        render(dataclasses.replace(version, questions=()), notice=NOTICE)


def test_projector_js_builds_no_html_and_asks_no_host() -> None:
    source = (STATIC / "projector.js").read_text(encoding="utf-8")
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "http://", "https://",
                      "fetch(", "eval(", "XMLHttpRequest", "import(", "</script"):
        assert forbidden not in source, forbidden


# --- in the browser --------------------------------------------------------------------------------

def test_keys_move_between_questions(open_projector: Callable[..., Projector], version: Version) -> None:
    p = open_projector(render(version, notice=NOTICE))
    total = len(version.questions)
    keyboard = p.page.keyboard
    # The start slide: the title and the version, no question yet.
    assert p.page.locator("h1").inner_text() == version.title
    assert p.progress() == f"{total} questions"
    expect(p.page.locator(".projector-name")).to_have_text(version.name)

    def at(n: int) -> None:
        expect(p.page.locator(".projector-progress")).to_have_text(f"Question {n} of {total}")
        q = version.questions[n - 1]
        assert p.stem() == q.stem
        assert p.page.evaluate("location.hash") == f"#{n}"
        # Every slide names the version and carries the notice.
        expect(p.page.locator(".projector-name")).to_have_text(version.name)
        expect(p.page.locator(".projector-notice")).to_be_visible()
        expect(p.page.locator(".projector-notice")).to_have_text(NOTICE)

    def options_shown(q: Question) -> None:
        """The slide's options, in order: lettered, or the words True and False without letters."""
        options = p.page.locator(".projector-option")
        letters = ["" if q.kind == "true-false" else "ABCD"[i] for i in range(len(q.options))]
        assert [o.locator(".projector-letter").all_inner_texts() for o in options.all()] == [
            [letter] if letter else [] for letter in letters]
        assert [o.locator(".projector-text").inner_text() for o in options.all()] == list(q.options)

    keyboard.press("ArrowRight")
    at(1)
    options_shown(version.questions[0])
    keyboard.press("Space")
    at(2)
    keyboard.press("ArrowLeft")
    at(1)
    keyboard.press("PageDown")
    keyboard.press("PageDown")
    at(3)
    keyboard.press("PageUp")
    at(2)
    keyboard.press("End")
    at(total)
    keyboard.press("ArrowRight")
    at(total)
    keyboard.press("Home")
    expect(p.page.locator(".projector-progress")).to_have_text(f"{total} questions")
    assert p.page.locator("h1").inner_text() == version.title
    keyboard.press("ArrowLeft")
    assert p.page.evaluate("location.hash") == "#0"
    # The mouse (or a clicker) has the same moves, as named buttons.
    p.page.get_by_role("button", name="Next").click()
    at(1)
    p.page.get_by_role("button", name="Next").click()
    at(2)
    p.page.get_by_role("button", name="Previous").click()
    at(1)
    # A question with lettered options shows A, B, C... before each, in the question's order.
    n = next(n for n, q in enumerate(version.questions, 1)
             if len(q.options) > 2 and q.kind not in ("true-false", "matching"))
    p.goto_slide(n)
    at(n)
    options_shown(version.questions[n - 1])
    p.assert_clean()


def test_the_hash_holds_the_slide(open_projector: Callable[..., Projector], version: Version) -> None:
    p = open_projector(render(version, notice=NOTICE), slide=3)
    total = len(version.questions)
    expect(p.page.locator(".projector-progress")).to_have_text(f"Question 3 of {total}")
    assert p.stem() == version.questions[2].stem
    p.page.keyboard.press("ArrowRight")
    p.page.reload(wait_until="load")
    expect(p.page.locator(".projector-progress")).to_have_text(f"Question 4 of {total}")
    assert p.stem() == version.questions[3].stem
    # A hash typed by hand moves too; one past the end is the last question.
    p.goto_slide(7)
    assert p.stem() == version.questions[6].stem
    p.page.evaluate("() => { location.hash = '#999'; }")
    expect(p.page.locator(".projector-progress")).to_have_text(f"Question {total} of {total}")
    assert p.page.evaluate("location.hash") == f"#{total}"
    p.assert_clean()


@pytest.mark.parametrize("kind", ["term-definition", "definition-term", "true-false", "finding-study"])
def test_reveal_marks_that_questions_answer(open_projector: Callable[..., Projector], version: Version,
                                            kind: str) -> None:
    n = first_of(version, kind)
    q = version.questions[n - 1]
    p = open_projector(render(version, notice=NOTICE), slide=n)
    assert p.marked() == []
    assert p.rationale() == ""
    assert q.rationale not in p.page.locator("body").inner_text()
    p.page.keyboard.press("Enter")
    assert p.marked() == [q.options[c] for c in q.correct]
    assert q.rationale in p.rationale()
    reveal = p.page.get_by_role("button", name="Reveal answer")
    expect(reveal).to_have_attribute("aria-pressed", "true")
    expect(p.page.locator(".projector-status")).to_contain_text(q.options[q.correct[0]])
    # "r" (or the button) hides it again and shows it once more.
    p.page.keyboard.press("r")
    assert p.marked() == []
    reveal.click()
    assert p.marked() == [q.options[c] for c in q.correct]
    # The next question (the one before, after the last) starts unrevealed and its own answer is the one
    # marked.
    last = n == len(version.questions)
    p.page.keyboard.press("ArrowLeft" if last else "ArrowRight")
    following = version.questions[n - 2 if last else n]
    expect(p.page.locator(".projector-progress")).to_have_text(
        f"Question {n - 1 if last else n + 1} of {len(version.questions)}")
    assert p.marked() == []
    p.page.keyboard.press("R")
    if following.options and following.kind != "matching":
        assert p.marked() == [following.options[c] for c in following.correct]
    assert following.rationale in p.rationale()
    p.assert_clean()


def test_true_false_shows_the_words(open_projector: Callable[..., Projector], version: Version) -> None:
    p = open_projector(render(version, notice=NOTICE), slide=first_of(version, "true-false"))
    options = p.page.locator(".projector-option")
    assert [o.inner_text().strip() for o in options.all()] == ["True", "False"]
    assert p.page.locator(".projector-letter").count() == 0
    p.assert_clean()


def test_countdown_runs_out_and_pauses(open_projector: Callable[..., Projector], version: Version) -> None:
    p = open_projector(render(version, notice=NOTICE, countdown=2), slide=1)
    count = p.page.locator(".projector-count")
    fill = p.page.locator(".projector-meter-fill")
    assert p.count() in {"2", "1"}
    full = fill.bounding_box()
    assert full is not None and full["width"] > 600
    expect(count).to_have_text("Time", timeout=5000)
    expect(p.page.locator(".projector-status")).to_have_text("Time")
    # The bar eases to empty (a transition), so wait for it rather than read it at the tick "Time" shows.
    p.page.wait_for_function(
        "() => document.querySelector('.projector-meter-fill').getBoundingClientRect().width < 5", timeout=3000)
    # Time is up, but nothing is given away by it.
    assert p.marked() == []
    assert p.rationale() == ""
    expect(p.page.get_by_role("button", name="Reveal answer")).to_have_attribute("aria-pressed", "false")
    shot(p.page, "timer")
    # The next question's countdown starts by itself; "t" stops it where it is.
    p.page.keyboard.press("ArrowRight")
    p.page.keyboard.press("t")
    expect(p.page.get_by_role("button", name="Start timer")).to_be_visible()
    expect(p.page.locator(".projector-status")).to_contain_text("Timer paused")
    paused = p.count()
    assert paused in {"2", "1"}
    p.page.wait_for_timeout(2500)
    assert p.count() == paused
    p.page.keyboard.press("t")
    expect(p.page.get_by_role("button", name="Pause timer")).to_be_visible()
    expect(count).to_have_text("Time", timeout=5000)
    # Revealing stops a running countdown.
    p.page.keyboard.press("ArrowRight")
    p.page.keyboard.press("Enter")
    stopped = p.count()
    p.page.wait_for_timeout(2500)
    assert p.count() == stopped != "Time"
    p.assert_clean()


def test_no_timer_when_there_is_no_countdown(open_projector: Callable[..., Projector], version: Version) -> None:
    p = open_projector(render(version, notice=NOTICE, countdown=None), slide=1)
    assert not p.page.locator(".projector-timer").is_visible()
    assert not p.page.locator(".projector-meter").is_visible()
    assert p.page.get_by_role("button", name=re.compile("timer")).count() == 0
    p.page.keyboard.press("t")
    assert not p.page.locator(".projector-timer").is_visible()
    p.assert_clean()


def test_fill_blank_and_matching_reveal_as_text(open_projector: Callable[..., Projector]) -> None:
    version = nasty_version()
    p = open_projector(render(version, notice=f"Notice: {NASTY}"), slide=1)
    assert p.page.title() == version.name
    expect(p.page.locator(".projector-name")).to_have_text(version.name)
    expect(p.page.locator(".projector-notice")).to_have_text(f"Notice: {NASTY}")
    # Markup in a question is text on the screen, not markup in the page.
    assert p.stem() == version.questions[0].stem
    assert "<b>not bold</b>" in p.stem()
    assert p.page.locator("b, i").count() == 0
    p.page.keyboard.press("Enter")
    first = version.questions[0]
    assert p.marked() == [first.options[c] for c in first.correct]
    assert p.rationale() == f"Why: {first.rationale}"

    n = first_of(version, "fill-blank")
    blank = version.questions[n - 1]
    p.goto_slide(n)
    assert blank.accept[0] not in p.page.locator(".projector-slide").inner_text()
    p.page.keyboard.press("Enter")
    shown = p.page.locator(".projector-slide").inner_text()
    assert f"Answer: {blank.accept[0]}" in shown
    assert f"Also accepted: {blank.accept[1]}" in shown
    assert p.page.locator(".projector-blank").inner_text() == blank.accept[0]
    assert blank.rationale in p.rationale()

    n = first_of(version, "matching")
    match = version.questions[n - 1]
    p.goto_slide(n)
    prompts = p.page.locator(".projector-prompt")
    assert [pr.locator(":scope > .projector-text").inner_text() for pr in prompts.all()] == list(match.prompts)
    options = p.page.locator(".projector-match .projector-option")
    assert [o.inner_text().split(maxsplit=1) for o in options.all()] == [[L, o] for L, o in zip("AB", match.options,
                                                                                               strict=True)]
    assert all(pr.locator(".projector-pair").is_hidden() for pr in prompts.all())
    p.page.keyboard.press("r")
    pairs = [pr.locator(".projector-pair").inner_text().split(maxsplit=2) for pr in prompts.all()]
    assert pairs == [["→", "AB"[c], match.options[c]] for c in match.correct]
    assert match.rationale in p.rationale()
    assert p.page.locator("b, i").count() == 0
    p.assert_clean()


def test_a_question_cannot_end_the_data_block(open_projector: Callable[..., Projector]) -> None:
    base = nasty_version()
    evil = "</script><script>window.injected = 1</script><!-- <script> -->"
    question = dataclasses.replace(base.questions[0], stem=f"Stem {evil}", rationale=f"Why {evil}")
    version = dataclasses.replace(base, questions=(question, *base.questions[1:]))
    html = render(version, notice=NOTICE)
    doc = soup(html)
    assert len(doc.find_all("script")) == 2
    block = doc.find("script", attrs={"type": "application/json"})
    assert isinstance(block, Tag) and block.string is not None
    assert json.loads(block.string)["questions"][0]["stem"] == f"Stem {evil}"
    p = open_projector(html, slide=1)
    assert p.stem() == f"Stem {evil}"
    assert p.page.evaluate("() => window.injected") is None
    assert p.page.evaluate("() => document.scripts.length") == 2
    p.assert_clean()


def test_every_slide_fits_and_stays_readable(open_projector: Callable[..., Projector], version: Version) -> None:
    p = open_projector(render(version, notice=NOTICE, countdown=None), slide=1)
    measure = """() => {
      const slide = document.querySelector('.projector-slide');
      const sizes = [...slide.querySelectorAll('*')]
        .filter(e => e.checkVisibility() && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(e => parseFloat(getComputedStyle(e).fontSize));
      return {overflow: slide.scrollHeight - slide.clientHeight, smallest: Math.min(...sizes)};
    }"""
    for n in range(1, len(version.questions) + 1):
        for revealed in (False, True):
            if revealed:
                p.page.keyboard.press("Enter")
            found = p.page.evaluate(measure)
            where = f"question {n}{' revealed' if revealed else ''}"
            assert found["overflow"] <= 1, f"{where} does not fit: {found}"
            assert found["smallest"] >= MIN_FONT_PX, f"{where} has small type: {found}"
        p.page.keyboard.press("ArrowRight")
    p.assert_clean()


def test_reduced_motion_and_fullscreen(open_projector: Callable[..., Projector], version: Version) -> None:
    p = open_projector(render(version, notice=NOTICE), slide=1, reduced_motion="reduce")
    styles = p.page.evaluate("""() => [document.querySelector('.projector-stem'),
                                       document.querySelector('.projector-meter-fill')]
                                 .map(e => getComputedStyle(e)).map(s => [s.animationName, s.transitionDuration])""")
    assert styles == [["none", "0s"], ["none", "0s"]]
    # Fullscreen is asked for; granted or refused, the page carries on and the button says which.
    fullscreen = p.page.get_by_role("button", name="Fullscreen")
    p.page.keyboard.press("f")
    p.page.wait_for_timeout(300)
    state = p.page.evaluate("() => Boolean(document.fullscreenElement)")
    expect(fullscreen).to_have_attribute("aria-pressed", str(state).lower())
    p.page.keyboard.press("f")
    expect(fullscreen).to_have_attribute("aria-pressed", "false")
    p.page.keyboard.press("ArrowRight")
    expect(p.page.locator(".projector-progress")).to_have_text(f"Question 2 of {len(version.questions)}")
    p.assert_clean()


def test_accessibility_and_screenshots(open_projector: Callable[..., Projector], version: Version,
                                       axe_source: Path) -> None:
    # axe-core is injected as an inline script, which the page's own policy rightly refuses.
    p = open_projector(render(version, notice=NOTICE), bypass_csp=True)
    found = axe_violations(p.page, axe_source)
    shot(p.page, "start")
    n = first_of(version, "term-definition")
    p.goto_slide(n)
    p.page.keyboard.press("t")
    found += axe_violations(p.page, axe_source)
    shot(p.page, "question")
    p.page.keyboard.press("Enter")
    found += axe_violations(p.page, axe_source)
    shot(p.page, "revealed")
    p.goto_slide(first_of(version, "matching"))
    p.page.keyboard.press("Enter")
    found += axe_violations(p.page, axe_source)
    shot(p.page, "matching")
    p.goto_slide(first_of(version, "fill-blank"))
    p.page.keyboard.press("Enter")
    found += axe_violations(p.page, axe_source)
    assert not found, "accessibility violations:\n" + "\n".join(sorted(set(found)))
    p.assert_clean()
