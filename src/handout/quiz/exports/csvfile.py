"""CSV for one version, for anything the other exports do not serve: one row per question, in sheet order.

Columns: ``version`` (the code, ``B``) and ``seed``, which the printed sheet shows as "Version B (seed 0)";
``number`` (the question's number on that sheet); ``id``, the question's
:func:`~handout.quiz.versions.public_id` (stable, and unlike the question's own id it names no fact,
such as the right answer, to whoever opens the file) and ``kind``; ``question`` (the stem);
``option_a`` to ``option_d``, blank when a question has fewer (true/false: "True", "False"; matching: the
options the prompts are matched with; fill-blank: none); ``prompts``, a matching question's prompts, one
per line and numbered as on the sheet; ``correct``, the answer as the key prints it (``B``; matching
``1-B 2-A``; fill-blank the accepted words) and ``correct_text`` in words; ``rationale``; ``citations``,
the author-year labels of the sources, ``; ``-separated; ``section``, the docs page and anchor to review.

Texts are written exactly as in the quiz, with nothing added: a cell that starts with ``=`` is text to
any CSV reader, though a spreadsheet that opens the file may take it for a formula.

The file is UTF-8 with a byte order mark: Excel reads a CSV without one in the system's legacy code page
(Windows-1252 in Western Europe), which garbles Greek letters and every other non-ASCII character; with
the mark it reads UTF-8, and other CSV readers skip it (Python's ``utf-8-sig``). Quoting and line ends
follow RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled, records end in CRLF.
"""

from __future__ import annotations

import csv
from pathlib import Path

from handout.quiz.versions import Version, answer_letters, answer_text, public_id

OPTION_COLUMNS = tuple(f"option_{letter}" for letter in "abcd")
HEADER = ("version", "seed", "number", "id", "kind", "question", *OPTION_COLUMNS, "prompts", "correct",
          "correct_text", "rationale", "citations", "section")


def write(version: Version, path: Path) -> list[str]:
    """Write ``version`` as CSV at ``path``; return one note per question with more options than columns."""
    notes: list[str] = []
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, dialect="excel", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(HEADER)
        for number, question in enumerate(version.questions, 1):
            options = list(question.options)
            if len(options) > len(OPTION_COLUMNS):
                # The generator never makes more than four; say so rather than drop one unseen.
                notes.append(f"{question.id}: options after the fourth are in no column of the CSV")
            options += [""] * (len(OPTION_COLUMNS) - len(options))
            writer.writerow((
                version.code,
                str(version.seed),
                str(number),
                public_id(question),
                question.kind,
                question.stem,
                *options[:len(OPTION_COLUMNS)],
                "\n".join(f"{i}. {prompt}" for i, prompt in enumerate(question.prompts, 1)),
                answer_letters(question),
                answer_text(question),
                question.rationale,
                "; ".join(version.citations.get(key, key) for key in question.cite),
                question.section,
            ))
    return notes
