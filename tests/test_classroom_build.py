"""``sphinx-build -b quiz`` (``make quiz``): the whole class set, written all at once or not at all."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import pytest
from conftest import PROJECT, copy_root, sphinx_build
from pdfread import page_texts
from pypdf import PdfReader

EXPORTS = (".moodle.xml", ".gift.txt", ".qti.zip", ".kahoot.xlsx", ".csv", ".apkg")
SUFFIXES = ("-sheet.pdf", "-key.pdf", "-projector.html", *EXPORTS)


def listing(outdir: Path) -> set[str]:
    return {p.relative_to(outdir).as_posix() for p in outdir.rglob("*") if p.is_file() and ".doctrees" not in p.parts}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    src = copy_root(tmp_path_factory.mktemp("course"), "test-quiz")
    out = src.parent / "out"
    build = sphinx_build("quiz", src, out, "-D", "handout_quiz_versions=2")
    assert build.returncode == 0, build.stderr
    return src, out


def test_writes_every_version_and_export(course: tuple[Path, Path]) -> None:
    _, out = course
    expected = {"index.html", "quiz.json", ".written.json", "quiz-course-bank-key.pdf"}
    expected |= {f"quiz-course{suffix}" for suffix in EXPORTS}
    expected |= {f"{code}/quiz-course-{code}{suffix}" for code in "AB" for suffix in SUFFIXES}
    assert listing(out) == expected
    assert not list(out.glob(".staging-*")), "the staging folder is removed"


def test_index_links_every_file(course: tuple[Path, Path]) -> None:
    _, out = course
    html = (out / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]+)"', html))
    assert links == listing(out) - {"index.html", ".written.json"}
    assert "not medical advice" in html


def test_notes_name_questions_as_the_sheet_and_exports_do(course: tuple[Path, Path]) -> None:
    _, out = course
    html = (out / "index.html").read_text(encoding="utf-8")
    quiz = json.loads((out / "quiz.json").read_text(encoding="utf-8"))
    notes = re.findall(r"<li>(question \d+ \([a-z-]+-[0-9a-f]{10}\): [^<]*)</li>", html)
    assert notes, "the index lists what the exports left out"
    # A raw id names the facts asked about; it is in no export, so it must not be in the index either.
    # (The matching question's id, "matching", names no fact and is a word the notes use.)
    facts = [q["id"] for q in quiz["questions"] if q["id"] != "matching"]
    assert facts, "the class quiz asks about facts"
    assert not [fact for fact in facts if fact in html]


def test_each_version_carries_its_code_and_seed(course: tuple[Path, Path]) -> None:
    _, out = course
    quiz = json.loads((out / "quiz.json").read_text(encoding="utf-8"))
    for code in "AB":
        label = f"Version {code} (seed {quiz['seed']})"
        for suffix in ("-sheet.pdf", "-key.pdf"):
            texts = page_texts(out / code / f"quiz-course-{code}{suffix}")
            assert all(label in t for t in texts), f"{code}{suffix}: {label} not on every page"
        for suffix in ("-projector.html", ".moodle.xml", ".gift.txt"):
            assert label in (out / code / f"quiz-course-{code}{suffix}").read_text(encoding="utf-8"), suffix
        with (out / code / f"quiz-course-{code}.csv").open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.DictReader(stream))
        assert {(r["version"], r["seed"]) for r in rows} == {(code, str(quiz["seed"]))}
        with zipfile.ZipFile(out / code / f"quiz-course-{code}.qti.zip") as qti:
            assert any(label in qti.read(n).decode() for n in qti.namelist() if "test" in n.lower())
        with zipfile.ZipFile(out / code / f"quiz-course-{code}.kahoot.xlsx") as xlsx:
            assert any(label in xlsx.read(n).decode() for n in xlsx.namelist() if n.endswith(".xml"))


def test_sheet_questions_match_the_quiz(course: tuple[Path, Path]) -> None:
    _, out = course
    quiz = json.loads((out / "quiz.json").read_text(encoding="utf-8"))
    for code in "AB":
        text = " ".join(page_texts(out / code / f"quiz-course-{code}-sheet.pdf"))
        for q in quiz["questions"]:
            assert q["stem"][:40] in text, f"{code}: {q['id']} not on the sheet"
        assert len(re.findall(r"(?<![\d.])\d{1,2}\. ", text)) >= len(quiz["questions"])


def test_two_builds_are_byte_identical(course: tuple[Path, Path], tmp_path: Path) -> None:
    src, out = course
    again = sphinx_build("quiz", src, tmp_path / "again", "-D", "handout_quiz_versions=2")
    assert again.returncode == 0, again.stderr
    differ = [name for name in sorted(listing(out)) if (out / name).read_bytes() != (again.outdir / name).read_bytes()]
    assert differ == []


def test_fewer_versions_remove_the_stale_ones_and_nothing_else(tmp_path: Path) -> None:
    src = copy_root(tmp_path, "test-quiz")
    out = tmp_path / "out"
    assert sphinx_build("quiz", src, out, "-D", "handout_quiz_versions=3").returncode == 0
    (out / "bank.json").write_text("{}", encoding="utf-8")  # `make quiz-bank` writes here too
    assert sphinx_build("quiz", src, out, "-D", "handout_quiz_versions=1").returncode == 0
    assert {p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")} == {"A"}
    assert (out / "bank.json").read_text(encoding="utf-8") == "{}"


def test_bad_data_fails_with_file_and_line_and_keeps_the_previous_set(tmp_path: Path) -> None:
    src = copy_root(tmp_path, "test-quiz")
    out = tmp_path / "out"
    assert sphinx_build("quiz", src, out, "-D", "handout_quiz_versions=1").returncode == 0
    before = {name: (out / name).read_bytes() for name in listing(out)}
    glossary = src / "data" / "glossary.yaml"
    lines = glossary.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if "definition:" in line)
    lines[number - 1] = lines[number - 1].split("definition:")[0] + "definition: 12"
    glossary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build = sphinx_build("quiz", src, out, "-D", "handout_quiz_versions=1")
    assert build.returncode != 0
    assert re.search(rf"glossary\.yaml:{number}: .*should be text", build.stderr), build.stderr
    assert "Traceback" not in build.stderr
    assert {name: (out / name).read_bytes() for name in listing(out)} == before


@pytest.mark.parametrize(("setting", "message"), [
    ("handout_quiz_time_limit=25", "expected one of 5, 10, 20, 30, 60, 90, 120, 240 seconds"),
    ("handout_quiz_versions=27", "expected a number of versions from 1 to 26"),
    ("handout_quiz_questions=0", "expected None (every question) or a positive number"),
    ("handout_quiz_questions=many", "expected a whole number or None"),
])
def test_bad_settings_are_one_clear_line(setting: str, message: str, tmp_path: Path) -> None:
    src = copy_root(tmp_path, "test-quiz")
    build = sphinx_build("quiz", src, tmp_path / "out", "-D", setting)
    assert build.returncode != 0
    assert message in build.stderr
    assert "Traceback" not in build.stderr
    assert not (tmp_path / "out" / "index.html").exists()


@pytest.mark.slow
def test_the_handout_project_builds_its_class_set(tmp_path: Path) -> None:
    build = sphinx_build("quiz", PROJECT / "docs", tmp_path / "quiz", confdir=PROJECT)
    assert build.returncode == 0, build.stderr
    quiz = json.loads((build.outdir / "quiz.json").read_text(encoding="utf-8"))
    # conf.py asks for 20 questions, and the project's data gives 20 that do not test one fact twice, share
    # a right answer or show another's answer (the class quiz is an enemy-free form).
    assert len(quiz["questions"]) == 20
    assert len({q["id"] for q in quiz["questions"]}) == 20
    for code in "ABC":
        sheet = build.outdir / code / f"peptide-secretagogues-{code}-sheet.pdf"
        assert len(PdfReader(sheet).pages) >= 2
        assert "Answers and why" in " ".join(page_texts(sheet.with_name(sheet.name.replace("sheet", "key"))))


def test_none_from_the_command_line_asks_every_question(tmp_path: Path) -> None:
    src = copy_root(tmp_path, "test-quiz")
    capped = sphinx_build("quiz", src, tmp_path / "capped", "-D", "handout_quiz_questions=3",
                          "-D", "handout_quiz_versions=1")
    every = sphinx_build("quiz", src, tmp_path / "every", "-D", "handout_quiz_questions=None",
                         "-D", "handout_quiz_versions=1")
    assert capped.returncode == every.returncode == 0, every.stderr
    count = [len(json.loads((b.outdir / "quiz.json").read_text(encoding="utf-8"))["questions"])
             for b in (capped, every)]
    assert count[0] == 3 < count[1]
