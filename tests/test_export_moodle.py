"""The Moodle XML export read back with lxml, as Moodle's importer would see it: every question, option,
right answer and feedback of the handout's versions and of versions full of characters to escape, in a
category per kind that names the version (title, code and seed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from classroom_versions import cites, lines, literal, moodle_versions
from classroom_versions import html_shown as shown
from lxml import etree

from handout.quiz.exports import moodle
from handout.quiz.generator import Question
from handout.quiz.versions import Version, public_id

# Moodle's question type for each kind, as Moodle's docs name them; every other kind is multichoice.
QTYPES = {"true-false": "truefalse", "matching": "matching", "fill-blank": "shortanswer"}


VERSIONS = moodle_versions()


@pytest.fixture(params=sorted(VERSIONS))
def exported(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Version, Path, list[str]]:
    version = VERSIONS[request.param]
    path = tmp_path / "quiz.xml"
    notes = moodle.write(version, path)
    return version, path, notes


def read(path: Path) -> tuple[list[str], list[str], dict[str, tuple[str, etree._Element]]]:
    """The file's comments, its categories in order, and each question by name with its category."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False))
    root = tree.getroot()
    assert root.tag == "quiz"
    comments: list[str] = []
    categories: list[str] = []
    questions: dict[str, tuple[str, etree._Element]] = {}
    category = ""
    for child in root:
        if isinstance(child, etree._Comment):
            comments.append(str(child.text))
            continue
        assert child.tag == "question"
        if child.get("type") == "category":
            category = str(child.findtext("category/text"))
            categories.append(category)
            continue
        name = str(child.findtext("name/text"))
        assert name not in questions, f"two questions named {name}"
        questions[name] = (category, child)
    return comments, categories, questions


def field(element: etree._Element, tag: str) -> str:
    """The text of ``<tag><text>`` as a browser shows it, checking Moodle is told it is HTML."""
    node = element.find(tag)
    assert node is not None, f"no <{tag}>"
    assert node.get("format") == "html", f"<{tag}> is not HTML"
    return shown(node.findtext("text") or "")


def test_utf8_xml_with_declaration(exported: tuple[Version, Path, list[str]]) -> None:
    version, path, notes = exported
    raw = path.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    tree = etree.parse(str(path))
    assert tree.docinfo.encoding.upper() == "UTF-8"
    # Non-ASCII letters are written as themselves (UTF-8), not as character references.
    text = raw.decode("utf-8")
    letters = {c for q in version.questions for c in q.stem + "".join(q.options) if ord(c) > 127}
    assert letters and all(c in text for c in letters)
    assert notes == []


def test_categories_by_kind_carry_the_version(exported: tuple[Version, Path, list[str]]) -> None:
    version, path, _ = exported
    comments, categories, questions = read(path)
    kinds = list(dict.fromkeys(q.kind for q in version.questions))
    # One category per kind, named as Moodle's category paths are: course context, then one name per level.
    assert "/" not in version.name  # else Moodle's path would double it
    assert sorted(categories) == sorted(f"$course$/{version.name}/{kind}" for kind in kinds)
    for category in categories:
        assert version.label in category and f"(seed {version.seed})" in category
    for question in version.questions:
        category, _ = questions[public_id(question)]
        assert category.rsplit("/", 1)[1] == question.kind
    assert any(version.name in c for c in comments)


def test_every_question_option_and_answer_survives(exported: tuple[Version, Path, list[str]]) -> None:
    version, path, _ = exported
    _, _, questions = read(path)
    assert sorted(questions) == sorted(public_id(q) for q in version.questions)
    for q in version.questions:
        _, element = questions[public_id(q)]
        qtype = QTYPES.get(q.kind, "multichoice")
        assert element.get("type") == qtype, q.id
        assert field(element, "questiontext") == lines(q.stem)
        # The general feedback is the rationale, with the citation in it.
        assert field(element, "generalfeedback") == q.rationale
        for key in q.cite:
            assert cites(q.rationale, version.citations[key]), (q.id, key)
        check = {"multichoice": check_choice, "truefalse": check_true_false, "matching": check_matching,
                 "shortanswer": check_short_answer}[qtype]
        check(q, element)


