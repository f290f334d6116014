"""Sphinx extensions that turn one project into an HTML site, a PDF handout and review quizzes.

Add ``"handout"`` to ``extensions`` in ``conf.py``; each feature lives in its own module and is
wired in by a ``setup_<feature>(app)`` call below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def setup(app: Sphinx) -> ExtensionMetadata:
    from handout.citations import setup_citations
    from handout.config import setup_config
    from handout.confine import setup_confine
    from handout.pdf import setup_pdf
    from handout.quiz.classroom import setup_classroom
    from handout.quiz.sphinx import setup_quiz

    setup_config(app)
    setup_confine(app)
    setup_citations(app)
    setup_pdf(app)
    setup_quiz(app)
    setup_classroom(app)
    return {
        "version": __version__,
        # Bump when the data this extension keeps in the environment changes shape.
        "env_version": 3,
        # Reading: the quiz domain merges what parallel readers recorded (quizzes, answer-key
        # pages, data used, data loaded) and glossary terms go through the std domain. Writing:
        # the answer key is filled by a post-transform in the main process, visitors are pure,
        # and the PDF builder renders once in the main process.
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
