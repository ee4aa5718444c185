"""Sizes, kinds and times a second campaign tried: a real kgen process on each input, its exit code
and what it cost (CPU seconds and memory above the baseline, never wall time)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.hardening.support import assert_bounded, run_kgen

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: d}}
spec:
  selector: {{matchLabels: {{a: b}}}}
  template:
    metadata: {{labels: {{a: b}}}}
    spec:
      containers:
      - name: c
        image: nginx:1
        env: [{{name: "{name}", value: x}}, {{name: "{name}", value: y}}]
"""


def _findings(run_stdout: bytes, rule: str) -> list[dict[str, object]]:
    return [f for f in json.loads(run_stdout)["findings"] if f["rule"] == rule]


def test_a_long_run_of_dots_in_a_message_is_cut_in_linear_time(tmp_path: Path) -> None:
    """env-duplicate quotes the env name whole; a name of 100,000 dots and a letter made the message
    cut try every length of the word before its trailing dots (quadratic: minutes)."""
    (tmp_path / "d.yaml").write_text(DEPLOYMENT.format(name="." * 100_000 + "a"), encoding="utf-8")
    run = run_kgen("check", "d.yaml", "--no-config", "-j", "1", "-f", "json", cwd=tmp_path)
    assert run.code == 1, run.stderr
    assert_bounded(run, "check", cpu=5, mib=200)
    (duplicate,) = _findings(run.stdout, "env-duplicate")
    assert f"{'.' * 100}... (100,001 characters)" in str(duplicate["message"])


def test_a_run_of_trailing_punctuation_is_cut_too(tmp_path: Path) -> None:
    """A word of 20,000 dots was cut after 401 of them and kept the other 19,599 as 'punctuation'."""
    (tmp_path / "d.yaml").write_text(DEPLOYMENT.format(name="." * 20_000), encoding="utf-8")
    run = run_kgen("check", "d.yaml", "--no-config", "-j", "1", "-f", "json", cwd=tmp_path)
    assert run.code == 1, run.stderr
    (duplicate,) = _findings(run.stdout, "env-duplicate")
    assert len(str(duplicate["message"])) < 400
    assert f"{'.' * 100}... (20,000 characters)" in str(duplicate["message"])


def test_a_dockerfile_directive_with_inner_blanks_is_read_in_linear_time(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "# syntax=a" + " " * 200_000 + "b\nFROM alpine:3.19\nUSER 1000\n", encoding="utf-8"
    )
    run = run_kgen("check", "Dockerfile", "--no-config", "-j", "1", cwd=tmp_path)
    assert run.code in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    assert_bounded(run, "check", cpu=5, mib=200)


def test_a_helm_source_comment_with_inner_blanks_is_read_in_linear_time(tmp_path: Path) -> None:
    text = (
        "# Source: chart/templates/cm.yaml" + " \t" * 100_000 + "x \t\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\ndata: {a: b}\n"
    )
    run = run_kgen("check", "-", "--no-config", "-j", "1", stdin=text.encode(), cwd=tmp_path)
    assert run.code in (0, 1), run.stderr
    assert_bounded(run, "check", cpu=5, mib=200)


def test_a_host_path_volume_named_by_a_list_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        "  containers: [{name: c, image: nginx:1, volumeMounts: [{name: h, mountPath: /h}]}]\n"
        "  volumes: [{name: [h], hostPath: {path: /var}}, {name: {k: v}, hostPath: {path: /etc}}]\n",
        encoding="utf-8",
    )
    run = run_kgen("check", "p.yaml", "--no-config", "-j", "1", "-f", "json", cwd=tmp_path)
    assert run.code == 1, run.stderr
    assert [f["line"] for f in _findings(run.stdout, "host-path-volume")] == [6, 6]
    assert any(f["rule"] == "schema-invalid" for f in json.loads(run.stdout)["findings"])


def test_a_secret_with_a_finding_on_each_of_30000_keys_costs_linear_time(tmp_path: Path) -> None:
    """Every api-rejected finding past the cut was made in full, and each rebuilt and scanned every
    spelling of every value of the Secret to redact its message (quadratic: minutes)."""
    lines = ["apiVersion: v1", "kind: Secret", "metadata: {name: s}", "type: Opaque", "data:"]
    lines += [f'  "k {i}": "!!{i}"' for i in range(30_000)]
    (tmp_path / "s.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = run_kgen("check", "s.yaml", "--no-config", "-j", "1", "-f", "json", cwd=tmp_path)
    assert run.code == 1, run.stderr
    assert_bounded(run, "check", cpu=8, mib=300)
    report = json.loads(run.stdout)
    rejected = _findings(run.stdout, "api-rejected")
    assert len(rejected) == 21 and rejected[-1]["notShown"] == 60_000 - 20
    assert report["summary"]["bySeverity"]["error"] == 60_000
    assert all("!!" not in str(f["message"]) for f in rejected)  # the values stay redacted
