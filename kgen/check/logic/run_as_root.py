"""run-as-root: a container that may run as UID 0 (pod-level settings inherited)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation


def _setting(target: Any, name: str) -> tuple[Any, tuple[str, ...] | None]:
    """The effective value: the container's securityContext overrides the pod's."""
    own = target.data.get("securityContext")
    if isinstance(own, Mapping) and name in own:
        return own[name], ("securityContext", name)
    pod = target.pod_spec.get("securityContext") if target.pod_spec else None
    if isinstance(pod, Mapping) and name in pod:
        return pod[name], None
    return None, None


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    spec = target.pod_spec or {}
    if isinstance(spec.get("os"), Mapping) and spec["os"].get("name") == "windows":
        return  # runAsNonRoot/runAsUser are Linux settings
    user, user_path = _setting(target, "runAsUser")
    non_root, _ = _setting(target, "runAsNonRoot")
    name = target.container_name
    if isinstance(user, int) and not isinstance(user, bool) and user == 0:
        yield Violation(f'container "{name}" runs as root (runAsUser: 0)', user_path or ("securityContext",))
        return
    if non_root is True:
        return
    if isinstance(user, int) and not isinstance(user, bool) and user > 0:
        return
    yield Violation(
        f'container "{name}" may run as root: neither runAsNonRoot: true nor a non-zero runAsUser '
        "is set on the container or its pod",
        ("securityContext", "runAsNonRoot"),
    )
