"""The ``pdf`` builder: Sphinx's single-document HTML, rendered in-process by WeasyPrint."""

from __future__ import annotations

import logging
import os
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote, urlsplit

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.html._build_info import BuildInfo
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.errors import SphinxError
from sphinx.locale import __
from sphinx.util import logging as sphinx_logging
from sphinx.util.display import progress_message

from handout import __version__
from handout.config import PAPER_SIZES, get_config
from handout.pdf import THEME_DIR
from handout.pdf.importing import import_weasyprint
from handout.pdf.translator import PdfTranslator

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from weasyprint import Document

logger = sphinx_logging.getLogger(__name__)

#: A warning's location as Sphinx takes it: ``"file:line"``, or ``(docname, line)``. A string without
#: a colon is taken for a docname (Sphinx appends a source suffix: ``index.md`` became ``index.md.rst``).
Location = str | tuple[str, int | None]

PRINT_CSS = THEME_DIR / "handout_print" / "static" / "handout-print.css"


class PdfBuildError(SphinxError):
    category = "PDF build error"


class PdfBuilder(SingleFileHTMLBuilder):
    """Writes ``<outdir>/<project-slug>.pdf`` (and the print HTML beside it, for inspection)."""

    name = "pdf"
    format = "html"  # extensions emit their HTML markup for us, as for singlehtml
    epilog = __("The PDF handout is in %(outdir)s.")
    default_translator_class = PdfTranslator
    search = False
    copysource = False
    # Remote images are left to our URL fetcher, which refuses them with a warning;
    # Sphinx must not download them itself.
    supported_remote_images = True
    supported_image_types: ClassVar[list[str]] = ["image/svg+xml", "image/png", "image/gif", "image/jpeg", "image/webp"]

    def init(self) -> None:
        super().init()
        # Sphinx 9 keeps the application in ``_app`` (``app`` is deprecated there); 8.2 has only ``app``.
        app = getattr(self, "_app", None) or self.app
        self.handout = get_config(app)
        # Sphinx looks visitors up under the builder's name and, once any extension registers pdf=
        # visitors, never falls back to those of its format: nodes registered for html alone (MyST's,
        # other extensions') keep their html visitors here, since this builder writes HTML too.
        table = app.registry.translation_handlers
        pdf = table.setdefault(self.name, {})
        for node, visitors in table.get("html", {}).items():
            pdf.setdefault(node, visitors)
        self.asset_locations: dict[str, str] = {}
        self.pdf_path = Path(self.outdir, self.handout.pdf_filename)
        self._rendered_html: Path | None = None

    def get_theme_config(self) -> tuple[str, dict[str, str | int | bool]]:
        return "handout_print", {}

    def init_js_files(self) -> None:
        return  # nothing is scripted on paper

    def get_outdated_docs(self) -> str | list[str]:  # type: ignore[override]
        # Sphinx re-reads and rewrites changed sources on its own. Beyond that, render again only
        # when the PDF is missing, a print setting changed (the build info hashes the config
        # values of the "html" category, which ours belong to) or our own theme is newer.
        if not self.pdf_path.exists():
            return "all documents"
        try:
            if BuildInfo.load(self.outdir / ".buildinfo") != self.build_info:
                return "all documents"
        except ValueError:
            return "all documents"
        built = self.pdf_path.stat().st_mtime
        inputs = [PRINT_CSS, THEME_DIR / "handout_print" / "layout.html"]
        if any(p.stat().st_mtime > built for p in inputs):
            return "all documents"
        return []

    def copy_assets(self) -> None:
        # Stylesheets go to WeasyPrint directly and nothing is scripted on paper, so the
        # site's static files are not needed; images are copied in finish().
        self.copy_download_files()

    def get_output_path(self, page_name: str, /) -> Path:
        if page_name == self.config.root_doc:
            return Path(self.outdir, self.pdf_path.stem + ".html")
        return super().get_output_path(page_name)

    def assemble_doctree(self) -> nodes.document:
        tree = super().assemble_doctree()
        scope_ids(tree, self.config.root_doc)
        return tree

    def get_doc_context(self, docname: str, body: str, metatags: str) -> dict[str, Any]:
        context = super().get_doc_context(docname, body, metatags)
        context["toc"] = _DOUBLE_ANCHOR.sub(_scoped_href, context.get("toc") or "")
        created = time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", time.time())))
        context.update(
            handout=self.handout,
            handout_version=__version__,
            handout_lang=(self.config.language or "en").replace("_", "-"),
            handout_created=time.strftime("%Y-%m-%dT%H:%M:%SZ", created),
            handout_edition=" · ".join(
                part for part in (f"Version {self.config.release}" if self.config.release else "",
                                  self.config.today or time.strftime("%d %B %Y", created)) if part
            ),
        )
        return context

    def write_documents(self, docnames: Any) -> None:
        super().write_documents(docnames)
        self._rendered_html = self.get_output_path(self.config.root_doc)

    def finish(self) -> None:
        # The print HTML references images only; stylesheets are handed to WeasyPrint directly,
        # so none of the site's static files, search index or inventory are written here.
        self.copy_image_files()
        if self._rendered_html is not None:
            self.render_pdf(self._rendered_html)
            self.write_buildinfo()

    # -- Rendering ---------------------------------------------------------------------------

    def _warn_refused(self, url: str, why: str) -> None:
        if url in self._refused:
            return  # WeasyPrint may ask twice for the same resource
        logger.warning(
            __("not included in the PDF: %s, because %s"),
            url, why, type="handout", subtype="fetch", location=self.asset_location(url),
        )
        self._refused.add(url)

    def asset_location(self, url: str) -> Location:
        """The Markdown file and line that asked for ``url``; the root page (no line) when unknown.

        WeasyPrint asks for absolute URLs: a relative ``src`` of the page (``../x.png``) arrives
        resolved against the output folder, so the URLs the pages gave are resolved the same way.
        """
        wanted = _comparable(url, self.outdir)
        for asked, location in self.asset_locations.items():
            if asked in (url, url.rstrip("/")) or _comparable(asked, self.outdir) == wanted:
                return self._real_location(location)
        return (self.config.root_doc, None)

    def message_location(self, message: str) -> Location:
        """The location of a WeasyPrint message: that of the first URL it names that a page asked for."""
        for url in _URL_IN_MESSAGE.findall(message):
            location = self.asset_location(url)
            if location != (self.config.root_doc, None):
                return location
        return (self.config.root_doc, None)

    def _real_location(self, location: str) -> Location:
        """``file:line`` as it is; ``file:`` (no line) or ``<unknown>:line`` as ``(docname, line)``."""
        source, _, line = location.rpartition(":")
        number = int(line) if line.isdigit() else None
        if source and source != "<unknown>" and number:
            return location
        docname = self.env.path2doc(source) if source and source != "<unknown>" else None
        if docname is None:
            return (self.config.root_doc, None)  # a line of an unknown file would point at the wrong one
        return (docname, number)

    def page_css(self) -> str:
        return page_css(PAPER_SIZES[self.handout.paper], self.handout.short_notice)

    @progress_message(__("rendering PDF with WeasyPrint"))
    def render_pdf(self, html_path: Path) -> None:
        # WeasyPrint (and our fetcher, which subclasses its URLFetcher) is imported here, not at the
        # top: loading it costs about a second, which every HTML build would otherwise pay just
        # because this builder is registered. import_weasyprint() first, so that the imports below
        # find it loaded without ctypes' compiler probes (see importing.py).
        import_weasyprint()
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        from handout.pdf.fetcher import ProjectFileFetcher

        self._refused: set[str] = set()
        fetcher = ProjectFileFetcher([self.srcdir, self.outdir], self._warn_refused)
        fonts = FontConfiguration()
        base = str(self.outdir) + os.sep
        with _weasyprint_warnings(self._refused, self.message_location):
            try:
                document = HTML(filename=str(html_path), base_url=base, url_fetcher=fetcher)
                sheets = [
                    CSS(string=PRINT_CSS.read_text(encoding="utf-8"), base_url=base,
                        url_fetcher=fetcher, font_config=fonts),
                    CSS(string=self.page_css(), font_config=fonts),
                ]
                rendered = self._render_with_toc_rule(document, sheets, fonts)
                self._write_atomically(rendered)
            except PdfBuildError:
                raise
            except Exception as exc:  # WeasyPrint's errors are not Sphinx's: name the cause, no traceback
                raise PdfBuildError(f"WeasyPrint could not render {html_path.name}: "
                                    f"{type(exc).__name__}: {exc}") from exc
        logger.info(__("%d pages written to %s"), len(rendered.pages), self.pdf_path)

    def _render_with_toc_rule(self, document: Any, sheets: list[Any], fonts: Any) -> Document:
        """Lay out once with the table of contents; a second pass only drops it from short handouts."""
        from weasyprint import CSS

        rendered = document.render(stylesheets=sheets, font_config=fonts)
        minimum = self.handout.toc_min_pages
        if minimum and len(rendered.pages) < minimum:
            no_toc = CSS(string=".handout-toc { display: none; }", font_config=fonts)
            rendered = document.render(stylesheets=[*sheets, no_toc], font_config=fonts)
        return rendered

    def _write_atomically(self, rendered: Document) -> None:
        # A failed or interrupted write must never leave a PDF that looks finished.
        partial = self.pdf_path.with_name(f".{self.pdf_path.name}.partial")
        try:
            options: dict[str, Any] = {"pdf_identifier": True}
            if self.handout.pdf_variant:
                options["pdf_variant"] = self.handout.pdf_variant
            rendered.write_pdf(partial, **options)
            partial.replace(self.pdf_path)
        finally:
            partial.unlink(missing_ok=True)


