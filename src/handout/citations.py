"""Author-year citations in round brackets: "(Raun et al., 1998)", as readers of the field expect.

sphinxcontrib-bibtex's ``author_year`` style uses square brackets; styles are pybtex plugins,
so the round variant is registered under its own name for ``bibtex_reference_style``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

ROUND_STYLE = "author_year_round"


def setup_citations(app: Sphinx) -> None:
    setup_reference_style(app)
    setup_bibliography_labels(app)


def setup_reference_style(app: Sphinx) -> None:
    """Register ``author_year_round`` for ``bibtex_reference_style``."""
    import sphinxcontrib.bibtex.plugin
    from sphinxcontrib.bibtex.style.referencing import BracketStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

    def round_brackets() -> BracketStyle:
        return BracketStyle(left="(", right=")")

    @dataclasses.dataclass
    class RoundAuthorYearReferenceStyle(AuthorYearReferenceStyle):
        bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=round_brackets)
        bracket_textual: BracketStyle = dataclasses.field(default_factory=round_brackets)
        bracket_author: BracketStyle = dataclasses.field(default_factory=round_brackets)
        bracket_label: BracketStyle = dataclasses.field(default_factory=round_brackets)
        bracket_year: BracketStyle = dataclasses.field(default_factory=round_brackets)

    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", ROUND_STYLE, RoundAuthorYearReferenceStyle, force=True
    )


AUTHOR_YEAR_FORMAT = "plain_author_year"


def author_year_label(entry: object) -> str:
    """``Raun et al., 1998`` for an entry: the same words the text cites it by."""
    import codecs

    import latexcodec  # noqa: F401  (registers the "ulatex" codec)
    from pybtex.backends.plaintext import Backend
    from pybtex.markup import LaTeXParser

    # A backend instance, not render_as("text"): that looks the backend up through package
    # entry points on every call, which cost most of an unchanged rebuild's time.
    text = Backend()
    persons = entry.persons.get("author") or entry.persons.get("editor") or []  # type: ignore[attr-defined]
    # latexcodec (a pybtex dependency) turns accents such as Schl\"unzen into text; the parser then
    # drops the braces that protect capitals.
    # (typeshed only types str -> str decoding for a few codecs, hence the Any.)
    latex: Any = [" ".join(p.last_names) for p in persons[:2]]
    names = [LaTeXParser(codecs.decode(name, "ulatex")).parse().render(text) for name in latex]
    year = entry.fields.get("year", "n.d.")  # type: ignore[attr-defined]
    if len(persons) >= 3:
        who = f"{names[0]} et al."
    elif len(persons) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = names[0] if names else entry.key  # type: ignore[attr-defined]
    return f"{who}, {year}"


def setup_bibliography_labels(app: Sphinx) -> None:
    """Register ``plain_author_year``: pybtex's plain style, labelled by author and year."""
    import pybtex.plugin
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabelStyle(BaseLabelStyle):  # type: ignore[misc]
        def format_labels(self, sorted_entries: list[object]) -> object:
            for entry in sorted_entries:
                yield author_year_label(entry)

    pybtex.plugin.register_plugin("pybtex.style.labels", "author_year", AuthorYearLabelStyle, force=True)

    class AuthorYearStyle(PlainStyle):  # type: ignore[misc]
        default_label_style = "author_year"
        default_sorting_style = "author_year_title"

    pybtex.plugin.register_plugin("pybtex.style.formatting", AUTHOR_YEAR_FORMAT, AuthorYearStyle, force=True)
