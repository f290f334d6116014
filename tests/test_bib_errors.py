"""A damaged BibTeX file: one line with the bib's file and the damaged line, never a crash report.

Every builder (html, pdf, quiz) reads the bib on ``config-inited``, before sphinxcontrib-bibtex parses it
on ``builder-inited`` (which would stop the build with "Extension error" and a traceback, at the line
where pybtex gave up). LaTeX pybtex cannot print is a ``handout.bib`` warning at its line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Build, copy_root, sphinx_build

from handout.citations import check_bibfile, unclosed_value_line

BUILDERS = ("html", "pdf", "quiz")


def damage(bib: Path, pattern: str, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` on the first line matching ``pattern``; the line's number."""
    lines = bib.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines) if re.search(pattern, line))
    assert old in lines[number]
    lines[number] = lines[number].replace(old, new, 1)
    bib.write_text("".join(lines), encoding="utf-8")
    return number + 1


def assert_one_clean_line(build: Build, line: int, kind: str = "ERROR") -> str:
    output = build.stdout + build.stderr
    assert build.returncode != 0, output
    assert "Traceback" not in output and "Extension error" not in output, output
    assert "Exception occurred" not in output and "SystemExit" not in output, output
    # The location is the damaged line; whatever line the message itself mentions does not count.
    reported = re.findall(rf"refs\.bib:(\d+): {kind}: ", output)
    assert reported == [str(line)], f"expected refs.bib:{line}: {kind}, got {reported}:\n{output}"
    return next(x for x in output.splitlines() if f"refs.bib:{line}:" in x)


@pytest.mark.parametrize("builder", BUILDERS)
def test_opening_brace_removed(tmp_path: Path, builder: str) -> None:
    src = copy_root(tmp_path, "test-quiz")
    line = damage(src / "refs.bib", r"^\s*title\s*=\s*\{", "{", "")
    message = assert_one_clean_line(sphinx_build(builder, src, tmp_path / "out"), line)
    assert "undefined string" in message
    assert not (tmp_path / "out" / "index.html").exists()


@pytest.mark.parametrize("builder", BUILDERS)
def test_closing_brace_removed_reports_the_value_not_where_pybtex_gave_up(tmp_path: Path, builder: str) -> None:
    src = copy_root(tmp_path, "test-quiz")
    bib = src / "refs.bib"
    line = damage(bib, r"^\s*title\s*=\s*\{", "},", ",")
    # pybtex notices only at the next entry: the test means something only if that is elsewhere.
    error, _ = check_bibfile(bib)
    assert error is not None and f"line {line}" not in error.message and "line " in error.message
    message = assert_one_clean_line(sphinx_build(builder, src, tmp_path / "out"), line)
    assert "unbalanced braces" in message


def test_brace_missing_in_the_last_entry(tmp_path: Path) -> None:
    src = copy_root(tmp_path, "test-quiz")
    bib = src / "refs.bib"
    lines = bib.read_text(encoding="utf-8").splitlines()
    last_title = max(n for n, text in enumerate(lines, start=1) if re.match(r"\s*title\s*=\s*\{", text))
    lines[last_title - 1] = lines[last_title - 1].replace("},", ",")
    bib.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_one_clean_line(sphinx_build("html", src, tmp_path / "out"), last_title)


SECOND_ENTRY = """
@article{roe2002,
  author = {Roe, Richard},
  journal = {Journal of Tests},
  title = {Air jets and reeds},
  year = {2002},
}
"""


@pytest.mark.parametrize("command", [r"\unknowncmd", r"\textit"])
def test_unknown_latex_command_warns_at_its_line(tmp_path: Path, command: str) -> None:
    src = copy_root(tmp_path, "test-pdf")  # (no quiz data: only the bib is under test)
    bib = src / "refs.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + SECOND_ENTRY, encoding="utf-8")
    # Not the entry's first line, nor the first entry: the line must be found, not assumed.
    line = damage(bib, r"Air jets", "Air jets", f"{command} Air jets")
    assert bib.read_text(encoding="utf-8").splitlines()[line - 1].strip().startswith("title")
    build = sphinx_build("html", src, tmp_path / "out")
    message = assert_one_clean_line(build, line, kind="WARNING")
    assert command in message and "[handout.bib]" in message
    # Without -W it is a warning only, and it can be silenced like every warning of ours.
    quiet = sphinx_build("html", src, tmp_path / "quiet", "-D", "suppress_warnings=handout.bib")
    assert quiet.returncode == 0, quiet.stderr
    assert command not in quiet.stderr


def test_clean_bib_has_no_problem() -> None:
    root = Path(__file__).resolve().parent.parent
    assert check_bibfile(root / "bib" / "references.bib") == (None, [])
    assert check_bibfile(root / "tests" / "roots" / "test-quiz" / "refs.bib") == (None, [])


def test_data_errors_point_at_the_second_occurrence(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    entry = "@article{{{key},\n  title = {{T}},\n  year = {{2001}},\n{extra}}}\n\n"
    bib.write_text(entry.format(key="a", extra="") + entry.format(key="b", extra="  year = {2002},\n")
                   + entry.format(key="a", extra=""), encoding="utf-8")
    error, _ = check_bibfile(bib)
    assert error is not None and error.line == 9 and "duplicate year field" in error.message, error
    bib.write_text(entry.format(key="a", extra="") + entry.format(key="a", extra=""), encoding="utf-8")
    error, _ = check_bibfile(bib)
    assert error is not None and error.line == 6 and "repeated" in error.message, error


def test_unclosed_value_line() -> None:
    text = "% a {comment\n@article{a,\n  title = {One {Two} three\n  and more},\n  note = {x,\n  year = {1}\n}\n"
    assert unclosed_value_line(text) == 5
    assert unclosed_value_line(text.replace("{x,", "{x},")) is None
