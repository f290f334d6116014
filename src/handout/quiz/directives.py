"""Directives that build parts of the handout from the quiz data.

``{quiz}``
    A review quiz generated from the data (options ``:kinds:``, ``:count:``, ``:seed:``, ``:title:``,
    ``:data:``).
``{quiz-answer-key}``
    The answers of every quiz of the project, filled in when the page is written.
``{compound-table}``
    The families table: one row per item and group, with findings, evidence and citations.
``{quiz-glossary}``
    A Sphinx glossary of the data's terms (aliases as extra terms), so ``{term}`` roles resolve.

Each page that uses the data depends on its files: editing ``quizzes/compounds.yaml`` reads exactly
those pages again. Citations are the same ``pending_xref`` nodes sphinxcontrib-bibtex's ``cite:p``
role makes, registered with its domain, so the bibliography lists them and the text reads alike.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.domains.std import make_glossary_term
from sphinx.util.docutils import SphinxDirective

from handout.quiz import nodes as qn
from handout.quiz.domain import KeyEntry, QuizDomain, QuizRecord, Source
from handout.quiz.generator import KINDS, Question, canonical_kinds, generate
from handout.quiz.model import slug
from handout.quiz.render import letter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec

DEFAULT_TITLE = "Review quiz"
DASH = "\u2013"  # en dash: "1\u2013B"


def kinds_option(argument: str | None) -> tuple[str, ...]:
    kinds = canonical_kinds(k.strip() for k in (argument or "").split(",") if k.strip())
    unknown = [k for k in kinds if k not in KINDS]
    if not kinds or unknown:
        raise ValueError(f"unknown question kind(s) {', '.join(unknown) or '(none given)'}; "
                         f"known kinds: {', '.join(KINDS)}")
    return kinds


# -- Citations and section links ---------------------------------------------------------------


def cite_reference(env: BuildEnvironment, document: nodes.document | None, keys: Sequence[str],
                   line: int | None, labels: dict[str, str]) -> nodes.Node:
    """A ``{cite:p}`` reference to ``keys``, made as sphinxcontrib-bibtex's role makes it.

    With ``document`` (read time) the reference is registered with the bibtex domain, so the
    bibliography counts the keys as cited; without it (the answer key, filled at write time) it only
    resolves, which is enough for keys the quizzes cited already. Without sphinxcontrib-bibtex the
    labels are plain text.
    """
    target = ",".join(keys)
    if "cite" not in env.domains:
        return nodes.Text(f"({'; '.join(labels.get(k, k) for k in keys)})")
    ref = addnodes.pending_xref(target, refdomain="cite", reftype="p", reftarget=target, refexplicit=False,
                                refwarn=True, refdoc=env.docname if document is not None else "")
    ref += nodes.inline(target, target, classes=["xref", "cite", "cite-p"])
    if document is not None:
        from sphinxcontrib.bibtex.citation_target import parse_citation_targets
        from sphinxcontrib.bibtex.roles import CitationRef

        ref.line = line
        document.note_explicit_target(ref, ref)
        env.get_domain("cite").citation_refs.append(  # type: ignore[attr-defined]
            CitationRef(citation_ref_id=ref["ids"][0], docname=env.docname, line=line or 0,
                        targets=list(parse_citation_targets(target))))
    return ref


def rationale_children(env: BuildEnvironment, document: nodes.document | None, text: str, keys: Sequence[str],
                       line: int | None, labels: dict[str, str]) -> list[nodes.Node]:
    """The rationale as text with its citations as links: "... from a two-year trial (Nass et al., 2008)...".

    The generator cites studies as "(Label; Label)" right after the sentence they support (a contrast of
    the wrong options, or another group's sentence, may follow); each such group becomes a link.
    """
    by_label = {labels.get(k, k): k for k in keys}
    out: list[nodes.Node] = []
    rest = text
    for match in re.finditer(r"\(([^()]*)\)", text):
        cited = match[1].split("; ")
        if not keys or not all(c in by_label for c in cited):
            continue
        before, _, rest = rest.partition(match[0])
        out += [nodes.Text(before), cite_reference(env, document, [by_label[c] for c in cited], line, labels)]
    return [*out, nodes.Text(rest)] if out else [nodes.Text(text)]


def section_reference(section: str, docname: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref(section, refdomain="quiz", reftype="section", reftarget=section,
                                refexplicit=False, refwarn=False, refdoc=docname)
    ref += nodes.inline(section, f"Review: {section}")
    return ref


def handout_answers(q: Question) -> tuple[str, str]:
    """(the answer as the handout's answer key prints it, the answer in full for the page's disclosure).

    Letters first, as the handout's quizzes are lettered; the classroom sheets and exports word it with
    :func:`handout.quiz.versions.answer_text` and :func:`~handout.quiz.versions.answer_letters`.
    """
    if q.kind == "fill-blank":
        return q.accept[0], " or ".join(q.accept)
    if q.kind == "matching":
        short = ", ".join(f"{i + 1}{DASH}{letter(c)}" for i, c in enumerate(q.correct))
        full = "; ".join(f"{p} {DASH} {letter(c)}. {q.options[c]}" for p, c in zip(q.prompts, q.correct, strict=True))
        return short, full
    c = q.correct[0]
    short = f"{letter(c)} ({q.options[c]})" if q.kind == "true-false" else letter(c)
    return short, f"{letter(c)}. {q.options[c]}"


class DataDirective(SphinxDirective):
    """A directive that reads the quiz data: ``:data:`` names another folder (relative to conf.py)."""

    option_spec: ClassVar[OptionSpec] = {"data": directives.unchanged_required}
    #: Whether the output cites (and so depends on the BibTeX files' labels as well).
    uses_labels = False

    @property
    def domain(self) -> QuizDomain:
        return self.env.get_domain("quiz")  # type: ignore[return-value]

    def load(self) -> Source:
        settings = self.domain.settings
        folder = Path(settings["folder"])
        if "data" in self.options:
            folder = Path(settings["confdir"]) / self.options["data"]
        source = self.domain.source(folder)
        self.domain.note_use(self.env.docname, source, bib=self.uses_labels)
        return source


class QuizDirective(DataDirective):
    """``{quiz}``: a review quiz generated from the data, the same for the same seed."""

    has_content = False
    option_spec: ClassVar[OptionSpec] = {
        **DataDirective.option_spec,
        "kinds": kinds_option,
        "count": directives.nonnegative_int,
        "seed": directives.nonnegative_int,
        "title": directives.unchanged_required,
    }
    uses_labels = True

    def run(self) -> list[nodes.Node]:
        source = self.load()
        if source.data is None:
            return []  # the problems are reported once, with their file and line, after reading
        seed = self.options.get("seed", self.domain.settings.get("seed", 0))
        form = generate(source.data, seed=seed, count=self.options.get("count"), kinds=self.options.get("kinds"),
                        citations=source.labels)
        document = self.state.document
        number = 1
        while f"quiz-{number}" in document.ids:
            number += 1
        # Data is shown as written: Sphinx's smart quotes would turn '"' into a curly quote.
        node = qn.quiz("", ids=[f"quiz-{number}"], title=self.options.get("title", DEFAULT_TITLE), seed=seed,
                       support_smartquotes=False)
        document.ids[f"quiz-{number}"] = node
        self.set_source_info(node)
        entries = []
        for n, question in enumerate(form.questions, 1):
            node += self.question(question, n, source.labels)
            entries.append(KeyEntry(number=n, qid=question.id, kind=question.kind, answer=handout_answers(question)[0],
                                    rationale=question.rationale, cite=question.cite,
                                    labels=tuple(source.labels.get(k, k) for k in question.cite)))
        self.domain.quizzes.setdefault(self.env.docname, []).append(
            QuizRecord(docname=self.env.docname, node_id=f"quiz-{number}", title=node["title"], seed=seed,
                       entries=tuple(entries), questions=form.questions))
        return [node]

    def question(self, q: Question, number: int, labels: dict[str, str]) -> qn.quiz_question:
        document = self.state.document
        base = f"q-{slug(q.id.replace(':', ' ')).strip('-') or 'question'}"
        html_id, k = base, 2
        while html_id in document.ids:
            html_id, k = f"{base}-{k}", k + 1
        node = qn.quiz_question("", ids=[html_id], qid=q.id, kind=q.kind, correct=list(q.correct), number=number)
        document.ids[html_id] = node
        fieldset = qn.quiz_fieldset()
        fieldset += qn.quiz_stem(q.stem, q.stem)
        if q.kind == "matching":
            for i, prompt in enumerate(q.prompts):
                fieldset += qn.quiz_match(prompt, prompt, index=i, name=html_id, options=list(q.options),
                                          last=i == len(q.prompts) - 1)
        elif q.kind == "fill-blank":
            fieldset += qn.quiz_blank(name=html_id, accept=list(q.accept))
        else:
            options = qn.quiz_options()
            for i, text in enumerate(q.options):
                options += qn.quiz_option(text, text, index=i, name=html_id)
            fieldset += options
        node += fieldset
        answer = qn.quiz_answer()
        full = f"Answer: {handout_answers(q)[1]}"
        answer += qn.quiz_key(full, full)
        rationale = qn.quiz_rationale()
        rationale += rationale_children(self.env, document, q.rationale, q.cite, self.lineno, labels)
        answer += rationale
        if q.section:
            review = qn.quiz_review()
            review += section_reference(q.section, self.env.docname)
            answer += review
        node += answer
        return node


class QuizAnswerKeyDirective(SphinxDirective):
    """``{quiz-answer-key}``: a placeholder, filled with every quiz's answers when the page is written."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        domain: QuizDomain = self.env.get_domain("quiz")  # type: ignore[assignment]
        domain.key_pages[self.env.docname] = self.lineno
        node = qn.quiz_answer_key()
        self.set_source_info(node)
        return [node]


def _para(*children: nodes.Node) -> nodes.paragraph:
    para = nodes.paragraph()
    para.extend(children)
    return para


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class CompoundTableDirective(DataDirective):
    """``{compound-table}``: each item with its group, target, findings, evidence and citations."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        source = self.load()
        data = source.data
        if data is None:
            return []
        labels = data.labels
        headers = [_capital(labels.group), f"{_capital(labels.target)} targeted", f"Example {labels.item}",
                   "What research reports", "Evidence type", "Citation"]
        table = nodes.table(classes=["handout-compound-table"], support_smartquotes=False)
        group = nodes.tgroup(cols=len(headers))
        table += group
        for width in (18, 16, 16, 28, 12, 10):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        row = nodes.row()
        for text in headers:
            row += nodes.entry("", _para(nodes.Text(text)))
        head += row
        body = nodes.tbody()
        group += body
        for compound in data.compounds:
            keys = tuple(dict.fromkeys(k for f in compound.findings for k in f.cite))
            reports = "; ".join(f.text.strip().removesuffix(".") for f in compound.findings)
            evidence = "; ".join(dict.fromkeys(data.evidence_label(f) for f in compound.findings))
            name = compound.display_name + (f", {compound.route}" if compound.route else "")
            for family_id in compound.families:
                family = data.family(family_id)
                row = nodes.row()
                cite = (cite_reference(self.env, self.state.document, keys, self.lineno, source.labels)
                        if keys else nodes.Text(""))
                for cell in (nodes.Text(family.name), nodes.Text(family.target), nodes.Text(name),
                             nodes.Text(_capital(reports)), nodes.Text(evidence), cite):
                    row += nodes.entry("", _para(cell))
                body += row
        self.set_source_info(table)
        return [table]


class QuizGlossaryDirective(DataDirective):
    """``{quiz-glossary}``: the data's terms as a sorted Sphinx glossary; aliases are terms too."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        import unicodedata

        source = self.load()
        data = source.data
        if data is None:
            return []
        glossary = addnodes.glossary(sorted=True, support_smartquotes=False)
        dlist = nodes.definition_list(classes=["glossary"])
        glossary += dlist
        src, line = self.get_source_info()
        for term in sorted(data.terms, key=lambda t: unicodedata.normalize("NFD", t.term.casefold())):
            item = nodes.definition_list_item()
            for name in term.names:
                item += make_glossary_term(self.env, [nodes.Text(name)], None, src, line or 0, None,
                                           self.state.document)
            # The word history stays out of the definition (which is shown as a quiz option) but belongs here.
            text = f"{term.definition} {term.etymology}" if term.etymology else term.definition
            para = _para(nodes.Text(text))
            if term.cite:
                para += nodes.Text(" ")
                para += cite_reference(self.env, self.state.document, term.cite, self.lineno, source.labels)
            item += nodes.definition("", para)
            dlist += item
        return [glossary]


DIRECTIVES: dict[str, Any] = {
    "quiz": QuizDirective,
    "quiz-answer-key": QuizAnswerKeyDirective,
    "compound-table": CompoundTableDirective,
    "quiz-glossary": QuizGlossaryDirective,
}
