"""Bugs that were once planted on purpose and passed every test: each test here fails on its bug.

* a family's name with markup reaching the site's matching ``<select>`` unescaped (render.py);
* a question's stem with markup unescaped in the answer key PDF (sheets.py);
* ``handout_pdf_filename = "../escaped.pdf"`` accepted, so the PDF was written outside the output folder.

(The student sheet's grid showing the right letters is tested in test_quiz_sheets.py, and a bib error
reported at the wrong line in test_bib_errors.py.) Outputs are read back as a reader would: HTML with
lxml, PDF text with pypdf.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from conftest import PROJECT, Build, copy_root, sphinx_build
from pdfread import page_texts

FAMILY = "<b>Percussion</b> & drums"
ROOTS = PROJECT / "tests" / "roots"


@pytest.fixture(scope="module")
def escape_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/roots/test-quiz-escape with markup in a family's name too, and a quiz of matching questions."""
    src = tmp_path_factory.mktemp("escape") / "src"
    shutil.copytree(ROOTS / "test-quiz-escape", src)
    families = src / "data" / "families.yaml"
    text = families.read_text(encoding="utf-8")
    assert "  name: Percussion instruments\n" in text
    families.write_text(text.replace("  name: Percussion instruments\n", f"  name: {json.dumps(FAMILY)}\n"),
                        encoding="utf-8")
    with (src / "index.md").open("a", encoding="utf-8") as index:
        index.write("\n```{quiz}\n:title: Matching only\n:kinds: matching\n:count: 1\n:seed: 2\n```\n")
    return src


def built(project: Path, builder: str, out: Path) -> Build:
    build = sphinx_build(builder, project, out)
    assert build.returncode == 0, build.stderr
    return build


def test_family_name_with_markup_is_text_in_the_matching_select(escape_project: Path, tmp_path: Path) -> None:
    build = built(escape_project, "html", tmp_path / "html")
    page = lxml.html.fromstring((build.outdir / "index.html").read_bytes())
    selects = page.xpath("//section[contains(@class, 'handout-quiz')]//select")
    assert selects, "no matching question on the page"
    for select in selects:
        options = select.xpath("./option")
        # Only <option>s, each holding text alone: markup in a name would have made elements.
        assert [child.tag for child in select] == ["option"] * len(options)
        assert all(len(option) == 0 for option in options), lxml.html.tostring(select)
        assert FAMILY in [option.text_content() for option in options], lxml.html.tostring(select)
    body = page.xpath("//div[@role='main'] | //div[contains(@class, 'body')]")[0]
    assert not body.xpath(".//b[normalize-space() = 'Percussion']"), "the family's name became markup"


def test_stems_with_markup_are_text_in_the_key_and_the_sheet(escape_project: Path, tmp_path: Path) -> None:
    build = built(escape_project, "quiz", tmp_path / "quiz")
    form = json.loads((build.outdir / "quiz.json").read_text(encoding="utf-8"))
    stems = [q["stem"] for q in form["questions"] if re.search(r"[<>&]", q["stem"])]
    assert any("<script>" in stem for stem in stems) and any("<img" in stem for stem in stems), stems
    # The class quiz asks the families through its matching question, so the family's name with markup
    # is printed there, as one of the options: it must be text too.
    matching = [q for q in form["questions"] if q["kind"] == "matching"]
    assert matching and FAMILY in matching[0]["options"], form["questions"]
    keys = sorted(build.outdir.glob("*/*-key.pdf"))
    sheets = sorted(build.outdir.glob("*/*-sheet.pdf"))
    assert keys and len(keys) == len(sheets)
    for pdf in (*keys, *sheets):
        # A line may break after a word's own hyphen: join those again.
        text = re.sub(r"-\s+", "-", " ".join(page_texts(pdf)))
        for stem in stems:
            assert re.sub(r"\s+", " ", stem) in text, f"{pdf.name}: the stem {stem!r} is not there as text"
        assert FAMILY in text, f"{pdf.name}: the family {FAMILY!r} is not there as text"


@pytest.mark.parametrize("value", ["../escaped.pdf", "sub/escaped.pdf", "..\\escaped.pdf", "ABSOLUTE", ".pdf"])
def test_pdf_filename_outside_the_output_folder_is_refused(tmp_path: Path, value: str) -> None:
    src = copy_root(tmp_path, "test-pdf")
    if value == "ABSOLUTE":
        value = str(tmp_path / "elsewhere" / "escaped.pdf")
    out = tmp_path / "out" / "pdf"
    build = sphinx_build("pdf", src, out, "-D", f"handout_pdf_filename={value}")
    output = build.stdout + build.stderr
    assert build.returncode != 0, output
    assert "Traceback" not in output and "Exception occurred" not in output, output
    assert f"handout_pdf_filename = {value!r}" in output, output
    assert "without a folder" in output, output
    assert not [p for p in tmp_path.rglob("*.pdf") if p.parent != src], "a PDF was written"


def test_pdf_filename_from_conf_py_is_refused_at_its_line(tmp_path: Path) -> None:
    src = copy_root(tmp_path, "test-pdf")
    conf = src / "conf.py"
    lines = conf.read_text(encoding="utf-8").splitlines()
    lines.append('handout_pdf_filename = "../escaped.pdf"')
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build = sphinx_build("pdf", src, tmp_path / "out" / "pdf")
    assert build.returncode != 0
    assert f"conf.py:{len(lines)}: handout_pdf_filename = '../escaped.pdf': expected a file name" in build.stderr, \
        build.stderr
    assert "Traceback" not in build.stderr
    assert not (tmp_path / "out" / "escaped.pdf").exists() and not list(tmp_path.rglob("escaped.pdf"))
