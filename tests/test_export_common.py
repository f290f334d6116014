"""What every exporter must do alike, checked on their files as a user's tools read them: zips opened with
zipfile, XML parsed with lxml, and the notes each exporter returns as the caller reads them.

* Notes about one question start with ``<question id>: ``, the prefix the caller rewrites into the
  question's number and public id.
* ``SOURCE_DATE_EPOCH`` means one thing to every exporter that dates a file: a whole number of seconds,
  or unset; anything else stops the export, naming the variable and the value, before a file is written.
* Every zip (Kahoot's spreadsheet, the QTI package, the Anki deck) is written alike: entries sorted by
  name, deflated, one date, regular files with permissions 0644 made on Unix.
* An XML comment naming the version (Moodle, QTI) is one an XML parser accepts, whatever the title holds.
"""

from __future__ import annotations

import dataclasses
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from classroom_versions import nasty_version, seed_versions
from lxml import etree

from handout.quiz import generator
from handout.quiz.exports import anki, csvfile, gift, kahoot, moodle, qti
from handout.quiz.generator import Question
from handout.quiz.versions import Version


def question(id: str, kind: str, stem: str, options: tuple[str, ...] = (), correct: tuple[int, ...] = (),
             **kw: Any) -> Question:
    return Question(id=id, kind=kind, stem=stem, options=options, correct=correct, rationale="Because.",
                    cite=(), section="page#part", draws_on=(), **kw)


# Each question is one that some export cannot hold as it is, so that export must say so.
AWKWARD = Version(title="Awkward", code="D", seed=3, questions=(
    question("term:fits", "term-definition", "What fits?", ("One", "Two", "Three"), (1,)),
    question("term:long", "definition-term", "Which " + "very " * 30 + "long stem?",
             ("A", "B", "C", "D"), (0,)),
    question("member:five:group", "item-group", "Five options?", ("A", "B", "C", "D", "E"), (4,)),
    question("term:arrow", "fill-blank", "_____ arrow.", accept=("a->b",)),
    question("term:weight", "fill-blank", "_____ weight.", accept=("%50%half",)),
    question("term:case", "fill-blank", "_____ case.", accept=("Word", "word")),
    # Fine as accepted, but one of its spellings (the hyphen dropped) starts with a GIFT grade weight.
    question("term:spelled", "fill-blank", "_____ spelled.", accept=("-%50%half",),
             variants=generator.spellings(("-%50%half",))),
    question("matching", "matching", "Match them.", ("X", "Y"), (0, 1), prompts=("a", "b")),
    question("essay:zeta", "essay", "Explain."),
))
# Which questions each export leaves out or changes, so the check below is never vacuous.
NOTED = {
    "kahoot": {"term:long", "member:five:group", "term:arrow", "term:weight", "term:case", "term:spelled",
               "matching", "essay:zeta"},
    "gift": {"term:arrow", "term:weight", "term:spelled"},
    "qti": {"term:case", "essay:zeta"},
    "csv": {"member:five:group"},
    "moodle": set(),
    "anki": set(),
}
WRITERS: dict[str, tuple[str, Callable[[Version, Path], list[str]]]] = {
    "kahoot": (".xlsx", kahoot.write),
    "gift": (".txt", gift.write),
    "qti": (".zip", qti.write),
    "csv": (".csv", csvfile.write),
    "moodle": (".xml", moodle.write),
    "anki": (".apkg", lambda v, p: anki.write(v.title, v.questions, p, version_label=v.label)),
}
DATED = ("kahoot", "qti", "anki")


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_note_about_a_question_starts_with_its_id(name: str, tmp_path: Path) -> None:
    suffix, write = WRITERS[name]
    notes = write(AWKWARD, tmp_path / f"awkward{suffix}")
    ids = [q.id for q in AWKWARD.questions]
    about = []
    for note in notes:
        # The longest matching id, so a note on "term:case" is never read as one on a "term:c" question.
        owner = max((i for i in ids if note.startswith(f"{i}: ")), key=len, default=None)
        assert owner is not None, f"{name}: note names no question at its start: {note!r}"
        assert note[len(owner) + 2:].strip(), f"{name}: note says nothing after the id: {note!r}"
        about.append(owner)
    assert set(about) == NOTED[name]


