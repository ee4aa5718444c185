"""config-change-not-rolled: config read into env that no rollout follows, exact findings."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc

RULE = "config-change-not-rolled"

CONFIG = """
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
{extra}data:
  LOG_LEVEL: info
"""


def config(name: str = "web", extra: str = "") -> str:
    return CONFIG.format(name=name, extra=extra)


def deployment(env: str, annotations: str = "", template_annotations: str = "", kind: str = "Deployment") -> str:
    return f"""---
apiVersion: apps/v1
kind: {kind}
metadata:
  name: web
{annotations}spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
{template_annotations}    spec:
      containers:
        - name: web
          image: nginx:1.27
{env}"""


ENV_FROM = "          envFrom:\n            - configMapRef: {name: web}\n"


def findings(tmp_path: Path, text: str, **options: object) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, f.severity, f.message) for f in check(tmp_path, text, **options).findings if f.rule == RULE]


def test_config_read_into_env_with_nothing_to_roll_the_pods(tmp_path: Path) -> None:
    text = config() + deployment(ENV_FROM)
    assert findings(tmp_path, text) == [
        (*loc(text, "name: web}"), "info",
         "envFrom of container web reads ConfigMap web, but env is read only when a container starts (a mounted "
         "volume is updated in place by the kubelet; env is not): with no checksum annotation on the pod template "
         "and no content hash in its name, changing it does not restart the pods"),
    ]


def test_once_per_object_at_its_first_reference(tmp_path: Path) -> None:
    env = (
        "          env:\n"
        "            - {name: A, valueFrom: {configMapKeyRef: {name: web, key: LOG_LEVEL}}}\n"
        "            - {name: B, valueFrom: {configMapKeyRef: {name: web, key: LOG_LEVEL}}}\n" + ENV_FROM
    )
    text = config() + deployment(env)
    assert [f[:3] for f in findings(tmp_path, text)] == [(*loc(text, "name: web, key"), "info")]


def test_a_checksum_annotation_on_the_pod_template_rolls_the_pods(tmp_path: Path) -> None:
    checksum = "      annotations:\n        checksum/config: 5d41402abc4b2a76\n"
    assert findings(tmp_path, config() + deployment(ENV_FROM, template_annotations=checksum)) == []
    on_the_workload = "  annotations:\n    checksum/config: 5d41402abc4b2a76\n"
    assert len(findings(tmp_path, config() + deployment(ENV_FROM, annotations=on_the_workload))) == 1


def test_the_checksum_markers_are_a_parameter(tmp_path: Path) -> None:
    digest = "      annotations:\n        example.com/config-digest: 5d41402abc4b2a76\n"
    text = config() + deployment(ENV_FROM, template_annotations=digest)
    assert len(findings(tmp_path, text)) == 1
    path = tmp_path / ".kgen.yaml"
    path.write_text(
        "rules:\n  config-change-not-rolled:\n    params:\n      checksumAnnotations: [digest]\n", encoding="utf-8"
    )
    assert findings(tmp_path, text, config_path=path) == []


def test_a_kustomize_hash_suffix_is_recognised_by_its_alphabet(tmp_path: Path) -> None:
    hashed = config("web-7f5d2t9kbh") + deployment(ENV_FROM.replace("name: web", "name: web-7f5d2t9kbh"))
    assert findings(tmp_path, hashed) == []
    not_a_hash = config("web-production") + deployment(ENV_FROM.replace("name: web", "name: web-production"))
    assert len(findings(tmp_path, not_a_hash)) == 1  # 'production' has vowels: never a kustomize hash
    hex_digits = config("web-7f5d2a9e01") + deployment(ENV_FROM.replace("name: web", "name: web-7f5d2a9e01"))
    assert len(findings(tmp_path, hex_digits)) == 1  # kustomize maps 0, 1, 3, a and e away


def test_an_immutable_config_cannot_change_in_place(tmp_path: Path) -> None:
    assert findings(tmp_path, config(extra="immutable: true\n") + deployment(ENV_FROM)) == []


def test_reloader_annotations(tmp_path: Path) -> None:
    auto = "  annotations:\n    reloader.stakater.com/auto: \"true\"\n"
    assert findings(tmp_path, config() + deployment(ENV_FROM, annotations=auto)) == []
    named = "  annotations:\n    configmap.reloader.stakater.com/reload: \"other,web\"\n"
    assert findings(tmp_path, config() + deployment(ENV_FROM, annotations=named)) == []
    secrets_only = "  annotations:\n    secret.reloader.stakater.com/reload: web\n"
    assert len(findings(tmp_path, config() + deployment(ENV_FROM, annotations=secrets_only))) == 1
    off = "  annotations:\n    reloader.stakater.com/auto: \"false\"\n"
    assert len(findings(tmp_path, config() + deployment(ENV_FROM, annotations=off))) == 1


def test_only_checked_configs_and_long_running_workloads_are_judged(tmp_path: Path) -> None:
    assert findings(tmp_path, deployment(ENV_FROM)) == []  # where the ConfigMap is changed is not known here
    job = config() + deployment(ENV_FROM, kind="Job").replace("apps/v1", "batch/v1").replace(
        "  selector:\n    matchLabels: {app: web}\n", ""
    ).replace("    spec:\n      containers", "    spec:\n      restartPolicy: Never\n      containers")
    assert findings(tmp_path, job) == []


def test_a_config_only_mounted_is_updated_in_place(tmp_path: Path) -> None:
    mounted = (
        "          volumeMounts: [{name: conf, mountPath: /etc/web}]\n"
        "      volumes:\n        - name: conf\n          configMap: {name: web}\n"
    )
    assert findings(tmp_path, config() + deployment(mounted)) == []
