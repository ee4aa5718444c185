"""deprecated-service-account-field: spec.serviceAccount, the deprecated alias of serviceAccountName, is set."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    old = target.data.get("serviceAccount")
    if not isinstance(old, str) or not old:
        return
    new = target.data.get("serviceAccountName")
    if isinstance(new, str) and new and new != old:
        yield Violation(
            f'serviceAccount is "{old}" but serviceAccountName is "{new}": serviceAccountName wins, so the pods '
            f'run as "{new}" and serviceAccount is ignored',
            ("serviceAccount",),
            "warning",
        )
        return
    also = ", as serviceAccountName is" if new == old else ""
    yield Violation(
        f'serviceAccount is set to "{old}"{also}; it is a deprecated alias of serviceAccountName',
        ("serviceAccount",),
    )
