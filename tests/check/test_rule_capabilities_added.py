"""capabilities-added: baseline's default set, restricted's NET_BIND_SERVICE, names compared as admission compares them."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of

RULE = "capabilities-added"


def pod(add: str, section: str = "containers") -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: tools
spec:
  {section}:
    - name: tools
      image: nicolaka/netshoot:v0.13
      securityContext:
        capabilities:
          drop: [ALL]
          add: {add}
"""


def found(tmp_path: Path, text: str, **options: object) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, f.severity, f.message) for f in of(check(tmp_path, text, **options), RULE)]


def test_lowercase_and_prefixed_names_are_not_the_default_set_to_admission(tmp_path: Path) -> None:
    text = pod("[chown, CAP_SETUID, sys_admin]")
    assert found(tmp_path, text) == [
        (*loc(text, "chown"), "warning",
         "container \"tools\" adds 'chown': Pod Security admission compares capability names exactly, so it is "
         "outside the baseline default set as written (the runtime grants CHOWN); write CHOWN"),
        (*loc(text, "CAP_SETUID"), "warning",
         "container \"tools\" adds 'CAP_SETUID': Pod Security admission compares capability names exactly, so it is "
         "outside the baseline default set as written (the runtime grants SETUID); write SETUID"),
        (*loc(text, "sys_admin"), "error",
         "container \"tools\" adds 'sys_admin' (SYS_ADMIN), which is outside the baseline default set: mounts, "
         "namespaces and much of the kernel's administration: a short step to the node"),
    ]


def test_all_and_net_admin_are_named(tmp_path: Path) -> None:
    text = pod("[ALL, NET_ADMIN]", section="initContainers")
    assert found(tmp_path, text) == [
        (*loc(text, "ALL,"), "error",
         'init container "tools" adds ALL, which is outside the baseline default set: every Linux capability, '
         "nearly what privileged gives"),
        (*loc(text, "NET_ADMIN"), "warning",
         'init container "tools" adds NET_ADMIN, which is outside the baseline default set: it can reconfigure '
         "the pod's network: interfaces, routes, firewall rules, sniffing"),
    ]


def test_a_default_capability_is_restricted_only(tmp_path: Path) -> None:
    text = pod("[NET_BIND_SERVICE, CHOWN]", section="ephemeralContainers")
    expected = [
        (*loc(text, "CHOWN"), "warning",
         'ephemeral container "tools" adds CHOWN; Pod Security restricted allows adding only NET_BIND_SERVICE'),
    ]
    assert found(tmp_path, text) == expected
    (tmp_path / "baseline.yaml").write_text("podSecurity: baseline\n")
    assert found(tmp_path, text, config_path=tmp_path / "baseline.yaml") == []
    (tmp_path / "restricted.yaml").write_text("podSecurity: restricted\n")
    assert found(tmp_path, text, config_path=tmp_path / "restricted.yaml") == expected


def test_windows_pods_are_exempt_from_the_restricted_control_only(tmp_path: Path) -> None:
    text = pod("[CHOWN, NET_RAW]").replace("spec:\n  containers", "spec:\n  os: {name: windows}\n  containers")
    assert found(tmp_path, text) == [
        (*loc(text, "NET_RAW"), "warning",
         'container "tools" adds NET_RAW, which is outside the baseline default set: raw sockets: spoofed packets '
         "on the pod network"),
    ]
