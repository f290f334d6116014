"""Command line: ``handout build`` builds the site, the PDF and the class quiz, ``handout quiz`` the bank.

``handout build html|pdf|quiz`` builds a project the way the Makefile does; ``handout quiz`` checks the quiz
data (every problem as ``file:line: message``) and writes a question bank from it. The command line
exists so a project can be built without make (CI images, Windows) with the same flags: the
configuration at the project root, sources in ``docs/``, warnings as errors and nitpicky references.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import secrets
import shlex
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from handout import __version__

BUILDERS = ("html", "pdf", "quiz")
# Modules of the quiz engine imported only when a bank is generated: `--check` needs neither.


#: What ``handout build`` (and so ``make``) passes to Sphinx unless told otherwise: a warning, an unknown
#: citation key or a broken cross-reference fails the build.
STRICT_OPTIONS = ("-W", "--keep-going", "-n")


def build(project: Path, builder: str, strict: bool = True, options: Sequence[str] | None = None) -> int:
    """Run Sphinx in-process for one builder; returns its exit status.

    Sphinx writes into a staging copy of ``_build/<builder>`` (see :mod:`handout.staging`), which replaces
    the previous output only when the build succeeded: a failed build leaves the last good one as it was.
    ``options`` are extra ``sphinx-build`` options; by default :data:`STRICT_OPTIONS` (none without ``strict``).
    """
    from sphinx.cmd.build import build_main

    from handout.staging import staged_build

    if not (project / "conf.py").is_file():
        print(f"{project}: no conf.py here; expected the project root (conf.py beside docs/)", file=sys.stderr)
        return 2
    if not (project / "docs").is_dir():
        print(f"{project / 'docs'}: no such folder; expected the MyST sources there", file=sys.stderr)
        return 2
    extra = list(options) if options is not None else list(STRICT_OPTIONS if strict else ())

    def run(outdir: Path, doctreedir: Path) -> int:
        args = ["-b", builder, "-c", str(project), "-d", str(doctreedir), *extra]
        try:
            return build_main([*args, str(project / "docs"), str(outdir)])
        except SystemExit as exc:
            # A builder that ends the build with its own message (the quiz builder on bad data) exits;
            # as a status, so the staging copy is dropped and the next builder is not run.
            return exc.code if isinstance(exc.code, int) else 1

    return staged_build(project / "_build", builder, run)


def _sphinx_options(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}': {exc}") from None


# -- handout quiz ------------------------------------------------------------------------------


class UsageError(Exception):
    """A bad option value found after parsing (argparse reports it with the usage line)."""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return value


def _kind_list(text: str) -> tuple[str, ...]:
    kinds = tuple(k.strip() for k in text.split(","))
    if not all(kinds):
        raise argparse.ArgumentTypeError(f"'{text}' is not a comma-separated list of question kinds, like 'a,b'")
    return kinds


def _shown(path: Path) -> Path:
    """``path`` relative to the working folder when it lies inside it, as a maintainer would type it."""
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd())
        except ValueError:
            pass
    return path


def _os_error(exc: OSError) -> str:
    what = f"{_shown(Path(exc.filename))}: " if exc.filename is not None else ""
    return f"{what}{exc.strerror or exc}"


def _reason(exc: OSError, output: Path) -> str:
    """Why ``output`` could not be written, naming the folder or file in the way when it is not the bank."""
    reason = str(exc.strerror or exc)
    culprit = Path(exc.filename) if exc.filename is not None else output
    if culprit != output and not culprit.name.startswith(f".{output.name}."):
        reason += f": {_shown(culprit)}"
    return reason


def _check_kinds(kinds: Sequence[str] | None, known: Sequence[str]) -> None:
    unknown = [k for k in kinds or () if k not in known]
    if unknown:
        names = ", ".join(f"'{k}'" for k in unknown)
        raise UsageError(f"--kinds: unknown question kind {names}; choose from: {', '.join(known)}")


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a new file beside ``path``, then rename it over ``path``.

    A reader (a web server, the next build step) sees the old bank or the whole new one, never half of
    one; an interrupted run leaves at most a hidden ``.bank.json.*.tmp`` file behind.
    """
    if path.parent.exists() and not path.parent.is_dir():
        # mkdir would say "File exists", which reads as if all were well.
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path.parent))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    created = False
    try:
        with tmp.open("x", encoding="utf-8", newline="\n") as out:
            created = True
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        if created:
            tmp.unlink(missing_ok=True)
        raise


def _bank_json(bank: Mapping[str, Any]) -> str:
    """The bank as JSON with one question per line: readable in a diff, and written by json's C encoder
    (an indented dump goes through the pure-Python one, seconds on a course-sized bank)."""
    questions = bank.get("questions", [])
    rest = {k: v for k, v in bank.items() if k != "questions"}
    head = json.dumps(rest, ensure_ascii=False)[:-1]
    lines = ",\n".join(f"  {json.dumps(q, ensure_ascii=False)}" for q in questions)
    separator = ", " if rest else ""
    return f'{head}{separator}"questions": [\n{lines}\n]}}\n'


