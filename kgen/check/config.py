"""``.kgen.yaml``: rule switches, severities, parameters, excludes, policy
folders, custom workload kinds, exemptions and whether inline suppressions
count. Validated against schemas/config.schema.json.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from collections.abc import Mapping
from typing import Any, Iterable

from kgen.check.exemptions import GLOB_FIELDS, Exemption, read_exemptions
from kgen.check.policy import Policy, as_written, param_problems, refuse, schema_problem, single_document
from kgen.check.schema_errors import Problem, did_you_mean
from kgen.errors import ConfigError, KgenError, Location
from kgen.load.files import TooBig, not_a_file, read_regular
from kgen.load.repository import work_tree
from kgen.load.yamlload import Document, FieldPath
from kgen.model.k8s import WorkloadKind, format_field_path, parse_field_path
from kgen.model.kubeschema import resolve_version

CONFIG_NAMES = (".kgen.yaml", ".kgen.yml")

#: Fields of the config whose values are text, whatever YAML would make of them
#: (``kubernetesVersion: 1.30`` is "1.30", not the number 1.3).
_TEXT_SCHEMA: Mapping[str, Any] = {
    "properties": {
        "exclude": {"items": {"type": "string"}},
        "policies": {"items": {"type": "string"}},
        "crds": {"items": {"type": "string"}},
        "workloads": {
            "items": {
                "properties": {
                    name: {"type": "string"}
                    for name in ("kind", "apiVersion", "podSpecPath", "replicasPath", "selectorPath")
                }
            }
        },
        "kubernetesVersion": {"type": "string"},
        "exemptions": {
            "items": {"properties": {name: {"type": "string"} for name in (*GLOB_FIELDS, "reason", "until")}}
        },
    }
}


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
    pod_security: str | None = None  # podSecurity: baseline | restricted, the Pod Security level whose rules run
    complete: bool = False  # complete: true — the checked objects are everything that will be applied
    crds: tuple[Path, ...] = ()  # files or folders read for their CustomResourceDefinitions (relative to the config)
    images: Mapping[str, str] = field(default_factory=dict)  # images: repository -> the Dockerfile that builds it
    exemptions: tuple[Exemption, ...] = ()  # exemptions: findings accepted, by rule and object, with a reason
    inline_suppressions: bool = True  # inlineSuppressions: false — kgen.dev/ignore and kgen:ignore comments count for nothing
    diff_ignore: tuple[str, ...] = ()  # diff.ignore: field paths kgen diff drops on both sides, like --ignore
    diff_ignore_locations: tuple[Location, ...] = ()  # where each is written (kgen diff checks their syntax)
    diff_presets: tuple[str, ...] = ()  # diff.presets: ignore presets, like --ignore-preset
    # where each rule id is named in the file, for "unknown rule" messages
    rule_locations: Mapping[str, Location] = field(default_factory=dict)
    kubernetes_version_location: Location | None = None
    #: the file's text, to place a problem found later (a rule parameter) at its line
    text: str = field(default="", repr=False, compare=False)


#: The largest config file kgen reads (a config is settings, not data).
CONFIG_MAX_BYTES = 2 * 1024 * 1024


def find_config(start: Path) -> Path | None:
    """The nearest .kgen.yaml in ``start`` or its parents up to the git work tree's top folder
    (the nearest holding ``.git``), never above it; outside any work tree, up to ``/``.
    Relative to ``start`` when found in it, so messages name ``.kgen.yaml:3:5`` as the user sees it.

    Whatever is found by that name is the config: a FIFO, a folder or a broken link there is
    refused when it is loaded (exit 2), not passed over for one further up, and a symbolic
    link that leads out of the work tree is refused as well.
    """
    folder = start.resolve()
    top = work_tree(str(folder))
    for candidate_dir in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = candidate_dir / name
            if os.path.lexists(candidate):
                named = Path(name) if candidate_dir == folder and start == Path.cwd() else candidate
                if top is not None:
                    _inside_tree(candidate, Path(top), named)
                return named
        if top is not None and str(candidate_dir) == top:
            break
    return None


def _inside_tree(candidate: Path, top: Path, named: Path) -> None:
    if not candidate.is_symlink():
        return
    target = Path(os.path.realpath(candidate))
    if target != top and top not in target.parents:
        raise ConfigError(
            f"a symbolic link to a file outside the repository ({top}); a config found by name is read "
            "only inside the repository (name it with --config to use it)",
            Location(str(named)),
        )


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        raw = read_regular(path, CONFIG_MAX_BYTES)
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except TooBig as exc:
        limit = CONFIG_MAX_BYTES // (1024 * 1024)
        raise ConfigError(f"config file is larger than {limit} MiB ({exc.size} bytes); not read", Location(str(path))) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read config file: not UTF-8 (byte {exc.start})", Location(str(path))) from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file: {exc.strerror or exc}", Location(str(path))) from None
    document = single_document(text, str(path), "a config file")
    if document is None or document.data is None:
        return Config(source=str(path), text=text)
    if not isinstance(document.data, Mapping):
        raise refuse(document, Problem((), "a config file is a mapping of settings (rules, exclude, policies, ...)"))
    data = _settings(document)
    problem = schema_problem("config.schema.json", data)
    if problem is not None:
        raise refuse(document, problem)
    base = path.parent
    rules: dict[str, RuleConfig] = {}
    locations: dict[str, Location] = {}
    for rule_id, setting in (data.get("rules") or {}).items():
        locations[rule_id] = document.location(("rules", rule_id))
        rules[rule_id] = _rule_config(setting)
    version = data.get("kubernetesVersion")
    version_location = document.location(("kubernetesVersion",)) if version is not None else None
    if version is not None:
        try:
            resolve_version(str(version), flag="")
        except KgenError as exc:
            raise ConfigError(exc.message, version_location, "kubernetesVersion") from None
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
                replicas_path=parse_field_path(w["replicasPath"]) if w.get("replicasPath") else None,
                selector_path=parse_field_path(w["selectorPath"]) if w.get("selectorPath") else None,
                run_to_completion=bool(w.get("runToCompletion", False)),
            )
            for w in data.get("workloads", ())
        ),
        fail_on=data.get("failOn"),
        kubernetes_version=version,
        strict=data.get("strict"),
        pod_security=data.get("podSecurity"),
        complete=bool(data.get("complete", False)),
        crds=tuple(base / p for p in data.get("crds", ())),
        images=_images(data.get("images") or {}, base, document),
        diff_ignore=tuple((data.get("diff") or {}).get("ignore", ())),
        diff_ignore_locations=tuple(
            document.location(("diff", "ignore", index)) for index in range(len((data.get("diff") or {}).get("ignore", ())))
        ),
        diff_presets=tuple((data.get("diff") or {}).get("presets", ())),
        exemptions=read_exemptions(data.get("exemptions"), document, str(path)),
        inline_suppressions=bool(data.get("inlineSuppressions", True)),
        rule_locations=locations,
        kubernetes_version_location=version_location,
        text=text,
    )


def _images(images: Mapping[str, str], base: Path, document: Document) -> dict[str, str]:
    """``images:``: each Dockerfile path relative to the config, which must name a file."""
    found: dict[str, str] = {}
    for repository, written in images.items():
        path = base / written
        what = not_a_file(path)
        if what is not None:
            reason = f"is {what}, not a Dockerfile" if what.startswith("a ") and "symbolic link" not in what else what
            message = f"{written}: {reason} (the path is relative to {document.source})"
            raise ConfigError(message, document.location(("images", repository)), f"images.{repository}")
        found[repository] = str(path)
    return found


def _settings(document: Document) -> dict[str, Any]:
    """The config's data: empty settings (``exclude:``) left out, text fields as written."""
    data = {key: value for key, value in document.data.items() if value is not None}
    rules = data.get("rules")
    if isinstance(rules, Mapping):
        data["rules"] = {
            rule: {k: v for k, v in setting.items() if v is not None} if isinstance(setting, Mapping) else setting
            for rule, setting in rules.items()
            if setting is not None
        }
    exemptions = data.get("exemptions")
    if isinstance(exemptions, list):  # an empty field of an exemption is absent, as elsewhere
        data["exemptions"] = [
            {k: v for k, v in item.items() if v is not None} if isinstance(item, Mapping) else item for item in exemptions
        ]
    written: dict[str, Any] = as_written(data, _TEXT_SCHEMA, document.source_text)
    return written