# Sphinx's singlehtml links a section of another document as "#document-<doc>#<id>",
# which is not a valid fragment; ids are scoped per document instead (see scope_ids).
_DOUBLE_ANCHOR = re.compile(r'href="#document-([^"#]+)#([^"]+)"')

# A URL quoted in a WeasyPrint message ("Failed to load image at 'file:///...'").
_URL_IN_MESSAGE = re.compile(r"""[a-zA-Z][a-zA-Z0-9+.-]*:[^\s'"<>()]+""")


def _comparable(url: str, base: str | os.PathLike[str]) -> str:
    """``url`` in one form for comparison: a local file (or a path relative to ``base``) as its
    absolute normalised path, anything else as it is."""
    parts = urlsplit(url)
    if parts.scheme.lower() == "file":
        return os.path.normpath(unquote(parts.path))
    if parts.scheme or url.startswith("//"):
        return url
    return os.path.normpath(Path(base, unquote(parts.path)))


def _scoped_href(match: re.Match[str]) -> str:
    return f'href="#{match[1]}--{match[2]}"'


def scope_ids(node: nodes.Node, docname: str) -> None:
    """Prefix every id with the document it comes from.

    Each source document numbers its own ids (``id1``, ``id2``...), so once all are inlined
    into one HTML document they clash; scoping keeps every link pointing at its own target.
    """
    if isinstance(node, addnodes.start_of_file):
        docname = node["docname"]
    if isinstance(node, nodes.Element):
        node["ids"] = [f"{docname}--{i}" for i in node["ids"]]
        if "refid" in node:
            node["refid"] = f"{docname}--{node['refid']}"
        if node.get("backrefs"):
            node["backrefs"] = [f"{docname}--{i}" for i in node["backrefs"]]
        refuri = node.get("refuri")
        if refuri and refuri.startswith("#document-") and "#" in refuri[1:]:
            target_doc, anchor = refuri[len("#document-"):].split("#", 1)
            node["refuri"] = f"#{target_doc}--{anchor}"
    for child in node.children:
        scope_ids(child, docname)


