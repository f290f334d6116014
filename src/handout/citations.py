"""Author-year citations in round brackets: "(Raun et al., 1998)", as readers of the field expect.

sphinxcontrib-bibtex's ``author_year`` style uses square brackets; styles are pybtex plugins,
so the round variant is registered under its own name for ``bibtex_reference_style``.

Before any builder starts, every ``bibtex_bibfiles`` file is read here as sphinxcontrib-bibtex will read
it: a file that cannot be read ends the build with one ``file:line: message`` (the line that was
damaged, not the one the parser gave up on), and LaTeX the bibliography cannot print is a
``handout.bib`` warning at its line.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

ROUND_STYLE = "author_year_round"


def setup_citations(app: Sphinx) -> None:
    setup_reference_style(app)
    setup_bibliography_labels(app)
    # config-inited comes before every builder-inited, where sphinxcontrib-bibtex parses the files;
    # 900: after the handout_* values are checked (799) and Sphinx's own type check (800).
    app.connect("config-inited", check_bibfiles, priority=900)


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


# -- Checking the BibTeX files before sphinxcontrib-bibtex reads them -----------------------------

#: Fields pybtex's styles print as they are (links), never through LaTeX decoding.
RAW_FIELDS = frozenset({"url", "doi", "eprint", "pubmed", "file", "urldate"})
_FIELD_START = re.compile(r"\s*[A-Za-z][\w.:+/-]*\s*=")
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)")


@dataclasses.dataclass(frozen=True)
class BibProblem:
    """One problem of a BibTeX file, at the line an editor should look at."""

    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{display_path(self.file)}:{self.line}: {self.message}"


def display_path(path: Path) -> str:
    """``bib/references.bib`` when the file is under the working folder, else the absolute path."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def unclosed_value_line(text: str, stop_line: int | None = None) -> int | None:
    """The line where a field value opened a brace that is still open when the next field or entry starts.

    pybtex only notices a missing ``}`` where the value's text runs into something it cannot read,
    often many lines further down (at the next entry, or the end of the file); the damage is where
    the value began. Braces count only inside entries (``@type{...}``), and ``\\{`` / ``\\}`` not at all.
    """
    depth = 0
    after_at = False
    opened_at: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if stop_line is not None and number > stop_line:
            break
        if depth >= 2 and (_FIELD_START.match(line) or line.lstrip().startswith("@")):
            return opened_at
        escaped = False
        for char in line:
            if escaped:
                escaped = False
                continue
            if char == "\\":
                escaped = True
            elif depth == 0:
                if char == "@":
                    after_at = True
                elif char in "{(" and after_at:
                    depth, after_at = 1, False
            elif char == "{":
                depth += 1
                if depth == 2:
                    opened_at = number
            elif char == "}" or (char == ")" and depth == 1):
                depth -= 1
    return opened_at if depth >= 2 else None


def _entry_line(lines: list[str], key: str, *, last: bool = False) -> int:
    """The line of ``@type{key,`` (the first, or the last when a key is there twice); 1 if none."""
    start = re.compile(rf"\s*@\s*\w+\s*[{{(]\s*{re.escape(key)}\s*,")
    found = [n for n, line in enumerate(lines, start=1) if start.match(line)]
    return (found[-1] if last else found[0]) if found else 1


