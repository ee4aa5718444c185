"""Noise off on request: ignore presets, globs, ``**`` and ``key==value`` paths, and the config's diff: section."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kgen.cli import cli
from kgen.diff.api import DiffOptions, diff_texts
from kgen.diff.paths import parse_pattern
from kgen.diff.presets import PRESETS, markdown_table, preset_patterns
from kgen.errors import KgenError

from tests.diff.diff_support import changes_of

CHART_OLD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, helm.sh/chart: shop-1.2.0, app.kubernetes.io/version: "1.2", chart: shop-1.2.0}
  annotations: {meta.helm.sh/release-name: shop, meta.helm.sh/release-namespace: prod, team: core}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web, helm.sh/chart: shop-1.2.0}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.2
"""


def diff(old: str, new: str, *presets: str, ignore: tuple[str, ...] = ()) -> list[tuple[str, str, object, object]]:
    result = diff_texts({"a.yaml": old}, {"b.yaml": new}, DiffOptions(ignore=ignore, presets=presets))
    return changes_of(result) if result.objects else []


def test_helm_preset_drops_chart_labels_and_release_annotations_everywhere() -> None:
    new = CHART_OLD.replace("shop-1.2.0", "shop-1.3.0").replace('"1.2"', '"1.3"').replace("release-namespace: prod", "release-namespace: staging")
    assert len(diff(CHART_OLD, new)) == 5  # three labels on the object, one on the pods, one annotation
    assert diff(CHART_OLD, new, "helm") == []
    real = new.replace("team: core", "team: payments").replace("web:1.2", "web:1.3")
    assert diff(CHART_OLD, real, "helm") == [
        ('metadata.annotations.team', "changed", "core", "payments"),
        ("spec.template.spec.containers[web].image", "changed", "ghcr.io/acme/web:1.2", "ghcr.io/acme/web:1.3"),
    ]


def test_cluster_preset_drops_defaults_written_out_but_not_real_changes() -> None:
    written = CHART_OLD.replace(
        "          image: ghcr.io/acme/web:1.2\n",
        "          image: ghcr.io/acme/web:1.2\n          imagePullPolicy: IfNotPresent\n"
        "          terminationMessagePath: /dev/termination-log\n          terminationMessagePolicy: File\n",
    ).replace("    spec:\n      containers:", "    spec:\n      dnsPolicy: ClusterFirst\n      containers:")
    assert len(diff(CHART_OLD, written)) == 4
    assert diff(CHART_OLD, written, "cluster") == []
    always = written.replace("imagePullPolicy: IfNotPresent", "imagePullPolicy: Always")
    assert diff(CHART_OLD, always, "cluster") == [
        ("spec.template.spec.containers[web].imagePullPolicy", "added", None, "Always")
    ]
    moving = CHART_OLD.replace("web:1.2", "web:latest")
    pinned_policy = written.replace("web:1.2", "web:latest")  # for :latest the default is Always, not IfNotPresent
    assert diff(moving, pinned_policy, "cluster") == [
        ("spec.template.spec.containers[web].imagePullPolicy", "added", None, "IfNotPresent")
    ]


def test_kustomize_preset_drops_build_metadata() -> None:
    new = CHART_OLD.replace(
        "team: core}", 'team: core, config.kubernetes.io/origin: "path: base/web.yaml", internal.config.kubernetes.io/path: x}'
    )
    assert len(diff(CHART_OLD, new)) == 2
    assert diff(CHART_OLD, new, "kustomize") == []


def test_globs_deep_paths_and_conditions_in_ignore() -> None:
    new = CHART_OLD.replace("team: core", "team: payments").replace("app: web, helm", "app: web, tier: front, helm")
    assert diff(CHART_OLD, new, ignore=('metadata.annotations["te*"]', "**.labels.tier")) == []
    assert parse_pattern("spec.**.dnsPolicy==ClusterFirst")[:3] == ("spec", "**", "dnsPolicy")
    with pytest.raises(KgenError, match=r"\*\* must be followed by a field name"):
        parse_pattern("spec.**")
    with pytest.raises(KgenError, match="a field name is expected before =="):
        parse_pattern("spec.==x")


def test_risk_notes_on_ignored_fields_go_too_but_not_under_a_condition() -> None:
    from kgen.diff.paths import covers

    assert covers(parse_pattern("**.labels.chart"), ("spec", "template", "metadata", "labels", "chart"))
    assert not covers(parse_pattern("**.labels.chart"), ("spec", "selector", "matchLabels", "chart"))
    assert not covers(parse_pattern("spec.**.dnsPolicy==ClusterFirst"), ("spec", "template", "spec", "dnsPolicy"))


def test_every_preset_pattern_parses_and_the_readme_table_lists_them() -> None:
    for name in PRESETS:
        for pattern in preset_patterns((name,)):
            parse_pattern(pattern)
    table = markdown_table()
    assert table.count("\n") == 2 + sum(len(entries) for entries in PRESETS.values())
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert table in readme, "regenerate the README's preset table: python -m kgen.diff.presets"


def test_cli_and_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.yaml").write_text(CHART_OLD, encoding="utf-8")
    Path("b.yaml").write_text(CHART_OLD.replace("shop-1.2.0", "shop-1.3.0").replace("team: core", "team: x"), encoding="utf-8")
    runner = CliRunner()
    plain = runner.invoke(cli, ["diff", "a.yaml", "b.yaml", "--no-config", "-f", "json"])
    assert plain.exit_code == 1 and plain.output.count('"path"') == 4
    preset = runner.invoke(cli, ["diff", "a.yaml", "b.yaml", "--no-config", "--ignore-preset", "helm", "--ignore", "metadata.annotations.team"])
    assert (preset.exit_code, preset.output.splitlines()[-1]) == (0, "No changes (1 object compared).")
    Path(".kgen.yaml").write_text("diff:\n  presets: [helm]\n  ignore: [metadata.annotations.team]\n", encoding="utf-8")
    configured = runner.invoke(cli, ["diff", "a.yaml", "b.yaml"])
    assert configured.exit_code == 0
    Path(".kgen.yaml").write_text("diff:\n  ignore: [spec.]\n", encoding="utf-8")
    bad = runner.invoke(cli, ["diff", "a.yaml", "b.yaml"])
    assert bad.exit_code == 2
    assert bad.output.startswith("kgen: .kgen.yaml:2:12: diff.ignore: 'spec.' is not a field path like metadata.annotations")
    Path(".kgen.yaml").write_text("diff:\n  presets: [helmet]\n", encoding="utf-8")
    unknown = runner.invoke(cli, ["diff", "a.yaml", "b.yaml"])
    assert (unknown.exit_code, unknown.output) == (
        2,
        "kgen: .kgen.yaml:2:13: diff.presets[0]: 'helmet' is not one of helm, kustomize, cluster; did you mean 'helm'?\n",
    )
