"""ConfigMap and Secret: keys, total size and the keys each Secret type requires (core/validation).

A Secret's ``stringData`` is merged into ``data`` before validation (its
entries win), so its keys and sizes count as data's. ``data`` and
``binaryData`` values are base64, decoded as the API server decodes them
(standard alphabet, padded; line breaks ignored). No message ever shows a
value: only keys, sizes and what is wrong.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.validation import validates
from kgen.check.validation.formats import quoted as q
from kgen.check.validation.formats import DNS1123_SUBDOMAIN_MAX
from kgen.load.yamlload import FieldPath

#: core.MaxSecretSize: the most a Secret's data, or a ConfigMap's data and binaryData, may hold in total.
MAX_SIZE = 1024 * 1024

_KEY = re.compile(r"[-._a-zA-Z0-9]+\Z")
_KEY_MSG = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
    "(e.g. 'key.name', or 'KEY_NAME', or 'key-name')"
)
# Go's base64.StdEncoding as encoding/json decodes []byte: padded, the standard alphabet, \r and \n skipped.
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\Z")

SERVICE_ACCOUNT_NAME = "kubernetes.io/service-account.name"
#: Secret type -> the data keys it requires: all of them (tls), or one at least (basic-auth).
_REQUIRED_ALL = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/dockercfg": (".dockercfg",),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
}
_NOT_BASE64 = "is not valid base64 (the standard alphabet, padded with '='), so the API server cannot decode the object"
_JSON_KEYS = {"kubernetes.io/dockerconfigjson": ".dockerconfigjson", "kubernetes.io/dockercfg": ".dockercfg"}


def config_key_problems(key: str) -> list[str]:
    """What IsConfigMapKey says of a ConfigMap or Secret key (an empty list: nothing)."""
    problems = []
    if len(key.encode("utf-8")) > DNS1123_SUBDOMAIN_MAX:
        problems.append(f"must be no more than {DNS1123_SUBDOMAIN_MAX} characters")
    if not _KEY.match(key):
        problems.append(_KEY_MSG)
    if key in (".", ".."):
        problems.append(f"must not be '{key}'")
    elif key.startswith(".."):
        problems.append("must not start with '..'")
    return problems


def decode_base64(text: str) -> bytes | None:
    """The bytes of a data value, or None when the API server cannot decode it."""
    compact = text.replace("\r", "").replace("\n", "")
    if not _BASE64.match(compact):
        return None
    try:
        return base64.b64decode(compact)
    except (binascii.Error, ValueError):
        return None


def _entry(section: str, key: str, what: str) -> Violation:
    return Violation(f"{section}[{key}]: {what}", (section, key))


def _mapping(obj: Mapping[str, Any], section: str) -> Mapping[str, Any]:
    value = obj.get(section)
    return value if isinstance(value, Mapping) else {}


def _keys(section: str, entries: Mapping[str, Any]) -> Iterator[Violation]:
    for key in entries:
        if isinstance(key, str):
            for problem in config_key_problems(key):
                yield _entry(section, key, f"{q(key)}: {problem}")


@validates("ConfigMap")
def config_map(target: Target, ctx: Context) -> Iterator[Violation]:
    data, binary = _mapping(target.obj, "data"), _mapping(target.obj, "binaryData")
    yield from _keys("data", data)
    yield from _keys("binaryData", binary)
    for key in data:
        if key in binary:
            yield _entry("data", key, f"{q(key)} is a duplicate of key present in binaryData")
    size = sum(len(value.encode("utf-8")) for value in data.values() if isinstance(value, str))
    for key, value in binary.items():
        if isinstance(value, str):
            decoded = decode_base64(value)
            if decoded is None:
                yield _entry("binaryData", key, _NOT_BASE64)
            else:
                size += len(decoded)
    if size > MAX_SIZE:
        yield Violation(_too_big("data and binaryData", size), ("data",) if data else ("binaryData",))


@validates("Secret")
def secret(target: Target, ctx: Context) -> Iterator[Violation]:
    data, strings = _mapping(target.obj, "data"), _mapping(target.obj, "stringData")
    yield from _keys("data", {key: value for key, value in data.items() if key not in strings})
    yield from _keys("stringData", strings)
    merged: dict[str, bytes] = {}
    where: dict[str, FieldPath] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not isinstance(value, str):
            continue
        decoded = decode_base64(value)
        if decoded is None:
            yield _entry("data", key, _NOT_BASE64)
            continue
        merged[key], where[key] = decoded, ("data", key)
    for key, value in strings.items():
        if isinstance(key, str) and isinstance(value, str):
            merged[key], where[key] = value.encode("utf-8"), ("stringData", key)
    size = sum(len(value) for value in merged.values())
    if size > MAX_SIZE:
        yield Violation(_too_big("data (with stringData)", size), ("data",) if data else ("stringData",))
    yield from _typed(target.obj, merged, where)


def _typed(obj: Mapping[str, Any], merged: Mapping[str, bytes], where: Mapping[str, FieldPath]) -> Iterator[Violation]:
    kind = obj.get("type")
    at: FieldPath = ("data",) if "data" in obj or "stringData" not in obj else ("stringData",)
    if kind == "kubernetes.io/service-account-token":
        metadata = obj.get("metadata")
        annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
        name = annotations.get(SERVICE_ACCOUNT_NAME) if isinstance(annotations, Mapping) else None
        if not name:
            yield Violation(
                f"metadata.annotations[{SERVICE_ACCOUNT_NAME}]: Required value: a {kind} Secret names its ServiceAccount",
                ("metadata", "annotations", SERVICE_ACCOUNT_NAME),
            )
    elif kind == "kubernetes.io/basic-auth":
        if "username" not in merged and "password" not in merged:
            yield Violation(f"data[username], data[password]: Required value: a {kind} Secret needs one of them", at)
    elif isinstance(kind, str) and kind in _REQUIRED_ALL:
        for key in _REQUIRED_ALL[kind]:
            if key not in merged:
                yield Violation(f"data[{key}]: Required value: a {kind} Secret needs it", at)
            elif kind == "kubernetes.io/ssh-auth" and not merged[key]:
                yield Violation(f"{where[key][0]}[{key}]: Required value: a {kind} Secret needs it not empty", where[key])
        json_key = _JSON_KEYS.get(kind)
        if json_key is not None and json_key in merged:
            problem = _json_object_problem(merged[json_key])
            if problem:
                yield Violation(
                    f"{where[json_key][0]}[{json_key}]: Invalid value: <secret contents redacted>: {problem}", where[json_key]
                )


def _json_object_problem(raw: bytes) -> str | None:
    """Why the bytes are not a JSON object as Go's encoding/json reads one (never quoting them)."""
    try:
        value = json.loads(raw.decode("utf-8", errors="replace"), parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        return f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
    except ValueError:
        return "not valid JSON"
    if value is not None and not isinstance(value, dict):
        return f"the JSON is {_json_kind(value)}, not an object"
    return None


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _too_big(what: str, size: int) -> str:
    return f"{what}: Too long: must have at most {MAX_SIZE} bytes (1 MiB) in total; the values add up to {size} bytes"
