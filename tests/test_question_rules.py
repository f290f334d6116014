"""The item-writing rules of issue 11, one test (or more) each, on this project's data and on the second
subject: what a teacher reading the questions would check, not how the generator works.

Forms (quizzes, class versions) must be enemy-free; the bank is the pool a platform draws from, with every
fact once. Both must be free of cues, of mixed options and of second defensible answers.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import snowballstemmer  # type: ignore[import-untyped]
import yaml

from handout.quiz.bib import cite_labels
from handout.quiz.generator import BLANK, CHOICE_KINDS, Form, Question, answer_key, generate
from handout.quiz.loader import load_quiz_data
from handout.quiz.model import QuizData, Term
from handout.quiz.versions import make_versions, public_id

ROOT = Path(__file__).resolve().parents[1]
SUBJECTS = {
    "peptides": (ROOT / "quizzes", ROOT / "bib" / "references.bib", ROOT / "docs"),
    "antibiotics": (ROOT / "tests/data/antibiotics", ROOT / "tests/data/antibiotics/refs.bib",
                    ROOT / "tests/data/antibiotics/docs"),
}
SEEDS = range(6)
STEM = snowballstemmer.stemmer("english").stemWord
STOP = {"what", "which", "does", "that", "this", "with", "from", "into", "their", "there", "about", "other", "than",
        "have", "been", "were", "when", "where", "whose", "among"}
APOSTROPHE = "\u2019"


def load(name: str) -> tuple[QuizData, dict[str, str]]:
    folder, bib, docs = SUBJECTS[name]
    return load_quiz_data(folder, bibfile=bib, docs=docs), cite_labels(bib)


@pytest.fixture(params=sorted(SUBJECTS), scope="module")
def subject(request: pytest.FixtureRequest) -> tuple[QuizData, dict[str, str]]:
    return load(request.param)


def forms(data: QuizData, labels: dict[str, str]) -> Iterator[Form]:
    """What a class gets: short forms and full forms, over several seeds."""
    for seed in SEEDS:
        yield generate(data, seed=seed, count=12, citations=labels)
        yield generate(data, seed=seed, citations=labels)


def everything(data: QuizData, labels: dict[str, str]) -> Iterator[Question]:
    for seed in SEEDS:
        yield from generate(data, seed=seed, citations=labels, bank=True).questions
    for form in forms(data, labels):
        yield from form.questions


def right(q: Question) -> str:
    return q.options[q.correct[0]]


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in STOP}


def kin(a: str, b: str) -> bool:
    return STEM(a) == STEM(b) or (len(a) >= 6 and len(b) >= 6 and a[:6] == b[:6])


def by_definition(data: QuizData) -> dict[str, Term]:
    return {" ".join(t.definition.lower().split()).rstrip("."): t for t in data.terms}


def term_of_text(data: QuizData, text: str) -> Term | None:
    """The glossary term an option or statement names or defines."""
    flat = " ".join(text.lower().replace(APOSTROPHE, "'").split()).rstrip(".")
    for t in data.terms:
        if flat == t.term.lower() or flat == " ".join(t.definition.lower().split()).rstrip("."):
            return t
    return None


# -- 1. Homogeneous options -------------------------------------------------------------------------


def test_term_options_are_all_of_the_answers_category(subject: tuple[QuizData, dict[str, str]]) -> None:
    data, labels = subject
    checked = 0
    for q in everything(data, labels):
        if q.kind not in ("term-definition", "definition-term"):
            continue
        cats = {t.category for o in q.options if (t := term_of_text(data, o))}
        assert len(cats) == 1, f"{q.id}: options of several categories {cats}: {q.options}"
        checked += 1
    assert checked


def test_false_statements_swap_in_a_definition_of_the_same_category(subject: tuple[QuizData, dict[str, str]]) -> None:
    data, labels = subject
    checked = 0
    for q in everything(data, labels):
        m = re.match(r"“(.+?)” means (.+)\.$", q.stem)
        if q.kind != "true-false" or not m:
            continue
        named = next(t for t in data.terms if t.term == m[1])
        said = m[2].lower().replace(APOSTROPHE, "'")
        described = next((t for t in data.terms if t.definition.lower().rstrip(".") == said), None)
        assert described is not None, q.stem
        assert described.category == named.category, f"{q.stem}: a {described.category} for a {named.category}"
        checked += 1
    assert checked


# -- 2. One defensible answer ---------------------------------------------------------------------


def test_related_terms_never_stand_against_each_other(subject: tuple[QuizData, dict[str, str]]) -> None:
    data, labels = subject
    related = {(a.id, b.id) for a in data.terms for name in a.related
               for b in data.terms if name.casefold() in (n.casefold() for n in b.names)}
    related |= {(b, a) for a, b in related}
    assert related or not any(t.related for t in data.terms)
    for q in everything(data, labels):
        if q.kind not in ("term-definition", "definition-term"):
            continue
        terms = [t for o in q.options if (t := term_of_text(data, o))]
        answer = term_of_text(data, right(q))
        assert answer is not None
        for t in terms:
            assert (answer.id, t.id) not in related, f"{q.id}: related “{t.term}” offered against “{answer.term}”"


def test_no_study_cited_for_the_item_its_group_or_the_fact_is_a_wrong_answer(
        subject: tuple[QuizData, dict[str, str]]) -> None:
    data, labels = subject
    for q in everything(data, labels):
        if q.kind != "finding-study":
            continue
        item_id = q.id.split(":")[1]
        item = data.compound(item_id)
        own = {k for f in item.findings for k in f.cite} | {k for g in item.families for k in data.family(g).cite}
        wrong = [o for i, o in enumerate(q.options) if i not in q.correct]
        assert not {labels[k] for k in own} & set(wrong), f"{q.id}: a study cited for {item.name} is a wrong option"


def test_evidence_labels_are_the_subjects_scale_and_exclusive(subject: tuple[QuizData, dict[str, str]]) -> None:
    data, labels = subject
    scale = [e.label for e in data.evidence]
    assert len(set(scale)) == len(scale) >= 2
    for q in everything(data, labels):
        if q.kind == "finding-evidence":
            assert set(q.options) <= set(scale), q.options


def test_the_project_labels_randomized_trials_as_randomized() -> None:
    """A study described as assigning people by chance carries a randomized label, and no other study does:
    the labels of the project's own data cannot both fit one study."""
    data, _ = load("peptides")
    for f in data.findings:
        level = data.evidence_level(f.evidence)
        randomized = "by chance" in f.design
        assert randomized == ("by chance" in level.meaning), f"{f.id}: {f.design!r} labelled {level.label!r}"


