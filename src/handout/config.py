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
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from sphinx.errors import ConfigError
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

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
    #: The quiz data folder, absolute (``handout_quiz_data`` is relative to the configuration folder).
    quiz_data: Path
    #: Whether the answer-key page carries the key (False: a student edition, the page says it is left out).
    quiz_answer_key: bool
    #: The seed of every quiz that sets none itself.
    quiz_seed: int
    #: How many versions (A, B, ...) the classroom builder makes of the class quiz.
    quiz_versions: int
    #: Questions on the class quiz; None asks every fact of the data once.
    quiz_questions: int | None
    #: Seconds per question: the projector's countdown and Kahoot's time limit.
    quiz_time_limit: int
    #: Whether the projector page starts the countdown on each question by itself.
    quiz_countdown: bool


# (name, default, rebuild, types): the single list both declaration and validation read.
_VALUES: tuple[tuple[str, Any, Literal["html", "env", ""], tuple[type, ...]], ...] = (
    # "html": output-only settings; the pdf builder renders again when one changes, nothing is re-read.
    ("handout_subtitle", "", "html", (str,)),
    ("handout_notice", DEFAULT_NOTICE, "html", (str,)),
    ("handout_notice_short", DEFAULT_SHORT_NOTICE, "html", (str,)),
    ("handout_keywords", [], "html", (list, tuple)),
    ("handout_pdf_paper", "A4", "html", (str,)),
    ("handout_pdf_variant", "pdf/ua-1", "html", (str, type(None))),
    ("handout_pdf_toc_min_pages", 6, "html", (int,)),
    ("handout_pdf_filename", "", "html", (str,)),
    # "env": the quiz data and the default seed shape the doctrees, so pages are read again.
    ("handout_quiz_data", "quizzes", "env", (str,)),
    ("handout_quiz_seed", 0, "env", (int,)),
    # Filled in when pages are written (the answer-key page), so only output is redone.
    ("handout_quiz_answer_key", True, "html", (bool,)),
    # Read when the quiz set and the projector pages are written, which happens on every build: a
    # change needs no page read or written again.
    ("handout_quiz_versions", 3, "", (int,)),
    ("handout_quiz_questions", None, "", (int, type(None))),
    ("handout_quiz_time_limit", 30, "", (int,)),
    ("handout_quiz_countdown", True, "", (bool,)),
)

#: The time limits Kahoot's spreadsheet import accepts, in seconds; the projector uses the same value.
TIME_LIMITS = (5, 10, 20, 30, 60, 90, 120, 240)
#: Versions are lettered A to Z.
MAX_VERSIONS = 26

_SETTINGS: weakref.WeakKeyDictionary[Sphinx, HandoutConfig] = weakref.WeakKeyDictionary()


def slugify(text: str) -> str:
    """A file-name-safe, lower-case ASCII slug: ``"Peptide Secretagogues"`` → ``peptide-secretagogues``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "handout"


class HandoutConfigError(ConfigError):
    """A ``handout_*`` value that cannot be used, and where it was set."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


def where_set(config: Config, name: str) -> str:
    """``conf.py:<line>`` where ``name`` is assigned, or how else it was set."""
    if name in config.overrides:
        return "command line (-D)"
    conf_py = Path(config._raw_config.get("__file__", "conf.py"))
    try:
        lines = conf_py.read_text(encoding="utf-8").splitlines()
    except OSError:
        return conf_py.name
    assignment = re.compile(rf"\s*{re.escape(name)}\s*(?::[^=]*)?=")
    # The last assignment is the one that counts.
    for number in range(len(lines), 0, -1):
        if assignment.match(lines[number - 1]):
            return f"{conf_py}:{number}"
    return str(conf_py)


def _fail(config: Config, name: str, message: str) -> NoReturn:
    raise HandoutConfigError(where_set(config, name), f"{name} = {getattr(config, name)!r}: {message}")


def _check_type(config: Config, name: str, types: tuple[type, ...]) -> Any:
    value = getattr(config, name)
    if isinstance(value, str) and int in types and str not in types and name in config.overrides:
        # -D converts to the default's type only, so a value whose default is None arrives as text.
        if value == "None" and type(None) in types:
            value = None
        else:
            try:
                value = int(value)
            except ValueError:
                _fail(config, name, "expected a whole number" + (" or None" if type(None) in types else ""))
        setattr(config, name, value)
    # bool is an int subclass, but True pages is a mistake, not a number.
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        _fail(config, name, "expected " + " or ".join("None" if t is type(None) else t.__name__ for t in types))
    return value


