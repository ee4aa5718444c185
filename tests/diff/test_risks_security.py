"""Security risk notes: privilege, capabilities, host access, root, NetworkPolicies, RBAC."""

from __future__ import annotations

import pytest

from risk_cases import deployment, notes

C = "spec.template.spec.containers[web]"
P = "spec.template.spec"
REMOVED = ("object-removed", "", "object removed: kubectl apply --prune, Argo CD and Flux delete it from the cluster")


def security(context: str) -> str:
    return f"          securityContext: {context}\n"


PRIVILEGED = (
    "privileged-added",
    f"{C}.securityContext.privileged",
    "container web runs privileged: it gets every capability and the node's devices, so whoever controls it "
    "controls the node",
)


def test_privileged_added_to_a_workload_and_on_a_new_one() -> None:
    assert notes(deployment(), deployment(container=security("{privileged: true}"))) == [("Deployment web", *PRIVILEGED)]
    assert notes("", deployment(container=security("{privileged: true}"))) == [("Deployment web", *PRIVILEGED)]


def test_privileged_kept_or_dropped_is_no_note() -> None:
    old = deployment(container=security("{privileged: true}"))
    assert notes(old, old.replace("web:1.0", "web:1.1")) == []
    assert notes(old, deployment(container=security("{privileged: false}"))) == []


@pytest.mark.parametrize(
    "old, new, path, what",
    [
        ("{}", "{capabilities: {add: [NET_ADMIN]}}", "add", "capabilities added: NET_ADMIN"),
        # the runtime reads CAP_NET_ADMIN and net_admin as NET_ADMIN
        ("{capabilities: {add: [NET_ADMIN]}}", "{capabilities: {add: [cap_net_admin, SYS_TIME]}}", "add", "capabilities added: SYS_TIME"),
        ("{capabilities: {add: [NET_ADMIN]}}", "{capabilities: {add: [ALL]}}", "add", "capabilities added: every capability (ALL)"),
        (
            "{capabilities: {drop: [ALL]}}",
            "{capabilities: {drop: [NET_RAW]}}",
            "drop",
            "capabilities no longer dropped: ALL: the runtime's default capabilities (CHOWN, NET_RAW, SETUID, ...) come back",
        ),
        (
            "{capabilities: {drop: [NET_RAW, CHOWN]}}",
            "{capabilities: {drop: [CHOWN]}}",
            "drop",
            "capabilities no longer dropped: NET_RAW (granted by the runtime unless dropped)",
        ),
    ],
)
def test_capabilities_added_or_no_longer_dropped(old: str, new: str, path: str, what: str) -> None:
    assert notes(deployment(container=security(old)), deployment(container=security(new))) == [
        ("Deployment web", "capability-added", f"{C}.securityContext.capabilities.{path}", f"container web: {what}")
    ]


@pytest.mark.parametrize(
    "old, new",
    [
        ("{capabilities: {add: [NET_ADMIN]}}", "{capabilities: {add: [NET_ADMIN], drop: [ALL]}}"),  # a capability dropped
        ("{capabilities: {add: [NET_ADMIN, SYS_TIME]}}", "{capabilities: {add: [NET_ADMIN]}}"),
        ("{capabilities: {add: [ALL]}}", "{capabilities: {add: [ALL, NET_ADMIN]}}"),
        ("{capabilities: {drop: [NET_RAW]}}", "{capabilities: {drop: [ALL]}}"),
    ],
)
def test_capabilities_kept_or_taken_away_are_no_note(old: str, new: str) -> None:
    assert notes(deployment(container=security(old)), deployment(container=security(new))) == []


