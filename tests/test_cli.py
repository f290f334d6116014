"""``handout quiz``: checks the data, writes the bank atomically, and fails with one line (never a
traceback) on bad data, bad options or a folder it cannot write; ``handout build`` still answers.

Tests of the bank's contents need ``handout.quiz.generator`` and are skipped until it exists; the
command line's own work (options, messages, atomic writing) is tested against a stand-in generator.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import PROJECT

import handout.quiz
from handout import cli
from handout.quiz.loader import load_quiz_data
from handout.quiz.model import QuizData

GENERATOR = "handout.quiz.generator"
BIB = "handout.quiz.bib"
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run(*args: str, cwd: Path = PROJECT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "handout", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
        check=False, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def no_traceback(proc: subprocess.CompletedProcess[str]) -> bool:
    return "Traceback" not in proc.stdout + proc.stderr


def real_data_options() -> list[str]:
    return ["--data", str(PROJECT / "quizzes"), "--bib", str(PROJECT / "bib" / "references.bib"),
            "--docs", str(PROJECT / "docs")]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's data, bib file and docs that a test may break."""
    for name in ("quizzes", "bib", "docs"):
        shutil.copytree(PROJECT / name, tmp_path / name)
    return tmp_path


# -- --check ---------------------------------------------------------------------------------------


def test_check_on_the_real_data() -> None:
    """The counts, the size of the whole bank, and a line per rule that left facts unasked."""
    generator = importlib.import_module(GENERATOR)
    bib = importlib.import_module(BIB)
    data = load_quiz_data(PROJECT / "quizzes")
    whole = generator.generate(data, seed=0, citations=bib.cite_labels(PROJECT / "bib" / "references.bib"),
                               bank=True)
    proc = run("quiz", "--check")
    assert proc.returncode == 0, proc.stderr
    counts = f"{len(data.terms)} terms, {len(data.families)} families, {len(data.compounds)} compounds"
    unasked = "".join(f"  {line}\n" for line in generator.describe_unasked(whole.unasked))
    assert whole.questions
    assert proc.stdout == f"ok: {counts}; the bank asks {len(whole.questions)} question(s)\n{unasked}"
    assert proc.stderr == ""


def test_check_reports_the_whole_bank_whatever_the_generator_options(tmp_path: Path) -> None:
    """--kinds, --count and --seed choose a form; --check reports the bank, and never fails on them."""
    plain = run("quiz", "--check")
    assert plain.returncode == 0, plain.stderr
    for options in (["--kinds", "trivia"], ["--count", "3"], ["--kinds", "term-definition"]):
        proc = run("quiz", "--check", *options, "--output", str(tmp_path / "bank.json"))
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, plain.stdout, ""), options
        assert no_traceback(proc)
    assert list(tmp_path.iterdir()) == []


def test_check_writes_nothing(tmp_path: Path) -> None:
    proc = run("quiz", "--check", "--output", str(tmp_path / "out" / "bank.json"))
    assert proc.returncode == 0, proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_console_script_runs_the_same_command() -> None:
    script = Path(sys.executable).with_name("handout")
    if not script.exists():
        pytest.skip("the handout script is not installed next to this Python")
    proc = subprocess.run([str(script), "quiz", "--check"], cwd=PROJECT, capture_output=True, text=True, check=False)
    assert (proc.returncode, proc.stdout.startswith("ok: ")) == (0, True), proc.stderr


def test_data_errors_print_paths_relative_to_the_working_folder(project: Path) -> None:
    compounds = project / "quizzes" / "compounds.yaml"
    lines = compounds.read_text(encoding="utf-8").splitlines()
    number = lines.index("  families: [ghrh-r-agonist]") + 1
    lines[number - 1] = "  families: [no-such-family]"
    compounds.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run("quiz", "--check", "--data", str(project / "quizzes"), "--bib", str(project / "bib" / "references.bib"),
               "--docs", str(project / "docs"), cwd=project)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"{Path('quizzes', 'compounds.yaml')}:{number}: family 'no-such-family' does not exist; "
        "known families: ghs-r-agonist, ghrh-r-agonist"
    ]
    assert no_traceback(proc)


def test_missing_docs_folder_is_one_line(tmp_path: Path) -> None:
    proc = run("quiz", "--check", "--docs", str(tmp_path / "nope"))
    assert proc.returncode == 1
    assert proc.stderr == (f"{tmp_path / 'nope'}: no such folder; expected the docs pages the data's 'section' "
                           "fields point to\n")


