"""The profile's traffic and configuration fields as typed data: ``network`` (who may
connect, and where to) and ``config`` (files of a ConfigMap), with the checks the schema
cannot express (a peer is addresses or pods, never both; CIDRs that parse, ``except``
inside its ``cidr``; a ConfigMap within the API server's size limit, env names for
``as: env``)."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from kgen.load.yamlload import FieldPath
from kgen.render.paths import folder_path
from kgen.render.schema import Issue

Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Peer:
    """Pods (of ``namespace``, else the app's own; with ``pod_labels``, only those) or an address block."""

    namespace: str | None = None
    pod_labels: Pairs = ()
    cidr: str | None = None
    except_cidrs: tuple[str, ...] = ()


@dataclass(frozen=True)
class PortNumber:
    number: int
    protocol: str = "TCP"


@dataclass(frozen=True)
class Destination:
    """Where pods may connect: ``peer`` (None: anywhere) on ``ports`` (empty: every port)."""

    peer: Peer | None
    ports: tuple[PortNumber, ...]


@dataclass(frozen=True)
class Network:
    """``ingress_from`` None: the app's namespace; ``egress`` None: not restricted (DNS comes first otherwise)."""

    ingress_from: tuple[Peer, ...] | None
    egress: tuple[Destination, ...] | None


#: The cluster DNS (CoreDNS keeps the kube-dns labels), always reachable once egress is restricted.
DNS = Destination(
    Peer(namespace="kube-system", pod_labels=(("k8s-app", "kube-dns"),)),
    (PortNumber(53, "UDP"), PortNumber(53, "TCP")),
)
DNS_WORD = "dns"


def network(data: Mapping[str, Any] | None) -> Network | None:
    if data is None:
        return None
    ingress = data.get("ingressFrom")
    egress = data.get("egress")
    return Network(
        ingress_from=None if ingress is None else tuple(_peer(item) for item in ingress),
        egress=None if egress is None else _egress(egress),
    )


def _egress(items: list[Any]) -> tuple[Destination, ...]:
    listed = [_destination(item) for item in items if item != DNS_WORD]
    return (DNS,) + tuple(item for item in listed if item != DNS)


def _peer(item: Mapping[str, Any]) -> Peer:
    return Peer(
        namespace=item.get("namespace"),
        pod_labels=tuple(sorted((str(key), str(value)) for key, value in item.get("podLabels", {}).items())),
        cidr=item.get("cidr"),
        except_cidrs=tuple(item.get("except", ())),
    )


def _destination(item: Mapping[str, Any]) -> Destination:
    peer = _peer(item)
    ports = tuple(
        PortNumber(port) if isinstance(port, int) else PortNumber(int(port["port"]), port.get("protocol", "TCP"))
        for port in item.get("ports", ())
    )
    return Destination(None if peer == Peer() else peer, ports)


# -- checks the schema cannot express -----------------------------------------------


def check_network(data: Mapping[str, Any]) -> Iterator[Issue]:
    given = data.get("network")
    if not isinstance(given, Mapping):
        return
    for key in ("ingressFrom", "egress"):
        for index, item in enumerate(given.get(key) or ()):
            if isinstance(item, Mapping):
                yield from _peer_issues(item, ("network", key, index))


def _peer_issues(item: Mapping[str, Any], at: FieldPath) -> Iterator[Issue]:
    cidr = item.get("cidr")
    pods = [key for key in ("namespace", "podLabels") if key in item]
    if cidr is not None and pods:
        yield Issue(
            at + ("cidr",),
            f"an entry is either addresses (cidr) or pods ({' and '.join(pods)}), not both; "
            "write them as two entries",
        )
        return
    if "except" in item and cidr is None:
        yield Issue(at + ("except",), "applies only with cidr (addresses left out of that block)")
        return
    if cidr is None:
        return
    block, problem = parse_cidr(cidr)
    if block is None:
        yield Issue(at + ("cidr",), problem)
        return
    for index, text in enumerate(item.get("except", ())):
        inner, problem = parse_cidr(text)
        if inner is None:
            yield Issue(at + ("except", index), problem)
        elif not _strictly_inside(inner, block):
            yield Issue(at + ("except", index), f"{text!r} is not inside {cidr!r}; except lists parts of the cidr block")


def _strictly_inside(inner: CidrBlock, outer: CidrBlock) -> bool:
    if isinstance(inner, ipaddress.IPv4Network) and isinstance(outer, ipaddress.IPv4Network):
        return inner != outer and inner.subnet_of(outer)
    if isinstance(inner, ipaddress.IPv6Network) and isinstance(outer, ipaddress.IPv6Network):
        return inner != outer and inner.subnet_of(outer)
    return False


CidrBlock = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_cidr(text: str) -> tuple[CidrBlock | None, str]:
    """A network in CIDR notation, or None and why not."""
    hint = "write an address block like 10.0.0.0/8 or 2001:db8::/32"
    if "/" not in text:
        return None, f"{text!r} is not a CIDR (no /prefix); {hint}"
    try:
        return ipaddress.ip_network(text), ""
    except ValueError:
        pass
    try:
        block = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None, f"{text!r} is not a CIDR; {hint}"
    return None, f"{text!r} has bits set past its prefix; did you mean {str(block)!r}?"


# -- config -------------------------------------------------------------------------

CONFIG_FILES = "files"
CONFIG_ENV = "env"
#: The API server's limit on a ConfigMap's data (keys and values, in bytes).
CONFIG_MAX_BYTES = 1024 * 1024
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Config:
    """A ConfigMap's data (sorted by key), mounted as files or read as environment variables."""

    data: Pairs
    mount_as: str

    @property
    def digest(self) -> str:
        """SHA-256 of the data: the same for the same keys and values, whatever their order in the profile."""
        canonical = json.dumps(dict(self.data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def config(data: Mapping[str, Any] | None) -> Config | None:
    if data is None:
        return None
    files = data.get("files", {})
    return Config(tuple(sorted((str(key), str(value)) for key, value in files.items())), data.get("as", CONFIG_FILES))


def check_config(data: Mapping[str, Any]) -> Iterator[Issue]:
    given = data.get("config")
    if not isinstance(given, Mapping) or not isinstance(given.get("files"), Mapping):
        return
    files: Mapping[str, Any] = given["files"]
    if given.get("as", CONFIG_FILES) == CONFIG_ENV:
        for key in files:
            if not _ENV_NAME.match(str(key)):
                yield Issue(
                    ("config", "files", key),
                    f"with as: env each key becomes an environment variable, and {str(key)!r} is not a valid name "
                    "(letters, digits and _, not starting with a digit); rename it or mount the files (as: files)",
                )
    else:
        mounted = f"/etc/{data['name']}"
        for index, path in enumerate(data.get("writablePaths", ())):
            if folder_path(str(path)) == mounted:
                yield Issue(("writablePaths", index), f"{path!r} is where config is mounted (read-only)")
        if data.get("type") == "database" and folder_path(str(data.get("dataPath", ""))) == mounted:
            yield Issue(("dataPath",), f"is {mounted}, where config is mounted; the volume needs a folder of its own")
    size = sum(len(str(key).encode("utf-8")) + len(str(value).encode("utf-8")) for key, value in files.items())
    if size > CONFIG_MAX_BYTES:
        yield Issue(
            ("config", "files"),
            f"holds {size} bytes; a ConfigMap holds at most {CONFIG_MAX_BYTES} (1 MiB): mount large files from a volume",
        )


# -- expose -------------------------------------------------------------------------

DEFAULT_EXPOSE_PATH = "/"


@dataclass(frozen=True)
class Expose:
    """How the Service's main port is reached from outside: an HTTPRoute on ``gateway``
    (name, namespace), or an Ingress (``ingress_class``, ``tls_secret``) when ``gateway`` is None."""

    host: str
    path: str
    gateway: tuple[str, str | None] | None
    ingress_class: str | None
    tls_secret: str | None


def expose(data: Mapping[str, Any] | None) -> Expose | None:
    if data is None:
        return None
    gateway = data.get("gateway")
    return Expose(
        host=data["host"],
        path=data.get("path", DEFAULT_EXPOSE_PATH),
        gateway=None if gateway is None else (gateway["name"], gateway.get("namespace")),
        ingress_class=data.get("ingress", {}).get("className"),
        tls_secret=data.get("tls", {}).get("secret"),
    )


_UNSAFE_PATH = ("//", "/./", "/../", "%2f", "%2F", "#")


def check_expose(data: Mapping[str, Any]) -> Iterator[Issue]:
    given = data.get("expose")
    if not isinstance(given, Mapping):
        return
    hint = "gateway: {name, namespace} for a Gateway API HTTPRoute, or ingress: {className: nginx} for an Ingress"
    if "gateway" in given and "ingress" in given:
        yield Issue(("expose", "ingress"), f"expose takes one of gateway and ingress, not both: {hint}")
    elif "gateway" not in given and "ingress" not in given:
        yield Issue(("expose",), f"says how the app is reached: add {hint}")
    elif "tls" in given and "gateway" in given:
        yield Issue(
            ("expose", "tls"),
            "applies only to an Ingress: with a gateway, TLS is set on the Gateway's listener (its certificateRefs)",
        )
    host = given.get("host")
    if isinstance(host, str):
        try:
            ipaddress.ip_address(host)
            yield Issue(("expose", "host"), f"{host!r} is an IP address; a host is a DNS name like shop.example.com")
        except ValueError:
            pass
    path = given.get("path")
    if isinstance(path, str):
        bad = next((part for part in _UNSAFE_PATH if part in path), None)
        if bad is None and path.endswith(("/.", "/..")):
            bad = path[path.rindex("/") :]
        if bad is not None:
            yield Issue(("expose", "path"), f"{path!r} holds {bad!r}, which proxies read differently; write a plain path like /api")
