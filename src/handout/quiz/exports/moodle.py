"""Moodle XML for one version: the question bank import Moodle documents as "Moodle XML format".

The file holds one ``<quiz>`` with the version's questions grouped by kind. Each group opens with a
``<question type="category">`` naming the category ``$course$/<version name>/<kind>``, so the title, the
version code and the seed reach the question bank (and a comment at the top names the version too):
questions of two versions never share a category, and an imported question can be matched with its
printed sheet. Within a category the questions keep the version's order.

How the kinds map to Moodle's question types:

* choice kinds: ``multichoice`` with one right answer (``<single>true</single>``), options in the
  version's order (``<shuffleanswers>0</shuffleanswers>``: the version fixes the order, and letters
  ``ABCD`` as on the sheet);
* true-false: ``truefalse``;
* matching: ``matching`` with a ``<subquestion>`` per prompt, in the version's order, holding the option
  that answers it; an option no prompt takes is a subquestion without text (Moodle's "extra wrong
  answer"). Moodle always shuffles the options of the drop-down menus itself;
* fill-blank: ``shortanswer`` where every accepted answer scores 100%, case ignored. A ``*`` in an
  accepted answer is written ``\\*``: Moodle reads a bare ``*`` as a wildcard.

A question's ``<name>`` is its stable id (never its position). Question text, options, prompts and
feedback are HTML (``format="html"``): the text is HTML-escaped first, so ``<b>`` in a stem is shown as
written, and ElementTree escapes that again for XML (no CDATA, so no ``]]>`` problem). Option texts of
matching questions and accepted answers are plain text in Moodle, so only XML escaping applies there.
Line breaks are kept, as LF. Characters XML 1.0 cannot hold at all (most C0 controls) are dropped, as no
escaping can carry them; the comment naming the version is made safe the same way as the QTI export's
(:mod:`handout.quiz.exports.common`).
The right option's feedback is "Correct." and the rationale; a wrong option's points to the explanation,
which is the general feedback (the rationale, citation included).
"""

from __future__ import annotations

import html
import string
import xml.etree.ElementTree as ET
from pathlib import Path

from handout.quiz.exports.common import xml_comment, xml_text
from handout.quiz.generator import KINDS, TRUE_FALSE, Question
from handout.quiz.versions import Version, public_id

#: Moodle question type per kind; every other kind is a single-answer ``multichoice``.
QTYPES = {"true-false": "truefalse", "matching": "matching", "fill-blank": "shortanswer"}
RIGHT = "Correct."
WRONG = "Not this one: the explanation below gives the right answer."
# Moodle's own defaults: a wrong try of a true/false question costs the whole mark, elsewhere a third.
PENALTY = {"truefalse": "1.0000000"}
DEFAULT_PENALTY = "0.3333333"


def write(version: Version, path: Path) -> list[str]:
    """Write ``version`` as Moodle XML at ``path``. Every question fits, so there is nothing to note."""
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(xml_comment(version.name)))
    for kind, questions in grouped(version):
        quiz.append(_category(version, kind))
        for question in questions:
            quiz.append(_question(question))
    ET.indent(quiz)
    # <text></text> rather than <text />, as Moodle's own exports write an empty text.
    body = ET.tostring(quiz, encoding="unicode", short_empty_elements=False)
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n', encoding="utf-8", newline="\n")
    return []


def grouped(version: Version) -> list[tuple[str, list[Question]]]:
    """The version's questions by kind, kinds in the generator's order; each kind's in the version's order."""
    order = {kind: i for i, kind in enumerate(KINDS)}
    groups: dict[str, list[Question]] = {}
    for question in version.questions:
        groups.setdefault(question.kind, []).append(question)
    return sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))


def category_path(version: Version, kind: str) -> str:
    """``$course$/<version name>/<kind>`` with each name escaped as Moodle's ``assemble_category_path``
    does: ``/`` inside a name is doubled, and a name starting or ending with ``/`` gets a space there."""
    names = []
    for name in (version.name, kind):
        escaped = name.replace("/", "//")
        if escaped.startswith("/"):
            escaped = " " + escaped
        if escaped.endswith("/"):
            escaped += " "
        names.append(escaped)
    return "/".join(("$course$", *names))


def wildcard_literal(answer: str) -> str:
    """An accepted answer as a Moodle short-answer pattern that matches it literally (``*`` escaped)."""
    return answer.replace("*", "\\*")


def _text(parent: ET.Element, tag: str, text: str, fmt: str | None = "html") -> ET.Element:
    """``<tag format="fmt"><text>text</text></tag>``: Moodle's container for every text field."""
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    # An XML parser reads CRLF and CR as LF anyway: written so, the file holds what is read.
    ET.SubElement(element, "text").text = xml_text(text).replace("\r\n", "\n").replace("\r", "\n")
    return element


def _html(text: str) -> str:
    return html.escape(text, quote=False)


def _category(version: Version, kind: str) -> ET.Element:
    question = ET.Element("question", {"type": "category"})
    _text(question, "category", category_path(version, kind), fmt=None)
    _text(question, "info", f"{kind} questions of {version.name}", fmt="plain_text")
    return question


def _question(q: Question) -> ET.Element:
    qtype = QTYPES.get(q.kind, "multichoice")
    element = ET.Element("question", {"type": qtype})
    _text(element, "name", public_id(q), fmt=None)
    _text(element, "questiontext", _html(q.stem))
    _text(element, "generalfeedback", _html(q.rationale))
    ET.SubElement(element, "defaultgrade").text = "1.0000000"
    ET.SubElement(element, "penalty").text = PENALTY.get(qtype, DEFAULT_PENALTY)
    ET.SubElement(element, "hidden").text = "0"
    right = _html(f"{RIGHT} {q.rationale}")
    if qtype == "multichoice":
        ET.SubElement(element, "single").text = "true"
        ET.SubElement(element, "shuffleanswers").text = "0"
        ET.SubElement(element, "answernumbering").text = string.ascii_uppercase[:4]
        for i, option in enumerate(q.options):
            ok = i in q.correct
            answer = _text(element, "answer", _html(option))
            answer.set("fraction", "100" if ok else "0")
            _text(answer, "feedback", right if ok else _html(WRONG))
    elif qtype == "truefalse":
        true_is_right = q.options[q.correct[0]] == TRUE_FALSE[0]
        for value, ok in (("true", true_is_right), ("false", not true_is_right)):
            answer = _text(element, "answer", value, fmt="moodle_auto_format")
            answer.set("fraction", "100" if ok else "0")
            _text(answer, "feedback", right if ok else _html(WRONG))
    elif qtype == "matching":
        ET.SubElement(element, "shuffleanswers").text = "0"
        for prompt, index in zip(q.prompts, q.correct, strict=True):
            sub = _text(element, "subquestion", _html(prompt))
            _text(sub, "answer", q.options[index], fmt=None)
        for i, option_text in enumerate(q.options):
            if i not in q.correct:
                sub = _text(element, "subquestion", "")
                _text(sub, "answer", option_text, fmt=None)
    else:  # shortanswer
        ET.SubElement(element, "usecase").text = "0"
        for accepted in q.spelled:
            answer = _text(element, "answer", wildcard_literal(accepted), fmt="plain_text")
            answer.set("fraction", "100")
            _text(answer, "feedback", right)
    return element
