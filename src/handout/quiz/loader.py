"""Read a quiz data folder into :class:`~handout.quiz.model.QuizData`, or say exactly what is wrong.

Every problem becomes a :class:`DataError` naming the file, the line and what was expected, and all
problems of a run are reported together: a maintainer fixes them in one pass instead of one per run.
YAML is composed (never constructed into arbitrary objects) so that each value keeps its line.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError

from handout.quiz.model import Category, Compound, EvidenceLevel, Family, Finding, Labels, QuizData, Term, Where, slug

FILES = {
    "subject": "the subject's title and labels",
    "glossary": "a list of glossary terms",
    "families": "a list of families",
    "compounds": "a list of compounds",
}
# A whole course (10,000 glossary terms, 2,000 items) is a few megabytes; a file far bigger is a mistake
# or an attack on the parser. Alias bombs and deep nesting are refused on their own (see _convert).
MAX_BYTES = 32_000_000

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class DataError:
    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class DataErrors(Exception):
    """All the problems found in one data folder."""

    def __init__(self, errors: Iterable[DataError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__("\n".join(map(str, self.errors)))


@cache
def schema() -> dict[str, Any]:
    """quizzes/schema.json, shipped in the package so the loader and editors read the same file."""
    text = resources.files("handout.quiz").joinpath("schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def load_quiz_data(folder: Path, bibfile: Path | Sequence[Path] | None = None, docs: Path | None = None) -> QuizData:
    """Load and check one data folder; raises :class:`DataErrors` listing every problem.

    ``bibfile`` (one BibTeX file or several) and ``docs`` turn on the checks of citation keys and
    section references.
    """
    errors: list[DataError] = []
    raw: dict[str, tuple[Any, Lines]] = {}
    if not folder.is_dir():
        raise DataErrors([DataError(folder, 1, "no such folder; expected the quiz data folder")])
    for name, what in FILES.items():
        path = folder / f"{name}.yaml"
        if not path.is_file():
            errors.append(DataError(path, 1, f"missing: a data folder holds {name}.yaml with {what}"))
            continue
        try:
            doc, lines = read_yaml(path)
        except DataErrors as exc:
            errors += exc.errors
            continue
        schema_errors = list(check_schema(name, doc, lines))
        errors += schema_errors
        raw[name] = (doc, lines)
    errors += cross_check(folder, raw, bibfile, docs)
    if errors:
        raise DataErrors(errors)
    return build(folder, raw)


# -- YAML with line numbers --------------------------------------------------------------------


class Lines:
    """Line numbers of the values (and of the keys) in one YAML file, by JSON path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: dict[Path_, int] = {}

    def at(self, path: Iterable[str | int]) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        parts = tuple(path)
        while parts and parts not in self.lines:
            parts = parts[:-1]
        return self.lines.get(parts, 1)

    def where(self, path: Iterable[str | int]) -> Where:
        return Where(self.path, self.at(path))

    def error(self, path: Iterable[str | int], message: str) -> DataError:
        return DataError(self.path, self.at(path), message)


