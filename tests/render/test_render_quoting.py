"""Render keeps what the user wrote, and writes what every reader reads back.

Text fields of a profile (from the schema) take plain scalars as written
(``1.10``, ``12:30``, ``8080``); the boolean spellings and nulls whose meaning
cannot be known there are refused with a quoting hint. The YAML written reads
back as exactly the strings meant under go-yaml v2 (kubectl, the API server),
YAML 1.1 (PyYAML) and YAML 1.2 (ruamel.yaml), from both writers.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from kgen.load.yamlload import Document, load_text
from kgen.render import emit
from kgen.render.api import render_text
from kgen.render.text import is_text_field, text_fields

from tests.conftest import REPO

# -- what the writers write reads back as the same string, for every reader ---------

GO_YAML_BOOLEANS = [
    *("y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"),
    *("n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"),
]
EDGE_CASES = [
    *GO_YAML_BOOLEANS,
    *("tRUE", "yES", "oN", "nO", "oFF"),  # text for go-yaml; some YAML 1.1 readers differ
    *("", "~", "null", "Null", "NULL", "nULL"),
    *("0", "-0", "+7", "010", "0755", "08", "09", "0o17", "0O17", "0x1F", "0X1f", "0b101", "0B11", "-0x1F"),
    *("1_000", "0_10", "1__0", "_1", "1_", "0x_1F", "18446744073709551615", "18446744073709551616", "-9223372036854775809"),
    *("1.10", "1.0", "1.", ".5", "-.5", "+.5", "1e3", "1E3", "1e+3", "-1.5e-3", "1.5E+03", "1e400", "08.5", "1_0.5"),
    *(".inf", ".Inf", ".INF", "+.inf", "-.inf", "-.Inf", ".nan", ".NaN", ".NAN", ".iNf", "inf", "nan", "NaN"),
    *("2024-01-01", "2024-1-1", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "20240101"),
    *("12:30", "1:20", "03:15", "1:20:30", "190:20:30.15", "-1:30", "12:60", "0:30"),
    *(" a", "a ", " ", "  ", "a  b", "\ta", "a\t"),
    *("-", "--", "---", "...", "- x", "-x", ":", "a:", ":a", "a: b", "a:b", "#", "a #b", "a#b", "# a"),
    *("?", "? a", "<<", "=", "!", "!a", "&a", "*a", "|", ">", "%", "@a", "`a", "'", '"', "'a'", '"a"', "[a]", "{a}", ","),
    *("a\nb", "a\n", "\n", "a\n\nb", " a\n b", "y\n", "\r", "a\rb"),
    *("é", "日本", "\u2028", "\x85", "\ufeff", "\u00a0", "😀", "\x00", "\x07", "\x7f"),
]
_TEXT = st.sampled_from(EDGE_CASES) | st.text(max_size=12) | st.text(alphabet="yYnNoO01789.+-_:eExXbB~ #", max_size=6)


def _readers(text: str) -> dict[str, Any]:
    """What kgen's loader (go-yaml v2 rules), PyYAML's SafeLoader and ruamel's safe loader read."""
    (document,) = load_text(text, "out.yaml")
    assert isinstance(document, Document), document
    return {
        "go-yaml v2": document.data,
        "YAML 1.1 (PyYAML)": yaml.load(text, Loader=yaml.SafeLoader),
        "YAML 1.2 (ruamel)": YAML(typ="safe", pure=True).load(io.StringIO(text)),
    }


@settings(max_examples=500, deadline=None)  # the edge cases run in full below
@given(_TEXT)
def test_every_string_reads_back_as_written_for_every_reader(value: str) -> None:
    obj = {"value": value, "items": [value, "x"], "nested": {value: "key"}}
    fast: list[str] = []
    if emit._fast_mapping(obj, 0, fast):
        assert "\n".join(fast) + "\n" == emit.ruamel_yaml(obj)  # the fast path stays byte-identical
    written = emit.to_yaml(obj)
    for reader, data in _readers(written).items():
        assert data == obj, f"{reader} reads {written!r} as {data!r}"