def test_host_access_added() -> None:
    pod = "      hostNetwork: true\n      hostPID: true\n      hostIPC: true\n      volumes: [{name: sock, hostPath: {path: /var/run/docker.sock}}]\n"
    ports = "          ports: [{containerPort: 80, hostPort: 8080}]\n"
    assert notes(deployment(), deployment(pod=pod, container=ports)) == [
        (
            "Deployment web",
            "host-access-added",
            f"{C}.ports[80/TCP].hostPort",
            "container web binds 8080/TCP on the node (hostPort): it is reachable at the node's address, and only "
            "one such pod fits on a node",
        ),
        (
            "Deployment web",
            "host-access-added",
            f"{P}.hostIPC",
            "hostIPC: true: the pods share the node's IPC namespace (shared memory of every process on it)",
        ),
        (
            "Deployment web",
            "host-access-added",
            f"{P}.hostNetwork",
            "hostNetwork: true: the pods use the node's network: they see its interfaces and traffic and bind its ports",
        ),
        (
            "Deployment web",
            "host-access-added",
            f"{P}.hostPID",
            "hostPID: true: the pods see every process on the node and can signal or trace them",
        ),
        (
            "Deployment web",
            "host-access-added",
            f"{P}.volumes[sock].hostPath",
            "volume sock mounts the node's /var/run/docker.sock (hostPath): the pods read or write the node's files",
        ),
    ]


def test_host_users_no_longer_false() -> None:
    assert notes(deployment(pod="      hostUsers: false\n"), deployment()) == [
        (
            "Deployment web",
            "host-access-added",
            f"{P}.hostUsers",
            "hostUsers no longer false: the pods leave their own user namespace, so root in a container is root on the node",
        )
    ]


def test_host_access_kept_or_removed_is_no_note() -> None:
    pod = "      hostNetwork: true\n      volumes: [{name: logs, hostPath: {path: /var/log}}]\n"
    old = deployment(pod=pod)
    assert notes(old, old.replace("/var/log", "/var/log/")) == []  # the same node path
    assert notes(old, deployment()) == []


ROOT_ALLOWED = "runAsNonRoot no longer true: the kubelet stops refusing an image whose user is root, so container web may run as root"


@pytest.mark.parametrize(
    "old_pod, new_pod, old_container, new_container, path, reason",
    [
        ("{runAsNonRoot: true}", "{}", "", "", f"{P}.securityContext.runAsNonRoot", ROOT_ALLOWED),
        ("{runAsNonRoot: true}", "{runAsNonRoot: false}", "", "", f"{P}.securityContext.runAsNonRoot", ROOT_ALLOWED),
        # the container's field wins over the pod's
        ("{runAsNonRoot: true}", "{runAsNonRoot: true}", "", "{runAsNonRoot: false}", f"{C}.securityContext.runAsNonRoot", ROOT_ALLOWED),
        ("{}", "{}", "{runAsNonRoot: true}", "{}", f"{P}.securityContext.runAsNonRoot", ROOT_ALLOWED),
        ("{runAsUser: 1000}", "{runAsUser: 0}", "", "", f"{P}.securityContext.runAsUser", "runAsUser 0: container web runs as root"),
        ("{runAsUser: 1000}", "{runAsUser: 1000}", "", "{runAsUser: 0}", f"{C}.securityContext.runAsUser", "runAsUser 0: container web runs as root"),
        (
            "{runAsUser: 1000}",
            "{}",
            "",
            "",
            f"{P}.securityContext.runAsUser",
            "runAsUser 1000 removed and runAsNonRoot not true: container web runs as the image's user, root if the image says so",
        ),
    ],
)
def test_run_as_root_allowed(old_pod: str, new_pod: str, old_container: str, new_container: str, path: str, reason: str) -> None:
    old = deployment(pod=f"      securityContext: {old_pod}\n", container=security(old_container) if old_container else "")
    new = deployment(pod=f"      securityContext: {new_pod}\n", container=security(new_container) if new_container else "")
    assert notes(old, new) == [("Deployment web", "run-as-root-allowed", path, reason)]


def test_a_pod_level_change_is_one_note_naming_every_container() -> None:
    sidecar = "        - {name: proxy, image: 'proxy:1'}\n"
    old = deployment(pod="      securityContext: {runAsNonRoot: true}\n", container=sidecar)
    new = deployment(container=sidecar)
    assert notes(old, new) == [
        (
            "Deployment web",
            "run-as-root-allowed",
            f"{P}.securityContext.runAsNonRoot",
            "runAsNonRoot no longer true: the kubelet stops refusing an image whose user is root, so containers "
            "web, proxy may run as root",
        )
    ]


