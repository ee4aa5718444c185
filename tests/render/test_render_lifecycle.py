"""Autoscaling on custom and external metrics, graceful shutdown, the default user, and ``kgen init``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from kgen.render.api import render_text

WEB = "name: shop-api\ntype: web\nimage: ghcr.io/acme/shop-api:1.4.2\n"
DATABASE = "name: pg\ntype: database\nimage: postgres:16.4\nport: 5432\nreplicas: 1\n"
BATCH = "name: report\ntype: batch\nimage: ghcr.io/acme/report:2.0.0\n"


def objects(text: str, version: str | None = None) -> dict[str, dict]:
    result = render_text(text, "p.yaml", kubernetes_version=version)
    return {f"{o.kind}/{o.name}": dict(o.data) for o in result.objects}


def pod(objs: dict[str, dict], key: str) -> dict:
    spec = objs[key]["spec"]
    return spec["jobTemplate"]["spec"]["template"]["spec"] if "jobTemplate" in spec else spec["template"]["spec"]


# -- autoscale ----------------------------------------------------------------------


def test_default_autoscaler_waits_five_minutes_before_scaling_down() -> None:
    spec = objects(WEB)["HorizontalPodAutoscaler/shop-api"]["spec"]
    assert spec["metrics"] == [
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}
    ]
    assert spec["behavior"] == {"scaleDown": {"stabilizationWindowSeconds": 300}}


def test_pods_and_external_metrics_as_the_issue_writes_them() -> None:
    text = WEB + (
        "autoscale:\n"
        "  cpu: 70\n"
        '  pods: {metric: http_requests_per_second, averageValue: "100"}\n'
        '  external: {metric: queue_messages_ready, selector: {queue: orders}, averageValue: "30"}\n'
        "  behavior: {scaleDownStabilization: 300s}\n"
    )
    spec = objects(text)["HorizontalPodAutoscaler/shop-api"]["spec"]
    assert spec["metrics"] == [
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}},
        {
            "type": "Pods",
            "pods": {
                "metric": {"name": "http_requests_per_second"},
                "target": {"type": "AverageValue", "averageValue": "100"},
            },
        },
        {
            "type": "External",
            "external": {
                "metric": {"name": "queue_messages_ready", "selector": {"matchLabels": {"queue": "orders"}}},
                "target": {"type": "AverageValue", "averageValue": "30"},
            },
        },
    ]
    assert spec["behavior"] == {"scaleDown": {"stabilizationWindowSeconds": 300}}


def test_metric_alone_has_no_cpu_target_and_an_external_value_is_the_whole_metric() -> None:
    text = WEB + "autoscale:\n  external: {metric: lag, value: 1.5k}\n  behavior: {scaleDownStabilization: 2m, scaleUpStabilization: 1m30s}\n"
    spec = objects(text)["HorizontalPodAutoscaler/shop-api"]["spec"]
    assert spec["metrics"] == [
        {"type": "External", "external": {"metric": {"name": "lag"}, "target": {"type": "Value", "value": "1.5k"}}}
    ]
    assert spec["behavior"] == {
        "scaleDown": {"stabilizationWindowSeconds": 120},
        "scaleUp": {"stabilizationWindowSeconds": 90},
    }


def test_behavior_alone_keeps_the_default_cpu_target() -> None:
    spec = objects(WEB + "autoscale: {behavior: {scaleDownStabilization: 0s}}\n")["HorizontalPodAutoscaler/shop-api"]["spec"]
    assert [m["resource"]["name"] for m in spec["metrics"]] == ["cpu"]
    assert spec["behavior"] == {"scaleDown": {"stabilizationWindowSeconds": 0}}


# -- graceful shutdown --------------------------------------------------------------


@pytest.mark.parametrize(("text", "key", "grace"), [(WEB, "Deployment/shop-api", 40), (DATABASE, "StatefulSet/pg", 130)])
def test_service_backed_pods_drain_before_sigterm(text: str, key: str, grace: int) -> None:
    spec = pod(objects(text), key)
    app = spec["containers"][0]
    assert app["lifecycle"] == {"preStop": {"sleep": {"seconds": 10}}}
    # the drain comes out of the grace period: the app keeps its own shutdown time after it
    assert spec["terminationGracePeriodSeconds"] == grace
    keys = list(app)
    assert keys.index("livenessProbe") < keys.index("lifecycle") == keys.index("securityContext") - 1


def test_drain_and_grace_are_the_profiles() -> None:
    spec = pod(objects(WEB + "shutdown: {drainSeconds: 25}\nterminationGraceSeconds: 20\n"), "Deployment/shop-api")
    assert spec["containers"][0]["lifecycle"] == {"preStop": {"sleep": {"seconds": 25}}}
    assert spec["terminationGracePeriodSeconds"] == 45


def test_no_drain_when_asked_for_none_and_never_for_batch() -> None:
    spec = pod(objects(WEB + "shutdown: {drainSeconds: 0}\n"), "Deployment/shop-api")
    assert "lifecycle" not in spec["containers"][0]
    assert spec["terminationGracePeriodSeconds"] == 30
    job = pod(objects(BATCH), "Job/report")
    assert "lifecycle" not in job["containers"][0]
    assert job["terminationGracePeriodSeconds"] == 30


def test_before_the_native_sleep_action_the_image_runs_sleep_and_the_output_says_so() -> None:
    result = render_text(WEB, "p.yaml", kubernetes_version="1.29")
    deployment = next(o for o in result.objects if o.kind == "Deployment")
    assert deployment.data["spec"]["template"]["spec"]["containers"][0]["lifecycle"] == {
        "preStop": {"exec": {"command": ["sleep", "10"]}}
    }
    note = (
        "# The preStop hook runs `sleep 10` in the container: the image must have a `sleep` command on its\n"
        "# PATH (Kubernetes 1.29 has no native sleep action; 1.30 and later need nothing from the image).\n"
    )
    assert deployment.yaml.startswith(note + "apiVersion: apps/v1\n")
    assert result.files["deployment-shop-api.yaml"].startswith(
        '# Generated by kgen from app "shop-api". Edit the profile, not this file.\n' + note
    )
    assert ("---\n" + note + "apiVersion: apps/v1\nkind: Deployment\n") in result.stream_text
    others = [o for o in result.objects if o.kind != "Deployment"]
    assert others and not any(o.yaml.startswith("#") for o in others)
    assert not render_text(WEB, "p.yaml", kubernetes_version="1.30").stream_text.count("#")


# -- the user pods run as -----------------------------------------------------------


def test_run_as_non_root_comes_with_a_numeric_user() -> None:
    context = pod(objects(WEB), "Deployment/shop-api")["securityContext"]
    assert (context["runAsNonRoot"], context["runAsUser"], context["runAsGroup"]) == (True, 65532, 65532)
    assert "fsGroup" not in context


def test_a_database_volume_belongs_to_its_user() -> None:
    context = pod(objects(DATABASE), "StatefulSet/pg")["securityContext"]
    assert {k: context[k] for k in ("runAsUser", "runAsGroup", "fsGroup", "fsGroupChangePolicy")} == {
        "runAsUser": 65532,
        "runAsGroup": 65532,
        "fsGroup": 65532,
        "fsGroupChangePolicy": "OnRootMismatch",
    }
    own = pod(objects(DATABASE + "security: {runAsUser: 999}\n"), "StatefulSet/pg")["securityContext"]
    assert (own["runAsUser"], own.get("runAsGroup"), own["fsGroup"]) == (999, None, 999)


def test_image_user_and_root() -> None:
    image = pod(objects(WEB + "security: {runAsUser: image}\n"), "Deployment/shop-api")["securityContext"]
    assert image == {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
    root = pod(objects(WEB + "security: {runAsNonRoot: false}\n"), "Deployment/shop-api")["securityContext"]
    assert root == {"runAsNonRoot": False, "seccompProfile": {"type": "RuntimeDefault"}}


# -- bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            WEB + "autoscale: {behavior: {scaleDownStabilization: 5 minutes}}\n",
            "p.yaml:4:24: autoscale.behavior.scaleDownStabilization: '5 minutes' is not a duration: write it like "
            "30s, 5m or 1h30m (units y, w, d, h, m, s, ms, largest first, no spaces)",
        ),
        (
            WEB + "autoscale: {behavior: {scaleDownStabilization: 2h}}\n",
            "p.yaml:4:24: autoscale.behavior.scaleDownStabilization: is 2h; Kubernetes allows at most 1h (3600s)",
        ),
        (
            WEB + "autoscale: {behavior: {scaleUpStabilization: 1500ms}}\n",
            "p.yaml:4:24: autoscale.behavior.scaleUpStabilization: is 1500ms; the autoscaler counts whole seconds",
        ),
        (
            WEB + 'autoscale: {pods: {metric: rps, averageValue: "0"}}\n',
            "p.yaml:4:33: autoscale.pods.averageValue: is 0; a target must be above zero",
        ),
        (
            WEB + "autoscale: {pods: {metric: rps}}\n",
            "p.yaml:4:13: autoscale.pods.averageValue: is required",
        ),
        (
            WEB + "autoscale: {pods: {metric: 9rps, averageValue: 1}}\n",
            "p.yaml:4:20: autoscale.pods.metric: '9rps' is not a metric name: letters, digits, '_' and ':', "
            "not starting with a digit",
        ),
        (
            WEB + "autoscale: {external: {metric: q, value: 1, averageValue: 2}}\n",
            "p.yaml:4:13: autoscale.external: give exactly one of averageValue (per pod) and value (the whole metric)",
        ),
        (
            WEB + "shutdown: {drainSeconds: 601}\n",
            "p.yaml:4:12: shutdown.drainSeconds: is 601; the most allowed is 600",
        ),
        (BATCH + "shutdown: {drainSeconds: 5}\n", "p.yaml:4:1: shutdown: applies only to types web and database"),
        (
            WEB + "security: {runAsUser: nobody}\n",
            "p.yaml:4:12: security.runAsUser: 'nobody' is not a numeric user id, nor image (the image's own numeric "
            "USER)",
        ),
    ],
)
def test_bad_input(kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.yaml").write_text(text, encoding="utf-8")
    outcome = kgen("render", "p.yaml", "-o", "out")
    assert (outcome.code, outcome.stderr, outcome.stdout) == (2, f"kgen: {message}\n", "")
    assert not Path("out").exists()


# -- kgen init ----------------------------------------------------------------------


@pytest.mark.parametrize("app_type", ["web", "batch", "database"])
def test_init_writes_a_starter_that_renders_and_checks_clean(
    kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_type: str
) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = kgen("init", "my-app", "--type", app_type)
    assert (outcome.code, outcome.stdout) == (0, "")
    assert outcome.stderr == "kgen: wrote my-app.yaml; render it with: kgen render my-app.yaml\n"
    text = Path("my-app.yaml").read_text(encoding="utf-8")
    schema_line = text.splitlines()[0]
    assert schema_line.startswith("# yaml-language-server: $schema=")
    schema = Path(schema_line.split("=", 1)[1])
    assert (tmp_path / schema).resolve().read_text(encoding="utf-8").startswith("{")  # relative to the profile
    data = yaml.safe_load(text)
    assert (data["name"], data["type"]) == ("my-app", app_type)
    assert sum(line.lstrip().startswith("#") for line in text.splitlines()) >= 4  # commented, not bare
    assert kgen("render", "my-app.yaml", "-o", "k8s").code == 0
    checked = kgen("check", "k8s", "--fail-on", "info")
    assert checked.code == 0, checked.stdout


def test_init_takes_the_image_and_a_path(kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "profiles").mkdir()
    outcome = kgen("init", "shop", "--type", "web", "--image", "ghcr.io/acme/shop:3.1.0", "-o", "profiles/shop.yaml")
    assert outcome.code == 0
    text = (tmp_path / "profiles" / "shop.yaml").read_text(encoding="utf-8")
    assert "\nimage: ghcr.io/acme/shop:3.1.0\n" in text
    custom = kgen("init", "other", "--type", "batch", "--schema", "https://example.com/profile.json")
    assert custom.code == 0
    assert Path("other.yaml").read_text(encoding="utf-8").splitlines()[0] == (
        "# yaml-language-server: $schema=https://example.com/profile.json"
    )


def test_init_never_overwrites(kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("shop.yaml").write_text("mine\n", encoding="utf-8")
    outcome = kgen("init", "shop", "--type", "web")
    assert (outcome.code, outcome.stderr) == (2, "kgen: shop.yaml: already exists; kgen init never overwrites a file\n")
    assert Path("shop.yaml").read_text(encoding="utf-8") == "mine\n"
    os.symlink("missing-target.yaml", "link.yaml")
    linked = kgen("init", "shop", "--type", "web", "-o", "link.yaml")
    assert linked.code == 2 and not Path("missing-target.yaml").exists()
    assert sorted(os.listdir(".")) == ["link.yaml", "shop.yaml"]  # no temporary file left behind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["Shop_API", "--type", "web"],
            "'Shop_API' cannot be the app's name: 'Shop_API' is not a DNS-1123 label: use lowercase letters, "
            "digits and '-', start with a letter and end with a letter or digit",
        ),
        (
            ["shop", "--type", "web", "--image", "nginx:latest"],
            "'nginx:latest' cannot be the app's image: 'nginx:latest' is not a pinned image reference: use "
            "registry/repository:tag or @sha256:<digest>, with a tag other than latest",
        ),
        (["shop", "--type", "web", "-o", "no/such/folder/shop.yaml"], "no/such/folder/shop.yaml: cannot create: No such file or directory"),
    ],
)
def test_init_refuses_what_kgen_would_refuse(
    kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = kgen("init", *args)
    assert (outcome.code, outcome.stderr) == (2, f"kgen: {message}\n")
    assert os.listdir(".") == []


def test_init_needs_a_type(kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = kgen("init", "shop")
    assert outcome.code == 2 and "Missing option '--type'" in outcome.stderr
    assert os.listdir(".") == []


@pytest.mark.parametrize("app_type", ["web", "batch", "database"])
def test_every_commented_field_of_a_starter_works_when_switched_on(
    kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_type: str
) -> None:
    import re

    monkeypatch.chdir(tmp_path)
    assert kgen("init", "my-app", "--type", app_type).code == 0
    lines = Path("my-app.yaml").read_text(encoding="utf-8").splitlines()
    switched = [lines[0]] + [
        re.sub(r"^# ([a-z][A-Za-z.]*:)", r"\1", re.sub(r"^#   ", "  ", re.sub(r"^  # ([A-Za-z_]+:)", r"  \1", line)))
        for line in lines[1:]
    ]
    assert sum(a != b for a, b in zip(lines, switched)) >= (8 if app_type == "web" else 5)
    Path("all.yaml").write_text("\n".join(switched) + "\n", encoding="utf-8")
    rendered = kgen("render", "all.yaml", "-o", "k8s")
    assert rendered.code == 0, rendered.stderr
    checked = kgen("check", "k8s", "--fail-on", "info", "--crds", str(Path(__file__).parents[2] / "schemas" / "crds"))
    assert checked.code == 0, checked.stdout