@pytest.mark.parametrize("value", EDGE_CASES, ids=repr)
def test_edge_cases_read_back_from_both_writers(value: str) -> None:
    obj = {"value": value, "items": [value]}
    for written in (emit.to_yaml(obj), emit.ruamel_yaml(obj)):
        for reader, data in _readers(written).items():
            assert data == obj, f"{reader} reads {written!r} as {data!r}"


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("y", "value: 'y'"),  # go-yaml v2: true (YAML 1.1 and 1.2: text)
        ("N", "value: 'N'"),
        ("08", "value: '08'"),  # go-yaml v2: the float 8 (not a valid octal)
        ("1e3", "value: '1e3'"),  # go-yaml v2 and YAML 1.2: 1000.0
        ("0o17", "value: '0o17'"),
        ("1.10", "value: '1.10'"),
        ("12:30", "value: '12:30'"),  # YAML 1.1: 750 (base 60)
        ("~", "value: '~'"),
        ("1e400", "value: '1e400'"),  # too big for go-yaml (text), a float for YAML 1.2
        ("03:15", "value: 03:15"),  # text for every reader: stays plain
        ("tRUE", "value: tRUE"),
        ("yes please", "value: yes please"),
        ("0 3 * * *", "value: 0 3 * * *"),
        ("v1.10", "value: v1.10"),
    ],
)
def test_quoting_is_decided_by_every_reader(value: str, line: str) -> None:
    obj = {"value": value}
    assert emit.to_yaml(obj) == emit.ruamel_yaml(obj) == line + "\n"


# -- which fields are text: the schema says ------------------------------------------


def test_text_fields_come_from_the_schema() -> None:
    top_level = [field for field in text_fields() if not field.startswith("environments.")]
    assert top_level == [
        "name", "image", "build.dockerfile", "namespace", "extraPorts[].name", "health.path", "health.readinessPath", "health.exec[]",
        "autoscale.pods.metric", "autoscale.pods.selector.*", "autoscale.external.metric", "autoscale.external.selector.*",
        "autoscale.behavior.scaleDownStabilization", "autoscale.behavior.scaleUpStabilization",
        "env.*", "env.*.secret", "env.*.configMap", "env.*.key", "command[]", "args[]", "annotations.*",
        "podAnnotations.*", "labels.*", "partOf", "serviceAccount", "serviceAccount.name",
        "expose.host", "expose.path", "expose.gateway.name", "expose.gateway.namespace", "expose.ingress.className",
        "expose.tls.secret", "config.files.*",
        "network.ingressFrom[].namespace", "network.ingressFrom[].podLabels.*", "network.ingressFrom[].cidr",
        "network.ingressFrom[].except[]", "network.egress[]", "network.egress[].namespace",
        "network.egress[].podLabels.*", "network.egress[].cidr", "network.egress[].except[]",
        "nodeSelector.*", "tolerations[].key", "tolerations[].value", "priorityClass", "imagePullSecrets[]",
        "monitoring.port", "monitoring.path", "monitoring.interval",
        "monitoring.alerts.errorRate.above", "monitoring.alerts.errorRate.for",
        "monitoring.alerts.latency.above", "monitoring.alerts.latency.for",
        "monitoring.alerts.cpu.above", "monitoring.alerts.cpu.for",
        "monitoring.alerts.memory.above", "monitoring.alerts.memory.for",
        "monitoring.alerts.restarts.within", "monitoring.alerts.autoscalerAtMax.for",
        "monitoring.metrics.requests", "monitoring.metrics.duration",
        "writablePaths[]", "security.capabilities.drop[]", "security.capabilities.add[]", "schedule", "job.timeZone",
        "storageClass", "dataPath",
    ]  # fmt: skip
    overlay = [field.split(".", 2)[2] for field in text_fields() if field.startswith("environments.")]
    assert overlay == [field for field in top_level if field != "name"]  # an overlay cannot set the name


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("env", "VERSION"), True),
        (("environments", "prod", "podAnnotations", "a"), True),
        (("args", 3), True),
        (("resources", "requests", "cpu"), False),  # a quantity: the schema bounds its numbers
        (("resources", "limits", "cpu"), False),
        (("storage",), False),
        (("port",), False),
        (("size",), False),  # a closed list of words
        (("replicas", "min"), False),
        (("nosuchfield",), False),
    ],
)
def test_is_text_field(path: tuple[str | int, ...], text: bool) -> None:
    assert is_text_field(path) is text


