"""Each risk note: when it is raised (exact code, path and reason) and when not."""

from __future__ import annotations

from pathlib import Path

import pytest

from diff_support import diff_yaml, risks_of
from kgen.diff.api import DiffOptions, diff_texts
from kgen.diff.risks import RULES
from kgen.model.k8s import ImageRef, WorkloadKind, parse_image


def reasons(old: str, new: str, ignore: tuple[str, ...] = ()) -> list[str]:
    return [risk.reason for obj in diff_yaml(old, new, ignore).objects for risk in obj.risks]


def workload(kind: str = "Deployment", group: str = "apps/v1", spec: str = "", container: str = "") -> str:
    return f"""\
apiVersion: {group}
kind: {kind}
metadata: {{name: web, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: web}}}}
{spec}  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
        - name: web
          image: shop/web:1.0
{container}"""


# --- immutable fields ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"])
def test_a_changed_selector_is_rejected(kind: str) -> None:
    old = workload(kind)
    new = old.replace("selector: {matchLabels: {app: web}}", "selector: {matchLabels: {app: web2}}")
    assert risks_of(diff_yaml(old, new)) == [("immutable-field", "spec.selector")]


def test_a_declared_kinds_selector_change_is_not_claimed_to_be_rejected() -> None:
    # the API server enforces only what a custom resource's definition says (see test_diff_declared_workloads)
    kind = WorkloadKind("Rollout", ("spec", "template", "spec"), "argoproj.io", ("spec", "replicas"), ("spec", "selector"))
    old = workload("Rollout", "argoproj.io/v1alpha1")
    new = old.replace("selector: {matchLabels: {app: web}}", "selector: {matchLabels: {app: web2}}")
    result = diff_texts({"old.yaml": old}, {"new.yaml": new}, DiffOptions(workloads=(kind,)))
    assert risks_of(result) == [("selector-changed", "spec.selector")]


def test_deployment_selector_reason() -> None:
    old = workload()
    new = old.replace("{app: web}}", "{app: web, tier: api}}", 1)
    assert reasons(old, new) == [
        "spec.selector is immutable: the apply is rejected; delete and recreate the Deployment (its pods are replaced)"
    ]


@pytest.mark.parametrize(
    "old_spec, new_spec, field",
    [
        ("  serviceName: db\n", "  serviceName: db-headless\n", "spec.serviceName"),
        ("  podManagementPolicy: OrderedReady\n", "  podManagementPolicy: Parallel\n", "spec.podManagementPolicy"),
        (
            "  volumeClaimTemplates:\n  - metadata: {name: data}\n    spec: {resources: {requests: {storage: 1Gi}}}\n",
            "  volumeClaimTemplates:\n  - metadata: {name: data}\n    spec: {resources: {requests: {storage: 2Gi}}}\n",
            "spec.volumeClaimTemplates",
        ),
    ],
)
def test_statefulset_fields_other_than_the_mutable_ones_are_rejected(old_spec: str, new_spec: str, field: str) -> None:
    result = diff_yaml(workload("StatefulSet", spec=old_spec), workload("StatefulSet", spec=new_spec))
    assert risks_of(result) == [("immutable-field", field)]
    assert result.objects[0].risks[0].reason == (
        f"{field} is immutable on a StatefulSet: the apply is rejected; delete the StatefulSet "
        "with --cascade=orphan (its pods and claims stay) and recreate it"
    )


def test_statefulset_template_replicas_and_update_strategy_may_change() -> None:
    old = workload("StatefulSet", spec="  replicas: 2\n  updateStrategy: {type: OnDelete}\n")
    new = workload("StatefulSet", spec="  replicas: 3\n  updateStrategy: {type: RollingUpdate}\n").replace("web:1.0", "web:1.1")
    assert risks_of(diff_yaml(old, new)) == []


@pytest.mark.parametrize(
    "old_spec, new_spec",
    [
        ("  ordinals: {start: 0}\n", "  ordinals: {start: 1}\n"),
        ("  revisionHistoryLimit: 10\n", "  revisionHistoryLimit: 3\n"),
        (
            "  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain}\n",
            "  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete}\n",
        ),
        ("  minReadySeconds: 0\n", "  minReadySeconds: 10\n"),
        ("", "  minReadySeconds: 10\n"),  # added
        ("  revisionHistoryLimit: 10\n", ""),  # removed
    ],
    ids=["ordinals", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds", "added", "removed"],
)
def test_every_statefulset_field_the_api_server_lets_change_may_change(old_spec: str, new_spec: str) -> None:
    """apps/v1 validation allows updates to replicas, ordinals, template, updateStrategy,
    revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds only."""
    result = diff_yaml(workload("StatefulSet", spec=old_spec), workload("StatefulSet", spec=new_spec))
    assert result.changed and risks_of(result) == []


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("web:1.0", "web:1.1", "spec.template"),
        ("{app: web}}\n", "{app: job}}\n", "spec.selector"),
        ("  template:", "  completionMode: Indexed\n  template:", "spec.completionMode"),
    ],
)
def test_job_template_selector_and_completion_mode_are_rejected(old: str, new: str, field: str) -> None:
    job = workload("Job", group="batch/v1")
    assert (field, "immutable-field") in [(path, code) for code, path in risks_of(diff_yaml(job, job.replace(old, new, 1)))]


