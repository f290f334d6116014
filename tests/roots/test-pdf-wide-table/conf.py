project = "Tiny Course"
extensions = ["myst_parser", "handout"]
