"""volume-type-restricted: restricted's allowed volume sources; hostPath left to host-path-volume."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of

RULE = "volume-type-restricted"


def test_in_tree_sources_one_finding_each_and_podsecurity_baseline_switches_it_off(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
      volumes:
        - name: data
          iscsi: {targetPortal: "10.0.0.1:3260", iqn: "iqn.2001-04.com.example:storage", lun: 0}
        - name: cache
        - name: host
          hostPath: {path: /srv}
    """
    assert [(f.line, f.column, f.severity, f.message) for f in of(check(tmp_path, text), RULE)] == [
        (*loc(text, "iscsi"), "warning",
         'volume "data" is of type iscsi; Pod Security restricted allows only configMap, csi, downwardAPI, '
         "emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret"),
    ]
    (tmp_path / ".kgen.yaml").write_text("podSecurity: baseline\n")
    result = check(tmp_path, text, config_path=tmp_path / ".kgen.yaml")
    assert RULE not in result.rules
    assert [f.rule for f in of(result, RULE, "host-path-volume")] == ["host-path-volume"]
