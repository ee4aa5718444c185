"""service-account-token-mounted: the pod's containers get an API token for its service account."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._service_account import account_of, token_mount


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    mount = token_mount(target, ctx)
    if not mount.mounted:
        return
    account = account_of(target.data)
    yield Violation(
        f'{target.kind} {target.entry.ref.name}: the API token of service account "{account.name}" is mounted '
        f"into its pods, as {mount.reason}; any process in them can call the API server as that account",
        mount.path,
    )
