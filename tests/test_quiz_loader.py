"""The quiz data loader: the real data loads into the model with the right lines, and every malformed
data file under ``tests/data/malformed/`` gives exactly its ``file:line: message`` through the real
command line (``python -m handout quiz``), exit status 1, no traceback and no bank written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT

from handout.quiz.loader import MAX_BYTES, DataError, DataErrors, load_quiz_data
from handout.quiz.model import QuizData

QUIZZES = PROJECT / "quizzes"
BIB = PROJECT / "bib" / "references.bib"
DOCS = PROJECT / "docs"
MALFORMED = Path(__file__).resolve().parent / "data" / "malformed"
HUGE_BYTES = 32_200_000



@pytest.fixture(scope="module")
def data() -> QuizData:
    return load_quiz_data(QUIZZES, bibfile=BIB, docs=DOCS)


# -- The real data ----------------------------------------------------------------------------------


def test_real_data_loads_every_entry(data: QuizData) -> None:
    def entries(name: str) -> list[dict[str, object]]:
        return list(yaml.safe_load((QUIZZES / f"{name}.yaml").read_text(encoding="utf-8")))

    assert len(data.terms) == len(entries("glossary")) > 0
    assert len(data.families) == len(entries("families")) > 0
    assert len(data.compounds) == len(entries("compounds")) > 0
    assert len(data.findings) == sum(len(c["findings"]) for c in entries("compounds"))  # type: ignore[arg-type]
    assert data.title == "Growth-hormone secretagogues"
    assert data.labels.item == "compound" and data.labels.groups == "families"
    assert data.files == tuple(QUIZZES / f"{n}.yaml" for n in ("subject", "glossary", "families", "compounds"))


def test_real_data_counts(data: QuizData) -> None:
    assert (len(data.terms), len(data.families), len(data.compounds), len(data.findings)) == (35, 2, 3, 5)


def test_a_compound_with_its_families_and_findings(data: QuizData) -> None:
    mk = data.compound("mk-677")
    assert mk.name == "MK-677"
    assert mk.aliases == ("ibutamoren",)
    assert mk.display_name == "MK-677 (ibutamoren)"
    assert mk.families == ("ghs-r-agonist",)
    assert mk.route == "taken by mouth"
    assert mk.section == "example-compounds#mk-677-ibutamoren"
    assert [f.id for f in mk.findings] == ["gh-igf1-rise", "glucose-insulin"]
    first = mk.findings[0]
    assert (first.compound, first.evidence, first.cite) == ("mk-677", "long-rct", ("nass2008",))
    assert data.evidence_label(first) == "Long randomized trial"
    assert first.text.startswith("raised growth hormone and IGF-1")
    assert data.family("ghs-r-agonist").ligand == "Ghrelin"
    assert [c.id for c in data.members("ghs-r-agonist")] == ["ipamorelin", "mk-677"]
    assert [c.id for c in data.members("ghrh-r-agonist")] == ["cjc-1295"]


def test_every_reference_in_the_real_data_resolves(data: QuizData) -> None:
    family_ids = {f.id for f in data.families}
    assert all(set(c.families) <= family_ids for c in data.compounds)
    assert all(f.evidence in {e.id for e in data.evidence} for f in data.findings)
    assert all(t.category in {c.id for c in data.categories} for t in data.terms)
    assert all(f.cite for f in data.findings)
    assert {t.id for t in data.terms} == {t.term.lower().replace(" ", "-") for t in data.terms}


def line(where_file: Path, number: int) -> str:
    return where_file.read_text(encoding="utf-8").splitlines()[number - 1]


def test_where_points_at_the_line_that_starts_each_entry(data: QuizData) -> None:
    for term in data.terms:
        assert term.where.file == QUIZZES / "glossary.yaml"
        assert line(term.where.file, term.where.line) == f"- term: {term.term}", term
    for family in data.families:
        assert family.where.file == QUIZZES / "families.yaml"
        assert line(family.where.file, family.where.line) == f"- id: {family.id}", family
    for compound in data.compounds:
        assert compound.where.file == QUIZZES / "compounds.yaml"
        assert line(compound.where.file, compound.where.line) == f"- id: {compound.id}", compound
        for finding in compound.findings:
            assert line(finding.where.file, finding.where.line) == f"    - id: {finding.id}", finding


def test_where_prints_as_file_and_line(data: QuizData) -> None:
    mk = data.compound("mk-677")
    assert str(mk.where) == f"{QUIZZES / 'compounds.yaml'}:20"
    assert str(mk.findings[1].where) == f"{QUIZZES / 'compounds.yaml'}:32"


# -- Errors, in-process ----------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's data, bib file and docs: tests may break any of them."""
    for name in ("quizzes", "bib", "docs"):
        shutil.copytree(PROJECT / name, tmp_path / name)
    return tmp_path


