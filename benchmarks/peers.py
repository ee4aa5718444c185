"""Agreement of kgen check with peer linters, on the peers' own test fixtures.

    python benchmarks/peers.py --kube-linter DIR --polaris DIR --kube-score DIR --checkov DIR
    python benchmarks/peers.py --polaris ~/src/polaris --json peers.json

Each DIR is a local checkout of the peer (any subset may be given; for Checkov,
only tests/kubernetes is read). The script reads each peer's test layout to
learn, for every fixture, what the peer's own tests expect of one of its
checks; it never imports or runs peer code and needs no network:

- kube-linter: e2etests/bats-tests.sh names, per check, a fixture under
  tests/checks/ and the reports expected in order ("Kind: message", count).
  Reports follow the objects' order in the file, so each expected report is
  matched to the next object of its kind that the message fits (container
  name, names in the message); objects named dont-fire never fire. When
  every report names a container, each container is a case.
- Polaris: test/checks/<check>/{success,failure}*.yaml; a failure file has at
  least one danger for the check, a success file none (mutated* files are
  the expected output of fixes, not cases).
- kube-score: score/*_test.go calls testExpectedScore(WithConfig) with a
  testdata file, a check name and a grade; any grade below AllOK is "fires".
  Calls whose run configuration this script does not model are skipped.
- Checkov: tests/kubernetes/checks/test_<Check>.py names the check and its
  example_<Dir>/; a file named *FAILED* fails, *PASSED* passes (Checkov
  judges each object; 1FAILED1PASSED counts containers of one object, which
  then fails). UNKNOWN and unlabelled files are not cases; the test's totals
  of passed and failed objects are compared with kgen's over the folder.

Peer checks are paired with the kgen rules that mean the same (MAPPINGS, a
reason each). kgen runs once per fixture (and per rule parameters the pair
needs), with no project config but one that declares OpenShift's
DeploymentConfig as a workload (the peers all know it). A case agrees when
kgen's findings of the paired rules on the objects the peer check covers say
the same as the peer's expectation. The report gives agreement per pair and
overall, and every disagreement with kgen's findings.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

WORKLOAD_KINDS = frozenset(
    {
        "Pod",
        "PodTemplate",
        "Deployment",
        "DeploymentConfig",
        "DaemonSet",
        "StatefulSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
        "CronJob",
    }
)
LONG_RUNNING_KINDS = WORKLOAD_KINDS - {"Job", "CronJob"}
RESOURCE_RULES = ("cpu-requests-missing", "cpu-limits-missing", "memory-requests-missing", "memory-limits-missing")
# any group: Checkov's fixtures use OpenShift 3's legacy v1, kube-linter's apps.openshift.io/v1
OPENSHIFT_WORKLOAD = {"kind": "DeploymentConfig", "podSpecPath": "spec.template.spec"}


@dataclass(frozen=True)
class Mapping:
    peer: str
    check: str
    rules: tuple[str, ...]  # kgen rules; the pair fires when any of them does
    reason: str  # why they mean the same rule (and how they differ, if they do)
    kinds: frozenset[str] | None = None  # objects the peer check covers (None: all)
    same: bool = True  # False: same intent, knowingly different threshold or scope
    params: tuple[tuple[str, str, Any], ...] = ()  # (rule, param, value) to match the peer's setting
    implied_by: tuple[str, ...] = ()  # kgen rules whose finding stands for this one (kgen reports it instead)
    #: The peer reports a binding; kgen reports the bound role's rule and names the binding in the message,
    #: so a kgen finding that names a binding of the case stands for the binding's report.
    via_binding: bool = False
    kubernetes_version: str | None = None  # judge kgen at this version (the peer follows an older API server)


def _m(peer: str, check: str, rules: str | tuple[str, ...], reason: str, **kw: Any) -> Mapping:
    return Mapping(peer, check, (rules,) if isinstance(rules, str) else rules, reason, **kw)


W, LR = WORKLOAD_KINDS, LONG_RUNNING_KINDS
PDB, HPA = frozenset({"PodDisruptionBudget"}), frozenset({"HorizontalPodAutoscaler"})
MAPPINGS: tuple[Mapping, ...] = (
    # kube-linter (pkg/builtinchecks/yamls/<check>.yaml)
    _m("kube-linter", "latest-tag", "image-tag-mutable", "both flag :latest and untagged images", kinds=W),
    _m("kube-linter", "no-liveness-probe", "liveness-probe-missing", "both flag a container without livenessProbe", kinds=W),
    _m("kube-linter", "no-readiness-probe", "readiness-probe-missing", "both flag a container without readinessProbe", kinds=W),
    _m("kube-linter", "privileged-container", "privileged-container", "both flag securityContext.privileged true", kinds=W),
    _m("kube-linter", "privilege-escalation-container", "privilege-escalation",
       "both flag privilege escalation; kube-linter only when explicitly true (or privileged/SYS_ADMIN), kgen unless false",
       kinds=W, same=False, implied_by=("privileged-container",)),
    _m("kube-linter", "no-read-only-root-fs", "writable-root-filesystem", "both require readOnlyRootFilesystem true", kinds=W),
    _m("kube-linter", "run-as-non-root", "run-as-root",
       "both require runAsNonRoot or a non-zero runAsUser; kube-linter also flags runAsGroup 0", kinds=W),
    _m("kube-linter", "unset-cpu-requirements", "cpu-requests-missing", "kube-linter's template with requirementsType request: a CPU request unset or 0", kinds=W),
    _m("kube-linter", "unset-memory-requirements", "memory-limits-missing", "kube-linter's template with requirementsType limit: a memory limit unset or 0", kinds=W),
    _m("kube-linter", "liveness-port", "probe-port-unknown", "both flag a probe port the container does not declare", kinds=W),
    _m("kube-linter", "readiness-port", "probe-port-unknown", "both flag a probe port the container does not declare", kinds=W),
    _m("kube-linter", "startup-port", "probe-port-unknown", "both flag a probe port the container does not declare", kinds=W),
    _m("kube-linter", "dangling-hpa", "hpa-target-missing", "both flag an HPA whose scaleTargetRef matches no checked object", kinds=HPA),
    _m("kube-linter", "hpa-minimum-three-replicas", "hpa-min-replicas-low", "both flag HPA minReplicas below a minimum (kube-linter's 3)",
       kinds=HPA, params=(("hpa-min-replicas-low", "min", 3),)),
    _m("kube-linter", "pdb-max-unavailable", "pdb-blocks-eviction", "both flag a PDB with maxUnavailable 0", kinds=PDB),
    _m("kube-linter", "pdb-min-available", "pdb-blocks-eviction", "both flag a PDB whose minAvailable is at least the replicas it selects", kinds=PDB),
    _m("kube-linter", "no-extensions-v1beta", "api-deprecated", "both flag extensions/v1beta* objects; kgen only for the kinds that API served"),
    _m("kube-linter", "schema-validation", "schema-invalid", "both validate objects against the Kubernetes API schema (kubeconform)"),
    _m("kube-linter", "drop-net-raw-capability", "capabilities-not-dropped",
       "kube-linter requires NET_RAW dropped, kgen ALL dropped (drop: [NET_RAW] passes one and fails the other)", kinds=W, same=False, implied_by=("privileged-container",)),
    # Polaris (pkg/config/checks/<check>.yaml)
    _m("polaris", "cpuRequestsMissing", "cpu-requests-missing", "both require resources.requests.cpu"),
    _m("polaris", "cpuLimitsMissing", "cpu-limits-missing", "both require resources.limits.cpu"),
    _m("polaris", "memoryRequestsMissing", "memory-requests-missing", "both require resources.requests.memory"),
    _m("polaris", "memoryLimitsMissing", "memory-limits-missing", "both require resources.limits.memory"),
    _m("polaris", "livenessProbeMissing", "liveness-probe-missing", "both require a livenessProbe on long-running containers"),
    _m("polaris", "readinessProbeMissing", "readiness-probe-missing", "both require a readinessProbe on long-running containers"),
    _m("polaris", "tagNotSpecified", "image-tag-mutable", "both flag :latest and untagged images"),
    _m("polaris", "deploymentMissingReplicas", "replicas-single", "both flag a Deployment with fewer than 2 replicas", kinds=frozenset({"Deployment"})),
    _m("polaris", "missingPodDisruptionBudget", "pdb-missing", "both flag a Deployment no PDB selects; kgen only when it runs more than one replica",
       kinds=frozenset({"Deployment"})),
    _m("polaris", "pdbDisruptionsIsZero", "pdb-blocks-eviction", "both flag maxUnavailable 0/0% and minAvailable 100%", kinds=PDB),
    _m("polaris", "pdbMinAvailableGreaterThanHPAMinReplicas", "pdb-blocks-eviction",
       "both flag a PDB minAvailable that the autoscaler's minReplicas cannot exceed; Polaris only when greater, kgen also when equal", same=False),
    _m("polaris", "hpaMinAvailability", "hpa-min-replicas-low", "both flag HPA minReplicas below 2", kinds=HPA),
    _m("polaris", "hpaMaxAvailability", "hpa-max-not-above-min", "both flag maxReplicas not above minReplicas", kinds=HPA),
    _m("polaris", "runAsPrivileged", "privileged-container", "both flag securityContext.privileged true"),
    _m("polaris", "privilegeEscalationAllowed", "privilege-escalation", "both require allowPrivilegeEscalation false", implied_by=("privileged-container",)),
    _m("polaris", "notReadOnlyRootFilesystem", "writable-root-filesystem", "both require readOnlyRootFilesystem true"),
    _m("polaris", "runAsRootAllowed", "run-as-root", "both require runAsNonRoot true or runAsUser above 0, pod level inherited"),
    _m("polaris", "insecureCapabilities", "capabilities-not-dropped",
       "both want capabilities dropped; Polaris also accepts a drop list of 15 named capabilities, kgen only ALL", same=False, implied_by=("privileged-container",)),
    # kube-score (score/<area>/*.go)
    _m("kube-score", "Container Image Tag", "image-tag-mutable", "both flag :latest and untagged images", kinds=W),
    _m("kube-score", "Container Resources", RESOURCE_RULES, "kube-score's one check covers cpu/memory requests and limits", kinds=W),
    _m("kube-score", "Deployment has PodDisruptionBudget", "pdb-missing", "both flag a replicated Deployment no PDB selects", kinds=frozenset({"Deployment"})),
    _m("kube-score", "StatefulSet has PodDisruptionBudget", "pdb-missing", "both flag a replicated StatefulSet no PDB selects", kinds=frozenset({"StatefulSet"})),
    _m("kube-score", "HorizontalPodAutoscaler has target", "hpa-target-missing", "both flag an HPA whose target is not among the objects", kinds=HPA),
    _m("kube-score", "HorizontalPodAutoscaler Replicas", "hpa-min-replicas-low", "both flag HPA minReplicas below the configured minimum", kinds=HPA),
    _m("kube-score", "Deployment targeted by HPA does not have replicas configured", "hpa-replicas-conflict",
       "both flag spec.replicas on an autoscaled workload", kinds=frozenset({"Deployment", "StatefulSet"})),
    _m("kube-score", "Deployment Replicas", "replicas-single", "both flag a Deployment below 2 replicas (kube-score only when a Service targets it)",
       kinds=frozenset({"Deployment"})),
    _m("kube-score", "Pod Probes Identical", "liveness-equals-readiness", "both flag identical liveness and readiness probes", kinds=W),
    _m("kube-score", "Stable version", "api-deprecated", "both flag an apiVersion with a stable replacement in the target version"),
    _m("kube-score", "Container Security Context Privileged", "privileged-container", "both flag securityContext.privileged true", kinds=W),
    _m("kube-score", "Container Security Context ReadOnlyRootFilesystem", "writable-root-filesystem", "both require readOnlyRootFilesystem true", kinds=W),
    # Checkov (checkov/kubernetes/checks/resource/k8s/<Check>.py)
    _m("checkov", "AllowPrivilegeEscalation", "privilege-escalation", "CKV_K8S_20: both require allowPrivilegeEscalation false", kinds=W, implied_by=("privileged-container",)),
    _m("checkov", "PrivilegedContainers", "privileged-container", "CKV_K8S_16: both flag securityContext.privileged true", kinds=W),
    _m("checkov", "ReadOnlyFilesystem", "writable-root-filesystem", "CKV_K8S_22: both require readOnlyRootFilesystem true", kinds=W),
    _m("checkov", "CPULimits", "cpu-limits-missing", "CKV_K8S_11: both require resources.limits.cpu", kinds=W),
    _m("checkov", "CPURequests", "cpu-requests-missing", "CKV_K8S_10: both require resources.requests.cpu", kinds=W),
    _m("checkov", "MemoryLimits", "memory-limits-missing", "CKV_K8S_13: both require resources.limits.memory", kinds=W),
    _m("checkov", "MemoryRequests", "memory-requests-missing", "CKV_K8S_12: both require resources.requests.memory", kinds=W),
    _m("checkov", "LivenessProbe", "liveness-probe-missing", "CKV_K8S_8: both require a livenessProbe, not for Jobs/CronJobs", kinds=LR),
    _m("checkov", "ReadinessProbe", "readiness-probe-missing", "CKV_K8S_9: both require a readinessProbe, not for Jobs/CronJobs", kinds=LR),
    _m("checkov", "ImageTagFixed", "image-tag-mutable", "CKV_K8S_14: both flag :latest and untagged images; a digest passes", kinds=W),
    _m("checkov", "RootContainers", "run-as-root", "CKV_K8S_23: both require runAsNonRoot or runAsUser above 0, container overriding pod", kinds=W),
    _m("checkov", "MinimizeCapabilities", "capabilities-not-dropped", "CKV_K8S_37: both require capabilities.drop to contain ALL", kinds=W, implied_by=("privileged-container",)),
    # Pod Security Standards (kgen follows admission's controls; where a peer's check is narrower, same=False)
    _m("kube-linter", "host-network", "host-namespaces", "both flag hostNetwork: true", kinds=W),
    _m("kube-linter", "host-pid", "host-namespaces", "both flag hostPID: true", kinds=W),
    _m("kube-linter", "host-ipc", "host-namespaces", "both flag hostIPC: true", kinds=W),
    _m("kube-linter", "docker-sock", "host-path-volume",
       "both flag a hostPath of the Docker socket; kgen reports every hostPath (the baseline control), the socket at error",
       kinds=W, same=False),
    _m("kube-linter", "sensitive-host-mounts", "host-path-volume",
       "both flag hostPath mounts of the node's system folders; kgen reports every hostPath, once per volume", kinds=W, same=False),
    _m("kube-linter", "unsafe-proc-mount", "proc-mount-unmasked", "both flag procMount Unmasked", kinds=W),
    _m("kube-linter", "unsafe-sysctls", "unsafe-sysctls",
       "both flag unsafe sysctls; kube-linter a list of known-unsafe prefixes, kgen anything outside admission's safe set",
       kinds=W, same=False),
    _m("polaris", "hostNetworkSet", "host-namespaces", "both flag hostNetwork: true"),
    _m("polaris", "hostPIDSet", "host-namespaces", "both flag hostPID: true"),
    _m("polaris", "hostIPCSet", "host-namespaces", "both flag hostIPC: true"),
    _m("polaris", "hostPortSet", "host-port", "both flag a container hostPort; 0 is no host port for both"),
    _m("polaris", "hostPathSet", "host-path-volume", "both flag any hostPath volume"),
    _m("polaris", "procMount", "proc-mount-unmasked", "both flag a procMount other than Default"),
    _m("polaris", "hostProcess", "host-process", "both flag windowsOptions.hostProcess: true"),
    _m("polaris", "dangerousCapabilities", "capabilities-added",
       "both flag ALL, SYS_ADMIN and NET_ADMIN added; kgen any capability outside admission's sets", same=False),
    _m("checkov", "ShareHostPID", "host-namespaces", "CKV_K8S_17: both flag hostPID: true", kinds=W),
    _m("checkov", "ShareHostIPC", "host-namespaces", "CKV_K8S_18: both flag hostIPC: true", kinds=W),
    _m("checkov", "SharedHostNetworkNamespace", "host-namespaces", "CKV_K8S_19: both flag hostNetwork: true", kinds=W),
    _m("checkov", "HostPort", "host-port", "CKV_K8S_26: both flag a container hostPort", kinds=W),
    _m("checkov", "DockerSocketVolume", "host-path-volume",
       "CKV_K8S_27: both flag a hostPath of the Docker socket; kgen every hostPath", kinds=W, same=False),
    _m("checkov", "AllowedCapabilitiesSysAdmin", "capabilities-added", "CKV_K8S_39: both flag SYS_ADMIN added", kinds=W),
    _m("checkov", "AllowedCapabilities", "capabilities-added",
       "CKV_K8S_25: Checkov flags any added capability, kgen those outside admission's sets (NET_BIND_SERVICE passes)",
       kinds=W, same=False),
    _m("checkov", "Seccomp", "seccomp-profile",
       "CKV_K8S_31: both want RuntimeDefault or Localhost; Checkov also reads the old annotations, which admission ignores from 1.19",
       kinds=W, same=False),
    # Pod Security Standards (kgen follows admission's controls; where a peer's check is narrower, same=False)
    _m("kube-linter", "host-network", "host-namespaces", "both flag hostNetwork: true", kinds=W),
    _m("kube-linter", "host-pid", "host-namespaces", "both flag hostPID: true", kinds=W),
    _m("kube-linter", "host-ipc", "host-namespaces", "both flag hostIPC: true", kinds=W),
    _m("kube-linter", "docker-sock", "host-path-volume",
       "both flag a hostPath of the Docker socket; kgen reports every hostPath (the baseline control), the socket at error",
       kinds=W, same=False),
    _m("kube-linter", "sensitive-host-mounts", "host-path-volume",
       "both flag hostPath mounts of the node's system folders; kgen reports every hostPath, once per volume", kinds=W, same=False),
    _m("kube-linter", "unsafe-proc-mount", "proc-mount-unmasked", "both flag procMount Unmasked", kinds=W),
    _m("kube-linter", "unsafe-sysctls", "unsafe-sysctls",
       "both flag unsafe sysctls; kube-linter a list of known-unsafe prefixes, kgen anything outside admission's safe set",
       kinds=W, same=False),
    _m("polaris", "hostNetworkSet", "host-namespaces", "both flag hostNetwork: true"),
    _m("polaris", "hostPIDSet", "host-namespaces", "both flag hostPID: true"),
    _m("polaris", "hostIPCSet", "host-namespaces", "both flag hostIPC: true"),
    _m("polaris", "hostPortSet", "host-port", "both flag a container hostPort; 0 is no host port for both"),
    _m("polaris", "hostPathSet", "host-path-volume", "both flag any hostPath volume"),
    _m("polaris", "procMount", "proc-mount-unmasked", "both flag a procMount other than Default"),
    _m("polaris", "hostProcess", "host-process", "both flag windowsOptions.hostProcess: true"),
    _m("polaris", "dangerousCapabilities", "capabilities-added",
       "both flag ALL, SYS_ADMIN and NET_ADMIN added; kgen any capability outside admission's sets", same=False),
    _m("checkov", "ShareHostPID", "host-namespaces", "CKV_K8S_17: both flag hostPID: true", kinds=W),
    _m("checkov", "ShareHostIPC", "host-namespaces", "CKV_K8S_18: both flag hostIPC: true", kinds=W),
    _m("checkov", "SharedHostNetworkNamespace", "host-namespaces", "CKV_K8S_19: both flag hostNetwork: true", kinds=W),
    _m("checkov", "HostPort", "host-port", "CKV_K8S_26: both flag a container hostPort", kinds=W),
    _m("checkov", "DockerSocketVolume", "host-path-volume",
       "CKV_K8S_27: both flag a hostPath of the Docker socket; kgen every hostPath", kinds=W, same=False),
    _m("checkov", "AllowedCapabilitiesSysAdmin", "capabilities-added", "CKV_K8S_39: both flag SYS_ADMIN added", kinds=W),
    _m("checkov", "AllowedCapabilities", "capabilities-added",
       "CKV_K8S_25: Checkov flags any added capability, kgen those outside admission's sets (NET_BIND_SERVICE passes)",
       kinds=W, same=False),
    _m("checkov", "Seccomp", "seccomp-profile",
       "CKV_K8S_31: both want RuntimeDefault or Localhost; Checkov also reads the old annotations, which admission ignores from 1.19",
       kinds=W, same=False),
    # workload availability and hygiene
    _m("kube-linter", "job-ttl-seconds-after-finished", "job-ttl-missing",
       "both flag a standalone Job without ttlSecondsAfterFinished; kube-linter also flags a CronJob's jobTemplate that sets it, kgen does not",
       kinds=frozenset({"Job", "CronJob"}), same=False),
    _m("kube-linter", "no-anti-affinity", "spread-missing",
       "both flag replicas with no host anti-affinity selecting their own pods; kgen also accepts a topology spread constraint or a zone key",
       kinds=frozenset({"Deployment", "DeploymentConfig"}), same=False),
    _m("kube-linter", "no-rolling-update-strategy", "rolling-update-unsafe",
       "both flag a Deployment that does not roll; kube-linter any strategy type but RollingUpdate, kgen Recreate or an all-replica maxUnavailable on a Deployment a Service selects",
       kinds=frozenset({"Deployment", "DeploymentConfig"}), same=False),
    _m("kube-linter", "pdb-unhealthy-pod-eviction-policy", "pdb-unhealthy-eviction-policy",
       "both flag a PDB without unhealthyPodEvictionPolicy; an explicit IfHealthyBudget passes both", kinds=PDB),
    _m("kube-linter", "exposed-services", "service-exposed", "both flag NodePort and LoadBalancer Services", kinds=frozenset({"Service"})),
    _m("kube-linter", "use-namespace", "default-namespace", "both flag an object with no namespace or the default one; kube-linter only workloads and Services",
       kinds=frozenset({"Deployment", "Service"})),
    _m("polaris", "topologySpreadConstraint", "spread-missing",
       "both want replicas spread; Polaris asks every pod template for a topologySpreadConstraints entry, kgen only replicated workloads and accepts a host anti-affinity",
       same=False),
    _m("kube-score", "CronJob has deadline", "cronjob-deadline-missing", "both flag a CronJob without startingDeadlineSeconds", kinds=frozenset({"CronJob"})),
    _m("kube-score", "Deployment Strategy", "rolling-update-unsafe", "both flag Recreate on a Deployment a Service targets", kinds=frozenset({"Deployment"})),
    _m("kube-score", "Deployment has host PodAntiAffinity", "spread-missing",
       "both flag replicas with no host anti-affinity selecting their own pods; kgen also accepts a topology spread constraint or a zone key",
       kinds=frozenset({"Deployment"})),
    _m("kube-score", "StatefulSet has host PodAntiAffinity", "spread-missing",
       "both flag replicas with no host anti-affinity selecting their own pods; kgen also accepts a topology spread constraint or a zone key, "
       "and takes an unset replicas as the API server's 1 (kube-score reports it)",
       kinds=frozenset({"StatefulSet"}), same=False),
    _m("kube-score", "Container Ephemeral Storage Request and Limit", "ephemeral-storage-unbounded",
       "both want an ephemeral-storage limit; kube-score also a request, kgen also an emptyDir sizeLimit", kinds=W, same=False),
    _m("kube-score", "Service Type", "service-exposed", "both flag a NodePort Service; kgen also LoadBalancer", kinds=frozenset({"Service"})),
    _m("checkov", "DefaultNamespace", "default-namespace",
       "CKV_K8S_21: both flag a namespaced object with no namespace or the default one, not the default ServiceAccount or the Service kubernetes"),
)
#: Off-by-default kgen rules that a pair needs: the benchmark's config switches them on.
SWITCHED_ON = ("service-exposed", "default-namespace", "ephemeral-storage-unbounded")
BINDINGS, ROLES = frozenset({"RoleBinding", "ClusterRoleBinding"}), frozenset({"Role", "ClusterRole"})
MAPPINGS += (
    # access control (RBAC): kgen reports the role's rule and names the bindings that grant it
    _m("kube-linter", "wildcard-in-rules", "rbac-wildcard", 'both flag "*" in a Role or ClusterRole rule', kinds=ROLES),
    _m("kube-linter", "cluster-admin-role-binding", "rbac-cluster-admin", "both flag a ClusterRoleBinding to cluster-admin", kinds=BINDINGS),
    _m("kube-linter", "access-to-secrets", "rbac-secrets-read",
       "both flag a binding to a role that reads secrets; kgen reports the role's rule, naming the binding, and not create or delete",
       kinds=BINDINGS, via_binding=True, same=False),
    _m("kube-linter", "access-to-create-pods", "rbac-escalation",
       "both flag a binding to a role that creates pods or workloads; kgen reports the role's rule, naming the binding",
       kinds=BINDINGS, via_binding=True),
    _m("polaris", "clusterrolePodExecAttach", "rbac-pod-exec",
       "both flag exec or attach in a ClusterRole; Polaris counts get, which grants exec only before Kubernetes 1.35 (judged at 1.34), "
       "and exempts the names admin, edit and cluster-admin", kubernetes_version="1.34", same=False),
    _m("polaris", "rolePodExecAttach", "rbac-pod-exec", "both flag exec or attach in a Role (judged at 1.34, where get suffices)",
       kubernetes_version="1.34"),
    _m("checkov", "WildcardRoles", "rbac-wildcard", 'CKV_K8S_49: both flag "*" in a rule (Checkov reads only the first rule)', kinds=ROLES),
    _m("checkov", "RbacEscalateRoles", "rbac-escalation",
       "CKV_K8S_158: both flag escalate on roles or clusterroles; kgen also bind, impersonate, token and workload creation", kinds=ROLES, same=False),
    _m("checkov", "RbacBindRoleBindings", "rbac-escalation",
       "CKV_K8S_157 flags bind on rolebindings; the API server checks bind on roles and clusterroles, which kgen flags", kinds=ROLES, same=False),
    # workload checks: env, images, service accounts, ports
    _m("kube-linter", "env-var-secret", "env-secret-literal",
       "both flag a literal env value under a secret-looking name; kube-linter any name containing secret, kgen the name's words",
       kinds=W, same=False),
    _m("kube-linter", "duplicate-env-var", "env-duplicate", "both flag an env name set twice in one container", kinds=W),
    _m("kube-linter", "default-service-account", "default-service-account",
       "both flag pods running as the default service account; kgen only while its token is mounted", kinds=W, same=False),
    _m("kube-linter", "deprecated-service-account-field", "deprecated-service-account-field",
       "both flag spec.serviceAccount set", kinds=W),
    _m("kube-linter", "ssh-port", "ssh-port", "both flag a TCP containerPort 22", kinds=W),
    _m("kube-linter", "privileged-ports", "privileged-port",
       "kube-linter flags every containerPort below 1024, kgen only where a non-root container without NET_BIND_SERVICE may fail to bind it",
       kinds=W, same=False),
    _m("polaris", "automountServiceAccountToken", "service-account-token-mounted",
       "both judge the token mount by the pod's field over the ServiceAccount's"),
    _m("polaris", "sensitiveContainerEnvVar", "env-secret-literal",
       "both flag literal env values under secret-looking names or holding a private key; Polaris any name containing password, token, bearer or secret",
       same=False),
    _m("polaris", "sensitiveConfigmapContent", "env-secret-literal",
       "both flag ConfigMap keys named like secrets and private-key values", kinds=frozenset({"ConfigMap"}), same=False),
    _m("polaris", "pullPolicyNotAlways", "image-pull-policy",
       "Polaris wants Always on every image, kgen only where the tag moves (Always on a pinned image costs a registry round trip for nothing)",
       same=False),
    _m("kube-score", "Container Image Pull Policy", "image-pull-policy",
       "kube-score wants Always on every image, kgen only where the tag moves", kinds=W, same=False),
    _m("kube-score", "Environment Variable Key Duplication", "env-duplicate", "both flag an env name set twice", kinds=W),
    _m("checkov", "ImagePullPolicyAlways", "image-pull-policy",
       "CKV_K8S_15: Checkov wants Always on tagged images without a digest, kgen only where the tag moves", kinds=W, same=False),
    _m("checkov", "ServiceAccountTokens", "service-account-token-mounted",
       "CKV_K8S_38: both flag a mounted token; Checkov ignores a ServiceAccount's false, kgen follows admission", kinds=W, same=False),
)
SERVICES, INGRESSES, NETPOLS = frozenset({"Service"}), frozenset({"Ingress"}), frozenset({"NetworkPolicy"})
MAPPINGS += (
    # references between objects: kgen judges a kind only once some object of it is checked (or complete: true)
    _m("kube-linter", "dangling-service", "service-selects-no-pods",
       "both flag a Service whose selector matches no checked pod template", kinds=SERVICES),
    _m("kube-linter", "dangling-ingress", ("ingress-backend-missing",),
       "both flag an Ingress backend whose Service or Service port is not among the checked objects", kinds=INGRESSES),
    _m("kube-linter", "dangling-networkpolicy", "networkpolicy-selects-no-pods",
       "both flag a NetworkPolicy whose podSelector matches no checked pod; kube-linter also with no workload checked at all, "
       "which kgen leaves to complete: true", kinds=NETPOLS, same=False),
    _m("kube-score", "Service Targets Pod", "service-selects-no-pods",
       "both flag a Service whose selector matches no pod of its namespace; kube-score also judges an ExternalName's selector",
       kinds=SERVICES, same=False),
    _m("kube-score", "Ingress targets Service", "ingress-backend-missing",
       "both flag an Ingress backend Service or port that is not among the checked Services", kinds=INGRESSES),
    _m("kube-score", "NetworkPolicy targets Pod", "networkpolicy-selects-no-pods",
       "both flag a NetworkPolicy whose podSelector matches no pod of its namespace; kgen needs a workload checked (or complete: true)",
       kinds=NETPOLS, same=False),
    _m("kube-score", "Pod NetworkPolicy", "pod-not-isolated",
       "both flag pods no NetworkPolicy selects for Ingress or Egress; kgen only in a namespace with a checked policy (or complete: true)",
       kinds=W, same=False),
    _m("polaris", "missingNetworkPolicy", "pod-not-isolated",
       "both flag a workload no NetworkPolicy selects; kgen only in a namespace with a checked policy (or complete: true), "
       "and Ingress and Egress apart", kinds=W, same=False),
)
MONITORS = frozenset({"ServiceMonitor"})
MAPPINGS += (
    # what a pod names (ConfigMaps, Secrets, keys, ServiceAccounts) and what a ServiceMonitor selects
    _m("kube-linter", "env-value-from", "reference-missing",
       "both flag env valueFrom naming a ConfigMap, Secret or key that is not among the checked objects; kgen also "
       "envFrom and volumes, and judges a kind only once some object of it is checked (or complete: true)", kinds=W),
    _m("kube-linter", "non-existent-service-account", "reference-missing",
       "both flag a serviceAccountName (or serviceAccount) naming no checked ServiceAccount; kgen only once some "
       "ServiceAccount is checked (or complete: true), and never default", kinds=W),
    _m("kube-linter", "dangling-servicemonitor", "servicemonitor-selects-nothing",
       "both flag a ServiceMonitor whose selector matches no checked Service; without a namespaceSelector kube-linter "
       "looks in every namespace, kgen (as prometheus-operator) in the monitor's own", kinds=MONITORS, same=False),
    _m("kube-score", "StatefulSet has ServiceName", "reference-missing",
       "both flag a StatefulSet whose serviceName names no headless Service selecting its pods; kgen only once some "
       "Service is checked (or complete: true)", kinds=frozenset({"StatefulSet"}), same=False),
)
MAPPING_BY_KEY = {(m.peer, m.check): m for m in MAPPINGS}


# --- fixtures and their documents -------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    index: int
    first_line: int  # 1-based, the line after its --- separator
    kind: str
    name: str
    text: str
    containers: tuple[str, ...]


_SEPARATOR = re.compile(r"^---(\s|$)")


def documents(path: Path) -> list[Doc]:
    """The file's documents with their first line, kind, name and container names (PyYAML, enough to place findings)."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    chunks: list[tuple[int, list[str]]] = [(1, [])]
    if path.suffix != ".json":
        for number, line in enumerate(lines, 1):
            if _SEPARATOR.match(line):
                chunks.append((number + 1, []))
            else:
                chunks[-1][1].append(line)
    else:
        chunks[0][1].extend(lines)
    docs: list[Doc] = []
    for first_line, body in chunks:
        text = "\n".join(body)
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            data = None
        if data is None and not text.strip():
            continue
        kind = str(data.get("kind", "")) if isinstance(data, dict) else ""
        meta = data.get("metadata") if isinstance(data, dict) else None
        name = str(meta.get("name", "")) if isinstance(meta, dict) else ""
        docs.append(Doc(len(docs), first_line, kind, name, text, tuple(_container_names(data))))
    return docs


