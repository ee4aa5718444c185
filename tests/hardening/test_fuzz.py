"""Property-based fuzzing through the command line, in-process: random bytes, random
YAML trees (with anchors and aliases), and mutations of the corpus slice through
`check` (every output format) and `diff`; random profiles, valid and invalid, through
`render -o`. The only allowed outcomes are a result (exit 0 or 1) or a KgenError
(exit 2) - never exit 3, never a traceback - and each run is bounded in time.

`pytest --long` (or `--hypothesis-profile=long`) runs twenty times as many examples.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgen.cli import run
from kgen.load.yamlload import Document, load_text
from kgen.resources import load_schema

from tests.hardening.support import corpus_files, examples, snapshot

SCRATCH = Path(tempfile.mkdtemp(prefix="kgen-fuzz-"))
atexit.register(shutil.rmtree, SCRATCH, True)
PROFILE_SCHEMA = jsonschema.Draft7Validator(load_schema("profile.schema.json"))
SECONDS = 5.0  # per kgen run: small inputs, so anything slower is a hang in the making


def fuzz_settings(n: int) -> Any:
    return settings(
        max_examples=examples(n),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def kgen(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    with runner.isolation(input=stdin) as (out, err, _):
        start = time.process_time()
        code = run(list(args))
        seconds = time.process_time() - start
        sys.stdout.flush()
        sys.stderr.flush()
    stdout, stderr = out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace")
    assert code != 3 and "Traceback" not in stderr, f"kgen {' '.join(args)}: {stderr}"
    assert seconds < SECONDS, f"kgen {' '.join(args)} took {seconds:.1f} s"
    return code, stdout, stderr


def check_everything(path: Path) -> None:
    for output_format in ("json", "sarif", "text", "junit", "github"):
        code, stdout, stderr = kgen("check", str(path), "--no-config", "-j", "1", "-f", output_format)
        assert code in (0, 1), stderr  # a file that does not load is a yaml-invalid finding, not exit 2
        if output_format in ("json", "sarif"):
            json.loads(stdout)


def diff_both_ways(old: Path, new: Path) -> None:
    for output_format in ("json", "text", "markdown"):
        code, stdout, stderr = kgen("diff", str(old), str(new), "-f", output_format)
        assert code in (0, 1, 2), stderr
        if code == 2:
            assert stderr.startswith("kgen: ") and stderr.count("\n") == 1, stderr
        elif output_format == "json":
            json.loads(stdout)


def write(name: str, data: bytes | str) -> Path:
    path = SCRATCH / name
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    path.write_bytes(data)
    return path


# --- random bytes -----------------------------------------------------------------

yamlish_bytes = st.lists(
    st.sampled_from([b"a: ", b"- ", b"\n", b"  ", b"{", b"}", b"[", b"]", b"&a ", b"*a", b"<<: ", b"---\n",
                     b"'", b'"', b"\\", b"#", b"\t", b"\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"\xe9",
                     b"apiVersion: v1\n", b"kind: Pod\n", b"kind: List\nitems:\n", b"!!binary ", b"? ", b"|\n", b"%YAML 1.1\n"]),
    max_size=40,
).map(b"".join)


@fuzz_settings(15)
@given(st.one_of(st.binary(max_size=300), yamlish_bytes))
def test_random_bytes_through_check_and_diff(data: bytes) -> None:
    path = write("bytes.yaml", data)
    check_everything(path)
    diff_both_ways(path, write("empty.yaml", b""))
    code, _, stderr = kgen("render", str(path))
    assert code in (0, 2), stderr


# --- random YAML trees, with shared (aliased) parts -------------------------------

keys = st.one_of(
    st.sampled_from(["apiVersion", "kind", "metadata", "name", "namespace", "spec", "items", "containers",
                     "image", "resources", "limits", "requests", "cpu", "memory", "replicas", "selector",
                     "matchLabels", "template", "labels", "annotations", "env", "value", "ports", "<<"]),
    st.text(max_size=8),
)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.sampled_from(["yes", "on", "off", "0755", "1e3", "2024-01-01", "500m", "1Gi", "~", ""]),
)


def shared(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A list holding the same object several times: PyYAML writes it as an anchor and aliases."""
    return st.builds(lambda value, times: [value] * times, children, st.integers(2, 4))


trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4), shared(children)
    ),
    max_leaves=25,
)
KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "Service", "HorizontalPodAutoscaler",
         "PodDisruptionBudget", "ConfigMap", "Secret", "List", "CustomResourceDefinition", "Rollout"]
manifests = st.builds(
    lambda kind, name, spec, extra: {"apiVersion": "apps/v1" if kind in ("Deployment", "StatefulSet") else "v1",
                                     "kind": kind, "metadata": {"name": name, **extra}, "spec": spec},
    st.sampled_from(KINDS), st.text(max_size=10), trees, st.dictionaries(keys, trees, max_size=2),
)


def dump(value: Any, style: str) -> str:
    if style == "json":
        return json.dumps(value, allow_nan=True)
    flow = {"block": False, "flow": True, "mixed": None}[style]
    return yaml.safe_dump(value, default_flow_style=flow, allow_unicode=style != "mixed", sort_keys=False)


@fuzz_settings(12)
@given(st.lists(st.one_of(manifests, trees), min_size=1, max_size=3), st.sampled_from(["block", "flow", "mixed", "json"]), st.data())
def test_random_yaml_trees_through_check_and_diff(documents: list[Any], style: str, data: st.DataObject) -> None:
    texts = [dump(d, style) for d in documents]
    path = write("tree.yaml", "\n---\n".join(texts) if style != "json" else texts[0])
    check_everything(path)
    other = data.draw(st.lists(manifests, min_size=1, max_size=2))
    diff_both_ways(path, write("other.yaml", "\n---\n".join(dump(d, "block") for d in other)))
    code, stdout, stderr = kgen("diff", str(path), str(path), "-f", "json")
    if code != 2:  # whatever loads equals itself
        assert code == 0, stdout



# --- mutations of the real manifests in the corpus slice --------------------------


def _corpus_documents() -> list[tuple[str, Any]]:
    found = []
    for path in corpus_files(max_bytes=20_000):
        for item in load_text(path.read_text(encoding="utf-8", errors="replace"), str(path)):
            if isinstance(item, Document) and isinstance(item.data, dict) and "kind" in item.data:
                found.append((path.name, item.data))
    return found


CORPUS_DOCUMENTS = _corpus_documents()
ODD_TEXT = ["\u202eevil", "zero\u200bwidth", "e\u0301", "\U0001f680", "\x00nul", "\ufeffbom", "a\u2028b", "\\", "'\"",
            "ＡＢＣ", "İ", "ß", "\ud7ff", "x" * 5000, "{{ .Values.x }}", "*alias", "&anchor", "!!python/object:os.system"]
HUGE = [10**30, -(10**30), 2**63, -(2**63) - 1, 1e308, -1e308, float("inf"), float("nan"), 1e-320, 0.1 + 0.2]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, prefix + (index,))
    return found


def mutate(document: Any, rng: random.Random, count: int) -> Any:
    document = json.loads(json.dumps(document))
    for _ in range(count):
        paths = _paths(document)[1:]
        if not paths:
            break
        path = rng.choice(paths)
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        last = path[-1]
        action = rng.choice(["delete", "type", "huge", "unicode", "empty", "duplicate"])
        if action == "delete":
            del parent[last]
        elif action == "type":
            parent[last] = rng.choice([[], {}, "text", 7, True, None, [parent[last]], {"x": parent[last]}])
        elif action == "huge":
            parent[last] = rng.choice(HUGE)
        elif action == "unicode":
            parent[last] = rng.choice(ODD_TEXT) if rng.random() < 0.7 else str(parent[last]) + rng.choice(ODD_TEXT)
        elif action == "empty":
            parent[last] = rng.choice(["", [], {}])
        elif isinstance(parent, list):
            parent.append(parent[last])
        else:
            parent[f"{last}-copy"] = parent[last]
    return document


