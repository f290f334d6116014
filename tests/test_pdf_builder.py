"""The ``pdf`` builder on a tiny project, read back with pypdf and poppler."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import EPOCH, copy_root, sphinx_build
from pdfread import ink_fraction, outline_titles, page_texts, word_boxes
from pypdf import PdfReader
from sphinx.testing.util import SphinxTestApp

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


@pytest.fixture
def built(app: SphinxTestApp, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    app.build()
    return Path(app.outdir) / "tiny-course.pdf"


@pytest.mark.sphinx("pdf", testroot="pdf")
def test_every_page_has_the_notice_and_its_number(built: Path) -> None:
    texts = page_texts(built)
    assert len(texts) >= 3
    for number, text in enumerate(texts, 1):
        assert "not medical advice" in text, f"page {number}"
        assert f"Page {number} of {len(texts)}" in text, f"page {number}"


@pytest.mark.sphinx("pdf", testroot="pdf")
def test_title_block_on_page_one(built: Path) -> None:
    first = page_texts(built)[0]
    assert first.startswith("Tiny Course A two-chapter test handout Version 2.3 · 14 November 2023")
    assert "RESEARCH-USE NOTICE" in first
    assert ink_fraction(built, 1) > 0.005


@pytest.mark.sphinx("pdf", testroot="pdf")
def test_outline_follows_the_headings(built: Path) -> None:
    assert outline_titles(built) == [
        "First chapter", ["A section"], "Second chapter", ["Another section"], "References",
    ]


@pytest.mark.sphinx("pdf", testroot="pdf")
def test_contents_give_the_page_each_chapter_starts_on(built: Path) -> None:
    texts = page_texts(built)
    contents = texts[0]
    for title in ("First chapter", "Second chapter", "References"):
        listed = re.search(rf"{title}[ .]*?(\d+)", contents)
        assert listed, f"{title} missing from the contents"
        page = texts[int(listed[1]) - 1]
        assert re.search(rf"\b{title}\b", page.split("Page ")[0]), f"{title} is not on page {listed[1]}"


@pytest.mark.sphinx("pdf", testroot="pdf", confoverrides={"handout_pdf_toc_min_pages": 50})
def test_short_handout_has_no_contents(built: Path) -> None:
    assert not any("Contents" in text for text in page_texts(built))


@pytest.mark.sphinx("pdf", testroot="pdf")
def test_metadata(built: Path) -> None:
    reader = PdfReader(built)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Tiny Course"
    assert meta.author == "Test Author"
    assert meta.subject == "A two-chapter test handout"
    assert meta["/Keywords"] == "testing, print"
    assert meta["/CreationDate"].startswith("D:20231114221320")
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    # The default variant is PDF/UA-1: a tagged PDF with a structure tree.
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog


@pytest.mark.sphinx("pdf", testroot="pdf")
def test_citations_and_links_as_on_paper(built: Path) -> None:
    text = " ".join(page_texts(built))
    assert "citing (Doe et al., 2001)" in text
    assert "[Doe et al., 2001] Jane Doe, Richard Roe, and Edgar Poe. A study of small things." in text
    # An external link prints its address; a bare URL is not printed twice.
    assert "the example site (https://www.example.org/path)" in text
    assert text.count("https://www.example.com") == 1
    assert "α β γ δ Ω" in text


@pytest.mark.sphinx("pdf", testroot="pdf")
def test_a4_by_default_and_nothing_past_the_edge(built: Path) -> None:
    for page in PdfReader(built).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.1)
    overflow = [(n, w) for n, width, w, right in word_boxes(built) if right > width - 30]
    assert not overflow, f"words beyond the right margin: {overflow[:5]}"


@pytest.mark.sphinx("pdf", testroot="pdf", confoverrides={"handout_pdf_paper": "Letter"})
def test_letter_paper(built: Path) -> None:
    page = PdfReader(built).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(LETTER, abs=0.1)


@pytest.mark.sphinx("pdf", testroot="pdf-wide-table")
def test_wide_table_stays_on_the_page(built: Path) -> None:
    boxes = word_boxes(built)
    assert any(word == "Zeta" for _, _, word, _ in boxes), "the table's last column is missing"
    overflow = [(n, w) for n, width, w, right in boxes if right > width - 30]
    assert not overflow, f"words beyond the right margin: {overflow[:5]}"


@pytest.fixture
def unsafe_root(tmp_path: Path) -> Path:
    return copy_root(tmp_path, "test-pdf-unsafe")


def test_remote_and_outside_files_are_refused(unsafe_root: Path, tmp_path: Path) -> None:
    build = sphinx_build("pdf", unsafe_root, tmp_path / "out", "-q")
    # -W turns the refusals into a failed build; the warnings name the URL and the page.
    assert build.returncode != 0
    assert re.search(r"index\.md:5: WARNING: not included in the PDF: https://example\.org/x\.png", build.stderr)
    assert re.search(r"index\.md:7: WARNING: not included in the PDF: file:///etc/passwd", build.stderr)
    assert "Traceback" not in build.stderr

    relaxed = sphinx_build("pdf", unsafe_root, tmp_path / "relaxed", "-q", "-D", "suppress_warnings=handout.fetch")
    assert relaxed.returncode == 0, relaxed.stderr
    pdf = relaxed.outdir / "unsafe.pdf"
    reader = PdfReader(pdf)
    assert all(not page.images for page in reader.pages)
    text = " ".join(page_texts(pdf))
    assert "root:x:0" not in text
    assert "A page that asks for files it must not have." in text


def test_same_epoch_gives_the_same_bytes(rootdir: Path, tmp_path: Path) -> None:
    first = sphinx_build("pdf", rootdir / "test-pdf", tmp_path / "one", "-q")
    second = sphinx_build("pdf", rootdir / "test-pdf", tmp_path / "two", "-q")
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    a, b = (first.outdir / "tiny-course.pdf").read_bytes(), (second.outdir / "tiny-course.pdf").read_bytes()
    assert a == b


def test_unchanged_sources_do_not_render_again(rootdir: Path, tmp_path: Path) -> None:
    first = sphinx_build("pdf", rootdir / "test-pdf", tmp_path / "out")
    assert first.returncode == 0, first.stderr
    pdf = first.outdir / "tiny-course.pdf"
    stamp = pdf.stat().st_mtime_ns
    again = sphinx_build("pdf", rootdir / "test-pdf", tmp_path / "out")
    assert again.returncode == 0, again.stderr
    assert "rendering PDF" not in again.stdout
    assert pdf.stat().st_mtime_ns == stamp


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('handout_pdf_paper = "A5"', "conf.py:15: handout_pdf_paper = 'A5': expected one of 'A4', 'Letter'"),
        ('handout_pdf_variant = "pdf/x-9"', "conf.py:15: handout_pdf_variant = 'pdf/x-9': expected None or one of"),
        ('handout_pdf_toc_min_pages = "many"', "conf.py:15: handout_pdf_toc_min_pages = 'many': expected int"),
        ('handout_notice = "  "', "conf.py:15: handout_notice = '  ': expected text"),
    ],
)
def test_bad_configuration_is_a_clear_error(tmp_path: Path, setting: str, message: str) -> None:
    src = copy_root(tmp_path, "test-pdf")
    conf = src / "conf.py"
    lines = conf.read_text().splitlines()
    conf.write_text("\n".join([*lines, *[""] * (14 - len(lines)), setting, ""]))
    build = sphinx_build("pdf", src, tmp_path / "out")
    assert build.returncode == 2
    assert message in build.stderr
    assert "Traceback" not in build.stderr
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_settings_from_the_command_line_are_checked_too(rootdir: Path, tmp_path: Path) -> None:
    build = sphinx_build("pdf", rootdir / "test-pdf", tmp_path / "out", "-D", "handout_pdf_paper=A5")
    assert build.returncode == 2
    assert "command line (-D): handout_pdf_paper = 'A5': expected one of 'A4', 'Letter'" in build.stderr


def test_plain_http_is_refused_by_our_fetcher(unsafe_root: Path, tmp_path: Path) -> None:
    # Our fetcher refuses http:// itself (handout.fetch); were it to let it through, WeasyPrint would
    # block it with a warning of its own (handout.weasyprint), which this test does not accept.
    with (unsafe_root / "index.md").open("a", encoding="utf-8") as page:
        page.write("\n![a plain web picture](http://example.org/plain.png)\n")
    build = sphinx_build("pdf", unsafe_root, tmp_path / "out", "-q")
    assert build.returncode != 0
    assert re.search(r"index\.md:9: WARNING: not included in the PDF: http://example\.org/plain\.png, because "
                     r"it is not a local file of the project .*\[handout\.fetch\]", build.stderr), build.stderr
    assert "handout.weasyprint" not in build.stderr


def test_fetch_warnings_name_the_markdown_file_and_line(unsafe_root: Path, tmp_path: Path) -> None:
    # Relative and inline raw HTML arrive at the fetcher as absolute URLs; each warning must still
    # name the page's own file and line (it once said "index.md.rst", with no line).
    with (unsafe_root / "index.md").open("a", encoding="utf-8") as page:
        page.write(
            "\n<p><img src=\"../../../../../../../../etc/hostname\" alt=\"relative\"></p>\n"  # line 9
            "\nText with <img src=\"http://example.org/inline.png\" alt=\"inline\"> inline.\n"  # line 11
            "\n<div style=\"background: url('https://example.org/bg.png')\">styled</div>\n"  # line 13
        )
    build = sphinx_build("pdf", unsafe_root, tmp_path / "out", "-q")
    assert build.returncode != 0
    assert ".md.rst" not in build.stderr
    expected = {9: "file:///etc/hostname", 11: "http://example.org/inline.png", 13: "https://example.org/bg.png"}
    for line, url in expected.items():
        assert re.search(rf"index\.md:{line}: WARNING: not included in the PDF: {re.escape(url)}, because",
                         build.stderr), (line, build.stderr)
    for warning in re.findall(r"^.*WARNING.*$", build.stderr, flags=re.MULTILINE):
        assert re.match(r"\S*index\.md:\d+: WARNING", warning), warning
