"""The quiz directives on a tiny project (tests/roots/test-quiz): the HTML contract the quiz script
relies on, the answer key, the generated table and glossary, rebuilds after a data change, parallel
builds, problems in the data, escaping and the text builder."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import copy_root, sphinx_build
from sphinx.testing.util import SphinxTestApp

from handout.quiz.bib import cite_labels
from handout.quiz.generator import Form, Question, generate
from handout.quiz.loader import load_quiz_data

ROOTS = Path(__file__).parent / "roots"
LETTERS = "ABCDEFGH"


def page(app: SphinxTestApp, name: str) -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def expected_form(srcdir: Path, seed: int, **options: object) -> Form:
    data = load_quiz_data(srcdir / "data", srcdir / "refs.bib", None)
    return generate(data, seed=seed, citations=cite_labels(srcdir / "refs.bib"), **options)  # type: ignore[arg-type]


def key_answer(q: Question) -> str:
    if q.kind == "fill-blank":
        return q.accept[0]
    if q.kind == "matching":
        return ", ".join(f"{i + 1}\u2013{LETTERS[c]}" for i, c in enumerate(q.correct))
    if q.kind == "true-false":
        return f"{LETTERS[q.correct[0]]} ({q.options[q.correct[0]]})"
    return LETTERS[q.correct[0]]


def answer_key(app: SphinxTestApp) -> list[list[str]]:
    """The answers of the answer-key page, one list per quiz."""
    article = page(app, "answer-key").select_one("div.body, div[role=main]") or page(app, "answer-key")
    quizzes = []
    for block in article.select(".handout-quiz-key-list"):
        entries = [p.find("strong").get_text() for p in block.select("p.handout-quiz-key-entry")]
        assert [e.split(". ", 1)[0] for e in entries] == [str(n) for n in range(1, len(entries) + 1)]
        quizzes.append([e.split(". ", 1)[1] for e in entries])
    return quizzes


def expected_key(srcdir: Path) -> list[list[str]]:
    return [[key_answer(q) for q in expected_form(srcdir, 3).questions],
            [key_answer(q) for q in expected_form(srcdir, 5, kinds=["matching", "fill-blank"], count=3).questions]]


@pytest.mark.sphinx("html", testroot="quiz", srcdir="quiz-contract")
def test_quiz_html_follows_the_contract(app: SphinxTestApp) -> None:
    app.build()
    assert "WARNING" not in app.warning.getvalue(), app.warning.getvalue()
    soup = page(app, "quiz")
    sections = soup.select("section.handout-quiz")
    assert [s["id"] for s in sections] == ["quiz-1", "quiz-2"]
    first = sections[0]
    assert first["data-quiz-seed"] == "3"
    assert first["aria-labelledby"] == "quiz-1-title"
    title = first.find(id="quiz-1-title")
    assert isinstance(title, Tag) and title.name == "h2" and "handout-quiz-title" in title["class"]
    assert title.get_text() == "Everything"
    # The second quiz is under a level-2 heading: its title is one level below.
    assert sections[1].find(id="quiz-2-title").name == "h3"  # type: ignore[union-attr]
    form = expected_form(Path(app.srcdir), 3)
    items = first.select("ol.handout-quiz-questions > li.handout-quiz-question")
    assert [li["data-qid"] for li in items] == [q.id for q in form.questions]
    for li, q in zip(items, form.questions, strict=True):
        slug = li["id"]
        assert str(slug).startswith("q-")
        assert li["data-kind"] == q.kind
        assert li["data-correct"] == ",".join(map(str, q.correct))
        fieldset = li.find("fieldset", recursive=False)
        assert fieldset is not None and fieldset.find("legend").get_text() == q.stem  # type: ignore[union-attr]
        if q.kind == "matching":
            matches = fieldset.select("div.handout-quiz-match")
            assert [m.find("label").get_text() for m in matches] == list(q.prompts)  # type: ignore[union-attr]
            for i, m in enumerate(matches):
                select = m.find("select")
                assert select["id"] == f"{slug}-m{i}" and select["data-prompt"] == str(i)  # type: ignore[index]
                assert m.find("label")["for"] == f"{slug}-m{i}"  # type: ignore[index]
                opts = select.find_all("option")  # type: ignore[union-attr]
                assert opts[0]["value"] == "" and opts[0].get_text() == "Choose…"
                assert [o.get_text() for o in opts[1:]] == list(q.options)
        elif q.kind == "fill-blank":
            box = fieldset.find("input", type="text")
            assert box["id"] == f"{slug}-text" and box["autocomplete"] == "off"  # type: ignore[index]
            assert json.loads(box["data-accept"]) == list(q.accept)  # type: ignore[index, arg-type]
            assert fieldset.find("button", class_="handout-quiz-check").get_text() == "Check"  # type: ignore[union-attr]
        else:
            options = fieldset.select("div.handout-quiz-options > div.handout-quiz-option")
            assert len(options) == len(q.options)
            for i, (option, text) in enumerate(zip(options, q.options, strict=True)):
                radio = option.find("input")
                assert radio["type"] == "radio" and radio["name"] == slug  # type: ignore[index]
                assert radio["id"] == f"{slug}-{i}" and radio["value"] == str(i)  # type: ignore[index]
                label = option.find("label")
                assert label["for"] == f"{slug}-{i}"  # type: ignore[index]
                assert label.find("span", class_="handout-quiz-letter").get_text() == f"{LETTERS[i]}."  # type: ignore[union-attr]
                assert label.get_text(" ", strip=True) == f"{LETTERS[i]}. {text}"  # type: ignore[union-attr]
        feedback = fieldset.find_next_sibling()
        assert feedback is not None and feedback["class"] == ["handout-quiz-feedback"]
        assert feedback["aria-live"] == "polite" and not feedback.get_text()
        details = feedback.find_next_sibling()
        assert details is not None and details.name == "details" and details["class"] == ["handout-quiz-answer"]
        assert details.find("summary").get_text() == "Show the answer"  # type: ignore[union-attr]
        assert details.select_one("p.handout-quiz-key").get_text().startswith("Answer: ")  # type: ignore[union-attr]
        rationale = details.select_one("p.handout-quiz-rationale")
        assert rationale is not None
        # The citation is a link to the bibliography entry, reading as the rest of the handout does.
        cites = [a for a in rationale.find_all("a") if "references.html#" in str(a["href"])]
        assert len(cites) == len(q.cite), rationale
        for a in cites:
            label = a.get_text(" ", strip=True).replace(" ,", ",")
            assert re.fullmatch(r"[A-Z]\w+ et al\., \d{4}", label)
            assert label in rationale.get_text(" ", strip=True).replace(" ,", ",")
        review = details.select_one("p.handout-quiz-review a")
        assert review is not None and review.get_text().startswith("Review: ")
        page_name, _, anchor = str(review["href"]).partition("#")
        assert page_name == f"{q.section.partition('#')[0]}.html"
        target = page(app, page_name.removesuffix(".html"))
        assert not anchor or target.find(id=anchor) is not None
    assert first.select_one("p.handout-quiz-score[aria-live=polite]") is not None
    retry = first.select_one("button.handout-quiz-retry")
    assert retry is not None and retry.has_attr("hidden") and retry["type"] == "button"


@pytest.mark.sphinx("html", testroot="quiz", srcdir="quiz-assets")
def test_quiz_assets_only_on_quiz_pages(app: SphinxTestApp) -> None:
    app.build()
    assert (Path(app.outdir) / "_static" / "quiz.js").is_file()
    assert (Path(app.outdir) / "_static" / "quiz.css").is_file()
    quiz = page(app, "quiz")
    scripts = [s for s in quiz.find_all("script") if "quiz.js" in str(s.get("src"))]
    # A classic deferred script, not a module: Chromium refuses module scripts on a page opened from disk.
    assert len(scripts) == 1 and scripts[0].has_attr("defer") and scripts[0].get("type") in (None, "text/javascript")
    assert any("quiz.css" in str(link.get("href")) for link in quiz.find_all("link"))
    basics = page(app, "basics")
    assert not [s for s in basics.find_all(["script", "link"]) if "quiz." in str(s.get("src") or s.get("href"))]


@pytest.mark.sphinx("html", testroot="quiz", srcdir="quiz-key")
def test_answer_key_lists_every_question(app: SphinxTestApp) -> None:
    app.build()
    assert answer_key(app) == expected_key(Path(app.srcdir))
    text = page(app, "answer-key").get_text(" ")
    assert "Everything (Quiz)" in text
    # Citations in the key link to the bibliography too.
    links = [a for a in page(app, "answer-key").select(".handout-quiz-key-list a") if "references.html#" in a["href"]]
    assert links


@pytest.mark.sphinx("html", testroot="quiz", srcdir="quiz-parallel", parallel=2)
def test_parallel_build_gives_the_same_answer_key(app: SphinxTestApp) -> None:
    assert app.is_parallel_allowed("read") and app.is_parallel_allowed("write")
    app.build()
    assert "WARNING" not in app.warning.getvalue(), app.warning.getvalue()
    assert answer_key(app) == expected_key(Path(app.srcdir))


@pytest.mark.sphinx("html", testroot="quiz", srcdir="quiz-table")
def test_table_and_glossary_come_from_the_data(app: SphinxTestApp) -> None:
    app.build()
    table = page(app, "families").select_one("table.handout-compound-table")
    assert table is not None
    assert [th.get_text(strip=True) for th in table.select("thead th")] == [
        "Family", "Sound source targeted", "Example instrument", "What research reports", "Evidence type", "Citation"]
    rows = {tr.find_all("td")[2].get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in table.select("tbody tr")}
    assert rows["Clarinet"][0] == "Woodwind instruments"
    assert rows["Clarinet"][1] == "Vibrating air column"
    assert rows["Clarinet"][3] == "Changed timbre with the stiffness of its reed"
    assert rows["Clarinet"][4] == "Review of other studies"
    assert table.select_one("tbody tr td:last-child a[href^='references.html#']") is not None
    glossary = page(app, "glossary")
    terms = [dt.get_text(" ", strip=True).removesuffix(" ¶") for dt in glossary.select("dl.glossary dt")]
    assert terms == ["Bow", "Pitch", "Reed", "cane reed", "Resonator", "Timbre"]
    # {term} roles elsewhere resolve to the generated entries, aliases included.
    links = {str(a["href"]).partition("#")[2] for a in page(app, "families").select("a[href^='glossary.html#']")}
    assert "term-cane-reed" in links
    assert glossary.find(id="term-cane-reed") is not None


def matched_pairs(app: SphinxTestApp) -> dict[str, str]:
    """The first quiz's matching question as the page gives it: prompt -> the family marked right."""
    matching = page(app, "quiz").select_one("section#quiz-1 li.handout-quiz-question[data-kind=matching]")
    assert matching is not None
    prompts = [label.get_text() for label in matching.select("div.handout-quiz-match label")]
    choices = [o.get_text() for o in matching.select("div.handout-quiz-match select")[0].find_all("option")[1:]]
    return dict(zip(prompts, (choices[int(c)] for c in str(matching["data-correct"]).split(",")), strict=True))