def _syntax_problem(path: Path, text: str, exc: Exception) -> BibProblem:
    from pybtex.scanner import PybtexSyntaxError

    if not isinstance(exc, PybtexSyntaxError):
        # Data errors (an entry key or a field twice) carry no line: point at the (last) entry they name.
        lines = text.splitlines()
        named = re.search(r"(?:key |entry: )([^\s,]+)", str(exc))
        line = _entry_line(lines, named.group(1), last=True) if named else 1
        field = re.search(r"duplicate (\S+) field", str(exc))
        if field:  # the second time the field is set in that entry
            start = re.compile(rf"\s*{re.escape(field.group(1))}\s*=", re.IGNORECASE)
            seen = [n for n in range(line, len(lines) + 1) if start.match(lines[n - 1])]
            line = seen[1] if len(seen) > 1 else line
        return BibProblem(path, line, str(exc))
    reported = exc.lineno or 1
    what = f"{exc.error_type}: {Exception.__str__(exc)}"
    if exc.error_type == "undefined string":
        what += " (a field's value goes in {braces} or \"quotes\"; only @string names such as months go bare)"
    opened = unclosed_value_line(text, reported)
    if opened is not None and opened != reported:
        return BibProblem(path, opened, f"unbalanced braces: the '{{' that opens this value is never closed "
                                        f"(the parser only noticed at line {reported}: {Exception.__str__(exc)})")
    return BibProblem(path, reported, what)


def check_bibfile(path: Path, encoding: str = "utf-8-sig") -> tuple[BibProblem | None, list[BibProblem]]:
    """Parse ``path`` as sphinxcontrib-bibtex will: (the error that stops reading, LaTeX it cannot print).

    The first is None when the file parses. The second lists each LaTeX command left in a printed field
    after decoding (``\\unknowncmd``, ``\\textit``): the bibliography would show it as raw text.
    """
    import codecs

    import latexcodec  # noqa: F401  (registers the "ulatex" codec)
    from pybtex.database.input.bibtex import Parser
    from pybtex.exceptions import PybtexError

    text = path.read_text(encoding=encoding)
    try:
        data = Parser(encoding=encoding).parse_string(text)
    except PybtexError as exc:
        return _syntax_problem(path, text, exc), []
    lines = text.splitlines()
    warnings = []
    for key, entry in data.entries.items():
        start = _entry_line(lines, str(key))
        values = [(name, str(value)) for name, value in entry.fields.items() if name.lower() not in RAW_FIELDS]
        values += [(role, str(person)) for role, persons in entry.persons.items() for person in persons]
        latex: Any  # (typeshed types str -> str decoding for a few codecs only)
        for name, latex in values:
            decoded = str(codecs.decode(latex, "ulatex"))
            for command in dict.fromkeys(_COMMAND.findall(decoded)):
                line = next((n for n in range(start, len(lines) + 1) if command in lines[n - 1]), start)
                warnings.append(BibProblem(
                    path, line, f"{name} of {key}: the LaTeX command {command} cannot be printed and would "
                                f"appear as it is; write the text (or the character itself, such as é or ©) instead"))
    return None, warnings


def check_bibfiles(app: Sphinx, config: Config) -> None:
    """Read every ``bibtex_bibfiles`` file before sphinxcontrib-bibtex does, and report its problems.

    A file pybtex cannot read ends the build with one line, ``file:line: message`` (sphinxcontrib-bibtex
    would stop it with a crash report, at the line pybtex gave up on). LaTeX it cannot print is a
    ``handout.bib`` warning at its line.
    """
    encoding = getattr(config, "bibtex_encoding", "utf-8-sig")
    for name in getattr(config, "bibtex_bibfiles", None) or ():
        path = Path(app.confdir, name)
        if not path.is_file():
            continue  # sphinxcontrib-bibtex says so itself
        try:
            error, warnings = check_bibfile(path, encoding)
        except (OSError, UnicodeDecodeError) as exc:
            error, warnings = BibProblem(path, 1, f"cannot be read: {exc}"), []
        for problem in warnings:
            logger.warning("%s", problem.message, type="handout", subtype="bib",
                           location=f"{display_path(problem.file)}:{problem.line}")
        if error is not None:
            # Any exception raised here makes sphinx-build print its crash report with a traceback;
            # a damaged bib deserves one line with its file and line, and a non-zero exit.
            logger.error("%s", error.message, type="handout", subtype="bib",
                         location=f"{display_path(error.file)}:{error.line}")
            raise SystemExit(2)
