"""How quiz nodes are written: interactive HTML for the site, numbered questions for paper.

* ``html`` (and every builder that falls back to it: dirhtml, singlehtml, epub): the markup the quiz
  script (``quiz/static/quiz.js``) relies on, tested element by element in
  ``tests/test_quiz_directives.py``: ``section.handout-quiz#quiz-N[data-quiz-seed]`` with a title
  ``#quiz-N-title`` (one heading level below the enclosing section), ``ol.handout-quiz-questions`` of
  ``li.handout-quiz-question#q-<slug>[data-qid][data-kind][data-correct]``, each a ``fieldset`` (legend,
  then radios, selects or a text box with ``data-accept``), a ``div.handout-quiz-feedback`` live region
  and a ``details.handout-quiz-answer`` (key, rationale with citation links, review link); then
  ``p.handout-quiz-score`` and a hidden ``button.handout-quiz-retry``. Without the script the answer
  is still there, in the ``<details>``.
* ``pdf`` and ``text``: numbered questions, lettered options, a line to write on; no answers (the
  answer key, ``{quiz-answer-key}``, carries them).
* ``latex``, ``man``, ``texinfo``: quizzes are left out.

Every data string reaches the output through a text node or :func:`html.escape`, never as markup.
"""

from __future__ import annotations

import json
import posixpath
from html import escape
from typing import TYPE_CHECKING, Any

from docutils import nodes

from handout.quiz import nodes as qn

if TYPE_CHECKING:
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.text import TextTranslator

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def letter(index: int) -> str:
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _heading_level(self: HTML5Translator) -> int:
    # One level below the section the quiz is in, so the document outline stays whole.
    return min(self.section_level + 1, 6)


# -- HTML: the interactive quiz -----------------------------------------------------------------


def visit_quiz_html(self: HTML5Translator, node: qn.quiz) -> None:
    qid = node["ids"][0]
    level = _heading_level(self)
    self.body.append(
        f'<section class="handout-quiz" id="{_attr(qid)}" data-quiz-seed="{_attr(node["seed"])}" '
        f'aria-labelledby="{_attr(qid)}-title">\n'
        f'<h{level} class="handout-quiz-title" id="{_attr(qid)}-title">{self.encode(node["title"])}</h{level}>\n'
        '<ol class="handout-quiz-questions">\n'
    )


def depart_quiz_html(self: HTML5Translator, node: qn.quiz) -> None:
    self.body.append(
        "</ol>\n"
        '<p class="handout-quiz-score" aria-live="polite"></p>\n'
        '<button type="button" class="handout-quiz-retry" hidden>Try again with a new order</button>\n'
        f"{_projector_link(self, node)}"
        "</section>\n"
    )


def _projector_link(self: HTML5Translator, node: qn.quiz) -> str:
    """A link to the quiz's projector page (written after the build by the HTML builders)."""
    builder = self.builder
    if builder.name == "pdf":
        return ""
    from handout.quiz.domain import projector_page

    docname = builder.current_docname
    page = projector_page(docname, node["ids"][0])
    here = posixpath.dirname(builder.get_target_uri(docname))
    href = posixpath.relpath(page, here or ".")
    return (f'<p class="handout-quiz-projector"><a href="{_attr(href)}">Show this quiz on a projector</a> '
            "(one question at a time, full screen)</p>\n")


def visit_question_html(self: HTML5Translator, node: qn.quiz_question) -> None:
    correct = ",".join(str(i) for i in node["correct"])
    self.body.append(
        f'<li class="handout-quiz-question" id="{_attr(node["ids"][0])}" data-qid="{_attr(node["qid"])}" '
        f'data-kind="{_attr(node["kind"])}" data-correct="{_attr(correct)}">\n'
    )


def depart_question_html(self: HTML5Translator, node: qn.quiz_question) -> None:
    self.body.append("</li>\n")


def visit_fieldset_html(self: HTML5Translator, node: qn.quiz_fieldset) -> None:
    self.body.append("<fieldset>\n")


def depart_fieldset_html(self: HTML5Translator, node: qn.quiz_fieldset) -> None:
    self.body.append('</fieldset>\n<div class="handout-quiz-feedback" aria-live="polite"></div>\n')


def visit_stem_html(self: HTML5Translator, node: qn.quiz_stem) -> None:
    self.body.append("<legend>")


def depart_stem_html(self: HTML5Translator, node: qn.quiz_stem) -> None:
    self.body.append("</legend>\n")


def visit_options_html(self: HTML5Translator, node: qn.quiz_options) -> None:
    self.body.append('<div class="handout-quiz-options">\n')


def depart_options_html(self: HTML5Translator, node: qn.quiz_options) -> None:
    self.body.append("</div>\n")


