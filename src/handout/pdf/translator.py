"""HTML for print: the same markup as the site, minus screen furniture, plus what paper needs."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.util.logging import get_node_location
from sphinx.writers.html5 import HTML5Translator

TOC_MARKER = "<!--handout-toc-->"
_RAW_URL = re.compile(r"""(?:src|href|data)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")


class PdfTranslator(HTML5Translator):
    """Translator of the pdf builder.

    Each inlined document becomes one ``<div class="handout-chapter">`` (singlehtml uses an
    empty ``<span>``), so that a table-of-contents entry points at the box that starts the
    chapter and its page number is that of the chapter's heading.
    """

    _toc_placed = False

    def visit_start_of_file(self, node: nodes.Element) -> None:
        self.docnames.append(node["docname"])
        self.body.append(f'<div id="document-{node["docname"]}" class="handout-chapter">')

    def depart_start_of_file(self, node: nodes.Element) -> None:
        self.docnames.pop()
        self.body.append("</div>")

    def visit_compound(self, node: nodes.compound) -> None:
        # The root document's toctree is where the table of contents goes, after the
        # introduction; the layout template swaps this marker for it.
        if "toctree-wrapper" in node["classes"] and not self._toc_placed and len(self.docnames) == 1:
            self._toc_placed = True
            self.body.append(TOC_MARKER)
        super().visit_compound(node)

    def add_permalink_ref(self, node: nodes.Element, title: str) -> None:
        return  # a pilcrow means nothing on paper

    def visit_image(self, node: nodes.image) -> None:
        # Remember which page asked for which image, so a refused URL can be reported there.
        location = get_node_location(node)
        if location:
            self.builder.asset_locations.setdefault(node["uri"], location)  # type: ignore[attr-defined]
        super().visit_image(node)

    def visit_raw(self, node: nodes.raw) -> None:
        # Raw HTML can load files too; note where, for the same reason as images.
        location = get_node_location(node)
        if location and "html" in node.get("format", "").split():
            for match in _RAW_URL.finditer(node.astext()):
                url = match[1] or match[2]
                self.builder.asset_locations.setdefault(url, location)  # type: ignore[attr-defined]
        super().visit_raw(node)

    def depart_reference(self, node: nodes.reference) -> None:
        super().depart_reference(node)
        url = node.get("refuri", "")
        if not _is_external(url):
            return
        # A reader on paper cannot click: print the address unless the text already shows it.
        text = node.astext().strip()
        if text and (text in url or url.split("://", 1)[-1].rstrip("/") == text.rstrip("/")):
            return
        self.body.append(f'<span class="print-url"> ({self.encode(url)})</span>')


def _is_external(url: str) -> bool:
    return urlsplit(url).scheme in {"http", "https", "ftp"}