def data_families(srcdir: Path) -> dict[str, str]:
    """Each instrument's family as the data says: prompt -> family name."""
    data = load_quiz_data(srcdir / "data", srcdir / "refs.bib", None)
    return {c.display_name: data.family(c.families[0]).name for c in data.compounds if len(c.families) == 1}


@pytest.mark.sphinx("html", testroot="quiz", srcdir="quiz-edit")
def test_one_rebuild_follows_a_data_change(app: SphinxTestApp) -> None:
    app.build()
    srcdir = Path(app.srcdir)
    assert answer_key(app) == expected_key(srcdir)
    before = matched_pairs(app)
    assert before and all(data_families(srcdir)[p] == f for p, f in before.items())
    assert data_families(srcdir)["Clarinet"] == "Woodwind instruments"
    compounds = srcdir / "data" / "compounds.yaml"
    text = compounds.read_text(encoding="utf-8")
    clarinet = text.index("- id: clarinet")
    compounds.write_text(text[:clarinet] + text[clarinet:].replace("[woodwinds]", "[percussion]", 1), encoding="utf-8")
    later = time.time() + 5
    os.utime(compounds, (later, later))
    glossary_before = page(app, "glossary").select_one("dl.glossary")
    app.build()
    assert "WARNING" not in app.warning.getvalue(), app.warning.getvalue()
    rows = {tr.find_all("td")[2].get_text(strip=True): tr.find_all("td")[0].get_text(strip=True)
            for tr in page(app, "families").select("table.handout-compound-table tbody tr")}
    assert rows["Clarinet"] == "Percussion instruments"
    qids = [li["data-qid"] for li in page(app, "quiz").select("section#quiz-1 li.handout-quiz-question")]
    assert qids == [q.id for q in expected_form(srcdir, 3).questions]
    # The page's matching question pairs every instrument with its family as the data now says.
    after = matched_pairs(app)
    assert after and all(data_families(srcdir)[p] == f for p, f in after.items())
    assert data_families(srcdir)["Clarinet"] == "Percussion instruments"
    assert answer_key(app) == expected_key(srcdir)
    # The glossary did not change with a compound's family.
    assert str(page(app, "glossary").select_one("dl.glossary")) == str(glossary_before)


