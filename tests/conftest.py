"""Shared fixtures: Sphinx's own test fixtures for the tiny projects under ``tests/roots``, and
one real build of the handout per test session (HTML and PDF), read back as a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

pytest_plugins = ("sphinx.testing.fixtures",)

PROJECT = Path(__file__).resolve().parent.parent
SPHINX_BUILD = [sys.executable, "-m", "sphinx"]
# A fixed date makes the PDF reproducible and the title block predictable.
EPOCH = "1700000000"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, one for the whole session: Playwright's sync API allows one driver at a time."""
    from browser_support import launch_chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).resolve().parent / "roots"


def copy_root(tmp_path: Path, name: str) -> Path:
    """A private copy of ``tests/roots/<name>`` for a test that edits or builds it by hand."""
    src = tmp_path / "src"
    shutil.copytree(Path(__file__).resolve().parent / "roots" / name, src)
    return src


@dataclass
class Build:
    outdir: Path
    returncode: int
    stdout: str
    stderr: str


def sphinx_build(builder: str, srcdir: Path, outdir: Path, *extra: str, confdir: Path | None = None,
                 env: dict[str, str] | None = None) -> Build:
    """Run ``sphinx-build`` the way the Makefile does (warnings are errors, nitpicky)."""
    args = [*SPHINX_BUILD, "-b", builder, "-W", "--keep-going", "-n", "-d", str(outdir / ".doctrees"), *extra]
    if confdir is not None:
        args += ["-c", str(confdir)]
    proc = subprocess.run(
        [*args, str(srcdir), str(outdir)],
        capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})},
        check=False,
    )
    return Build(outdir, proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def handout_html(tmp_path_factory: pytest.TempPathFactory) -> Build:
    build = sphinx_build("html", PROJECT / "docs", tmp_path_factory.mktemp("html"), confdir=PROJECT)
    assert build.returncode == 0, build.stderr
    return build


@pytest.fixture(scope="session")
def handout_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build = sphinx_build("pdf", PROJECT / "docs", tmp_path_factory.mktemp("pdf"), confdir=PROJECT)
    assert build.returncode == 0, build.stderr
    pdfs = list(build.outdir.glob("*.pdf"))
    assert len(pdfs) == 1, pdfs
    return pdfs[0]
