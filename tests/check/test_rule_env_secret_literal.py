"""env-secret-literal: names read word by word, values that are not the secret, ConfigMaps, and no value ever shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgen.check.logic._secret_names import carries_literal, names_a_secret
from tests.check.support import check, loc

RULE = "env-secret-literal"


def pod(env: str, section: str = "containers") -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  {section}:
    - name: app
      image: ghcr.io/acme/app:1.0.0
      env:
{env}"""


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


def env_message(container: str, name: str, kind: str = "Pod") -> str:
    return (
        f'container "{container}" env {name} is named like a secret and has a literal value; anyone who can read '
        f"the {kind} (or the repository) reads it, and Secret access rules do not apply"
    )


@pytest.mark.parametrize(
    "name",
    ["DB_PASSWORD", "db.password", "dbPassword", "DBPASSWORD", "MYSQL_ROOT_PASSWORD", "RABBITMQ_DEFAULT_PASS",
     "GITHUB_TOKEN", "apiKey", "API_KEY", "APIKEY", "AWS_SECRET_ACCESS_KEY", "clientSecret", "SECRET_KEY_BASE",
     "JWT_SECRET", "PASSPHRASE", "CREDENTIALS", "DB_CREDS", "SIGNING_KEY", "AZURE_STORAGE_ACCOUNT_KEY", "my_password"],
)
def test_names_that_carry_a_secret(name: str) -> None:
    assert names_a_secret(name)


@pytest.mark.parametrize(
    "name",
    ["TOKEN_URL", "SECRET_NAME", "PASSWORD_FILE", "CREDENTIALS_PATH", "KEYSTORE_PATH", "TOKEN_ENDPOINT",
     "AUTH_TOKEN_HEADER", "PASSWORD_MIN_LENGTH", "TOKEN_TTL", "PASSWORD_POLICY", "AWS_ACCESS_KEY_ID", "SECRETS_DIR",
     "ENABLE_PASSWORD_AUTH", "TOKENIZER", "BYPASS_CACHE", "PASSTHROUGH", "CACHE_KEY", "TLS_KEY", "PWD", "SECRETARY",
     "HOST", ""],
)
def test_names_that_refer_to_a_secret_or_are_not_one(name: str) -> None:
    assert not names_a_secret(name)


@pytest.mark.parametrize(
    ("value", "literal"),
    [("hunter2", True), ("", False), ("  ", False), ("$(DB_PASSWORD)", False), ("user:$(DB_PASSWORD)", False),
     ("$$(NOT_A_REFERENCE)", True), ("/run/secrets/db", False), ("/not a path", True), ("true", False),
     ("False", False), ("relative/path", True)],
)
def test_values_that_are_the_secret(value: str, literal: bool) -> None:
    assert carries_literal(value) is literal


def test_every_container_kind_is_read_and_the_value_is_never_shown(tmp_path: Path) -> None:
    text = """
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  initContainers:
    - name: init
      image: busybox:1.36
      env:
        - {name: INIT_TOKEN, value: tok-init-1}
  containers:
    - name: app
      image: ghcr.io/acme/app:1.0.0
      env:
        - {name: DB_PASSWORD, value: hunter2-app}
  ephemeralContainers:
    - name: debug
      image: busybox:1.36
      env:
        - {name: DEBUG_SECRET, value: s3-debug}
"""
    got = findings(tmp_path, text)
    assert got == [
        (RULE, *loc(text, "value: tok-init-1"), "warning", env_message("init", "INIT_TOKEN")),
        (RULE, *loc(text, "value: hunter2-app"), "warning", env_message("app", "DB_PASSWORD")),
        (RULE, *loc(text, "value: s3-debug"), "warning", env_message("debug", "DEBUG_SECRET")),
    ]
    assert not any(secret in message for *_, message in got for secret in ("tok-init-1", "hunter2-app", "s3-debug"))


def test_value_from_envfrom_and_references_are_not_literals(tmp_path: Path) -> None:
    text = pod(
        "        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef: {name: db, key: password}\n"
        "        - name: DATABASE_PASSWORD\n          value: $(DB_PASSWORD)\n"
        "        - name: REDIS_PASSWORD\n          value: ''\n"
    )
    assert findings(tmp_path, text) == []


def test_a_private_key_counts_whatever_its_name(tmp_path: Path) -> None:
    text = pod(
        "        - name: the_good_stuff\n          value: |\n            ---BEGIN OPENSSH PRIVATE KEY---\n"
        "            xxxxx\n            ---END OPENSSH PRIVATE KEY---\n"
        "        - name: CERT\n          value: '-----BEGIN CERTIFICATE-----'\n"
    )
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "value: |"), "warning",
         'container "app" env the_good_stuff holds a private key as a literal value; anyone who can read the Pod '
         "(or the repository) reads it, and Secret access rules do not apply"),
    ]


def test_configmap_keys_in_data_and_binary_data(tmp_path: Path) -> None:
    text = """
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  db_user: postgres
  db_password: abc123
  token_url: https://auth.example.com
  empty_secret: ""
binaryData:
  api-token: c2VjcmV0
"""
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "db_password"), "warning",
         "ConfigMap data key db_password is named like a secret and has a literal value; ConfigMaps are not "
         "Secrets: anyone who can read ConfigMaps in the namespace reads it"),
        (RULE, *loc(text, "api-token"), "warning",
         "ConfigMap binaryData key api-token is named like a secret and has a literal value; ConfigMaps are not "
         "Secrets: anyone who can read ConfigMaps in the namespace reads it"),
    ]


def test_secrets_and_other_kinds_are_not_looked_at(tmp_path: Path) -> None:
    text = """
apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: hunter2
---
apiVersion: example.com/v1
kind: ConfigMap
metadata:
  name: not-core
data:
  password: hunter2
"""
    assert findings(tmp_path, text) == []


def test_a_declared_workload_kind_is_read_too(tmp_path: Path) -> None:
    (tmp_path / ".kgen.yaml").write_text(
        "workloads:\n  - kind: Rollout\n    apiVersion: argoproj.io/v1alpha1\n    podSpecPath: spec.template.spec\n"
    )
    text = """
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: canary
spec:
  template:
    spec:
      containers:
        - name: canary
          image: ghcr.io/acme/canary:1.0.0
          env:
            - {name: API_KEY, value: k-1}
"""
    result = check(tmp_path, text, config_path=tmp_path / ".kgen.yaml")
    assert [(f.rule, f.line, f.column) for f in result.findings if f.rule == RULE] == [(RULE, *loc(text, "value: k-1"))]