def test_job_parallelism_may_change() -> None:
    job = workload("Job", group="batch/v1", spec="  parallelism: 1\n")
    assert risks_of(diff_yaml(job, job.replace("parallelism: 1", "parallelism: 4"))) == []


@pytest.mark.parametrize("field", ["clusterIP", "clusterIPs"])
def test_service_cluster_ip_is_rejected(field: str) -> None:
    value = {"clusterIP": "None", "clusterIPs": "[10.0.0.1]"}[field]
    old = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80}]\n"
    new = old + f"  {field}: {value}\n"
    assert risks_of(diff_yaml(old, new)) == [("immutable-field", f"spec.{field}")]
    assert risks_of(diff_yaml(old, old.replace("80", "81"))) == []


PVC = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  storageClassName: fast\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {storage: 10Gi}\n"


def test_pvc_spec_other_than_requests_is_rejected() -> None:
    assert risks_of(diff_yaml(PVC, PVC.replace("fast", "slow"))) == [("immutable-field", "spec.storageClassName")]
    assert risks_of(diff_yaml(PVC, PVC.replace("10Gi", "20Gi"))) == []


def test_pvc_storage_request_can_only_grow() -> None:
    result = diff_yaml(PVC, PVC.replace("10Gi", "5Gi"))
    assert risks_of(result) == [("storage-request-lowered", "spec.resources.requests.storage")]
    assert reasons(PVC, PVC.replace("10Gi", "5Gi")) == [
        "storage request lowered 10Gi → 5Gi: the apply is rejected; a claim's storage request can only grow"
    ]


@pytest.mark.parametrize("kind, field", [("ConfigMap", "data"), ("Secret", "data")])
def test_data_of_an_object_marked_immutable_is_rejected(kind: str, field: str) -> None:
    old = f"apiVersion: v1\nkind: {kind}\nmetadata: {{name: c}}\nimmutable: true\ndata: {{a: YQ==}}\n"
    new = old.replace("YQ==", "Yg==")
    assert risks_of(diff_yaml(old, new)) == [("immutable-field", field)]
    mutable = old.replace("immutable: true\n", "")
    assert risks_of(diff_yaml(mutable, mutable.replace("YQ==", "Yg=="))) == []


def test_secret_type_is_rejected() -> None:
    old = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\n"
    assert risks_of(diff_yaml(old, old.replace("Opaque", "kubernetes.io/tls"))) == [("immutable-field", "type")]


@pytest.mark.parametrize("kind", ["RoleBinding", "ClusterRoleBinding"])
def test_binding_role_ref_is_rejected(kind: str) -> None:
    old = f"apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata: {{name: b}}\nroleRef: {{kind: ClusterRole, name: view}}\n"
    assert risks_of(diff_yaml(old, old.replace("view", "edit"))) == [("immutable-field", "roleRef")]


def test_storage_class_parameters_are_rejected() -> None:
    old = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: ebs.csi.aws.com\nparameters: {type: gp3}\n"
    assert risks_of(diff_yaml(old, old.replace("gp3", "io2"))) == [("immutable-field", "parameters")]


def test_pod_spec_changes_other_than_images_are_rejected() -> None:
    old = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: 'a:1', args: [x]}\n"
    assert risks_of(diff_yaml(old, old.replace("'a:1'", "'a:2'"))) == []
    assert risks_of(diff_yaml(old, old.replace("[x]", "[y]"))) == [("immutable-field", "spec.containers")]


# --- removed objects ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, consequence",
    [
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", ""),
        ("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n", "; deleting a Namespace deletes every object in it"),
        (PVC, "; deleting a claim can delete its volume and the data on it (reclaimPolicy Delete)"),
        (
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: a.b.c}\n",
            "; deleting a CustomResourceDefinition deletes every resource of its kind",
        ),
    ],
)
def test_a_removed_object_is_deleted_on_apply(text: str, consequence: str) -> None:
    result = diff_yaml(text, "")
    assert risks_of(result) == [("object-removed", "")]
    assert reasons(text, "") == [
        "object removed: kubectl apply --prune, Argo CD and Flux delete it from the cluster" + consequence
    ]


