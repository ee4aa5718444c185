"""Which service account a pod runs as, and whether its token is mounted, as the API server decides.

serviceAccount is a deprecated alias of serviceAccountName: when both are
set, serviceAccountName wins (the v1 to internal conversion copies the
alias only into an empty serviceAccountName); when neither is, the
ServiceAccount admission plugin sets ``default``. The same plugin mounts
the account's token unless automountServiceAccountToken is false: the
pod's field when set, else the ServiceAccount's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from kgen.check.api import Context, Target
from kgen.load.yamlload import FieldPath

DEFAULT_ACCOUNT = "default"


@dataclass(frozen=True)
class Account:
    name: str
    path: FieldPath  # the pod-spec field that names it; () when neither field is set


def account_of(pod_spec: Mapping[str, Any]) -> Account:
    for field_name in ("serviceAccountName", "serviceAccount"):
        value = pod_spec.get(field_name)
        if isinstance(value, str) and value:
            return Account(value, (field_name,))
    return Account(DEFAULT_ACCOUNT, ())


@dataclass(frozen=True)
class TokenMount:
    """Whether the token is mounted, why, and the pod-spec field that decides it (() when none does)."""

    mounted: bool
    reason: str
    path: FieldPath = ()


def token_mount(target: Target, ctx: Context) -> TokenMount:
    pod = target.data
    account = account_of(pod)
    found = ctx.index.service_account(target.entry.namespace, account.name)
    own = pod.get("automountServiceAccountToken")
    theirs = found.data.get("automountServiceAccountToken") if found is not None else None
    if own is False:
        return TokenMount(False, "the pod sets automountServiceAccountToken: false", ("automountServiceAccountToken",))
    if own is True:
        overrides = ", overriding the ServiceAccount's false" if theirs is False else ""
        return TokenMount(True, f"the pod sets automountServiceAccountToken: true{overrides}", ("automountServiceAccountToken",))
    if theirs is False:
        return TokenMount(False, f'ServiceAccount "{account.name}" sets automountServiceAccountToken: false')
    if theirs is True:
        return TokenMount(True, f'ServiceAccount "{account.name}" sets automountServiceAccountToken: true and the pod does not override it')
    unread = "" if found is not None else " (not among the checked objects)"
    return TokenMount(
        True, f'neither the pod nor ServiceAccount "{account.name}"{unread} sets automountServiceAccountToken, which defaults to true'
    )
