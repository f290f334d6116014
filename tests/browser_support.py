"""Debian's Chromium and axe-core for the browser tests: one place that knows where they are and how to
get them (Playwright drives /usr/bin/chromium and never downloads a browser)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
BROWSER_DIR = PROJECT / "tests" / "browser"
AXE = BROWSER_DIR / "node_modules" / "axe-core" / "axe.min.js"


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing; install Debian's Chromium with:  sudo apt-get install -y chromium  "
                    "(make test does it when run as root)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def axe_path() -> Path:
    """axe-core from tests/browser/node_modules, installed with ``npm ci`` when it is not there yet."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is missing, so axe-core cannot be installed for the accessibility checks: install "
                        "Node.js with npm (on Debian: sudo apt-get install -y nodejs npm), then run "
                        "npm ci --prefix tests/browser")
        proc = subprocess.run([npm, "ci", "--prefix", str(BROWSER_DIR), "--no-audit", "--no-fund"],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0 or not AXE.exists():
            pytest.fail(f"npm ci --prefix tests/browser failed:\n{proc.stdout}\n{proc.stderr}")
    return AXE
