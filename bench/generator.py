"""Question-generator benchmark: the bank and ``--check`` on course-sized data, 1k to 10k glossary terms.

Each size is a copy of the project's ``quizzes/`` grown to N terms, N/5 items in 50 groups (each item with
the findings of one of the project's items), run through the project's own command line as a user would:
``handout quiz`` (the whole bank) and ``handout quiz --check``. Figures are medians of ``--repeat`` cold
runs, with the peak memory of the process; the ratios are against the smallest size in the same run, so
linear growth reads as a ratio close to the size ratio. Nothing is asserted: the figures are printed.

    .venv/bin/python bench/generator.py [--sizes 1000,2500,5000,10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GROUPS = 50


def make_data(size: int, into: Path) -> Path:
    """The project's data grown to ``size`` terms and ``size // 5`` items."""
    shutil.copytree(ROOT / "quizzes", into, symlinks=False)

    def load(name: str) -> list[dict[str, object]]:
        return list(yaml.safe_load((into / name).read_text(encoding="utf-8")))

    def save(name: str, data: object) -> None:
        (into / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    families, items, terms = load("families.yaml"), load("compounds.yaml"), load("glossary.yaml")
    grown_families = []
    for i in range(GROUPS):
        f = copy.deepcopy(families[i % len(families)])
        f.update(id=f"group-{i}", name=f"Group number {i} agonists", target=f"Target {i}", ligand=f"Ligand {i}")
        grown_families.append(f)
    save("families.yaml", grown_families)
    grown_items = []
    for i in range(size // 5):
        c = copy.deepcopy(items[i % len(items)])
        c.pop("aliases", None)
        c.update(id=f"item-{i}", name=f"Item {i}", families=[f"group-{i % GROUPS}"])
        for j, finding in enumerate(c["findings"]):  # type: ignore[arg-type]
            finding.update(id=f"finding-{j}", text=f"changed measure {j} of item {i} in study group {i % 97}")
        grown_items.append(c)
    save("compounds.yaml", grown_items)
    grown_terms = []
    for i in range(size):
        t = copy.deepcopy(terms[i % len(terms)])
        for key in ("aliases", "related", "etymology"):
            t.pop(key, None)
        t.update(term=f"Term {i}", definition=f"The meaning of entry {i}, written to see how the bank grows, "
                                              f"with {i % 13} more words.")
        grown_terms.append(t)
    save("glossary.yaml", grown_terms)
    return into


def run(args: list[str]) -> tuple[float, float]:
    """Seconds and peak MiB of one run of the command line (its own rusage, from wait4)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "handout", "quiz", *args], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            raise SystemExit(f"handout quiz {' '.join(args)} failed:\n{err.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,2500,5000,10000", help="glossary sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size and command; the median is shown")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            data = make_data(size, Path(tmp) / f"data-{size}")
            common = ["--data", str(data), "--bib", "bib/references.bib", "--docs", "docs"]
            bank = [run([*common, "--output", str(Path(tmp) / f"bank-{size}.json")]) for _ in range(args.repeat)]
            check = [run([*common, "--check"]) for _ in range(args.repeat)]
            rows.append((size, statistics.median(t for t, _ in bank), statistics.median(t for t, _ in check),
                         max(m for _, m in bank)))
    base = rows[0]
    print(f"{'terms':>6} {'items':>6} {'bank s':>8} {'check s':>8} {'bank/base':>10} {'size/base':>10} {'peak MiB':>9}")
    for size, bank_s, check_s, peak in rows:
        print(f"{size:>6} {size // 5:>6} {bank_s:>8.2f} {check_s:>8.2f} {bank_s / base[1]:>10.2f} "
              f"{size / base[0]:>10.2f} {peak:>9.0f}")


if __name__ == "__main__":
    main()