@pytest.mark.parametrize(
    "old_pod, new_pod",
    [
        ("{runAsNonRoot: true}", "{runAsNonRoot: true, runAsUser: 1000}"),
        ("{runAsNonRoot: true, runAsUser: 1000}", "{runAsUser: 1000}"),  # a non-root user is still forced
        ("{runAsNonRoot: true}", "{runAsNonRoot: true, runAsUser: 0}"),  # the kubelet refuses to start it: no root runs
        ("{}", "{}"),
    ],
)
def test_root_still_prevented_is_no_note(old_pod: str, new_pod: str) -> None:
    old = deployment(pod=f"      securityContext: {old_pod}\n")
    new = deployment(pod=f"      securityContext: {new_pod}\n").replace("web:1.0", "web:1.1")
    assert notes(old, new) == []


def test_a_new_workload_is_noted_only_for_an_explicit_root_user() -> None:
    assert notes("", deployment()) == []
    assert notes("", deployment(pod="      securityContext: {runAsUser: 0}\n")) == [
        ("Deployment web", "run-as-root-allowed", f"{P}.securityContext.runAsUser", "runAsUser 0: container web runs as root")
    ]


POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
%s"""
RULES = """\
  ingress:
  - from: [{podSelector: {matchLabels: {app: front}}}, {namespaceSelector: {matchLabels: {team: ops}}}]
    ports: [{port: 8080}]
"""
WIDER = "ingress rule 1 allows traffic the old policy did not: "


def test_a_removed_network_policy() -> None:
    assert notes(POLICY % RULES, "") == [
        ("NetworkPolicy web", *REMOVED),
        (
            "NetworkPolicy web",
            "networkpolicy-removed",
            "",
            "NetworkPolicy removed: the pods it selected lose its Ingress isolation; unless another policy "
            "selects them they accept all traffic",
        ),
    ]


@pytest.mark.parametrize(
    "new, path, reason",
    [
        (POLICY % RULES.replace("from: [{podSelector: {matchLabels: {app: front}}}, {namespaceSelector: {matchLabels: {team: ops}}}]", "from: []"),
         "spec.ingress[0]", WIDER + "from any source on port 8080/TCP"),
        (POLICY % RULES.replace("[{port: 8080}]", "[{port: 8080}, {port: 9090}]"), "spec.ingress[0]",
         WIDER + "from pods app=front on port 9090/TCP; from pods (all) in namespaces team=ops on port 9090/TCP"),
        (POLICY % (RULES + "  - from: [{ipBlock: {cidr: 10.0.0.0/8}}]\n"), "spec.ingress[1]",
         "ingress rule 2 allows traffic the old policy did not: from 10.0.0.0/8 on any port"),
        (POLICY % RULES.replace("{namespaceSelector: {matchLabels: {team: ops}}}", "{namespaceSelector: {}}"), "spec.ingress[0]",
         WIDER + "from pods (all) in namespaces (all) on port 8080/TCP"),
        ((POLICY % RULES).replace("{matchLabels: {app: web}}", "{matchLabels: {app: web, tier: api}}"), "spec.podSelector",
         "podSelector changed: pods it selected before and no longer selects leave its isolation"),
    ],
)
def test_a_widened_network_policy(new: str, path: str, reason: str) -> None:
    assert notes(POLICY % RULES, new) == [("NetworkPolicy web", "networkpolicy-widened", path, reason)]


def test_a_policy_type_removed() -> None:
    old = POLICY % (RULES + "  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]\n")
    assert notes(old, POLICY % RULES) == [
        (
            "NetworkPolicy web",
            "networkpolicy-widened",
            "spec.policyTypes",
            "policyTypes no longer include Egress: the selected pods' egress traffic is no longer restricted by this policy",
        )
    ]


@pytest.mark.parametrize(
    "new",
    [
        POLICY % RULES.replace("{matchLabels: {app: front}}", "{matchLabels: {app: front, tier: a}}"),  # a peer narrowed
        POLICY % RULES.replace("{podSelector: {matchLabels: {app: front}}}, ", ""),  # a peer removed
        (POLICY % RULES).replace("{matchLabels: {app: web}}", "{}"),  # selects more pods: more isolated
        POLICY % RULES.replace("[{port: 8080}]", "[{port: 8080, protocol: TCP}]"),  # TCP is the default
        POLICY % (RULES + "  policyTypes: [Ingress, Egress]\n"),  # egress now denied
        # the same allowances split over two rules
        POLICY % RULES.replace(", {namespaceSelector: {matchLabels: {team: ops}}}]", "]")
        + "  - from: [{namespaceSelector: {matchLabels: {team: ops}}}]\n    ports: [{port: 8080}]\n",
    ],
)
def test_a_narrowed_or_equivalent_network_policy_is_no_note(new: str) -> None:
    assert notes(POLICY % RULES, new) == []


def test_an_ip_block_within_the_old_one_is_no_note() -> None:
    old = POLICY % "  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]}]\n"
    assert notes(old, old.replace("10.0.0.0/8, except: [10.1.0.0/16]", "10.2.0.0/16")) == []
    assert notes(old, old.replace(", except: [10.1.0.0/16]", "")) == [
        ("NetworkPolicy web", "networkpolicy-widened", "spec.ingress[0]", WIDER + "from 10.0.0.0/8 on any port")
    ]


ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app, namespace: shop}
rules:
- {apiGroups: [''], resources: [configmaps], verbs: [get, list]}
%s"""