def _container_names(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("containers", "initContainers", "ephemeralContainers") and isinstance(value, list):
                yield from (str(c["name"]) for c in value if isinstance(c, dict) and "name" in c)
            else:
                yield from _container_names(value)
    elif isinstance(node, list):
        for item in node:
            yield from _container_names(item)


def doc_of_line(docs: list[Doc], line: int) -> Doc | None:
    found = None
    for doc in docs:
        if doc.first_line <= line:
            found = doc
    return found


# --- what the peers expect ---------------------------------------------------------------------


@dataclass
class Case:
    peer: str
    check: str
    path: Path
    root: Path
    mode: str  # "file": fires anywhere in the objects the check covers; "doc": fires on document `doc`
    expected: int  # 1 fires, 0 passes
    doc: int | None = None
    container: str | None = None  # with mode "doc": only this container's findings count
    kubernetes_version: str | None = None
    params: tuple[tuple[str, str, Any], ...] = ()
    drop_rules: tuple[str, ...] = ()  # paired rules the peer's configuration switched off
    note: str = ""


@dataclass
class Skipped:
    peer: str
    check: str
    where: str
    reason: str


@dataclass
class Totals:
    """A peer test's expected counts of passing and failing objects over a folder of fixtures."""

    peer: str
    check: str
    folder: str
    passed: int
    failed: int
    files: list[Path]


@dataclass
class Collected:
    cases: list[Case] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    layout_notes: list[str] = field(default_factory=list)
    totals: list[Totals] = field(default_factory=list)


_BATS_TEST = re.compile(r'^@test "([^"]+)" \{\n(.*?)^\}', re.S | re.M)
_BATS_EXPECT = re.compile(r'\[\[ "\$\{message(\d+)\}" (==|=~) "((?:[^"\\]|\\.)*)" \]\]')
_BATS_COUNT = re.compile(r'\[\[ "\$\{count\}" == "(\d+)" \]\]')
_CONTAINER_IN_MESSAGE = re.compile(r'container \\?"([^"\\]+)\\?"')
_WORD = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def _mentions(doc: Doc, word: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w.-])", doc.text, re.I) is not None