def check_feedback(q: Question, answer: etree._Element, right: bool, right_text: str) -> None:
    feedback = field(answer, "feedback")
    if right:
        assert feedback.startswith("Correct.") and feedback.endswith(q.rationale), q.id
    else:
        # A short pointer to the explanation that gives nothing away.
        assert feedback and len(feedback) < 100 and right_text not in feedback and q.rationale not in feedback


def check_choice(q: Question, element: etree._Element) -> None:
    assert element.findtext("single") == "true"
    assert element.findtext("shuffleanswers") in ("0", "false")  # the version fixes the order
    assert element.findtext("answernumbering") == "ABCD"  # the letters of the printed sheet
    answers = element.findall("answer")
    assert [shown(a.findtext("text") or "") for a in answers] == [lines(o) for o in q.options]
    assert [a.get("format") for a in answers] == ["html"] * len(answers)
    assert [a.get("fraction") for a in answers] == ["100" if i in q.correct else "0" for i in range(len(q.options))]
    for i, answer in enumerate(answers):
        check_feedback(q, answer, i in q.correct, q.options[q.correct[0]])


def check_true_false(q: Question, element: etree._Element) -> None:
    answers = {a.findtext("text"): a for a in element.findall("answer")}
    assert sorted(answers) == ["false", "true"]
    right = q.options[q.correct[0]].lower()
    for value, answer in answers.items():
        assert answer.get("fraction") == ("100" if value == right else "0")
        check_feedback(q, answer, value == right, q.options[q.correct[0]])


def check_matching(q: Question, element: etree._Element) -> None:
    assert element.findtext("shuffleanswers") in ("0", "false")  # prompts in the version's order
    pairs = [(field(s, "."), s.findtext("answer/text")) for s in element.findall("subquestion")]
    prompted = [(p, a) for p, a in pairs if p]
    assert prompted == [(p, q.options[c]) for p, c in zip(q.prompts, q.correct, strict=True)]
    # Options no prompt takes are subquestions without text: Moodle's extra wrong answers.
    extra = [a for p, a in pairs if not p]
    assert extra == [o for i, o in enumerate(q.options) if i not in q.correct]


def check_short_answer(q: Question, element: etree._Element) -> None:
    assert element.findtext("usecase") == "0"
    answers = element.findall("answer")
    # Moodle compares literally (case aside): every spelling is written out, each a right answer, and
    # every accepted name among them as written.
    assert [literal(a.findtext("text") or "") for a in answers] == list(q.spelled)
    assert set(q.accept) <= set(q.spelled)
    assert [a.get("fraction") for a in answers] == ["100"] * len(q.spelled)
    for answer in answers:
        check_feedback(q, answer, True, "")


def test_extras_are_exercised() -> None:
    """The extra shapes are really in the versions tested above, so their checks are not vacuous."""
    extras = VERSIONS["nasty-extras"]
    matching = next(q for q in extras.questions if q.kind == "matching")
    assert len(set(matching.correct)) < len(matching.options)
    assert any("*" in a for q in extras.questions for a in q.spelled)
    assert any("\n\n" in q.stem for q in extras.questions)
    # Spellings beyond the accepted names (hyphens as spaces and dropped, accents dropped) are exported.
    assert any(len(q.spelled) > len(q.accept) for q in extras.questions)
    nasty = "".join(q.stem + "".join(q.options) for q in VERSIONS["nasty"].questions)
    for character in "&<>{}:~=#\\\"'αΩ":
        assert character in nasty


def test_wildcard_is_escaped(tmp_path: Path) -> None:
    path = tmp_path / "quiz.xml"
    moodle.write(VERSIONS["nasty-extras"], path)
    _, _, questions = read(path)
    epsilon = next(q for q in VERSIONS["nasty-extras"].questions if q.id == "term:epsilon")
    _, element = questions[public_id(epsilon)]
    assert "GH\\*" in [a.findtext("text") for a in element.findall("answer")]
