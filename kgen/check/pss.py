"""The Pod Security Standards, control by control, as Pod Security admission evaluates them.

One function per control of the baseline and restricted levels (the
Kubernetes page "Pod Security Standards"; kubernetes/pod-security-admission
``policy/check_*.go``). Each reads a pod spec and the pod's metadata (the
template's, for a workload) and yields a :class:`Problem` per offending field:
where it is and what is wrong. Every container kind counts (init, app and
ephemeral containers), and pod-level and container-level fields combine as
admission combines them: runAsNonRoot set on a container overrides the pod's,
a seccomp profile on the pod covers the containers that set none.

Each control carries its level and the Kubernetes versions it was registered
with (the first is the one it applies from; later ones change its semantics,
e.g. the safe sysctls grow). A restricted control may override a baseline one
at the restricted level, as admission's registry does.

The PSS rules are thin logic modules over :func:`rule_problems`;
pod-security-rejected evaluates a whole level through :func:`evaluate`.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import cached_property
from collections.abc import Mapping
from typing import Any, Callable, Iterator

from kgen.load.yamlload import FieldPath
from kgen.model.k8s import ContainerRef, containers, get_path
from kgen.model.kubeschema import release

Version = tuple[int, int]
BASELINE = "baseline"
RESTRICTED = "restricted"
PRIVILEGED = "privileged"
LEVELS = (PRIVILEGED, BASELINE, RESTRICTED)
#: The tags a rule of a level carries in its policy file.
LEVEL_TAGS = {BASELINE: "pss-baseline", RESTRICTED: "pss-restricted"}
ALL_SECTIONS = ("initContainers", "containers", "ephemeralContainers")


def level_selects(tags: tuple[str, ...], level: str) -> bool | None:
    """Whether ``podSecurity: <level>`` runs a rule with these tags (restricted includes baseline);
    None for a rule of no level."""
    levels = [name for name, tag in LEVEL_TAGS.items() if tag in tags]
    if not levels:
        return None
    return level == RESTRICTED or BASELINE in levels


parse_version = release  # ``1.30`` (kgen's target version) -> (1, 30)


@dataclass(frozen=True)
class Pod:
    """What a control reads: the pod spec, the pod's metadata, and the version evaluated."""

    spec: Mapping[str, Any]
    metadata: Mapping[str, Any]
    version: Version

    @cached_property
    def containers(self) -> tuple[ContainerRef, ...]:
        """Every container, init and ephemeral ones too (paths from the pod spec)."""
        return tuple(containers(self.spec, (), ALL_SECTIONS))

    @property
    def security_context(self) -> Mapping[str, Any]:
        return _mapping(self.spec.get("securityContext"))

    @property
    def windows(self) -> bool:
        return bool(get_path(self.spec, ("os", "name")) == "windows")

    @property
    def user_namespace(self) -> bool:
        """hostUsers: false: the pod runs in its own user namespace."""
        return self.spec.get("hostUsers") is False

    @property
    def annotations(self) -> Mapping[str, Any]:
        return _mapping(self.metadata.get("annotations"))


@dataclass(frozen=True)
class Problem:
    """One offending field: its path (from the pod spec, or from the pod's metadata) and what is wrong."""

    path: FieldPath
    message: str
    in_metadata: bool = False
    container: str | None = None
    severity: str | None = None  # a case-dependent severity, when not the rule's default
    rule: str | None = None  # the rule that reports it, when not the control's own
    implied: bool = False  # only by a default the API server applies (hostNetwork makes container ports host ports)


Evaluator = Callable[[Pod], Iterator[Problem]]


