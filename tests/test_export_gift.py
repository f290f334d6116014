"""The GIFT export read back two ways: with pygiftparser (an independent GIFT parser; every question must
parse valid, and its texts and answers are compared), and with a small reader written here that follows
Moodle's own importer (qformat_gift::readquestion: escapes, ``$CATEGORY``, ``::name::``, the first
``{``/``}``, ``####``, how the question type is told), which checks what pygiftparser's structure cannot
hold (categories, and answers pygiftparser cuts; see ``pygift_reads_answers``)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from classroom_versions import cites, lines, literal, moodle_versions, nasty_version
from classroom_versions import html_shown as shown
from pygiftparser import parser

from handout.quiz import generator
from handout.quiz.exports import gift
from handout.quiz.generator import Question
from handout.quiz.versions import Version, public_id

CHOICE_KINDS = {"term-definition", "definition-term", "item-group", "item-target", "group-item",
                "finding-evidence", "finding-study"}


VERSIONS = moodle_versions()


@pytest.fixture(params=sorted(VERSIONS))
def exported(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Version, Path, list[str]]:
    version = VERSIONS[request.param]
    path = tmp_path / "quiz.gift.txt"
    notes = gift.write(version, path)
    return version, path, notes


def right_feedback(q: Question, feedback: str) -> None:
    assert feedback.startswith("Correct.") and feedback.endswith(q.rationale), (q.id, feedback)


def wrong_feedback(q: Question, feedback: str) -> None:
    # A short pointer to the explanation that gives nothing away.
    right = q.options[q.correct[0]]
    assert feedback and len(feedback) < 100 and right not in feedback and q.rationale not in feedback, q.id


# -- pygiftparser --------------------------------------------------------------------------------------


def pygift(path: Path) -> list[Any]:
    with path.open(encoding="utf-8") as stream:
        return list(parser.parseFile(stream))


def unescape(text: str) -> str:
    """pygiftparser keeps GIFT's escapes in what it returns (it only turns ``\\n`` into a line break in
    question texts and general feedback): undo them."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text.strip(), flags=re.S)


def pygift_reads_answers(q: Question) -> bool:
    """Whether pygiftparser can read this question's answers. Its answer block ends at the first ``}``,
    escaped or not (in ``{\\s*(?P<answer>.*?[^\\\\]?)...}`` the last character may match nothing, so
    ``\\}`` ends it too). In HTML fields the export writes braces as character references, but an
    accepted answer or a matching option is plain text in Moodle, where ``\\}`` is the only way to write
    one: those questions' answers and general feedback are checked by the Moodle-rules reader below."""
    plain = q.spelled + (q.options if q.kind == "matching" else ())
    return not any("}" in text for text in plain)


def test_pygiftparser_reads_every_question_valid(exported: tuple[Version, Path, list[str]]) -> None:
    version, path, notes = exported
    with path.open(encoding="utf-8") as stream:
        questions = parser.parseFile(stream)
    assert notes == []
    assert len(questions) == len(version.questions)
    assert all(getattr(q, "valid", True) for q in questions)
    assert sorted(unescape(q.title) for q in questions) == sorted(public_id(q) for q in version.questions)


def test_pygiftparser_content(exported: tuple[Version, Path, list[str]]) -> None:
    version, path, _ = exported
    parsed = {unescape(q.title): q for q in pygift(path)}
    skipped = []
    for q in version.questions:
        p = parsed[public_id(q)]
        assert p.markup == "html"
        assert shown(unescape(p.text)) == lines(q.stem)
        # pygiftparser keeps only the letters, digits, "/" and "$" that start a category's name.
        assert f"$course$/{version.name}/{q.kind}".startswith(p.cat) and len(p.cat) > len("$course$/")
        if not pygift_reads_answers(q):
            skipped.append(q.id)
            continue
        assert shown(unescape(p.generalFeedback)) == q.rationale
        answers = p.answers
        kind = type(answers).__name__
        if q.kind in CHOICE_KINDS:
            assert kind == "SelectSet", q.id  # one right answer among options
            got = [(shown(unescape(a.answer)), a.fraction) for a in answers.answers]
            assert got == [(lines(o), 100 if i in q.correct else 0) for i, o in enumerate(q.options)]
            for i, a in enumerate(answers.answers):
                feedback = shown(unescape(a.feedback))
                right_feedback(q, feedback) if i in q.correct else wrong_feedback(q, feedback)
        elif q.kind == "true-false":
            assert kind == "TrueFalseSet", q.id
            assert answers.answer == (q.options[q.correct[0]] == "True")
            right_feedback(q, shown(unescape(answers.feedbackCorrect)))
            wrong_feedback(q, shown(unescape(answers.feedbackWrong)))
        elif q.kind == "matching":
            assert kind == "MatchingSet", q.id
            got = [(shown(unescape(a.question)), unescape(a.answer)) for a in answers.answers]
            assert got == [*((p, q.options[c]) for p, c in zip(q.prompts, q.correct, strict=True)),
                           *(("", o) for i, o in enumerate(q.options) if i not in q.correct)]
        else:
            assert kind == "ShortSet", q.id
            # Every spelling written out (GIFT compares literally), the accepted names as written among them.
            assert [literal(unescape(a.answer)) for a in answers.answers] == list(q.spelled)
            assert set(q.accept) <= set(q.spelled)
            assert [a.fraction for a in answers.answers] == [100] * len(q.spelled)
    # Only questions with a "}" in a plain-text answer are left to the other reader.
    assert all("}" in "".join(q.spelled) for q in version.questions if q.id in skipped)


