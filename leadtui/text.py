"""Hostile text stays inert: the one place that knows which characters a terminal or a spreadsheet would obey.

Pure functions (no Textual, no SQLAlchemy, no i18n), used by
- services (input): `problem()` tells validation.parse why a text is refused;
- the CLI (output): `visible()` makes control characters visible in everything printed;
- the TUI (output): `visible()` for cells and labels, `strip_zero_width_controls()` as the last guard;
- CSV exports: `csv_cell()` neutralises formula prefixes (OWASP) and makes control characters visible.

Refused on input / shown visibly on output:
- C0 control characters (U+0000-U+001F) except tab and newline in multi-line fields (notes, descriptions),
  DEL (U+007F) and C1 control characters (U+0080-U+009F, which some terminals obey like ESC sequences);
- bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which reorder what is shown
  ("Trojan Source"); the ordinary marks U+200E/U+200F stay allowed;
- lone surrogates (U+D800-U+DFFF): bytes that were not valid UTF-8 (Python's surrogateescape).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

CONTROL = "control"  # a control character or escape sequence
BIDI = "bidi"  # a bidirectional override
ENCODING = "encoding"  # not valid UTF-8

_C0_DEL_C1 = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_BIDI = "\u202a-\u202e\u2066-\u2069"
_SURROGATES = "\ud800-\udfff"
_UNSAFE_MULTILINE = re.compile(f"[{_C0_DEL_C1}{_BIDI}{_SURROGATES}]")
_UNSAFE_LINE = re.compile(f"[\t\n{_C0_DEL_C1}{_BIDI}{_SURROGATES}]")
_ZERO_WIDTH_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_REPLACEMENT = "\ufffd"


def problem(text: str, *, multiline: bool = False) -> str | None:
    """Why `text` may not be stored (CONTROL, BIDI or ENCODING), or None when it is fine.

    Single-line fields (names, titles) refuse tab and newline too; multi-line fields (notes) allow them."""
    found = (_UNSAFE_MULTILINE if multiline else _UNSAFE_LINE).search(text)
    if found is None:
        return None
    char = found.group()
    if "\ud800" <= char <= "\udfff":
        return ENCODING
    if "\u202a" <= char <= "\u2069":
        return BIDI
    return CONTROL


def _picture(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ESC is shown as U+241B, BEL as U+2407
    if code == 0x7F:
        return "\u2421"  # DEL
    return _REPLACEMENT  # C1, bidi overrides, lone surrogates


def visible(text: str, *, multiline: bool = False) -> str:
    """`text` with every character a terminal would obey replaced by a visible stand-in of the same width
    (one cell); tab and newline are kept when `multiline`."""
    if not text:
        return text
    pattern = _UNSAFE_MULTILINE if multiline else _UNSAFE_LINE
    if pattern.search(text) is None:  # the common case costs one scan
        return text
    return pattern.sub(_picture, text)


def visible_output(text: str) -> str:
    """For a whole chunk of command-line output: keep tab, newline and a carriage return that ends a line
    (CSV writes CR LF); every other control character, bidi override and lone surrogate becomes visible."""
    if _UNSAFE_MULTILINE.search(text) is None:
        return text
    return "\r\n".join(_UNSAFE_MULTILINE.sub(_picture, part) for part in text.split("\r\n"))


_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_BIDI}{_SURROGATES}]")


def json_inert(dumped: str) -> str:
    """JSON text (json.dumps with ensure_ascii=False) with DEL, C1, bidi overrides and lone surrogates written as
    \\uXXXX escapes: the same data for a program, nothing for a terminal to obey (json.dumps escapes C0 itself)."""
    if _JSON_UNSAFE.search(dumped) is None:
        return dumped
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def has_zero_width_controls(text: str) -> bool:
    return _ZERO_WIDTH_CONTROLS.search(text) is not None


def strip_zero_width_controls(text: str) -> str:
    """`text` without the characters that take no cell on screen but that a terminal would obey (ESC, BEL,
    C1, bidi overrides). Removing them keeps the layout computed by a renderer that counts them as width 0."""
    if _ZERO_WIDTH_CONTROLS.search(text) is None:
        return text
    return _ZERO_WIDTH_CONTROLS.sub("", text)


# --------------------------------------------------------------------------- CSV (formula injection)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PREFIX_CHARS = frozenset(FORMULA_PREFIXES)
# the fast path of CsvWriter: cells joined with U+001F; a cell that guard_formula would change
_UNSAFE_BUT_SEPARATOR = re.compile(f"[\x00-\x08\x0b-\x1e\x7f-\x9f{_BIDI}{_SURROGATES}]")
_FORMULA_CELL = re.compile(r"\x1f(?:[=@\t\r]|[+-](?![0-9][0-9 ().,/-]*(?:\x1f|\Z)))")
_PLAIN_TYPES = frozenset({int, float, Decimal, bool})
_PLAIN_OR_NONE = _PLAIN_TYPES | {type(None)}
_TEXT_OR_NONE = frozenset({str, type(None)})
_NUMBER_LIKE = re.compile(r"[+-][0-9][0-9 ().,/-]*")  # -5.00, +45 12 34 56 78: arithmetic at worst, no formula


def guard_formula(text: str) -> str:
    """OWASP's rule for CSV injection: a text cell starting with = + - @ tab or CR gets a leading single quote,
    so a spreadsheet shows it as text instead of running it. Signed numbers and phone numbers
    (+, -, digits, spaces, . , ( ) / only) stay as they are: without letters they cannot call anything."""
    if text and text[0] in FORMULA_PREFIXES and _NUMBER_LIKE.fullmatch(text) is None:
        return "'" + text
    return text


def csv_cell(value: Any, *, formula_guard: bool = True) -> Any:
    """One exported CSV cell: None as empty, numbers as they are, text made visible (multi-line kept) and, with
    `formula_guard`, neutralised when it starts like a formula."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal)):
        return value
    text = visible(str(value), multiline=True)
    return guard_formula(text) if formula_guard else text