def collect_kube_linter(root: Path, out: Collected) -> None:
    script = root / "e2etests" / "bats-tests.sh"
    if not script.is_file():
        out.layout_notes.append(f"kube-linter: {script} not found")
        return
    for match in _BATS_TEST.finditer(script.read_text(encoding="utf-8")):
        test, body = match.group(1), match.group(2)
        tmp = re.search(r'tmp="([^"]+)"', body)
        include = re.search(r"--include (\S+)", body)
        check = include.group(1) if include else test
        if (("kube-linter", check) not in MAPPING_BY_KEY) or tmp is None:
            continue
        mapping = MAPPING_BY_KEY["kube-linter", check]
        path = root / tmp.group(1)
        if not path.is_file():
            out.skipped.append(Skipped("kube-linter", check, tmp.group(1), "fixture not found"))
            continue
        expects = sorted((int(n), op, msg.replace('\\"', '"').replace("\\`", "`")) for n, op, msg in _BATS_EXPECT.findall(body))
        count_match = _BATS_COUNT.search(body)
        count = int(count_match.group(1)) if count_match else None
        docs = [d for d in documents(path) if mapping.kinds is None or d.kind in mapping.kinds]
        assigned: dict[int, list[str]] = defaultdict(list)
        used: set[tuple[int, str | None]] = set()  # an object reports once per container (or once, without one)
        pointer = 0
        failed = ""
        for _, _, message in expects:
            kind, _, text = message.partition(": ")
            found = _CONTAINER_IN_MESSAGE.search(text)
            container = found.group(1) if found else None
            candidates = [
                d
                for d in docs
                if d.index >= pointer
                and d.kind == kind
                and "dont-fire" not in d.name
                and (container is None or container in d.containers)
                and (d.index, container) not in used
            ]
            if not candidates:
                failed = f"no object fits expected report {message!r}"
                break
            words = set(_WORD.findall(text))
            distinct = {w for w in words if not all(_mentions(d, w) for d in candidates)}
            best = max(candidates, key=lambda d: (sum(_mentions(d, w) for w in distinct), -d.index))
            assigned[best.index].append(message)
            used.add((best.index, container))
            pointer = best.index
        if failed:
            out.skipped.append(Skipped("kube-linter", check, tmp.group(1), failed))
            continue
        complete = count is not None and count == len(expects)
        if expects and all(c is not None for _, c in used):
            # every report names a container: judge each container of each object
            for doc in docs:
                for name in dict.fromkeys(doc.containers):
                    if (doc.index, name) in used:
                        note = "; ".join(m for m in assigned[doc.index] if f'container "{name}"' in m)
                        out.cases.append(Case("kube-linter", check, path, root, "doc", 1, doc.index, params=mapping.params, container=name, note=note))
                    elif complete or "dont-fire" in doc.name:
                        out.cases.append(Case("kube-linter", check, path, root, "doc", 0, doc.index, params=mapping.params, container=name))
                    else:
                        out.skipped.append(Skipped("kube-linter", check, f"{tmp.group(1)} #{doc.index} {name}", "the test does not say whether this container fires"))
            continue
        for doc in docs:
            if doc.index in assigned:
                out.cases.append(Case("kube-linter", check, path, root, "doc", 1, doc.index, params=mapping.params,
                                      note="; ".join(assigned[doc.index])))
            elif complete or "dont-fire" in doc.name:
                out.cases.append(Case("kube-linter", check, path, root, "doc", 0, doc.index, params=mapping.params))
            else:
                out.skipped.append(Skipped("kube-linter", check, f"{tmp.group(1)} #{doc.index}", "the test does not say whether this object fires"))


