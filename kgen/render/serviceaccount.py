"""The app's own ServiceAccount (the default): never the namespace's shared one, no token mounted."""

from __future__ import annotations

from kgen.render.pod import Obj, metadata
from kgen.render.profile import Profile


def service_accounts(profile: Profile) -> list[Obj]:
    """The ServiceAccount kgen renders for the app: none when the profile names an existing one."""
    account = profile.service_account
    if not account.create or account.name is None:
        return []
    return [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": metadata(profile, account.name),
            # Pods that need the API mount a token by their own automountServiceAccountToken
            # (security.automountServiceAccountToken), which wins over the account's false.
            "automountServiceAccountToken": False,
        }
    ]