def validate(app: Sphinx, config: Config) -> None:
    """Check every ``handout_*`` value; on the first bad one, report it and stop the build."""
    try:
        _SETTINGS[app] = _validated(config, Path(app.confdir))
    except HandoutConfigError as exc:
        # Sphinx prints a traceback for any exception raised here; a wrong setting deserves
        # one line that says where it is and what was expected, and exit status 2.
        # (No location= here: Sphinx resolves locations through the environment, not made yet.)
        logger.error("%s: %s", exc.where, exc.message, type="handout", subtype="config")
        raise SystemExit(2) from None


def _validated(config: Config, confdir: Path) -> HandoutConfig:
    values = {name: _check_type(config, name, types) for name, _, _, types in _VALUES}
    paper = values["handout_pdf_paper"]
    if paper not in PAPER_SIZES:
        _fail(config, "handout_pdf_paper", f"expected one of {', '.join(map(repr, PAPER_SIZES))}")
    variant = values["handout_pdf_variant"]
    if variant is not None and variant not in PDF_VARIANTS:
        _fail(config, "handout_pdf_variant", f"expected None or one of {', '.join(map(repr, PDF_VARIANTS))}")
    if values["handout_pdf_toc_min_pages"] < 0:
        _fail(config, "handout_pdf_toc_min_pages", "expected 0 (always a contents page) or a page count")
    keywords = values["handout_keywords"]
    if not all(isinstance(k, str) for k in keywords):
        _fail(config, "handout_keywords", "expected a list of strings")
    for name in ("handout_notice", "handout_notice_short"):
        if not values[name].strip():
            _fail(config, name, "expected text: the research-use notice must be printed")
    filename = values["handout_pdf_filename"] or f"{slugify(config.project)}.pdf"
    # The PDF is written in the output folder and nowhere else: no folder part ("../", "/tmp/"), no
    # Windows separator, no hidden name (".pdf" alone, "..pdf").
    if (filename != PurePosixPath(filename).name or "\\" in filename or "\0" in filename
            or filename.startswith(".") or not filename.endswith(".pdf")):
        _fail(config, "handout_pdf_filename",
              "expected a file name ending in .pdf, without a folder: the PDF is written in the output folder")
    if not values["handout_quiz_data"].strip():
        _fail(config, "handout_quiz_data", "expected a folder, relative to the configuration folder")
    if values["handout_quiz_seed"] < 0:
        _fail(config, "handout_quiz_seed", "expected a whole number, 0 or more")
    if not 1 <= values["handout_quiz_versions"] <= MAX_VERSIONS:
        _fail(config, "handout_quiz_versions", f"expected a number of versions from 1 to {MAX_VERSIONS} (A to Z)")
    if values["handout_quiz_questions"] is not None and values["handout_quiz_questions"] < 1:
        _fail(config, "handout_quiz_questions", "expected None (every question) or a positive number")
    if values["handout_quiz_time_limit"] not in TIME_LIMITS:
        _fail(config, "handout_quiz_time_limit",
              f"expected one of {', '.join(map(str, TIME_LIMITS))} seconds (the limits Kahoot accepts)")
    return HandoutConfig(
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
        quiz_data=(confdir / values["handout_quiz_data"]).resolve(),
        quiz_answer_key=values["handout_quiz_answer_key"],
        quiz_seed=values["handout_quiz_seed"],
        quiz_versions=values["handout_quiz_versions"],
        quiz_questions=values["handout_quiz_questions"],
        quiz_time_limit=values["handout_quiz_time_limit"],
        quiz_countdown=values["handout_quiz_countdown"],
    )


def get_config(app: Sphinx) -> HandoutConfig:
    """The validated settings; only valid after ``config-inited``."""
    return _SETTINGS[app]


def setup_config(app: Sphinx) -> None:
    for name, default, rebuild, types in _VALUES:
        app.add_config_value(name, default, rebuild, types=frozenset(types))
    # 799: after other extensions' handlers that might fill in project/author (default 500), and before
    # Sphinx's own type check (800), so a -D value converted here is not reported as text first.
    app.connect("config-inited", validate, priority=799)
