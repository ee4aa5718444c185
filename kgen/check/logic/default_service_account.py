"""default-service-account: pods that run as their namespace's default service account, with its token mounted."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._service_account import DEFAULT_ACCOUNT, account_of, token_mount


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    account = account_of(target.data)
    if account.name != DEFAULT_ACCOUNT:
        return
    mount = token_mount(target, ctx)
    if not mount.mounted:
        return
    named = f"{account.path[0]} is default" if account.path else "serviceAccountName is not set"
    yield Violation(
        f"{target.kind} {target.entry.ref.name}: its pods run as the default service account of namespace "
        f"{target.entry.namespace} ({named}), with its token mounted; every pod there without its own account "
        "shares that identity and whatever roles are bound to it",
        account.path,
    )
