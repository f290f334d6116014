"""WeasyPrint's import without ctypes' compiler probes (handout.pdf.importing), checked in fresh processes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import ctypes.util, json, subprocess
original = ctypes.util.find_library
started = []
real_init = subprocess.Popen.__init__
def recording(self, args, *rest, **options):
    started.append(args if isinstance(args, str) else str(args[0]))
    real_init(self, args, *rest, **options)
subprocess.Popen.__init__ = recording
from handout.pdf.importing import import_weasyprint
import_weasyprint()
import sys
print(json.dumps({"started": started, "restored": ctypes.util.find_library is original,
                  "loaded": "weasyprint.text.ffi" in sys.modules}))
"""


def run_probe(env: dict[str, str] | None = None) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True,
                          env=env)
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fast path is Linux's loader cache")
def test_import_starts_no_compiler_and_restores_find_library() -> None:
    result = run_probe()
    assert result["loaded"] is True
    assert result["restored"] is True
    started = [str(name) for name in result["started"]]  # type: ignore[attr-defined]
    assert not [n for n in started if n.endswith(("gcc", "cc", "ld")) and "ldconfig" not in n], started


def test_the_cache_answers_as_ctypes_does() -> None:
    import ctypes.util

    from handout.pdf.importing import _cached_find_library, _loader_cache

    cache = _loader_cache()
    if cache is None:
        pytest.skip("no loader cache here (not Linux, or LD_LIBRARY_PATH is set)")
    fast = _cached_find_library(cache)
    # The libraries WeasyPrint loads, and one that is nowhere.
    for name in ("pango-1.0", "pangoft2-1.0", "harfbuzz", "fontconfig", "gobject-2.0", "no-such-library-xyz"):
        assert fast(name) == ctypes.util.find_library(name), name
