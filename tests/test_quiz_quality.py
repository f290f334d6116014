"""Item-writing rules, one test each: what a reviewer of a multiple-choice test would flag.

Each rule is checked on both real data sets over several seeds, and where the real data cannot show the
rule at work, on a small data set made to provoke it.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from test_quiz_generator import ANTIBIOTICS, BIB, DOCS, QUIZZES, DataSet, distractors, key, load

from handout.quiz.generator import (
    CATEGORY,
    CHOICE_KINDS,
    LENGTH_RATIO,
    LENGTH_SLACK,
    LONG,
    MAX_OPTIONS,
    MIN_DISTRACTORS,
    SELF,
    Form,
    Question,
    generate,
)
from handout.quiz.model import Category, Compound, EvidenceLevel, Family, Finding, Labels, QuizData, Term, Where

SEEDS = range(8)
W = Where(Path("made-up.yaml"), 1)
LABELS = Labels(item="compound", items="compounds", group="family", groups="families", target="receptor",
                target_verb="act on", ligand="natural ligand")
CATEGORIES = (Category("word", "made-up word"), Category("other", "other made-up word"))
# The made-up data's evidence scale: the labels the handout used before the scale moved into the data.
SCALE = (EvidenceLevel("in-vitro", "Cell studies (in vitro)", "Cells were studied outside a body."),
         EvidenceLevel("preclinical", "Preclinical (animal) work", "Living animals received it; no person did."),
         EvidenceLevel("observational", "Observational study in people", "People were observed, not assigned."),
         EvidenceLevel("human-trial", "Human trial", "People were assigned by chance to it or a comparison."),
         EvidenceLevel("review", "Review of other studies", "Other studies were summarized."))


def norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def same_or_inside(a: str, b: str) -> bool:
    x, y = norm(a), norm(b)
    return x == y or f" {x} " in f" {y} " or f" {y} " in f" {x} "


def term(name: str, definition: str, *aliases: str, section: str = "page", category: str = "word") -> Term:
    return Term(term=name, definition=definition, section=section, where=W, aliases=aliases, category=category)


def family(fid: str, name: str, target: str | None = None) -> Family:
    return Family(id=fid, name=name, target=target or f"{name} site", ligand="Something natural",
                  mechanism="Works.", where=W, section="page")


def compound(cid: str, name: str, *families: str, aliases: tuple[str, ...] = (), evidence: str = "preclinical",
             text: str = "changed a measured level in a study") -> Compound:
    finding = Finding(id="finding", compound=cid, text=text, evidence=evidence, cite=(f"{cid}-study",), where=W)
    return Compound(id=cid, name=name, families=families, findings=(finding,), section="page", where=W,
                    aliases=aliases)


def quiz(terms: tuple[Term, ...] = (), families: tuple[Family, ...] = (), compounds: tuple[Compound, ...] = (),
         labels: Labels = LABELS) -> QuizData:
    return QuizData(folder=Path("made-up"), title="Made up", labels=labels, terms=terms, families=families,
                    compounds=compounds, categories=CATEGORIES, evidence=SCALE)


def labels_for(data: QuizData) -> dict[str, str]:
    return {k: f"Study of {k}" for c in data.compounds for f in c.findings for k in f.cite}


@pytest.fixture(scope="module")
def sets() -> list[DataSet]:
    return [load(QUIZZES, BIB, DOCS), load(ANTIBIOTICS, ANTIBIOTICS / "refs.bib", ANTIBIOTICS / "docs")]


@pytest.fixture(scope="module")
def forms(sets: list[DataSet]) -> list[tuple[DataSet, Form]]:
    """Each data set's form for several seeds, and a short one: made once, checked by every rule."""
    return [(ds, ds.form(seed)) for ds in sets for seed in SEEDS] + [(ds, ds.form(3, count=12)) for ds in sets]


def choice_questions(form: Form) -> list[Question]:
    return [q for q in form.questions if q.kind in CHOICE_KINDS]


# -- number of options ---------------------------------------------------------------------------