def collect_polaris(root: Path, out: Collected) -> None:
    base = root / "test" / "checks"
    if not base.is_dir():
        out.layout_notes.append(f"polaris: {base} not found")
        return
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        if ("polaris", folder.name) not in MAPPING_BY_KEY:
            continue
        mapping = MAPPING_BY_KEY["polaris", folder.name]
        for path in sorted(folder.iterdir()):
            if path.name == "check.yaml" or "mutated" in path.name or path.suffix not in (".yaml", ".yml", ".json"):
                continue
            if path.name.startswith(("failure", "success")):
                out.cases.append(Case("polaris", folder.name, path, root, "file", int("failure" in path.name), params=mapping.params,
                                      kubernetes_version=mapping.kubernetes_version))


_GO_TEST = re.compile(r"^func (Test\w+)\(t \*testing\.T\) \{\n(.*?)^\}", re.S | re.M)
_GRADES = {"GradeCritical": 1, "GradeWarning": 5, "GradeAlmostOK": 7, "GradeAllOK": 10}
_KS_CALL = re.compile(r"\btestExpectedScore(WithConfig)?\(")
_KS_KNOWN_CONFIG = {"KubernetesVersion", "EnabledOptionalTests", "UseOptionalChecksAnnotation", "MinReplicasHPA",
                    "MinReplicasDeployment", "IgnoreContainerCpuLimitRequirement", "IgnoreContainerMemoryLimitRequirement"}


