"""Plain YAML scalars read as kubectl and the API server read them.

Manifests reach the cluster through sigs.k8s.io/yaml, which decodes YAML with
go-yaml v2 and turns the result into JSON. Its rules differ from YAML 1.1
(PyYAML) and from YAML 1.2 (ruamel.yaml) in ways that change values:

* no base 60: ``12:30`` is the text "12:30" (YAML 1.1 reads 750);
* booleans are ``y Y yes Yes YES on On ON true True TRUE`` and the same
  spellings of false (``n``, ``no``, ``off``); ``TrUe`` is text;
* integers are Go's ``strconv.ParseInt(text, 0, 64)`` with underscores
  removed: ``010`` is 8, ``0x1F`` is 31, ``0o17`` is 15, ``0b101`` is 5,
  ``+7`` is 7; too large for int64 but within uint64 is still an integer;
* anything else of digits, one dot and an exponent is a float: ``1.10`` is
  1.1, ``1e3`` is 1000.0, ``08`` is 8.0 (not a valid octal), ``.5`` is 0.5;
  a float too large for float64 stays text;
* ``~ null Null NULL`` and the empty scalar are null; ``.inf .nan`` and
  their spellings are floats; timestamps stay text.

Mapping keys become JSON object keys: a boolean key is "true"/"false", an
integer key its decimal digits, a float key Go's shortest 32-bit form.

``resolve_plain`` is the one table; the loader, the config and policy
readers, and render's quoting all ask it.
"""

from __future__ import annotations

import math
import re
import struct
from typing import Any

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
MERGE = "tag:yaml.org,2002:merge"

_SPECIAL: dict[str, tuple[str, Any]] = {}
for _words, _entry in (
    (("y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"), (BOOL, True)),
    (("n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"), (BOOL, False)),
    (("", "~", "null", "Null", "NULL"), (NULL, None)),
    ((".nan", ".NaN", ".NAN"), (FLOAT, math.nan)),
    ((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), (FLOAT, math.inf)),
    (("-.inf", "-.Inf", "-.INF"), (FLOAT, -math.inf)),
    (("<<",), (MERGE, "<<")),
):
    for _word in _words:
        _SPECIAL[_word] = _entry

# The first character decides which rules apply (go-yaml's resolve table).
_SIGN_OR_DIGIT = frozenset("+-0123456789")
_IN_TABLE = frozenset("yYnNtTfFoO~")

_YAML_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
# Go's ParseInt(s, 0, 64) syntax: sign, then a prefixed or a leading-zero octal or a decimal.
_GO_INT = re.compile(r"([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)")
_GO_FLOAT_DOT = re.compile(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?")

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
UINT64_MAX = 2**64 - 1


def resolve_plain(text: str) -> tuple[str, Any]:
    """The tag and value go-yaml v2 gives a plain (unquoted, untagged) scalar."""
    special = _SPECIAL.get(text)
    if special is not None:
        return special
    first = text[0]
    if first == ".":
        if _GO_FLOAT_DOT.fullmatch(text):
            return _float_or_text(text)
        return STR, text
    if first not in _SIGN_OR_DIGIT:
        return STR, text  # words, and the rest of the table's letters ("yYnN...") were in _SPECIAL
    plain = text.replace("_", "")
    number = go_int(plain)
    if number is not None:
        return INT, number
    if _YAML_FLOAT.fullmatch(plain):
        return _float_or_text(plain, text)
    return STR, text


def _float_or_text(number: str, text: str | None = None) -> tuple[str, Any]:
    value = float(number)
    if math.isinf(value):  # Go's ParseFloat refuses what float64 cannot hold
        return STR, text if text is not None else number
    return FLOAT, value


def go_int(text: str) -> int | None:
    """``strconv.ParseInt(text, 0, 64)``, then ``ParseUint``: the integer, or None."""
    if len(text) > 80:  # no 64-bit integer is this long
        return None
    match = _GO_INT.fullmatch(text)
    if match is None:
        return None
    sign, digits = match.groups()
    prefix = digits[:2].lower()
    if prefix in ("0x", "0o", "0b"):
        value = int(digits[2:], {"0x": 16, "0o": 8, "0b": 2}[prefix])
    elif len(digits) > 1 and digits[0] == "0":
        value = int(digits, 8)
    else:
        value = int(digits)
    if sign == "-":
        value = -value
        return value if value >= INT64_MIN else None
    return value if value <= UINT64_MAX else None


def construct(tag: str, text: str) -> tuple[bool, Any]:
    """A scalar with an explicit or resolved core tag -> (ok, value), as go-yaml decodes it."""
    if tag == STR:
        return True, text
    resolved, value = resolve_plain(text) if text else (NULL, None)
    if tag == resolved:
        return True, value
    if tag == FLOAT and isinstance(value, int) and not isinstance(value, bool):
        return True, float(value)
    return False, None


def is_plain_text(text: str) -> bool:
    """True when ``text`` written plain reads back as this same text under go-yaml v2."""
    return bool(text) and resolve_plain(text)[0] == STR


def json_key(value: Any) -> str | None:
    """A decoded mapping key as the JSON object key sigs.k8s.io/yaml makes of it (None: refused)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if INT64_MIN <= value <= INT64_MAX else None
    if isinstance(value, float):
        return go_float32_g(value)
    return None


def go_float32_g(value: float) -> str:
    """Go's ``strconv.FormatFloat(value, 'g', -1, 32)``, with YAML's names for the specials."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    try:
        single = struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return ".inf" if value > 0 else "-.inf"
    if math.isinf(single):  # beyond float32 (1E100): packing rounds to infinity, as Go's float32() does
        return ".inf" if single > 0 else "-.inf"
    if single == 0:
        return "-0" if math.copysign(1.0, single) < 0 else "0"
    for precision in range(1, 10):  # the shortest digits that read back as the same float32
        digits = f"{single:.{precision - 1}e}"
        if struct.unpack("f", struct.pack("f", float(digits)))[0] == single:
            break
    mantissa, _, exponent_text = digits.partition("e")
    exponent = int(exponent_text)
    negative = mantissa.startswith("-")
    figures = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
    sign = "-" if negative else ""
    if exponent < -4 or exponent >= 6:  # Go's threshold for the shortest form
        head = figures[0] + ("." + figures[1:] if len(figures) > 1 else "")
        return f"{sign}{head}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if exponent < 0:
        return f"{sign}0.{'0' * (-exponent - 1)}{figures}"
    if len(figures) <= exponent + 1:
        return sign + figures + "0" * (exponent + 1 - len(figures))
    return f"{sign}{figures[: exponent + 1]}.{figures[exponent + 1 :]}"


def json_text(value: Any) -> str:
    """A decoded scalar as the JSON the API server receives: ``true``, ``8``, ``1.1``, ``1000``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)
