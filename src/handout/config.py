"""The ``handout_*`` configuration values, checked once when the configuration is read.

Every value is declared with its type, then validated on ``config-inited`` into one frozen
:class:`HandoutConfig`; code elsewhere reads that object, never the raw values, so a bad value is
reported once, clearly, and is never silently replaced by a default.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sphinx.errors import ConfigError

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: Paper sizes the print stylesheet is designed for, as CSS ``@page`` sizes.
PAPER_SIZES = {"A4": "A4", "Letter": "letter"}

#: WeasyPrint's PDF variants we offer; ``None`` is a plain (untagged) PDF.
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3u", "pdf/a-3a", "pdf/a-2b")

DEFAULT_NOTICE = (
    "General educational information, not medical advice. "
    "Decisions about health and treatment belong with a qualified clinician."
)
DEFAULT_SHORT_NOTICE = "General educational information, not medical advice."


@dataclass(frozen=True)
class HandoutConfig:
    """The validated ``handout_*`` settings of one Sphinx application."""

    title: str
    subtitle: str
    author: str
    notice: str
    short_notice: str
    keywords: tuple[str, ...]
    paper: str
    pdf_variant: str | None
    toc_min_pages: int
    pdf_filename: str


# (name, default, rebuild, types): the single list both declaration and validation read.
_VALUES: tuple[tuple[str, Any, str, tuple[type, ...]], ...] = (
    ("handout_subtitle", "", "env", (str,)),
    ("handout_notice", DEFAULT_NOTICE, "env", (str,)),
    ("handout_notice_short", DEFAULT_SHORT_NOTICE, "env", (str,)),
    ("handout_keywords", [], "env", (list, tuple)),
    ("handout_pdf_paper", "A4", "", (str,)),
    ("handout_pdf_variant", "pdf/ua-1", "", (str, type(None))),
    ("handout_pdf_toc_min_pages", 6, "", (int,)),
    ("handout_pdf_filename", "", "", (str,)),
)

_SETTINGS: weakref.WeakKeyDictionary[Sphinx, HandoutConfig] = weakref.WeakKeyDictionary()


def slugify(text: str) -> str:
    """A file-name-safe, lower-case ASCII slug: ``"Peptide Secretagogues"`` → ``peptide-secretagogues``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "handout"


def _check_type(config: Config, name: str, types: tuple[type, ...]) -> Any:
    value = getattr(config, name)
    # bool is an int subclass, but True pages is a mistake, not a number.
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        wanted = " or ".join("None" if t is type(None) else t.__name__ for t in types)
        raise ConfigError(f"conf.py: {name} = {value!r}: expected {wanted}")
    return value


def validate(app: Sphinx, config: Config) -> None:
    values = {name: _check_type(config, name, types) for name, _, _, types in _VALUES}
    paper = values["handout_pdf_paper"]
    if paper not in PAPER_SIZES:
        raise ConfigError(
            f"conf.py: handout_pdf_paper = {paper!r}: expected one of {', '.join(map(repr, PAPER_SIZES))}"
        )
    variant = values["handout_pdf_variant"]
    if variant is not None and variant not in PDF_VARIANTS:
        raise ConfigError(
            f"conf.py: handout_pdf_variant = {variant!r}: expected None or one of "
            f"{', '.join(map(repr, PDF_VARIANTS))}"
        )
    if values["handout_pdf_toc_min_pages"] < 0:
        raise ConfigError("conf.py: handout_pdf_toc_min_pages must be 0 (always) or a positive page count")
    keywords = values["handout_keywords"]
    if not all(isinstance(k, str) for k in keywords):
        raise ConfigError(f"conf.py: handout_keywords = {keywords!r}: expected a list of strings")
    for name in ("handout_notice", "handout_notice_short"):
        if not values[name].strip():
            raise ConfigError(f"conf.py: {name} is empty; the research-use notice must be printed")
    filename = values["handout_pdf_filename"] or f"{slugify(config.project)}.pdf"
    if "/" in filename or not filename.endswith(".pdf"):
        raise ConfigError(f"conf.py: handout_pdf_filename = {filename!r}: expected a file name ending in .pdf")
    _SETTINGS[app] = HandoutConfig(
        title=config.project,
        subtitle=values["handout_subtitle"],
        author=config.author,
        notice=values["handout_notice"].strip(),
        short_notice=values["handout_notice_short"].strip(),
        keywords=tuple(keywords),
        paper=paper,
        pdf_variant=variant,
        toc_min_pages=values["handout_pdf_toc_min_pages"],
        pdf_filename=filename,
    )


def get_config(app: Sphinx) -> HandoutConfig:
    """The validated settings; only valid after ``config-inited``."""
    return _SETTINGS[app]


def setup_config(app: Sphinx) -> None:
    for name, default, rebuild, types in _VALUES:
        app.add_config_value(name, default, rebuild, types=frozenset(types))
    # Priority 800 runs after other extensions' handlers that might fill in project/author.
    app.connect("config-inited", validate, priority=800)
