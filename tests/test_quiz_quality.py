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
    CHOICE_KINDS,
    LENGTH_RATIO,
    LENGTH_SLACK,
    MAX_OPTIONS,
    MIN_DISTRACTORS,
    Form,
    Question,
    generate,
)
from handout.quiz.model import EVIDENCE_LABELS, Compound, Family, Finding, Labels, QuizData, Term, Where

SEEDS = range(8)
W = Where(Path("made-up.yaml"), 1)
LABELS = Labels(item="compound", items="compounds", group="family", groups="families", target="receptor",
                target_verb="act on", ligand="natural ligand")


def norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def same_or_inside(a: str, b: str) -> bool:
    x, y = norm(a), norm(b)
    return x == y or f" {x} " in f" {y} " or f" {y} " in f" {x} "


def term(name: str, definition: str, *aliases: str, section: str = "page") -> Term:
    return Term(term=name, definition=definition, section=section, where=W, aliases=aliases)


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
                    compounds=compounds)


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
    assert {k for k, n in MIN_DISTRACTORS.items() if n == 1} == {"compound-family", "compound-target"}


def test_too_few_distractors_means_no_question_and_a_note_never_padding() -> None:
    data = quiz(terms=(term("Alpha", "The first of two made-up words, used here."),
                       term("Beta", "The second one, which follows the first.")))
    form = generate(data)
    kinds = {q.kind for q in form.questions}
    assert not kinds & {"term-definition", "definition-term"}  # one distractor each: too few
    assert {"fill-blank", "true-false"} & kinds
    assert sum("term-definition" in n and "needs 2" in n for n in form.notes) == 2
    assert sum("definition-term" in n and "needs 2" in n for n in form.notes) == 2


# -- what a distractor may be ----------------------------------------------------------------------


def test_distractors_come_from_the_same_category(forms: list[tuple[DataSet, Form]]) -> None:
    for ds, form in forms:
        d = ds.data
        category = {
            "term-definition": {t.definition for t in d.terms},
            "definition-term": {t.term for t in d.terms},
            "compound-family": {f.name for f in d.families},
            "compound-target": {f.target for f in d.families},
            "family-compound": {c.display_name for c in d.compounds},
            "finding-evidence": set(EVIDENCE_LABELS.values()),
            "finding-study": set(ds.citations.values()),
        }
        for q in choice_questions(form):
            assert set(q.options) <= category[q.kind], q.id


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
    q = next(q for q in generate(data, kinds=["family-compound"]).questions if q.id == "family-compound:a:mk")
    assert key(q) == "MK-677 (ibutamoren)"
    assert sorted(distractors(q)) == ["Xenomorelin", "Ypsimorelin"]


def test_no_two_options_differ_only_in_case_or_spacing(forms: list[tuple[DataSet, Form]]) -> None:
    for _, form in forms:
        for q in form.questions:
            assert len({" ".join(o.lower().split()) for o in q.options}) == len(q.options), q.id
    data = quiz(families=(family("a", "GHRH agonists", "Site A"), family("b", "ghrh   Agonists", "Site B"),
                          family("c", "Third family", "Site C")),
                compounds=(compound("x", "Xeno", "c"),))
    for seed in SEEDS:
        (q,) = generate(data, seed=seed, kinds=["compound-family"]).questions
        assert len(q.options) == 2 and key(q) == "Third family"


def test_an_item_in_two_groups_never_gets_either_as_a_distractor(forms: list[tuple[DataSet, Form]]) -> None:
    data = quiz(families=tuple(family(i, f"Family {i.upper()}") for i in "abcd"),
                compounds=(compound("two", "Twoform", "a", "b"), compound("one", "Oneform", "c")))
    for seed in SEEDS:
        form = generate(data, seed=seed, kinds=["compound-family", "compound-target", "true-false"])
        for q in form.questions:
            if q.draws_on[0] != "two":
                continue
            if q.kind == "compound-family":
                assert key(q) in {"Family A", "Family B"}
                assert not {"Family A", "Family B"} & set(distractors(q))
            if q.kind == "compound-target":
                assert not {"Family A site", "Family B site"} & set(distractors(q))
            if q.id.startswith("true-false:compound-family:"):
                assert (q.correct == (0,)) == (q.draws_on[1] in {"a", "b"})
    for ds, form in forms:
        members = {c.display_name: {ds.data.family(f).name for f in c.families} for c in ds.data.compounds}
        for q in form.questions:
            if q.kind == "compound-family":
                (name,) = [n for n in members if f"{ds.data.labels.item} {n} belong" in q.stem]
                assert not members[name] & set(distractors(q))


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
    form = generate(data, kinds=["term-definition", "definition-term"])
    ids = {q.id for q in form.questions}
    assert "term-definition:longest" not in ids and "definition-term:longest" in ids
    assert any(n.startswith("term-definition:longest:") and "conspicuously shorter" in n for n in form.notes)


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
                 *(c.display_name for c in d.compounds), *EVIDENCE_LABELS.values()]
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
    (q,) = generate(data, kinds=["compound-target"]).questions
    assert q.negated and q.stem == "Which receptor does Xeno never touch?"


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
        asked = Counter(q.draws_on[0] for q in form.questions
                        if q.kind in ("term-definition", "definition-term", "fill-blank")
                        or q.id.startswith("true-false:term-definition:"))
        assert max(asked.values()) == 1
        for q in form.questions:
            if q.kind in ("term-definition", "definition-term"):
                directions.setdefault(q.draws_on[0], set()).add(q.kind)
    # Which direction a term is asked in is the seed's choice, not fixed.
    assert any(len(kinds) == 2 for kinds in directions.values())


def test_a_form_asks_each_fact_once(forms: list[tuple[DataSet, Form]]) -> None:
    for _, form in forms:
        membership = Counter(q.draws_on[1] if q.kind == "family-compound" else q.draws_on[0]
                             for q in form.questions
                             if q.kind in ("compound-family", "family-compound")
                             or q.id.startswith("true-false:compound-family:"))
        evidence = Counter(q.draws_on[:2] for q in form.questions
                           if q.kind == "finding-evidence" or q.id.startswith("true-false:finding-evidence:"))
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
        form = generate(data, seed=seed)
        assert not [q for q in form.questions if q.draws_on[0] == "receptor"]
        assert "Receptor" in form.coverage["untested_terms"]
        assert any(n.startswith("term 'Receptor': its definition names the term itself") for n in form.notes)
        # Its definition may still be a wrong answer elsewhere: it is not the definition of another term.
    assert {q.kind for s in SEEDS for q in generate(data, seed=s).questions} >= {"definition-term", "fill-blank"}


def test_glossary_distractors_give_nothing_away(forms: list[tuple[DataSet, Form]]) -> None:
    """A term named in the stem's definition, or a broader term inside the answer's name, is no distractor."""
    for ds, form in forms:
        terms = {t.term: t for t in ds.data.terms}
        defs = {t.definition: t for t in ds.data.terms}
        for q in form.questions:
            if q.kind == "definition-term":
                answer = terms[key(q)]
                for d in distractors(q):
                    assert f" {norm(d)} " not in f" {norm(answer.definition)} ", (q.id, d)
                    assert not same_or_inside(d, answer.term), (q.id, d)
            if q.kind == "term-definition":
                answer = defs[key(q)]
                for d in distractors(q):
                    assert not any(f" {norm(n)} " in f" {norm(d)} " for n in answer.names), (q.id, d)
