"""Nothing outside the project enters an output (issue 12, point 2).

A tiny project (``tests/roots/test-confine``) is copied to a temporary folder; beside it, outside
the project, lie a picture and a text with a secret. The page then asks for them by a ``../`` path,
through a symlink in the project and through a symlink in ``_static/``: every build must refuse them
with a ``handout.outside`` warning at the page's line (failing under ``-W``) and copy none of them.
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest
from conftest import Build, copy_root, sphinx_build
from pypdf import PdfReader

SECRET = "outside secret 7f3a"
OUTSIDE_RED = b"\x00\xff\x00\x00"  # one red pixel (the project's own picture is green)
HOSTILE = """
![outside by path](../elsewhere/outside-secret.png)

![outside by link](outside-link.png)

{download}`a secret <../elsewhere/outside-secret.txt>`

```{literalinclude} ../elsewhere/outside-secret.txt
```
"""


def png(path: Path, pixel: bytes) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixel))
                     + chunk(b"IEND", b""))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_root(tmp_path, "test-confine")


@pytest.fixture
def hostile(project: Path, tmp_path: Path) -> Path:
    """The project, asking for files of a folder beside it: by path, and by two symlinks."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    png(elsewhere / "outside-secret.png", OUTSIDE_RED)
    (elsewhere / "outside-secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (project / "outside-link.png").symlink_to(elsewhere / "outside-secret.png")
    (project / "_static" / "outside-secret.txt").symlink_to(elsewhere / "outside-secret.txt")
    with (project / "index.md").open("a", encoding="utf-8") as page:
        page.write(HOSTILE)
    return project


def page_line(project: Path, text: str) -> int:
    lines = (project / "index.md").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def leaks(outdir: Path) -> list[str]:
    """Output files that hold the secret, the outside picture, or carry an outside file's name."""
    outside_png = (outdir.parent / "elsewhere" / "outside-secret.png").read_bytes()
    found = []
    for path in outdir.rglob("*"):
        if ".doctrees" in path.parts or not path.is_file():
            continue
        data = path.read_bytes()
        if SECRET.encode() in data or data == outside_png or path.name.startswith("outside-"):
            found.append(str(path.relative_to(outdir)))
    return found


def check_refused(build: Build, project: Path) -> None:
    assert build.returncode != 0, "the build succeeded with files from outside the project"
    assert "Traceback" not in build.stderr
    assert ".md.rst" not in build.stderr
    for text in ("outside by path", "outside by link", "a secret <", "literalinclude"):
        line = page_line(project, text)
        assert re.search(rf"index\.md:{line}: WARNING: .* is left out: it resolves to .*outside the project"
                         r".*\[handout\.outside\]", build.stderr), (text, build.stderr)


@pytest.mark.parametrize("builder", ["html", "pdf"])
def test_files_from_outside_are_refused_and_never_copied(hostile: Path, tmp_path: Path, builder: str) -> None:
    build = sphinx_build(builder, hostile, tmp_path / "out", "-q")
    check_refused(build, hostile)
    assert leaks(build.outdir) == []
    # The project's own picture is still copied and shown, the outside ones are not.
    assert (build.outdir / "_images" / "inside.png").is_file()
    if builder == "html":
        html = (build.outdir / "index.html").read_text(encoding="utf-8")
        assert html.count('src="_images/inside.png"') == 2
        assert "outside" not in html.replace("outside the project", "")
        assert re.search(r"WARNING: \S*_static/outside-secret\.txt is left out of the site: it resolves to "
                         r".*outside the project.*\[handout\.outside\]", build.stderr), build.stderr
        assert not (build.outdir / "_static" / "outside-secret.txt").exists()
        assert (build.outdir / "_static" / "site.css").is_file()
    else:
        pdf = next(build.outdir.glob("*.pdf"))
        images = [image for page in PdfReader(pdf).pages for image in page.images]
        # The project's picture (printed twice, embedded once) and nothing red from outside.
        assert images
        assert all(image.image.convert("RGB").getpixel((0, 0)) == (0, 128, 0) for image in images)


def test_an_unchanged_page_is_refused_again(hostile: Path, tmp_path: Path) -> None:
    first = sphinx_build("html", hostile, tmp_path / "out", "-q")
    again = sphinx_build("html", hostile, tmp_path / "out", "-q")
    check_refused(first, hostile)
    check_refused(again, hostile)
    assert leaks(again.outdir) == []


def test_included_text_from_outside_is_left_out(project: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "notes.md").write_text(SECRET + "\n", encoding="utf-8")
    with (project / "index.md").open("a", encoding="utf-8") as page:
        page.write("\n```{include} ../elsewhere/notes.md\n```\n")
    build = sphinx_build("html", project, tmp_path / "out", "-q")
    assert build.returncode != 0
    line = page_line(project, "{include}")
    assert re.search(rf"index\.md:{line}: WARNING: included file .*notes\.md is left out.*\[handout\.outside\]",
                     build.stderr), build.stderr
    assert SECRET not in (build.outdir / "index.html").read_text(encoding="utf-8")


def test_bib_and_quiz_data_from_outside_are_refused(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "quizzes").mkdir(parents=True)
    (elsewhere / "refs.bib").write_text("@misc{secret2099, title = {" + SECRET + "}}\n", encoding="utf-8")
    (project / "refs.bib").symlink_to(elsewhere / "refs.bib")
    (project / "quizzes").symlink_to(elsewhere / "quizzes", target_is_directory=True)
    conf = project / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace('"handout"]', '"sphinxcontrib.bibtex", "handout"]')
                    + 'bibtex_bibfiles = ["refs.bib"]\n', encoding="utf-8")
    build = sphinx_build("html", project, tmp_path / "out", "-q")
    assert build.returncode != 0
    assert "Traceback" not in build.stderr
    lines = conf.read_text(encoding="utf-8").splitlines()
    bib_line = next(n for n, line in enumerate(lines, 1) if line.startswith("bibtex_bibfiles"))
    assert re.search(rf"conf\.py:{bib_line}: WARNING: bibtex_bibfiles: refs\.bib is left out: it resolves to "
                     r".*outside the project.*\[handout\.outside\]", build.stderr), build.stderr
    assert re.search(r"WARNING: handout_quiz_data: \S*quizzes is left out: .*outside the project"
                     r".*\[handout\.outside\]", build.stderr), build.stderr
    assert not [p for p in build.outdir.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]


def test_the_project_alone_builds_cleanly(project: Path, tmp_path: Path) -> None:
    for builder in ("html", "pdf"):
        build = sphinx_build(builder, project, tmp_path / builder, "-q")
        assert build.returncode == 0, build.stderr
        assert "handout.outside" not in build.stderr
        assert (build.outdir / "_images" / "inside.png").is_file()
    assert (tmp_path / "html" / "_static" / "site.css").is_file()
    assert list((tmp_path / "html" / "_downloads").rglob("notes.txt"))
