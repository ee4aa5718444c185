"""The string formats of Kubernetes names, as apimachinery's util/validation checks them.

Each function returns what is wrong with a value, in the API server's words
(an empty list: nothing), so a validator can say exactly why a name is
refused. Lengths are in bytes, as Go measures a string.
"""

from __future__ import annotations

import json
import re

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
LABEL_VALUE_MAX = 63
QUALIFIED_NAME_MAX = 63
PORT_NAME_MAX = 15

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_PORT_NAME_CHARS = re.compile(r"[-a-z0-9]+\Z")
_PORT_NAME_LETTER = re.compile(r"[a-z]")
_ENV_VAR_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*\Z")

DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')"
)
DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com')"
)
DNS1035_LABEL_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123')"
)
_QUALIFIED_NAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc')"
)
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345')"
)
_ENV_VAR_MSG = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', "
    "and must not start with a digit (e.g. 'my.env-name', or 'MY_ENV.NAME', or 'MyEnvName1')"
)
_RELAXED_ENV_VAR_MSG = "a valid environment variable name must consist only of printable ASCII characters other than '='"


def _too_long(limit: int) -> str:
    return f"must be no more than {limit} characters"


def _size(value: str) -> int:
    return len(value.encode("utf-8"))


def dns1123_label(value: str) -> list[str]:
    errors = [_too_long(DNS1123_LABEL_MAX)] if _size(value) > DNS1123_LABEL_MAX else []
    if not _DNS1123_LABEL.match(value):
        errors.append("must not contain dots" if _DNS1123_SUBDOMAIN.match(value) else DNS1123_LABEL_MSG)
    return errors


def dns1123_subdomain(value: str) -> list[str]:
    errors = [_too_long(DNS1123_SUBDOMAIN_MAX)] if _size(value) > DNS1123_SUBDOMAIN_MAX else []
    if not _DNS1123_SUBDOMAIN.match(value):
        errors.append(DNS1123_SUBDOMAIN_MSG)
    return errors


def dns1035_label(value: str) -> list[str]:
    errors = [_too_long(DNS1123_LABEL_MAX)] if _size(value) > DNS1123_LABEL_MAX else []
    if not _DNS1035_LABEL.match(value):
        errors.append(DNS1035_LABEL_MSG)
    return errors


def path_segment(value: str) -> list[str]:
    """What RBAC names must be: any path segment (``system:aggregate-to-view`` is fine)."""
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in value]


def qualified_name(value: str) -> list[str]:
    """A label key or annotation key: an optional DNS subdomain prefix and '/', then a name of at most 63."""
    parts = value.split("/")
    if len(parts) > 2:
        return [
            f"a qualified name {_QUALIFIED_NAME_MSG} with an optional DNS subdomain prefix and '/' "
            "(e.g. 'example.com/MyName')"
        ]
    errors: list[str] = []
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors.extend("prefix part " + error for error in dns1123_subdomain(prefix))
    if not name:
        errors.append("name part must be non-empty")
        return errors
    if _size(name) > QUALIFIED_NAME_MAX:
        errors.append("name part " + _too_long(QUALIFIED_NAME_MAX))
    if not _QUALIFIED_NAME.match(name):
        errors.append("name part " + _QUALIFIED_NAME_MSG)
    return errors


def label_value(value: str) -> list[str]:
    errors = [_too_long(LABEL_VALUE_MAX)] if _size(value) > LABEL_VALUE_MAX else []
    if value and not _QUALIFIED_NAME.match(value):
        errors.append(_LABEL_VALUE_MSG)
    return errors


def port_name(value: str) -> list[str]:
    """An IANA service name (RFC 6335), lower case only."""
    errors = [_too_long(PORT_NAME_MAX)] if _size(value) > PORT_NAME_MAX else []
    if not _PORT_NAME_CHARS.match(value):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _PORT_NAME_LETTER.search(value):
        errors.append("must contain at least one letter (a-z)")
    if "--" in value:
        errors.append("must not contain consecutive hyphens")
    if value.startswith("-") or value.endswith("-"):
        errors.append("must not begin or end with a hyphen")
    return errors


def env_var_name(value: str, relaxed: bool) -> list[str]:
    """An environment variable name; ``relaxed``: any printable ASCII but '=' (RelaxedEnvironmentVariableValidation)."""
    if relaxed:
        return [] if all(" " <= c <= "~" and c != "=" for c in value) else [_RELAXED_ENV_VAR_MSG]
    errors = [] if _ENV_VAR_NAME.match(value) else [_ENV_VAR_MSG]
    if value in (".", ".."):
        errors.append(f"must not be '{value}'")
    elif value.startswith(".."):
        errors.append("must not start with '..'")
    return errors


def quoted(value: str) -> str:
    """A value as the API server quotes it in its messages (Go's %q); a long one is cut,
    with its length said, so that a message stays a line."""
    if len(value) > _QUOTED_MAX:
        return json.dumps(value[: _QUOTED_MAX // 2], ensure_ascii=False) + f"... ({len(value):,} characters)"
    return json.dumps(value, ensure_ascii=False)


_QUOTED_MAX = 200