def _call_args(text: str, start: int) -> str:
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i]
    return text[start + 1 :]


def collect_kube_score(root: Path, out: Collected) -> None:
    base = root / "score"
    if not (base / "testdata").is_dir():
        out.layout_notes.append(f"kube-score: {base / 'testdata'} not found")
        return
    for test_file in sorted(base.glob("*_test.go")):
        for match in _GO_TEST.finditer(test_file.read_text(encoding="utf-8")):
            test, body = match.group(1), match.group(2)
            for call in _KS_CALL.finditer(body):
                args = _call_args(body, call.end() - 1)
                strings = re.findall(r'"((?:[^"\\]|\\.)*)"', args)
                grade_match = re.search(r"scorecard\.(Grade\w+)\s*$|,\s*(0)\s*$", args.strip())
                if not strings or grade_match is None:
                    continue
                check = strings[-1]
                if ("kube-score", check) not in MAPPING_BY_KEY:
                    continue
                mapping = MAPPING_BY_KEY["kube-score", check]
                where = f"{test_file.name}:{test}"
                if call.group(1):
                    files = re.findall(r'testFile\("([^"]+)"\)', args)
                    config_text = args[args.find("RunConfiguration{") :] if "RunConfiguration{" in args else ""
                    if "checks.Config{" in args:
                        out.skipped.append(Skipped("kube-score", check, where, "checks.Config not modelled"))
                        continue
                else:
                    files = [strings[0]] if re.match(r'\s*t,\s*"', args) else []
                    config_text = "KubernetesVersion: config.Semver{Major: 1, Minor: 18}"
                if len(files) != 1:
                    out.skipped.append(Skipped("kube-score", check, where, "fixture name is not one literal"))
                    continue
                keys = set(re.findall(r"\b([A-Z]\w+):", config_text)) - {"Major", "Minor"}
                if keys - _KS_KNOWN_CONFIG:
                    out.skipped.append(Skipped("kube-score", check, where, f"run configuration {sorted(keys - _KS_KNOWN_CONFIG)} not modelled"))
                    continue
                grade = _GRADES.get(grade_match.group(1) or "", 0)
                if grade == 0:
                    out.skipped.append(Skipped("kube-score", check, where, "grade 0: the check is skipped"))
                    continue
                version_match = re.search(r"Major:\s*(\d+),\s*Minor:\s*(\d+)", config_text)
                version = None
                if check == "Stable version" and version_match:
                    # kgen targets 1.25 and later: an API unstable at an older version is still flagged later, so a
                    # "fires" case is judged at kgen's default version; a "passes" case at an older one cannot be.
                    if (int(version_match.group(1)), int(version_match.group(2))) >= (1, 25):
                        version = f"{version_match.group(1)}.{version_match.group(2)}"
                    elif grade == 10:
                        out.skipped.append(Skipped("kube-score", check, where, "passes at a Kubernetes version older than kgen's oldest (1.25)"))
                        continue
                params: list[tuple[str, str, Any]] = list(mapping.params)
                drop: list[str] = []
                hpa_min = re.search(r"MinReplicasHPA:\s*(\d+)", config_text)
                if check == "HorizontalPodAutoscaler Replicas":
                    # kube-score's default of 0 and a minimum of 1 both accept every HPA (minReplicas is at least 1)
                    params.append(("hpa-min-replicas-low", "min", max(1, int(hpa_min.group(1)) if hpa_min else 0)))
                deploy_min = re.search(r"MinReplicasDeployment:\s*(\d+)", config_text)
                if check == "Deployment Replicas" and (deploy_min.group(1) if deploy_min else "0") != "2":
                    out.skipped.append(Skipped("kube-score", check, where, "MinReplicasDeployment other than 2 (kgen's threshold is fixed at 2)"))
                    continue
                if re.search(r"IgnoreContainerCpuLimitRequirement:\s*true", config_text):
                    drop.append("cpu-limits-missing")
                if re.search(r"IgnoreContainerMemoryLimitRequirement:\s*true", config_text):
                    drop.append("memory-limits-missing")
                path = base / "testdata" / files[0]
                if not path.is_file():
                    out.skipped.append(Skipped("kube-score", check, where, f"{files[0]} not found"))
                    continue
                out.cases.append(Case("kube-score", check, path, root, "file", int(grade < 10),
                                      kubernetes_version=version,
                                      params=tuple(params), drop_rules=tuple(drop), note=where))