def quiz_root(tmp_path: Path, name: str = "test-quiz") -> Path:
    return copy_root(tmp_path, name)


def test_bad_data_fails_the_build_with_file_and_line(tmp_path: Path) -> None:
    src = quiz_root(tmp_path)
    compounds = src / "data" / "compounds.yaml"
    lines = compounds.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if "families: [percussion]" in line)
    lines[number - 1] = lines[number - 1].replace("percussion", "brass")
    compounds.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build = sphinx_build("html", src, tmp_path / "out")
    assert build.returncode != 0
    assert re.search(rf"{re.escape(str(compounds))}:{number}: WARNING: family 'brass' does not exist", build.stderr), \
        build.stderr
    assert "[quiz.data]" in build.stderr


def test_unknown_section_is_reported_where_the_data_says_it(tmp_path: Path) -> None:
    src = quiz_root(tmp_path)
    families = src / "data" / "families.yaml"
    text = families.read_text(encoding="utf-8").replace("families#percussion", "families#drums")
    families.write_text(text, encoding="utf-8")
    number = next(i for i, line in enumerate(text.splitlines(), 1) if "- id: percussion" in line)
    build = sphinx_build("html", src, tmp_path / "out")
    assert build.returncode != 0
    assert re.search(rf"{re.escape(str(families))}:{number}: WARNING: section 'families#drums': 'families' has no "
                     r"heading '#drums' \[quiz\.section\]", build.stderr), build.stderr


