"""The app's NetworkPolicy: its declared ports open only to the peers the profile lists,
and, when egress is listed, connections out only to DNS and the destinations listed."""

from __future__ import annotations

from kgen.render.pod import Obj, label_selector, new_object
from kgen.render.profile import Profile
from kgen.render.traffic import Destination, Peer, PortNumber

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"  # set by Kubernetes on every namespace


def network_policies(profile: Profile) -> list[Obj]:
    policy = profile.network
    if policy is None:
        return []
    spec: Obj = {"podSelector": label_selector(profile)}
    spec["policyTypes"] = ["Ingress"] if policy.egress is None else ["Ingress", "Egress"]
    # No ingress rule (an app without ports, or ingressFrom: []) lets nothing in; a rule
    # without `from` would let everything in, so a rule is written only with its peers.
    ports = [_port(PortNumber(port.number, port.protocol)) for port in profile.ports]
    sources = [{"podSelector": {}}] if policy.ingress_from is None else [_peer(p) for p in policy.ingress_from]
    if ports and sources:
        spec["ingress"] = [{"from": sources, "ports": ports}]
    if policy.egress is not None:
        spec["egress"] = [_egress_rule(item) for item in policy.egress]
    return [new_object("networking.k8s.io/v1", "NetworkPolicy", profile, profile.name, spec)]


def _peer(peer: Peer) -> Obj:
    if peer.cidr is not None:
        block: Obj = {"cidr": peer.cidr}
        if peer.except_cidrs:
            block["except"] = list(peer.except_cidrs)
        return {"ipBlock": block}
    result: Obj = {}
    if peer.namespace is not None:
        result["namespaceSelector"] = {"matchLabels": {NAMESPACE_NAME_LABEL: peer.namespace}}
    if peer.pod_labels:  # alone: pods of the policy's own namespace
        result["podSelector"] = {"matchLabels": dict(peer.pod_labels)}
    return result


def _port(port: PortNumber) -> Obj:
    return {"protocol": port.protocol, "port": port.number}


def _egress_rule(item: Destination) -> Obj:
    rule: Obj = {}
    if item.peer is not None:
        rule["to"] = [_peer(item.peer)]
    if item.ports:
        rule["ports"] = [_port(port) for port in item.ports]
    return rule
