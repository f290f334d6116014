"""The quiz data as the rest of the package sees it: validated, cross-checked, immutable."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Where:
    """Where a piece of data was written, for messages a maintainer can act on."""

    file: Path
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Labels:
    """The nouns and phrases questions are worded with, so the code names no subject."""

    item: str
    items: str
    group: str
    groups: str
    target: str
    target_verb: str
    ligand: str


@dataclass(frozen=True)
class Category:
    """What kind of thing a glossary term is (hormone, structure, study design...): the subject's own list.
    The options of one question are all of one category."""

    id: str
    label: str


@dataclass(frozen=True)
class EvidenceLevel:
    """One step of the subject's evidence scale: its id, the label readers see, and what it means. The
    scale is ordered from the least to the most direct evidence about people, and its meanings are written
    so that no study fits two labels."""

    id: str
    label: str
    meaning: str


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    section: str
    where: Where
    aliases: tuple[str, ...] = ()
    cite: tuple[str, ...] = ()
    category: str = ""
    # Where the word comes from: kept apart from the definition, which is shown as an option.
    etymology: str = ""
    # Why the term matters in this subject: what a rationale teaches beyond the definition.
    context: str = ""
    # Names of near-synonyms, broader and narrower terms: never set against this one.
    related: tuple[str, ...] = ()

    @functools.cached_property
    def id(self) -> str:
        """A stable id from the term itself (glossary entries have no id field)."""
        return slug(self.term)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Family:
    id: str
    name: str
    target: str
    ligand: str
    mechanism: str
    where: Where
    section: str | None = None
    cite: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    id: str
    compound: str
    text: str
    evidence: str
    cite: tuple[str, ...]
    where: Where
    # Who took part and how the study was designed, as a phrase: what a rationale teaches.
    design: str = ""


@dataclass(frozen=True)
class Compound:
    id: str
    name: str
    families: tuple[str, ...]
    findings: tuple[Finding, ...]
    section: str
    where: Where
    aliases: tuple[str, ...] = ()
    route: str | None = None

    @property
    def display_name(self) -> str:
        """``MK-677 (ibutamoren)``: the name with its aliases, as the handout writes it. Aliases are
        separated by semicolons, so an alias with a comma inside (``L-163,191``) still reads as one name."""
        return f"{self.name} ({'; '.join(self.aliases)})" if self.aliases else self.name

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class QuizData:
    """One data folder, loaded and cross-checked."""

    folder: Path
    title: str
    labels: Labels
    terms: tuple[Term, ...]
    families: tuple[Family, ...]
    compounds: tuple[Compound, ...]
    files: tuple[Path, ...] = field(default=(), compare=False)
    categories: tuple[Category, ...] = ()
    evidence: tuple[EvidenceLevel, ...] = ()

    def evidence_level(self, evidence_id: str) -> EvidenceLevel:
        """The scale's step for ``evidence_id`` (the loader has checked that it exists)."""
        return next((e for e in self.evidence if e.id == evidence_id), EvidenceLevel(evidence_id, evidence_id, ""))

    def evidence_label(self, finding: Finding) -> str:
        return self.evidence_level(finding.evidence).label

    def family(self, family_id: str) -> Family:
        return next(f for f in self.families if f.id == family_id)

    def members(self, family_id: str) -> tuple[Compound, ...]:
        return tuple(c for c in self.compounds if family_id in c.families)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for c in self.compounds for f in c.findings)

    def compound(self, compound_id: str) -> Compound:
        return next(c for c in self.compounds if c.id == compound_id)


def slug(text: str) -> str:
    """GitHub-style heading slug, the one MyST uses for heading anchors."""
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")
