"""Sphinx configuration for the handout. Build with ``make`` (see README.md).

The configuration lives at the project root and the sources in ``docs/``; every
build passes ``-c .`` so both Sphinx and our tools read this one file.
"""

from __future__ import annotations

import os
import time

project = "Peptide Secretagogues"
author = "The Handout Builder team"
release = version = "0.1"
language = "en"

# A fixed date under SOURCE_DATE_EPOCH keeps builds reproducible.
_built = time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", time.time())))
today = time.strftime("%d %B %Y", _built)
copyright = f"{time.strftime('%Y', _built)}, {author}"

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "handout",
]

root_doc = "index"
exclude_patterns: list[str] = []
templates_path: list[str] = []

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

bibtex_bibfiles = ["bib/references.bib"]
bibtex_reference_style = "author_year_round"
bibtex_default_style = "plain_author_year"

# -- The handout -----------------------------------------------------------
handout_subtitle = "What they are, how the two receptor families differ, and what research reports"
handout_notice = (
    "General educational information for research-use framing only, not medical advice. "
    "Decisions about any compound belong with a qualified clinician."
)
handout_keywords = ["secretagogue", "growth hormone", "ghrelin receptor", "GHRH receptor", "peptides"]
handout_pdf_paper = "A4"
# The class quiz (`make quiz`): three versions of twenty questions, 30 seconds each on the projector.
handout_quiz_versions = 3
handout_quiz_questions = 20
handout_quiz_time_limit = 30

# -- HTML --------------------------------------------------------------------
# Furo: maintained, accessible, self-hosts all its assets (no web fonts or CDN scripts).
html_theme = "furo"
html_title = project
html_theme_options = {"announcement": handout_notice}
# Paths are relative to this file; the sources live in docs/.
html_static_path = ["docs/_static"]
html_css_files = ["site.css"]
html_last_updated_fmt = None
html_show_sourcelink = False
