"""What the API server's validation refuses beyond the OpenAPI schema.

The schema (``schema-invalid``) says which fields exist and their types; the
API server then runs the validation code of each kind (kubernetes'
``pkg/apis/<group>/validation``) and refuses, at apply, what breaks its
rules: a selector that does not match the template's labels, a PDB with both
``minAvailable`` and ``maxUnavailable``, a port name of 16 characters. Every
such refusal is one ``api-rejected`` finding naming the field and the rule
broken.

Validators are grouped by subject in the modules of this package; each
registers itself for the kinds it validates with :func:`validates`. A kind
name means the built-in kind in the API groups that serve it (a custom
resource called ``Service`` is not validated as one).
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.validation.formats import quoted
from kgen.load.yamlload import FieldPath
from kgen.model.k8s import api_group, format_field_path, is_builtin_group, is_kubernetes_group

Validator = Callable[[Target, Context], Iterator[Violation]]

#: kind -> its validators, in registration order; "*" for every built-in kind.
_BY_KIND: dict[str, list[Validator]] = {}


def validates(*kinds: str) -> Callable[[Validator], Validator]:
    """Register a validator for these kinds (``"*"``: every object of a Kubernetes API group)."""

    def register(validator: Validator) -> Validator:
        for kind in kinds:
            _BY_KIND.setdefault(kind, []).append(validator)
        return validator

    return register


def validate(target: Target, ctx: Context) -> Iterator[Violation]:
    """Every refusal the API server's validation gives this object."""
    kind = target.kind
    group = api_group(target.obj.get("apiVersion"))
    if not is_kubernetes_group(group) or not is_builtin_group(kind, group):
        return
    for validator in (*_BY_KIND.get("*", ()), *_BY_KIND.get(kind, ())):
        yield from validator(target, ctx)


def refused(path: FieldPath, what: str) -> Violation:
    """A refusal at ``path`` (from the object): the message names the field, then what the validation says."""
    return Violation(f"{format_field_path(path)}: {what}", path)


def not_supported(path: FieldPath, value: str, supported: Iterable[str]) -> Violation:
    """A value outside the field's list, worded as the API server's NotSupported error."""
    listed = ", ".join(f'"{choice}"' for choice in supported)
    return refused(path, f"Unsupported value: {quoted(value)}: supported values: {listed}")


def registered_kinds() -> list[str]:
    return sorted(_BY_KIND)


# The modules register their validators when imported; keep this list sorted.
from kgen.check.validation import autoscaling  # noqa: E402,F401
from kgen.check.validation import batch  # noqa: E402,F401
from kgen.check.validation import config  # noqa: E402,F401
from kgen.check.validation import core_service  # noqa: E402,F401
from kgen.check.validation import metadata  # noqa: E402,F401
from kgen.check.validation import networking  # noqa: E402,F401
from kgen.check.validation import podspec  # noqa: E402,F401
from kgen.check.validation import policy  # noqa: E402,F401
from kgen.check.validation import selectors  # noqa: E402,F401
