"""Reading a PDF back as a reader would: through pypdf and poppler, never through our own code."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from pypdf import PdfReader


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, whitespace folded."""
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(pdf).pages]


def outline_titles(pdf: Path) -> list[Any]:
    """The bookmark tree as nested lists of titles."""
    def walk(items: list[Any]) -> list[Any]:
        return [walk(item) if isinstance(item, list) else item.title for item in items]
    return walk(PdfReader(pdf).outline)


def chapter_pages(pdf: Path, title: str) -> list[str]:
    """The text of the pages from the top-level bookmark ``title`` up to the next one."""
    reader = PdfReader(pdf)
    starts = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline
              if not isinstance(item, list)]
    names = [name for name, _ in starts]
    assert title in names, f"no bookmark {title!r} in {names}"
    index = names.index(title)
    first = starts[index][1]
    end = starts[index + 1][1] if index + 1 < len(starts) else len(reader.pages)
    return page_texts(pdf)[first:max(end, first + 1)]


def word_boxes(pdf: Path) -> list[tuple[int, float, str, float]]:
    """(page number, page width, word, right edge) for every word, from poppler's ``pdftotext -bbox``."""
    assert shutil.which("pdftotext"), "poppler-utils is missing: run `make system-deps`"
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    boxes = []
    for number, page in enumerate(re.findall(r"<page (.*?)</page>", html, re.S), 1):
        width = float(re.search(r'width="([\d.]+)"', page)[1])  # type: ignore[index]
        for x_max, word in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*?)</word>', page):
            boxes.append((number, width, word, float(x_max)))
    return boxes


def ink_fraction(pdf: Path, page: int = 1) -> float:
    """Share of non-white pixels on a page rendered by ``pdftoppm`` (0.0 is a blank page)."""
    assert shutil.which("pdftoppm"), "poppler-utils is missing: run `make system-deps`"
    pgm = subprocess.run(["pdftoppm", "-gray", "-r", "40", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, check=True).stdout
    # Binary PGM: "P5\n<w> <h>\n<max>\n" then one byte per pixel.
    match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    assert match, "pdftoppm did not return a PGM image"
    pixels = pgm[match.end():]
    return sum(1 for p in pixels if p < 200) / len(pixels)
