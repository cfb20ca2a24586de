"""Text that came from input, made safe to show: nothing reaches a terminal raw.

A meter id, a file name or a product name may carry control characters (an ESC
sequence clears the screen or rewrites what was printed), invisible format characters
(a right-to-left override, a zero-width space) or a trailing space. Every
human-readable message escapes them, and ids are quoted so that their ends show:

>>> safe("M1\\x1b[2J")
'M1\\\\x1b[2J'
>>> quote("M1 ")
"'M1 '"

What counts as unsafe is Python's :meth:`str.isprintable`: every Unicode "Other"
(control, format, surrogate, private use, unassigned) and "Separator" character but
the ASCII space. Each is shown as a Python-style escape (``\\n``, ``\\x1b``, ``\\u202e``,
``\\U000e0001``). A backslash already in the text is left as it is (file paths).
"""

from __future__ import annotations

import re

_NOT_ASCII_PRINTABLE = re.compile(r"[^\n\x20-\x7e]")
_SHORT = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def safe(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every non-printable character escaped.

    Parameters
    ----------
    text : str
        Text that may contain input (ids, names, paths).
    keep_newlines : bool
        Keep ``\\n`` as a line break (for a message of several lines whose parts are
        already safe), else it is shown as ``\\n`` too.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or (keep_newlines and ch == "\n") else _escape(ch)
                   for ch in text)


def quote(text: str) -> str:
    """``text`` safe and in single quotes, so that a leading or trailing space shows."""
    return f"'{safe(text)}'"


def json_safe(document: str) -> str:
    """A JSON document with every non-printable character written as a ``\\uXXXX`` escape.

    ``json.dumps(..., ensure_ascii=False)`` escapes the C0 controls but writes DEL, the
    C1 controls (``\\x9b`` is a one-byte CSI on some terminals) and format characters
    raw. Outside strings a JSON document holds only printable ASCII, spaces and
    newlines, so the result decodes to the very same value.
    """
    return _NOT_ASCII_PRINTABLE.sub(_json_escape, document)


def _escape(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _json_escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch.isprintable():
        return ch
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (DuckDB appends SQL excerpts and hints),
    or its type's name when it has none."""
    message = str(exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__