@dataclass(frozen=True)
class Control:
    """A control of the standard, as admission registers it."""

    id: str  # admission's check id (policy/check_<id>.go)
    name: str  # the control's name on the Pod Security Standards page
    level: str
    rule: str  # the kgen rule that reports it ("" when only pod-security-rejected does)
    versions: tuple[Version, ...]  # where it was registered; it applies from the first
    evaluate: Evaluator
    overrides: tuple[str, ...] = ()  # baseline controls it replaces at the restricted level
    rules: tuple[str, ...] = field(default=())  # every rule its problems go to (default: (rule,))

    def applies(self, version: Version) -> bool:
        return version >= self.versions[0]

    @property
    def reported_by(self) -> tuple[str, ...]:
        return self.rules or ((self.rule,) if self.rule else ())


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _context(container: ContainerRef) -> Mapping[str, Any]:
    return _mapping(container.data.get("securityContext"))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _who(container: ContainerRef) -> str:
    kind = {"initContainers": "init container", "ephemeralContainers": "ephemeral container"}.get(
        container.section, "container"
    )
    return f'{kind} "{container.name}"'


def _sc(container: ContainerRef, *rest: str | int) -> FieldPath:
    return (*container.path, "securityContext", *rest)


# --- baseline -------------------------------------------------------------------------------------

_HOST_NAMESPACES = {
    "hostNetwork": "shares the node's network namespace: it sees every interface of the node and binds on them",
    "hostPID": "shares the node's process namespace: its containers see every process on the node",
    "hostIPC": "shares the node's IPC namespace: its containers reach the shared memory of the node's processes",
}


def host_namespaces(pod: Pod) -> Iterator[Problem]:
    for name, effect in _HOST_NAMESPACES.items():
        if pod.spec.get(name) is True:
            yield Problem((name,), f"the pod sets {name}: true and {effect}")


def host_process(pod: Pod) -> Iterator[Problem]:
    if get_path(pod.security_context, ("windowsOptions", "hostProcess")) is True:
        yield Problem(
            ("securityContext", "windowsOptions", "hostProcess"),
            "the pod sets windowsOptions.hostProcess: true: its containers run as processes on the Windows "
            "node, with the node's network and file system and the privileges of their user",
        )
    for c in pod.containers:
        if get_path(_context(c), ("windowsOptions", "hostProcess")) is True:
            yield Problem(
                _sc(c, "windowsOptions", "hostProcess"),
                f"{_who(c)} sets windowsOptions.hostProcess: true: it runs as a process on the Windows node, "
                "outside any container isolation",
                container=c.name,
            )


def privileged(pod: Pod) -> Iterator[Problem]:
    for c in pod.containers:
        if _context(c).get("privileged") is True:
            yield Problem(_sc(c, "privileged"), f"{_who(c)} runs privileged (securityContext.privileged)", container=c.name)


#: The capabilities a container runtime grants by default: baseline allows adding these back.
DEFAULT_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
_CAPABILITY_EFFECTS = {
    "ALL": "every Linux capability, nearly what privileged gives",
    "SYS_ADMIN": "mounts, namespaces and much of the kernel's administration: a short step to the node",
    "NET_ADMIN": "it can reconfigure the pod's network: interfaces, routes, firewall rules, sniffing",
    "SYS_PTRACE": "it can trace and inspect other processes it can see",
    "SYS_MODULE": "it can load kernel modules: the node's kernel",
    "NET_RAW": "raw sockets: spoofed packets on the pod network",
}
_SEVERE_CAPABILITIES = frozenset({"ALL", "SYS_ADMIN", "SYS_MODULE"})


def capability_name(written: str) -> str:
    """The capability the runtime grants for a written name (``cap_sys_admin`` -> SYS_ADMIN)."""
    name = written.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


def _added(pod: Pod) -> Iterator[tuple[ContainerRef, int, Any]]:
    for c in pod.containers:
        for index, value in enumerate(_list(_mapping(_context(c).get("capabilities")).get("add"))):
            yield c, index, value


