"""Check results built by hand for the reporter tests (the factory).

``make_result()`` (the ``sample`` fixture) covers four files (one of them ``<stdin>``, one that did not parse,
one whose name needs escaping), every severity, a container, a suppressed
finding and messages with commas, colons, newlines, ``<``, ``&`` and unicode.
"""

from __future__ import annotations

from kgen.check.result import SEVERITIES, CheckedObject, CheckResult, Finding, ObjectRef, RuleInfo, Summary

STDIN = "<stdin>"
BROKEN = "broken.yaml"
APP = "k8s/app.yaml"
ODD = "k8s/dir with space/wéird,name:1.yaml"

API = ObjectRef("apps/v1", "Deployment", "default", "api")
WEB = ObjectRef("apps/v1", "Deployment", "shop", "web")
WEB_SERVICE = ObjectRef("v1", "Service", "shop", "web")
READER = ObjectRef("rbac.authorization.k8s.io/v1", "ClusterRole", "", "reader")

WORKLOAD_RULES = ("image-tag-mutable", "memory-limits-missing", "privileged-container", "replicas-single")

RULES = {
    rule.id: rule
    for rule in (
        RuleInfo(
            "memory-limits-missing",
            "warning",
            "Memory limit missing",
            "Every container should set resources.limits.memory.",
            "Without a limit one container can take the node's memory.",
            "Set resources.limits.memory on every container.",
        ),
        RuleInfo(
            "privileged-container",
            "error",
            "Privileged container",
            "Containers must not run privileged.",
            "A privileged container is root on the node.",
            "Set securityContext.privileged to false.",
            "https://example.com/rules/privileged-container",
        ),
        RuleInfo("replicas-single", "info", "Single replica", "A workload runs one replica."),
        RuleInfo("yaml-invalid", "error", "Invalid YAML", "The file is not valid YAML.", "", "Fix the YAML syntax."),
        RuleInfo("image-tag-mutable", "warning", "Mutable image tag"),
        RuleInfo("rbac-wildcard", "warning", "RBAC wildcard", "A role grants a wildcard.", "Least privilege.", "List verbs."),
    )
}

FINDINGS = (
    Finding(
        "memory-limits-missing",
        "warning",
        'Container "api" has no memory limit',
        STDIN,
        12,
        11,
        API,
        "api",
        "spec.template.spec.containers[0].resources",
        "Set resources.limits.memory on every container.",
    ),
    Finding(
        "yaml-invalid",
        "error",
        "not valid YAML: mapping values are not allowed here\n  in line 3, column 5",
        BROKEN,
        3,
        5,
        remediation="Fix the YAML syntax.",
    ),
    Finding(
        "replicas-single",
        "info",
        "replicas is 1; at least 2 keeps a replica during a node drain",
        APP,
        8,
        3,
        WEB,
        path="spec.replicas",
    ),
    Finding(
        "privileged-container",
        "error",
        'Container "web" runs privileged: <true> & root',
        APP,
        20,
        13,
        WEB,
        "web",
        "spec.template.spec.containers[0].securityContext.privileged",
        "Set securityContext.privileged to false.",
    ),
    Finding(
        "memory-limits-missing",
        "warning",
        'Container "sidecar" has no memory limit',
        APP,
        22,
        11,
        WEB,
        "sidecar",
        "spec.template.spec.containers[1].resources",
        "Set resources.limits.memory on every container.",
        suppressed=True,
    ),
    Finding(
        "rbac-wildcard",
        "warning",
        "rules[0] grants verbs: *, on resources: secrets, configmaps — ünïcode ✓",
        ODD,
        4,
        3,
        READER,
        path="rules[0].verbs",
        remediation="List verbs.",
    ),
)

OBJECTS = (
    CheckedObject(API, STDIN, 1, 1, WORKLOAD_RULES),
    CheckedObject(WEB, APP, 1, 1, WORKLOAD_RULES),
    CheckedObject(WEB_SERVICE, APP, 30, 1, ()),
    CheckedObject(READER, ODD, 1, 1, ("rbac-wildcard",)),
)


def make_result(
    findings: tuple[Finding, ...] = FINDINGS,
    objects: tuple[CheckedObject, ...] = OBJECTS,
    fail_on: str = "warning",
    files: int = 5,
) -> CheckResult:
    """A result whose summary agrees with its findings, as the engine's does."""
    ordered = tuple(sorted(findings, key=Finding.sort_key))
    counts = {s: sum(1 for f in ordered if f.severity == s and not f.suppressed) for s in SEVERITIES}
    summary = Summary(
        files=files,
        documents=8,
        objects=len(objects),
        skipped_not_kubernetes=2,
        skipped_unknown_kind=1,
        suppressed=sum(1 for f in ordered if f.suppressed),
        by_severity=counts,
    )
    return CheckResult(ordered, summary, RULES, objects, fail_on, "1.31")