def page_css(paper: str, short_notice: str) -> str:
    """The stylesheet that carries conf.py's choices: paper size (a CSS size) and the footer notice.

    Every PDF of the project (the handout, the quiz sheets and keys) prints with it.
    """
    return (
        f"@page {{ size: {paper}; @bottom-left {{ content: {css_string(short_notice)};"
        ' font: 8.5pt "Linux Biolinum O", "DejaVu Sans", sans-serif; color: #333;'
        " vertical-align: top; padding-top: 3mm; } }\n"
    )


def css_string(text: str) -> str:
    """``text`` as a CSS string literal, safe inside a ``<style>`` element too (``<`` cannot end it)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    return f'"{escaped}"'


class _ForwardToSphinx(logging.Handler):
    """WeasyPrint logs problems (unknown CSS, broken images) with ``logging``; Sphinx users
    only see Sphinx warnings, and ``-W`` must catch these too."""

    def __init__(self, refused: set[str], locate: Callable[[str], Location]) -> None:
        super().__init__(logging.WARNING)
        self.refused = refused
        self.locate = locate

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if any(url in message for url in self.refused):
            return  # already reported, with the page that asked for it
        logger.warning("WeasyPrint: %s", message, type="handout", subtype="weasyprint",
                       location=self.locate(message))


@contextmanager
def _weasyprint_warnings(refused: set[str], locate: Callable[[str], Location]) -> Iterator[None]:
    wp_logger = logging.getLogger("weasyprint")
    handler = _ForwardToSphinx(refused, locate)
    propagate = wp_logger.propagate
    wp_logger.addHandler(handler)
    wp_logger.propagate = False
    try:
        yield
    finally:
        wp_logger.removeHandler(handler)
        wp_logger.propagate = propagate