# -- 3. No cue to the answer ----------------------------------------------------------------------


def cue(q: Question) -> str:
    key = right(q)
    others = [o for i, o in enumerate(q.options) if i not in q.correct]
    for w in words(q.stem):
        if any(kin(w, v) for v in words(key)) and not any(kin(w, v) for o in others for v in words(o)):
            return w
    return ""


def test_no_right_option_echoes_the_stem(subject: tuple[QuizData, dict[str, str]]) -> None:
    data, labels = subject
    for q in everything(data, labels):
        if q.kind in CHOICE_KINDS and len(q.options) >= 3:
            assert not cue(q), f"{q.id}: '{cue(q)}' in {q.stem!r} -> {right(q)!r}"


def test_fill_in_definitions_do_not_echo_the_answer(subject: tuple[QuizData, dict[str, str]]) -> None:
    data, labels = subject
    for q in everything(data, labels):
        if q.kind == "fill-blank":
            sentence = q.stem.replace("The term", "")
            assert not any(kin(w, v) for w in words(sentence) for v in words(q.accept[0])), q.stem


def test_word_history_is_never_part_of_an_option() -> None:
    data, labels = load("peptides")
    assert any(t.etymology for t in data.terms)
    for q in everything(data, labels):
        for option in q.options:
            assert "Greek" not in option and "from “secrete”" not in option.lower(), option


# -- 4. Enemy items ---------------------------------------------------------------------------------


def test_a_form_asks_each_fact_once_and_repeats_no_right_answer(subject: tuple[QuizData, dict[str, str]]) -> None:
    data, labels = subject
    for form in forms(data, labels):
        items = [q.id.split(":")[1] for q in form.questions if q.id.split(":")[0] in ("member", "target")]
        assert len(items) == len(set(items)), f"an item asked twice: {items}"
        answers = [right(q).casefold() for q in form.questions if q.kind in CHOICE_KINDS]
        assert len(answers) == len(set(answers)), f"a right answer twice: {sorted(answers)}"


