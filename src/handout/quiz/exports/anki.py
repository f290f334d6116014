"""Anki decks (``.apkg``) for self-study: the whole question bank, or one version of a quiz.

The bank deck (no ``version_label``) is named by the quiz's title alone: students review every question
at their own pace, in any order (Anki schedules the cards itself). A version's deck is named
``<title> — <version label>`` (``Quiz — Version A (seed 0)``), so it carries the version's code and seed
like every other export of the version, and its cards show the options in that version's order with the
sheet's letters: a student can go over the sheet they wrote. The two are different decks of different
notes, so importing both keeps both, each with its own letters, instead of one overwriting the other.
It is written with genanki.

One note per question, of one fixed note type (:data:`MODEL_ID`) with the fields Question, Answer,
Explanation, Source and Id. The front shows the stem and, where there are options, the options lettered
(matching: the prompts numbered and the options lettered); the back adds the answer, the rationale and
the sources (the citation labels and the handout section to review, in the words the caller's
``review`` gives it, such as the page and section titles). The Id field holds
:func:`~handout.quiz.versions.public_id`, which names no fact, never the question's own id, which names
the facts asked about. Every text is HTML-escaped, as Anki fields are HTML. Tags name the question's
kind, so a student can study one kind at a time.

Identity is what makes an updated deck update a student's cards instead of duplicating them. The note
GUID is ``genanki.guid_for(question.id)`` in the bank deck and ``genanki.guid_for(question.id, label)``
in a version's deck: stable, since question ids and version labels are, and apart, since a note's
fields (the letters) differ between the two. The deck id is derived from the deck's name, and the note
type id is a constant.

Reproducibility: genanki stamps notes, cards and the note type with one timestamp and numbers notes and
cards from it. Anki updates an already imported note only when the incoming note is *newer*, so that
timestamp cannot be pinned to a fixed date: a pinned date would make every later deck look no newer and
the students' cards would never be updated. It is ``SOURCE_DATE_EPOCH`` when set (a release's commit
time grows with every change, and two builds of one commit give identical files), else the current
time. Everything else is pinned without patching genanki: the collection is written by genanki into a
database this module creates (genanki's own ``write_to_file`` leaves a temporary file behind and dates
the zip entries by the clock), and the zip is written by :func:`~handout.quiz.exports.common.write_zip`,
its entries dated with the same timestamp.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import html
import itertools
import sqlite3
import string
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from handout.quiz.exports.common import source_date_epoch, write_zip
from handout.quiz.generator import Question
from handout.quiz.versions import answer_text, public_id

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


def write(title: str, questions: Sequence[Question], path: Path, *, citations: Mapping[str, str] | None = None,
          version_label: str = "", review: Callable[[str], str] = str) -> list[str]:
    """Write ``questions`` as an Anki deck at ``path``; return notes for the user.

    Without ``version_label`` the deck is the bank's, named ``title``; with it (``"Version A (seed 0)"``)
    the deck is that version's, named ``<title> — <version_label>``. ``review`` turns a question's
    ``section`` (a docs page and anchor) into the words the card shows for the section to review.
    """
    import genanki

    repeated = sorted(i for i, n in Counter(q.id for q in questions).items() if n > 1)
    if repeated:
        # One id is one note GUID: Anki would keep one of the questions and drop the others.
        raise ValueError(f"question ids must be unique in a deck; repeated: {', '.join(repeated)}")
    # Read first: a malformed SOURCE_DATE_EPOCH stops the build before anything is written.
    epoch = source_date_epoch()
    stamp = time.time() if epoch is None else float(epoch)

    notes: list[str] = []
    full_name = deck_name(title, version_label)
    name = full_name
    if "::" in name:
        # Anki reads "::" in a deck name as a subdeck; one deck is meant.
        name = name.replace("::", ":")
        notes.append(f"Anki deck: named {name!r}, with ':' for the title's '::', which Anki reads as a subdeck")
    if version_label:
        description = (f"Review questions of {title}, {version_label}: the questions in this version's order, "
                       "with the option letters of its printed sheet, answers and explanations.")
    else:
        description = f"Review questions of {title}, with answers and explanations."

    model = genanki.Model(MODEL_ID, MODEL_NAME, fields=[{"name": f} for f in FIELDS],
                          templates=[{"name": "Review", "qfmt": FRONT, "afmt": BACK}], css=CSS)
    deck = genanki.Deck(deck_id(full_name), name, description=html.escape(description))
    for position, question in enumerate(questions):
        # The sort field is plain text, as Anki's own is (the Question field is HTML); new cards are
        # shown in the deck's order.
        deck.add_note(genanki.Note(model=model, fields=fields(question, citations or {}, review),
                                   sort_field=question.stem, guid=note_guid(question, version_label),
                                   tags=[question.kind], due=position))

    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "collection.anki2"
        with contextlib.closing(sqlite3.connect(database)) as connection:
            # What genanki's Package.write_to_file does, into a database this module owns and deletes.
            genanki.Package(deck).write_to_db(connection.cursor(), stamp, itertools.count(int(stamp * 1000)))
            connection.commit()
        collection = database.read_bytes()
    write_zip(path, {"collection.anki2": collection, "media": b"{}"},
              when=datetime.datetime.fromtimestamp(stamp, datetime.UTC))
    return notes


def deck_name(title: str, version_label: str = "") -> str:
    """The bank deck's name (``title``) or a version's (``<title> — <version_label>``), before any
    ``::`` is replaced."""
    return f"{title} — {version_label}" if version_label else title


def note_guid(question: Question, version_label: str = "") -> str:
    """The note's GUID: from the question's id, and in a version's deck from the version's label too."""
    import genanki

    guid: str = genanki.guid_for(question.id, version_label) if version_label else genanki.guid_for(question.id)
    return guid


def fields(question: Question, citations: Mapping[str, str], review: Callable[[str], str] = str) -> list[str]:
    """The note's fields, in :data:`FIELDS` order, as HTML."""
    return [_front(question), _answer(question), _html(question.rationale), _source(question, citations, review),
            _html(public_id(question))]


def deck_id(name: str) -> int:
    """A deck id from the deck's name alone, so every build of one quiz (or version) updates the same deck."""
    low, high = DECK_IDS
    digest = hashlib.sha256(name.encode("utf-8")).digest()
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


def _source(q: Question, citations: Mapping[str, str], review: Callable[[str], str]) -> str:
    parts = [_html(citations.get(key, key)) for key in q.cite]
    if q.section:
        parts.append(f"Handout section: {_html(review(q.section))}")
    return " · ".join(parts)


def _html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")

