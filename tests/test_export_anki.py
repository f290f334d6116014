"""The Anki deck export, read back as Anki reads a package: the zip's ``collection.anki2`` opened with
sqlite3, fields split on the unit separator, HTML parsed with BeautifulSoup."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import genanki
import pytest
from bs4 import BeautifulSoup
from classroom_versions import NASTY, nasty_version, seed_versions

from handout.quiz.exports import anki
from handout.quiz.generator import Question

EPOCH = "1700000000"


@dataclasses.dataclass
class Deck:
    notes: dict[str, list[str]]  # guid -> fields
    tags: dict[str, list[str]]  # guid -> tags
    mods: set[int]
    decks: dict[str, Any]  # deck id -> deck, from the collection
    models: dict[str, Any]
    card_decks: set[int]
    cards: int


def open_deck(path: Path, tmp_path: Path) -> Deck:
    with zipfile.ZipFile(path) as archive:
        assert "collection.anki2" in archive.namelist()
        target = tmp_path / f"{path.stem}-collection.anki2"
        target.write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(target)
    try:
        rows = connection.execute("SELECT guid, flds, tags, mod FROM notes").fetchall()
        decks, models = connection.execute("SELECT decks, models FROM col").fetchone()
        card_decks = {did for (did,) in connection.execute("SELECT did FROM cards")}
        (cards,) = connection.execute("SELECT count(*) FROM cards").fetchone()
    finally:
        connection.close()
    return Deck(notes={g: f.split("\x1f") for g, f, _, _ in rows}, tags={g: t.split() for g, _, t, _ in rows},
                mods={m for *_, m in rows}, decks=json.loads(decks), models=json.loads(models),
                card_decks=card_decks, cards=cards)


def text(field: str) -> str:
    return BeautifulSoup(field, "html.parser").get_text()


def bank() -> tuple[str, Sequence[Question], dict[str, str]]:
    """The handout's question bank: every version holds the same questions."""
    version = seed_versions(1)[0]
    return version.title, version.questions, dict(version.citations)


def check_notes(deck: Deck, questions: Sequence[Question], citations: dict[str, str]) -> None:
    assert len(deck.notes) == len(questions)
    assert set(deck.notes) == {genanki.guid_for(q.id) for q in questions}
    assert deck.cards == len(questions)
    for q in questions:
        fields = deck.notes[genanki.guid_for(q.id)]
        assert len(fields) == 5
        front, answer, explanation, source, ident = fields
        soup = BeautifulSoup(front, "html.parser")
        assert q.stem in soup.get_text()
        # No element Anki would render from the text itself: every < in the data is escaped.
        assert not soup.find(["b", "i", "tag"])
        if q.kind == "matching":
            for prompt, c in zip(q.prompts, q.correct, strict=True):
                assert prompt in text(front)
                assert f"{prompt} → {'ABCDEFGH'[c]}. {q.options[c]}" in text(answer)
        elif q.kind == "true-false":
            assert text(answer) == q.options[q.correct[0]]
        elif q.options:
            for i, option in enumerate(q.options):
                assert f"{'ABCDEFGH'[i]}. {option}" in text(front)
            assert text(answer) == "".join(f"{'ABCDEFGH'[c]}. {q.options[c]}" for c in q.correct)
        else:
            assert all(word in text(answer) for word in q.accept)
        # The front gives nothing away (a true statement's rationale may repeat it); the back explains.
        if q.kind != "true-false":
            assert q.rationale not in text(front)
        assert text(explanation) == q.rationale
        assert text(ident) == q.id
        for key in q.cite:
            assert citations.get(key, key) in text(source)
        assert deck.tags[genanki.guid_for(q.id)] == [q.kind]


