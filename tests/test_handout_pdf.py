"""The real handout as a PDF, read back with pypdf and poppler as a reader would check it."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import PROJECT
from pdfread import chapter_pages, ink_fraction, outline_titles, page_texts, word_boxes
from pypdf import PdfReader

A4 = (595.28, 841.89)


def chapter_titles() -> list[str]:
    """The first heading of every page the root toctree lists, in order: what the outline must show."""
    index = (PROJECT / "docs" / "index.md").read_text(encoding="utf-8")
    toctree = re.search(r"```\{toctree\}\n(.*?)```", index, re.S)
    assert toctree
    names = [ln.strip() for ln in toctree[1].splitlines() if ln.strip() and not ln.strip().startswith(":")]
    titles = []
    for name in names:
        source = (PROJECT / "docs" / f"{name}.md").read_text(encoding="utf-8")
        heading = re.search(r"^# (.+)$", source, re.M)
        assert heading, name
        titles.append(re.sub(r"[*_`]", "", heading[1]).strip())
    return titles


def joined(pdf: Path) -> str:
    # Words broken across lines by hyphenation are joined again before searching.
    return re.sub(r"[\u2010\u00ad-]\s+(?=[a-z])", "", " ".join(page_texts(pdf)))


def test_every_chapter_is_in_the_outline(handout_pdf: Path) -> None:
    top_level = [t for t in outline_titles(handout_pdf) if isinstance(t, str)]
    assert top_level == chapter_titles()


def test_every_page_has_the_notice_and_page_n_of_m(handout_pdf: Path) -> None:
    texts = page_texts(handout_pdf)
    assert len(texts) >= 6
    for number, text in enumerate(texts, 1):
        assert "not medical advice" in text.lower(), f"page {number}"
        assert f"Page {number} of {len(texts)}" in text, f"page {number}"


def test_title_page_and_contents(handout_pdf: Path) -> None:
    first, *_ = page_texts(handout_pdf)
    assert first.startswith("Peptide Secretagogues")
    assert "RESEARCH-USE NOTICE" in first
    assert "qualified clinician" in first
    assert "Contents" in " ".join(page_texts(handout_pdf)[:2])
    assert ink_fraction(handout_pdf, 1) > 0.01


def test_references_list_the_three_studies(handout_pdf: Path) -> None:
    last = re.sub(r"[\u2010\u00ad-]\s+(?=[a-z])", "", " ".join(chapter_pages(handout_pdf, "References")))
    assert "Effects of an oral ghrelin mimetic on body composition" in last
    assert "Prolonged stimulation of growth hormone" in last
    assert "Ipamorelin, the first selective growth hormone secretagogue" in last


def test_citations_read_as_in_the_html(handout_pdf: Path) -> None:
    text = joined(handout_pdf)
    for who, year in (("Raun", 1998), ("Nass", 2008), ("Teichman", 2006)):
        assert re.search(rf"\({who} et al\., {year}\)|{who} et al\. \({year}\)", text), who


def test_metadata(handout_pdf: Path) -> None:
    reader = PdfReader(handout_pdf)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Peptide Secretagogues"
    assert meta.author
    assert meta.subject and "receptor families" in meta.subject
    assert "secretagogue" in meta["/Keywords"]
    assert meta["/CreationDate"].startswith("D:20231114")
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_pages_fit_the_paper(handout_pdf: Path) -> None:
    for page in PdfReader(handout_pdf).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (
            round(A4[0], 2), round(A4[1], 2)) or abs(float(page.mediabox.width) - A4[0]) < 0.1
    overflow = [(n, w) for n, width, w, right in word_boxes(handout_pdf) if right > width - 30]
    assert not overflow, overflow[:5]


def test_internal_links_are_clickable(handout_pdf: Path) -> None:
    reader = PdfReader(handout_pdf)
    internal = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link" and ("/Dest" in annot or annot.get("/A", {}).get("/S") == "/GoTo"):
                internal += 1
    assert internal >= 10


def test_file_stays_small_enough_to_mail(handout_pdf: Path) -> None:
    # A dotted rule in the contents once made two pages weigh 1 MB (WeasyPrint draws every dot).
    assert handout_pdf.stat().st_size < 500_000, f"{handout_pdf.stat().st_size:,} bytes"
