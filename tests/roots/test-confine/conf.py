project = "Confined"
extensions = ["myst_parser", "handout"]
myst_enable_extensions = ["colon_fence"]
html_static_path = ["_static"]
handout_pdf_toc_min_pages = 0