# -- profiles: text as written --------------------------------------------------------

BASE = "name: shop-api\ntype: web\nimage: ghcr.io/acme/shop-api:1.4.2\n"
KGEN = [sys.executable, "-m", "kgen"]


def kgen_process(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KGEN, *args], capture_output=True, text=True, cwd=cwd, timeout=60, env=_env())


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(REPO)}


def _block(stream: str, first: str, size: int) -> str:
    """``size`` lines of ``stream`` from the first line that ends with ``first``."""
    lines = stream.splitlines()
    start = next(index for index, line in enumerate(lines) if line.strip() == first)
    return "\n".join(lines[start : start + size]) + "\n"


PROFILE = BASE + (
    "env:\n"
    "  VERSION: 1.10\n"
    "  START: 12:30\n"
    "  PORT: 8080\n"
    "  MODE: 0755\n"
    "  DEBUG: false\n"
    "  NAME: y-not\n"
    "labels:\n"
    "  release: 1.10\n"
    "  build: 010\n"
    "annotations:\n"
    "  window: 03:15\n"
    "  ratio: 1e3\n"
    "podAnnotations:\n"
    "  prometheus.io/port: 9090\n"
    "  prometheus.io/scrape: true\n"
    "args: [--port, 8080, --level, 08]\n"
    "resources:\n"
    "  requests: {cpu: 1.10}\n"
)