def settle_rules(config: Config, policies: Iterable[Policy]) -> Config:
    """Check the config's rule settings against the policies: every rule id
    known, every parameter declared and of its declared type (text parameters
    taken as written). Problems are the user's: ConfigError at their line."""
    if not config.rules:
        return config
    by_id = {policy.id: policy for policy in policies}
    document = _reread(config)
    settled: dict[str, RuleConfig] = {}
    for rule_id, setting in config.rules.items():
        policy = by_id.get(rule_id)
        if policy is None:
            hint = did_you_mean(rule_id, by_id) or " (see `kgen rules`)"
            raise ConfigError(f"unknown rule '{rule_id}'{hint}", config.rule_locations.get(rule_id), f"rules.{rule_id}")
        prefix: FieldPath = ("rules", rule_id, "params")
        params = {name: value for name, value in setting.params.items() if value is not None}
        if document is not None:
            params = {
                name: as_written(value, policy.param_specs[name].schema, document.source_text, prefix + (name,))
                if name in policy.param_specs
                else value
                for name, value in params.items()
            }
        for problem in param_problems(policy, params)[:1]:
            path = prefix + problem.path
            location = document.location(path) if document is not None else config.rule_locations.get(rule_id)
            raise ConfigError(problem.message, location, format_field_path(path))
        settled[rule_id] = replace(setting, params=params)
    return replace(config, rules=settled)


def _reread(config: Config) -> Document | None:
    if config.source is None or not config.text:
        return None
    return single_document(config.text, config.source, "a config file")


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
