"""The doctree nodes of quizzes: plain docutils elements, rendered by :mod:`handout.quiz.render`.

A quiz is built when its page is read; every word in it is a text node (never raw markup), so the
writers escape it. The tree of one quiz::

    quiz                       ids=[quiz-N], title, seed
      quiz_question            ids=[q-<slug>], qid, kind, correct, number, options, html_id
        quiz_fieldset
          quiz_stem            the question
          quiz_options         single-answer kinds: quiz_option per option (index, letter)
          quiz_match           matching: one per prompt (index)
          quiz_blank           fill-blank: accept
        quiz_answer            the answer: only on screen, never on paper
          quiz_key, quiz_rationale (with its citation), quiz_review (link to the docs section)

``quiz_answer_key`` is the placeholder of ``{quiz-answer-key}``, replaced by ordinary nodes (a
rubric and an enumerated list per quiz) once every page has been read.
"""

from __future__ import annotations

from docutils import nodes


class quiz(nodes.General, nodes.Element):
    """One quiz."""


class quiz_question(nodes.General, nodes.Element):
    """One question of a quiz."""


class quiz_fieldset(nodes.General, nodes.Element):
    """What the reader answers: the stem and the options, prompts or blank."""


class quiz_stem(nodes.Part, nodes.TextElement):
    """The question itself."""


class quiz_options(nodes.General, nodes.Element):
    """The options of a single-answer question."""


class quiz_option(nodes.Part, nodes.TextElement):
    """One option, with its ``index`` and ``letter``."""


class quiz_match(nodes.Part, nodes.TextElement):
    """One prompt of a matching question, with its ``index``; the options are on the question."""


class quiz_blank(nodes.General, nodes.Element):
    """Where a fill-blank answer is written; ``accept`` lists the accepted answers."""


class quiz_answer(nodes.General, nodes.Element):
    """The answer and why: behind a disclosure on screen, left out on paper."""


class quiz_key(nodes.Part, nodes.TextElement):
    """``Answer: B. ...``"""


class quiz_rationale(nodes.Part, nodes.TextElement):
    """Why the answer is right, with its citation."""


class quiz_review(nodes.Part, nodes.TextElement):
    """A link to the section of the docs that teaches the fact."""


class quiz_answer_key(nodes.General, nodes.Element):
    """Placeholder of ``{quiz-answer-key}``; filled when the page is written."""


QUIZ_NODES: tuple[type[nodes.Element], ...] = (
    quiz, quiz_question, quiz_fieldset, quiz_stem, quiz_options, quiz_option, quiz_match, quiz_blank,
    quiz_answer, quiz_key, quiz_rationale, quiz_review,
)
