"""Helpers shared by the check tests: run a check on a manifest written to a temporary folder, pick
findings, and find where a needle is (1-based line and column, as kgen reports them)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from kgen.check.engine import CheckOptions, run_check
from kgen.check.result import CheckResult, Finding

from tests.conftest import REPO

CUSTOM = REPO / "fixtures" / "custom-policies"


def write(tmp_path: Path, text: str, name: str = "manifest.yaml") -> Path:
    path = tmp_path / name
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def check(tmp_path: Path, text: str, name: str = "manifest.yaml", **options: object) -> CheckResult:
    path = write(tmp_path, text, name)
    return run_check(CheckOptions(paths=(str(path),), discover_config=False, **options))  # type: ignore[arg-type]


def of(result: CheckResult, *rules: str) -> list[Finding]:
    return [f for f in result.findings if f.rule in rules]


def where(result: CheckResult, *rules: str) -> list[tuple[str, int, int]]:
    return [(f.rule, f.line, f.column) for f in of(result, *rules)]


def loc(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based line and column of the nth occurrence of needle in the dedented text."""
    lines = dedent(text).lstrip("\n").splitlines()
    seen = 0
    for number, line in enumerate(lines, start=1):
        column = line.find(needle)
        while column != -1:
            seen += 1
            if seen == nth:
                return number, column + 1
            column = line.find(needle, column + 1)
    raise AssertionError(f"{needle!r} occurs fewer than {nth} times")


def deployment(name: str = "web", extra_spec: str = "", container: str = "", namespace: str = "") -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}{ns}
spec:{extra_spec}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: {name}
          image: nginx:1.27{container}
"""


ROLLOUT = """
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: canary
spec:
  replicas: 3
  selector:
    matchLabels: {app: canary}
  template:
    metadata:
      labels: {app: canary}
    spec:
      containers:
        - name: canary
          image: ghcr.io/acme/canary
"""