def test_missing_bib_file_is_reported_like_data(tmp_path: Path) -> None:
    proc = run("quiz", "--check", "--bib", "no/such.bib")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"{Path('no/such.bib')}:1: no such file; expected the BibTeX file the citation keys come from"]


@pytest.mark.skipif(AS_ROOT, reason="root reads files whatever their mode")
def test_unreadable_data_file_is_one_line(project: Path) -> None:
    (project / "quizzes" / "glossary.yaml").chmod(0)
    proc = run("quiz", "--check", cwd=project)
    assert proc.returncode == 1
    assert proc.stderr == f"{Path('quizzes', 'glossary.yaml')}: Permission denied\n"


def test_unreadable_data_file_is_one_line_in_process(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The same as above for any user (root can read a file of mode 000)."""
    read_bytes = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "glossary.yaml":
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.chdir(PROJECT)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert cli.main(["quiz", "--check"]) == 1
    assert capsys.readouterr().err == f"{Path('quizzes', 'glossary.yaml')}: Permission denied\n"


# -- Options ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("option", "message"), [
    (["--kinds", "term,,family"], "argument --kinds: 'term,,family' is not a comma-separated list of question "
                                  "kinds, like 'a,b'"),
    (["--kinds", ""], "argument --kinds: '' is not a comma-separated list of question kinds, like 'a,b'"),
    (["--count", "0"], "argument --count: 0 is not a positive number"),
    (["--count", "many"], "argument --count: 'many' is not a whole number"),
    (["--seed", "x"], "argument --seed: invalid int value: 'x'"),
])
def test_bad_option_values_are_usage_errors(option: list[str], message: str, tmp_path: Path) -> None:
    proc = run("quiz", *option, "--output", str(tmp_path / "bank.json"))
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == f"handout quiz: error: {message}"
    assert no_traceback(proc)
    assert list(tmp_path.iterdir()) == []


def test_unknown_kind_with_the_real_generator(tmp_path: Path) -> None:
    generator = importlib.import_module(GENERATOR)
    proc = run("quiz", "--kinds", "no-such-kind", "--output", str(tmp_path / "bank.json"))
    assert proc.returncode == 2
    # The kinds, then the earlier names still accepted.
    known = [*generator.KINDS, *generator.KIND_ALIASES]
    assert proc.stderr.splitlines()[-1] == ("handout quiz: error: --kinds: unknown question kind 'no-such-kind'; "
                                            f"choose from: {', '.join(known)}")
    assert no_traceback(proc)
    assert list(tmp_path.iterdir()) == []


def test_build_subcommand_still_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["build", "html", "--project", str(tmp_path)]) == 2
    assert "no conf.py here" in capsys.readouterr().err
    proc = run("build", "--help")
    assert proc.returncode == 0 and "html|pdf" in proc.stdout


# -- Writing the bank, with a stand-in generator -----------------------------------------------------


@dataclass
class FakeForm:
    questions: list[dict[str, Any]]
    notes: tuple[str, ...] = ("one glossary term has no question",)
    coverage: dict[str, object] = field(default_factory=lambda: {
        "untested_terms": ["ACTH"], "untested_compounds": [], "questions_per_family": {"ghs-r-agonist": 2}})
    unasked: dict[str, tuple[str, ...]] = field(default_factory=lambda: {
        "its definition names the term itself": ("term:acth (term questions)",)})

    def as_dict(self) -> dict[str, Any]:
        return {"title": "Ünïcode stays as it is", "questions": self.questions}


@dataclass
class FakeGenerator:
    calls: list[dict[str, Any]] = field(default_factory=list)
    error: Exception | None = None


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeGenerator:
    """Stand-ins for handout.quiz.generator and handout.quiz.bib that record what the command line hands on."""
    record = FakeGenerator()

    def generate(data: QuizData, *, seed: int, count: int | None, kinds: tuple[str, ...] | None,
                 citations: dict[str, str], bank: bool = False) -> FakeForm:
        record.calls.append({"data": data, "seed": seed, "count": count, "kinds": kinds, "citations": citations,
                             "bank": bank})
        if record.error is not None:
            raise record.error
        return FakeForm([{"id": "q1", "kind": "term"}, {"id": "q2", "kind": "family"}])

    generator = types.ModuleType(GENERATOR)
    generator.KINDS = ("term", "family")  # type: ignore[attr-defined]
    generator.KIND_ALIASES = {"fam": "family"}  # type: ignore[attr-defined]
    generator.generate = generate  # type: ignore[attr-defined]
    real_generator = importlib.import_module(GENERATOR)
    generator.describe_unasked = real_generator.describe_unasked  # type: ignore[attr-defined]
    bib = types.ModuleType(BIB)
    # The real labels, marked, so the test sees they were handed on (the loader reads keys from them too).
    real = importlib.import_module(BIB)
    bib.cite_labels = lambda path: {  # type: ignore[attr-defined]
        key: f"{label} ({Path(path).name})" for key, label in real.cite_labels(path).items()}
    for name, module in ((GENERATOR, generator), (BIB, bib)):
        monkeypatch.setitem(sys.modules, name, module)
        monkeypatch.setattr(handout.quiz, name.rsplit(".", 1)[1], module, raising=False)
    return record


def test_bank_is_written_from_the_generators_form(fake: FakeGenerator, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "quiz" / "bank.json"
    status = cli.main(["quiz", *real_data_options(), "--output", str(output), "--seed", "7", "--count", "5",
                       "--kinds", "family, term"])
    err = capsys.readouterr().err
    assert status == 0, err
    (call,) = fake.calls
    assert isinstance(call["data"], QuizData) and call["data"].compounds
    # With --count, one form (not the bank).
    assert (call["seed"], call["count"], call["kinds"], call["bank"]) == (7, 5, ("family", "term"), False)
    assert call["citations"]["nass2008"] == "Nass et al., 2008 (references.bib)"
    assert json.loads(output.read_text(encoding="utf-8")) == FakeForm([]).as_dict() | {
        "questions": [{"id": "q1", "kind": "term"}, {"id": "q2", "kind": "family"}]}
    assert "Ünïcode" in output.read_text(encoding="utf-8")
    assert output.read_bytes().endswith(b"}\n")
    # One question per line.
    assert output.read_text(encoding="utf-8").splitlines()[1:] == [
        '  {"id": "q1", "kind": "term"},', '  {"id": "q2", "kind": "family"}', "]}"]
    assert err.splitlines() == ["note: one glossary term has no question",
                                "note: 1 fact(s) unasked because its definition names the term itself: "
                                "term:acth (term questions)",
                                f"wrote {output}: 2 questions (seed 7)",
                                "not tested: ACTH",
                                "questions per family: ghs-r-agonist 2"]
    assert sorted(p.name for p in output.parent.iterdir()) == ["bank.json"]  # no temporary file left


def test_defaults_passed_to_the_generator(fake: FakeGenerator, tmp_path: Path) -> None:
    assert cli.main(["quiz", *real_data_options(), "--output", str(tmp_path / "bank.json")]) == 0
    (call,) = fake.calls
    # Without --count, the whole bank.
    assert (call["seed"], call["count"], call["kinds"], call["bank"]) == (0, None, None, True)


def test_earlier_kind_names_are_accepted(fake: FakeGenerator, tmp_path: Path) -> None:
    output = tmp_path / "bank.json"
    assert cli.main(["quiz", *real_data_options(), "--kinds", "fam,term", "--output", str(output)]) == 0
    (call,) = fake.calls
    # Handed on as given or as the generator names them (the generator maps the earlier names itself).
    assert call["kinds"] in (("fam", "term"), ("family", "term"))
    assert output.is_file()


def test_unknown_kind_is_a_usage_error_before_reading_data(fake: FakeGenerator, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["quiz", "--data", str(tmp_path / "no-data"), "--kinds", "term,trivia,gossip",
                  "--output", str(tmp_path / "bank.json")])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "handout quiz: error: --kinds: unknown question kind 'trivia', 'gossip'; choose from: term, family, fam")
    assert fake.calls == []
    assert list(tmp_path.iterdir()) == []


def test_check_ignores_the_generator_options(fake: FakeGenerator, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["quiz", *real_data_options(), "--check", "--kinds", "trivia", "--count", "3"]) == 0
    data = load_quiz_data(PROJECT / "quizzes")
    counts = f"{len(data.terms)} terms, {len(data.families)} families, {len(data.compounds)} compounds"
    assert capsys.readouterr().out.splitlines() == [
        f"ok: {counts}; the bank asks 2 question(s)",
        "  1 fact(s) unasked because its definition names the term itself: term:acth (term questions)"]
    # --check reports the whole bank: --kinds and --count choose a form, so they are not handed on.
    (call,) = fake.calls
    assert (call["count"], call["kinds"], call["bank"]) == (None, None, True)


def test_output_folder_that_is_a_file(fake: FakeGenerator, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    output = blocker / "bank.json"
    assert cli.main(["quiz", *real_data_options(), "--output", str(output)]) == 1
    assert capsys.readouterr().err == f"{output}: cannot write the question bank: Not a directory: {blocker}\n"
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_output_that_is_a_folder(fake: FakeGenerator, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "bank.json"
    output.mkdir()
    assert cli.main(["quiz", *real_data_options(), "--output", str(output)]) == 1
    assert capsys.readouterr().err == f"{output}: cannot write the question bank: Is a directory\n"
    assert output.is_dir() and list(output.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bank.json"]


@pytest.mark.skipif(AS_ROOT, reason="root writes into read-only folders")
def test_output_folder_not_writable(fake: FakeGenerator, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert cli.main(["quiz", *real_data_options(), "--output", str(folder / "bank.json")]) == 1
    finally:
        folder.chmod(0o700)
    assert capsys.readouterr().err == f"{folder / 'bank.json'}: cannot write the question bank: Permission denied\n"
    assert list(folder.iterdir()) == []


def test_output_not_writable_in_a_subprocess(tmp_path: Path) -> None:
    """The whole command line, with the real generator: one line, no traceback."""
    (tmp_path / "blocker").write_text("", encoding="utf-8")
    proc = run("quiz", "--output", str(tmp_path / "blocker" / "bank.json"))
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == (f"{tmp_path / 'blocker' / 'bank.json'}: cannot write the question bank: "
                                            f"Not a directory: {tmp_path / 'blocker'}")
    assert no_traceback(proc)


def test_a_failed_write_keeps_the_previous_bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bank = tmp_path / "bank.json"
    bank.write_text('{"questions": []}\n', encoding="utf-8")

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space left"):
        cli.write_atomically(bank, '{"questions": [1, 2, 3]}\n')
    assert bank.read_text(encoding="utf-8") == '{"questions": []}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["bank.json"]


def test_atomic_write_replaces_and_respects_the_umask(tmp_path: Path) -> None:
    bank = tmp_path / "new" / "bank.json"
    cli.write_atomically(bank, "first\n")
    cli.write_atomically(bank, "second\n")
    assert bank.read_text(encoding="utf-8") == "second\n"
    assert [p.name for p in bank.parent.iterdir()] == ["bank.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert bank.stat().st_mode & 0o777 == 0o666 & ~umask


# -- The real generator ----------------------------------------------------------------------------


@pytest.fixture
def real_generator() -> types.ModuleType:
    return importlib.import_module(GENERATOR)


def bank(tmp_path: Path, seed: int, name: str) -> tuple[bytes, subprocess.CompletedProcess[str]]:
    output = tmp_path / name
    proc = run("quiz", "--seed", str(seed), "--output", str(output))
    assert proc.returncode == 0, proc.stderr
    assert no_traceback(proc)
    return output.read_bytes(), proc


def ids(raw: bytes) -> list[str]:
    return [q["id"] for q in json.loads(raw)["questions"]]


def test_bank_has_questions_with_ids(real_generator: types.ModuleType, tmp_path: Path) -> None:
    raw, proc = bank(tmp_path, 0, "bank.json")
    whole = json.loads(raw)
    questions = whole["questions"]
    assert questions
    assert whole["version"] == 2
    # One question per line, each line a question on its own.
    lines = raw.decode("utf-8").splitlines()
    start = lines.index(next(line for line in lines if line.endswith('"questions": [')))
    assert [json.loads(line.strip().rstrip(",")) for line in lines[start + 1:-1]] == questions
    assert lines[-1] == "]}"
    assert all(isinstance(q["id"], str) and q["id"] for q in questions)
    assert len(set(ids(raw))) == len(questions)
    assert f"wrote {tmp_path / 'bank.json'}: {len(questions)} questions" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bank.json"]


def test_same_seed_same_bytes_other_seed_other_order(real_generator: types.ModuleType, tmp_path: Path) -> None:
    first, _ = bank(tmp_path, 1, "first.json")
    again, _ = bank(tmp_path, 1, "again.json")
    other, _ = bank(tmp_path, 2, "other.json")
    assert first == again
    assert ids(first) != ids(other)
