"""Review questions generated from quiz data, deterministically and by the rules of item writing.

:func:`generate` turns a :class:`~handout.quiz.model.QuizData` into a :class:`Form`: the questions one
quiz (or the whole question bank) holds, in order, with their options, answers, rationales, citations
and the docs section to review. Every word a question is worded with comes from the data: the nouns and
verbs from ``data.labels`` (``item``, ``group``, ``target``...), the facts from the glossary, the
groups and the items; the code names no subject.

How a form is made
------------------
1. *Drafts.* Every question the data supports is drafted. A draft's id is its kind and the ids of the
   facts it asks about (``compound-family:<item>:<group>``), never a position or a wording, and its
   stem, answer, rationale, citations and section depend on those facts only. Distractors come from the
   same category, ranked per question by a seeded draw (:func:`_rank`), so data added later only enters a
   question's options where it outranks a distractor already there.
2. *Selection.* A form asks each fact once: the questions about one glossary term (term-definition,
   definition-term, fill-blank and the true/false statements on its definition), about one item's
   group (compound-family, family-compound, true/false on its group), about one finding's evidence
   (finding-evidence, true/false on it) or one finding's study are alternatives, and the form holds
   one of each (and one family-compound question per group: they would share a stem). Questions are
   picked one at a time, always for the kind with the fewest so far (among those, the kind with the fewest
   facts left to ask first, so a kind the data allows only once still gets its question; then the seeded
   draw). ``count`` stops the picking early: a short form holds the first picks of the full one. A
   true/false statement is only picked when it keeps true and false statements within one of each other.
3. *Order and answer positions.* The form's order is a seeded shuffle. The position of the right
   answer is assigned, not drawn: each question takes the position used least so far among questions
   with as many options (true/false statements count as two-option questions: "True" first), so the
   counts per position differ by at most one.

Item-writing rules enforced here
--------------------------------
* At most :data:`MAX_OPTIONS` options; at least :data:`MIN_DISTRACTORS` distractors per kind: 1 where the
  options are groups or targets (a data set may legitimately have only two), 2 everywhere else. A
  question that cannot get enough distractors is left out with a note in :attr:`Form.notes`; options are
  never padded.
* A distractor is never the answer again: no option equals or contains another, or the answer, or any
  name (alias) of it, compared without case, spacing or punctuation; an item in several groups never gets
  one of its groups (or their targets) as a distractor; a study that reported anything on the same item
  is never a wrong answer to "which study reported..."; no "all/none of the above".
* The answer is not conspicuously longer than a distractor: a distractor is not used when the answer is
  more than :data:`LENGTH_RATIO` times as long *and* more than :data:`LENGTH_SLACK` characters longer.
* Glossary distractors give nothing away: a term is not used against another when either's definition
  names the other, or one's name contains the other's (a broader term would be half right). Terms taught
  on the same docs page are preferred, as distractors and as the swapped definition of a false
  statement: a plausible mix-up, not an absurd one.
* A finding whose text names its own kind of evidence ("in animal experiments" for preclinical work) is
  not asked about its evidence (noted).
* A definition that names its own term is not asked about at all (noted): the stem or the answer would
  give it away.
* No stem is negated; :attr:`Question.negated` is set if the wording (the template with the labels, not
  the facts quoted in it) ever holds a negation.

Determinism: every choice is a draw from :class:`random.Random` seeded with the form's seed and the ids
the choice is about (:func:`_rank`), data is read in sorted id order and never from a set, so the same
data and seed give the same form, order and option order on any machine and any ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import dataclasses
import functools
import random
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from handout.quiz.model import EVIDENCE_LABELS, Compound, Family, Finding, QuizData, Term

KINDS = (
    "term-definition",
    "definition-term",
    "compound-family",
    "compound-target",
    "family-compound",
    "finding-evidence",
    "finding-study",
    "true-false",
    "matching",
    "fill-blank",
)
# Kinds with one right option among distractors.
CHOICE_KINDS = frozenset(KINDS) - {"true-false", "matching", "fill-blank"}

MAX_OPTIONS = 4
# Distractors a question needs at least. Groups and targets may legitimately have only two values in a
# data set, so one distractor is enough there; every other category has more to choose from.
MIN_DISTRACTORS: dict[str, int] = {
    "term-definition": 2,
    "definition-term": 2,
    "compound-family": 1,
    "compound-target": 1,
    "family-compound": 2,
    "finding-evidence": 2,
    "finding-study": 2,
}
# The answer is "conspicuously longer" than a distractor when both hold: it is more than LENGTH_RATIO
# times as long, and more than LENGTH_SLACK characters longer (short names differing by a word are not).
LENGTH_RATIO = 1.5
LENGTH_SLACK = 12
# A matching question pairs 2 to MATCH_PROMPTS items with their groups.
MATCH_PROMPTS = 4
BLANK = "_____"
TRUE_FALSE = ("True", "False")

NEGATION = re.compile(r"\b(?:not|never|except|none|no|false|incorrect|least)\b|n't\b", re.IGNORECASE)
ABOVE = re.compile(r"\b(?:all|none|both|neither)\s+of\s+(?:the\s+)?(?:above|these|those|them|others)\b",
                   re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class Question:
    """One question. ``correct`` indexes ``options``; for matching, ``correct[i]`` is the option for
    ``prompts[i]``; fill-blank has no options and accepts any of ``accept``."""

    id: str
    kind: str
    stem: str
    options: tuple[str, ...]
    correct: tuple[int, ...]
    prompts: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    rationale: str
    cite: tuple[str, ...]
    section: str
    draws_on: tuple[str, ...]
    negated: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "stem": self.stem,
            "options": list(self.options),
            "correct": list(self.correct),
            "prompts": list(self.prompts),
            "accept": list(self.accept),
            "rationale": self.rationale,
            "cite": list(self.cite),
            "section": self.section,
            "draws_on": list(self.draws_on),
            "negated": self.negated,
        }


@dataclass(frozen=True)
class Form:
    """The questions of one quiz (or of the whole bank), with what was left out and what is covered.

    ``coverage`` has ``untested_terms`` (glossary terms as written), ``untested_compounds`` (item ids),
    ``questions_per_family`` (group id -> number of questions touching it) and ``questions_per_kind``.
    """

    title: str
    seed: int
    questions: tuple[Question, ...]
    notes: tuple[str, ...]
    coverage: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: the question bank the command line writes."""
        return {
            "version": 1,
            "title": self.title,
            "seed": self.seed,
            "questions": [q.as_dict() for q in self.questions],
            "notes": list(self.notes),
            "coverage": {k: dict(v) if isinstance(v, Mapping) else list(v) for k, v in self.coverage.items()},
        }


