"""privilege-escalation: no advice the API server would refuse (privileged, or CAP_SYS_ADMIN added)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

RULE = "privilege-escalation"
MESSAGE = 'container "app" allows privilege escalation (securityContext.allowPrivilegeEscalation)'


def pod(security: str) -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
{security}"""


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


@pytest.mark.parametrize(
    "security",
    [
        "        privileged: true\n",
        "        privileged: true\n        allowPrivilegeEscalation: true\n",
        "        capabilities: {add: [CAP_SYS_ADMIN]}\n",
    ],
)
def test_no_advice_where_the_api_server_refuses_it(tmp_path: Path, security: str) -> None:
    assert findings(tmp_path, pod(security)) == []


def test_privileged_false_and_sys_admin_without_prefix_still_get_the_advice(tmp_path: Path) -> None:
    text = pod("        privileged: false\n        capabilities: {add: [SYS_ADMIN]}\n")
    assert findings(tmp_path, text) == [(RULE, *loc(text, "securityContext:"), "warning", MESSAGE)]
    explicit = pod("        allowPrivilegeEscalation: true\n")
    assert findings(tmp_path, explicit) == [(RULE, *loc(explicit, "allowPrivilegeEscalation"), "warning", MESSAGE)]