def capabilities_baseline(pod: Pod) -> Iterator[Problem]:
    """Only the runtime's default capabilities may be added; names are compared exactly, as written."""
    for c, index, value in _added(pod):
        if not isinstance(value, str):
            continue  # not a name: schema-invalid says so
        if value in DEFAULT_CAPABILITIES:
            continue
        path = _sc(c, "capabilities", "add", index)
        name = capability_name(value)
        if name in DEFAULT_CAPABILITIES:
            yield Problem(
                path,
                f"{_who(c)} adds {value!r}: Pod Security admission compares capability names exactly, so it is "
                f"outside the baseline default set as written (the runtime grants {name}); write {name}",
                container=c.name,
            )
            continue
        effect = _CAPABILITY_EFFECTS.get(name)
        shown = name if name == value else f"{value!r} ({name})"
        what = f"{shown}, which is outside the baseline default set" + (f": {effect}" if effect else "")
        yield Problem(
            path,
            f"{_who(c)} adds {what}",
            container=c.name,
            severity="error" if name in _SEVERE_CAPABILITIES else None,
        )


def capabilities_restricted(pod: Pod) -> Iterator[Problem]:
    """Restricted: drop ALL, add only NET_BIND_SERVICE (from 1.25 Windows pods are exempt)."""
    if pod.windows and pod.version >= (1, 25):
        return
    for c in pod.containers:
        context = _context(c)
        capabilities = context.get("capabilities")
        if "ALL" not in _list(_mapping(capabilities).get("drop")):
            yield Problem(
                _sc(c, "capabilities", "drop"),
                f'{_who(c)} does not drop ALL capabilities (securityContext.capabilities.drop)',
                container=c.name,
                rule="capabilities-not-dropped",
            )
    for c, index, value in _added(pod):
        if value == "NET_BIND_SERVICE":
            continue
        yield Problem(
            _sc(c, "capabilities", "add", index),
            f"{_who(c)} adds {value}; Pod Security restricted allows adding only NET_BIND_SERVICE",
            container=c.name,
            rule="capabilities-added",
        )


#: hostPath paths that hand over the node: the container runtimes' sockets and the node's own configuration.
RUNTIME_SOCKETS = frozenset(
    {
        "/var/run/docker.sock",
        "/var/run/dockershim.sock",
        "/var/run/cri-dockerd.sock",
        "/var/run/containerd/containerd.sock",
        "/var/run/crio/crio.sock",
        "/var/run/k3s/containerd/containerd.sock",
    }
)
#: Folders that hold a runtime's socket: mounting one reaches the socket.
RUNTIME_SOCKET_DIRS = frozenset({"/var/run/docker", "/var/run/containerd", "/var/run/crio", "/var/run/k3s"})
SENSITIVE_HOST_PATHS = frozenset({"/", "/etc", "/proc", "/var/lib/kubelet", "/var/run"})


def host_path(written: str) -> str:
    """A hostPath as the node resolves it: normalised, with /run and /var/run alike (one is a link to the other)."""
    path = posixpath.normpath("/" + written.strip()) if written.strip() else "/"
    path = "/" + path.lstrip("/")
    if path == "/run" or path.startswith("/run/"):
        path = "/var" + path
    return path


def _host_path_danger(path: str, read_only: bool) -> tuple[str, str] | None:
    """(why, severity) for a path that hands over the node; a socket is reachable on a read-only mount too."""
    if path in RUNTIME_SOCKETS or path in RUNTIME_SOCKET_DIRS:
        return "the container runtime's socket: whoever reaches it starts privileged containers on the node", "error"
    if path in SENSITIVE_HOST_PATHS:
        why = "the node's own system files (its configuration, processes, runtime sockets or kubelet credentials)"
        if read_only:
            return why + ", mounted read-only: still readable", "warning"
        return why, "error"
    return None