def test_the_matching_set_and_single_questions_on_its_items_are_enemies(
        subject: tuple[QuizData, dict[str, str]]) -> None:
    data, labels = subject
    seen = 0
    for form in forms(data, labels):
        matching = [q for q in form.questions if q.kind == "matching"]
        for m in matching:
            seen += 1
            for prompt, c in zip(m.prompts, m.correct, strict=True):
                for q in form.questions:
                    if q is m or q.kind == "matching" or not q.options:
                        continue
                    name = prompt.split(" (")[0].casefold()
                    if name in q.stem.casefold():
                        assert right(q) != m.options[c], f"matching answers {q.id}"
                        assert q.id.split(":")[0] not in ("member", "target"), f"{q.id} asks a matching prompt"
    assert seen


def test_class_versions_keep_the_forms_questions() -> None:
    data, labels = load("peptides")
    form = generate(data, seed=0, count=20, citations=labels)
    for version in make_versions(form, 3, citations=labels):
        assert {q.id for q in version.questions} == {q.id for q in form.questions}


# -- 5. Fill-in -------------------------------------------------------------------------------------


def test_fill_in_is_a_sentence_with_the_blank_inside(subject: tuple[QuizData, dict[str, str]]) -> None:
    data, labels = subject
    seen = 0
    for q in everything(data, labels):
        if q.kind == "fill-blank":
            seen += 1
            assert BLANK in q.stem and not q.stem.startswith(BLANK) and q.stem.endswith(".")
            assert not re.search(r"_+\s*:", q.stem), q.stem
    assert seen


@pytest.mark.parametrize(("typed", "name"), [
    ("growth hormone secretagogue", "Growth-hormone secretagogue"),
    ("GROWTH-HORMONE  secretagogue.", "Growth-hormone secretagogue"),
    ("ghsr", "GHS-R"),
    ("agogos", "agōgos"),
])
def test_answers_compare_without_case_spacing_hyphens_punctuation_or_accents(typed: str, name: str) -> None:
    assert answer_key(typed) == answer_key(name)


def test_every_accepted_spelling_is_written_out(subject: tuple[QuizData, dict[str, str]]) -> None:
    data, labels = subject
    for q in everything(data, labels):
        if q.kind != "fill-blank":
            continue
        written = {" ".join(v.casefold().split()) for v in q.spelled}
        for name in q.accept:
            for form in (name, name.replace("-", " "), name.replace("-", "")):
                assert " ".join(form.casefold().split()) in written, f"{q.id}: {form!r} not among {q.spelled}"


# -- 6. Rationales teach; wording follows the data ---------------------------------------------------


def test_rationales_add_what_the_answer_does_not(subject: tuple[QuizData, dict[str, str]]) -> None:
    data, labels = subject
    for q in everything(data, labels):
        kind = q.id.split(":")[0]
        if kind == "member" and q.kind != "true-false":
            family = data.family(q.id.split(":")[2])
            assert family.mechanism.rstrip(".")[1:].lower() in q.rationale.lower(), q.rationale
        if kind == "evidence":
            finding = next(f for f in data.findings if f.id == q.id.split(":")[2] and f.compound == q.id.split(":")[1])
            assert data.evidence_level(finding.evidence).meaning.rstrip(".")[1:] in q.rationale, q.rationale
            if finding.design:
                assert finding.design in q.rationale
        if kind == "term":
            assert q.rationale.strip() not in {o.strip() for o in q.options}


def test_names_are_lower_case_mid_sentence_and_quotes_typographic(subject: tuple[QuizData, dict[str, str]]) -> None:
    data, labels = subject
    capitalised = [f.name for f in data.families if f.name[1:2].islower()]
    for q in everything(data, labels):
        for text in (q.stem, q.rationale):
            for name in capitalised:
                assert not re.search(rf"\w[ (]{re.escape(name)}", text), f"{name!r} capitalised mid-sentence: {text}"
            assert '"' not in text and not re.search(r"\w'\w", text), text


def test_aliases_read_as_one_name_each() -> None:
    data, _ = load("peptides")
    item = dataclasses.replace(data.compounds[0], aliases=("L-163,191", "ibutamoren"))
    assert item.display_name.endswith("(L-163,191; ibutamoren)")


def test_exports_name_no_kind_after_the_subjects_own_words(subject: tuple[QuizData, dict[str, str]]) -> None:
    data, labels = subject
    words_of_subject = {data.labels.item, data.labels.items, data.labels.group, data.labels.groups}
    for q in generate(data, seed=0, citations=labels, bank=True).questions:
        for name in (q.kind, public_id(q)):
            assert not set(re.split(r"[-:]", name)) & {w.casefold() for w in words_of_subject}, name


