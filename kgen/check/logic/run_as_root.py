"""run-as-root: a container that may run as UID 0, and runAsUser: 0 wherever it is set.

The runAsUser: 0 findings are Pod Security's restricted control "Running as
Non-root user" (kgen.check.pss.run_as_user): the pod-level setting counts even
when every container overrides it. Every container kind counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.pss import Pod, parse_version, run_as_user
from kgen.check.logic._pss import pod_metadata
from kgen.model.k8s import get_path


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    spec_path = target.entry.pod_spec_path
    spec = get_path(target.obj, spec_path) if spec_path else None
    if spec_path is None or not isinstance(spec, Mapping):
        return
    pod = Pod(spec, pod_metadata(target), parse_version(ctx.kubernetes_version))
    if pod.user_namespace and pod.version >= (1, 35):
        return  # hostUsers: false: root in the pod's own user namespace is not root on the node
    for problem in run_as_user(pod):
        if problem.container is None:
            message = (
                "the pod sets runAsUser: 0: its containers without a runAsUser of their own run as root, and "
                "Pod Security restricted refuses the pod even when every container sets its own"
            )
        else:
            message = f'container "{problem.container}" runs as root (runAsUser: 0)'
        yield Violation(message, (*spec_path, *problem.path), container=problem.container)
    pod_context = pod.security_context
    for ref in pod.containers:
        own = ref.data.get("securityContext")
        own = own if isinstance(own, Mapping) else {}
        user = own.get("runAsUser", pod_context.get("runAsUser"))
        non_root = own.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
        if _is_int(user) and user == 0:
            continue  # reported where runAsUser: 0 is set
        if non_root is True or (_is_int(user) and user > 0 and not pod.windows):
            continue
        windows_user = get_path(own, ("windowsOptions", "runAsUserName")) or get_path(
            pod_context, ("windowsOptions", "runAsUserName")
        )
        if pod.windows and isinstance(windows_user, str) and windows_user != "ContainerAdministrator":
            continue
        if pod.windows:
            message = (
                f'container "{ref.name}" may run as ContainerAdministrator: neither runAsNonRoot: true nor another '
                "windowsOptions.runAsUserName is set on the container or its pod"
            )
        else:
            message = (
                f'container "{ref.name}" may run as root: neither runAsNonRoot: true nor a non-zero runAsUser '
                "is set on the container or its pod"
            )
        yield Violation(
            message,
            (*spec_path, *ref.path, "securityContext", "runAsNonRoot"),
            container=ref.name,
        )
