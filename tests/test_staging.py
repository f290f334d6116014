"""``handout build`` (and so ``make html|pdf|quiz``): a failed build never costs a good one.

Every builder writes into a staging copy of ``_build/<name>`` that is swapped into place only when the build
succeeded; a failed one leaves the previous output byte for byte and no staging folder; a killed one leaves
one complete set in place (the kill loop, shorter than ``bench/kill_builds.py``'s); an incremental build
stays incremental.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EPOCH, PROJECT, copy_root

from handout import staging

sys.path.insert(0, str(PROJECT / "bench"))
import kill_builds  # the bench script is the one implementation of the kill loop

BUILDERS = ("html", "pdf", "quiz")
# One version makes the class set in about a second; the set's other versions change nothing here.
OPTIONS = {"quiz": ["-D", "handout_quiz_versions=1"]}


def small_project(tmp_path: Path) -> Path:
    """``tests/roots/test-quiz`` laid out as a project: conf.py, its bib and quiz data at the root, pages in docs/."""
    src = copy_root(tmp_path, "test-quiz")
    project = tmp_path / "project"
    project.mkdir()
    for name in ("conf.py", "refs.bib", "data"):
        shutil.move(src / name, project / name)
    shutil.move(src, project / "docs")
    return project


def handout_build(project: Path, builder: str, *options: str) -> subprocess.CompletedProcess[str]:
    strict = " ".join(["-W", "--keep-going", "-n", *OPTIONS.get(builder, []), *options])
    return subprocess.run(
        [sys.executable, "-m", "handout", "build", builder, "--project", str(project), f"--sphinx-opts={strict}"],
        capture_output=True, text=True, encoding="utf-8", check=False,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONIOENCODING": "utf-8"},
    )


def sums(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def staging_folders(project: Path) -> list[str]:
    root = project / "_build" / staging.STAGING
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def cite_a_missing_key(project: Path) -> None:
    with (project / "docs" / "basics.md").open("a", encoding="utf-8") as page:
        page.write("\nA claim that cites a missing study {cite:p}`nosuchkey2099`.\n")


def drop_a_bib_entry(project: Path) -> None:
    """The bib loses an entry that a page and the quiz data cite (this once made the site drop its
    projector pages)."""
    bib = project / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(re.sub(r"@article\{jones2005,.*?\n\}\n", "", text, flags=re.S), encoding="utf-8")
    assert "jones2005" not in bib.read_text(encoding="utf-8")
    with (project / "docs" / "basics.md").open("a", encoding="utf-8") as page:
        page.write("\nReeds and air jets {cite:p}`jones2005`.\n")


def break_the_quiz_data(project: Path) -> None:
    """A definition that is a number: the quiz builder stops the build itself (SystemExit)."""
    glossary = project / "data" / "glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    glossary.write_text(re.sub(r"definition:.*", "definition: 12", text, count=1), encoding="utf-8")


DAMAGE = {"missing-cite": cite_a_missing_key, "missing-bib-entry": drop_a_bib_entry,
          "bad-quiz-data": break_the_quiz_data}


@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize("builder", BUILDERS)
def test_a_failed_build_keeps_the_last_good_output(builder: str, damage: str, tmp_path: Path) -> None:
    project = small_project(tmp_path)
    good = handout_build(project, builder)
    assert good.returncode == 0, good.stdout + good.stderr
    output = project / "_build" / builder
    doctrees = project / "_build" / "doctrees" / builder
    before, trees_before = sums(output), sums(doctrees)
    assert before and trees_before
    if builder == "html":
        assert any(name.startswith("_quiz/") and name.endswith("-projector.html") for name in before)

    DAMAGE[damage](project)
    bad = handout_build(project, builder)

    assert bad.returncode != 0, f"the {damage} build succeeded"
    assert sums(output) == before, "a failed build changed the last good output"
    assert sums(doctrees) == trees_before, "a failed build changed the environment of the last good output"
    assert staging_folders(project) == [], "a failed build left its staging folder"
    assert f"_build/{builder} is left as it was" in bad.stderr.replace(os.sep, "/")


@pytest.mark.parametrize("builder", BUILDERS)
def test_a_build_that_succeeds_replaces_the_output(builder: str, tmp_path: Path) -> None:
    project = small_project(tmp_path)
    assert handout_build(project, builder).returncode == 0
    before = sums(project / "_build" / builder)
    (project / "docs" / "basics.md").write_text("# Basics\n\n## Sound\n\nA new sentence about a {term}`pitch`.\n",
                                                encoding="utf-8")
    again = handout_build(project, builder)
    assert again.returncode == 0, again.stdout + again.stderr
    after = sums(project / "_build" / builder)
    if builder != "quiz":  # the class set does not print the pages
        assert after != before
    assert staging_folders(project) == []
    # The swap leaves no second copy behind, and the doctrees moved with the output.
    assert sorted(p.name for p in (project / "_build").iterdir()) == [".staging", "doctrees", builder]
    assert (project / "_build" / "doctrees" / builder / "environment.pickle").is_file()


@pytest.mark.parametrize("builder", BUILDERS)
def test_an_unchanged_project_reads_no_page_again(builder: str, tmp_path: Path) -> None:
    project = small_project(tmp_path)
    assert handout_build(project, builder).returncode == 0
    again = handout_build(project, builder)
    assert again.returncode == 0, again.stderr
    assert "0 added, 0 changed, 0 removed" in again.stdout, again.stdout
    # And one edited page is read alone: the staging copy has the environment and the files' times.
    page = project / "docs" / "instruments.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMore about instruments.\n", encoding="utf-8")
    edited = handout_build(project, builder)
    assert edited.returncode == 0, edited.stderr
    assert "0 added, 1 changed, 0 removed" in edited.stdout, edited.stdout


def test_a_killed_builds_staging_folder_goes_with_the_next_build(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    left = project / "_build" / staging.STAGING / "html-0123abcd"
    (left / "out").mkdir(parents=True)
    (left / "out" / "index.html").write_text("half made", encoding="utf-8")
    other = project / "_build" / staging.STAGING / "htmlx-0123abcd"  # another builder's: not ours to remove
    other.mkdir()
    assert handout_build(project, "html").returncode == 0
    assert staging_folders(project) == ["htmlx-0123abcd"]
    assert "half made" not in (project / "_build" / "html" / "index.html").read_text(encoding="utf-8")


def test_a_build_that_raises_removes_its_staging_folder(tmp_path: Path) -> None:
    build_dir = tmp_path / "_build"
    (build_dir / "html").mkdir(parents=True)
    (build_dir / "html" / "index.html").write_text("good", encoding="utf-8")

    def run(outdir: Path, doctreedir: Path) -> int:
        (outdir / "index.html").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        staging.staged_build(build_dir, "html", run, log=lambda _: None)
    assert (build_dir / "html" / "index.html").read_text(encoding="utf-8") == "good"
    assert [p.name for p in (build_dir / staging.STAGING).iterdir() if p.is_dir()] == []


def test_copies_are_real_copies_with_their_times(tmp_path: Path) -> None:
    build_dir = tmp_path / "_build"
    page = build_dir / "html" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("good", encoding="utf-8")
    os.utime(page, (1_600_000_000, 1_600_000_000))
    seen: dict[str, object] = {}

    def run(outdir: Path, doctreedir: Path) -> int:
        copy = outdir / "index.html"
        seen.update(mtime=copy.stat().st_mtime, same=os.path.samefile(copy, page), links=copy.stat().st_nlink)
        with copy.open("r+", encoding="utf-8") as stream:  # as Sphinx rewrites a file: in place
            stream.write("half")
        return 1

    assert staging.staged_build(build_dir, "html", run, log=lambda _: None) == 1
    assert seen == {"mtime": 1_600_000_000, "same": False, "links": 1}
    assert page.read_text(encoding="utf-8") == "good"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_the_swap_is_one_exchange_on_linux(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert staging._renameat2() is not None, "libc has no renameat2: the swap falls back to two renames"
    old, new = tmp_path / "html", tmp_path / "stage"
    old.mkdir()
    new.mkdir()
    (old / "v").write_text("old", encoding="utf-8")
    (new / "v").write_text("new", encoding="utf-8")
    renames: list[tuple[str, str]] = []
    monkeypatch.setattr(os, "rename", lambda a, b: renames.append((str(a), str(b))))
    staging.swap_into_place(new, old)
    assert renames == [], "the exchange took more than one step"
    assert (old / "v").read_text(encoding="utf-8") == "new"
    assert (new / "v").read_text(encoding="utf-8") == "old"


def test_the_swap_without_renameat2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staging, "_renameat2", lambda: None)
    old, new = tmp_path / "html", tmp_path / "stage" / "out"
    old.mkdir()
    new.mkdir(parents=True)
    (old / "v").write_text("old", encoding="utf-8")
    (new / "v").write_text("new", encoding="utf-8")
    staging.swap_into_place(new, old)
    assert (old / "v").read_text(encoding="utf-8") == "new"
    assert (new / "v").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in new.parent.iterdir()) == ["out"]
    # The first build: nothing to exchange with.
    first = tmp_path / "stage" / "first"
    first.mkdir()
    staging.swap_into_place(first, tmp_path / "pdf")
    assert (tmp_path / "pdf").is_dir() and not first.exists()


@pytest.mark.slow
@pytest.mark.parametrize("builder", ["quiz", "pdf"])
def test_a_kill_at_any_moment_leaves_one_complete_set(builder: str, tmp_path: Path) -> None:
    """SIGKILL ``handout build`` of a copy of the handout 15 times, over the build and around the swap."""
    project = kill_builds.project_copy(tmp_path / "project")
    tally = kill_builds.kill_loop(project, builder, kills=15)
    assert tally.problems == [], "\n".join(tally.problems)
    assert (tally.tried, tally.held) == (15, 15)
    # The loop must have hit running builds, before the swap and after it, or it proved nothing.
    assert tally.killed >= 10, tally.line()
    assert 0 < tally.new < tally.held, tally.line()