class CsvWriter:
    """csv.writer whose every cell goes through csv_cell (the one place CSV exports are written through)."""

    def __init__(self, out: Any, *, formula_guard: bool = True, **options: Any) -> None:
        import csv

        self._writer = csv.writer(out, **options)
        self.formula_guard = formula_guard

    def writerows(self, rows: Any) -> None:
        """writerow for many rows: one scan of all their text in the common case (nothing to change)."""
        rows = rows if isinstance(rows, list) else list(rows)
        texts: list[str] = []
        for column in zip(*rows):  # a column at a time: most are all text, or all numbers
            kinds = set(map(type, column))
            if kinds <= _TEXT_OR_NONE:
                texts.extend(filter(None, column))  # an empty cell changes nothing
            elif not kinds <= _PLAIN_OR_NONE:
                texts.extend(str(v) for v in column if v is not None and v.__class__ not in _PLAIN_TYPES)
        joined = "\x1f" + "\x1f".join(texts)
        if (
            _UNSAFE_BUT_SEPARATOR.search(joined) is None
            and joined.count("\x1f") == max(len(texts), 1)
            and not (self.formula_guard and _FORMULA_CELL.search(joined))
        ):
            self._writer.writerows(rows)
            return
        for row in rows:
            self.writerow(row)

    def writerow(self, row: Any) -> Any:
        """csv_cell for every cell, inlined: an export of 100,000 rows writes a million cells."""
        guard = self.formula_guard
        row = list(row)
        # one scan of the row's text in the common case (nothing to show or to neutralise): numbers, dates and
        # None are written by the csv module as they are
        texts = [str(v) for v in row if v is not None and v.__class__ not in _PLAIN_TYPES]
        joined = "\x1f" + "\x1f".join(texts)  # U+001F cannot be in a cell that passes: a control character
        if (
            _UNSAFE_BUT_SEPARATOR.search(joined) is None
            and joined.count("\x1f") == max(len(texts), 1)
            and not (guard and _FORMULA_CELL.search(joined))
        ):
            return self._writer.writerow(row)
        cells = []
        for value in row:
            if value is None:
                value = ""
            elif value.__class__ is not str:
                if not isinstance(value, (bool, int, float, Decimal)):
                    value = csv_cell(value, formula_guard=guard)
            else:
                if _UNSAFE_MULTILINE.search(value) is not None:
                    value = _UNSAFE_MULTILINE.sub(_picture, value)
                if guard and value and value[0] in _PREFIX_CHARS and _NUMBER_LIKE.fullmatch(value) is None:
                    value = "'" + value
            cells.append(value)
        return self._writer.writerow(cells)