def test_citation_and_section_checks_only_with_bib_and_docs(project: Path) -> None:
    compounds = project / "quizzes" / "compounds.yaml"
    text = compounds.read_text(encoding="utf-8")
    compounds.write_text(text.replace("[teichman2006]", "[nobody2000]").replace("#cjc-1295", "#nowhere"),
                         encoding="utf-8")
    load_quiz_data(project / "quizzes")  # neither check asked for
    with pytest.raises(DataErrors) as caught:
        load_quiz_data(project / "quizzes", bibfile=project / "bib" / "references.bib", docs=project / "docs")
    messages = [e.message for e in caught.value.errors]
    assert len(messages) == 2
    assert messages[0].startswith("section 'example-compounds#nowhere': example-compounds.md has no heading")
    assert messages[1].startswith("citation key 'nobody2000' is not in ")


def test_errors_of_every_file_come_together_sorted(project: Path) -> None:
    data = project / "quizzes"
    (data / "subject.yaml").write_text("title: x\n", encoding="utf-8")
    (data / "families.yaml").unlink()
    with pytest.raises(DataErrors) as caught:
        load_quiz_data(data)
    assert caught.value.errors == [
        DataError(data / "families.yaml", 1, "missing: a data folder holds families.yaml with a list of families"),
        DataError(data / "subject.yaml", 1, "missing field 'categories'"),
        DataError(data / "subject.yaml", 1, "missing field 'evidence'"),
        DataError(data / "subject.yaml", 1, "missing field 'labels'"),
    ]
    assert str(caught.value) == "\n".join(map(str, caught.value.errors))
    assert str(caught.value.errors[3]) == f"{data / 'subject.yaml'}:1: missing field 'labels'"


def test_no_such_folder(tmp_path: Path) -> None:
    with pytest.raises(DataErrors) as caught:
        load_quiz_data(tmp_path / "nope")
    assert [str(e) for e in caught.value.errors] == [f"{tmp_path / 'nope'}:1: no such folder; expected the quiz "
                                                     "data folder"]


def test_a_byte_order_mark_is_not_an_error(project: Path) -> None:
    subject = project / "quizzes" / "subject.yaml"
    subject.write_bytes(b"\xef\xbb\xbf" + subject.read_bytes())
    assert load_quiz_data(project / "quizzes").title == "Growth-hormone secretagogues"


# -- Malformed data through the command line ---------------------------------------------------------


def case_names() -> list[str]:
    return sorted(p.name for p in MALFORMED.iterdir() if p.is_dir())


def case_params() -> list[object]:
    return list(case_names())


def test_the_malformed_cases_cover_the_issue() -> None:
    names = case_names()
    assert len(names) >= 20
    for name in names:
        files = sorted(p.name for p in (MALFORMED / name).iterdir())
        assert "expected.txt" in files, name
        (data_file,) = (f for f in files if f != "expected.txt")
        assert data_file.split(".yaml")[0] in {"subject", "glossary", "families", "compounds"}, name
        expected = (MALFORMED / name / "expected.txt").read_text(encoding="utf-8")
        assert expected.endswith("\n") and expected.strip(), name


def overlay(case: Path, data: Path) -> None:
    """Put a case's data file over the copy of the real data.

    ``<file>.yaml`` replaces the real file; ``<file>.yaml.absent`` removes it; ``<file>.yaml.huge``
    stands for a file too big to read, made here rather than kept in git.
    """
    for source in case.iterdir():
        if source.name == "expected.txt":
            continue
        if source.suffix == ".absent":
            (data / source.stem).unlink()
        elif source.suffix == ".huge":
            filler = b"# " + b"x" * 97 + b"\n"
            (data / source.stem).write_bytes(filler * (HUGE_BYTES // len(filler)))
            assert (data / source.stem).stat().st_size == HUGE_BYTES > MAX_BYTES
        else:
            shutil.copyfile(source, data / source.name)


def run_quiz(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "handout", "quiz", *args],
        cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


# Run from inside the data folder, so paths print as in expected.txt: relative to the data folder.
FROM_DATA = ("--data", ".", "--bib", "../bib/references.bib", "--docs", "../docs")


def test_the_copied_real_data_passes(project: Path) -> None:
    """The control for the cases below: without a case file the same command line succeeds."""
    proc = run_quiz(*FROM_DATA, "--check", cwd=project / "quizzes")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.startswith("ok: ")


@pytest.mark.parametrize("name", case_params())
def test_malformed_data_gives_its_message(name: str, project: Path) -> None:
    data = project / "quizzes"
    overlay(MALFORMED / name, data)
    expected = (MALFORMED / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    output = project / "out" / "bank.json"
    for mode in (["--check"], ["--output", str(output), "--seed", "3"]):
        proc = run_quiz(*FROM_DATA, *mode, cwd=data)
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
        assert proc.stderr.splitlines() == expected, mode
        assert proc.stdout == ""
        assert proc.returncode == 1
    assert not (project / "out").exists()
