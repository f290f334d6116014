project = "Escaping"
extensions = ["myst_parser", "sphinxcontrib.bibtex", "handout"]
exclude_patterns = ["_build", "data"]
myst_heading_anchors = 3
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year_round"
bibtex_default_style = "plain_author_year"
handout_quiz_data = "data"