def test_at_most_four_options_and_enough_distractors(forms: list[tuple[DataSet, Form]]) -> None:
    for _, form in forms:
        for q in form.questions:
            assert len(q.options) <= MAX_OPTIONS, q.id
            if q.kind in CHOICE_KINDS:
                assert len(q.options) - 1 >= MIN_DISTRACTORS[q.kind], q.id
                assert len(q.correct) == 1
    # Two options only where the category may truly have two values (groups, targets).
    assert {k for k, n in MIN_DISTRACTORS.items() if n == 1} == {"item-group", "item-target"}


def test_too_few_distractors_means_no_question_and_a_note_never_padding() -> None:
    data = quiz(terms=(term("Alpha", "The first of two made-up words, used here."),
                       term("Beta", "The second one, which follows the first.")))
    form = generate(data)
    kinds = {q.kind for q in form.questions}
    assert not kinds & {"term-definition", "definition-term"}  # one distractor each: too few
    assert {"fill-blank", "true-false"} & kinds
    # The report of unasked facts names each term, the kinds left out and why.
    only = generate(data, kinds=["term-definition", "definition-term"])
    assert not only.questions
    assert only.unasked == {CATEGORY: ("term:alpha (term-definition, definition-term)",
                                       "term:beta (term-definition, definition-term)")}


# -- what a distractor may be ----------------------------------------------------------------------


def test_distractors_come_from_the_same_category(forms: list[tuple[DataSet, Form]]) -> None:
    for ds, form in forms:
        d = ds.data
        terms = {t.id: t for t in d.terms}
        category = {
            "item-group": {f.name for f in d.families},
            "item-target": {f.target for f in d.families},
            "group-item": {n for c in d.compounds for n in (c.display_name, c.name)},
            "finding-evidence": {e.label for e in d.evidence},
            "finding-study": set(ds.citations.values()),
        }
        for q in choice_questions(form):
            if q.kind in ("term-definition", "definition-term"):
                # A term's options are of the term's own category.
                kin = [t for t in d.terms if t.category == terms[q.draws_on[0]].category]
                allowed = {t.definition if q.kind == "term-definition" else t.term for t in kin}
            else:
                allowed = category[q.kind]
            # Options are printed with typographic quotes and a capital first letter: compared as words.
            assert {norm(o) for o in q.options} <= {norm(a) for a in allowed}, q.id


def test_no_distractor_is_an_alias_or_a_paraphrase_of_the_answer(forms: list[tuple[DataSet, Form]]) -> None:
    for ds, form in forms:
        terms = {t.id: t for t in ds.data.terms}
        for q in form.questions:
            if q.kind == "definition-term":
                names = terms[q.draws_on[0]].names
                assert not any(same_or_inside(o, n) for o in distractors(q) for n in names), q.id
            if q.kind in CHOICE_KINDS:
                assert not any(same_or_inside(o, key(q)) for o in distractors(q)), q.id
    # A second entry under the alias of a member, and a longer name built on it.
    data = quiz(families=(family("a", "First agonists"), family("b", "Second agonists")),
                compounds=(compound("mk", "MK-677", "a", aliases=("ibutamoren",)),
                           compound("ibu", "Ibutamoren", "b"), compound("salt", "MK-677 salt", "b"),
                           compound("x", "Xenomorelin", "b"), compound("y", "Ypsimorelin", "b")))
    q = next(q for q in generate(data, kinds=["group-item"]).questions if q.id == "member:mk:a")
    assert key(q) == "MK-677 (ibutamoren)"
    assert sorted(distractors(q)) == ["Xenomorelin", "Ypsimorelin"]


def test_no_two_options_differ_only_in_case_or_spacing(forms: list[tuple[DataSet, Form]]) -> None:
    for _, form in forms:
        for q in form.questions:
            assert len({" ".join(o.lower().split()) for o in q.options}) == len(q.options), q.id
    # (Not "Third family": a name echoing the stem's "family" would be a cue, and no question is asked.)
    data = quiz(families=(family("a", "GHRH agonists", "Site A"), family("b", "ghrh   Agonists", "Site B"),
                          family("c", "Third group", "Site C")),
                compounds=(compound("x", "Xeno", "c"),))
    for seed in SEEDS:
        (q,) = generate(data, seed=seed, kinds=["item-group"]).questions
        assert len(q.options) == 2 and key(q) == "Third group"