_CHECKOV_LABEL = re.compile(r"(\d*)(PASSED|FAILED|UNKNOWN|UNKOWN)")


def collect_checkov(root: Path, out: Collected) -> None:
    base = root / "tests" / "kubernetes" / "checks"
    if not base.is_dir():
        out.layout_notes.append(f"checkov: {base} not found")
        return
    users: dict[str, int] = defaultdict(int)  # folder -> how many checkov tests read it
    for test_file in base.glob("test_*.py"):
        shared = re.search(r'"/(example_\w+)"', test_file.read_text(encoding="utf-8"))
        if shared:
            users[shared.group(1)] += 1
    for test_file in sorted(base.glob("test_*.py")):
        text = test_file.read_text(encoding="utf-8")
        module = re.search(r"checkov\.kubernetes\.checks\.resource\.k8s\.(\w+) import check", text)
        folder = re.search(r'"/(example_\w+)"', text)
        if module is None or folder is None or ("checkov", module.group(1)) not in MAPPING_BY_KEY:
            continue
        if folder.group(1) == "example_Suppressed":
            continue  # exercises checkov:skip annotations, not the check
        check = module.group(1)
        mapping = MAPPING_BY_KEY["checkov", check]
        summary = {k: int(v) for k, v in re.findall(r"summary\['(passed|failed)'\], (\d+)", text)}
        judged = []
        for path in sorted((base / folder.group(1)).rglob("*")):
            if path.suffix not in (".yaml", ".yml", ".json"):
                continue
            # Checkov reports one result per object; digits in a name (1FAILED1PASSED) count containers, so a
            # file fails when any label says FAILED.
            labels = {word for _, word in _CHECKOV_LABEL.findall(path.stem)}
            where = str(path.relative_to(root))
            if labels & {"UNKNOWN", "UNKOWN"}:
                out.skipped.append(Skipped("checkov", check, where, "labelled UNKNOWN: Checkov abstains"))
                continue
            judged.append(path)
            if not labels:
                out.skipped.append(Skipped("checkov", check, where, "file name carries no PASSED/FAILED label (counted in the totals only)"))
                continue
            note = f"{folder.group(1)} serves {users[folder.group(1)]} checkov tests: the label may be another check's" if users[folder.group(1)] > 1 else ""
            out.cases.append(Case("checkov", check, path, root, "file", int("FAILED" in labels), params=mapping.params, note=note))
        if summary:
            out.totals.append(Totals("checkov", check, folder.group(1), summary.get("passed", 0), summary.get("failed", 0), judged))