@fuzz_settings(10)
@given(st.integers(0, len(CORPUS_DOCUMENTS) - 1), st.integers(0, 2**32), st.integers(1, 6), st.sampled_from(["yaml", "json"]))
def test_mutated_corpus_manifests_through_check_and_diff(index: int, seed: int, count: int, style: str) -> None:
    name, original = CORPUS_DOCUMENTS[index]
    mutated = mutate(original, random.Random(seed), count)
    if style == "json":
        text = json.dumps(mutated, allow_nan=True, ensure_ascii=bool(seed % 2))
    else:
        text = yaml.safe_dump(mutated, sort_keys=bool(seed % 2), allow_unicode=bool(seed % 3))
    path = write(f"mutated.{style}", text)
    check_everything(path)
    diff_both_ways(write("original.yaml", yaml.safe_dump(original)), path)


def test_the_corpus_sample_is_large_and_varied() -> None:
    kinds = {doc["kind"] for _, doc in CORPUS_DOCUMENTS}
    assert len(CORPUS_DOCUMENTS) >= 100
    families = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "Service", "Secret", "ConfigMap"}
    assert families | {"CustomResourceDefinition", "NetworkPolicy", "ClusterRole", "RoleList"} <= kinds


# --- random profiles, valid and invalid, through render -o -----------------------

label = st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True)
odd = st.one_of(st.text(max_size=12), st.sampled_from(ODD_TEXT + ["../../etc", "/abs", "a/b", ".hidden", "..", "A_B"]))
anything = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=5), scalars, max_size=3))
FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "namespace": st.one_of(label, odd),
    "size": st.sampled_from(["small", "medium", "large", "huge", 3]),
    "port": st.one_of(st.integers(1, 65535), st.integers(-5, 10**9), odd),
    "replicas": st.one_of(
        st.fixed_dictionaries({"min": st.integers(-1, 120), "max": st.integers(-1, 120)}), st.integers(0, 5), odd
    ),
    "autoscale": st.one_of(st.just(False), st.fixed_dictionaries({}, optional={"cpu": st.integers(0, 120), "memory": st.integers(0, 120)})),
    "resources": st.fixed_dictionaries(
        {},
        optional={
            "requests": st.fixed_dictionaries({}, optional={"cpu": st.sampled_from(["100m", "0", "1e3", "-1", "abc", "1m"]), "memory": st.sampled_from(["64Mi", "1", "1m", "9Ei", "x"])}),
            "limits": st.fixed_dictionaries({}, optional={"cpu": st.sampled_from(["200m", None, "0.0001"]), "memory": st.sampled_from(["128Mi", "1Ki", None])}),
        },
    ),
    "env": st.dictionaries(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True) | odd, st.one_of(scalars, st.fixed_dictionaries({"secret": label, "key": label})), max_size=4),
    "command": st.lists(st.one_of(st.text(max_size=8), st.integers()), max_size=3),
    "annotations": st.dictionaries(st.text(max_size=10), st.one_of(st.text(max_size=10), st.integers()), max_size=3),
    "labels": st.dictionaries(st.one_of(label, odd), st.one_of(label, odd), max_size=3),
    "schedule": st.sampled_from(["0 3 * * *", "@hourly", "61 * * * *", "* * *", "@reboot"]),
    "health": st.fixed_dictionaries({}, optional={"path": st.one_of(st.just("/healthz"), odd), "startupSeconds": st.integers(0, 10**6)}),
    "security": st.fixed_dictionaries({}, optional={"runAsNonRoot": st.booleans(), "runAsUser": st.integers(-1, 2**32), "capabilities": st.fixed_dictionaries({"add": st.lists(st.sampled_from(["NET_ADMIN", "ALL", "x"]), max_size=2)})}),
    "writablePaths": st.lists(st.one_of(st.sampled_from(["/data", "/tmp", "/", "relative"]), odd), max_size=3),
    "storage": st.sampled_from(["10Gi", "0", "-1Gi", "1e100Gi", "x"]),
    "environments": st.dictionaries(label, st.dictionaries(st.sampled_from(["size", "replicas", "image", "name", "port"]), anything, max_size=2), max_size=2),
    "unknown": anything,
}


