"""reference-missing: what a pod names and the set lacks, with the severity the set can prove."""

from __future__ import annotations

from pathlib import Path

from kgen.check.engine import CheckOptions, run_check
from kgen.check.index import ObjectEntry, config_keys_only
from kgen.check.result import CheckResult, ObjectRef

from tests.check.support import check, loc, write

RULE = "reference-missing"

CONFIG = """
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  namespace: shop
data:
  LOG_LEVEL: info
---
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: shop
stringData:
  password: s3cr3t-value
"""


def deployment(pod: str, namespace: str = "shop") -> str:
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: {namespace}
spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
{pod}"""


def container(extra: str) -> str:
    return "      containers:\n        - name: web\n          image: nginx:1.27\n" + extra


Found = list[tuple[int, int, str, str]]


def findings(tmp_path: Path, text: str, complete: bool = False) -> Found:
    return [(f.line, f.column, f.severity, f.message) for f in run(tmp_path, text, complete).findings if f.rule == RULE]


def run(tmp_path: Path, text: str, complete: bool = False) -> CheckResult:
    if not complete:
        return check(tmp_path, text)
    path = write(tmp_path, text, "all.yaml")
    config = write(tmp_path, "complete: true\n", ".kgen.yaml")
    return run_check(CheckOptions(paths=(str(path),), config_path=config, discover_config=False))


def test_a_key_missing_from_a_checked_configmap_or_secret_is_an_error_naming_the_keys_never_a_value(
    tmp_path: Path,
) -> None:
    text = CONFIG + deployment(
        container(
            "          env:\n"
            "            - name: LEVEL\n"
            "              valueFrom:\n"
            "                configMapKeyRef: {name: web, key: LOG_FORMAT}\n"
            "            - name: USER\n"
            "              valueFrom:\n"
            "                secretKeyRef: {name: db, key: username}\n"
        )
    )
    result = run(tmp_path, text)
    assert [(f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE] == [
        (*loc(text, "key: LOG_FORMAT"), "error",
         "env LEVEL of container web reads key LOG_FORMAT of ConfigMap web, which has no such key (its keys: "
         "LOG_LEVEL); the container does not start (CreateContainerConfigError: couldn't find key LOG_FORMAT)"),
        (*loc(text, "key: username"), "error",
         "env USER of container web reads key username of Secret db, which has no such key (its keys: "
         "password); the container does not start (CreateContainerConfigError: couldn't find key username)"),
    ]
    assert all("s3cr3t-value" not in f.message for f in result.findings)


def test_a_missing_object_is_a_warning_and_an_error_when_the_set_is_complete(tmp_path: Path) -> None:
    text = CONFIG + deployment(container("          envFrom:\n            - configMapRef: {name: shared}\n"))
    assert findings(tmp_path, text) == [
        (*loc(text, "name: shared"), "warning",
         "envFrom of container web reads ConfigMap shared, which is not among the checked objects of namespace "
         "shop; the container does not start until it exists (CreateContainerConfigError)"),
    ]
    assert findings(tmp_path, text, complete=True) == [
        (*loc(text, "name: shared"), "error",
         "envFrom of container web reads ConfigMap shared, which does not exist in namespace shop (the checked "
         "objects are the whole set); the container does not start until it exists (CreateContainerConfigError)"),
    ]


def test_a_kind_none_of_which_was_checked_is_judged_only_when_the_set_is_complete(tmp_path: Path) -> None:
    text = deployment(
        "      serviceAccountName: api\n"
        "      volumes:\n"
        "        - name: data\n"
        "          persistentVolumeClaim: {claimName: data}\n" + container("")
    )
    assert findings(tmp_path, text) == []
    assert [f[:3] for f in findings(tmp_path, text, complete=True)] == [
        (*loc(text, "serviceAccountName: api"), "error"),
        (*loc(text, "claimName: data"), "error"),
    ]


def test_what_kubernetes_makes_itself_is_always_there(tmp_path: Path) -> None:
    text = deployment(
        "      serviceAccountName: default\n"
        "      volumes:\n"
        "        - name: ca\n"
        "          configMap:\n"
        "            name: kube-root-ca.crt\n"
        "            items: [{key: ca.crt, path: ca.crt}]\n" + container("")
    )
    assert findings(tmp_path, text, complete=True) == []
    wrong_key = text.replace("key: ca.crt", "key: tls.crt")
    assert [f[:3] for f in findings(tmp_path, wrong_key, complete=True)] == [(*loc(wrong_key, "key: tls.crt"), "error")]


def test_optional_references_are_never_findings(tmp_path: Path) -> None:
    text = CONFIG + deployment(
        "      volumes:\n"
        "        - name: extra\n"
        "          secret: {secretName: absent, optional: true}\n"
        "        - name: conf\n"
        "          configMap:\n"
        "            name: web\n"
        "            optional: true\n"
        "            items: [{key: absent.conf, path: a}]\n"
        + container(
            "          env:\n"
            "            - name: TRACE\n"
            "              valueFrom:\n"
            "                configMapKeyRef: {name: web, key: TRACE, optional: true}\n"
            "          envFrom:\n"
            "            - secretRef: {name: absent, optional: true}\n"
        )
    )
    assert findings(tmp_path, text, complete=True) == []


def test_references_resolve_in_the_pods_namespace_only(tmp_path: Path) -> None:
    text = CONFIG + deployment(container("          envFrom:\n            - configMapRef: {name: web}\n"), "ops")
    assert [f[:3] for f in findings(tmp_path, text)] == [(*loc(text, "name: web}"), "warning")]


def test_keys_are_joined_over_every_copy_and_stringdata_counts(tmp_path: Path) -> None:
    patch = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: shop\ndata:\n  LOG_FORMAT: json\n"
    text = CONFIG + patch + deployment(
        container(
            "          env:\n"
            "            - name: FORMAT\n"
            "              valueFrom:\n"
            "                configMapKeyRef: {name: web, key: LOG_FORMAT}\n"
            "            - name: PASSWORD\n"
            "              valueFrom:\n"
            "                secretKeyRef: {name: db, key: password}\n"
        )
    )
    assert findings(tmp_path, text) == []


def test_a_service_account_token_secret_has_the_keys_its_controller_fills(tmp_path: Path) -> None:
    token = (
        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: api-token\n  namespace: shop\n"
        "type: kubernetes.io/service-account-token\n"
    )
    env = (
        "          env:\n"
        "            - {name: TOKEN, valueFrom: {secretKeyRef: {name: api-token, key: token}}}\n"
        "            - {name: NS, valueFrom: {secretKeyRef: {name: api-token, key: namespace}}}\n"
        "            - {name: CA, valueFrom: {secretKeyRef: {name: api-token, key: ca.crt}}}\n"
        "            - {name: KEY, valueFrom: {secretKeyRef: {name: api-token, key: tls.key}}}\n"
    )
    text = token + deployment(container(env))
    assert [f[:3] for f in findings(tmp_path, text)] == [(*loc(text, "key: tls.key"), "error")]


def test_service_account_name_wins_over_the_deprecated_field(tmp_path: Path) -> None:
    account = "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: shop\n"
    text = account + deployment("      serviceAccountName: api\n      serviceAccount: legacy\n" + container(""))
    assert findings(tmp_path, text) == []
    text = account + deployment("      serviceAccount: legacy\n" + container(""))
    assert findings(tmp_path, text) == [
        (*loc(text, "serviceAccount: legacy"), "warning",
         "serviceAccount names ServiceAccount legacy, which is not among the checked objects of namespace shop; "
         "the API server refuses the pods until it exists (the ServiceAccount admission plugin finds no account)"),
    ]


def test_a_missing_pull_secret_stays_a_warning_even_in_a_complete_set(tmp_path: Path) -> None:
    text = CONFIG + deployment("      imagePullSecrets: [{name: regcred}]\n" + container(""))
    assert findings(tmp_path, text, complete=True) == [
        (*loc(text, "name: regcred"), "warning",
         "imagePullSecrets names Secret regcred, which does not exist in namespace shop (the checked objects are "
         "the whole set); the kubelet pulls without it, so an image that needs it fails to pull"),
    ]


def test_a_missing_object_named_by_a_volume_with_items_is_reported_once_at_its_name(tmp_path: Path) -> None:
    text = CONFIG + deployment(
        "      volumes:\n"
        "        - name: conf\n"
        "          configMap:\n"
        "            name: nginx\n"
        "            items: [{key: a, path: a}, {key: b, path: b}]\n" + container("")
    )
    assert findings(tmp_path, text) == [
        (*loc(text, "name: nginx"), "warning",
         "volume conf mounts ConfigMap nginx, which is not among the checked objects of namespace shop; the volume "
         "does not mount and the pod stays in ContainerCreating until it exists (FailedMount)"),
    ]


STATEFULSET = """
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  volumeClaimTemplates:
    - metadata: {name: data}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: postgres:16
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
"""


def service(spec: str) -> str:
    return f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n{spec}"


def test_a_statefulset_needs_a_headless_service_that_selects_its_pods(tmp_path: Path) -> None:
    claim = "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: other\n"
    headless = service("  clusterIP: None\n  selector: {app: db}\n")
    assert findings(tmp_path, STATEFULSET + claim + headless) == []  # the claim template stands for volume data
    text = STATEFULSET + service("  selector: {app: db}\n  ports: [{port: 5432}]\n")
    assert findings(tmp_path, text) == [
        (*loc(text, "serviceName: db"), "warning",
         "serviceName names Service db, which is not headless (a cluster IP is allocated to it); the pods get DNS "
         "names (db-0.db.default.svc) only from a headless Service (clusterIP: None)"),
    ]
    text = STATEFULSET + service("  clusterIP: None\n  selector: {app: database}\n")
    assert findings(tmp_path, text) == [
        (*loc(text, "serviceName: db"), "warning",
         "serviceName names headless Service db, whose selector (app=database) does not match the pod template's "
         "labels; the pods get DNS names (db-0.db.default.svc) only from the endpoints of a Service that selects "
         "them"),
    ]
    other = STATEFULSET + service("  clusterIP: None\n  selector: {app: db}\n").replace("name: db\nspec", "name: dbx\nspec")
    assert findings(tmp_path, other) == [
        (*loc(other, "serviceName: db"), "warning",
         "serviceName names Service db, which is not among the checked objects of namespace default; the pods run, "
         "but get no DNS names (db-0.db.default.svc) until a headless Service (clusterIP: None) of that name exists"),
    ]
    assert findings(tmp_path, STATEFULSET) == []  # no Service at all: not judged


def test_ephemeral_and_init_containers_are_read_too(tmp_path: Path) -> None:
    text = CONFIG + """---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