def _describe(coverage: Mapping[str, Any]) -> str:
    """The coverage report in words: what no question tests, and how questions spread."""
    untested = [*coverage.get("untested_terms", ()), *coverage.get("untested_compounds", ())]
    lines = [f"not tested: {', '.join(map(str, untested))}" if untested else "every term and compound is tested"]
    for name, counts in (("per family", coverage.get("questions_per_family")),
                         ("per kind", coverage.get("questions_per_kind"))):
        if isinstance(counts, Mapping) and counts:
            lines.append(f"questions {name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return "\n".join(lines)


def quiz(args: argparse.Namespace) -> int:
    """``handout quiz``: exit status 0 when the data is fine (and the bank written), 1 otherwise."""
    from handout.quiz.loader import DataError, DataErrors, load_quiz_data

    if args.kinds and not args.check:
        # A typo in --kinds is a usage error: say so before reading any data.
        from handout.quiz.generator import KIND_ALIASES, KINDS

        _check_kinds(args.kinds, [*KINDS, *KIND_ALIASES])
    if not args.docs.is_dir():
        print(f"{args.docs}: no such folder; expected the docs pages the data's 'section' fields point to",
              file=sys.stderr)
        return 1
    try:
        data = load_quiz_data(args.data, bibfile=args.bib, docs=args.docs)
    except DataErrors as exc:
        for error in exc.errors:
            print(DataError(_shown(error.file), error.line, error.message), file=sys.stderr)
        return 1
    import handout.quiz.bib as bib
    import handout.quiz.generator as generator

    # Without --count the command writes the whole bank (every fact once); with it, one enemy-free form.
    # --check reports on the whole bank, whatever --count and --kinds say: it is about the data.
    if args.check:
        form = generator.generate(data, seed=args.seed, count=None, kinds=None, citations=bib.cite_labels(args.bib),
                                  bank=True)
    else:
        form = generator.generate(data, seed=args.seed, count=args.count, kinds=args.kinds,
                                  citations=bib.cite_labels(args.bib), bank=args.count is None)
    if args.check:
        # What the rules of item writing left unasked, so the data can be fixed (see quizzes/README.md).
        print(f"ok: {len(data.terms)} terms, {len(data.families)} families, {len(data.compounds)} compounds; "
              f"the bank asks {len(form.questions)} question(s)")
        for line in generator.describe_unasked(form.unasked):
            print(f"  {line}")
        return 0
    bank = form.as_dict()
    text = _bank_json(bank)
    try:
        write_atomically(args.output, text)
    except OSError as exc:
        print(f"{_shown(args.output)}: cannot write the question bank: {_reason(exc, args.output)}",
              file=sys.stderr)
        return 1
    for note in [*form.notes, *generator.describe_unasked(form.unasked)]:
        print(f"note: {note}", file=sys.stderr)
    questions = bank.get("questions", ()) if isinstance(bank, Mapping) else ()
    summary = f"wrote {_shown(args.output)}: {len(questions)} questions (seed {args.seed})"
    print(f"{summary}\n{_describe(form.coverage)}", file=sys.stderr)
    return 0


def _add_quiz_parser(commands: Any) -> argparse.ArgumentParser:
    cmd: argparse.ArgumentParser = commands.add_parser(
        "quiz", help="check the quiz data and write a question bank (JSON) from it",
        description="Check the quiz data (every problem as file:line: message) and write a question bank.")
    cmd.add_argument("--data", type=Path, default=Path("quizzes"), help="quiz data folder (default: quizzes)")
    cmd.add_argument("--bib", type=Path, default=Path("bib/references.bib"),
                     help="BibTeX file the citation keys come from (default: bib/references.bib)")
    cmd.add_argument("--docs", type=Path, default=Path("docs"),
                     help="docs folder the 'section' fields point into (default: docs)")
    cmd.add_argument("--seed", type=int, default=0, help="seed for choosing and ordering questions (default: 0)")
    cmd.add_argument("--count", type=_positive, help="number of questions (default: the generator's)")
    cmd.add_argument("--kinds", type=_kind_list, metavar="KIND[,KIND...]",
                     help="question kinds to generate, comma-separated (default: all)")
    cmd.add_argument("--output", type=Path, default=Path("_build/quiz/bank.json"),
                     help="where to write the bank (default: _build/quiz/bank.json)")
    cmd.add_argument("--check", action="store_true",
                     help="only check the data; print a one-line summary and write nothing")
    return cmd


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="handout", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build the site, the PDF or the class quiz set into _build/")
    build_cmd.add_argument("builders", nargs="*", choices=BUILDERS, default=list(BUILDERS), metavar="html|pdf|quiz")
    build_cmd.add_argument("--project", type=Path, default=Path.cwd(), help="project root (default: here)")
    build_cmd.add_argument("--no-strict", dest="strict", action="store_false", help="warnings do not fail the build")
    build_cmd.add_argument("--sphinx-opts", dest="sphinx_options", type=_sphinx_options, metavar="OPTIONS",
                           help="sphinx-build options, in one argument as a shell would split them "
                                "(--sphinx-opts='-W -n -j auto'); replace the default: "
                                f"'{' '.join(STRICT_OPTIONS)}' (none with --no-strict)")
    quiz_cmd = _add_quiz_parser(commands)
    args = parser.parse_args(argv)

    if args.command == "quiz":
        try:
            return quiz(args)
        except UsageError as exc:
            quiz_cmd.error(str(exc))
        except OSError as exc:
            # An unreadable data file or bib file: one line, never a traceback.
            print(_os_error(exc), file=sys.stderr)
            return 1

    for builder in args.builders:
        status = build(args.project.resolve(), builder, args.strict, args.sphinx_options)
        if status:
            return status
    return 0