def test_deck_holds_the_bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    title, questions, citations = bank()
    assert anki.write(title, questions, tmp_path / "bank.apkg", citations=citations) == []
    deck = open_deck(tmp_path / "bank.apkg", tmp_path)
    check_notes(deck, questions, citations)
    ours = [d for d in deck.decks.values() if d["name"] == title]
    assert len(ours) == 1 and deck.card_decks == {ours[0]["id"]}
    (model,) = [m for m in deck.models.values() if int(m["id"]) == anki.MODEL_ID]
    assert [f["name"] for f in model["flds"]] == ["Question", "Answer", "Explanation", "Source", "Id"]
    (template,) = model["tmpls"]
    assert "{{Question}}" in template["qfmt"] and "{{Answer}}" not in template["qfmt"]
    assert "{{Answer}}" in template["afmt"] and "{{Explanation}}" in template["afmt"]
    # Stamped with the build's time, so a deck built later counts as newer when Anki imports it.
    assert deck.mods == {int(EPOCH)}


def test_special_characters_survive(tmp_path: Path) -> None:
    version = nasty_version()
    anki.write(version.title, version.questions, tmp_path / "nasty.apkg", citations=version.citations)
    deck = open_deck(tmp_path / "nasty.apkg", tmp_path)
    check_notes(deck, version.questions, dict(version.citations))
    assert [d["name"] for d in deck.decks.values() if d["id"] != 1] == [version.title]
    term = deck.notes[genanki.guid_for("term-definition:alpha")]
    assert NASTY in text(term[0]) and "<b>not bold</b>" in text(term[2])


def test_updated_deck_updates_notes_instead_of_adding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    title, questions, citations = bank()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    anki.write(title, questions, tmp_path / "first.apkg", citations=citations)
    changed = questions[3]
    edited = [dataclasses.replace(q, stem=q.stem + " (reworded)") if q is changed else q for q in questions]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400))
    anki.write(title, list(reversed(edited)), tmp_path / "second.apkg", citations=citations)
    first, second = open_deck(tmp_path / "first.apkg", tmp_path), open_deck(tmp_path / "second.apkg", tmp_path)

    # Same notes (by GUID), same deck and note type: Anki updates them in place.
    assert set(first.notes) == set(second.notes)
    assert {d["id"] for d in first.decks.values()} == {d["id"] for d in second.decks.values()}
    assert anki.MODEL_ID in {int(m["id"]) for m in second.models.values()}
    guid = genanki.guid_for(changed.id)
    assert text(second.notes[guid][0]).count("(reworded)") == 1
    assert all(first.notes[g] == second.notes[g] for g in first.notes if g != guid)
    assert min(second.mods) > max(first.mods)


def test_two_writes_give_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    title, questions, citations = bank()
    anki.write(title, questions, tmp_path / "one.apkg", citations=citations)
    anki.write(title, questions, tmp_path / "two.apkg", citations=citations)
    assert (tmp_path / "one.apkg").read_bytes() == (tmp_path / "two.apkg").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.apkg") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_deck_id_follows_the_title() -> None:
    assert anki.deck_id("Quiz") == anki.deck_id("Quiz")
    assert anki.deck_id("Quiz") != anki.deck_id("Quiz 2")
    assert all(1 << 30 <= anki.deck_id(t) < 1 << 31 for t in ("", "Quiz", nasty_version().title))


def test_repeated_ids_are_refused(tmp_path: Path) -> None:
    questions = nasty_version().questions
    with pytest.raises(ValueError, match="term-definition:alpha"):
        anki.write("Twice", (*questions, questions[0]), tmp_path / "twice.apkg")


def test_title_with_double_colon_stays_one_deck(tmp_path: Path) -> None:
    version = nasty_version()
    notes = anki.write("Course::Quiz", version.questions, tmp_path / "colons.apkg")
    deck = open_deck(tmp_path / "colons.apkg", tmp_path)
    assert [d["name"] for d in deck.decks.values() if d["id"] != 1] == ["Course:Quiz"]
    assert len(notes) == 1 and "Course:Quiz" in notes[0]