def host_path_volumes(pod: Pod) -> Iterator[Problem]:
    mounts: dict[str, list[str]] = {}
    mounted: dict[str, str] = {}  # volume -> the first container that mounts it
    for c in pod.containers:
        for mount in _list(c.data.get("volumeMounts")):
            mount = _mapping(mount)
            if not isinstance(mount.get("name"), str):
                continue
            mounted.setdefault(mount["name"], c.name)
            if mount.get("readOnly") is not True:
                mounts.setdefault(mount["name"], []).append(f"{_who(c)} mounts it writable at {mount.get('mountPath')}")
    for index, volume in enumerate(_list(pod.spec.get("volumes"))):
        volume = _mapping(volume)
        source = volume.get("hostPath")
        if source is None:
            continue
        written = _mapping(source).get("path")
        where = host_path(written) if isinstance(written, str) and written.strip() else ""
        name = volume.get("name")
        message = f'volume "{name}" mounts the node\'s {where or "file system"} (hostPath)'
        writable = mounts.get(name, []) if isinstance(name, str) else []
        read_only = isinstance(name, str) and name in mounted and not writable  # a list or mapping: schema-invalid
        danger = _host_path_danger(where, read_only) if where else None
        if danger:
            message += f": {danger[0]}"
        if writable:
            message += "; " + ", ".join(writable)
        container = mounted.get(name) if isinstance(name, str) else None
        yield Problem(("volumes", index, "hostPath"), message, container=container, severity=danger[1] if danger else None)


def host_ports(pod: Pod) -> Iterator[Problem]:
    """hostPort set and not 0; with hostNetwork the API server makes every container port a host port."""
    host_network = pod.spec.get("hostNetwork") is True
    for c in pod.containers:
        for index, port in enumerate(_list(c.data.get("ports"))):
            port = _mapping(port)
            value = port.get("hostPort")
            path = (*c.path, "ports", index, "hostPort")
            if _is_int(value) and value != 0:
                yield Problem(
                    path,
                    f"{_who(c)} binds hostPort {value} on the node: one such pod per node, reachable on the "
                    "node's address",
                    container=c.name,
                )
            elif host_network and _is_int(port.get("containerPort")) and port["containerPort"] != 0:
                yield Problem(
                    (*c.path, "ports", index, "containerPort"),
                    f"{_who(c)} port {port['containerPort']} is a host port: with hostNetwork the API server "
                    "sets hostPort to the containerPort",
                    container=c.name,
                    implied=True,
                )


def host_probes(pod: Pod) -> Iterator[Problem]:
    """From 1.34 a probe or lifecycle handler may not name a host: it would reach another machine."""
    for c in pod.containers:
        places: list[tuple[str, ...]] = [(probe,) for probe in ("livenessProbe", "readinessProbe", "startupProbe")]
        places += [("lifecycle", hook) for hook in ("postStart", "preStop")]
        for place in places:
            handler = _mapping(get_path(c.data, place))
            for kind in ("httpGet", "tcpSocket"):
                host = _mapping(handler.get(kind)).get("host")
                if isinstance(host, str) and host:
                    yield Problem(
                        (*c.path, *place, kind, "host"),
                        f"{_who(c)} {'.'.join(place)} {kind} names host {host}",
                        container=c.name,
                    )


_APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


def apparmor_profile(pod: Pod) -> Iterator[Problem]:
    allowed = ("RuntimeDefault", "Localhost")
    profile = pod.security_context.get("appArmorProfile")
    if isinstance(profile, Mapping) and profile.get("type") not in allowed:
        yield Problem(
            ("securityContext", "appArmorProfile", "type"),
            f"the pod sets appArmorProfile type {profile.get('type')}: its containers run without the "
            "runtime's AppArmor confinement",
        )
    for c in pod.containers:
        profile = _context(c).get("appArmorProfile")
        if isinstance(profile, Mapping) and profile.get("type") not in allowed:
            yield Problem(
                _sc(c, "appArmorProfile", "type"),
                f"{_who(c)} sets appArmorProfile type {profile.get('type')}: it runs without the runtime's "
                "AppArmor confinement",
                container=c.name,
            )
    names = {c.name for c in pod.containers}
    for key, value in pod.annotations.items():
        if not isinstance(key, str) or not key.startswith(_APPARMOR_PREFIX):
            continue
        text = value if isinstance(value, str) else str(value)
        if text in ("", "runtime/default") or text.startswith("localhost/"):
            continue
        name = key[len(_APPARMOR_PREFIX):]
        message = f'the AppArmor annotation for container "{name}" is {text!r}'
        if text == "unconfined":
            message += ": the container runs without AppArmor confinement"
        else:
            message += ", which is not runtime/default or localhost/<profile>"
        if name not in names:
            message += f'; no container of this pod is called "{name}" (the API server refuses the pod)'
        yield Problem(("annotations", key), message, in_metadata=True)


