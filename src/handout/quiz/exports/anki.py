"""An Anki deck (``.apkg``) of the whole question bank, for self-study.

Unlike the classroom exports this is not one version of a quiz: students review every question at their
own pace, so the deck holds the bank (any order will do, Anki schedules the cards itself) and is named
by the quiz's title alone. It is written with genanki.

One note per question, of one fixed note type (:data:`MODEL_ID`) with the fields Question, Answer,
Explanation, Source and Id. The front shows the stem and, where there are options, the options lettered
(matching: the prompts numbered and the options lettered); the back adds the answer, the rationale and
the sources (the citation labels and the handout section to review). Every text is HTML-escaped, as
Anki fields are HTML. Tags name the question's kind, so a student can study one kind at a time.

Identity is what makes an updated deck update a student's cards instead of duplicating them: the note
GUID is ``genanki.guid_for(question.id)`` (question ids are stable), the deck id is derived from the
title, and the note type id is a constant.

Reproducibility: genanki stamps notes, cards and the note type with one timestamp and numbers notes and
cards from it. Anki updates an already imported note only when the incoming note is *newer*, so that
timestamp cannot be pinned to a fixed date: a pinned date would make every later deck look no newer and
the students' cards would never be updated. It is ``SOURCE_DATE_EPOCH`` when set (a release's commit
time grows with every change, and two builds of one commit give identical files), else the current
time. Everything else is pinned without patching genanki: the collection is written by genanki into a
database this module creates (genanki's own ``write_to_file`` leaves a temporary file behind and dates
the zip entries by the clock), and the zip entries are dated with the same timestamp.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import html
import itertools
import os
import sqlite3
import string
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from handout.quiz.generator import Question
from handout.quiz.versions import answer_text

# The note type's identity in every collection the deck is imported into. Never change it: Anki would
# see a new note type, and the students' existing notes (with their review history) would no longer be
# updated by a new deck but duplicated. Any number in genanki's suggested range [2**30, 2**31) does.
MODEL_ID = 1_760_423_611
MODEL_NAME = "Handout review question"
FIELDS = ("Question", "Answer", "Explanation", "Source", "Id")
FRONT = "{{Question}}"
BACK = ('{{FrontSide}}\n<hr id="answer">\n<div class="answer">{{Answer}}</div>\n'
        '<div class="explanation">{{Explanation}}</div>\n'
        '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}')
CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: left; color: black; background: white; }
.stem { margin-bottom: 0.6em; }
.option, .prompt { margin: 0.2em 0; }
.letter { font-weight: bold; }
.answer { font-weight: bold; margin-bottom: 0.6em; }
.source { font-size: 0.8em; color: #555; margin-top: 0.6em; }
"""
# Anki's deck ids; genanki suggests drawing them from this range.
DECK_IDS = (1 << 30, 1 << 31)
LETTERS = string.ascii_uppercase
# Zip entries cannot be dated before 1980.
_ZIP_MIN = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC).timestamp()


def write(title: str, questions: Sequence[Question], path: Path, *,
          citations: Mapping[str, str] | None = None) -> list[str]:
    """Write ``questions`` as the Anki deck ``title`` at ``path``; return notes for the user."""
    import genanki

    repeated = sorted(i for i, n in Counter(q.id for q in questions).items() if n > 1)
    if repeated:
        # One id is one note GUID: Anki would keep one of the questions and drop the others.
        raise ValueError(f"question ids must be unique in a deck; repeated: {', '.join(repeated)}")
    notes: list[str] = []
    name = title
    if "::" in name:
        # Anki reads "::" in a deck name as a subdeck; one deck is meant.
        name = name.replace("::", ":")
        notes.append(f"Anki deck: named {name!r}, with ':' for the title's '::', which Anki reads as a subdeck")

    model = genanki.Model(MODEL_ID, MODEL_NAME, fields=[{"name": f} for f in FIELDS],
                          templates=[{"name": "Review", "qfmt": FRONT, "afmt": BACK}], css=CSS)
    deck = genanki.Deck(deck_id(title), name,
                        description=f"Review questions of {html.escape(title)}, with answers and explanations.")
    for position, question in enumerate(questions):
        # The sort field is plain text, as Anki's own is (the Question field is HTML); new cards are
        # shown in the bank's order.
        deck.add_note(genanki.Note(model=model, fields=fields(question, citations or {}),
                                   sort_field=question.stem, guid=genanki.guid_for(question.id),
                                   tags=[question.kind], due=position))

    stamp = _timestamp()
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "collection.anki2"
        with contextlib.closing(sqlite3.connect(database)) as connection:
            # What genanki's Package.write_to_file does, into a database this module owns and deletes.
            genanki.Package(deck).write_to_db(connection.cursor(), stamp, itertools.count(int(stamp * 1000)))
            connection.commit()
        collection = database.read_bytes()
    when = datetime.datetime.fromtimestamp(max(stamp, _ZIP_MIN), datetime.UTC)
    date_time = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for entry, data in (("collection.anki2", collection), ("media", b"{}")):
            info = zipfile.ZipInfo(entry, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            out.writestr(info, data)
    return notes


def fields(question: Question, citations: Mapping[str, str]) -> list[str]:
    """The note's fields, in :data:`FIELDS` order, as HTML."""
    return [_front(question), _answer(question), _html(question.rationale), _source(question, citations),
            _html(question.id)]


def deck_id(title: str) -> int:
    """A deck id from the title alone, so every build of one quiz updates the same deck."""
    low, high = DECK_IDS
    digest = hashlib.sha256(title.encode("utf-8")).digest()
    return low + int.from_bytes(digest[:8], "big") % (high - low)


def _front(q: Question) -> str:
    parts = [f'<div class="stem">{_html(q.stem)}</div>']
    if q.kind == "matching":
        parts += [f'<div class="prompt"><span class="letter">{i}.</span> {_html(p)}</div>'
                  for i, p in enumerate(q.prompts, 1)]
        parts.append("<hr>")
    if q.kind == "true-false":
        parts.append('<div class="option">True or false?</div>')
    else:
        parts += [f'<div class="option"><span class="letter">{LETTERS[i]}.</span> {_html(o)}</div>'
                  for i, o in enumerate(q.options)]
    return "\n".join(parts)


def _answer(q: Question) -> str:
    if q.kind == "matching":
        return "<br>".join(f"{i}. {_html(p)} → {LETTERS[c]}. {_html(q.options[c])}"
                           for i, (p, c) in enumerate(zip(q.prompts, q.correct, strict=True), 1))
    if q.kind == "true-false" or not q.options:
        return _html(answer_text(q))
    return "<br>".join(f"{LETTERS[c]}. {_html(q.options[c])}" for c in q.correct)


def _source(q: Question, citations: Mapping[str, str]) -> str:
    parts = [_html(citations.get(key, key)) for key in q.cite]
    if q.section:
        parts.append(f"Handout section: {_html(q.section)}")
    return " · ".join(parts)


def _html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _timestamp() -> float:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return float(epoch) if epoch else time.time()
