"""The ``pdf`` builder: the handout as one printed document, laid out by WeasyPrint."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

THEME_DIR = Path(__file__).parent / "theme"


def setup_pdf(app: Sphinx) -> None:
    from handout.pdf.builder import PdfBuilder

    app.add_html_theme("handout_print", str(THEME_DIR / "handout_print"))
    app.add_builder(PdfBuilder)
