"""What `make html` promises beyond the pages: broken input fails with file and line; a second
build with nothing changed rebuilds nothing; a parallel build gives the same result."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PROJECT, copy_root, sphinx_build


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_root(tmp_path, "test-pdf")


def append_line(path: Path, line: str) -> int:
    """Append ``line`` to a source file; return its line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, "", line, ""]), encoding="utf-8")
    return len(lines) + 2


def test_unknown_citation_key_fails_with_file_and_line(project: Path, tmp_path: Path) -> None:
    line = append_line(project / "second-chapter.md", "A claim {cite:p}`doe2100`.")
    build = sphinx_build("html", project, tmp_path / "out")
    assert build.returncode != 0
    assert f"second-chapter.md:{line}: WARNING: could not find bibtex key \"doe2100\"" in build.stderr


def test_broken_cross_reference_fails_with_file_and_line(project: Path, tmp_path: Path) -> None:
    line = append_line(project / "second-chapter.md", "See {ref}`no-such-section`.")
    build = sphinx_build("html", project, tmp_path / "out")
    assert build.returncode != 0
    assert f"second-chapter.md:{line}: WARNING: undefined label: 'no-such-section'" in build.stderr


def test_broken_link_to_a_page_fails_with_file_and_line(project: Path, tmp_path: Path) -> None:
    line = append_line(project / "first-chapter.md", "Back to [a missing page](missing-page.md).")
    build = sphinx_build("html", project, tmp_path / "out")
    assert build.returncode != 0
    assert f"first-chapter.md:{line}:" in build.stderr
    assert "missing-page" in build.stderr


def test_second_build_of_the_handout_rebuilds_nothing(tmp_path: Path) -> None:
    first = sphinx_build("html", PROJECT / "docs", tmp_path / "html", confdir=PROJECT)
    assert first.returncode == 0, first.stderr
    second = sphinx_build("html", PROJECT / "docs", tmp_path / "html", confdir=PROJECT)
    assert second.returncode == 0, second.stderr
    assert "0 added, 0 changed, 0 removed" in second.stdout
    assert "no targets are out of date" in second.stdout


def test_parallel_build_matches_serial(project: Path, tmp_path: Path) -> None:
    serial = sphinx_build("html", project, tmp_path / "serial")
    parallel = sphinx_build("html", project, tmp_path / "parallel", "-j", "2")
    assert serial.returncode == parallel.returncode == 0, serial.stderr + parallel.stderr
    for page in ("first-chapter.html", "references.html"):
        assert (serial.outdir / page).read_text() == (parallel.outdir / page).read_text()
