"""``make serve``: the live preview rebuilds on every input the build reads, not only the pages.

The command is the Makefile's own ``serve`` recipe (read with ``make -n``), run in a copy of a small
project laid out like this one (conf.py at the top, pages in docs/, bib/, quizzes/): a real
sphinx-autobuild on a real port. An edit to a quiz definition, and a conf.py saved the way editors
save (a new file moved over the old one), must each show in the served HTML within seconds.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import EPOCH, PROJECT

TIMEOUT = 30.0
# The Makefile whose recipe is tried; another path lets a copy with a planted bug be tried instead.
MAKEFILE = Path(os.environ.get("HANDOUT_TEST_MAKEFILE", PROJECT / "Makefile"))


def serve_command() -> str:
    """The sphinx-autobuild command of ``make serve``, with this venv's tools and a free port."""
    bin_dir = Path(sys.executable).parent
    proc = subprocess.run(["make", "-C", str(PROJECT), "-f", str(MAKEFILE), "-n", "-s", "--no-print-directory", "serve",
                           f"BIN={bin_dir}", "SERVEOPTS=--port 0"],
                          capture_output=True, text=True, check=True)
    commands = proc.stdout.replace("\\\n", " ").splitlines()
    found = [c for c in commands if "sphinx-autobuild" in c]
    assert len(found) == 1, proc.stdout
    return found[0]


def small_project(tmp_path: Path) -> Path:
    """tests/roots/test-quiz with the handout's layout: conf.py on top, docs/, bib/, quizzes/."""
    root = PROJECT / "tests" / "roots" / "test-quiz"
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    for page in root.glob("*.md"):
        shutil.copy(page, project / "docs")
    (project / "bib").mkdir()
    shutil.copy(root / "refs.bib", project / "bib" / "refs.bib")
    shutil.copytree(root / "data", project / "quizzes")
    # The recipe watches the package's folder too; here the installed package is the one imported.
    (project / "src" / "handout").mkdir(parents=True)
    conf = (root / "conf.py").read_text(encoding="utf-8")
    conf = conf.replace('"refs.bib"', '"bib/refs.bib"').replace('handout_quiz_data = "data"',
                                                                 'handout_quiz_data = "quizzes"')
    assert "bib/refs.bib" in conf and '"quizzes"' in conf
    (project / "conf.py").write_text(conf, encoding="utf-8")
    return project


@dataclass
class Served:
    proc: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)
    base: str = ""

    def log(self) -> str:
        return "".join(self.output)

    def get(self, page: str) -> str:
        try:
            with urllib.request.urlopen(f"{self.base}/{page}", timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, ConnectionError):
            return ""

    def wait_for(self, page: str, text: str, timeout: float = TIMEOUT) -> float:
        """Seconds until ``text`` is in the served ``page``; fails after ``timeout``."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            assert self.proc.poll() is None, f"sphinx-autobuild ended:\n{self.log()}"
            if text in self.get(page):
                return time.monotonic() - start
            time.sleep(0.3)
        pytest.fail(f"{text!r} not in the served {page} after {timeout} s:\n{self.log()}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Served, Path]]:
    project = small_project(tmp_path)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "SOURCE_DATE_EPOCH": EPOCH}
    proc = subprocess.Popen(["bash", "-c", serve_command()], cwd=project, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    server = Served(proc)
    reader = threading.Thread(target=lambda: server.output.extend(iter(proc.stdout.readline, "")),  # type: ignore[union-attr]
                              daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not server.base:
            assert proc.poll() is None, f"sphinx-autobuild ended:\n{server.log()}"
            assert time.monotonic() < deadline, f"sphinx-autobuild never said where it serves:\n{server.log()}"
            found = re.search(r"Serving on (http://127\.0\.0\.1:\d+)", server.log())
            if found:
                server.base = found.group(1)
            time.sleep(0.2)
        server.wait_for("glossary.html", "A stick strung with horsehair", timeout=60)
        yield server, project
    finally:
        # Only the process group this fixture started (bash, sphinx-autobuild and its builds).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        reader.join(timeout=5)


def test_recipe_watches_every_input() -> None:
    command = shlex.split(serve_command())
    watched = {command[n + 1] for n, arg in enumerate(command) if arg == "--watch"}
    assert {"conf.py", "bib", "quizzes", "src/handout"} <= watched, command


def test_quiz_data_and_conf_edits_show_within_seconds(served: tuple[Served, Path]) -> None:
    server, project = served
    # A definition in the quiz data: the glossary page that shows it is read again.
    glossary = project / "quizzes" / "glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    assert "A stick strung with horsehair" in text
    glossary.write_text(text.replace("A stick strung with horsehair", "A rod strung with nylon"), encoding="utf-8")
    seconds = server.wait_for("glossary.html", "A rod strung with nylon")
    assert "A stick strung with horsehair" not in server.get("glossary.html")
    print(f"quiz data edit served after {seconds:.1f} s")
    # conf.py saved as most editors save it: a new file renamed over the old one.
    conf = project / "conf.py"
    new = project / "conf.py.new"
    new.write_text(conf.read_text(encoding="utf-8").replace('"Quiz Course"', '"Renamed Course"'), encoding="utf-8")
    os.replace(new, conf)
    server.wait_for("index.html", "Renamed Course")
    # A second save the same way still counts (a watch on the old file would have ended).
    new.write_text(conf.read_text(encoding="utf-8").replace('"Renamed Course"', '"Course Renamed Twice"'),
                   encoding="utf-8")
    os.replace(new, conf)
    server.wait_for("index.html", "Course Renamed Twice")