def test_data_is_text_not_markup(tmp_path: Path) -> None:
    build = sphinx_build("html", ROOTS / "test-quiz-escape", tmp_path / "out")
    assert build.returncode == 0, build.stderr
    for name in ("index", "glossary", "answer-key"):
        soup = BeautifulSoup((build.outdir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        body = soup.select_one("div.body")
        assert body is not None
        assert not body.find_all("script"), name
        assert not body.find_all("img"), name
        assert not any(tag.has_attr("onerror") for tag in body.find_all(True)), name
    index = (build.outdir / "index.html").read_text(encoding="utf-8")
    text = BeautifulSoup(index, "html.parser").get_text()
    assert "<script>alert(1)</script>" in text
    assert '"><img src=x onerror=alert(1)>' in text
    glossary = BeautifulSoup((build.outdir / "glossary.html").read_text(encoding="utf-8"), "html.parser").get_text()
    assert "<script>alert(1)</script>" in glossary


@pytest.mark.sphinx("text", testroot="quiz", srcdir="quiz-text")
def test_text_builder_prints_questions_without_answers(app: SphinxTestApp) -> None:
    app.build()
    quiz = (Path(app.outdir) / "quiz.txt").read_text(encoding="utf-8")
    form = expected_form(Path(app.srcdir), 3)
    assert "Everything" in quiz
    for n, q in enumerate(form.questions, 1):
        assert f"{n}. {q.stem.split()[0]}" in quiz
    assert "A. " in quiz and "B. " in quiz
    assert "Answer: ______" in quiz
    assert "Show the answer" not in quiz and "Review:" not in quiz
    assert not re.search(r"Answer: [A-H]\.", quiz)
    assert "Answer:" not in quiz.replace(f"Answer: {'_' * 30}", "")
    key = (Path(app.outdir) / "answer-key.txt").read_text(encoding="utf-8")
    assert form.questions[0].rationale.split(" (")[0][:40] in key