# --- running kgen --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KFinding:
    rule: str
    severity: str
    line: int
    column: int
    message: str
    kind: str
    name: str
    container: str | None


class Kgen:
    """Runs kgen check once per (file, Kubernetes version, rule parameters), in this process or through the CLI."""

    def __init__(self, workdir: Path, cli: str | None) -> None:
        self.workdir = workdir
        self.cli = cli
        self.cache: dict[tuple[Path, str | None, tuple[tuple[str, str, Any], ...]], list[KFinding] | str] = {}
        self.configs: dict[tuple[tuple[str, str, Any], ...], Path] = {}

    def config(self, params: tuple[tuple[str, str, Any], ...]) -> Path:
        if params not in self.configs:
            rules: dict[str, Any] = defaultdict(lambda: {"params": {}})
            for rule, name, value in params:
                rules[rule]["params"][name] = value
            path = self.workdir / f"kgen-{len(self.configs)}.yaml"
            for rule in SWITCHED_ON:
                rules[rule]["enabled"] = True
            data: dict[str, Any] = {"workloads": [OPENSHIFT_WORKLOAD]}
            if rules:
                data["rules"] = dict(rules)
            path.write_text(json.dumps(data, indent=1), encoding="utf-8")  # JSON is YAML
            self.configs[params] = path
        return self.configs[params]

    def findings(self, path: Path, version: str | None, params: tuple[tuple[str, str, Any], ...]) -> list[KFinding] | str:
        key = (path, version, tuple(sorted(params)))
        if key not in self.cache:
            try:
                self.cache[key] = self._run(path, version, self.config(key[2]))
            except Exception as error:  # a kgen failure is a result to report, not a reason to stop
                self.cache[key] = f"kgen failed: {type(error).__name__}: {error}"
        return self.cache[key]

    def _run(self, path: Path, version: str | None, config: Path) -> list[KFinding]:
        if self.cli:
            command = [self.cli, "check", "--format", "json", "--fail-on", "never", "--config", str(config), "--jobs", "1", str(path)]
            if version:
                command += ["--kubernetes-version", version]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode not in (0, 1):
                raise RuntimeError(done.stderr.strip() or f"exit {done.returncode}")
            return [
                KFinding(f["rule"], f["severity"], f["line"], f["column"], f["message"], f["object"]["kind"], f["object"]["name"], f["container"])
                for f in json.loads(done.stdout)["findings"]
                if not f.get("suppressed")
            ]
        from kgen.check.engine import CheckOptions, run_check

        result = run_check(CheckOptions(paths=(str(path),), config_path=config, discover_config=False, kubernetes_version=version, jobs=1))
        return [
            KFinding(f.rule, f.severity, f.line, f.column, f.message, f.object.kind, f.object.name, f.container)
            for f in result.findings
            if not f.suppressed
        ]


# --- judging -------------------------------------------------------------------------------------


@dataclass
class Verdict:
    case: Case
    mapping: Mapping
    agree: bool
    got: int  # 1 when kgen fires
    findings: list[KFinding]
    error: str = ""

    @property
    def direction(self) -> str:
        if self.agree:
            return "agree"
        return "kgen fires, peer passes" if self.got else "kgen silent, peer fires"


def judge(case: Case, kgen: Kgen) -> Verdict:
    mapping = MAPPING_BY_KEY[case.peer, case.check]
    result = kgen.findings(case.path, case.kubernetes_version, case.params)
    if isinstance(result, str):
        return Verdict(case, mapping, False, -1, [], error=result)
    rules = (set(mapping.rules) - set(case.drop_rules)) | set(mapping.implied_by)
    docs = documents(case.path)
    scope = {d.index for d in docs if mapping.kinds is None or d.kind in mapping.kinds}
    if case.mode == "doc":
        scope &= {case.doc}
    relevant = []
    bindings = [d for d in docs if d.index in scope and d.kind in ("RoleBinding", "ClusterRoleBinding")] if mapping.via_binding else []
    for finding in result:
        doc = doc_of_line(docs, finding.line)
        if finding.rule in rules and doc is not None and doc.index in scope and case.container in (None, finding.container):
            relevant.append((doc.index, finding))
        elif finding.rule in rules and doc is not None and any(_names_binding(finding.message, b) for b in bindings):
            relevant.append((doc.index, finding))
    got = int(bool(relevant))
    return Verdict(case, mapping, got == case.expected, got, [f for _, f in relevant])


def _names_binding(message: str, binding: Doc) -> bool:
    """kgen's RBAC messages name a binding as ``by RoleBinding ns/name`` or ``by ClusterRoleBinding name``."""
    return re.search(rf"by {binding.kind} (\S+/)?{re.escape(binding.name)} to ", message) is not None


def describe_expected(case: Case) -> str:
    return "fires" if case.expected else "passes"


def fixture_label(case: Case) -> str:
    rel = case.path.relative_to(case.root) if case.path.is_relative_to(case.root) else case.path
    if case.mode == "doc" and case.doc is not None:
        doc = documents(case.path)[case.doc]
        container = f" container {case.container}" if case.container else ""
        return f"{rel} #{case.doc} ({doc.kind}/{doc.name}{container}, line {doc.first_line})"
    return str(rel)


