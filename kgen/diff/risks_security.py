"""Risk notes on security: what gives pods more power over their node, lets them run
as root, opens network paths, or grants API permissions.

Workload notes compare each container (and the pod spec) with its namesake on the
old side; a workload that is new counts as having had nothing, so a new privileged
container is noted while a new one that only leaves runAsNonRoot unset is not.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Optional, Union

from kgen.diff.paths import Path
from kgen.diff.risk_support import (
    ContainerPair,
    Note,
    PodSpecs,
    container_pairs,
    integer,
    is_kind,
    item_segment,
    items,
    labels_text,
    mapping,
    pod_specs,
    strings,
)

if TYPE_CHECKING:
    from kgen.diff.risks import Pair

_RBAC = ("rbac.authorization.k8s.io",)
_NETWORKING = ("networking.k8s.io", "extensions")


# --- privileged, capabilities, host access ----------------------------------------------


def privileged_added(pair: Pair) -> Iterator[Note]:
    specs = pod_specs(pair)
    if specs is None:
        return
    for container in container_pairs(specs):
        if _privileged(container.new) and not (container.old is not None and _privileged(container.old)):
            yield container.path + ("securityContext", "privileged"), (
                f"container {container.name} runs privileged: it gets every capability and the node's "
                "devices, so whoever controls it controls the node"
            )


def _privileged(container: Mapping[str, Any]) -> bool:
    return mapping(container.get("securityContext")).get("privileged") is True


def _capabilities(container: Optional[Mapping[str, Any]], which: str) -> set[str]:
    """Capability names as the runtime reads them: case-insensitive, ``CAP_`` optional."""
    if container is None:
        return set()
    listed = strings(mapping(mapping(container.get("securityContext")).get("capabilities")).get(which))
    return {name.upper().removeprefix("CAP_") for name in listed}


def capability_added(pair: Pair) -> Iterator[Note]:
    """Capabilities in ``add`` that were not, and (for a container that was there) capabilities
    no longer in ``drop``: the runtime's default set comes back with them."""
    specs = pod_specs(pair)
    if specs is None:
        return
    for container in container_pairs(specs):
        old_add = _capabilities(container.old, "add")
        added = sorted(_capabilities(container.new, "add") - old_add)
        if added and "ALL" not in old_add:
            what = "every capability (ALL)" if "ALL" in added else ", ".join(added)
            yield container.path + ("securityContext", "capabilities", "add"), (
                f"container {container.name}: capabilities added: {what}"
            )
        if container.old is None:
            continue
        still = _capabilities(container.new, "drop")
        undropped = [] if "ALL" in still else sorted(_capabilities(container.old, "drop") - still)
        if undropped:
            what = (
                "ALL: the runtime's default capabilities (CHOWN, NET_RAW, SETUID, ...) come back"
                if "ALL" in undropped
                else ", ".join(undropped) + " (granted by the runtime unless dropped)"
            )
            yield container.path + ("securityContext", "capabilities", "drop"), (
                f"container {container.name}: capabilities no longer dropped: {what}"
            )


_HOST_NAMESPACES = {
    "hostNetwork": "the pods use the node's network: they see its interfaces and traffic and bind its ports",
    "hostPID": "the pods see every process on the node and can signal or trace them",
    "hostIPC": "the pods share the node's IPC namespace (shared memory of every process on it)",
}


