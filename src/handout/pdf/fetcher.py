"""WeasyPrint's URL fetcher for the handout: local files of the project only.

The PDF build must never reach the network nor read files outside the project (a page could
otherwise print ``/etc/passwd`` into a handout). Everything else is refused, and the refusal is
reported as a Sphinx warning naming the URL and the page that asked for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher


class RefusedURL(ValueError):
    """Raised to WeasyPrint, which then leaves the resource out (and does not stop)."""


class ProjectFileFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """Serve ``file:`` URLs under ``roots`` and ``data:`` URLs; refuse everything else."""

    def __init__(self, roots: Iterable[Path], on_refused: Callable[[str, str], None]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, timeout=1)
        self.roots = tuple(root.resolve() for root in roots)
        self.on_refused = on_refused

    def allows(self, url: str) -> tuple[bool, str]:
        """Whether ``url`` may be read, and why not when it may not."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return True, ""
        if scheme != "file":
            return False, "it is not a local file of the project (the PDF build never uses the network)"
        if parts.netloc not in ("", "localhost"):
            return False, "it names another host"
        path = Path(unquote(parts.path)).resolve()
        if any(path.is_relative_to(root) for root in self.roots):
            return True, ""
        return False, "it lies outside the project's source and build folders"

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> object:
        allowed, why = self.allows(url)
        if not allowed:
            self.on_refused(url, why)
            raise RefusedURL(f"refused {url}: {why}")
        return super().fetch(url, headers)
