"""Text from the input made safe to print: to a terminal, a CI log, an XML report.

A leaf module every layer may use (it imports nothing of kgen): file and object
names come from the input, and a raw control character, or a line that starts
with ``::`` (a GitHub runner's workflow command), must never reach the output.
"""

from __future__ import annotations

import re

# Characters a terminal, a CI log or an XML parser must not receive raw: C0 controls
# except tab, newline and carriage return; DEL and C1 (which holds the 8-bit CSI);
# lone surrogates (undecodable file names); and the two XML non-characters.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def escape_unsafe(text: str, *, one_line: bool = False) -> str:
    """Show unsafe characters as ``\\xNN`` / ``\\uNNNN`` instead of sending them raw;
    with ``one_line`` also tab, newline and carriage return."""
    return (_UNSAFE_IN_LINE if one_line else _UNSAFE).sub(_escaped, text)


_COMMAND = re.compile(r"^([ \t]*):(?=:)", re.MULTILINE)


def inert_lines(text: str) -> str:
    """``text`` with no line that starts (after blanks) with ``::``, which a GitHub runner takes
    as a workflow command: the first colon of such a line is written ``\\x3a``. For text whose
    lines are kgen's own (a YAML error's second line) but may quote the input."""
    return _COMMAND.sub(lambda match: f"{match.group(1)}\\x3a", text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