def totals_lines(collected: Collected, kgen: Kgen) -> list[str]:
    """Checkov's summary counts (objects passed / failed over a folder) next to kgen's on the same objects."""
    lines = []
    for t in collected.totals:
        mapping = MAPPING_BY_KEY[t.peer, t.check]
        passed = failed = 0
        for path in t.files:
            result = kgen.findings(path, None, mapping.params)
            if isinstance(result, str):
                continue
            docs = documents(path)
            firing = {d.index for f in result if f.rule in (*mapping.rules, *mapping.implied_by) and (d := doc_of_line(docs, f.line)) is not None}
            for doc in docs:
                if mapping.kinds is None or doc.kind in mapping.kinds:
                    failed += doc.index in firing
                    passed += doc.index not in firing
        mark = "" if (passed, failed) == (t.passed, t.failed) else "   <- differs"
        lines.append(f"  {t.peer} {t.check:26} {t.folder:34} test expects passed {t.passed:2} failed {t.failed:2}; kgen passed {passed:2} failed {failed:2}{mark}")
    return lines


def report(verdicts: list[Verdict], collected: Collected, show_skipped: bool, totals: list[str]) -> str:
    out: list[str] = []
    by_pair: dict[tuple[str, str], list[Verdict]] = defaultdict(list)
    for v in verdicts:
        by_pair[v.case.peer, v.case.check].append(v)
    out.append("Agreement per pair (cases agreeing / cases)")
    for m in MAPPINGS:
        vs = by_pair.get((m.peer, m.check))
        if not vs:
            continue
        ok = sum(v.agree for v in vs)
        alarms = sum(v.direction == "kgen fires, peer passes" for v in vs)
        misses = sum(v.direction == "kgen silent, peer fires" for v in vs)
        errors = sum(bool(v.error) for v in vs)
        tag = "" if m.same else "  [near: " + m.reason + "]"
        if m.implied_by:
            tag += f"  [{', '.join(m.implied_by)} stands for it]"
        extra = f", kgen errors {errors}" if errors else ""
        out.append(
            f"  {m.peer:11} {m.check:44} -> {','.join(m.rules):32} {ok:3}/{len(vs):<3} {100 * ok / len(vs):5.1f}%"
            f"  (kgen extra {alarms}, kgen missing {misses}{extra}){tag}"
        )
    out.append("")
    for label, keep in (("same-meaning pairs", lambda m: m.same), ("all pairs", lambda m: True)):
        vs = [v for v in verdicts if keep(v.mapping)]
        if vs:
            ok = sum(v.agree for v in vs)
            out.append(f"Overall, {label}: {ok}/{len(vs)} = {100 * ok / len(vs):.1f}%")
    for peer in ("kube-linter", "polaris", "kube-score", "checkov"):
        vs = [v for v in verdicts if v.case.peer == peer and v.mapping.same]
        if vs:
            ok = sum(v.agree for v in vs)
            out.append(f"  {peer:11} (same-meaning pairs): {ok}/{len(vs)} = {100 * ok / len(vs):.1f}%")
    error_alarms = [v for v in verdicts if not v.agree and v.got > v.case.expected and any(f.severity == "error" for f in v.findings)]
    out.append(f"False alarms at severity error (kgen fires at error where the peer passes): {len(error_alarms)}")
    out.append("")
    out.append("Disagreements")
    for v in verdicts:
        if v.agree:
            continue
        c = v.case
        out.append(f"- [{v.direction}] {c.peer} {c.check} -> {','.join(v.mapping.rules)}: {fixture_label(c)}")
        detail = f"    expected: {describe_expected(c)}"
        if c.kubernetes_version:
            detail += f"; kubernetes {c.kubernetes_version}"
        if c.params:
            detail += f"; params {', '.join(f'{r}.{p}={val}' for r, p, val in c.params)}"
        if c.drop_rules:
            detail += f"; peer ignores {', '.join(c.drop_rules)}"
        if c.note:
            detail += f"; peer: {c.note}"
        out.append(detail)
        if v.error:
            out.append(f"    {v.error}")
        for f in v.findings:
            where = f"{f.kind}/{f.name}" + (f" container {f.container}" if f.container else "")
            out.append(f"    kgen {f.rule} {f.severity} {f.line}:{f.column} {where}: {f.message}")
        if not v.findings and not v.error:
            out.append("    kgen: no finding of the paired rule(s)")
    if totals:
        out.append("")
        out.append("Object totals per peer test (UNKNOWN-labelled files left out; Checkov may count an object UNKNOWN where kgen judges it)")
        out.extend(totals)
    if collected.layout_notes:
        out.append("")
        out.append("Notes on the peers' layouts")
        out.extend(f"  {note}" for note in collected.layout_notes)
    out.append("")
    out.append(f"Skipped peer cases: {len(collected.skipped)}" + ("" if show_skipped else " (--show-skipped lists them)"))
    if show_skipped:
        out.extend(f"  {s.peer} {s.check} {s.where}: {s.reason}" for s in collected.skipped)
    return "\n".join(out) + "\n"


def as_json(verdicts: list[Verdict], collected: Collected) -> dict[str, Any]:
    return {
        "cases": [
            {
                "peer": v.case.peer,
                "check": v.case.check,
                "rules": list(v.mapping.rules),
                "same": v.mapping.same,
                "fixture": fixture_label(v.case),
                "mode": v.case.mode,
                "expected": v.case.expected,
                "kgen": v.got,
                "agree": v.agree,
                "direction": v.direction,
                "error": v.error,
                "findings": [f.__dict__ for f in v.findings],
            }
            for v in verdicts
        ],
        "skipped": [s.__dict__ for s in collected.skipped],
        "notes": collected.layout_notes,
    }


COLLECTORS = {"kube_linter": collect_kube_linter, "polaris": collect_polaris, "kube_score": collect_kube_score, "checkov": collect_checkov}


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kube-linter", type=Path, metavar="DIR", help="checkout of stackrox/kube-linter")
    parser.add_argument("--polaris", type=Path, metavar="DIR", help="checkout of FairwindsOps/polaris")
    parser.add_argument("--kube-score", type=Path, metavar="DIR", help="checkout of zegl/kube-score")
    parser.add_argument("--checkov", type=Path, metavar="DIR", help="checkout of bridgecrewio/checkov (tests/kubernetes is enough)")
    parser.add_argument("--kgen-cli", metavar="PATH", help="run this kgen executable (--format json) instead of the Python API")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every case and verdict as JSON")
    parser.add_argument("--show-skipped", action="store_true", help="list the peer cases that could not be judged, with the reason")
    args = parser.parse_args(list(argv) if argv is not None else None)
    collected = Collected()
    given = False
    for option, collect in COLLECTORS.items():
        root = getattr(args, option)
        if root is None:
            continue
        given = True
        if not root.is_dir():
            parser.error(f"--{option.replace('_', '-')} {root}: not a folder")
        collect(root.resolve(), collected)
    if not given:
        parser.error("give at least one of --kube-linter, --polaris, --kube-score, --checkov")
    with tempfile.TemporaryDirectory(prefix="kgen-peers-") as workdir:
        kgen = Kgen(Path(workdir), args.kgen_cli)
        verdicts = [judge(case, kgen) for case in collected.cases]
        totals = totals_lines(collected, kgen)
    sys.stdout.write(report(verdicts, collected, args.show_skipped, totals))
    if args.json:
        args.json.write_text(json.dumps(as_json(verdicts, collected), indent=1, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
