"""Command line: ``handout build html|pdf`` builds a project the way the Makefile does.

It exists so a project can be built without make (CI images, Windows) with the same flags: the
configuration at the project root, sources in ``docs/``, warnings as errors and nitpicky references.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from handout import __version__

BUILDERS = ("html", "pdf")


def build(project: Path, builder: str, strict: bool = True) -> int:
    """Run Sphinx in-process for one builder; returns its exit status."""
    from sphinx.cmd.build import build_main

    if not (project / "conf.py").is_file():
        print(f"{project}: no conf.py here; expected the project root (conf.py beside docs/)", file=sys.stderr)
        return 2
    if not (project / "docs").is_dir():
        print(f"{project / 'docs'}: no such folder; expected the MyST sources there", file=sys.stderr)
        return 2
    out = project / "_build"
    args = ["-b", builder, "-c", str(project), "-d", str(out / "doctrees" / builder)]
    if strict:
        args += ["-W", "--keep-going", "-n"]
    return build_main([*args, str(project / "docs"), str(out / builder)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="handout", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build the HTML site or the PDF handout into _build/")
    build_cmd.add_argument("builders", nargs="*", choices=BUILDERS, default=list(BUILDERS), metavar="html|pdf")
    build_cmd.add_argument("--project", type=Path, default=Path.cwd(), help="project root (default: here)")
    build_cmd.add_argument("--no-strict", dest="strict", action="store_false", help="warnings do not fail the build")
    args = parser.parse_args(argv)

    for builder in args.builders:
        status = build(args.project.resolve(), builder, args.strict)
        if status:
            return status
    return 0