SELINUX_TYPES_1_0 = ("container_t", "container_init_t", "container_kvm_t")
SELINUX_TYPES_1_31 = (*SELINUX_TYPES_1_0, "container_engine_t")


def selinux_options(pod: Pod) -> Iterator[Problem]:
    types = SELINUX_TYPES_1_31 if pod.version >= (1, 31) else SELINUX_TYPES_1_0
    places: list[tuple[str, FieldPath, Mapping[str, Any], str | None]] = [
        ("the pod", ("securityContext",), pod.security_context, None)
    ]
    places += [(_who(c), _sc(c), _context(c), c.name) for c in pod.containers]
    for who, base, context, name in places:
        options = context.get("seLinuxOptions")
        if not isinstance(options, Mapping):
            continue
        kind = options.get("type")
        if kind not in (None, "", *types):
            yield Problem(
                (*base, "seLinuxOptions", "type"),
                f"{who} sets seLinuxOptions type {kind}; Pod Security baseline allows only {', '.join(types)} "
                f"(Kubernetes {pod.version[0]}.{pod.version[1]})",
                container=name,
            )
        for part in ("user", "role"):
            value = options.get(part)
            if value not in (None, ""):
                yield Problem(
                    (*base, "seLinuxOptions", part),
                    f"{who} sets seLinuxOptions {part} {value}; Pod Security baseline forbids a custom SELinux {part}",
                    container=name,
                )


def _proc_mount(pod: Pod, restricted: bool) -> Iterator[Problem]:
    for c in pod.containers:
        value = _context(c).get("procMount")
        if value is None or value == "Default":
            continue
        message = f"{_who(c)} sets procMount {value}: the kernel's /proc masks are off in it"
        if restricted and pod.user_namespace:
            message += "; Pod Security restricted refuses it even with hostUsers: false"
        yield Problem(_sc(c, "procMount"), message, container=c.name)


def proc_mount_baseline(pod: Pod) -> Iterator[Problem]:
    if pod.user_namespace and pod.version >= (1, 35):
        return  # in its own user namespace, baseline allows an unmasked /proc
    yield from _proc_mount(pod, restricted=False)


def proc_mount_restricted(pod: Pod) -> Iterator[Problem]:
    yield from _proc_mount(pod, restricted=True)


_SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod"
_SECCOMP_CONTAINER = "container.seccomp.security.alpha.kubernetes.io/"


def _seccomp_explicit(pod: Pod) -> Iterator[Problem]:
    allowed = ("RuntimeDefault", "Localhost")
    profile = pod.security_context.get("seccompProfile")
    if isinstance(profile, Mapping) and profile.get("type") not in allowed:
        yield Problem(
            ("securityContext", "seccompProfile", "type"),
            f"the pod sets seccompProfile type {profile.get('type')}: its containers may make any system call",
        )
    for c in pod.containers:
        profile = _context(c).get("seccompProfile")
        if isinstance(profile, Mapping) and profile.get("type") not in allowed:
            yield Problem(
                _sc(c, "seccompProfile", "type"),
                f"{_who(c)} sets seccompProfile type {profile.get('type')}: it may make any system call",
                container=c.name,
            )


