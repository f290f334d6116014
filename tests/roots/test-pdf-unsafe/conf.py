project = "Unsafe"
extensions = ["myst_parser", "handout"]
