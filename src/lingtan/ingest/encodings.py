"""Which encoding a text file of a data package is in: UTF-8 or GBK/GB18030, never a guess.

A file that is not valid UTF-8 is GB18030 (a superset of GBK) or refused. A file that
*is* valid UTF-8 can still be GBK whose bytes happen to form UTF-8 sequences: ``一楼``
in GBK is ``D2 BB C2 A5``, which is also the UTF-8 for ``һ¥``. For such a file
:func:`resolve` weighs the two readings of a bounded sample (the file's first lines
that hold non-ASCII bytes) with charset-normalizer's mess measure and a script check,
and refuses what stays ambiguous; the package can then declare the encoding in
``factory.yaml`` (``files: {"readings/a.csv": {encoding: gbk}}``, docs/data-package.md).

Rules, in order (``u`` is the UTF-8 reading of the sample, ``g`` the GB18030 one; a
*ledger character* is one a Chinese ledger writes: CJK, full-width forms, punctuation,
symbols, Latin-1 symbols such as ``°``, ``³``, ``×``; a *mojibake character* is one GBK
bytes read as UTF-8 give and a ledger does not use: C1 controls, Latin Extended, IPA,
spacing modifiers, Cyrillic, Hebrew, Arabic, …, private use):

1. ``g`` does not decode: UTF-8.
2. ``u`` holds a mojibake character: GB18030 if every non-ASCII character of ``g`` is a
   ledger character and charset-normalizer finds ``g`` no messier than ``u``, else refused.
3. Every non-ASCII character of ``u`` is a ledger character and one at least is beyond
   U+07FF (a CJK character, ``“``, ``℃``: three UTF-8 bytes): UTF-8. GBK text almost
   never forms such sequences.
4. Otherwise ``u`` holds only two-byte characters (``°``, ``³``, ``é``, Greek), which GBK
   hanzi such as ``楼`` (``C2 A5``, UTF-8 ``¥``) also form: UTF-8 if charset-normalizer
   finds ``u`` clearly less messy than ``g`` (``Café`` against ``Caf茅``), else refused.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from lingtan.errors import PackageError, Problem
from lingtan.text import safe

#: Bytes of non-ASCII lines kept for the decision (the validity scan covers the whole file).
SAMPLE_BYTES = 1 << 16
#: Encodings a package may declare for a CSV file, and the codec each decodes with.
DECLARABLE = {"utf-8": "utf-8", "gbk": "gbk", "gb18030": "gb18030"}

#: How much less messy charset-normalizer must find the UTF-8 reading to prefer it (rule 4).
_CLEARLY = 0.1
_NON_ASCII = re.compile(rb"[\x80-\xff]")

#: Code-point ranges a Chinese ledger writes: Latin-1 symbols, punctuation and symbol
#: blocks, CJK (radicals … unified ideographs), compatibility and full-width forms.
_LEDGER_RANGES = (
    (0x00A0, 0x00BF), (0x00D7, 0x00D7), (0x00F7, 0x00F7), (0x2000, 0x2BFF),
    (0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
    (0x20000, 0x3FFFF),
)
#: Code-point ranges GBK bytes read as UTF-8 fall into, and a Chinese ledger does not use.
_MOJIBAKE_RANGES = ((0x0080, 0x009F), (0x0100, 0x036F), (0x0400, 0x1FFF), (0xE000, 0xF8FF))


@dataclass
class Sample:
    """The first lines of a file that hold non-ASCII bytes, at most :data:`SAMPLE_BYTES`."""

    lines: list[bytes]
    size: int = 0

    @property
    def full(self) -> bool:
        return self.size >= SAMPLE_BYTES

    def add(self, chunk: bytes, first: bool, last: bool) -> None:
        """Keep the whole lines of ``chunk`` that hold non-ASCII bytes, until full.

        A line cut by the chunk boundary is skipped (``first``/``last`` say whether the
        chunk starts or ends the file, so that its first or last line is whole).
        """
        start = 0 if first else chunk.find(b"\n") + 1
        end = len(chunk) if last else chunk.rfind(b"\n") + 1
        while not self.full and (m := _NON_ASCII.search(chunk, start, end)):
            line_start = chunk.rfind(b"\n", start, m.start()) + 1
            line_end = chunk.find(b"\n", m.start(), end)
            line_end = end if line_end < 0 else line_end
            line = chunk[line_start:line_end][: SAMPLE_BYTES - self.size]
            self.lines.append(line)
            self.size += len(line) + 1
            start = line_end + 1

    @property
    def data(self) -> bytes:
        return b"\n".join(self.lines)


def resolve(sample: bytes, name: str) -> str:
    """``utf-8`` or ``gb18030`` for a valid-UTF-8 file whose non-ASCII lines are ``sample``.

    Raises
    ------
    PackageError
        If the sample reads as plausible text both ways (rule 4 of the module docstring),
        naming the file and saying how to declare its encoding.
    """
    utf8 = codecs.getincrementaldecoder("utf-8")().decode(sample)
    try:
        gb = codecs.getincrementaldecoder("gb18030")().decode(sample)
    except UnicodeDecodeError:
        return "utf-8"
    ambiguous = PackageError([Problem(name, None, None, ambiguity_reason(name, utf8, gb))])
    if any(_in(c, _MOJIBAKE_RANGES) for c in utf8 if not c.isascii()):  # rule 2
        if _ledger_text(gb) and _mess(sample, "gb18030") <= _mess(sample, "utf_8"):
            return "gb18030"
        raise ambiguous
    wide = any(ord(c) >= 0x800 for c in utf8)
    if (wide and _ledger_text(utf8)) or _mess(sample, "utf_8") + _CLEARLY <= _mess(
            sample, "gb18030"):  # rules 3 and 4
        return "utf-8"
    raise ambiguous


def ambiguity_reason(name: str, utf8: str, gb: str) -> str:
    """The reason given for an ambiguous file: both readings and how to declare one."""
    return (
        f"encoding is ambiguous: the text reads as UTF-8 {_excerpt(utf8)!r} and as GBK"
        f" {_excerpt(gb)!r}; declare it in factory.yaml, e.g."
        f' files: {{"{name}": {{encoding: gbk}}}} (or utf-8), or save the file as UTF-8 with BOM'
    )


def _mess(sample: bytes, encoding: str) -> float:
    """charset-normalizer's mess ratio of ``sample`` read as ``encoding`` (0 = clean)."""
    match = from_bytes(sample, cp_isolation=[encoding], threshold=1.0,
                       preemptive_behaviour=False).best()
    return 1.0 if match is None else round(match.chaos, 3)


def _ledger_text(text: str) -> bool:
    return all(_in(c, _LEDGER_RANGES) for c in text if not c.isascii())


def _in(char: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in ranges)


def _excerpt(text: str, width: int = 24) -> str:
    """The first non-ASCII stretch of ``text``, unprintable characters escaped."""
    line = text.split("\n", 1)[0]
    at = next((i for i, c in enumerate(line) if not c.isascii()), 0)
    piece = line[max(0, at - 4): at + width]
    return safe(piece)
