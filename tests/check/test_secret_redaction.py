"""No output of kgen check ever repeats a Secret's values, in any format.

A Secret carries recognizable values in stringData, data, nested wrong-typed
fields and the last-applied-configuration annotation; every one of them is
schema-invalid or otherwise reported, and none may appear on stdout or stderr.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kgen.check.engine import CheckOptions, run_check
from kgen.check.redact import REDACTED, redact, secret_texts
from kgen.cli import cli

SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: db
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"kind":"Secret","stringData":{"password":"hunter2-earlier"}}'
stringData:
  password: 8675309123
  token: yes
  nested: {inner: swordfish-mapping}
  listed: [swordfish-list]
data:
  key: 42424242
type: 77777
"""

VALUES = ("8675309123", "hunter2-earlier", "swordfish-mapping", "swordfish-list", "42424242", "77777")


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.yaml"
    path.write_text(SECRET, encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "gitlab"])
def test_no_format_prints_a_secret_value(secret_file: Path, fmt: str) -> None:
    result = CliRunner().invoke(cli, ["check", str(secret_file), "--no-config", "--format", fmt])
    assert result.exit_code == 1, result.output  # the schema problems are reported ...
    assert "stringData.password" in result.stdout  # ... by field
    for value in VALUES:
        assert value not in result.stdout, f"{value} in {fmt} stdout"
        assert value not in result.stderr, f"{value} in {fmt} stderr"
    assert "token: yes" not in result.stdout and "yes is read" not in result.stdout


def test_schema_problems_of_a_secret_name_the_field_and_the_type(secret_file: Path) -> None:
    result = run_check(CheckOptions(paths=(str(secret_file),), discover_config=False))
    got = [(f.line, f.column, f.path, f.message) for f in result.findings if f.rule == "schema-invalid"]
    assert got == [
        (8, 3, "stringData.password", "stringData.password: the value is written unquoted and read as an integer, not as text; quote it"),
        (9, 3, "stringData.token", "stringData.token: the value is written unquoted and read as a boolean, not as text; quote it"),
        (10, 3, "stringData.nested", "stringData.nested: an object is not of type string (value not shown)"),
        (11, 3, "stringData.listed", "stringData.listed: an array is not of type string (value not shown)"),
        (13, 3, "data.key", "data.key: the value is written unquoted and read as an integer, not as text; quote it"),
        (14, 1, "type", "type: the value is written unquoted and read as an integer, not as text; quote it"),
    ]


def test_the_same_problem_outside_a_secret_shows_the_value(tmp_path: Path) -> None:
    path = tmp_path / "cm.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  nested: {inner: visible}\n")
    result = run_check(CheckOptions(paths=(str(path),), discover_config=False))
    (finding,) = [f for f in result.findings if f.rule == "schema-invalid"]
    assert finding.message == 'data.nested: {"inner": "visible"} is not of type string'


def test_every_finding_on_a_secret_is_scrubbed_of_its_values() -> None:
    secret = {
        "kind": "Secret",
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": '{"data": {"k": "b2xk"}}'}},
        "data": {"a": "c2VjcmV0", "n": 31337},
        "stringData": {"q": 'say "hi"'},
    }
    texts = secret_texts(secret)
    message = 'c2VjcmV0 and 31337 and b2xk and "say \\"hi\\"" but not c2VjcmV0x'
    assert redact(message, texts) == f'{REDACTED} and {REDACTED} and {REDACTED} and "{REDACTED}" but not c2VjcmV0x'
    assert redact("nothing secret here", texts) == "nothing secret here"


def test_a_value_that_does_not_fit_its_explicit_tag_is_not_repeated(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: !!int opensesame\n")
    result = CliRunner().invoke(cli, ["check", str(path), "--no-config", "--format", "json"])
    assert "opensesame" not in result.stdout + result.stderr
    assert '"line": 5' in result.stdout and "yaml-invalid" in result.stdout


CUSTOM_POLICY = """\
id: secret-owner-missing
severity: warning
title: Secret has no owner label
description: A Secret does not name its owner.
rationale: Someone must rotate it.
remediation: Add an owner label.
target: Object
kinds: [Secret]
message: 'Secret "{name}" has no owner label'
schema:
  required: [metadata]
  properties:
    metadata:
      required: [labels]
examples:
  fail: |
    apiVersion: v1
    kind: Secret
    metadata: {name: s}
  pass: |
    apiVersion: v1
    kind: Secret
    metadata: {name: s, labels: {owner: me}}
"""


def test_the_engine_scrubs_any_rule_s_message_on_a_secret(tmp_path: Path) -> None:
    """A custom rule whose message happens to carry a secret value (here the name) is scrubbed too."""
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "secret-owner-missing.yaml").write_text(CUSTOM_POLICY)
    path = tmp_path / "secret.yaml"
    path.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: vault-admin}\nstringData: {user: vault-admin}\n")
    result = run_check(CheckOptions(paths=(str(path),), discover_config=False, policy_dirs=(policies,)))
    (finding,) = [f for f in result.findings if f.rule == "secret-owner-missing"]
    assert finding.message == f'Secret "{REDACTED}" has no owner label'