spec:
  initContainers:
    - name: init
      image: busybox:1.36
      envFrom: [{configMapRef: {name: init-config}}]
  containers:
    - name: web
      image: nginx:1.27
  ephemeralContainers:
    - name: debugger
      image: busybox:1.36
      envFrom: [{secretRef: {name: debug-secret}}]
"""
    assert [f[:3] for f in findings(tmp_path, text)] == [
        (*loc(text, "name: init-config"), "warning"),
        (*loc(text, "name: debug-secret"), "warning"),
    ]


def test_malformed_references_are_skipped_without_a_traceback(tmp_path: Path) -> None:
    text = CONFIG + deployment(
        "      imagePullSecrets: [x, {name: 3}, {name: \"\"}]\n"
        "      volumes: [1, {name: v, configMap: {name: web, items: {k: v}}}, {name: c, persistentVolumeClaim: {claimName: [x]}}]\n"
        + container(
            "          env: [1, {name: X, valueFrom: [1]}, {name: Z, valueFrom: {configMapKeyRef: {name: web, key: [k]}}}]\n"
            "          envFrom: [1, {configMapRef: [x]}, {secretRef: {name: 4}}]\n"
        )
    )
    assert findings(tmp_path, text) == []


def test_the_index_keeps_a_secrets_key_names_and_never_its_values() -> None:
    data = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "type": "Opaque",
            "data": {"password": "czNjcjN0"}, "stringData": {"token": "s3cr3t"}}
    entry = ObjectEntry(ObjectRef("v1", "Secret", "", "db"), data, "x.yaml", 0, (), (1, 8), 1, 1)
    kept = config_keys_only(entry)
    assert kept.data == {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                         "data": {"password": ""}, "stringData": {"token": ""}}
    assert "s3cr3t" not in repr(kept) and "czNjcjN0" not in repr(kept)