def visit_option_html(self: HTML5Translator, node: qn.quiz_option) -> None:
    name, index = node["name"], node["index"]
    self.body.append(
        f'<div class="handout-quiz-option"><input type="radio" name="{_attr(name)}" id="{_attr(name)}-{index}" '
        f'value="{index}"><label for="{_attr(name)}-{index}"><span class="handout-quiz-letter">'
        f"{letter(index)}.</span> "
    )


def depart_option_html(self: HTML5Translator, node: qn.quiz_option) -> None:
    self.body.append("</label></div>\n")


def visit_match_html(self: HTML5Translator, node: qn.quiz_match) -> None:
    name, index = node["name"], node["index"]
    self.body.append(f'<div class="handout-quiz-match"><label for="{_attr(name)}-m{index}">')


def depart_match_html(self: HTML5Translator, node: qn.quiz_match) -> None:
    name, index = node["name"], node["index"]
    options = "".join(f'<option value="{j}">{escape(text)}</option>' for j, text in enumerate(node["options"]))
    self.body.append(
        f'</label><select id="{_attr(name)}-m{index}" data-prompt="{index}"><option value="">Choose…</option>'
        f"{options}</select></div>\n"
    )


def visit_blank_html(self: HTML5Translator, node: qn.quiz_blank) -> None:
    name = node["name"]
    accept = json.dumps(list(node["accept"]), ensure_ascii=False)
    self.body.append(
        f'<input type="text" id="{_attr(name)}-text" data-accept="{_attr(accept)}" autocomplete="off" '
        f'aria-label="Your answer"><button type="button" class="handout-quiz-check">Check</button>\n'
    )
    raise nodes.SkipNode


def visit_answer_html(self: HTML5Translator, node: qn.quiz_answer) -> None:
    self.body.append('<details class="handout-quiz-answer"><summary>Show the answer</summary>\n')


def depart_answer_html(self: HTML5Translator, node: qn.quiz_answer) -> None:
    self.body.append("</details>\n")


def _paragraph_html(css_class: str) -> tuple[Any, Any]:
    def visit(self: HTML5Translator, node: nodes.Element) -> None:
        self.body.append(f'<p class="{css_class}">')

    def depart(self: HTML5Translator, node: nodes.Element) -> None:
        self.body.append("</p>\n")

    return visit, depart


# -- Print (the pdf builder's HTML): numbered questions, lettered options, no answers ------------


def visit_quiz_print(self: HTML5Translator, node: qn.quiz) -> None:
    level = _heading_level(self)
    qid = node["ids"][0]
    self.body.append(
        f'<section class="handout-quiz handout-quiz-print" id="{_attr(qid)}" aria-labelledby="{_attr(qid)}-title">\n'
        f'<h{level} class="handout-quiz-title" id="{_attr(qid)}-title">{self.encode(node["title"])}</h{level}>\n'
        '<ol class="handout-quiz-questions">\n'
    )


def depart_quiz_print(self: HTML5Translator, node: qn.quiz) -> None:
    self.body.append("</ol>\n</section>\n")


def visit_question_print(self: HTML5Translator, node: qn.quiz_question) -> None:
    self.body.append(f'<li class="handout-quiz-question" id="{_attr(node["ids"][0])}">\n')


def visit_fieldset_print(self: HTML5Translator, node: qn.quiz_fieldset) -> None:
    return


def depart_fieldset_print(self: HTML5Translator, node: qn.quiz_fieldset) -> None:
    return


def visit_stem_print(self: HTML5Translator, node: qn.quiz_stem) -> None:
    number = node.parent.parent["number"]
    self.body.append(f'<p class="handout-quiz-stem"><span class="handout-quiz-number">{number}.</span> ')


def depart_stem_print(self: HTML5Translator, node: qn.quiz_stem) -> None:
    self.body.append("</p>\n")


def visit_options_print(self: HTML5Translator, node: qn.quiz_options) -> None:
    self.body.append('<ul class="handout-quiz-options">\n')


def depart_options_print(self: HTML5Translator, node: qn.quiz_options) -> None:
    self.body.append("</ul>\n")


def visit_option_print(self: HTML5Translator, node: qn.quiz_option) -> None:
    mark = letter(node["index"])
    self.body.append(f'<li class="handout-quiz-option"><span class="handout-quiz-letter">{mark}.</span> ')


def depart_option_print(self: HTML5Translator, node: qn.quiz_option) -> None:
    self.body.append("</li>\n")


def visit_match_print(self: HTML5Translator, node: qn.quiz_match) -> None:
    if node["index"] == 0:
        self.body.append('<ol class="handout-quiz-prompts">\n')
    self.body.append(f'<li class="handout-quiz-prompt"><span class="handout-quiz-number">{node["index"] + 1}.</span> ')


def depart_match_print(self: HTML5Translator, node: qn.quiz_match) -> None:
    self.body.append(' <span class="handout-quiz-line" aria-hidden="true"></span></li>\n')
    if node["last"]:
        self.body.append('</ol>\n<ul class="handout-quiz-options handout-quiz-match-options">\n')
        for j, text in enumerate(node["options"]):
            self.body.append(f'<li class="handout-quiz-option"><span class="handout-quiz-letter">{letter(j)}.</span> '
                             f"{escape(text)}</li>\n")
        self.body.append("</ul>\n")