def seccomp_baseline(pod: Pod) -> Iterator[Problem]:
    if pod.version >= (1, 19):
        yield from _seccomp_explicit(pod)
        return
    # before 1.19 admission reads the annotations
    allowed = ("runtime/default", "docker/default")
    keys = [_SECCOMP_POD, *(_SECCOMP_CONTAINER + c.name for c in pod.containers)]
    for key in keys:
        value = pod.annotations.get(key)
        if value is not None and value not in allowed and not str(value).startswith("localhost/"):
            yield Problem(("annotations", key), f"the seccomp annotation {key} is {value!r}", in_metadata=True)


def seccomp_restricted(pod: Pod) -> Iterator[Problem]:
    """A valid profile on the pod, or on every container that does not inherit one (Windows exempt from 1.25)."""
    if pod.windows and pod.version >= (1, 25):
        return
    yield from _seccomp_explicit(pod)
    profile = pod.security_context.get("seccompProfile")
    if isinstance(profile, Mapping):
        return  # set on the pod: valid (then containers inherit it) or reported above
    missing = [c for c in pod.containers if not isinstance(_context(c).get("seccompProfile"), Mapping)]
    if not missing:
        return
    if len(missing) == len(pod.containers):
        yield Problem(
            ("securityContext", "seccompProfile"),
            "neither the pod nor its containers set seccompProfile type RuntimeDefault or Localhost",
        )
        return
    for c in missing:
        yield Problem(
            _sc(c, "seccompProfile"),
            f"{_who(c)} sets no seccompProfile and the pod sets none; set RuntimeDefault or Localhost",
            container=c.name,
        )


#: The safe sysctls by the version that first allows them (policy/check_sysctls.go).
SAFE_SYSCTLS: tuple[tuple[Version, frozenset[str]], ...] = (
    (
        (1, 0),
        frozenset(
            {
                "kernel.shm_rmid_forced",
                "net.ipv4.ip_local_port_range",
                "net.ipv4.tcp_syncookies",
                "net.ipv4.ping_group_range",
                "net.ipv4.ip_unprivileged_port_start",
            }
        ),
    ),
    ((1, 27), frozenset({"net.ipv4.ip_local_reserved_ports"})),
    (
        (1, 29),
        frozenset(
            {
                "net.ipv4.tcp_keepalive_time",
                "net.ipv4.tcp_fin_timeout",
                "net.ipv4.tcp_keepalive_intvl",
                "net.ipv4.tcp_keepalive_probes",
            }
        ),
    ),
    ((1, 32), frozenset({"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"})),
    ((1, 37), frozenset({"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"})),
)


def safe_sysctls(version: Version) -> frozenset[str]:
    return frozenset().union(*(names for since, names in SAFE_SYSCTLS if version >= since))


def _sysctl_since(name: str) -> Version | None:
    return next((since for since, names in SAFE_SYSCTLS if name in names), None)


def sysctls(pod: Pod) -> Iterator[Problem]:
    safe = safe_sysctls(pod.version)
    shown = f"{pod.version[0]}.{pod.version[1]}"
    for index, item in enumerate(_list(pod.security_context.get("sysctls"))):
        name = _mapping(item).get("name")
        if not isinstance(name, str) or name in safe:
            continue
        path = ("securityContext", "sysctls", index, "name")
        dotted = name.replace("/", ".")
        if dotted != name and dotted in safe:
            yield Problem(
                path,
                f"sysctl {name} is written with slashes; Pod Security admission compares names exactly, so it "
                f"is not the safe {dotted}; write {dotted}",
            )
            continue
        since = _sysctl_since(dotted)
        why = f" (it is safe from Kubernetes {since[0]}.{since[1]})" if since else ""
        yield Problem(
            path,
            f"sysctl {name} is not in the safe set of Kubernetes {shown}{why}: Pod Security baseline refuses it, "
            "and a kubelet that does not list it in --allowed-unsafe-sysctls rejects the pod",
        )


