"""Bad input: one clear message naming file, line, column and field; exit 2; nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

BASE = "name: shop-api\ntype: web\nimage: ghcr.io/acme/shop-api:1.4.2\n"

# (id, profile text, extra args, expected stderr without the "kgen: " prefix)
CASES = [
    (
        "invalid-yaml",
        BASE + "port: [8080\n",
        [],
        "p.yaml:5:1: not valid YAML: while parsing a flow sequence: did not find expected ',' or ']'",
    ),
    (
        "duplicate-key",
        BASE + "port: 8080\nport: 9090\n",
        [],
        "p.yaml:5:1: duplicate key 'port' (first defined at line 4)",
    ),
    ("unknown-field", BASE + "sise: large\n", [], "p.yaml:4:1: sise: unknown field; did you mean 'size'?"),
    (
        "unknown-nested-field",
        BASE + "health:\n  pth: /healthz\n",
        [],
        "p.yaml:5:3: health.pth: unknown field; did you mean 'path'?",
    ),
    (
        "unknown-field-no-match",
        BASE + "colour: blue\n",
        [],
        "p.yaml:4:1: colour: unknown field (valid fields: name, type, image, build, namespace, size, port, "
        "extraPorts, health, replicas, autoscale, resources, env, command, args, annotations, "
        "podAnnotations, labels, partOf, serviceAccount, expose, config, network, nodeSelector, tolerations, "
        "priorityClass, imagePullSecrets, spread, terminationGraceSeconds, shutdown, monitoring, writablePaths, "
        "security, schedule, job, storage, storageClass, dataPath, environments)",
    ),
    ("wrong-type", BASE + "port: http\n", [], "p.yaml:4:1: port: expected an integer, got the string 'http'"),
    (
        "wrong-type-mapping",
        BASE + "replicas: 3\n",
        [],
        "p.yaml:4:1: replicas: type web takes {min, max} replicas",
    ),
    (
        "bad-enum",
        BASE + "size: medum\n",
        [],
        "p.yaml:4:1: size: 'medum' is not one of small, medium, large; did you mean 'medium'?",
    ),
    (
        "name-not-dns",
        "name: Shop_API\ntype: web\nimage: ghcr.io/acme/shop-api:1.4.2\n",
        [],
        "p.yaml:1:1: name: 'Shop_API' is not a DNS-1123 label: use lowercase letters, digits and '-', "
        "start with a letter and end with a letter or digit",
    ),
    (
        "name-too-long",
        f"name: {'a' * 53}\ntype: web\nimage: ghcr.io/acme/shop-api:1.4.2\n",
        [],
        "p.yaml:1:1: name: is 53 characters long; at most 52 are allowed",
    ),
    (
        "missing-image",
        "name: shop-api\ntype: web\n",
        [],
        "p.yaml:1:1: image: is required",
    ),
    (
        "image-latest",
        "name: shop-api\ntype: web\nimage: ghcr.io/acme/shop-api:latest\n",
        [],
        "p.yaml:3:1: image: 'ghcr.io/acme/shop-api:latest' is not a pinned image reference: "
        "use registry/repository:tag or @sha256:<digest>, with a tag other than latest",
    ),
    (
        "bad-quantity",
        BASE + "resources:\n  limits: {memory: 100mb}\n",
        [],
        "p.yaml:5:12: resources.limits.memory: '100mb' is not a memory quantity: use a number with "
        "Ki, Mi, Gi or Ti (powers of 1024) or k, M, G, T (powers of 1000), like 256Mi or 1Gi; "
        "did you mean '100Mi'?",
    ),
    (
        "bad-cpu",
        BASE + "resources:\n  requests: {cpu: 2 cores}\n",
        [],
        "p.yaml:5:14: resources.requests.cpu: '2 cores' is not a CPU quantity: use millicores like "
        "250m or cores like 0.5 or 2",
    ),
    (
        "cpu-below-millicore",
        BASE + "resources:\n  requests: {cpu: 0.0001}\n",
        [],
        "p.yaml:5:14: resources.requests.cpu: is 0.0001; it must be at least 1m "
        "(the smallest CPU Kubernetes can reserve)",
    ),
    (
        "limit-below-request",
        BASE + "resources:\n  requests: {memory: 512Mi}\n  limits: {memory: 256Mi}\n",
        [],
        "p.yaml:6:12: resources.limits.memory: is 256Mi, below the request 512Mi; "
        "a limit must be at least its request",
    ),
    (
        "min-above-max",
        BASE + "replicas: {min: 5, max: 3}\n",
        [],
        "p.yaml:4:12: replicas.min: is 5, above replicas.max 3",
    ),
    (
        "min-above-default-max",
        BASE + "replicas: {min: 12}\n",
        [],
        "p.yaml:4:12: replicas.min: is 12, above replicas.max 10 (the default)",
    ),
    (
        "min-equals-max",
        BASE + "replicas: {min: 4, max: 4}\n",
        [],
        "p.yaml:4:20: replicas.max: replicas.min and replicas.max are both 4; autoscaling needs max "
        "above min (for a fixed count of 4, set autoscale: false)",
    ),
    (
        "min-one-while-autoscaling",
        BASE + "replicas: {min: 1}\n",
        [],
        "p.yaml:4:12: replicas.min: is 1; must be at least 2 while autoscaling (so a node drain keeps "
        "a replica serving); set autoscale: false for a fixed count",
    ),
    (
        "utilization-out-of-range",
        BASE + "autoscale: {cpu: 95}\n",
        [],
        "p.yaml:4:13: autoscale.cpu: is 95; the most allowed is 90",
    ),
    (
        "autoscale-true",
        BASE + "autoscale: true\n",
        [],
        "p.yaml:4:1: autoscale: expected false (no autoscaler) or targets like "
        "{cpu: 70, memory: 80}, pods or external metrics",
    ),
    (
        "unknown-env",
        BASE + "environments:\n  prod: {size: large}\n",
        ["--env", "prd"],
        "p.yaml:4:1: environments: --env 'prd' is not defined here (defined: prod); did you mean 'prod'?",
    ),
    (
        "env-without-environments",
        BASE,
        ["--env", "prod"],
        "p.yaml:1:1: environments: --env 'prod' is not defined here: the profile has no environments",
    ),
    (
        "overlay-error",
        BASE + "environments:\n  prod:\n    replicas: {min: 30}\n",
        ["--env", "prod"],
        "p.yaml:6:16: environments.prod.replicas.min: is 30, above replicas.max 10 (the default)",
    ),
    (
        "overlay-changes-name",
        BASE + "environments:\n  prod: {name: other}\n",
        [],
        "p.yaml:5:10: environments.prod.name: an environment overlay cannot change the app's name",
    ),
    (
        "set-wrong-type",
        BASE,
        ["--set", "replicas.min=many"],
        "p.yaml: --set replicas.min: expected an integer, got the string 'many'",
    ),
    (
        "set-unknown-field",
        BASE,
        ["--set", "imgae=x:1"],
        "p.yaml: --set imgae: unknown field; did you mean 'image'?",
    ),
    (
        "set-not-assignment",
        BASE,
        ["--set", "replicas.min"],
        "--set 'replicas.min' is not path=value (like replicas.min=3 or image=repo:tag)",
    ),
    (
        "set-bad-image",
        BASE,
        ["--set", "image=ghcr.io/acme/shop-api"],
        "p.yaml: --set image: 'ghcr.io/acme/shop-api' is not a pinned image reference: "
        "use registry/repository:tag or @sha256:<digest>, with a tag other than latest",
    ),
    (
        "field-of-other-type",
        BASE + "schedule: '0 3 * * *'\n",
        [],
        "p.yaml:4:1: schedule: applies only to type batch",
    ),
    (
        "database-needs-replicas",
        "name: db\ntype: database\nimage: postgres:16.4\nport: 5432\n",
        [],
        "p.yaml:1:1: replicas: is required for type database (there is no default)",
    ),
    (
        "bad-cron",
        "name: job\ntype: batch\nimage: x/y:1\nschedule: '0 25 * * *'\n",
        [],
        "p.yaml:4:1: schedule: '0 25 * * *': hour field: end of range (25) above maximum (23): 25",
    ),
    (
        "cron-field-without-schedule",
        "name: job\ntype: batch\nimage: x/y:1\njob: {concurrencyPolicy: Allow}\n",
        [],
        "p.yaml:4:7: job.concurrencyPolicy: applies only to a CronJob: set `schedule` or remove it",
    ),
    (
        "duplicate-port-name",
        BASE + "extraPorts:\n  - {name: http, port: 9090}\n",
        [],
        "p.yaml:5:6: extraPorts[0].name: the port name 'http' is already used by port",
    ),
    (
        "duplicate-port-number",
        BASE + "extraPorts:\n  - {name: metrics, port: 8080}\n",
        [],
        "p.yaml:5:21: extraPorts[0].port: port 8080/TCP is already used by port",
    ),
    (
        "root-with-run-as-non-root",
        BASE + "security: {runAsUser: 0}\n",
        [],
        "p.yaml:4:12: security.runAsUser: is 0 (root) while runAsNonRoot is true, so the pod could "
        "never start; use a non-zero user id, or set runAsNonRoot: false to run as root",
    ),
    (
        "writable-tmp",
        BASE + "writablePaths: [/tmp]\n",
        [],
        "p.yaml:4:17: writablePaths[0]: '/tmp' is always writable (kgen mounts an emptyDir there)",
    ),
    (
        "toleration-value-with-exists",
        BASE + "tolerations:\n  - {key: gpu, operator: Exists, value: 'true'}\n",
        [],
        "p.yaml:5:34: tolerations[0].value: must be left out with operator Exists",
    ),
    (
        "reserved-label",
        BASE + "labels: {app.kubernetes.io/name: other}\n",
        [],
        "p.yaml:4:10: labels.app.kubernetes.io/name: the key 'app.kubernetes.io/name' is set by kgen "
        "(from name, image, type and partOf)",
    ),
    (
        "bad-env-reference",
        BASE + "env:\n  PASSWORD: {secret: db}\n",
        [],
        "p.yaml:5:3: env.PASSWORD: expected a value, or a reference: {secret: NAME, key: KEY}, "
        "{configMap: NAME, key: KEY} or {field: metadata.name}",
    ),
    (
        "not-a-mapping",
        "- name: shop-api\n",
        [],
        "p.yaml:1:1: expected a mapping, got a list",
    ),
    (
        "kubernetes-manifest",
        "apiVersion: v1\nkind: Service\nmetadata: {name: x}\n",
        [],
        "p.yaml:1:1: this is a Kubernetes manifest (kind: Service), not a kgen profile; "
        "a profile has name, type and image (see `kgen render --help`)",
    ),
    ("empty-file", "", [], "p.yaml: no profile in this file (it is empty)"),
    (
        "duplicate-app",
        BASE + "---\n" + BASE,
        [],
        "p.yaml:5:1: name: app 'shop-api' is defined twice (first at p.yaml:1:1); app names must be unique",
    ),
    (
        "object-collision",
        BASE.replace("shop-api", "db-headless", 1)
        + "---\n"
        + "name: db\ntype: database\nimage: postgres:16.4\nport: 5432\nreplicas: 3\n",
        [],
        "p.yaml:5:1: name: app 'db' renders service-db-headless.yaml, which app 'db-headless' "
        "(at p.yaml:1:1) renders too; rename one of them",
    ),
    (
        "bad-kubernetes-version",
        BASE,
        ["--kubernetes-version", "1.2"],
        "--kubernetes-version 1.2 is older than the oldest schemas shipped (1.25)",
    ),
]


@pytest.mark.parametrize(("text", "args", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input(
    kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.yaml").write_text(text, encoding="utf-8")
    outcome = kgen("render", "p.yaml", *args, "-o", "out")
    assert (outcome.code, outcome.stderr) == (2, f"kgen: {message}\n")
    assert outcome.stdout == ""
    assert not Path("out").exists(), "nothing may be written on bad input"


def test_missing_file(kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = kgen("render", "nope.yaml")
    assert (outcome.code, outcome.stderr) == (2, "kgen: no such file or directory: nope.yaml\n")


def test_binary_file(kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.yaml").write_bytes(b"name: \x00\x01\x02")
    outcome = kgen("render", "p.yaml")
    assert (outcome.code, outcome.stderr) == (2, "kgen: p.yaml: binary file (contains NUL bytes), not YAML\n")


def test_not_utf8(kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.yaml").write_bytes(b"name: caf\xe9\n")
    outcome = kgen("render", "p.yaml")
    assert (outcome.code, outcome.stderr) == (2, "kgen: p.yaml:1:10: not UTF-8 text (byte 0xe9)\n")


def test_unreadable_file(kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kgen.load.discover as discover

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.chdir(tmp_path)
    Path("p.yaml").write_text(BASE, encoding="utf-8")
    monkeypatch.setattr(discover, "read_regular", refuse)
    outcome = kgen("render", "p.yaml")
    assert (outcome.code, outcome.stderr) == (2, "kgen: p.yaml: cannot read: permission denied\n")


def test_empty_folder(kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("profiles").mkdir()
    outcome = kgen("render", "profiles")
    assert (outcome.code, outcome.stderr) == (
        2,
        "kgen: no profiles found in profiles (looked for *.yaml, *.yml, *.json)\n",
    )


def test_first_problem_in_the_file_is_reported(kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.yaml").write_text(BASE + "size: huge\nport: http\n", encoding="utf-8")
    outcome = kgen("render", "p.yaml")
    assert outcome.stderr.startswith("kgen: p.yaml:4:1: size: ")


def test_no_traceback_for_hostile_yaml(kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    bomb = "\n".join(lines) + "\n"
    Path("p.yaml").write_text(bomb, encoding="utf-8")
    outcome = kgen("render", "p.yaml")
    assert outcome.code == 2
    assert "alias bomb" in outcome.stderr
    assert "Traceback" not in outcome.stderr
