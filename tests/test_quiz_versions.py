"""Versions of the class quiz: fair (same questions), shuffled, balanced, and ids that leak nothing."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from classroom_versions import seed_versions

from handout.quiz.versions import public_id, version_codes

# The neutral types of fact a question id starts with (README.md, "Question ids are facts").
FACT_TYPES = {"term", "member", "target", "evidence", "study", "matching"}


def test_public_ids_are_stable_unique_and_name_no_fact() -> None:
    for version in seed_versions(count=2):
        ids = [public_id(q) for q in version.questions]
        assert len(set(ids)) == len(ids)
        for q in version.questions:
            # The fact's type and a digest: no data id, whatever the data's ids look like.
            fact_type = q.id.partition(":")[0]
            assert fact_type in FACT_TYPES, q.id
            assert re.fullmatch(rf"{fact_type}-[0-9a-f]{{10}}", public_id(q)), public_id(q)
    a, b = seed_versions(count=2)
    assert {public_id(q): q.id for q in a.questions} == {public_id(q): q.id for q in b.questions}


def test_answer_letters_are_balanced_on_every_sheet() -> None:
    for version in seed_versions(count=3):
        for size in (2, 3, 4):
            used = Counter(q.correct[0] for q in version.questions
                           if len(q.options) == size and q.kind not in ("true-false", "matching"))
            if used:
                counts = [used[p] for p in range(size)]
                assert max(counts) - min(counts) <= 1, (version.code, size, counts)


def test_true_false_keeps_true_first() -> None:
    for version in seed_versions(count=3):
        assert all(q.options == ("True", "False") for q in version.questions if q.kind == "true-false")


@pytest.mark.parametrize("count", [0, 27])
def test_version_count_out_of_range(count: int) -> None:
    with pytest.raises(ValueError, match="from 1 to 26"):
        version_codes(count)
