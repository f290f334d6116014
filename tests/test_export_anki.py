"""The Anki deck export, read back as Anki reads a package: the zip's ``collection.anki2`` opened with
sqlite3, fields split on the unit separator, HTML parsed with BeautifulSoup. Note GUIDs are computed
here with genanki's own ``guid_for``, the function Anki add-ons and genanki users share."""

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
from classroom_versions import NASTY, cites, nasty_version, seed_bank, seed_versions

from handout.quiz.exports import anki
from handout.quiz.generator import Question
from handout.quiz.versions import public_id

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
    order: list[str]  # guids of the new cards, in the order Anki shows them (by due)


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
        order = [g for (g,) in connection.execute(
            "SELECT notes.guid FROM cards JOIN notes ON cards.nid = notes.id ORDER BY cards.due, cards.id")]
    finally:
        connection.close()
    return Deck(notes={g: f.split("\x1f") for g, f, _, _ in rows}, tags={g: t.split() for g, _, t, _ in rows},
                mods={m for *_, m in rows}, decks=json.loads(decks), models=json.loads(models),
                card_decks=card_decks, cards=cards, order=order)


def text(field: str) -> str:
    return BeautifulSoup(field, "html.parser").get_text()


def bank() -> tuple[str, Sequence[Question], dict[str, str]]:
    """The handout's question bank, as ``make quiz`` writes it to ``<slug>.apkg``."""
    version = seed_bank()
    return version.title, version.questions, dict(version.citations)


def names_no_fact(q: Question, fields: Sequence[str]) -> None:
    """The question's own id names the fact it asks (``member:mk-677:ghs-r-agonist`` names the right group):
    no field may hold it. The one id that names no fact, ``matching``, is a word the note may well hold."""
    if q.id == "matching":
        assert q.kind == "matching"
    else:
        assert ":" in q.id and q.id not in "".join(fields), q.id


def guid(q: Question, label: str = "") -> str:
    """The GUID the issue asks for: from the question's id, and in a version's deck its label too."""
    value: str = genanki.guid_for(q.id, label) if label else genanki.guid_for(q.id)
    return value


def check_notes(deck: Deck, questions: Sequence[Question], citations: dict[str, str], label: str = "") -> None:
    assert len(deck.notes) == len(questions)
    assert set(deck.notes) == {guid(q, label) for q in questions}
    assert deck.cards == len(questions)
    for q in questions:
        fields = deck.notes[guid(q, label)]
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
        # The public id, which names no fact; the question's own id names the right answer.
        assert text(ident) == public_id(q)
        names_no_fact(q, fields)
        for key in q.cite:
            assert citations.get(key, key) in text(source)
            assert cites(q.rationale, citations.get(key, key)), (q.id, key)
        assert deck.tags[guid(q, label)] == [q.kind]


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
    term = deck.notes[genanki.guid_for("term:alpha")]
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
    with pytest.raises(ValueError, match="term:alpha"):
        anki.write("Twice", (*questions, questions[0]), tmp_path / "twice.apkg")


def test_title_with_double_colon_stays_one_deck(tmp_path: Path) -> None:
    version = nasty_version()
    notes = anki.write("Course::Quiz", version.questions, tmp_path / "colons.apkg")
    deck = open_deck(tmp_path / "colons.apkg", tmp_path)
    assert [d["name"] for d in deck.decks.values() if d["id"] != 1] == ["Course:Quiz"]
    assert len(notes) == 1 and "Course:Quiz" in notes[0]


def our_decks(deck: Deck) -> list[dict[str, Any]]:
    """The collection's decks but Anki's built-in "Default" (id 1)."""
    return [d for d in deck.decks.values() if d["id"] != 1]


def test_version_deck_is_its_own_deck_with_the_versions_letters(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    versions = seed_versions(2)
    a, b = versions
    whole = seed_bank()
    anki.write(whole.title, whole.questions, tmp_path / "bank.apkg", citations=whole.citations)
    for version in versions:
        notes = anki.write(version.title, version.questions, tmp_path / f"{version.code}.apkg",
                           citations=version.citations, version_label=version.label)
        assert notes == []
    bank_deck = open_deck(tmp_path / "bank.apkg", tmp_path)
    decks = {v.code: open_deck(tmp_path / f"{v.code}.apkg", tmp_path) for v in versions}

    for version in versions:
        deck = decks[version.code]
        # Every card shows the options in this version's order, with its letters.
        check_notes(deck, version.questions, dict(version.citations), version.label)
        (ours,) = our_decks(deck)
        # Named with the version's code and seed, like every export of the version.
        assert ours["name"] == f"{version.title} — Version {version.code} (seed {version.seed})"
        assert f"Version {version.code} (seed {version.seed})" in text(ours["desc"])
        assert deck.card_decks == {ours["id"]}
        # New cards come in the version's order, as on the sheet.
        assert deck.order == [guid(q, version.label) for q in version.questions]
    # Importing the bank and both versions into one collection adds three decks of distinct notes:
    # no card of one is overwritten by the same question with other letters from another.
    ids = [our_decks(d)[0]["id"] for d in (bank_deck, *decks.values())]
    assert len(set(ids)) == 3
    assert our_decks(bank_deck)[0]["name"] == a.title
    guids = [set(d.notes) for d in (bank_deck, *decks.values())]
    assert all(not (x & y) for i, x in enumerate(guids) for y in guids[i + 1:])
    # The letters really differ somewhere, which is why the notes must stay apart.
    assert any(decks["A"].notes[guid(q, a.label)][0] != decks["B"].notes[guid(q, b.label)][0]
               for q in a.questions)


def test_version_deck_updates_itself_when_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    version = seed_versions(1)[0]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    anki.write(version.title, version.questions, tmp_path / "first.apkg", version_label=version.label)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400))
    anki.write(version.title, version.questions, tmp_path / "second.apkg", version_label=version.label)
    first, second = open_deck(tmp_path / "first.apkg", tmp_path), open_deck(tmp_path / "second.apkg", tmp_path)
    assert set(first.notes) == set(second.notes) == {guid(q, version.label) for q in version.questions}
    assert [d["id"] for d in our_decks(first)] == [d["id"] for d in our_decks(second)]
    assert min(second.mods) > max(first.mods)


def test_section_is_shown_in_the_callers_words(tmp_path: Path) -> None:
    version = nasty_version()
    titles = {"page#part": "Page title: Part title"}
    anki.write(version.title, version.questions, tmp_path / "review.apkg",
               review=lambda section: titles[section])
    deck = open_deck(tmp_path / "review.apkg", tmp_path)
    for q in version.questions:
        source = text(deck.notes[guid(q)][3])
        assert "Handout section: Page title: Part title" in source
        assert "page#part" not in source
    # Without review, the section as the data names it.
    anki.write(version.title, version.questions, tmp_path / "plain.apkg")
    plain = open_deck(tmp_path / "plain.apkg", tmp_path)
    assert all("Handout section: page#part" in text(plain.notes[guid(q)][3]) for q in version.questions)
