"""Hash-suffixed ConfigMaps and Secrets (kustomize generators) paired as renames, and the workloads
that roll only because they point at the new name (or because a Helm checksum annotation changed)."""

from __future__ import annotations

import json

import pytest

from diff_support import diff_yaml, risks_of
from kgen.diff.api import format_json, format_markdown, format_text
from kgen.diff.renames import base_name

OLD_HASH, NEW_HASH = "7g2hb9kt54", "c8f4m2d9k7"


def config(name: str = f"app-config-{OLD_HASH}", namespace: str = "shop", level: str = "info", extra: str = "") -> str:
    return f"""\
apiVersion: v1
kind: ConfigMap
metadata: {{name: {name}, namespace: {namespace}}}
{extra}data: {{LOG_LEVEL: {level}}}
"""


def deployment(config_name: str = f"app-config-{OLD_HASH}", image: str = "1.0", annotations: str = "") -> str:
    return f"""\
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}{annotations}}}
    spec:
      containers:
        - name: web
          image: shop/web:{image}
          envFrom: [{{configMapRef: {{name: {config_name}}}}}]
      volumes:
        - name: settings
          configMap: {{name: {config_name}}}
"""


ROLL_3 = (
    "3 replicas; RollingUpdate maxUnavailable 25% (0 pods), maxSurge 25% (1 pod): "
    "capacity kept, new pods start before old ones stop"
)
OLD = config() + deployment()
NEW = config(f"app-config-{NEW_HASH}", level="debug") + deployment(f"app-config-{NEW_HASH}")


def test_a_generated_configmap_is_a_rename_and_its_deployment_rolls_because_of_it() -> None:
    assert format_text(diff_yaml(OLD, NEW)) == (
        f"~ ConfigMap shop/app-config-{OLD_HASH} → app-config-{NEW_HASH}  (new.yaml:1)\n"
        "  ↻ rolls the pods of Deployment web\n"
        "  data.LOG_LEVEL: info → debug\n"
        "\n"
        "~ apps/Deployment shop/web  (new.yaml:6)\n"
        f"  ↻ rolls the pods of Deployment web (because ConfigMap app-config changed): {ROLL_3}\n"
        "\n"
        "2 changed, 0 added, 0 removed, 0 unchanged; 0 risk notes.\n"
    )


def test_the_rename_in_json_keeps_every_change_and_says_which_the_rollout_explains() -> None:
    document = json.loads(format_json(diff_yaml(OLD, NEW)))
    renamed, web = document["objects"]
    assert renamed["key"] == {"group": "", "kind": "ConfigMap", "namespace": "shop", "name": f"app-config-{NEW_HASH}"}
    assert renamed["change"] == "changed"
    assert renamed["rename"] == {"old": f"app-config-{OLD_HASH}", "new": f"app-config-{NEW_HASH}"}
    assert renamed["rolls"] == [{"group": "apps", "kind": "Deployment", "namespace": "shop", "name": "web"}]
    assert renamed["changes"] == [
        {"path": "data.LOG_LEVEL", "op": "changed", "old": "info", "new": "debug", "redacted": False}
    ]
    assert renamed["risks"] == []
    paths = [
        "spec.template.spec.containers[web].envFrom[0].configMapRef.name",
        "spec.template.spec.volumes[settings].configMap.name",
    ]
    assert [change["path"] for change in web["changes"]] == paths
    assert web["rollout"]["because"] == ["ConfigMap app-config"]
    assert web["rollout"]["explains"] == paths
    assert web["rollout"]["reason"] == f"rolls the pods of Deployment web (because ConfigMap app-config changed): {ROLL_3}"
    assert "rename" not in web and "rolls" not in web
    assert document["summary"] == {
        "changed": 2, "added": 0, "removed": 0, "unchanged": 0, "risks": 0,
        "ignoredDocuments": {"old": 0, "new": 0},
    }


def test_markdown_shows_the_rename_and_no_reference_lines() -> None:
    output = format_markdown(diff_yaml(OLD, NEW))
    assert f"| `~` | `ConfigMap shop/app-config-{OLD_HASH} → app-config-{NEW_HASH}` | 1 | 0 |\n" in output
    assert f"#### `~` `ConfigMap shop/app-config-{OLD_HASH} → app-config-{NEW_HASH}` renamed\n" in output
    assert "- ↻ rolls the pods of Deployment web (because ConfigMap app-config changed): " in output
    assert "configMapRef" not in output