def host_access_added(pair: Pair) -> Iterator[Note]:
    """Host namespaces, hostPath volumes and hostPorts that the old pod spec did not have."""
    specs = pod_specs(pair)
    if specs is None:
        return
    old = specs.old or {}
    for field, effect in _HOST_NAMESPACES.items():
        if specs.new.get(field) is True and old.get(field) is not True:
            yield specs.path + (field,), f"{field}: true: {effect}"
    if specs.old is not None and specs.old.get("hostUsers") is False and specs.new.get("hostUsers") is not False:
        yield specs.path + ("hostUsers",), (
            "hostUsers no longer false: the pods leave their own user namespace, so root in a container is root on the node"
        )
    old_paths = {_host_path(volume) for volume in items(old.get("volumes"))} - {None}
    volumes = items(specs.new.get("volumes"))
    for index, volume in enumerate(volumes):
        path = _host_path(volume)
        if path is not None and path not in old_paths:
            name = mapping(volume).get("name")
            yield specs.path + ("volumes", item_segment(volumes, index, "volumes"), "hostPath"), (
                f"volume {name} mounts the node's {path} (hostPath): the pods read or write the node's files"
            )
    old_ports = {_host_port(port) for ref in _containers(old) for port in items(ref.get("ports"))} - {None}
    for container in container_pairs(specs):
        ports = items(container.new.get("ports"))
        for index, port in enumerate(ports):
            bound = _host_port(port)
            if bound is not None and bound not in old_ports:
                yield container.path + ("ports", item_segment(ports, index, "ports"), "hostPort"), (
                    f"container {container.name} binds {bound[0]}/{bound[1]} on the node (hostPort): it is reachable "
                    "at the node's address, and only one such pod fits on a node"
                )


def _host_path(volume: Any) -> Optional[str]:
    path = mapping(mapping(volume).get("hostPath")).get("path")
    return (path.rstrip("/") or "/") if isinstance(path, str) else None


def _host_port(port: Any) -> Optional[tuple[int, str]]:
    number = integer(mapping(port).get("hostPort"))
    protocol = mapping(port).get("protocol", "TCP")
    return (number, str(protocol)) if number else None


