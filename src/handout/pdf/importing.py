"""Import WeasyPrint without ctypes' compiler probes: a third of a second or more of every PDF build.

WeasyPrint finds Pango, HarfBuzz and fontconfig by trying several names per library (Linux, macOS
and Windows spellings) with cffi's ``dlopen``, which asks ``ctypes.util.find_library`` for each
name without a slash. On Linux that function runs ``/sbin/ldconfig -p`` and, when the name is not
in the loader's cache, ``gcc`` and then ``ld`` to look for it. Most names WeasyPrint tries are not
Linux names, and the optional ``harfbuzz-vector`` is usually not installed at all, so a plain
``import weasyprint`` starts over fifty processes (a C compiler among them) on a machine with gcc:
about as long as WeasyPrint takes to lay out a few pages.

While WeasyPrint is imported, ``find_library`` is answered from one run of ``ldconfig -p``, with
the very pattern ctypes applies to that output, so a library the cache knows resolves exactly as
before; a name the cache does not know is reported missing without starting a compiler. The probes
skipped could only find a library outside the cache, which ``dlopen`` (given its soname, as ctypes
returns it) would then load from ``LD_LIBRARY_PATH`` or, with an out-of-date cache, from the system
folders. So WeasyPrint is imported the ordinary way when ``LD_LIBRARY_PATH`` is set, when
``ldconfig`` cannot be run, and when the quick import fails for want of a library. (An optional
library that only an out-of-date cache hides would be left out: WeasyPrint then says so in a
warning, which the build reports.) ``find_library`` is restored before this returns, whatever happens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import os
import re
import subprocess
import sys
from typing import Protocol

# ctypes' own table (Lib/ctypes/util.py): the ldconfig ABI tag of each 64-bit machine.
_ABI = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


def import_weasyprint() -> None:
    """Import the ``weasyprint`` package (a no-op once imported), as fast as the system allows."""
    if "weasyprint" in sys.modules:
        return
    cache = _loader_cache()
    if cache is not None:
        original = ctypes.util.find_library
        ctypes.util.find_library = _cached_find_library(cache)
        try:
            importlib.import_module("weasyprint")
            return
        except OSError:
            # A library the cache does not list (WeasyPrint has printed its installation hint by
            # now): forget the half-imported package and let the skipped probes look for it.
            for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
                del sys.modules[name]
        finally:
            ctypes.util.find_library = original
    importlib.import_module("weasyprint")


def _loader_cache() -> bytes | None:
    """``ldconfig -p``'s listing of the loader's cache, or None where the fast path does not apply."""
    if not sys.platform.startswith("linux") or os.environ.get("LD_LIBRARY_PATH"):
        return None
    try:
        listing = subprocess.run(
            ["/sbin/ldconfig", "-p"], capture_output=True, check=True, env={"LC_ALL": "C", "LANG": "C"}, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return listing or None


class _FindLibrary(Protocol):
    def __call__(self, name: str) -> str | None: ...


def _cached_find_library(cache: bytes) -> _FindLibrary:
    machine = os.uname().machine + ("-64" if ctypes.sizeof(ctypes.c_void_p) == 8 else "-32")
    abi = _ABI.get(machine, "libc6")

    def find_library(name: str) -> str | None:
        # The same search as ctypes.util._findSoname_ldconfig, on output read once instead of per name.
        found = re.search(os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}"), cache)
        return os.fsdecode(found.group(1)) if found else None

    return find_library
