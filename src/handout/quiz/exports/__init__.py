"""Exports of one quiz version to the tools classes already run quizzes on.

Each module writes one format from a :class:`~handout.quiz.versions.Version`, with
``write(version, path, ...) -> list[str]``: it writes the file at ``path`` (the caller makes the write
atomic and picks the name) and returns notes for the user, such as the questions a format cannot hold.
A note about one question starts with ``<question id>: `` (the question's own id, which the caller
rewrites into the question's number and public id before anyone sees it). The version's code and seed
go into every file, so an export can be matched with its printed sheet; ids shown in a file are
:func:`~handout.quiz.versions.public_id`, never the question's own id, which names the facts asked about.

:mod:`~handout.quiz.exports.anki` is the exception in shape: ``write(title, questions, path, ...)``, for the
whole bank or, with ``version_label``, one version. :mod:`~handout.quiz.exports.common` holds what several
exporters share (the build time from ``SOURCE_DATE_EPOCH``, reproducible zips, XML text and comments).
"""