def test_a_workload_with_other_template_changes_shows_every_line() -> None:
    new = config(f"app-config-{NEW_HASH}", level="debug") + deployment(f"app-config-{NEW_HASH}", image="2.0")
    web = diff_yaml(OLD, new).objects[1]
    assert web.rollout is not None and web.rollout.because == () and web.rollout.explains == ()
    assert format_text(diff_yaml(OLD, new)).split("\n\n")[1] == (
        "~ apps/Deployment shop/web  (new.yaml:6)\n"
        f"  ↻ rolls the pods of Deployment web: {ROLL_3}\n"
        f"  spec.template.spec.containers[web].envFrom[0].configMapRef.name: app-config-{OLD_HASH} → app-config-{NEW_HASH}\n"
        "  spec.template.spec.containers[web].image: shop/web:1.0 → shop/web:2.0\n"
        f"  spec.template.spec.volumes[settings].configMap.name: app-config-{OLD_HASH} → app-config-{NEW_HASH}"
    )


def test_a_generated_secret_is_a_rename_with_its_values_redacted() -> None:
    old = f"""\
apiVersion: v1
kind: Secret
metadata: {{name: db-creds-{OLD_HASH}, namespace: shop}}
type: Opaque
data: {{password: c2VjcmV0LW9uZQ==}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
        - name: web
          image: shop/web:1.0
          env: [{{name: DB_PASSWORD, valueFrom: {{secretKeyRef: {{name: db-creds-{OLD_HASH}, key: password}}}}}}]
      volumes: [{{name: creds, secret: {{secretName: db-creds-{OLD_HASH}}}}}]
"""
    new = old.replace(OLD_HASH, NEW_HASH).replace("c2VjcmV0LW9uZQ==", "c2VjcmV0LXR3bw==")
    result = diff_yaml(old, new)
    text = format_text(result)
    assert text == (
        f"~ Secret shop/db-creds-{OLD_HASH} → db-creds-{NEW_HASH}  (new.yaml:1)\n"
        "  ↻ rolls the pods of Deployment web\n"
        "  data.password: secret value changed (<redacted>)\n"
        "\n"
        "~ apps/Deployment shop/web  (new.yaml:7)\n"
        "  ↻ rolls the pods of Deployment web (because Secret db-creds changed): 2 replicas; RollingUpdate "
        "maxUnavailable 25% (0 pods), maxSurge 25% (1 pod): capacity kept, new pods start before old ones stop\n"
        "\n"
        "2 changed, 0 added, 0 removed, 0 unchanged; 0 risk notes.\n"
    )
    for output in (text, format_markdown(result), format_json(result)):
        assert "c2VjcmV0" not in output
    secret = json.loads(format_json(result))["objects"][0]
    assert secret["changes"] == [
        {"path": "data.password", "op": "changed", "old": "<redacted>", "new": "<redacted>", "redacted": True}
    ]


def test_image_pull_secrets_renamed() -> None:
    old = f"""\
apiVersion: v1
kind: Secret
metadata: {{name: pull-{OLD_HASH}, namespace: shop}}
type: kubernetes.io/dockerconfigjson
data: {{.dockerconfigjson: e30=}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      imagePullSecrets: [{{name: pull-{OLD_HASH}}}]
      containers: [{{name: web, image: "shop/web:1.0"}}]
"""
    new = old.replace(OLD_HASH, NEW_HASH).replace("e30=", "e30K")
    web = diff_yaml(old, new).objects[1]
    assert web.rollout is not None and web.rollout.because == ("Secret pull",)
    assert len(web.rollout.explains) == 2  # the old name's item removed, the new one's added


def test_an_immutable_generated_configmap_can_be_renamed() -> None:
    # the new name is a new object: nothing to reject
    old = config(extra="immutable: true\n")
    new = config(f"app-config-{NEW_HASH}", level="debug", extra="immutable: true\n")
    assert risks_of(diff_yaml(old, new)) == []


def test_a_rename_without_workloads_says_nothing_rolls() -> None:
    result = diff_yaml(config(), config(f"app-config-{NEW_HASH}", level="debug"))
    assert format_text(result) == (
        f"~ ConfigMap shop/app-config-{OLD_HASH} → app-config-{NEW_HASH}  (new.yaml:1)\n"
        "  data.LOG_LEVEL: info → debug\n"
        "\n"
        "1 changed, 0 added, 0 removed, 0 unchanged; 0 risk notes.\n"
    )


# --- what must not pair ------------------------------------------------------------------


def keys_and_changes(old: str, new: str) -> list[tuple[str, str]]:
    return [(obj.title, obj.change) for obj in diff_yaml(old, new).objects]


def test_two_old_candidates_are_ambiguous() -> None:
    old = config() + "---\n" + config("app-config-5d8h2kbm9t")
    new = config(f"app-config-{NEW_HASH}", level="debug")
    assert keys_and_changes(old, new) == [
        ("ConfigMap shop/app-config-5d8h2kbm9t", "removed"),
        (f"ConfigMap shop/app-config-{OLD_HASH}", "removed"),
        (f"ConfigMap shop/app-config-{NEW_HASH}", "added"),
    ]
    assert [code for code, _ in risks_of(diff_yaml(old, new))] == ["object-removed", "object-removed"]


