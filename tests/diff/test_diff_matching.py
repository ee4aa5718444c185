"""Matching rules: what is the same object, and which differences are not changes."""

from __future__ import annotations

import pytest

from diff_support import changes_of, diff_yaml, only_object
from kgen.diff.api import DiffOptions, diff_texts
from kgen.diff.result import ObjectKey
from kgen.errors import KgenError, LoadError

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: shop/web:1.0
          env:
            - {name: A, value: "1"}
            - {name: B, value: "2"}
          ports:
            - containerPort: 8080
            - containerPort: 9090
          volumeMounts:
            - {name: data, mountPath: /data}
            - {name: data, mountPath: /cache, subPath: cache}
          resources:
            requests: {cpu: 100m, memory: 1Gi}
            limits: {cpu: "1", memory: 1Gi}
        - name: sidecar
          image: envoy:1.29
      volumes:
        - {name: data, emptyDir: {sizeLimit: 1Gi}}
"""


def test_identical_texts_have_no_changes() -> None:
    result = diff_yaml(DEPLOYMENT, DEPLOYMENT)
    assert not result.changed
    assert result.unchanged == 1


def test_objects_match_by_group_not_version() -> None:
    old = "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec: {maxReplicas: 5}\n"
    new = old.replace("v2beta2", "v2")
    obj = only_object(diff_yaml(old, new))
    assert obj.key == ObjectKey("autoscaling", "HorizontalPodAutoscaler", "", "web")
    assert obj.change == "changed"
    assert changes_of(diff_yaml(old, new)) == [("apiVersion", "changed", "autoscaling/v2beta2", "autoscaling/v2")]


@pytest.mark.parametrize(
    "field, value",
    [("apiVersion", "extensions/v1beta1"), ("kind", "StatefulSet"), ("namespace", "other"), ("name", "web2")],
)
def test_another_group_kind_namespace_or_name_is_another_object(field: str, value: str) -> None:
    old = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
    new = {
        "apiVersion": old.replace("apps/v1", value),
        "kind": old.replace("Deployment", value),
        "namespace": old.replace("namespace: shop", f"namespace: {value}"),
        "name": old.replace("name: web", f"name: {value}"),
    }[field]
    result = diff_yaml(old, new)
    assert [obj.change for obj in result.objects] in (["added", "removed"], ["removed", "added"])


def test_document_order_key_order_comments_quoting_and_files_are_not_changes() -> None:
    old = {
        "a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: '1', w: two}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
    }
    new = {
        "one.yaml": "# moved here\nkind: ConfigMap\napiVersion: v1\nmetadata:\n  name: b\n",
        "two.json": '{"data": {"w": "two", "x": "1"}, "metadata": {"name": "a"}, "kind": "ConfigMap", "apiVersion": "v1"}',
    }
    result = diff_texts(old, new, DiffOptions())
    assert not result.changed
    assert result.unchanged == 2


def test_named_lists_match_by_name_so_a_reorder_is_not_a_change() -> None:
    # containers, env, ports (by containerPort) and volumeMounts (by mountPath) reordered
    reordered = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  template:
    spec:
      volumes:
        - {name: data, emptyDir: {sizeLimit: 1Gi}}
      containers:
        - name: sidecar
          image: envoy:1.29
        - name: web
          image: shop/web:1.0
          env:
            - {name: B, value: "2"}
            - {name: A, value: "1"}
          ports:
            - containerPort: 9090
            - containerPort: 8080
          volumeMounts:
            - {name: data, mountPath: /cache, subPath: cache}
            - {name: data, mountPath: /data}
          resources:
            requests: {cpu: 100m, memory: 1Gi}
            limits: {cpu: "1", memory: 1Gi}
"""
    assert not diff_yaml(DEPLOYMENT, reordered).changed