# -- 7. Stable identity ---------------------------------------------------------------------------------


def grow(folder: Path, into: Path) -> Path:
    """A copy of ``folder`` with two more glossary terms and one more item (with a finding)."""
    shutil.copytree(folder, into)
    glossary = yaml.safe_load((into / "glossary.yaml").read_text(encoding="utf-8"))
    base = glossary[0]
    for name, text in (("Zeta marker", "A made-up signal added to see that old questions keep their ids."),
                       ("Omega index", "A made-up figure added to see that old questions keep their ids too.")):
        glossary.append({"term": name, "category": base["category"], "definition": text, "section": base["section"]})
    (into / "glossary.yaml").write_text(yaml.safe_dump(glossary, allow_unicode=True, sort_keys=False), "utf-8")
    items = yaml.safe_load((into / "compounds.yaml").read_text(encoding="utf-8"))
    new = copy.deepcopy(items[-1])
    new.update(id="grown-item", name="Grown item")
    new.pop("aliases", None)
    for i, f in enumerate(new["findings"]):
        f.update(id=f"grown-{i}", text=f"changed a made-up measure number {i + 1}")
    items.append(new)
    (into / "compounds.yaml").write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False), "utf-8")
    return into


@pytest.mark.parametrize("name", sorted(SUBJECTS))
def test_growth_keeps_every_question_id(name: str, tmp_path: Path) -> None:
    folder, bib, docs = SUBJECTS[name]
    labels = cite_labels(bib)
    old = load_quiz_data(folder, bibfile=bib, docs=docs)
    new = load_quiz_data(grow(folder, tmp_path / "grown"), bibfile=bib, docs=docs)
    for seed in SEEDS:
        before = {q.id for q in generate(old, seed=seed, citations=labels, bank=True).questions}
        after = {q.id for q in generate(new, seed=seed, citations=labels, bank=True).questions}
        assert before <= after, f"seed {seed}: lost {sorted(before - after)}"
        assert any(i.startswith("term:zeta") for i in after - before)


def guids(apkg: Path) -> set[str]:
    with zipfile.ZipFile(apkg) as z:
        z.extract("collection.anki2", apkg.parent / apkg.stem)
    with sqlite3.connect(apkg.parent / apkg.stem / "collection.anki2") as db:
        return {row[0] for row in db.execute("select guid from notes")}


def test_the_grown_anki_deck_only_adds_notes(tmp_path: Path) -> None:
    from handout.quiz.exports import anki

    folder, bib, docs = SUBJECTS["peptides"]
    labels = cite_labels(bib)
    old = generate(load_quiz_data(folder, bibfile=bib, docs=docs), seed=0, citations=labels, bank=True)
    new = generate(load_quiz_data(grow(folder, tmp_path / "grown"), bibfile=bib, docs=docs), seed=0,
                   citations=labels, bank=True)
    anki.write(old.title, old.questions, tmp_path / "old.apkg", citations=labels)
    anki.write(new.title, new.questions, tmp_path / "new.apkg", citations=labels)
    before, after = guids(tmp_path / "old.apkg"), guids(tmp_path / "new.apkg")
    added = {q.id for q in new.questions} - {q.id for q in old.questions}
    assert before <= after and len(after) == len(before) + len(added)


# -- 8 and 9. Size and the teacher's report -------------------------------------------------------


def test_a_course_sized_glossary_is_not_refused(tmp_path: Path) -> None:
    folder = tmp_path / "big"
    shutil.copytree(SUBJECTS["peptides"][0], folder)
    terms = [{"term": f"Term {i}", "category": "hormone", "definition": f"Made-up meaning number {i} of a long list.",
              "section": "glossary"} for i in range(12000)]
    (folder / "glossary.yaml").write_text(yaml.safe_dump(terms, sort_keys=False), "utf-8")
    assert (folder / "glossary.yaml").stat().st_size > 1_000_000
    data = load_quiz_data(folder)
    assert len(data.terms) == 12000


def test_check_reports_which_rules_left_which_facts_unasked() -> None:
    folder, bib, docs = SUBJECTS["antibiotics"]
    result = subprocess.run([sys.executable, "-m", "handout", "quiz", "--check", "--data", str(folder), "--bib",
                             str(bib), "--docs", str(docs)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "unasked because" in result.stdout
    assert re.search(r"\(a cue\) \('\w+'\): \S+", result.stdout), result.stdout