# --- memory limits --------------------------------------------------------------

MEMORY = "          resources: {limits: {memory: %s}}\n"


def test_a_lowered_memory_limit() -> None:
    result = diff_yaml(workload(container=MEMORY % "1Gi"), workload(container=MEMORY % "512Mi"))
    assert risks_of(result) == [("memory-limit-lowered", "spec.template.spec.containers[web].resources.limits.memory")]
    assert result.objects[0].risks[0].reason == (
        "container web: memory limit lowered 1Gi → 512Mi; the container is OOM-killed when it uses more"
    )


def test_a_memory_limit_set_where_there_was_none() -> None:
    assert reasons(workload(), workload(container=MEMORY % "512Mi")) == [
        "container web: memory limit 512Mi set where there was none; the container is OOM-killed when it uses more"
    ]


@pytest.mark.parametrize("old, new", [("1Gi", "1024Mi"), ("1Gi", "2Gi"), ("1Gi", "1.5Gi")])
def test_an_equal_or_raised_memory_limit_is_no_risk(old: str, new: str) -> None:
    assert risks_of(diff_yaml(workload(container=MEMORY % old), workload(container=MEMORY % new))) == []


# --- probes ---------------------------------------------------------------------

PROBE = "          livenessProbe: {httpGet: {path: /health, port: 8080}%s}\n"


@pytest.mark.parametrize(
    "old, new, aspect",
    [
        ("", ", periodSeconds: 5", "failure window 30s → 15s (failureThreshold × periodSeconds)"),
        (", failureThreshold: 5", "", "failure window 50s → 30s (failureThreshold × periodSeconds)"),
        (", timeoutSeconds: 5", "", "timeoutSeconds 5 → 1"),
        (", initialDelaySeconds: 30", ", initialDelaySeconds: 5", "initialDelaySeconds 30 → 5 with no startupProbe"),
    ],
)
def test_a_stricter_probe(old: str, new: str, aspect: str) -> None:
    result = diff_yaml(workload(container=PROBE % old), workload(container=PROBE % new))
    assert risks_of(result) == [("probe-stricter", "spec.template.spec.containers[web].livenessProbe")]
    assert result.objects[0].risks[0].reason == (
        f"container web: livenessProbe stricter: {aspect}; slow responses fail it sooner, "
        "and then Kubernetes restarts the container"
    )


def test_a_lower_initial_delay_with_a_startup_probe_is_no_risk() -> None:
    startup = "          startupProbe: {httpGet: {path: /health, port: 8080}, failureThreshold: 30}\n"
    old = workload(container=PROBE % ", initialDelaySeconds: 30")
    new = workload(container=PROBE % "" + startup)
    # the new startupProbe is noted (it can restart the container); the liveness delay is not
    assert risks_of(diff_yaml(old, new)) == [("probe-stricter", "spec.template.spec.containers[web].startupProbe")]


def test_a_laxer_probe_is_no_risk() -> None:
    old = workload(container=PROBE % ", periodSeconds: 5")
    assert risks_of(diff_yaml(old, workload(container=PROBE % ", periodSeconds: 20, timeoutSeconds: 3"))) == []


@pytest.mark.parametrize(
    "probe, effect",
    [
        ("livenessProbe", "Kubernetes restarts the container"),
        ("readinessProbe", "the pod is taken out of its Services"),
        ("startupProbe", "Kubernetes restarts the container before it has started"),
    ],
)
def test_a_probe_added_where_there_was_none(probe: str, effect: str) -> None:
    new = workload(container=f"          {probe}: {{tcpSocket: {{port: 8080}}}}\n")
    assert reasons(workload(), new) == [f"container web: {probe} added where there was none; when it fails, {effect}"]


# --- replicas and autoscaling ---------------------------------------------------


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "ReplicaSet"])
def test_lowered_replicas(kind: str) -> None:
    old = workload(kind, spec="  replicas: 3\n")
    assert risks_of(diff_yaml(old, workload(kind, spec="  replicas: 2\n"))) == [("replicas-lowered", "spec.replicas")]
    assert reasons(old, workload(kind, spec="  replicas: 2\n")) == [
        "replicas lowered 3 → 2; fewer pods serve after the apply"
    ]


def test_replicas_removed_means_one() -> None:
    assert reasons(workload(spec="  replicas: 3\n"), workload()) == [
        "replicas 3 → 1 (unset means 1): a single pod serves, so every rollout, eviction or node failure interrupts it"
    ]