def visit_blank_print(self: HTML5Translator, node: qn.quiz_blank) -> None:
    self.body.append('<p class="handout-quiz-write">Answer: <span class="handout-quiz-line" aria-hidden="true">'
                     "</span></p>\n")
    raise nodes.SkipNode


def skip(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


def noop(self: Any, node: nodes.Element) -> None:
    return


# -- Text: the same as paper -------------------------------------------------------------------

LINE = "_" * 30


def visit_quiz_text(self: TextTranslator, node: qn.quiz) -> None:
    self.new_state(0)
    self.add_text(node["title"])
    self.end_state()


def visit_stem_text(self: TextTranslator, node: qn.quiz_stem) -> None:
    self.new_state(0)
    self.add_text(f"{node.parent.parent['number']}. ")


def depart_block_text(self: TextTranslator, node: nodes.Element) -> None:
    self.end_state()


def visit_option_text(self: TextTranslator, node: qn.quiz_option) -> None:
    self.new_state(3)
    self.add_text(f"{letter(node['index'])}. ")


def depart_option_text(self: TextTranslator, node: qn.quiz_option) -> None:
    # A blank line after the last option, none between options.
    self.end_state(end=("",) if node is node.parent.children[-1] else None)


def visit_match_text(self: TextTranslator, node: qn.quiz_match) -> None:
    self.new_state(3)
    self.add_text(f"{node['index'] + 1}. ")


def depart_match_text(self: TextTranslator, node: qn.quiz_match) -> None:
    self.add_text(f" {LINE[:12]}")
    last = node["last"]
    self.end_state(end=("",) if last else None)
    if last:
        for j, text in enumerate(node["options"]):
            self.new_state(3)
            self.add_text(f"{letter(j)}. {text}")
            self.end_state(end=None)


def visit_options_text(self: TextTranslator, node: qn.quiz_options) -> None:
    return


def depart_options_text(self: TextTranslator, node: qn.quiz_options) -> None:
    return


def visit_blank_text(self: TextTranslator, node: qn.quiz_blank) -> None:
    self.new_state(3)
    self.add_text(f"Answer: {LINE}")
    self.end_state()
    raise nodes.SkipNode


# -- Registration --------------------------------------------------------------------------------

_OTHERS = ("latex", "man", "texinfo")


def handlers() -> dict[type[nodes.Element], dict[str, tuple[Any, Any]]]:
    """Visitors per node class and builder, for ``app.add_node``."""
    para = {cls: _paragraph_html(css) for cls, css in (
        (qn.quiz_key, "handout-quiz-key"), (qn.quiz_rationale, "handout-quiz-rationale"),
        (qn.quiz_review, "handout-quiz-review"))}
    table: dict[type[nodes.Element], dict[str, tuple[Any, Any]]] = {
        qn.quiz: {"html": (visit_quiz_html, depart_quiz_html), "pdf": (visit_quiz_print, depart_quiz_print),
                  "text": (visit_quiz_text, noop)},
        qn.quiz_question: {"html": (visit_question_html, depart_question_html),
                           "pdf": (visit_question_print, depart_question_html), "text": (noop, noop)},
        qn.quiz_fieldset: {"html": (visit_fieldset_html, depart_fieldset_html),
                           "pdf": (visit_fieldset_print, depart_fieldset_print), "text": (noop, noop)},
        qn.quiz_stem: {"html": (visit_stem_html, depart_stem_html), "pdf": (visit_stem_print, depart_stem_print),
                       "text": (visit_stem_text, depart_block_text)},
        qn.quiz_options: {"html": (visit_options_html, depart_options_html),
                          "pdf": (visit_options_print, depart_options_print),
                          "text": (visit_options_text, depart_options_text)},
        qn.quiz_option: {"html": (visit_option_html, depart_option_html),
                         "pdf": (visit_option_print, depart_option_print),
                         "text": (visit_option_text, depart_option_text)},
        qn.quiz_match: {"html": (visit_match_html, depart_match_html), "pdf": (visit_match_print, depart_match_print),
                        "text": (visit_match_text, depart_match_text)},
        qn.quiz_blank: {"html": (visit_blank_html, None), "pdf": (visit_blank_print, None),
                        "text": (visit_blank_text, None)},
        qn.quiz_answer: {"html": (visit_answer_html, depart_answer_html), "pdf": (skip, None), "text": (skip, None)},
        **{cls: {"html": pair, "pdf": (skip, None), "text": (skip, None)} for cls, pair in para.items()},
        qn.quiz_answer_key: {"html": (skip, None), "pdf": (skip, None), "text": (skip, None)},
    }
    for builders in table.values():
        builders.update({name: (skip, None) for name in _OTHERS})
    return table