# -- Moodle's importer's rules ---------------------------------------------------------------------------

# qformat_gift::escapedchar_pre / escapedchar_post: "\\" is a backslash; "\:" "\#" "\=" "\{" "\}" "\~" are
# the characters themselves, "\n" a line break.
PLACEHOLDERS = {":": "&&058;", "#": "&&035;", "=": "&&061;", "{": "&&123;", "}": "&&125;", "~": "&&126;",
                "n": "&&010"}
WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")


def pre(text: str) -> str:
    text = text.replace("\\\\", "&&092;")
    for char, placeholder in PLACEHOLDERS.items():
        text = text.replace("\\" + char, placeholder)
    return text.replace("&&092;", "\\")


def post(text: str) -> str:
    for char, placeholder in PLACEHOLDERS.items():
        text = text.replace(placeholder, "\n" if char == "n" else char)
    return text


def with_format(text: str, default: str = "moodle") -> tuple[str, str]:
    """qformat_gift::parse_text_with_format: a leading ``[html]`` (or another format) sets the format."""
    text = text.strip()
    fmt = default
    match = re.match(r"\[(moodle|html|plain|markdown)\]", text)
    if match:
        fmt, text = match.group(1), text[match.end():]
    return post(text).strip(), fmt


def weight(answer: str, default: float) -> tuple[float, str]:
    match = WEIGHT.match(answer)
    if match:
        return float(f"{match.group(1)}.{match.group(2) or 0}") / 100, answer[match.end():]
    return default, answer