def test_replicas_removed_from_two_or_more_is_lowered() -> None:
    # 1 is replicas-to-one's; replicas-lowered keeps the rest (0 included)
    assert reasons(workload(spec="  replicas: 5\n"), workload(spec="  replicas: 2\n")) == [
        "replicas lowered 5 → 2; fewer pods serve after the apply"
    ]
    assert risks_of(diff_yaml(workload(spec="  replicas: 3\n"), workload(spec="  replicas: 0\n"))) == [
        ("replicas-lowered", "spec.replicas")
    ]


def test_raised_replicas_are_no_risk() -> None:
    assert risks_of(diff_yaml(workload(), workload(spec="  replicas: 3\n"))) == []


HPA = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  minReplicas: %s\n  maxReplicas: %s\n"


def test_lowered_hpa_bounds() -> None:
    result = diff_yaml(HPA % (3, 10), HPA % (2, 6))
    assert risks_of(result) == [("hpa-bounds-lowered", "spec.maxReplicas"), ("hpa-bounds-lowered", "spec.minReplicas")]
    assert reasons(HPA % (3, 10), HPA % (2, 6)) == [
        "maxReplicas lowered 10 → 6; the autoscaler can no longer scale as far under load",
        "minReplicas lowered 3 → 2; the autoscaler may run fewer pods at quiet times",
    ]
    assert risks_of(diff_yaml(HPA % (2, 6), HPA % (3, 10))) == []


# --- images ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "image, ref, mutable",
    [
        ("nginx", ImageRef(None, None, "nginx"), True),
        ("nginx:latest", ImageRef("latest", None, "nginx"), True),
        ("registry:5000/app", ImageRef(None, None, "registry:5000/app"), True),  # the colon is the host's
        ("registry:5000/app:1.2", ImageRef("1.2", None, "registry:5000/app"), False),
        ("nginx@sha256:" + "a" * 64, ImageRef(None, "sha256:" + "a" * 64, "nginx"), False),
        ("nginx:latest@sha256:" + "a" * 64, ImageRef("latest", "sha256:" + "a" * 64, "nginx"), False),
        ("nginx@", ImageRef(None, None, "nginx"), True),
    ],
)
def test_image_references(image: str, ref: ImageRef, mutable: bool) -> None:
    assert parse_image(image) == ref
    assert parse_image(image).mutable() is mutable


@pytest.mark.parametrize(
    "image, expected",
    [
        ("shop/web:latest", "image shop/web:latest uses the mutable tag latest"),
        ("shop/web", "image shop/web has no tag, which means latest"),
        ("registry:5000/web", "image registry:5000/web has no tag, which means latest"),
    ],
)
def test_an_image_changed_to_a_mutable_tag(image: str, expected: str) -> None:
    result = diff_yaml(workload(), workload().replace("shop/web:1.0", image))
    assert risks_of(result) == [("mutable-image-tag", "spec.template.spec.containers[web].image")]
    assert result.objects[0].risks[0].reason == (
        f"container web: {expected}; what runs can change without a manifest change (pin a version or a digest)"
    )


@pytest.mark.parametrize("image", ["shop/web:1.1", "shop/web@sha256:" + "b" * 64])
def test_an_image_changed_to_a_pinned_tag_or_digest_is_no_risk(image: str) -> None:
    assert risks_of(diff_yaml(workload(), workload().replace("shop/web:1.0", image))) == []


def test_a_new_workload_with_a_mutable_tag_is_flagged() -> None:
    assert risks_of(diff_yaml("", workload().replace("shop/web:1.0", "shop/web"))) == [
        ("mutable-image-tag", "spec.template.spec.containers[web].image")
    ]


# --- across rules ---------------------------------------------------------------


def test_risks_on_ignored_fields_are_dropped() -> None:
    old, new = workload(spec="  replicas: 3\n"), workload(spec="  replicas: 1\n")
    assert risks_of(diff_yaml(old, new, ignore=("spec.replicas",))) == []
    old, new = workload(container=MEMORY % "1Gi"), workload(container=MEMORY % "512Mi")
    assert risks_of(diff_yaml(old, new, ignore=("spec.template.spec.containers[*].resources",))) == []


def test_every_rule_has_a_test_here() -> None:
    here = Path(__file__).parent
    source = "".join(path.read_text(encoding="utf-8") for path in (here / "test_diff_risks.py", *here.glob("test_risks_*.py")))
    for code in RULES:
        assert f'"{code}"' in source, code


def test_the_readme_table_lists_every_code_in_order() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Risk notes", 1)[1].split("\n### ", 1)[0]
    listed = [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")]
    assert listed == list(RULES)