def read_yaml(path: Path) -> tuple[Any, Lines]:
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise DataErrors([DataError(path, 1, f"file is {len(data):,} bytes; quiz data files are limited to "
                                             f"{MAX_BYTES:,} (is this the right file?)")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataErrors([DataError(path, line, f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be read; "
                                                "save the file as UTF-8")]) from None
    text = text.removeprefix("\ufeff")
    try:
        try:
            node = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError:
            # The messages (and marks) of PyYAML's own parser are the ones the checks are written for;
            # a file that fails is small work to read again.
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "malformed"
        if "'\\t'" in problem:
            problem = "a tab character where YAML expects spaces (indent with spaces only)"
        elif problem == "but found another document":
            problem = "a second document starts here (---); a data file holds one document"
        elif exc.context:
            start = exc.context_mark
            if start is not None and mark is not None and start.line != mark.line:
                problem = f"{problem} ({exc.context} that starts at line {start.line + 1})"
            else:
                problem = f"{problem} ({exc.context})"
        raise DataErrors([DataError(path, line, f"not valid YAML: {problem}")]) from None
    except yaml.reader.ReaderError as exc:
        # Characters YAML refuses (NUL and other controls); the position is an offset into ``text``.
        line = text[: exc.position].count("\n") + 1
        raise DataErrors([DataError(path, line, f"not valid YAML: invisible character U+{exc.character:04X} is "
                                                "not allowed; remove it")]) from None
    except RecursionError:
        raise DataErrors([DataError(path, 1, "not valid YAML: nested too deeply (quiz data is only a few levels "
                                             "deep)")]) from None
    except yaml.YAMLError as exc:
        raise DataErrors([DataError(path, 1, f"not valid YAML: {exc}")]) from None
    if node is None:
        what = FILES.get(path.stem, "data")
        raise DataErrors([DataError(path, 1, f"empty file; expected {what}")])
    lines = Lines(path)
    problems: list[DataError] = []
    value = _convert(node, (), lines, problems, set())
    if problems:
        raise DataErrors(problems)
    return value, lines


_scalars = yaml.constructor.SafeConstructor()
# libyaml's parser when PyYAML was built with it (its wheels are): ten times faster on a course-sized
# glossary, with the same nodes and marks.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _convert(node: yaml.Node, path: Path_, lines: Lines, problems: list[DataError], seen: set[int]) -> Any:
    lines.lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in seen:
        # The composer hands back the same node for an alias: data written once must not mean twice.
        problems.append(lines.error(path, "anchors and aliases (& and *) are not supported; write the value out"))
        return None
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(DataError(lines.path, line, "merge keys (<<) are not supported; write the fields out"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(DataError(lines.path, line, "a key must be a plain word"))
                continue
            key = str(key_node.value)
            if key in first:
                problems.append(DataError(lines.path, line, f"duplicate key '{key}' (first at line {first[key]})"))
                continue
            first[key] = line
            lines.lines[(*path, key)] = line
            result[key] = _convert(value_node, (*path, key), lines, problems, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), lines, problems, seen) for i, item in enumerate(node.value)]
    if node.tag == "tag:yaml.org,2002:str":
        return node.value  # the common case, without the constructor's bookkeeping
    return _scalars.construct_object(node)


# -- Schema --------------------------------------------------------------------------------------


@cache
def _validator(name: str) -> Draft202012Validator:
    root = schema()
    return Draft202012Validator({**root, "$ref": f"#/$defs/{name}"})


def check_schema(name: str, doc: Any, lines: Lines) -> Iterator[DataError]:
    if _conforms(name)(doc):
        return  # the common case, decided in a fraction of jsonschema's time on a course-sized file
    for error in sorted(_validator(name).iter_errors(doc), key=lambda e: (lines.at(e.absolute_path), e.message)):
        yield from _explain(error, lines)


Check = Callable[[Any], bool]


@cache
def _conforms(name: str) -> Check:
    """A yes/no check of ``$defs/<name>``, compiled from the schema into closures.

    jsonschema takes seconds on 10,000 glossary terms because it builds a validator per value; this
    answers whether the file conforms at all, and only a file that does not is handed to jsonschema,
    whose errors the messages are made from. It knows the keywords schema.json uses and refuses (says
    "no") for any other, so a new keyword can only cost speed, never let bad data through.
    """
    defs = schema()["$defs"]
    known = {"type", "properties", "required", "additionalProperties", "items", "minItems", "uniqueItems",
             "pattern", "minLength", "enum", "$ref", "allOf", "description"}
    types: dict[str, Callable[[Any], bool]] = {
        "string": lambda v: isinstance(v, str), "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool)}

    def compile_(node: Mapping[str, Any]) -> Check:
        if set(node) - known:
            return lambda v: False
        checks: list[Check] = []
        if "$ref" in node:
            target = node["$ref"].removeprefix("#/$defs/")
            checks.append(lambda v: compiled[target](v))
        if "type" in node:
            checks.append(types.get(node["type"], lambda v: False))
        if "enum" in node:
            allowed = node["enum"]
            checks.append(lambda v: any(v == a and type(v) is type(a) for a in allowed))
        if "minLength" in node:
            n = node["minLength"]
            checks.append(lambda v: not isinstance(v, str) or len(v) >= n)
        if "pattern" in node:
            search = re.compile(node["pattern"]).search
            checks.append(lambda v: not isinstance(v, str) or bool(search(v)))
        if "minItems" in node:
            m = node["minItems"]
            checks.append(lambda v: not isinstance(v, list) or len(v) >= m)
        if node.get("uniqueItems"):
            checks.append(lambda v: not isinstance(v, list) or len({repr(x) for x in v}) == len(v))
        if "items" in node:
            item = compile_(node["items"])
            checks.append(lambda v: not isinstance(v, list) or all(item(x) for x in v))
        if "allOf" in node:
            parts = [compile_(p) for p in node["allOf"]]
            checks.append(lambda v: all(p(v) for p in parts))
        if "required" in node:
            required = tuple(node["required"])
            checks.append(lambda v: not isinstance(v, dict) or all(k in v for k in required))
        if "properties" in node:
            props = {k: compile_(p) for k, p in node["properties"].items()}
            closed = node.get("additionalProperties") is False
            checks.append(lambda v: not isinstance(v, dict) or all(
                (k in props and props[k](x)) or (not closed and k not in props) for k, x in v.items()))
        return lambda v: all(c(v) for c in checks)

    compiled: dict[str, Check] = {}
    for key, node in defs.items():
        compiled[key] = compile_(node)
    return compiled[name]


def _field(path: Path_) -> str:
    names = [p for p in path if isinstance(p, str)]
    return f"'{names[-1]}'" if names else "this entry"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


_TYPE_WORDS = {"string": "text", "array": "a list", "object": "a mapping of fields", "integer": "a whole number"}


def _explain(error: ValidationError, lines: Lines) -> Iterator[DataError]:
    path: Path_ = tuple(error.absolute_path)
    # jsonschema types these as "maybe unset"; for errors out of iter_errors they are always set.
    schema_here: Any = error.schema
    value: Any = error.instance
    expected: Any = error.validator_value
    field = _field(path)
    match error.validator:
        case "additionalProperties":
            allowed = list(schema_here.get("properties", {}))
            for key in (k for k in value if k not in allowed):
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                yield lines.error((*path, key), f"unknown field '{key}'{hint} (fields here: {', '.join(allowed)})")
        case "required":
            # A misspelt field is one mistake: "unknown field 'sectoin'; did you mean 'section'?" says it all.
            allowed = list(schema_here.get("properties", {}))
            misspelt = {m for k in value if k not in allowed for m in difflib.get_close_matches(k, allowed, n=1)}
            for key in (k for k in expected if k not in value and k not in misspelt):
                yield lines.error(path, f"missing field '{key}'")
        case "type" if not path:
            yield lines.error(path, f"the file should hold {FILES[lines.path.stem]}, not {_kind(value)}")
        case "type":
            words = _TYPE_WORDS.get(str(expected), str(expected))
            yield lines.error(path, f"{field} should be {words}, not {_kind(value)}")
        case "enum":
            yield lines.error(path, f"{field} is '{value}', which is not one of: {', '.join(map(str, expected))}")
        case "pattern" if expected == r"\S":
            yield lines.error(path, f"{field} is blank")
        case "pattern" if "#" in expected:
            yield lines.error(path, f"{field} '{value}' is not a docs section: write page or page#heading")
        case "pattern":
            yield lines.error(path, f"{field} '{value}' is not a valid id: use lower-case letters, digits and "
                                    "single hyphens, like 'mk-677'")
        case "minItems" if not path:
            yield lines.error(path, f"the file holds no entries; expected {FILES[lines.path.stem]}")
        case "minItems" | "minLength":
            yield lines.error(path, f"{field} is empty")
        case "uniqueItems":
            yield lines.error(path, f"{field} lists the same value twice")
        case _:
            yield lines.error(path, f"{field}: {error.message}")


# -- Checks across entries and files -----------------------------------------------------------


def _entries(raw: Mapping[str, tuple[Any, Lines]], name: str) -> Iterator[tuple[int, dict[str, Any], Lines]]:
    doc, lines = raw.get(name, (None, None))
    if isinstance(doc, list) and lines is not None:
        for i, entry in enumerate(doc):
            if isinstance(entry, dict):
                yield i, entry, lines


def _list(value: Any) -> list[Any]:
    """``value`` if it is a list; the schema has already reported it otherwise."""
    return value if isinstance(value, list) else []


def bib_keys(bibfiles: Sequence[Path]) -> tuple[set[str] | None, list[DataError]]:
    """Entry keys of the BibTeX files, read by the same parser that labels them (``None``: no files)."""
    from handout.quiz.bib import cite_labels

    if not bibfiles:
        return None, []
    keys: set[str] = set()
    problems = []
    for bib in bibfiles:
        if not bib.is_file():
            problems.append(DataError(bib, 1, "no such file; expected the BibTeX file the citation keys come from"))
            continue
        # The builds' own check first: it names the damaged line, not the one where pybtex gave up.
        from handout.citations import check_bibfile

        stop, _ = check_bibfile(bib)
        if stop is not None:
            problems.append(DataError(bib, stop.line, f"cannot be read as BibTeX: {stop.message}"))
            continue
        try:
            keys.update(cite_labels(bib))
        except Exception as exc:  # pybtex raises its own error types, with a line where it knows one
            problems.append(DataError(bib, getattr(exc, "lineno", None) or 1, f"cannot be read as BibTeX: {exc}"))
    return (None if problems else keys), problems


def headings(page: Path) -> frozenset[str]:
    """Anchors of a MyST page's headings (outside code fences), as MyST makes them."""
    anchors, fenced = set(), False
    for line in page.read_text(encoding="utf-8", errors="replace").splitlines():
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
        elif not fenced and (m := re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", line)):
            anchors.add(slug(re.sub(r"[*_`]", "", m[1])))
    return frozenset(anchors)


def cross_check(folder: Path, raw: Mapping[str, tuple[Any, Lines]], bibfile: Path | Sequence[Path] | None,
                docs: Path | None) -> Iterator[DataError]:
    def duplicates(name: str, key: str, path: tuple[str, ...] = ()) -> Iterator[DataError]:
        first: dict[str, int] = {}
        for i, entry, lines in _entries(raw, name):
            value = entry.get(key)
            if isinstance(value, str):
                line = lines.at((i, key))
                if value in first:
                    yield DataError(lines.path, line, f"duplicate {key} '{value}' (first at line {first[value]})")
                first.setdefault(value, line)

    yield from duplicates("families", "id")
    yield from duplicates("compounds", "id")

    names: dict[str, int] = {}
    for i, entry, lines in _entries(raw, "glossary"):
        for j, name in enumerate([entry.get("term"), *_list(entry.get("aliases"))]):
            if not isinstance(name, str):
                continue
            where = (i, "term") if j == 0 else (i, "aliases", j - 1)
            if name.casefold() in names:
                first = names[name.casefold()]
                yield lines.error(where, f"'{name}' is already a glossary term or alias (line {first})")
            names.setdefault(name.casefold(), lines.at(where))

    yield from subject_checks(raw)

    families = [e.get("id") for _, e, _ in _entries(raw, "families")]
    known = ", ".join(f for f in families if isinstance(f, str)) or "none"
    bibfiles = (bibfile,) if isinstance(bibfile, Path) else tuple(bibfile or ())
    keys, problems = bib_keys(bibfiles)
    yield from problems
    bib_names = " or ".join(map(str, bibfiles))

    def cite_errors(lines: Lines, path: Path_, cite: Any) -> Iterator[DataError]:
        if keys is None or not isinstance(cite, list):
            return
        for k, key in enumerate(cite):
            if isinstance(key, str) and key not in keys:
                close = difflib.get_close_matches(key, sorted(keys), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f" (keys there: {', '.join(sorted(keys))})"
                yield lines.error((*path, k), f"citation key '{key}' is not in {bib_names}{hint}")

    section_pattern = re.compile(schema()["$defs"]["section"]["pattern"])
    pages: dict[str, tuple[Path | None, frozenset[str]]] = {}

    def section_errors(lines: Lines, path: Path_, section: Any) -> Iterator[DataError]:
        if docs is None or not isinstance(section, str) or not section_pattern.search(section):
            return  # the schema has reported a malformed section already
        page, _, anchor = section.partition("#")
        if page not in pages:  # each page is looked for and read once, however many entries name it
            source = next((docs / f"{page}{ext}" for ext in (".md", ".rst") if (docs / f"{page}{ext}").is_file()),
                          None)
            pages[page] = (source, headings(source) if source else frozenset())
        source, found = pages[page]
        if source is None:
            yield lines.error(path, f"section '{section}': there is no page {docs / page}.md")
        elif anchor and anchor not in found:
            close = difflib.get_close_matches(anchor, sorted(found), n=1)
            hint = f"did you mean '{page}#{close[0]}'?" if close else f"its headings: {', '.join(sorted(found))}"
            yield lines.error(path, f"section '{section}': {source.name} has no heading '#{anchor}'; {hint}")

    for name in ("glossary", "families"):
        for i, entry, lines in _entries(raw, name):
            yield from cite_errors(lines, (i, "cite"), entry.get("cite"))
            yield from section_errors(lines, (i, "section"), entry.get("section"))
    for i, entry, lines in _entries(raw, "compounds"):
        yield from section_errors(lines, (i, "section"), entry.get("section"))
        for k, family in enumerate(_list(entry.get("families"))):
            if isinstance(family, str) and family not in families and raw.get("families"):
                yield lines.error((i, "families", k), f"family '{family}' does not exist; known families: {known}")
        seen: dict[str, int] = {}
        for k, finding in enumerate(_list(entry.get("findings"))):
            if not isinstance(finding, dict):
                continue
            yield from cite_errors(lines, (i, "findings", k, "cite"), finding.get("cite"))
            fid = finding.get("id")
            if isinstance(fid, str):
                line = lines.at((i, "findings", k, "id"))
                if fid in seen:
                    yield DataError(lines.path, line, f"duplicate finding id '{fid}' (first at line {seen[fid]})")
                seen.setdefault(fid, line)


def _ids(raw: Mapping[str, tuple[Any, Lines]], field: str) -> list[str] | None:
    """The ids of subject.yaml's ``categories`` or ``evidence`` list (``None`` when it cannot be read)."""
    doc, _ = raw.get("subject", (None, None))
    if not isinstance(doc, dict) or not isinstance(doc.get(field), list):
        return None
    return [e["id"] for e in doc[field] if isinstance(e, dict) and isinstance(e.get("id"), str)]


def subject_checks(raw: Mapping[str, tuple[Any, Lines]]) -> Iterator[DataError]:
    """Glossary categories, finding evidence and related terms name things that exist."""
    doc, slines = raw.get("subject", (None, None))
    if isinstance(doc, dict) and slines is not None:
        for field in ("categories", "evidence"):
            seen: dict[str, int] = {}
            for i, entry in enumerate(_list(doc.get(field))):
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    line = slines.at((field, i, "id"))
                    if entry["id"] in seen:
                        yield DataError(slines.path, line, f"duplicate {field} id '{entry['id']}' (first at line "
                                                           f"{seen[entry['id']]})")
                    seen.setdefault(entry["id"], line)
    categories = _ids(raw, "categories")
    names = {str(n).casefold() for _, e, _ in _entries(raw, "glossary")
             for n in [e.get("term"), *_list(e.get("aliases"))] if isinstance(n, str)}
    for i, entry, lines in _entries(raw, "glossary"):
        category = entry.get("category")
        if categories is not None and isinstance(category, str) and category not in categories:
            close = difflib.get_close_matches(category, categories, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            yield lines.error((i, "category"), f"category '{category}' is not one of subject.yaml's categories: "
                                               f"{', '.join(categories)}{hint}")
        for k, name in enumerate(_list(entry.get("related"))):
            if isinstance(name, str) and name.casefold() not in names:
                yield lines.error((i, "related", k), f"related term '{name}' is not a glossary term or alias")
    scale = _ids(raw, "evidence")
    if scale is None:
        return
    for i, entry, lines in _entries(raw, "compounds"):
        for k, finding in enumerate(_list(entry.get("findings"))):
            evidence = finding.get("evidence") if isinstance(finding, dict) else None
            if isinstance(evidence, str) and evidence not in scale:
                close = difflib.get_close_matches(evidence, scale, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                yield lines.error((i, "findings", k, "evidence"),
                                  f"evidence '{evidence}' is not on subject.yaml's evidence scale; {hint}"
                                  f"the scale: {', '.join(scale)}")


# -- Building the model ------------------------------------------------------------------------


def build(folder: Path, raw: Mapping[str, tuple[Any, Lines]]) -> QuizData:
    subject, _ = raw["subject"]
    glossary, glines = raw["glossary"]
    families, flines = raw["families"]
    compounds, clines = raw["compounds"]
    return QuizData(
        folder=folder,
        title=subject["title"],
        labels=Labels(**subject["labels"]),
        categories=tuple(Category(id=c["id"], label=c["label"]) for c in subject["categories"]),
        evidence=tuple(EvidenceLevel(id=e["id"], label=e["label"], meaning=e["meaning"]) for e in subject["evidence"]),
        terms=tuple(
            Term(term=t["term"], definition=t["definition"], section=t["section"], where=glines.where((i,)),
                 aliases=tuple(t.get("aliases", ())), cite=tuple(t.get("cite", ())), category=t["category"],
                 etymology=t.get("etymology", ""), context=t.get("context", ""),
                 related=tuple(t.get("related", ())))
            for i, t in enumerate(glossary)
        ),
        families=tuple(
            Family(id=f["id"], name=f["name"], target=f["target"], ligand=f["ligand"], mechanism=f["mechanism"],
                   where=flines.where((i,)), section=f.get("section"), cite=tuple(f.get("cite", ())))
            for i, f in enumerate(families)
        ),
        compounds=tuple(
            Compound(
                id=c["id"], name=c["name"], families=tuple(c["families"]), section=c["section"],
                where=clines.where((i,)), aliases=tuple(c.get("aliases", ())), route=c.get("route"),
                findings=tuple(
                    Finding(id=f["id"], compound=c["id"], text=f["text"], evidence=f["evidence"],
                            cite=tuple(f["cite"]), where=clines.where((i, "findings", k)),
                            design=f.get("design", ""))
                    for k, f in enumerate(c["findings"])
                ),
            )
            for i, c in enumerate(compounds)
        ),
        files=tuple(folder / f"{name}.yaml" for name in FILES),
    )
