"""GIFT for one version: Moodle's plain-text question format ("GIFT format" in Moodle's docs).

The file opens with a ``// <version name>`` comment; the questions follow grouped by kind, each group
after a ``$CATEGORY: $course$/<version name>/<kind>`` line, the same categories as the Moodle XML
export, so the title, version code and seed reach the question bank. Every question is
``::<stable id>::[html]<stem> {...}``: one markup, ``[html]``, for every question, which Moodle applies to
the question's options and feedback too. Kinds become:

* choice kinds: ``{=right#feedback ~wrong#feedback ... ####general feedback}``, in the version's order;
* true-false: ``{TRUE#feedback if answered wrong#feedback if answered right####general feedback}`` (or
  ``FALSE``);
* matching: ``{=prompt -> option ...}``, one line per prompt in the version's order, then ``= -> option``
  for an option no prompt takes (what Moodle's own export writes for an extra wrong answer);
* fill-blank: ``{=accepted =accepted ...}``, every accepted answer right (``*`` written ``\\*``: Moodle
  reads a bare ``*`` as a wildcard).

The general feedback is the rationale (citation included); the right option's feedback is "Correct."
and the rationale, a wrong option's points to the explanation.

Escaping. Everywhere in a question (title, stem, options, prompts, feedback), ``\\ ~ = # { } :`` get a
backslash and a line break (LF, CRLF or CR) becomes ``\\n``, so no text can end a question early with a
blank line; HTML fields are HTML-escaped first, so the backslashes also
cover the ``#`` of character references and the ``:`` of URLs. Three things GIFT cannot escape:

* In HTML fields ``{`` and ``}`` are written as the character references ``&#123;`` and ``&#125;``
  (their ``#`` escaped). Moodle would also take ``\\{`` and ``\\}``, but pygiftparser, the independent
  reader the export is checked with, ends the answer block at the first ``}``, escaped or not, and so
  would cut an option or a feedback with a brace in it. Both show the references as braces. Plain-text
  fields (accepted answers, matching options) have no such way out and keep ``\\}``.
* An option starting with ``%`` would read as a grade weight (``~%50%...``), so its ``%`` is ``&#37;``.
* Moodle decides a fill-blank answer is a grade weight when it starts like ``%50%``, and the whole question
  a matching one when an answer holds ``->``; neither can be escaped in plain text, so such a question is
  left out with a note.

The ``$CATEGORY`` line is the exception to the escaping: Moodle reads it before unescaping anything, so
``\\:`` there would stay in the category's name as Moodle's placeholder ``&&058;``. The name is written
as is, with backslashes doubled (Moodle's reader turns ``\\\\`` into ``\\`` before it looks at the
category) and ``/`` inside a name doubled (Moodle's category paths).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from handout.quiz.exports.moodle import RIGHT, WRONG, category_path, grouped, wildcard_literal
from handout.quiz.generator import TRUE_FALSE, Question
from handout.quiz.versions import Version, public_id

SPECIAL = re.compile(r"[\\~=#{}:]")
BACKSLASH = "\\"
# Moodle's grade-weight prefix (qformat_gift's $giftanswerweightregex).
WEIGHT = re.compile(r"^%-*[0-9]{1,2}\.?[0-9]*%")


def write(version: Version, path: Path) -> list[str]:
    """Write ``version`` as GIFT at ``path``; return one note per question GIFT cannot hold."""
    notes: list[str] = []
    numbers = {q.id: n for n, q in enumerate(version.questions, 1)}
    blocks = [f"// {_line(version.name)}\n// GIFT for Moodle: Question bank > Import > GIFT format."]
    for kind, questions in grouped(version):
        kept = []
        for question in questions:
            problem = unfit(question)
            if problem:
                notes.append(f"{question.id}: left out of GIFT: {problem}")
            else:
                kept.append(question)
        if not kept:
            continue
        blocks.append(f"$CATEGORY: {_line(category_path(version, kind)).replace(BACKSLASH, BACKSLASH * 2)}")
        for question in kept:
            blocks.append(f"// Question {numbers[question.id]} of {_line(version.label)}\n{_question(question)}")
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8", newline="\n")
    return notes


def unfit(question: Question) -> str:
    """Why GIFT cannot hold ``question`` as Moodle would read it back, or ``""``."""
    for accepted in question.spelled:
        if WEIGHT.match(accepted.strip()):
            return f"the accepted answer {accepted!r} would be read as a grade weight"
        if "->" in accepted:
            return f"the accepted answer {accepted!r} holds '->', which makes Moodle read a matching question"
    return ""


def escape(text: str) -> str:
    """``text`` with GIFT's special characters escaped and line breaks as ``\\n``."""
    escaped = SPECIAL.sub(lambda m: "\\" + m.group(), text)
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def html_field(text: str) -> str:
    """``text`` for an HTML field: HTML-escaped, braces as character references, then GIFT-escaped."""
    markup = html.escape(text, quote=False).replace("{", "&#123;").replace("}", "&#125;")
    return escape(markup)


def _option(text: str) -> str:
    field = html_field(text)
    return "&\\#37;" + field[1:] if field.startswith("%") else field


def _line(text: str) -> str:
    # Comments and the category line end at the line break.
    return " ".join(text.splitlines())


def _question(q: Question) -> str:
    right = html_field(f"{RIGHT} {q.rationale}")
    wrong = html_field(WRONG)
    head = f"::{escape(public_id(q))}::[html]{html_field(q.stem)} {{"
    general = f"\t####{html_field(q.rationale)}\n}}"
    if q.kind == "true-false":
        value = "TRUE" if q.options[q.correct[0]] == TRUE_FALSE[0] else "FALSE"
        return f"{head}{value}#{wrong}#{right}\n{general}"
    lines = [head]
    if q.kind == "matching":
        lines += [f"\t={html_field(p)} -> {escape(q.options[c])}" for p, c in zip(q.prompts, q.correct, strict=True)]
        lines += [f"\t= -> {escape(o)}" for i, o in enumerate(q.options) if i not in q.correct]
    elif q.kind == "fill-blank":
        lines += [f"\t={escape(wildcard_literal(a))}#{right}" for a in q.spelled]
    else:
        lines += [f"\t{'=' if i in q.correct else '~'}{_option(o)}#{right if i in q.correct else wrong}"
                  for i, o in enumerate(q.options)]
    lines.append(general)
    return "\n".join(lines)