def test_an_item_in_two_groups_never_gets_either_as_a_distractor(forms: list[tuple[DataSet, Form]]) -> None:
    data = quiz(families=tuple(family(i, f"Family {i.upper()}") for i in "abcd"),
                compounds=(compound("two", "Twoform", "a", "b"), compound("one", "Oneform", "c")))
    for seed in SEEDS:
        form = generate(data, seed=seed, kinds=["item-group", "item-target", "true-false"])
        for q in form.questions:
            if q.draws_on[0] != "two":
                continue
            if q.kind == "item-group":
                assert key(q) in {"Family A", "Family B"}
                assert not {"Family A", "Family B"} & set(distractors(q))
            if q.kind == "item-target":
                assert not {"Family A site", "Family B site"} & set(distractors(q))
            if q.kind == "true-false" and q.id.startswith("member:"):
                # draws_on: the item, its group, and the other group a false statement names.
                assert (q.correct == (0,)) == (q.draws_on[-1] in {"a", "b"})
    for ds, form in forms:
        for q in form.questions:
            if q.kind == "item-group":
                c = ds.data.compound(q.draws_on[0])
                # Names are lower-cased mid-sentence; an alias may be left out where it would be a cue.
                assert any(f"{ds.data.labels.item} {n} belong" in q.stem.casefold() for n in
                           (c.display_name.casefold(), c.name.casefold())), q.stem
                assert not {norm(ds.data.family(f).name) for f in c.families} & {norm(o) for o in distractors(q)}


# -- the answer does not stand out ---------------------------------------------------------------


def conspicuous(answer: str, other: str) -> bool:
    return len(answer) > LENGTH_RATIO * len(other) and len(answer) - len(other) > LENGTH_SLACK


def test_answer_not_conspicuously_longer_than_a_distractor(forms: list[tuple[DataSet, Form]]) -> None:
    assert (LENGTH_RATIO, LENGTH_SLACK) == (1.5, 12)
    for _, form in forms:
        for q in choice_questions(form):
            assert not any(conspicuous(key(q), d) for d in distractors(q)), q.id
    long = "A made-up definition that goes on and on, with clause after clause, far longer than any other here."
    data = quiz(terms=(term("Longest", long), term("Short", "A brief one."), term("Brief", "Another short one."),
                       term("Small", "Also quite short.")))
    asked = {(q.kind, q.id) for q in generate(data, kinds=["term-definition", "definition-term"], bank=True).questions}
    assert ("term-definition", "term:longest") not in asked and ("definition-term", "term:longest") in asked
    assert generate(data, kinds=["term-definition"]).unasked[LONG] == ("term:longest (term-definition)",)


def test_no_all_or_none_of_the_above(forms: list[tuple[DataSet, Form]]) -> None:
    above = re.compile(r"\b(all|none|both|neither) of the (above|these)\b", re.I)
    for _, form in forms:
        assert not any(above.search(o) for q in form.questions for o in q.options)
    data = quiz(terms=(term("Odd", "None of the above."), term("One", "The first real definition."),
                       term("Two", "The second real definition."), term("Three", "The third real definition.")))
    for seed in SEEDS:
        form = generate(data, seed=seed)
        assert not any(above.search(o) for q in form.questions for o in q.options)


def test_no_negated_stem(forms: list[tuple[DataSet, Form]]) -> None:
    negation = re.compile(r"\b(not|never|except|none|no|false|least)\b|n't\b", re.I)
    for ds, form in forms:
        d = ds.data
        facts = [*(n for t in d.terms for n in (*t.names, t.definition)), *(f.text for f in d.findings),
                 *(x for f in d.families for x in (f.name, f.target)),
                 *(c.display_name for c in d.compounds), *(e.label for e in d.evidence)]
        for q in form.questions:
            wording = q.stem
            for fact in sorted(facts, key=len, reverse=True):
                wording = wording.replace(fact.rstrip("."), "")
            assert not negation.search(wording), q.stem
            assert not q.negated
    # Wording that is negated gets flagged.
    negative = Labels(item="compound", items="compounds", group="family", groups="families", target="receptor",
                      target_verb="never touch", ligand="natural ligand")
    data = quiz(families=(family("a", "First"), family("b", "Second")),
                compounds=(compound("x", "Xeno", "a"),), labels=negative)
    (q,) = generate(data, kinds=["item-target"]).questions
    assert q.negated and q.stem == "Which receptor does xeno never touch?"