def test_text_fields_render_as_written(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(PROFILE, encoding="utf-8")
    done = kgen_process(tmp_path, "render", "p.yaml")
    assert (done.returncode, done.stderr) == (0, "")
    assert _block(done.stdout, "env:", 13) == (
        "          env:\n"
        "            - name: VERSION\n"
        "              value: '1.10'\n"
        "            - name: START\n"
        "              value: '12:30'\n"
        "            - name: PORT\n"
        "              value: '8080'\n"
        "            - name: MODE\n"
        "              value: '0755'\n"
        "            - name: DEBUG\n"
        "              value: 'false'\n"
        "            - name: NAME\n"
        "              value: y-not\n"
    )
    assert _block(done.stdout, "labels:", 10) == (
        "  labels:\n"
        "    app.kubernetes.io/name: shop-api\n"
        "    app.kubernetes.io/instance: shop-api\n"
        "    app.kubernetes.io/version: 1.4.2\n"
        "    app.kubernetes.io/component: web\n"
        "    app.kubernetes.io/managed-by: kgen\n"
        "    build: '010'\n"
        "    release: '1.10'\n"
        "  annotations:\n"
        "    ratio: '1e3'\n"
    )
    assert "    window: 03:15\n" in done.stdout  # text for every reader: plain
    assert _block(done.stdout, "prometheus.io/port: '9090'", 2) == (
        "        prometheus.io/port: '9090'\n        prometheus.io/scrape: 'true'\n"
    )
    assert _block(done.stdout, "args:", 5) == (
        "          args:\n            - --port\n            - '8080'\n            - --level\n            - '08'\n"
    )
    assert "              cpu: 1100m\n" in done.stdout  # a quantity is a number: 1.10 cores


def test_set_takes_text_as_typed() -> None:
    result = render_text(BASE, "p.yaml", sets=("env.VERSION=1.10", "env.WHEN=12:30", "labels.build=010", 'env.Q="y"'))
    (deployment,) = [obj.data for obj in result.objects if obj.data["kind"] == "Deployment"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["env"] == [
        {"name": "VERSION", "value": "1.10"},
        {"name": "WHEN", "value": "12:30"},
        {"name": "Q", "value": "y"},
    ]
    assert deployment["metadata"]["labels"]["build"] == "010"
    assert "  - name: Q\n    value: 'y'\n" in emit.to_yaml(container)


def test_overlay_text_is_taken_as_written() -> None:
    text = BASE + "env: {VERSION: 1.9}\nenvironments:\n  prod:\n    env: {VERSION: 1.10}\n"
    result = render_text(text, "p.yaml", env="prod")
    (deployment,) = [obj.data for obj in result.objects if obj.data["kind"] == "Deployment"]
    assert deployment["spec"]["template"]["spec"]["containers"][0]["env"] == [{"name": "VERSION", "value": "1.10"}]


# -- refused: what the user meant cannot be known --------------------------------------

REFUSALS = [
    (
        "env-on",
        BASE + "env:\n  FEATURE: on\n",
        [],
        'p.yaml:5:3: env.FEATURE: \'on\' is read as the boolean true, but this field is text; quote it: "on" (or write true)',
    ),
    (
        "env-capitalised-true",
        BASE + "env:\n  DEBUG: True\n",
        [],
        "p.yaml:5:3: env.DEBUG: 'True' is read as the boolean true, but this field is text; "
        'quote it: "True" (or write true)',
    ),
    (
        "label-y",
        BASE + "labels:\n  canary: y\n",
        [],
        'p.yaml:5:3: labels.canary: \'y\' is read as the boolean true, but this field is text; quote it: "y" (or write true)',
    ),
    (
        "node-selector-no",
        BASE + "nodeSelector: {ssd: No}\n",
        [],
        "p.yaml:4:16: nodeSelector.ssd: 'No' is read as the boolean false, but this field is text; "
        'quote it: "No" (or write false)',
    ),
    (
        "annotation-empty",
        BASE + "annotations:\n  owner:\n",
        [],
        'p.yaml:5:3: annotations.owner: is empty, which is read as null, but this field is text; quote it: ""',
    ),
    (
        "pod-annotation-tilde",
        BASE + "podAnnotations: {note: ~}\n",
        [],
        "p.yaml:4:18: podAnnotations.note: '~' is read as null, but this field is text; quote it: \"~\"",
    ),
    (
        "args-item-off",
        BASE + "args: [--verbose, off]\n",
        [],
        "p.yaml:4:19: args[1]: 'off' is read as the boolean false, but this field is text; "
        'quote it: "off" (or write false)',
    ),
    (
        "overlay-yes",
        BASE + "environments:\n  prod:\n    env: {TLS: YES}\n",
        [],
        "p.yaml:6:11: environments.prod.env.TLS: 'YES' is read as the boolean true, but this field is text; "
        'quote it: "YES" (or write true)',
    ),
    (
        "set-y",
        BASE,
        ["--set", "env.FEATURE=y"],
        "p.yaml: --set env.FEATURE: 'y' is read as the boolean true, but this field is text; "
        "quote it: --set 'env.FEATURE=\"y\"' (or write true)",
    ),
    (
        "set-null",
        BASE,
        ["--set", "labels.tier=null"],
        "p.yaml: --set labels.tier: 'null' is read as null, but this field is text; "
        "quote it: --set 'labels.tier=\"null\"'",
    ),
    (
        "label-null",
        BASE + "labels:\n  tier: null\n",
        [],
        "p.yaml:5:3: labels.tier: 'null' is read as null, but this field is text; quote it: \"null\"",
    ),
    (
        "first-in-the-file",
        BASE + "labels: {canary: on}\nsize: huge\n",
        [],
        "p.yaml:4:10: labels.canary: 'on' is read as the boolean true, but this field is text; "
        'quote it: "on" (or write true)',
    ),
    (
        "schema-problem-first",
        BASE + "size: huge\nlabels: {canary: on}\n",
        [],
        "p.yaml:4:1: size: 'huge' is not one of small, medium, large",
    ),
]


@pytest.mark.parametrize(("text", "args", "message"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS])
def test_ambiguous_text_is_refused(tmp_path: Path, text: str, args: list[str], message: str) -> None:
    (tmp_path / "p.yaml").write_text(BASE, encoding="utf-8")
    assert kgen_process(tmp_path, "render", "p.yaml", "-o", "out").returncode == 0
    before = {path.name: path.read_bytes() for path in (tmp_path / "out").iterdir()}
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    done = kgen_process(tmp_path, "render", "p.yaml", *args, "-o", "out")
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"kgen: {message}\n")
    assert {path.name: path.read_bytes() for path in (tmp_path / "out").iterdir()} == before
