"""``.kgen.yaml``: rule switches, severities, parameters, excludes, policy
folders and custom workload kinds. Validated against schemas/config.schema.json.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from kgen.check.policy import first_schema_error, single_document
from kgen.errors import ConfigError, Location
from kgen.model.k8s import WorkloadKind, parse_field_path

CONFIG_NAMES = (".kgen.yaml", ".kgen.yml")


@dataclass(frozen=True)
class RuleConfig:
    enabled: bool | None = None
    severity: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    source: str | None = None
    rules: Mapping[str, RuleConfig] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    policies: tuple[Path, ...] = ()
    workloads: tuple[WorkloadKind, ...] = ()
    fail_on: str | None = None
    kubernetes_version: str | None = None
    strict: bool | None = None
    # where each rule id is named in the file, for "unknown rule" messages
    rule_locations: Mapping[str, Location] = field(default_factory=dict)


def find_config(start: Path) -> Path | None:
    """The nearest .kgen.yaml in ``start`` or its parents."""
    folder = start.resolve()
    for candidate_dir in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = candidate_dir / name
            if candidate.is_file():
                return candidate
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file: {exc}", Location(str(path))) from None
    document = single_document(text, str(path), "a config file")
    if document is None:
        return Config(source=str(path))
    data = document.data
    error = first_schema_error("config.schema.json", data)
    if error is not None:
        where = tuple(error.absolute_path)
        message = error.message
        if error.validator == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            extra = sorted(set(error.instance) - set(allowed))
            where = where + (extra[0],)
            close = difflib.get_close_matches(extra[0], allowed, n=1)
            message = f"unknown key '{extra[0]}'" + (f"; did you mean '{close[0]}'?" if close else "")
        raise ConfigError(
            f"invalid config: {message}", document.location(where), ".".join(map(str, where)) or None
        )
    base = path.parent
    rules: dict[str, RuleConfig] = {}
    locations: dict[str, Location] = {}
    for rule_id, setting in (data.get("rules") or {}).items():
        locations[rule_id] = document.location(("rules", rule_id))
        rules[rule_id] = _rule_config(setting)
    return Config(
        source=str(path),
        rules=rules,
        exclude=tuple(data.get("exclude", ())),
        policies=tuple(base / p for p in data.get("policies", ())),
        workloads=tuple(
            WorkloadKind(
                kind=w["kind"],
                pod_spec_path=parse_field_path(w["podSpecPath"]),
                api_group=w["apiVersion"].rpartition("/")[0] if "apiVersion" in w else None,
            )
            for w in data.get("workloads", ())
        ),
        fail_on=data.get("failOn"),
        kubernetes_version=str(data["kubernetesVersion"]) if "kubernetesVersion" in data else None,
        strict=data.get("strict"),
        rule_locations=locations,
    )


def _rule_config(setting: Any) -> RuleConfig:
    if isinstance(setting, bool):
        return RuleConfig(enabled=setting)
    if isinstance(setting, str):
        if setting == "off":
            return RuleConfig(enabled=False)
        return RuleConfig(enabled=True, severity=setting)
    return RuleConfig(
        enabled=setting.get("enabled"),
        severity=setting.get("severity"),
        params=setting.get("params", {}),
    )