def _containers(pod_spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for section in ("initContainers", "containers"):
        for container in items(pod_spec.get(section)):
            if isinstance(container, Mapping):
                yield container


# --- running as root -------------------------------------------------------------------


@dataclass(frozen=True)
class _User:
    """Who a container runs as, as the kubelet resolves it: the container's securityContext
    field wins over the pod's; where the field was found."""

    non_root: Optional[bool]
    non_root_at: Path
    user: Optional[int]
    user_at: Path


def _user(specs_path: Path, pod: Mapping[str, Any], container: ContainerPair, side: Mapping[str, Any]) -> _User:
    own = mapping(side.get("securityContext"))
    shared = mapping(pod.get("securityContext"))

    def resolve(field: str) -> tuple[Any, Path]:
        if own.get(field) is not None:
            return own[field], container.path + ("securityContext", field)
        return shared.get(field), specs_path + ("securityContext", field)

    non_root, non_root_at = resolve("runAsNonRoot")
    user, user_at = resolve("runAsUser")
    return _User(non_root if isinstance(non_root, bool) else None, non_root_at, integer(user), user_at)


def run_as_root_allowed(pair: Pair) -> Iterator[Note]:
    """A container that now runs as root, or may: runAsUser 0; runAsNonRoot no longer true
    (the kubelet stops refusing an image whose user is root); runAsUser removed with nothing
    requiring non-root (the image's user applies). runAsNonRoot true with runAsUser 0 makes
    the kubelet refuse to start the container: no root runs, so no note. One note per
    field, naming every container it lets run as root."""
    specs = pod_specs(pair)
    if specs is None or mapping(specs.new.get("os")).get("name") == "windows":
        return
    found: dict[tuple[Path, str], list[str]] = {}
    for container in container_pairs(specs):
        new = _user(specs.path, specs.new, container, container.new)
        old = _user(specs.path, specs.old, container, container.old) if specs.old and container.old else None
        if new.non_root is True:
            continue
        if new.user == 0:
            if old is None or old.user != 0:
                found.setdefault((new.user_at, "runAsUser 0: {who} {run} as root"), []).append(container.name)
        elif old is not None and new.user is None:
            if old.non_root is True and old.user != 0:
                found.setdefault((new.non_root_at, _NON_ROOT_DROPPED), []).append(container.name)
            elif old.user is not None and old.user != 0:
                reason = f"runAsUser {old.user} removed and runAsNonRoot not true: {{who}} {{run}} as the image's user, root if the image says so"
                found.setdefault((old.user_at, reason), []).append(container.name)
    for (path, reason), names in found.items():
        who = ("container " if len(names) == 1 else "containers ") + ", ".join(names)
        yield path, reason.format(who=who, run="runs" if len(names) == 1 else "run")


_NON_ROOT_DROPPED = (
    "runAsNonRoot no longer true: the kubelet stops refusing an image whose user is root, so {who} may run as root"
)


# --- NetworkPolicies ---------------------------------------------------------------------


def networkpolicy_removed(pair: Pair) -> Iterator[Note]:
    if pair.new is not None or pair.old is None or not is_kind(pair, _NETWORKING, "NetworkPolicy"):
        return
    types = "/".join(sorted(_policy_types(mapping(pair.old.get("spec")))))
    yield (), (
        f"NetworkPolicy removed: the pods it selected lose its {types} isolation; unless another policy "
        "selects them they accept all traffic"
        + (" and may send anywhere" if "Egress" in types else "")
    )


def _policy_types(spec: Mapping[str, Any]) -> set[str]:
    """policyTypes as the API server defaults them: Ingress always, Egress when there are egress rules."""
    written = strings(spec.get("policyTypes"))
    if written:
        return set(written)
    return {"Ingress", "Egress"} if items(spec.get("egress")) else {"Ingress"}


#: One allowed (peer, port) of a rule; ``ANY_PEER`` and ``ANY_PORT`` stand for an empty list (all).
_Peer = Union[str, tuple[str, Any]]
_Port = Union[str, tuple[str, Any, Optional[int]]]
ANY_PEER = "any"
ANY_PORT = "any"


def networkpolicy_widened(pair: Pair) -> Iterator[Note]:
    """Traffic the new policy lets through that the old one did not: a policy type removed, the
    pod selector narrowed (pods leave its isolation), or rules allowing a (peer, port) no old
    rule allowed — a rule added, a rule's peers or ports emptied (empty means all), a peer
    or port widened. Rules are compared allowance by allowance, so merging two rules or
    reordering them is no note."""
    if pair.old is None or pair.new is None or not is_kind(pair, _NETWORKING, "NetworkPolicy"):
        return
    old, new = mapping(pair.old.get("spec")), mapping(pair.new.get("spec"))
    old_types, new_types = _policy_types(old), _policy_types(new)
    lost = sorted(old_types - new_types)
    if lost:
        yield ("spec", "policyTypes"), (
            f"policyTypes no longer include {', '.join(lost)}: the selected pods' "
            f"{' and '.join(t.lower() for t in lost)} traffic is no longer restricted by this policy"
        )
    old_selector, new_selector = mapping(old.get("podSelector")), mapping(new.get("podSelector"))
    if old_selector != new_selector and not _selector_within(old_selector, new_selector):
        yield ("spec", "podSelector"), (
            "podSelector changed: pods it selected before and no longer selects leave its isolation"
        )
    for direction, field, side in (("Ingress", "ingress", "from"), ("Egress", "egress", "to")):
        if direction not in new_types or direction not in old_types:
            continue
        allowed = [atom for rule in items(old.get(field)) for atom in _atoms(rule, side)]
        rules = items(new.get(field))
        for index, rule in enumerate(rules):
            wider = [atom for atom in _atoms(rule, side) if not any(_atom_within(atom, wide) for wide in allowed)]
            if wider:
                yield ("spec", field, index), (
                    f"{field} rule {index + 1} allows traffic the old policy did not: "
                    + "; ".join(_atom_text(atom, side) for atom in wider[:3])
                    + (f"; and {len(wider) - 3} more" if len(wider) > 3 else "")
                )


def _atoms(rule: Any, side: str) -> list[tuple[_Peer, _Port]]:
    rule = mapping(rule)
    peers: list[_Peer] = [_peer(peer) for peer in items(rule.get(side))] or [ANY_PEER]
    ports: list[_Port] = [_port(port) for port in items(rule.get("ports"))] or [ANY_PORT]
    return [(peer, port) for peer in peers for port in ports]


def _peer(peer: Any) -> _Peer:
    peer = mapping(peer)
    if "ipBlock" in peer:
        block = mapping(peer["ipBlock"])
        return ("ip", (str(block.get("cidr")), tuple(sorted(strings(block.get("except"))))))
    namespaces = peer.get("namespaceSelector")
    return ("pods", (None if namespaces is None else mapping(namespaces), mapping(peer.get("podSelector"))))


def _port(port: Any) -> _Port:
    port = mapping(port)
    protocol = str(port.get("protocol", "TCP"))
    return (protocol, port.get("port"), integer(port.get("endPort")))


def _atom_within(atom: tuple[_Peer, _Port], wide: tuple[_Peer, _Port]) -> bool:
    return _peer_within(atom[0], wide[0]) and _port_within(atom[1], wide[1])


def _peer_within(peer: _Peer, wide: _Peer) -> bool:
    if wide == ANY_PEER:
        return True
    if peer == ANY_PEER or isinstance(wide, str) or isinstance(peer, str) or peer[0] != wide[0]:
        return False
    if peer[0] == "ip":
        return _block_within(peer[1], wide[1])
    (namespaces, pods), (wide_namespaces, wide_pods) = peer[1], wide[1]
    if wide_namespaces is None:  # the policy's own namespace
        same = namespaces is None
    else:
        same = namespaces is not None and _selector_within(namespaces, wide_namespaces)
    return same and _selector_within(pods, wide_pods)


def _block_within(block: tuple[str, tuple[str, ...]], wide: tuple[str, tuple[str, ...]]) -> bool:
    try:
        cidr, wide_cidr = ipaddress.ip_network(block[0], strict=False), ipaddress.ip_network(wide[0], strict=False)
        if cidr.version != wide_cidr.version or not cidr.subnet_of(wide_cidr):  # type: ignore[arg-type]
            return False
        excepts = [ipaddress.ip_network(text, strict=False) for text in block[1]]
        for hole in (ipaddress.ip_network(text, strict=False) for text in wide[1]):
            if hole.version == cidr.version and hole.overlaps(cidr):
                if not any(h.version == hole.version and hole.subnet_of(h) for h in excepts):  # type: ignore[arg-type]
                    return False
        return True
    except ValueError:
        return block == wide


def _selector_within(selector: Mapping[str, Any], wide: Mapping[str, Any]) -> bool:
    """Every object ``selector`` picks, ``wide`` picks too: wide's terms are among selector's."""
    labels, wide_labels = mapping(selector.get("matchLabels")), mapping(wide.get("matchLabels"))
    if any(labels.get(key) != value for key, value in wide_labels.items()):
        return False
    expressions = items(selector.get("matchExpressions"))
    return all(term in expressions for term in items(wide.get("matchExpressions")))


def _port_within(port: _Port, wide: _Port) -> bool:
    if wide == ANY_PORT:
        return True
    if port == ANY_PORT or isinstance(port, str) or isinstance(wide, str) or port[0] != wide[0]:
        return False
    if wide[1] is None:  # a protocol with no port: every port of it
        return True
    if port[1] is None:
        return False
    if port[1] == wide[1] and (port[2] or 0) <= (wide[2] or 0):
        return True
    low, high = integer(port[1]), integer(port[2]) or integer(port[1])
    wide_low, wide_high = integer(wide[1]), integer(wide[2]) or integer(wide[1])
    return None not in (low, high, wide_low, wide_high) and wide_low <= low and high <= wide_high  # type: ignore[operator]


def _atom_text(atom: tuple[_Peer, _Port], side: str) -> str:
    peer, port = atom
    direction = "from" if side == "from" else "to"
    if isinstance(peer, str):
        who = "any source" if side == "from" else "any destination"
    elif peer[0] == "ip":
        cidr, excepts = peer[1]
        who = cidr + (f" except {', '.join(excepts)}" if excepts else "")
    else:
        namespaces, pods = peer[1]
        who = f"pods {labels_text(mapping(pods.get('matchLabels'))) or '(all)'}"
        if pods.get("matchExpressions"):
            who += " (with expressions)"
        if namespaces is not None:
            who += f" in namespaces {labels_text(mapping(namespaces.get('matchLabels'))) or '(all)'}"
    if isinstance(port, str):
        where = "any port"
    else:
        protocol, number, end = port
        where = f"port {number if number is not None else 'any'}{f'-{end}' if end else ''}/{protocol}"
    return f"{direction} {who} on {where}"


# --- RBAC ----------------------------------------------------------------------------------


def rbac_widened(pair: Pair) -> Iterator[Note]:
    """A Role or ClusterRole granting what it did not (rules compared permission by permission,
    with RBAC's wildcards: ``*`` groups, resources and verbs, empty resourceNames = every name,
    ``/path/*`` URLs), a ClusterRole aggregating more roles, or a binding with new subjects.
    New roles and bindings are added objects, shown whole; no note."""
    if pair.old is None or pair.new is None or pair.key.group not in _RBAC:
        return
    if pair.key.kind in ("Role", "ClusterRole"):
        yield from _rules_widened(pair.old, pair.new)
        old_selectors = items(get_in(pair.old, "aggregationRule", "clusterRoleSelectors"))
        new_selectors = items(get_in(pair.new, "aggregationRule", "clusterRoleSelectors"))
        if any(selector not in old_selectors for selector in new_selectors):
            yield ("aggregationRule", "clusterRoleSelectors"), (
                "aggregationRule selects more ClusterRoles: their rules are added to this role"
            )
    elif pair.key.kind in ("RoleBinding", "ClusterRoleBinding"):
        role = mapping(pair.new.get("roleRef"))
        old_subjects = {_subject(subject) for subject in items(pair.old.get("subjects"))}
        subjects = items(pair.new.get("subjects"))
        for index, subject in enumerate(subjects):
            if _subject(subject) not in old_subjects:
                kind, name, namespace = _subject(subject)
                who = f"{kind} {namespace}/{name}" if namespace else f"{kind} {name}"
                yield ("subjects", item_segment(subjects, index, "subjects")), (
                    f"subject {who} added: it gets every permission of {role.get('kind')} {role.get('name')}"
                )


def get_in(data: Mapping[str, Any], *path: str) -> Any:
    node: Any = data
    for key in path:
        node = mapping(node).get(key)
    return node


def _subject(subject: Any) -> tuple[str, str, str]:
    subject = mapping(subject)
    kind = str(subject.get("kind"))
    namespace = str(subject.get("namespace", "")) if kind == "ServiceAccount" else ""
    return kind, str(subject.get("name")), namespace


_Grant = tuple[str, str, str, Optional[str]]  # (apiGroup or "url", resource or url, verb, resourceName)


def _rules_widened(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Note]:
    granted = [grant for rule in items(old.get("rules")) for grant in _grants(rule)]
    rules = items(new.get("rules"))
    for index, rule in enumerate(rules):
        wider = [grant for grant in _grants(rule) if not any(_grant_within(grant, wide) for wide in granted)]
        if wider:
            yield ("rules", index), f"rule {index + 1} grants what the role did not: {_grants_text(wider)}"


def _grants(rule: Any) -> Iterable[_Grant]:
    rule = mapping(rule)
    verbs = strings(rule.get("verbs"))
    urls = strings(rule.get("nonResourceURLs"))
    for url in urls:
        for verb in verbs:
            yield ("url", url, verb, None)
    names: list[Optional[str]] = list(strings(rule.get("resourceNames"))) or [None]
    for group in strings(rule.get("apiGroups")):
        for resource in strings(rule.get("resources")):
            for verb in verbs:
                for name in names:
                    yield (group, resource, verb, name)


def _grant_within(grant: _Grant, wide: _Grant) -> bool:
    group, resource, verb, name = grant
    wide_group, wide_resource, wide_verb, wide_name = wide
    if wide_verb not in ("*", verb):
        return False
    if (group == "url") != (wide_group == "url"):
        return False
    if group == "url":
        return wide_resource == resource or (wide_resource.endswith("*") and resource.startswith(wide_resource[:-1]))
    if wide_group not in ("*", group):
        return False
    if wide_resource != "*" and wide_resource != resource:
        sub = resource.partition("/")[2]
        if not (wide_resource.startswith("*/") and sub and wide_resource[2:] == sub):
            return False
    return wide_name is None or wide_name == name


def _grants_text(grants: list[_Grant]) -> str:
    by_target: dict[str, list[str]] = {}
    for group, resource, verb, name in grants:
        if group == "url":
            target = f"URL {resource}"
        else:
            target = (f"{group}/" if group else "") + resource + (f" named {name}" if name else "")
        if verb not in by_target.setdefault(target, []):
            by_target[target].append(verb)
    shown = [f"{', '.join(verbs)} {target}" for target, verbs in list(by_target.items())[:4]]
    more = len(by_target) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more else "")
