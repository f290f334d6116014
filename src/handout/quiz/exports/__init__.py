"""Exports of one quiz version to the tools classes already run quizzes on.

Each module writes one format from a :class:`~handout.quiz.versions.Version`, with
``write(version, path, ...) -> list[str]``: it writes the file at ``path`` (the caller makes the write
atomic and picks the name) and returns notes for the user, such as the questions a format cannot hold.
The version's code and seed go into every file, so an export can be matched with its printed sheet.
"""
