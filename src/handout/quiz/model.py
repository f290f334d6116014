"""The quiz data as the rest of the package sees it: validated, cross-checked, immutable."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# The closed list of evidence types (schema.json#/$defs/evidence) and how the handout names them.
EVIDENCE_LABELS: dict[str, str] = {
    "in-vitro": "Cell studies (in vitro)",
    "preclinical": "Preclinical (animal) work",
    "early-human": "Early human work",
    "human-trial": "Human trial",
    "observational": "Observational study in people",
    "review": "Review of other studies",
}


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
class Term:
    term: str
    definition: str
    section: str
    where: Where
    aliases: tuple[str, ...] = ()
    cite: tuple[str, ...] = ()

    @property
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

    @property
    def evidence_label(self) -> str:
        return EVIDENCE_LABELS[self.evidence]


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
        """``MK-677 (ibutamoren)``: the name with its aliases, as the handout writes it."""
        return f"{self.name} ({', '.join(self.aliases)})" if self.aliases else self.name

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