def generate(data: QuizData, *, seed: int = 0, count: int | None = None, kinds: Sequence[str] | None = None,
             citations: Mapping[str, str] | None = None) -> Form:
    """The form for ``data`` and ``seed``: every fact asked once (or ``count`` questions spread over the
    kinds), limited to ``kinds`` when given. ``citations`` maps BibTeX keys to labels
    (:func:`handout.quiz.bib.cite_labels`); without it rationales cite keys and finding-study is skipped.
    """
    wanted = tuple(KINDS) if kinds is None else tuple(dict.fromkeys(kinds))
    unknown = [k for k in wanted if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown question kind(s): {', '.join(unknown)}; known kinds: {', '.join(KINDS)}")
    if count is not None and count < 0:
        raise ValueError(f"count must be 0 or more, not {count}")
    drafter = _Drafter(data, seed, citations)
    drafts = [d for d in drafter.drafts() if d.kind in wanted]
    notes = [text for about, text in drafter.notes if set(about) & set(wanted)]
    chosen, more = _select(drafts, seed, count)
    notes += more
    ordered = sorted(chosen, key=lambda d: (_rank(seed, "order", d.id), d.id))
    questions = _place(ordered, seed)
    present = {q.kind for q in questions}
    available = {d.kind for d in drafts}
    for kind in wanted:
        if kind not in present:
            why = "the data gives none (see the notes above)" if kind not in available else "count reached"
            notes.append(f"{kind}: no question in this form; {why}")
    return Form(title=data.title, seed=seed, questions=questions, notes=tuple(dict.fromkeys(notes)),
                coverage=_coverage(data, chosen))


# -- Drafts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Draft:
    kind: str
    draws_on: tuple[str, ...]
    stem: str
    negated: bool
    rationale: str
    cite: tuple[str, ...]
    section: str
    groups: tuple[str, ...]
    sub: str = ""  # the fact a true/false statement is about
    key: str = ""
    distractors: tuple[str, ...] = ()
    truth: bool | None = None  # true/false only
    prompts: tuple[str, ...] = ()  # matching: the items
    answers: tuple[str, ...] = ()  # matching: the option that answers each prompt
    choices: tuple[str, ...] = ()  # matching: every option
    accept: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()  # what the question tests, for the coverage report
    compounds: tuple[str, ...] = ()
    families: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        head = f"{self.kind}:{self.sub}" if self.sub else self.kind
        return ":".join((head, *self.draws_on))


class _Drafter:
    def __init__(self, data: QuizData, seed: int, citations: Mapping[str, str] | None) -> None:
        self.data = data
        self.seed = seed
        self.citations = citations
        self.labels = dataclasses.asdict(data.labels)
        self.notes: list[tuple[tuple[str, ...], str]] = []
        self.families = sorted(data.families, key=lambda f: f.id)
        self.by_id = {f.id: f for f in self.families}
        self.compounds = sorted(data.compounds, key=lambda c: c.id)

    def note(self, about: Iterable[str], text: str) -> None:
        self.notes.append((tuple(about), text))

    def drafts(self) -> list[_Draft]:
        out: list[_Draft] = []
        out += self.term_drafts()
        for compound in self.compounds:
            out += self.compound_drafts(compound)
            for finding in sorted(compound.findings, key=lambda f: f.id):
                out += self.finding_drafts(compound, finding)
        for family in self.families:
            out += self.family_drafts(family)
        out += self.matching_drafts()
        return out

    # -- wording ----------------------------------------------------------------------------

    def say(self, template: str, **facts: str) -> tuple[str, bool]:
        """The stem, and whether its wording (labels included, quoted facts left out) is negated."""
        wording = template.format(**self.labels, **dict.fromkeys(facts, ""))
        return template.format(**self.labels, **facts), bool(NEGATION.search(wording))

    def label(self, key: str) -> str:
        return self.citations.get(key, key) if self.citations is not None else key

    def sentence(self, text: str, cite: Sequence[str]) -> str:
        """One sentence ending with its citations in round brackets: ``... (Nass et al., 2008).``"""
        text = _clause(text)
        if cite:
            return f"{text} ({'; '.join(self.label(k) for k in cite)})."
        return f"{text}."

    def pick(self, qid: str, kind: str, key: str, pool: Iterable[tuple[str, str]],
             exclude: Iterable[str] = (), near: Iterable[str] = ()) -> tuple[str, ...] | str:
        """Distractors for ``key`` from ``pool`` (id, text), or why there are too few.

        Candidates whose id is in ``near`` (taught in the same place, so the more plausible) come first.
        """
        barred = [key, *exclude]
        close = set(near)
        short = 0
        usable: list[tuple[bool, float, str, str]] = []
        for cid, text in pool:
            if any(_overlaps(text, b) for b in barred) or ABOVE.search(text):
                continue
            if _conspicuous(key, text):
                short += 1
                continue
            usable.append((cid not in close, _rank(self.seed, qid, cid), cid, text))
        chosen: list[str] = []
        for _, _, _, text in sorted(usable):
            if not any(_overlaps(text, c) for c in chosen):
                chosen.append(text)
            if len(chosen) == MAX_OPTIONS - 1:
                break
        need = MIN_DISTRACTORS[kind]
        if len(chosen) >= need:
            return tuple(chosen)
        why = f"; {short} more would be conspicuously shorter than the answer" if short else ""
        return f"{qid}: left out: {len(chosen)} usable distractor(s), {kind} needs {need}{why}"

    def choice(self, kind: str, draws_on: tuple[str, ...], key: str, pool: Iterable[tuple[str, str]],
               exclude: Iterable[str], near: Iterable[str] = (), **fields: Any) -> list[_Draft]:
        draft = _Draft(kind=kind, draws_on=draws_on, key=key, **fields)
        if ABOVE.search(key):
            self.note([kind], f"{draft.id}: left out: the answer reads like 'all/none of the above'")
            return []
        picked = self.pick(draft.id, kind, key, pool, exclude, near)
        if isinstance(picked, str):
            self.note([kind], picked)
            return []
        return [dataclasses.replace(draft, distractors=picked)]

    # -- glossary ---------------------------------------------------------------------------

    def term_drafts(self) -> list[_Draft]:
        terms: list[Term] = []
        for term in sorted(self.data.terms, key=lambda t: (t.id, t.term)):
            if terms and terms[-1].id == term.id:
                self.note(TERM_KINDS, f"term '{term.term}': its id '{term.id}' is that of '{terms[-1].term}'; "
                                      "only the first is asked")
                continue
            terms.append(term)
        out: list[_Draft] = []
        for term in terms:
            if _self_naming(term):
                self.note(TERM_KINDS, f"term '{term.term}': its definition names the term itself, so no "
                                      "question asks it (term-definition, definition-term, fill-blank, true-false)")
                continue
            others = [t for t in terms if not _related(term, t)]
            near = [t.id for t in others if _page(t.section) == _page(term.section)]
            also = f" (also {', '.join(f'“{a}”' for a in term.aliases)})" if term.aliases else ""
            common: dict[str, Any] = {
                "rationale": self.sentence(f"“{term.term}”{also} means: {term.definition}", term.cite),
                "cite": term.cite, "section": term.section, "groups": (f"term:{term.id}",), "terms": (term.id,),
            }
            stem, neg = self.say("What does “{term}” mean?", term=term.term)
            out += self.choice("term-definition", (term.id,), term.definition,
                               [(t.id, t.definition) for t in others], (), near, stem=stem, negated=neg, **common)
            stem, neg = self.say("Which term has this definition? {definition}", definition=term.definition)
            out += self.choice("definition-term", (term.id,), term.term, [(t.id, t.term) for t in others],
                               term.aliases, near, stem=stem, negated=neg, **common)
            stem, neg = self.say(BLANK + " : {definition}", definition=term.definition)
            out.append(_Draft(kind="fill-blank", draws_on=(term.id,), stem=stem, negated=neg,
                              accept=term.names, **common))
            # True/false: the definition, or the definition of another term that is not half right,
            # taught on the same page when there is one (a plausible mix-up, not an absurd one).
            stem, neg = self.say("“{term}” means: {definition}", term=term.term, definition=term.definition)
            out.append(_Draft(kind="true-false", sub="term-definition", draws_on=(term.id,), stem=stem,
                              negated=neg, truth=True, **common))
            for other in [t for t in others if t.id in near] or others:
                stem, neg = self.say("“{term}” means: {definition}", term=term.term, definition=other.definition)
                rationale = self.sentence(f"That is the definition of “{other.term}”; “{term.term}”{also} means: "
                                          f"{_clause(term.definition)}", term.cite)
                out.append(_Draft(kind="true-false", sub="term-definition", draws_on=(term.id, other.id),
                                  stem=stem, negated=neg, truth=False,
                                  **{**common, "rationale": rationale}))
        return out

    # -- items and their groups -------------------------------------------------------------

    def member_sentence(self, compound: Compound, families: Sequence[Family]) -> str:
        names = " and ".join(f.name for f in families)
        return f"{compound.display_name} belongs to the {self.labels['group']} of {names}"

    def compound_drafts(self, compound: Compound) -> list[_Draft]:
        mine = [self.by_id[f] for f in sorted(compound.families)]
        names = [f.name for f in mine]
        others = [f for f in self.families if f.id not in compound.families]
        cite = _keys(f.cite for f in mine)
        out: list[_Draft] = []
        for family in mine:
            stem, neg = self.say("Which {group} does the {item} {name} belong to?", name=compound.display_name)
            out += self.choice(
                "compound-family", (compound.id, family.id), family.name, [(f.id, f.name) for f in others], names,
                stem=stem, negated=neg, rationale=self.sentence(self.member_sentence(compound, [family]), family.cite),
                cite=family.cite, section=compound.section, groups=(f"member:{compound.id}",),
                compounds=(compound.id,), families=(family.id,))
        targets: list[str] = []
        for family in mine:
            if any(_overlaps(family.target, t) for t in targets):
                continue  # the same target through another group: one question
            targets.append(family.target)
            stem, neg = self.say("Which {target} does {name} {target_verb}?", name=compound.display_name)
            rationale = (f"{self.member_sentence(compound, [family])}, whose {self.labels['target']} is "
                         f"{family.target}; {self.labels['ligand']}: {_clause(family.ligand)}")
            out += self.choice(
                "compound-target", (compound.id, family.id), family.target, [(f.id, f.target) for f in others],
                [f.target for f in mine], stem=stem, negated=neg, rationale=self.sentence(rationale, family.cite),
                cite=family.cite, section=family.section or compound.section, groups=(f"target:{compound.id}",),
                compounds=(compound.id,), families=(family.id,))
        true_rationale = self.sentence(self.member_sentence(compound, mine), cite)
        for family in self.families:
            truth = family.id in compound.families
            if not truth and any(_overlaps(family.name, n) for n in names):
                continue  # a name that reads like one of its own groups would not be plainly false
            stem, neg = self.say("The {item} {name} belongs to the {group} of {family}.",
                                 name=compound.display_name, family=family.name)
            rationale = true_rationale if truth else self.sentence(
                f"{self.member_sentence(compound, mine)}, not to the {self.labels['group']} of {family.name}", cite)
            out.append(_Draft(kind="true-false", sub="compound-family", draws_on=(compound.id, family.id),
                              stem=stem, negated=neg, truth=truth, rationale=rationale, cite=cite,
                              section=compound.section, groups=(f"member:{compound.id}",),
                              compounds=(compound.id,), families=(family.id,)))
        return out

    def family_drafts(self, family: Family) -> list[_Draft]:
        members = [c for c in self.compounds if family.id in c.families]
        barred = [n for c in members for n in (*c.names, c.display_name)]
        pool = [(c.id, c.display_name) for c in self.compounds if family.id not in c.families]
        out: list[_Draft] = []
        for compound in members:
            stem, neg = self.say("Which {item} belongs to the {group} of {family}?", family=family.name)
            out += self.choice(
                "family-compound", (family.id, compound.id), compound.display_name, pool, barred, stem=stem,
                negated=neg, rationale=self.sentence(self.member_sentence(compound, [family]), family.cite),
                cite=family.cite, section=family.section or compound.section,
                groups=(f"member:{compound.id}", f"members:{family.id}"), compounds=(compound.id,),
                families=(family.id,))
        return out

    # -- findings -----------------------------------------------------------------------------

    def finding_drafts(self, compound: Compound, finding: Finding) -> list[_Draft]:
        name, text = compound.display_name, _clause(finding.text)
        where = (compound.id, finding.id)
        common: dict[str, Any] = {"cite": finding.cite, "section": compound.section, "compounds": (compound.id,),
                                  "families": tuple(sorted(compound.families))}
        out: list[_Draft] = []
        label = finding.evidence_label
        evidence = (f"evidence:{compound.id}:{finding.id}",)
        clue = _evidence_clue(finding)
        fact = f"The evidence that {name} {text} is of the kind “{label}”"
        if clue:
            self.note(["finding-evidence", "true-false"],
                      f"finding-evidence:{compound.id}:{finding.id}: left out, with its true/false statements: "
                      f"the finding's text says '{clue}', which gives away “{label}”")
        else:
            stem, neg = self.say("What kind of evidence supports the finding that {name} {finding}?", name=name,
                                 finding=text)
            out += self.choice("finding-evidence", where, label,
                               [(k, v) for k, v in sorted(EVIDENCE_LABELS.items()) if k != finding.evidence], (),
                               stem=stem, negated=neg, rationale=self.sentence(fact, finding.cite), groups=evidence,
                               **common)
            for kind_id, kind_label in sorted(EVIDENCE_LABELS.items()):
                truth = kind_id == finding.evidence
                stem, neg = self.say("The finding that {name} {finding} is supported by this kind of evidence: "
                                     "{evidence}.", name=name, finding=text, evidence=kind_label)
                rationale = fact if truth else f"{fact}, not “{kind_label}”"
                out.append(_Draft(kind="true-false", sub="finding-evidence", draws_on=(*where, kind_id), stem=stem,
                                  negated=neg, truth=truth, rationale=self.sentence(rationale, finding.cite),
                                  groups=evidence, **common))
        if self.citations is None:
            self.note(["finding-study"], "finding-study: no citation labels were given, so no study can be "
                                         "named as an option")
            return out
        # Studies that reported anything on this item might have reported this too: never wrong answers.
        own = _keys(f.cite for f in compound.findings)
        pool = [(k, self.label(k)) for k in self.cited_keys() if k not in own]
        stem, neg = self.say("Which study reported that {name} {finding}?", name=name, finding=text)
        for key in sorted(finding.cite):
            out += self.choice("finding-study", (*where, key), self.label(key), pool,
                               [self.label(k) for k in own], stem=stem, negated=neg,
                               rationale=self.sentence(f"{name} {text}", finding.cite),
                               groups=(f"study:{compound.id}:{finding.id}",), **common)
        return out

    def cited_keys(self) -> list[str]:
        data = self.data
        return sorted(set(_keys([*(t.cite for t in data.terms), *(f.cite for f in data.families),
                                 *(f.cite for f in data.findings)])))

    # -- matching -----------------------------------------------------------------------------

    def matching_drafts(self) -> list[_Draft]:
        single = [c for c in self.compounds if len(c.families) == 1]
        if len(single) < len(self.compounds):
            several = ", ".join(c.id for c in self.compounds if len(c.families) > 1)
            self.note(["matching"], f"matching: {several} belong(s) to more than one {self.labels['group']}, "
                                    "so never a matching prompt")
        ranked = sorted(single, key=lambda c: (_rank(self.seed, "matching", c.id), c.id))
        chosen: list[Compound] = []
        # First one item of each group, then more items, while names and groups stay distinct.
        for spread in (True, False):
            for c in ranked:
                if len(chosen) == MATCH_PROMPTS or c in chosen:
                    continue
                fam = self.by_id[c.families[0]]
                taken = [self.by_id[x.families[0]] for x in chosen]
                if spread and fam in taken:
                    continue
                if any(_overlaps(c.display_name, x.display_name) for x in chosen):
                    continue
                if any(_overlaps(fam.name, t.name) for t in taken if t != fam):
                    continue
                chosen.append(c)
        groups = sorted({c.families[0] for c in chosen})
        if len(chosen) < 2 or len(groups) < 2:
            self.note(["matching"], f"matching: left out: needs 2 {self.labels['items']} in one "
                                    f"{self.labels['group']} each, from 2 different {self.labels['groups']}")
            return []
        chosen.sort(key=lambda c: c.id)
        families = [self.by_id[f] for f in groups]
        # Room left in the options: more groups, as distractors.
        extra = sorted((f for f in self.families if f.id not in groups),
                       key=lambda f: (_rank(self.seed, "matching", f.id), f.id))
        for family in extra:
            if len(families) == MAX_OPTIONS:
                break
            if not any(_overlaps(family.name, f.name) for f in families):
                families.append(family)
        families.sort(key=lambda f: f.id)
        stem, neg = self.say("Match the {items} to their {groups}.")
        cite = _keys(self.by_id[c.families[0]].cite for c in chosen)
        rationale = self.sentence("; ".join(self.member_sentence(c, [self.by_id[c.families[0]]]) for c in chosen),
                                  cite)
        pages = {_page(f.section) for f in families if f.section}
        section = pages.pop() if len(pages) == 1 else _page(chosen[0].section)
        return [_Draft(kind="matching", draws_on=(*(c.id for c in chosen), *(f.id for f in families)), stem=stem,
                       negated=neg, rationale=rationale, cite=cite, section=section, groups=("matching",),
                       prompts=tuple(c.display_name for c in chosen),
                       answers=tuple(self.by_id[c.families[0]].name for c in chosen),
                       choices=tuple(f.name for f in families), compounds=tuple(c.id for c in chosen),
                       families=tuple(f.id for f in families))]


TERM_KINDS = ("term-definition", "definition-term", "fill-blank", "true-false")


# -- Selection, order and answer positions ------------------------------------------------------


def _select(drafts: Sequence[_Draft], seed: int, count: int | None) -> tuple[list[_Draft], list[str]]:
    """Pick questions one at a time: one per fact group, kinds spread, true and false alternating.

    With ``count`` the picking stops early, so a short form is the first ``count`` picks of the full one.
    """
    ranks = {d.id: _rank(seed, "pick", d.id) for d in drafts}
    remaining = sorted(drafts, key=lambda d: (ranks[d.id], d.id))
    chosen: list[_Draft] = []
    used: set[str] = set()
    per_kind: Counter[str] = Counter()
    per_sub: Counter[tuple[str, str]] = Counter()
    polarity: Counter[bool] = Counter()

    def allowed(d: _Draft) -> bool:
        # A statement may not put its polarity two ahead of the other: true and false stay balanced.
        return used.isdisjoint(d.groups) and (d.truth is None or polarity[d.truth] <= polarity[not d.truth])

    while count is None or len(chosen) < count:
        eligible = [d for d in remaining if allowed(d)]
        if not eligible:
            break
        facts: dict[str, set[str]] = {}
        for d in eligible:
            facts.setdefault(d.kind, set()).add(d.groups[0])
        # The kind with the fewest questions so far, then the one with the fewest facts left to ask, then
        # the fact type asked least (true/false), then the polarity asked least, then the seeded draw.
        scored = [((per_kind[d.kind], len(facts[d.kind]), per_sub[d.kind, d.sub],
                    polarity[d.truth] if d.truth is not None else 0, ranks[d.id], d.id), d) for d in eligible]
        best = min(scored, key=lambda pair: pair[0])[1]
        chosen.append(best)
        remaining.remove(best)
        used.update(best.groups)
        per_kind[best.kind] += 1
        per_sub[best.kind, best.sub] += 1
        if best.truth is not None:
            polarity[best.truth] += 1
    notes: list[str] = []
    asked = {d.groups[0] for d in drafts}
    if count is not None and len(chosen) == count and count < len(asked):
        notes.append(f"count {count}: {len(asked)} facts could be asked; {count} questions kept, spread over the kinds")
    elif unasked := {d.groups[0] for d in remaining if used.isdisjoint(d.groups)}:
        # Only statements of one polarity were left for these facts.
        notes.append(f"true-false: {len(unasked)} fact(s) left unasked to keep true and false statements balanced")
    return chosen, notes


def _place(ordered: Sequence[_Draft], seed: int) -> tuple[Question, ...]:
    """Questions with their options in order: the right answer at the position used least so far."""
    usage: dict[int, Counter[int]] = {}
    for d in ordered:
        if d.truth is not None:
            usage.setdefault(2, Counter())[0 if d.truth else 1] += 1
    out: list[Question] = []
    for d in ordered:
        common: dict[str, Any] = {"id": d.id, "kind": d.kind, "stem": d.stem, "rationale": d.rationale,
                                  "cite": d.cite, "section": d.section, "draws_on": d.draws_on, "negated": d.negated}
        if d.kind in CHOICE_KINDS:
            n = len(d.distractors) + 1
            used = usage.setdefault(n, Counter())
            fewest = min(used[p] for p in range(n))
            least = [p for p in range(n) if used[p] == fewest]
            position = least[int(_rank(seed, d.id, "position") * len(least))]
            used[position] += 1
            options = sorted(d.distractors, key=lambda t: (_rank(seed, d.id, "option", t), t))
            options.insert(position, d.key)
            out.append(Question(options=tuple(options), correct=(position,), **common))
        elif d.kind == "true-false":
            out.append(Question(options=TRUE_FALSE, correct=(0 if d.truth else 1,), **common))
        elif d.kind == "matching":
            options = sorted(d.choices, key=lambda t: (_rank(seed, d.id, "option", t), t))
            out.append(Question(options=tuple(options), correct=tuple(options.index(a) for a in d.answers),
                                prompts=d.prompts, **common))
        else:  # fill-blank
            out.append(Question(options=(), correct=(), accept=d.accept, **common))
    return tuple(out)


def _coverage(data: QuizData, chosen: Sequence[_Draft]) -> dict[str, Any]:
    terms = {t for d in chosen for t in d.terms}
    compounds = {c for d in chosen for c in d.compounds}
    per_family = Counter(f for d in chosen for f in d.families)
    per_kind = Counter(d.kind for d in chosen)
    return {
        "untested_terms": tuple(t.term for t in sorted(data.terms, key=lambda t: t.id) if t.id not in terms),
        "untested_compounds": tuple(sorted(c.id for c in data.compounds if c.id not in compounds)),
        "questions_per_family": {f.id: per_family[f.id] for f in sorted(data.families, key=lambda f: f.id)},
        "questions_per_kind": {k: per_kind[k] for k in KINDS if per_kind[k]},
    }


# -- Helpers -----------------------------------------------------------------------------------


def _rank(seed: int, *parts: str) -> float:
    """A draw in [0, 1) for one choice: :class:`random.Random` seeded with the form's seed and the ids the
    choice is about. String seeds are hashed with SHA-512, so the draw is the same on every machine, and
    a choice about one question never moves because another question was added or removed."""
    return random.Random("\x1f".join((str(seed), *parts))).random()


@functools.lru_cache(maxsize=8192)
def _norm(text: str) -> str:
    """Words only, lower case: how options are compared (case, spacing and punctuation ignored)."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def _overlaps(a: str, b: str) -> bool:
    """Whether two texts are the same option, or one is the other with more words around it."""
    x, y = _norm(a), _norm(b)
    if not x or not y:
        return True
    return x == y or f" {x} " in f" {y} " or f" {y} " in f" {x} "


def _mentions(text: str, name: str) -> bool:
    n = _norm(name)
    return bool(n) and f" {n} " in f" {_norm(text)} "


def _conspicuous(key: str, other: str) -> bool:
    """Whether ``key`` is conspicuously longer than ``other`` (see LENGTH_RATIO and LENGTH_SLACK)."""
    k, o = len(" ".join(key.split())), len(" ".join(other.split()))
    return k > LENGTH_RATIO * o and k - o > LENGTH_SLACK


def _self_naming(term: Term) -> bool:
    return any(_mentions(term.definition, n) for n in term.names)


def _related(a: Term, b: Term) -> bool:
    """Terms never set against each other: the same, named in each other's definitions, or one name inside
    the other's (a broader term), or definitions that read the same."""
    return (a.id == b.id
            or any(_overlaps(x, y) for x in a.names for y in b.names)
            or any(_mentions(b.definition, n) for n in a.names)
            or any(_mentions(a.definition, n) for n in b.names)
            or _overlaps(a.definition, b.definition))


# Words too common to tell one kind of evidence from another ("cell wall" is no cell study).
_PLAIN_WORDS = frozenset({"cell", "cells", "early", "other", "others", "people", "study", "studies", "work"})


def _distinctive(label: str) -> set[str]:
    """Words of an evidence label that no other label has: the words that would give it away."""
    others = {w for other in EVIDENCE_LABELS.values() if other != label for w in _norm(other).split()}
    return {w for w in _norm(label).split() if len(w) >= 4 and w not in others and w not in _PLAIN_WORDS}


def _evidence_clue(finding: Finding) -> str:
    """A word of the finding's text that names its kind of evidence ('in animal experiments'), or ''."""
    for word in _norm(finding.text).split():
        for giveaway in sorted(_distinctive(finding.evidence_label)):
            if word.startswith(giveaway[: max(4, len(giveaway) - 2)]):
                return word
    return ""


def _clause(text: str) -> str:
    """``text`` without its closing full stop, to go inside a sentence."""
    return text.strip().removesuffix(".").rstrip()


def _keys(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for g in groups for k in g))


def _page(section: str) -> str:
    return section.partition("#")[0]