def test_paths_name_named_items_and_merge_keys() -> None:
    new = (
        DEPLOYMENT.replace('{name: B, value: "2"}', '{name: B, value: "3"}')
        .replace("containerPort: 9090", "containerPort: 9090\n              hostPort: 9090")
        .replace("mountPath: /cache, subPath: cache", "mountPath: /cache, subPath: tmp")
    )
    assert changes_of(diff_yaml(DEPLOYMENT, new)) == [
        ("spec.template.spec.containers[web].env[B].value", "changed", "2", "3"),
        ("spec.template.spec.containers[web].ports[9090/TCP].hostPort", "added", None, 9090),
        ("spec.template.spec.containers[web].volumeMounts[/cache].subPath", "changed", "cache", "tmp"),
    ]


def test_lists_without_unique_names_compare_by_position() -> None:
    old = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, args: [x, v]}\n  - {name: a}\n"
    new = old.replace("[x, v]", "[v, x]")
    assert changes_of(diff_yaml(old, new)) == [
        ("spec.containers[0].args[0]", "changed", "x", "v"),
        ("spec.containers[0].args[1]", "changed", "v", "x"),
    ]


@pytest.mark.parametrize(
    "old, new",
    [
        ("cpu: 1", "cpu: 1000m"),
        ("cpu: '2'", "cpu: 2"),
        ("cpu: 0.5", "cpu: 500m"),
        ("memory: 1Gi", "memory: 1024Mi"),
        ("memory: 1G", "memory: 1000M"),
        ("memory: 1e3", "memory: '1k'"),
    ],
)
def test_equal_quantities_are_equal(old: str, new: str) -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    resources:\n      limits: {%s}\n"
    assert not diff_yaml(text % old, text % new).changed


@pytest.mark.parametrize(
    "template",
    [
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  resources:\n    requests: {storage: %s}\n",
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: v}\nspec:\n  capacity: {storage: %s}\n",
        "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q}\nspec:\n  hard: {requests.memory: %s}\n",
        "apiVersion: v1\nkind: LimitRange\nmetadata: {name: l}\nspec:\n  limits:\n  - type: Container\n    max: {memory: %s}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes:\n  - name: v\n    emptyDir: {sizeLimit: %s}\n",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec:\n  volumeClaimTemplates:\n"
        "  - metadata: {name: data}\n    spec: {resources: {requests: {storage: %s}}}\n",
    ],
    ids=["pvc", "pv", "resourcequota", "limitrange", "emptydir", "volumeclaimtemplate"],
)
def test_quantities_are_compared_by_value_in_every_quantity_field(template: str) -> None:
    assert not diff_yaml(template % "1Gi", template % "1024Mi").changed
    result = diff_yaml(template % "1Gi", template % "2Gi")
    ((path, op, old, new),) = changes_of(result)
    assert (op, old, new) == ("changed", "1Gi", "2Gi")


def test_quantity_changes_print_the_original_spellings() -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    resources:\n      limits: {memory: %s}\n"
    assert changes_of(diff_yaml(text % "256Mi", text % "0.5Gi")) == [
        ("spec.containers[a].resources.limits.memory", "changed", "256Mi", "0.5Gi")
    ]


def test_a_quoted_integer_in_an_integer_field_is_not_a_change() -> None:
    # "2" = 2 for replicas-like integers; kgen check reports the quoted one as schema-invalid
    old = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec: {replicas: '2'}\n"
    assert not diff_yaml(old, old.replace("'2'", "2")).changed
    assert changes_of(diff_yaml(old, old.replace("'2'", "3"))) == [("spec.replicas", "changed", "2", 3)]


def test_a_quoted_integer_in_a_string_field_is_a_change() -> None:
    old = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {workers: '2'}\n"
    new = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {workers: 2}\n"
    assert changes_of(diff_yaml(old, new)) == [("data.workers", "changed", "2", 2)]


def test_server_set_fields_are_ignored() -> None:
    old = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"
    new = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  uid: 3f1c
  resourceVersion: "123"
  generation: 4
  creationTimestamp: "2024-01-01T00:00:00Z"
  selfLink: /api/v1/namespaces/default/configmaps/c
  managedFields: [{manager: kubectl, operation: Apply}]