def test_two_new_candidates_are_ambiguous() -> None:
    new = config(f"app-config-{NEW_HASH}") + "---\n" + config("app-config-5d8h2kbm9t")
    assert [change for _, change in keys_and_changes(config(), new)] == ["added", "removed", "added"]


def test_different_namespaces_do_not_pair() -> None:
    new = config(f"app-config-{NEW_HASH}", namespace="billing")
    assert keys_and_changes(config(), new) == [
        (f"ConfigMap billing/app-config-{NEW_HASH}", "added"),
        (f"ConfigMap shop/app-config-{OLD_HASH}", "removed"),
    ]


def test_a_configmap_and_a_secret_do_not_pair() -> None:
    secret = f"apiVersion: v1\nkind: Secret\nmetadata: {{name: app-config-{NEW_HASH}, namespace: shop}}\n"
    assert [change for _, change in keys_and_changes(config(), secret)] == ["removed", "added"]


@pytest.mark.parametrize(
    "old_name, new_name",
    [
        ("app-config-v1", "app-config-v2"),  # a version, not a hash
        ("app-config-abcdef0123", "app-config-0123abcdef"),  # hex, but kustomize writes 0 1 3 a e as g h k m t
        ("app-config-7g2hb9kt5", "app-config-c8f4m2d9k"),  # nine characters
        ("app-config-7g2hb9kt54x", "app-config-c8f4m2d9k7x"),  # eleven
        (OLD_HASH, NEW_HASH),  # no base name at all
    ],
)
def test_names_that_only_look_hashed_do_not_pair(old_name: str, new_name: str) -> None:
    result = diff_yaml(config(old_name), config(new_name))
    assert sorted((obj.key.name, obj.change) for obj in result.objects) == sorted(
        [(old_name, "removed"), (new_name, "added")]
    )
    assert all(obj.renamed_from is None for obj in result.objects)


def test_base_name() -> None:
    assert base_name(f"app-config-{OLD_HASH}") == "app-config"
    assert base_name(f"a-b-{NEW_HASH}") == "a-b"
    assert base_name("app-config-v2") is None
    assert base_name(f"-{OLD_HASH}") is None


def test_a_namesake_on_both_sides_is_no_candidate() -> None:
    # the old one stays, so the new one is simply added
    old = config()
    new = config() + "---\n" + config(f"app-config-{NEW_HASH}", level="debug")
    assert keys_and_changes(old, new) == [(f"ConfigMap shop/app-config-{NEW_HASH}", "added")]


# --- Helm checksum annotations ------------------------------------------------------------


def helm(level: str, checksum: str, image: str = "1.0") -> str:
    return config("app-config", level=level) + deployment(
        "app-config", image=image, annotations=f", annotations: {{checksum/config: {checksum}}}"
    )


def test_a_checksum_annotation_rolls_the_pods_because_of_the_configmap_it_reads() -> None:
    result = diff_yaml(helm("info", "1f2e"), helm("debug", "9a8b"))
    assert format_text(result) == (
        "~ ConfigMap shop/app-config  (new.yaml:1)\n"
        "  data.LOG_LEVEL: info → debug\n"
        "\n"
        "~ apps/Deployment shop/web  (new.yaml:6)\n"
        f"  ↻ rolls the pods of Deployment web (because ConfigMap app-config changed): {ROLL_3}\n"
        "\n"
        "2 changed, 0 added, 0 removed, 0 unchanged; 0 risk notes.\n"
    )
    rollout = json.loads(format_json(result))["objects"][1]["rollout"]
    assert rollout["because"] == ["ConfigMap app-config"]
    assert rollout["explains"] == ['spec.template.metadata.annotations.checksum/config']


def test_a_checksum_change_with_no_changed_configmap_read_names_the_annotation() -> None:
    result = diff_yaml(helm("info", "1f2e"), helm("info", "9a8b"))
    assert [obj.rollout.text for obj in result.objects if obj.rollout] == [
        f"rolls the pods of Deployment web (because its checksum/config annotation changed): {ROLL_3}"
    ]


def test_a_checksum_change_with_other_template_changes_is_not_summarised() -> None:
    result = diff_yaml(helm("info", "1f2e"), helm("debug", "9a8b", image="2.0"))
    web = result.objects[1]
    assert web.rollout is not None and web.rollout.because == ()
    assert 'spec.template.metadata.annotations.checksum/config: 1f2e → 9a8b' in format_text(result)
