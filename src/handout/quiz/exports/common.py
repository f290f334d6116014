"""What several exporters share, so that each rule has one definition and one behaviour.

* The build time. ``SOURCE_DATE_EPOCH`` is the reproducible-builds convention for "the time this build
  is of": an integer count of seconds since 1970, as ``date +%s`` prints it. Unset or empty, there is
  none (each exporter says what it uses instead). Anything else is an error, not a value to ignore: the
  convention asks a build to stop on a malformed value, and a build tool that carried on would quietly
  stamp its files with the clock, which is the very thing the variable was set to prevent.
* Reproducible zips (Kahoot's ``.xlsx``, the QTI package, the Anki ``.apkg``): entries sorted by name,
  every entry dated with one time (zip cannot hold a date before 1980, so earlier ones are 1980-01-01),
  deflated at one level, and written as regular files with permissions 0644 made on Unix, so one input
  gives the same bytes on every machine and in every run.
* XML text: characters XML 1.0 cannot hold at all (most C0 controls) are dropped, since no escaping can
  carry them; and a comment's text is made one a parser accepts (no ``--`` inside, no ``-`` at the end).
"""

from __future__ import annotations

import datetime
import os
import re
import stat
import zipfile
from collections.abc import Mapping
from pathlib import Path

#: The earliest time a zip entry can hold; the build time of the zips when ``SOURCE_DATE_EPOCH`` is unset.
ZIP_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)
#: Regular file, read-write for the owner and readable by everyone, whoever unpacks it.
ZIP_MODE = stat.S_IFREG | 0o644
ZIP_UNIX = 3  # "made on Unix": the permissions above mean the same to every unzip
ZIP_LEVEL = 9

# The XML 1.0 Char production; anything outside it cannot appear in a document, escaped or not.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` as seconds since 1970; ``None`` when unset or empty.

    Raises :class:`ValueError`, naming the variable and its value, when it is not a whole number of seconds.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    if value == "":
        return None
    # ASCII digits only: str.isdigit and int() would also take other scripts' digits, signs and spaces.
    if not re.fullmatch(r"[0-9]+", value):
        raise ValueError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, as `date +%s` "
                         f"prints it, not {value!r}")
    return int(value)


def build_time() -> datetime.datetime:
    """The time a reproducible file is dated with: ``SOURCE_DATE_EPOCH``, or :data:`ZIP_EPOCH` when unset
    (never earlier than that). Timezone-aware, in UTC."""
    epoch = source_date_epoch()
    if epoch is None:
        return ZIP_EPOCH
    return max(ZIP_EPOCH, datetime.datetime.fromtimestamp(epoch, datetime.UTC))


def write_zip(path: Path, files: Mapping[str, bytes], *, when: datetime.datetime | None = None) -> None:
    """Write ``files`` (entry name -> content) as a zip at ``path``, reproducibly (see the module's docstring).

    ``when`` dates every entry (UTC; before 1980 counts as 1980-01-01); by default :func:`build_time`,
    read before ``path`` is opened so that a malformed ``SOURCE_DATE_EPOCH`` leaves no file behind.
    """
    stamp = max(ZIP_EPOCH, when if when is not None else build_time()).astimezone(datetime.UTC)
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    with zipfile.ZipFile(path, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = ZIP_UNIX
            info.external_attr = ZIP_MODE << 16
            archive.writestr(info, files[name], compresslevel=ZIP_LEVEL)


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (most C0 controls), which nothing can escape."""
    return _NOT_XML.sub("", text)


def xml_comment(text: str) -> str:
    """The text of an XML comment saying ``text``: on one line, ``--`` broken up, padded with spaces (so it
    neither ends with ``-`` nor runs into the comment's delimiters). Serialisers write comments verbatim."""
    one_line = " ".join(xml_text(text).split())
    return " " + re.sub("-(?=-)", "- ", one_line) + " "