data: {a: b}
status: {phase: Whatever}
"""
    assert not diff_yaml(old, new).changed


def test_pod_template_creation_timestamp_null_is_ignored() -> None:
    old = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  template:\n    metadata: {labels: {a: b}}\n"
    new = old.replace("{labels: {a: b}}", "{labels: {a: b}, creationTimestamp: null}")
    assert not diff_yaml(old, new).changed


@pytest.mark.parametrize(
    "pattern",
    [
        "metadata.annotations",
        'metadata.annotations["example.com/build"]',
        "spec.template.spec.containers[web].image",
        "spec.template.spec.containers[*].image",
        "spec.*.spec.containers[*].image",
    ],
)
def test_ignore_drops_fields_on_both_sides(pattern: str) -> None:
    old = DEPLOYMENT.replace("  namespace: shop\n", "  namespace: shop\n  annotations: {example.com/build: '41'}\n")
    new = old.replace("'41'", "'42'").replace("shop/web:1.0", "shop/web:1.1")
    assert diff_yaml(old, new).changed
    result = diff_yaml(old, new, ignore=[pattern])
    remaining = [c.path_text for obj in result.objects for c in obj.changes]
    assert len(remaining) == 1
    assert pattern not in remaining


@pytest.mark.parametrize("pattern", ["", ".a", "a..b", "a.", "a[", "a[]", 'a["x', "a[x]b"])
def test_a_malformed_ignore_path_is_a_usage_error(pattern: str) -> None:
    with pytest.raises(KgenError, match="--ignore"):
        diff_yaml("", "", ignore=[pattern])


def test_secret_string_data_compares_as_the_data_it_becomes() -> None:
    old = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {user: shop}\n"
    new = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {user: c2hvcA==}\n"
    assert not diff_yaml(old, new).changed


def test_kind_list_items_are_objects() -> None:
    old = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n"
    new = """\
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
"""
    assert not diff_yaml(old, new).changed


def test_documents_that_are_not_objects_are_counted_not_compared() -> None:
    old = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\njust: a mapping\n---\n- a list\n---\n"
    result = diff_yaml(old, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nplain text\n")
    assert not result.changed
    assert (result.ignored_old, result.ignored_new) == (2, 1)


def test_an_object_defined_twice_in_one_file_names_both_places() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
    with pytest.raises(KgenError) as caught:
        diff_texts({"x.yaml": text + "---\n" + text}, {}, DiffOptions())
    message = str(caught.value)
    assert message.startswith(
        "x.yaml:5:1: ConfigMap a is defined twice in one file on the old side (first at x.yaml:1:1)"
    )


def test_copies_of_an_object_in_several_files_pair_up_by_file() -> None:
    # overlay folders hold the same object more than once; each copy is compared with its namesake
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {level: %s}\n"
    old = {"dev/cm.yaml": text % "debug", "prod/cm.yaml": text % "info"}
    new = {"dev/cm.yaml": text % "debug", "prod/cm.yaml": text % "warn"}
    result = diff_texts(old, new, DiffOptions())
    assert [(o.key.display(), o.change) for o in result.objects] == [("ConfigMap a (in prod/cm.yaml)", "changed")]
    moved = diff_texts({"x.yaml": text % "info"}, {"y.yaml": text % "info"}, DiffOptions())
    assert not moved.changed, "a single copy is matched wherever it sits"


def test_a_side_that_does_not_parse_is_a_load_error_with_its_position() -> None:
    with pytest.raises(LoadError) as caught:
        diff_texts({"a.yaml": "kind: ConfigMap\n"}, {"b.yaml": "a: b\nc: [d\n"}, DiffOptions())
    assert str(caught.value).startswith("b.yaml:3:1: not valid YAML")
    assert caught.value.exit_code == 2


def test_duplicate_keys_are_refused_with_their_position() -> None:
    with pytest.raises(LoadError, match=r"^old.yaml:3:1: duplicate key 'kind'"):
        diff_yaml("apiVersion: v1\nkind: A\nkind: B\n", "")