def moodle_read(source: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The comments, and the questions as Moodle would import them, each with the category it lands in."""
    blocks: list[list[str]] = [[]]
    for line in source.split("\n"):
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    comments = [line.strip()[2:].strip() for block in blocks for line in block if line.strip().startswith("//")]
    category = ""
    out: list[dict[str, Any]] = []
    for block in blocks:
        text = pre("\n".join(" " if line.strip().startswith("//") else line for line in block).strip())
        if not text:
            continue
        if text.startswith("$CATEGORY:"):
            category = text[len("$CATEGORY:"):].strip()
            continue
        question: dict[str, Any] = {"category": category, "name": None}
        if text.startswith("::"):
            end = text.index("::", 2)
            question["name"] = post(text[2:end]).strip()
            text = text[end + 2:].strip()
        start, finish = text.index("{"), text.index("}")
        assert text.endswith("}"), "text after the answers: Moodle would read a missing-word question"
        answertext = text[start + 1:finish].strip()
        general = ""
        if "####" in answertext:
            sep = answertext.rindex("####")
            answertext, general = answertext[:sep].strip(), answertext[sep + 4:]
        question["text"], fmt = with_format(text[:start])
        question["format"] = fmt
        question["general"] = with_format(general, fmt)[0]
        hash_at = answertext.find("#")
        check = answertext[:hash_at].strip() if hash_at > 0 else answertext
        if "~" in answertext:
            question["type"] = "multichoice"
            parts = answertext.replace("=", "~=").split("~")
            answers = []
            for part in (p.strip() for p in parts if p.strip()):
                if part.startswith("="):
                    fraction, part = 1.0, part[1:]
                else:
                    fraction, part = weight(part, 0.0)
                body, _, feedback = part.partition("#")
                answers.append((with_format(body, fmt)[0], fraction, with_format(feedback, fmt)[0]))
            question["answers"] = answers
        elif "=" in answertext and "->" in answertext:
            question["type"] = "match"
            pairs = []
            for part in (p.strip() for p in answertext.split("=") if p.strip()):
                marker = part.index("->")
                pairs.append((with_format(part[:marker], fmt)[0], post(part[marker + 2:]).strip()))
            question["pairs"] = pairs
        elif check in ("T", "TRUE", "F", "FALSE"):
            question["type"] = "truefalse"
            bits = [*answertext.split("#", 2), "", ""]
            question["answer"] = check.startswith("T")
            question["wrong"], question["right"] = (with_format(b, fmt)[0] for b in bits[1:3])
        else:
            question["type"] = "shortanswer"
            answers = []
            for part in (p.strip() for p in answertext.split("=") if p.strip()):
                fraction, part = weight(part, 1.0)
                body, _, feedback = part.partition("#")
                answers.append((post(body).strip(), fraction, with_format(feedback, fmt)[0]))
            question["answers"] = answers
        out.append(question)
    return comments, out


def test_moodle_reads_every_question(exported: tuple[Version, Path, list[str]]) -> None:
    version, path, _ = exported
    comments, questions = moodle_read(path.read_text(encoding="utf-8"))
    assert comments[0] == version.name
    by_name = {q["name"]: q for q in questions}
    assert len(by_name) == len(questions) == len(version.questions)
    assert "/" not in version.name  # else Moodle's category path would double it
    for q in version.questions:
        m = by_name[public_id(q)]
        # One category per kind, naming the title, version code and seed.
        assert m["category"] == f"$course$/{version.name}/{q.kind}"
        assert m["format"] == "html"
        assert shown(m["text"]) == lines(q.stem)
        assert shown(m["general"]) == q.rationale
        assert all(cites(q.rationale, version.citations[key]) for key in q.cite), q.id
        if q.kind in CHOICE_KINDS:
            assert m["type"] == "multichoice"
            got = [(shown(text), fraction) for text, fraction, _ in m["answers"]]
            assert got == [(lines(o), 1.0 if i in q.correct else 0.0) for i, o in enumerate(q.options)]
            for i, (_, _, feedback) in enumerate(m["answers"]):
                right_feedback(q, shown(feedback)) if i in q.correct else wrong_feedback(q, shown(feedback))
        elif q.kind == "true-false":
            assert m["type"] == "truefalse"
            assert m["answer"] == (q.options[q.correct[0]] == "True")
            right_feedback(q, shown(m["right"]))
            wrong_feedback(q, shown(m["wrong"]))
        elif q.kind == "matching":
            assert m["type"] == "match"
            got = [(shown(prompt), option) for prompt, option in m["pairs"]]
            assert got == [*((p, q.options[c]) for p, c in zip(q.prompts, q.correct, strict=True)),
                           *(("", o) for i, o in enumerate(q.options) if i not in q.correct)]
        else:
            assert m["type"] == "shortanswer"
            assert [(literal(text), fraction) for text, fraction, _ in m["answers"]] == [(a, 1.0) for a in q.spelled]
            for _, _, feedback in m["answers"]:
                right_feedback(q, shown(feedback))


def test_special_characters_are_escaped_with_backslashes(exported: tuple[Version, Path, list[str]]) -> None:
    """Outside the GIFT syntax itself, every ``~ = { } :`` of the file is escaped (the category lines,
    which Moodle reads before unescaping, aside). A ``#`` is also the feedback separator, so this check
    cannot tell them apart; a bare ``#`` in a text would cut it in both readers' checks above."""
    _, path, _ = exported
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(("//", "$CATEGORY:")) or not line.strip():
            continue
        bare = re.sub(r"\\.", "", line)  # drop every escaped character
        syntax = re.sub(r"^::[^:]*::\[html\]|\{$|^\t(?:[=~]|####)|^\}$|\{(?:TRUE|FALSE)#|#| -> ", "", bare)
        assert not re.search(r"[~={}:]", syntax), line


def test_extras_are_exercised() -> None:
    """The extra shapes are really in the versions tested above, so their checks are not vacuous."""
    extras = VERSIONS["nasty-extras"]
    matching = next(q for q in extras.questions if q.kind == "matching")
    assert len(set(matching.correct)) < len(matching.options)
    assert any("*" in a for q in extras.questions for a in q.spelled)
    assert any(len(q.spelled) > len(q.accept) for q in extras.questions)
    assert any("\n\n" in q.stem for q in extras.questions)
    assert any(o.startswith("%") for q in extras.questions for o in q.options)
    assert not all(pygift_reads_answers(q) for q in extras.questions)


def test_what_gift_cannot_hold_is_left_out_with_a_note(tmp_path: Path) -> None:
    nasty = nasty_version()
    blank = next(q for q in nasty.questions if q.kind == "fill-blank")
    def spelled(question_id: str, *accept: str) -> Question:
        return dataclasses.replace(blank, id=question_id, accept=accept, variants=generator.spellings(accept))

    # The first two break GIFT in an accepted name as written; the third only in a spelling of it: "-%50% GH"
    # is no grade weight, but with its hyphen dropped it starts with one.
    unfit = (spelled("term:arrow", "GHRH -> GH"), spelled("term:weight", "%50% GH"),
             spelled("term:spelling", "-%50% GH"))
    assert "-%50% GH" in unfit[2].spelled and "%50% GH" in unfit[2].spelled
    version = dataclasses.replace(nasty, questions=(*nasty.questions, *unfit))
    path = tmp_path / "quiz.gift.txt"
    notes = gift.write(version, path)
    assert len(notes) == 3 and "term:arrow" in notes[0] and "term:weight" in notes[1]
    assert "term:spelling" in notes[2] and "'%50% GH'" in notes[2]
    parsed = pygift(path)
    assert all(getattr(q, "valid", True) for q in parsed)
    assert sorted(unescape(q.title) for q in parsed) == sorted(public_id(q) for q in nasty.questions)
