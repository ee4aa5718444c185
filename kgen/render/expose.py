"""How a web app is reached from outside the cluster: a Gateway API HTTPRoute on the
Gateway the profile names, or an Ingress; both send ``host`` + ``path`` (a prefix) to
the app's Service on its main port."""

from __future__ import annotations

from kgen.errors import InternalError
from kgen.render.pod import Obj, new_object
from kgen.render.profile import Profile
from kgen.render.traffic import Expose


def routes(profile: Profile) -> list[Obj]:
    given = profile.expose
    if given is None:
        return []
    if profile.port is None:
        raise InternalError(f"app {profile.name!r} is exposed but has no port")
    if given.gateway is not None:
        return [http_route(profile, given, given.gateway, profile.port.number)]
    return [ingress(profile, given, profile.port.number)]


def http_route(profile: Profile, given: Expose, gateway: tuple[str, str | None], port: int) -> Obj:
    name, namespace = gateway
    parent: Obj = {"name": name}
    if namespace is not None:
        parent["namespace"] = namespace
    spec: Obj = {
        "parentRefs": [parent],
        "hostnames": [given.host],
        "rules": [
            {
                "matches": [{"path": {"type": "PathPrefix", "value": given.path}}],
                "backendRefs": [{"name": profile.name, "port": port}],
            }
        ],
    }
    return new_object("gateway.networking.k8s.io/v1", "HTTPRoute", profile, profile.name, spec)


def ingress(profile: Profile, given: Expose, port: int) -> Obj:
    spec: Obj = {}
    if given.ingress_class is not None:
        spec["ingressClassName"] = given.ingress_class
    if given.tls_secret is not None:
        spec["tls"] = [{"hosts": [given.host], "secretName": given.tls_secret}]
    backend = {"service": {"name": profile.name, "port": {"number": port}}}
    spec["rules"] = [
        {"host": given.host, "http": {"paths": [{"path": given.path, "pathType": "Prefix", "backend": backend}]}}
    ]
    return new_object("networking.k8s.io/v1", "Ingress", profile, profile.name, spec)
