"""image-shell-missing: an exec probe or lifecycle hook that needs a shell (or a shell tool such
as sleep or curl) while the image's final stage is built from scratch or distroless."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._image_build import built_image
from kgen.model.k8s import get_path

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})
#: Programs of a shell image (coreutils, busybox) that scratch and distroless do not have.
TOOLS = frozenset(
    {
        "sleep", "cat", "test", "[", "ls", "echo", "true", "false", "env", "kill", "pkill", "pgrep", "ps",
        "grep", "curl", "wget", "nc", "netcat", "stat", "touch", "rm", "find", "timeout", "pidof",
    }
)
HOOKS = (
    ("livenessProbe", ("livenessProbe", "exec", "command"), "error"),
    ("readinessProbe", ("readinessProbe", "exec", "command"), "error"),
    ("startupProbe", ("startupProbe", "exec", "command"), "error"),
    ("postStart hook", ("lifecycle", "postStart", "exec", "command"), "error"),
    ("preStop hook", ("lifecycle", "preStop", "exec", "command"), "warning"),
)
EFFECT = {
    "livenessProbe": "every probe fails and the kubelet restarts the container again and again",
    "readinessProbe": "every probe fails and the pod never becomes ready",
    "startupProbe": "every probe fails and the kubelet restarts the container before it ever starts",
    "postStart hook": "the hook fails and the kubelet kills the container",
    "preStop hook": "the hook fails at once, so the pod gets no time to drain before SIGTERM",
}


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    built = built_image(target, ctx)
    if built is None or not built.facts.shell_missing:
        return
    for what, path, severity in HOOKS:
        command = get_path(target.data, path)
        if not isinstance(command, list) or not command or not isinstance(command[0], str):
            continue
        program = command[0].rsplit("/", 1)[-1]
        if program not in SHELLS and program not in TOOLS:
            continue
        needs = "a shell" if program in SHELLS else f"{program} (a program of shell images)"
        hint = " (lifecycle.preStop.sleep, Kubernetes 1.30 and later, waits without one)" if what == "preStop hook" and program == "sleep" else ""
        yield Violation(
            f'container "{target.container_name}" runs its {what} as {command[0]}, which needs {needs}, but '
            f"{built.facts.dockerfile.source} builds the image FROM {built.facts.base}, which has none: "
            f"{EFFECT[what]}{hint}",
            (*path, 0),
            severity=severity,
        )