@pytest.mark.parametrize(
    "new, path, reason",
    [
        (ROLE % "- {apiGroups: [''], resources: [secrets], verbs: [get]}\n", "rules[1]", "rule 2 grants what the role did not: get secrets"),
        (ROLE.replace("[get, list]", "[get, list, watch]") % "", "rules[0]", "rule 1 grants what the role did not: watch configmaps"),
        (ROLE.replace("[configmaps]", "['*']") % "", "rules[0]", "rule 1 grants what the role did not: get, list *"),
        (
            ROLE % "- {apiGroups: [apps], resources: [deployments/scale], verbs: [update], resourceNames: [web]}\n",
            "rules[1]",
            "rule 2 grants what the role did not: update apps/deployments/scale named web",
        ),
    ],
)
def test_a_widened_role(new: str, path: str, reason: str) -> None:
    assert notes(ROLE % "", new) == [("Role app", "rbac-widened", path, reason)]


@pytest.mark.parametrize(
    "old, new",
    [
        (ROLE % "", ROLE.replace("[get, list]", "[get]") % ""),  # narrowed
        (ROLE.replace("[get, list]", "['*']") % "", ROLE.replace("[get, list]", "[get, delete]") % ""),  # within *
        (ROLE % "- {apiGroups: [''], resources: [pods], verbs: [get]}\n", ROLE.replace("[configmaps]", "[configmaps, pods]").replace("[get, list]", "[get]") % ""),
        (ROLE.replace("[''], resources: [configmaps]", "['*'], resources: ['*/status']") % "", ROLE.replace("[''], resources: [configmaps]", "[apps], resources: [deployments/status]") % ""),
    ],
)
def test_a_narrowed_or_equal_role_is_no_note(old: str, new: str) -> None:
    assert notes(old, new) == []


def test_a_cluster_role_aggregating_more() -> None:
    old = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: agg}\naggregationRule:\n  clusterRoleSelectors: [{matchLabels: {a: b}}]\n"
    new = old.replace("[{matchLabels: {a: b}}]", "[{matchLabels: {a: b}}, {matchLabels: {c: d}}]")
    assert notes(old, new) == [
        ("ClusterRole agg", "rbac-widened", "aggregationRule.clusterRoleSelectors", "aggregationRule selects more ClusterRoles: their rules are added to this role")
    ]
    assert notes(new, old) == []


BINDING = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: edit, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: ServiceAccount, name: web, namespace: shop}
%s"""


def test_subjects_added_to_a_binding() -> None:
    new = BINDING % "- {kind: Group, name: 'system:authenticated', apiGroup: rbac.authorization.k8s.io}\n"
    assert notes(BINDING % "", new) == [
        (
            "RoleBinding edit",
            "rbac-widened",
            "subjects[system:authenticated]",
            "subject Group system:authenticated added: it gets every permission of ClusterRole edit",
        )
    ]


def test_subjects_removed_or_a_new_role_is_no_rbac_note() -> None:
    assert notes(BINDING % "- {kind: Group, name: devs}\n", BINDING % "") == []
    assert notes("", ROLE % "") == []