# --- restricted -----------------------------------------------------------------------------------

#: The volume sources restricted allows (an entry with no source is an emptyDir by the API's defaults).
ALLOWED_VOLUME_TYPES = frozenset(
    {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"}
)


def restricted_volumes(pod: Pod) -> Iterator[Problem]:
    for index, volume in enumerate(_list(pod.spec.get("volumes"))):
        volume = _mapping(volume)
        sources = [key for key in volume if key != "name"]
        if not sources or any(key in ALLOWED_VOLUME_TYPES for key in sources):
            continue
        kind = sources[0]
        yield Problem(
            ("volumes", index, kind),
            f'volume "{volume.get("name")}" is of type {kind}; Pod Security restricted allows only '
            f"{', '.join(sorted(ALLOWED_VOLUME_TYPES))}",
            rule="host-path-volume" if kind == "hostPath" else None,
        )


def allow_privilege_escalation(pod: Pod) -> Iterator[Problem]:
    if pod.windows and pod.version >= (1, 25):
        return
    for c in pod.containers:
        if _context(c).get("allowPrivilegeEscalation") is not False:
            yield Problem(
                _sc(c, "allowPrivilegeEscalation"),
                f"{_who(c)} allows privilege escalation (securityContext.allowPrivilegeEscalation)",
                container=c.name,
            )


def run_as_non_root(pod: Pod) -> Iterator[Problem]:
    """runAsNonRoot true on the pod (containers may leave it unset) or on every container; false anywhere fails."""
    if pod.user_namespace and pod.version >= (1, 35):
        return
    pod_value = pod.security_context.get("runAsNonRoot")
    if pod_value is False:
        yield Problem(("securityContext", "runAsNonRoot"), "the pod sets runAsNonRoot: false")
    for c in pod.containers:
        own = _context(c).get("runAsNonRoot")
        if own is False:
            yield Problem(_sc(c, "runAsNonRoot"), f"{_who(c)} sets runAsNonRoot: false", container=c.name)
        elif own is not True and pod_value is not True:
            yield Problem(
                _sc(c, "runAsNonRoot"), f"neither {_who(c)} nor its pod sets runAsNonRoot: true", container=c.name
            )


def run_as_user(pod: Pod) -> Iterator[Problem]:
    """runAsUser: 0 anywhere, on the pod even when every container overrides it (from 1.23)."""
    if pod.user_namespace and pod.version >= (1, 35):
        return
    value = pod.security_context.get("runAsUser")
    if _is_int(value) and value == 0:
        yield Problem(("securityContext", "runAsUser"), "the pod sets runAsUser: 0 (root)")
    for c in pod.containers:
        value = _context(c).get("runAsUser")
        if _is_int(value) and value == 0:
            yield Problem(_sc(c, "runAsUser"), f"{_who(c)} sets runAsUser: 0 (root)", container=c.name)


V = Version
CONTROLS: tuple[Control, ...] = (
    Control("hostProcess", "HostProcess", BASELINE, "host-process", ((1, 0),), host_process),
    Control("hostNamespaces", "Host Namespaces", BASELINE, "host-namespaces", ((1, 0),), host_namespaces),
    Control("privileged", "Privileged Containers", BASELINE, "privileged-container", ((1, 0),), privileged),
    Control("capabilities_baseline", "Capabilities", BASELINE, "capabilities-added", ((1, 0),), capabilities_baseline),
    Control("hostPathVolumes", "HostPath Volumes", BASELINE, "host-path-volume", ((1, 0),), host_path_volumes),
    Control("hostPorts", "Host Ports", BASELINE, "host-port", ((1, 0),), host_ports),
    Control("hostProbesAndHostLifecycle", "Host Probes / Lifecycle Hooks", BASELINE, "", ((1, 34),), host_probes),
    Control("appArmorProfile", "AppArmor", BASELINE, "apparmor-unconfined", ((1, 0),), apparmor_profile),
    Control("seLinuxOptions", "SELinux", BASELINE, "selinux-options", ((1, 0), (1, 31)), selinux_options),
    Control("procMount", "/proc Mount Type", BASELINE, "proc-mount-unmasked", ((1, 0), (1, 35)), proc_mount_baseline),
    Control("seccompProfile_baseline", "Seccomp", BASELINE, "seccomp-profile", ((1, 0), (1, 19)), seccomp_baseline),
    Control("sysctls", "Sysctls", BASELINE, "unsafe-sysctls", tuple(since for since, _ in SAFE_SYSCTLS), sysctls),
    Control(
        "restrictedVolumes", "Volume Types", RESTRICTED, "volume-type-restricted", ((1, 0),), restricted_volumes,
        overrides=("hostPathVolumes",), rules=("volume-type-restricted", "host-path-volume"),
    ),
    Control(
        "allowPrivilegeEscalation", "Privilege Escalation", RESTRICTED, "privilege-escalation", ((1, 8), (1, 25)),
        allow_privilege_escalation,
    ),
    Control("runAsNonRoot", "Running as Non-root", RESTRICTED, "run-as-root", ((1, 0), (1, 35)), run_as_non_root),
    Control("runAsUser", "Running as Non-root user", RESTRICTED, "run-as-root", ((1, 23), (1, 35)), run_as_user),
    Control(
        "seccompProfile_restricted", "Seccomp", RESTRICTED, "seccomp-profile", ((1, 19), (1, 25)), seccomp_restricted,
        overrides=("seccompProfile_baseline",),
    ),
    Control(
        "capabilities_restricted", "Capabilities", RESTRICTED, "capabilities-added", ((1, 22), (1, 25)),
        capabilities_restricted, overrides=("capabilities_baseline",),
        rules=("capabilities-added", "capabilities-not-dropped"),
    ),
    Control(
        "procMount_restricted", "/proc Mount Type", RESTRICTED, "proc-mount-unmasked", ((1, 35),),
        proc_mount_restricted, overrides=("procMount",),
    ),
)
CONTROLS_BY_ID = {control.id: control for control in CONTROLS}


def controls_for(level: str, version: Version) -> list[Control]:
    """The controls admission evaluates for a level at a version (restricted includes baseline, less what it overrides)."""
    if level not in (BASELINE, RESTRICTED):
        return []
    found = [c for c in CONTROLS if c.applies(version) and (c.level == BASELINE or level == RESTRICTED)]
    overridden = {o for c in found for o in c.overrides}
    return [c for c in found if c.id not in overridden]


def evaluate(level: str, version: Version, spec: Mapping[str, Any], metadata: Mapping[str, Any]) -> list[
    tuple[Control, list[Problem]]
]:
    """The controls a pod violates at a level and version, each with its problems, in admission's order."""
    pod = Pod(spec, metadata, version)
    found = []
    for control in controls_for(level, version):
        problems = list(control.evaluate(pod))
        if problems:
            found.append((control, problems))
    return found


def rule_problems(
    rule: str, spec: Mapping[str, Any], metadata: Mapping[str, Any], version: Version, level: str | None
) -> Iterator[Problem]:
    """What one PSS rule reports: its controls' problems at the target version, for the selected level
    (None: every level), each field once (a baseline finding is not repeated by the restricted control)."""
    pod = Pod(spec, metadata, version)
    seen: set[tuple[bool, FieldPath]] = set()
    for control in CONTROLS:
        if rule not in control.reported_by or not control.applies(version):
            continue
        if level == BASELINE and control.level == RESTRICTED:
            continue
        for problem in control.evaluate(pod):
            if (problem.rule or control.rule) != rule or problem.implied:
                continue  # another rule's, or only by a default that another rule's finding explains
            key = (problem.in_metadata, problem.path)
            if key not in seen:
                seen.add(key)
                yield problem
