"""host-process: windowsOptions.hostProcess on the pod and on any container."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of

RULE = "host-process"


def test_pod_and_ephemeral_container(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: agent
    spec:
      os: {name: windows}
      hostNetwork: true
      securityContext:
        windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\\\SYSTEM"}
      containers:
        - name: agent
          image: mcr.microsoft.com/windows/nanoserver:ltsc2022
          securityContext:
            windowsOptions: {hostProcess: false}
      ephemeralContainers:
        - name: debug
          image: mcr.microsoft.com/windows/nanoserver:ltsc2022
          securityContext:
            windowsOptions: {hostProcess: true}
    """
    result = check(tmp_path, text)
    assert [(f.line, f.column, f.severity, f.container, f.message) for f in of(result, RULE)] == [
        (*loc(text, "hostProcess: true"), "error", None,
         "the pod sets windowsOptions.hostProcess: true: its containers run as processes on the Windows node, "
         "with the node's network and file system and the privileges of their user"),
        (*loc(text, "hostProcess: true", 2), "error", "debug",
         'ephemeral container "debug" sets windowsOptions.hostProcess: true: it runs as a process on the Windows '
         "node, outside any container isolation"),
    ]
