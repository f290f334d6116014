"""Versions the classroom tests export and read back: the handout's own, and one written to break
exporters (every kind, and the characters each format must escape)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from lxml import html as lxml_html

from handout.quiz import bib, generator
from handout.quiz.generator import Question
from handout.quiz.loader import load_quiz_data
from handout.quiz.versions import Version, make_versions, whole_bank

PROJECT = Path(__file__).resolve().parent.parent

# Characters GIFT, XML, CSV and spreadsheets treat specially, plus Greek and other non-ASCII letters.
NASTY = 'Q&A <b>not bold</b> "quoted" \'single\' {braces} a:b ~tilde =eq #hash back\\slash α-β γ naïve Ωmega'


def seed_versions(count: int = 3, seed: int = 0) -> tuple[Version, ...]:
    """The versions ``make quiz`` makes from the project's own data."""
    bibfile = PROJECT / "bib" / "references.bib"
    data = load_quiz_data(PROJECT / "quizzes", bibfile=bibfile, docs=PROJECT / "docs")
    labels = bib.cite_labels(bibfile)
    form = generator.generate(data, seed=seed, citations=labels)
    return make_versions(form, count, citations=labels)


def seed_bank(seed: int = 0) -> Version:
    """The question bank ``make quiz`` exports as ``<slug>.*``: every fact once, enemies and all."""
    bibfile = PROJECT / "bib" / "references.bib"
    data = load_quiz_data(PROJECT / "quizzes", bibfile=bibfile, docs=PROJECT / "docs")
    labels = bib.cite_labels(bibfile)
    return whole_bank(generator.generate(data, seed=seed, citations=labels, bank=True), citations=labels)


def cites(text: str, label: str) -> bool:
    """Whether ``text`` cites ``label`` (``Nass et al., 2008``): in brackets as written, or as the subject
    of a sentence (``Nass et al. (2008) reported...``)."""
    author, _, year = label.rpartition(", ")
    return label in text or (bool(author) and f"{author} ({year})" in text)


def nasty_version() -> Version:
    """One question of every shape, every text full of characters that need escaping."""
    def q(**kw: object) -> Question:
        base: dict[str, object] = dict(rationale=f"Because {NASTY} (Smith & Jones, 2001).", cite=("smith2001",),
                                       section="page#part", draws_on=("x",))
        base.update(kw)
        return Question(**base)  # type: ignore[arg-type]

    # Ids are facts, as the generator makes them (``term:<term>``, ``study:<item>:<finding>:<key>``...).
    accept = ("Ipamorelin", "ipa-morélin {x}")
    questions = (
        q(id="term:alpha", kind="term-definition", stem=f"What does “{NASTY}” mean?",
          options=(f"One: {NASTY}", "Two {x} = y", "Three ~ four", "Five # six"), correct=(2,)),
        q(id="term:beta", kind="definition-term", stem="Which term: a <tag> & an {object}?",
          options=("β-blocker", "Ghrelin: the \"hunger\" hormone", "C:\\path", "a = b"), correct=(0,)),
        q(id="term:gamma", kind="true-false", stem=f"“γ” means: {NASTY}",
          options=("True", "False"), correct=(1,)),
        # Every spelling written out: hyphens as spaces and dropped, accents dropped.
        q(id="term:epsilon", kind="fill-blank", stem=f"_____ : {NASTY}", options=(), correct=(),
          accept=accept, variants=generator.spellings(accept)),
        q(id="matching", kind="matching", stem="Match the compounds to their families: α & β.",
          options=("GHRH-receptor agonists", "Ghrelin-receptor (GHS-R) agonists"), correct=(0, 1, 1),
          prompts=("CJC-1295", "Ipamorelin <i>", "MK-677 {ibutamoren}")),
        q(id="study:x:y:smith2001", kind="finding-study", stem="Which study: 50% & more?",
          options=("Smith & Jones, 2001", "Müller et al., 1999", "Ødegaard, 2010"), correct=(0,)),
    )
    return Version(title="Tests: α & <β> {quiz}", code="B", seed=7, questions=questions,
                   citations={"smith2001": "Smith & Jones, 2001"})


def with_moodle_extras(version: Version) -> Version:
    """``version`` with shapes the others lack: a matching option no prompt takes, a ``*`` (Moodle's
    wildcard) in an accepted answer, an option that starts like a GIFT grade weight, line breaks."""
    def extra(q: Question) -> Question:
        if q.kind == "matching":
            return dataclasses.replace(q, options=(*q.options, 'Somatostatin analogues: #1 ~ "x" = y'))
        if q.kind == "fill-blank":
            accept = (*q.accept, "GH*")
            return dataclasses.replace(q, accept=accept, variants=generator.spellings(accept))
        if q.kind == "definition-term":
            wrong = next(i for i in range(len(q.options)) if i not in q.correct)
            options = list(q.options)
            options[wrong] = "%50% of it = half,\n\nor less"
            return dataclasses.replace(q, options=tuple(options), stem=f"{q.stem}\n\nSecond line\r\nthird")
        return q
    return dataclasses.replace(version, code="C", questions=tuple(extra(q) for q in version.questions))


def moodle_versions() -> dict[str, Version]:
    """What the Moodle XML and GIFT tests export: the handout's versions and bank, the nasty one, and with
    extras."""
    return {
        **{f"handout-{v.code}": v for v in seed_versions()},
        "handout-bank": seed_bank(),
        "nasty": nasty_version(),
        "nasty-extras": with_moodle_extras(nasty_version()),
    }


def html_shown(fragment: str) -> str:
    """The text a browser shows for an HTML fragment (lxml's HTML parser): an unescaped ``<b>`` would be
    a tag and vanish from it, so a missing escape shows up as a difference."""
    if not fragment.strip():
        return ""
    return str(lxml_html.fragment_fromstring(fragment, create_parent="div").text_content())


def literal(pattern: str) -> str:
    """The one answer a Moodle short-answer pattern accepts, asserting it has no wildcard (a bare ``*``)."""
    assert "*" not in pattern.replace("\\*", ""), f"{pattern!r} holds a wildcard"
    return pattern.replace("\\*", "*")


def lines(text: str) -> str:
    """``text`` with its line breaks as LF, the form both Moodle's readers keep them in."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