# -- the form as a whole -----------------------------------------------------------------------------


def test_right_answer_positions_are_balanced(forms: list[tuple[DataSet, Form]]) -> None:
    for _, form in forms:
        by_size: dict[int, Counter[int]] = {}
        for q in form.questions:
            if q.kind in CHOICE_KINDS or q.kind == "true-false":
                by_size.setdefault(len(q.options), Counter()).update(q.correct)
        for size, used in by_size.items():
            counts = [used[p] for p in range(size)]
            assert max(counts) - min(counts) <= 1, (size, counts)


def test_true_and_false_statements_are_balanced(forms: list[tuple[DataSet, Form]]) -> None:
    for _, form in forms:
        truth = Counter(q.correct for q in form.questions if q.kind == "true-false")
        assert abs(truth[(0,)] - truth[(1,)]) <= 1


def test_a_form_never_holds_a_question_and_its_reverse(forms: list[tuple[DataSet, Form]]) -> None:
    directions: dict[str, set[str]] = {}
    for _, form in forms:
        asked = Counter(q.draws_on[0] for q in form.questions if q.id.startswith("term:"))
        assert max(asked.values()) == 1
        for q in form.questions:
            if q.kind in ("term-definition", "definition-term"):
                directions.setdefault(q.draws_on[0], set()).add(q.kind)
    # Which direction a term is asked in is the seed's choice, not fixed.
    assert any(len(kinds) == 2 for kinds in directions.values())


def test_a_form_asks_each_fact_once(forms: list[tuple[DataSet, Form]]) -> None:
    for _, form in forms:
        # Per item: its group asked as item-group, group-item or a statement, or it is a matching prompt.
        membership = Counter([*(q.id.split(":")[1] for q in form.questions if q.id.startswith("member:")),
                              *(i for q in form.questions if q.kind == "matching" for i in q.draws_on)])
        evidence = Counter(q.draws_on[:2] for q in form.questions if q.id.startswith("evidence:"))
        same_stem = Counter(q.stem for q in form.questions)
        assert max(membership.values(), default=1) == 1
        assert max(evidence.values(), default=1) == 1
        assert max(same_stem.values()) == 1


def test_definitions_that_name_their_term_are_not_asked() -> None:
    data = quiz(terms=(term("Receptor", "A protein that works as a receptor for a signal."),
                       term("Ligand", "A molecule that binds a particular protein."),
                       term("Hormone", "A signal carried in the blood."),
                       term("Gland", "An organ that releases substances."),
                       term("Enzyme", "A protein that speeds up a reaction.")))
    for seed in SEEDS:
        for form in (generate(data, seed=seed), generate(data, seed=seed, bank=True)):
            assert not [q for q in form.questions if q.draws_on[0] == "receptor"]
            assert "Receptor" in form.coverage["untested_terms"]
            assert "term:receptor (term questions)" in form.unasked[SELF]
    # The other terms are asked: the bank asks each of them (a form of five terms leaves some out as enemies,
    # two questions showing the same wrong options), and in more than one kind across the seeds.
    # Its definition may still be a wrong answer elsewhere: it is not the definition of another term.
    banks = [generate(data, seed=s, bank=True) for s in SEEDS]
    for whole in banks:
        assert sorted(q.draws_on[0] for q in whole.questions) == ["enzyme", "gland", "hormone", "ligand"]
    assert {q.kind for whole in banks for q in whole.questions} >= {"definition-term", "fill-blank"}


def test_glossary_distractors_give_nothing_away(forms: list[tuple[DataSet, Form]]) -> None:
    """A term named in the stem's definition, or a broader term inside the answer's name, is no distractor."""
    for ds, form in forms:
        terms = {t.term: t for t in ds.data.terms}
        defs = {norm(t.definition): t for t in ds.data.terms}
        for q in form.questions:
            if q.kind == "definition-term":
                answer = terms[key(q)]
                for d in distractors(q):
                    assert f" {norm(d)} " not in f" {norm(answer.definition)} ", (q.id, d)
                    assert not same_or_inside(d, answer.term), (q.id, d)
            if q.kind == "term-definition":
                answer = defs[norm(key(q))]
                for d in distractors(q):
                    assert not any(f" {norm(n)} " in f" {norm(d)} " for n in answer.names), (q.id, d)
