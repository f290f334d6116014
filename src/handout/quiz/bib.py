"""Citation labels for quiz questions: the same "Nass et al., 2008" the HTML and the PDF print."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from handout.citations import author_year_label


def cite_labels(bibfile: Path) -> dict[str, str]:
    """Map every entry key of ``bibfile`` to its author-year label, e.g. ``nass2008`` → ``Nass et al., 2008``.

    The label comes from :func:`handout.citations.author_year_label`, the function the Sphinx
    extension labels the bibliography with, so a question's rationale cites a study by the words the
    handout's text uses. Keys keep the spelling of the file.
    """
    # The loader (which keys exist) and the renderers (how to label them) both ask; parse once per
    # version of the file.
    return dict(_labels(str(bibfile.resolve()), bibfile.stat().st_mtime_ns))


@lru_cache(maxsize=16)
def _labels(path: str, mtime_ns: int) -> dict[str, str]:
    from pybtex.database import parse_file

    data = parse_file(path, bib_format="bibtex")
    return {str(key): author_year_label(entry) for key, entry in data.entries.items()}
