"""Whether a name (an env var, a ConfigMap key) says its value is a secret.

A name is split into words at ``_``, ``-``, ``.``, ``/`` and camelCase
boundaries (``DB_PASSWORD``, ``db.password``, ``dbPassword`` all give
``DB PASSWORD``). It names a secret when one of its words is a secret noun
(PASSWORD, TOKEN, SECRET, CREDENTIALS...), or two adjacent words make one
(API KEY, PRIVATE KEY, ACCESS KEY...), or a word ends in a secret noun
(``DBPASSWORD``, ``APITOKEN``), unless its last word says the value only
refers to or configures a secret (``TOKEN_URL``, ``SECRET_NAME``,
``PASSWORD_FILE``, ``TOKEN_TTL``, ``PASSWORD_MIN_LENGTH``).
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")

#: Words that name a secret on their own.
SECRET_WORDS = frozenset(
    {
        "PASSWORD", "PASSWORDS", "PASSWD", "PASS", "PASSPHRASE",
        "SECRET", "SECRETS", "TOKEN", "TOKENS",
        "CREDENTIAL", "CREDENTIALS", "CREDS",
        "APIKEY", "PRIVATEKEY", "SECRETKEY", "ACCESSKEY",
    }
)
#: Word endings that name a secret inside a longer word (DBPASSWORD, APITOKEN, CLIENTSECRET).
SECRET_ENDINGS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY", "PRIVATEKEY", "SECRETKEY", "ACCESSKEY")
#: Words that make a KEY a secret one (API_KEY, AWS_SECRET_ACCESS_KEY, SIGNING_KEY).
KEY_QUALIFIERS = frozenset(
    {"API", "ACCESS", "PRIVATE", "SIGNING", "ENCRYPTION", "MASTER", "AUTH", "LICENSE", "SHARED", "ACCOUNT", "STORAGE"}
)
#: Last words that make the name refer to a secret, or configure one, rather than carry it.
REFERENCE_WORDS = frozenset(
    {
        "URL", "URLS", "URI", "ENDPOINT", "HOST", "PORT", "ADDR", "ADDRESS", "SERVER",
        "NAME", "NAMES", "REF", "ID", "IDS", "KEYREF", "NAMESPACE", "PROVIDER", "STORE", "SOURCE",
        "FILE", "FILES", "FILENAME", "PATH", "DIR", "DIRECTORY", "MOUNT", "LOCATION",
        "HEADER", "FIELD", "PARAM", "PREFIX", "SUFFIX", "FORMAT", "TYPE", "KIND", "MODE",
        "LENGTH", "LEN", "SIZE", "MIN", "MAX", "COUNT", "BITS", "VERSION", "ALGORITHM", "ALG",
        "TTL", "TIMEOUT", "EXPIRY", "EXPIRES", "EXPIRATION", "LIFETIME", "INTERVAL", "DURATION",
        "SECONDS", "MINUTES", "HOURS", "DAYS", "AGE", "REFRESH", "ROTATION",
        "POLICY", "ENABLED", "ENABLE", "DISABLED", "DISABLE", "REQUIRED", "ISSUER", "AUDIENCE", "SCOPE", "SCOPES",
        "AUTH", "AUTHENTICATION", "LOGIN", "RESET",
    }
)


def words(name: str) -> list[str]:
    """``dbPassword`` -> [DB, PASSWORD]; ``AWS_SECRET_ACCESS_KEY`` -> [AWS, SECRET, ACCESS, KEY]."""
    return [word.upper() for word in _WORDS.findall(name)]


def names_a_secret(name: str) -> bool:
    found = words(name)
    if not found or found[-1] in REFERENCE_WORDS:
        return False
    for index, word in enumerate(found):
        if word in SECRET_WORDS or (len(word) > 6 and word.endswith(SECRET_ENDINGS)):
            return True
        if word == "KEY" and index > 0 and found[index - 1] in KEY_QUALIFIERS:
            return True
    return False


_REFERENCE = re.compile(r"(?<!\$)\$\([-._A-Za-z][-._A-Za-z0-9]*\)")


def carries_literal(value: str) -> bool:
    """Whether a value is itself the secret, not a pointer to one or a switch.

    Not a literal: empty; one holding a ``$(VAR)`` reference, which the
    kubelet expands from another variable (the way to build a value around a
    secretKeyRef; ``$$(`` is an escape, not a reference); an
    absolute file path (GOOGLE_APPLICATION_CREDENTIALS=/var/run/key.json);
    ``true`` or ``false``.
    """
    text = value.strip()
    if not text or text.lower() in ("true", "false") or _REFERENCE.search(text):
        return False
    return not (text.startswith("/") and not any(c.isspace() for c in text))


def is_private_key(value: str) -> bool:
    """A PEM or OpenSSH private key, whatever the name it is stored under."""
    begin = value.find("BEGIN")
    return begin != -1 and "PRIVATE KEY" in value[begin : begin + 40]