def test_anki_deck_note_is_about_the_deck_not_a_question(tmp_path: Path) -> None:
    notes = anki.write("Course::Quiz", AWKWARD.questions, tmp_path / "deck.apkg")
    assert len(notes) == 1 and notes[0].startswith("Anki deck: ")


def zipped(name: str, version: Version, path: Path) -> list[zipfile.ZipInfo]:
    suffix, write = WRITERS[name]
    target = path / f"{name}{suffix}"
    write(version, target)
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        return archive.infolist()


@pytest.mark.parametrize("name", DATED)
@pytest.mark.parametrize("value", ["soon", "1.5", "1e9", " 1700000000", "-5", "\u0661\u0667\u0660\u0660"])
def test_a_malformed_source_date_epoch_stops_the_export(name: str, value: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each of these once meant something different to one exporter (int, float, isdigit, or ignored);
    the last is "1700" in Arabic-Indic digits, which int() and str.isdigit take."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    suffix, write = WRITERS[name]
    with pytest.raises(ValueError) as raised:
        write(nasty_version(), tmp_path / f"out{suffix}")
    assert "SOURCE_DATE_EPOCH" in str(raised.value) and repr(value) in str(raised.value)
    assert not (tmp_path / f"out{suffix}").exists()


@pytest.mark.parametrize("name", DATED)
def test_every_zip_is_written_alike(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    infos = zipped(name, seed_versions(1)[0], tmp_path)
    names = [i.filename for i in infos]
    assert names == sorted(names) and len(set(names)) == len(names)
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    # Zip keeps even seconds; 1700000000 is 2023-11-14 22:13:20 UTC.
    assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}
    assert {i.create_system for i in infos} == {3}
    modes = {i.external_attr >> 16 for i in infos}
    assert modes == {stat.S_IFREG | 0o644}


@pytest.mark.parametrize("name", ["kahoot", "qti"])
def test_unset_or_empty_source_date_epoch_dates_1980(name: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    infos = zipped(name, nasty_version(), tmp_path)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def comments(root: etree._Element) -> list[str]:
    return [str(c.text) for c in root.iter(etree.Comment)]


def squeezed(text: str) -> str:
    return "".join(text.split())


# "--" may not occur in a comment, nor "-" end one; a vertical tab is no XML character at all.
AWKWARD_NAME = dataclasses.replace(nasty_version(), title="Quiz -- part---two\x0b", caption="Set -")


def test_moodle_comment_and_texts_parse_whatever_the_title(tmp_path: Path) -> None:
    moodle.write(AWKWARD_NAME, tmp_path / "quiz.xml")
    root = etree.parse(str(tmp_path / "quiz.xml")).getroot()
    (comment,) = comments(root)
    # The same words, only spaced apart where XML needs it.
    assert squeezed(comment) == squeezed(AWKWARD_NAME.name.replace("\x0b", ""))
    categories = [t.text for t in root.iterfind("question[@type='category']/category/text")]
    assert categories and all("Quiz -- part---two" in str(c) and "\x0b" not in str(c) for c in categories)


def test_qti_comments_parse_whatever_the_title(tmp_path: Path) -> None:
    qti.write(AWKWARD_NAME, tmp_path / "quiz.zip")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    with zipfile.ZipFile(tmp_path / "quiz.zip") as archive:
        roots = {n: etree.fromstring(archive.read(n), parser) for n in archive.namelist()}
    name = squeezed(AWKWARD_NAME.name.replace("\x0b", ""))
    for file, root in roots.items():
        (comment,) = comments(root)
        if file in ("imsmanifest.xml", "test.xml"):
            assert squeezed(comment) == name
        else:
            assert squeezed(comment).startswith(name + ";question")