TAME: dict[str, st.SearchStrategy[Any]] = {  # values the schema accepts (they may still clash)
    "namespace": label,
    "size": st.sampled_from(["small", "medium", "large"]),
    "port": st.integers(1024, 65535),
    "replicas": st.fixed_dictionaries({"min": st.integers(2, 5), "max": st.integers(6, 20)}),
    "autoscale": st.one_of(st.just(False), st.fixed_dictionaries({"cpu": st.integers(20, 90)})),
    "resources": st.fixed_dictionaries({"requests": st.fixed_dictionaries({"cpu": st.sampled_from(["100m", "250m", "1"])})}),
    "env": st.dictionaries(st.from_regex(r"[A-Z_][A-Z0-9_]{0,6}", fullmatch=True), st.one_of(st.text(max_size=10), st.integers(), st.booleans()), max_size=4),
    "command": st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=3),
    "annotations": st.dictionaries(label, st.text(max_size=10), max_size=3),
    "labels": st.dictionaries(label, label, max_size=3),
    "health": st.fixed_dictionaries({"path": st.sampled_from(["/healthz", "/ready", "/"])}),
    "security": st.fixed_dictionaries({}, optional={"runAsUser": st.integers(1, 65535), "readOnlyRootFilesystem": st.booleans()}),
    "writablePaths": st.lists(st.sampled_from(["/data", "/var/cache", "/work"]), max_size=2, unique=True),
    "environments": st.fixed_dictionaries({"prod": st.fixed_dictionaries({}, optional={"size": st.sampled_from(["small", "large"])})}),
}


@st.composite
def profiles(draw: st.DrawFn) -> Any:
    """Mostly profiles the schema accepts; a third with wild values, missing fields or the wrong shape."""
    wild = draw(st.integers(0, 2)) == 0
    kind = draw(st.sampled_from(["web", "web", "batch", "database"]))
    profile: dict[str, Any] = {
        "name": draw(st.one_of(label, odd) if wild else label),
        "type": draw(st.sampled_from(["web", "cron", 5]) if wild else st.just(kind)),
        "image": draw(st.from_regex(r"ghcr\.io/acme/[a-z]{1,6}:[0-9]\.[0-9]", fullmatch=True)),
    }
    if kind == "database":
        profile.update(port=5432, replicas=draw(st.integers(1, 5)))
    fields = FIELDS if wild else {k: v for k, v in TAME.items() if kind == "web" or k not in ("replicas", "autoscale", "health")}
    if kind == "database":
        fields = {k: v for k, v in fields.items() if k != "replicas"}
    for field in draw(st.lists(st.sampled_from(sorted(fields)), max_size=5, unique=True)):
        profile[field] = draw(fields[field])
    if not wild:
        return profile
    if draw(st.booleans()):
        profile["image"] = draw(st.sampled_from(["nginx", "nginx:latest", "a@sha256:" + "0" * 64, "::", ""]))
    for field in draw(st.lists(st.sampled_from(["name", "type", "image"]), max_size=1)):
        del profile[field]  # a required field missing
    return draw(st.one_of(st.just(profile), st.just(profile), st.just([profile]), scalars))


@fuzz_settings(12)
@given(st.lists(profiles(), min_size=1, max_size=2), st.sampled_from([(), (), (), ("--env", "prod"), ("--set", "replicas.min=3"), ("--set", "name=x/../y")]))
def test_random_profiles_through_render(documents: list[Any], extra: tuple[str, ...]) -> None:
    root = Path(tempfile.mkdtemp(dir=SCRATCH))
    (root / "profiles").mkdir()
    (root / "profiles" / "p.yaml").write_text("\n---\n".join(yaml.safe_dump(d) for d in documents), encoding="utf-8")
    before = snapshot(root)
    code, _, stderr = kgen("render", str(root / "profiles"), "-o", str(root / "out"), *extra)
    assert code in (0, 2), stderr
    invalid = any(not isinstance(d, dict) or not PROFILE_SCHEMA.is_valid(d) for d in documents)
    if code == 2 or invalid and not extra:
        assert code == 2, "a profile the schema refuses rendered"
        assert snapshot(root) == before, "a failed render wrote something"
        return
    written = snapshot(root)
    assert set(written) - set(before) == {"out", *(f"out/{n}" for n in os.listdir(root / "out"))}
    code, stdout, stderr = kgen("check", str(root / "out"), "--no-config", "-j", "1")
    assert code in (0, 1), stderr
