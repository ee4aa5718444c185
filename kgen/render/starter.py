"""``kgen init``: a commented starter profile that renders and checks clean as written.

The starter names every field a new app usually needs, with the default kgen uses
when it is left out; optional parts are commented out, ready to be switched on.
Before anything is written the text is rendered, so a name kgen would refuse is
reported at once and a starter that could not render is never left behind.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass

from kgen.errors import KgenError, ProfileError
from kgen.resources import data_dir

TYPES = ("web", "batch", "database")
SCHEMA_LINE = "# yaml-language-server: $schema={schema}\n"

_WEB = """\
name: {name}
type: web
# Pinned: a tag other than latest, or a digest.
image: {image}
# namespace: shop
# The resource preset (kgen presets lists them).
size: medium
# The main port, named http: the Service and the probes use it.
port: 8080
health:
  # Liveness and startup probes; readiness too unless readinessPath is set.
  path: /healthz
  # readinessPath: /ready
replicas: {{min: 2, max: 10}}
# Percent of the CPU request; false for a fixed replica count.
autoscale: {{cpu: 70}}
# resources:
#   requests: {{cpu: 250m, memory: 256Mi}}
env:
  LOG_LEVEL: info
  # DATABASE_PASSWORD: {{secret: {name}-db, key: password}}
# The root filesystem is read-only; /tmp is writable, and so are these.
# writablePaths: [/var/cache/{name}]
# Keep serving while endpoints stop routing to a stopping pod, then SIGTERM.
shutdown: {{drainSeconds: 10}}
# terminationGraceSeconds: 30
# A ServiceMonitor and alerts for Prometheus Operator (error rate, latency, CPU, memory, restarts).
# monitoring: {{path: /metrics, interval: 30s}}
# A NetworkPolicy: the app's ports open to its namespace and these peers only.
# network: {{ingressFrom: [{{namespace: ingress-nginx}}], egress: [dns]}}
# An HTTPRoute on a Gateway (or an Ingress with ingress.className).
# expose: {{host: {name}.example.com, gateway: {{name: public, namespace: gateways}}}}
# A ConfigMap mounted at /etc/{name}, rolled out with the pods when it changes.
# config: {{files: {{app.yaml: "log: info"}}}}
# The pods run as user 65532; image keeps the image's own numeric USER.
# security: {{runAsUser: image}}
"""

_BATCH = """\
name: {name}
type: batch
# Pinned: a tag other than latest, or a digest.
image: {image}
# namespace: jobs
# The resource preset (kgen presets lists them).
size: small
# A CronJob (in job.timeZone, Etc/UTC by default); without it, a Job.
# schedule: "0 3 * * *"
# command: [/app/run]
# args: [--once]
env:
  LOG_LEVEL: info
job:
  # Retries before the Job fails, and how long it may run.
  backoffLimit: 3
  activeDeadlineSeconds: 3600
  # restartPolicy: OnFailure
# A NetworkPolicy: no way in, and out only to DNS and these.
# network: {{egress: [dns, {{cidr: 10.0.0.0/8, ports: [5432]}}]}}
# The pods run as user 65532; image keeps the image's own numeric USER.
# security: {{runAsUser: image}}
"""

_DATABASE = """\
name: {name}
type: database
# Pinned: a tag other than latest, or a digest.
image: {image}
# namespace: data
# The resource preset (kgen presets lists them).
size: medium
# The main port, named tcp: the probes connect to it.
port: 5432
# A single instance; 3 for a database that clusters itself.
replicas: 1
# A single instance is a choice (every restart is downtime), acknowledged here.
annotations:
  kgen.dev/ignore: replicas-single
# The volume of each replica; the claim is kept when the StatefulSet goes.
storage: 10Gi
# storageClass: fast-ssd
dataPath: /data
# health:
#   exec: [pg_isready, -U, postgres]
# Keep serving while endpoints stop routing to a stopping pod, then SIGTERM.
shutdown: {{drainSeconds: 10}}
# terminationGraceSeconds: 120
# A ServiceMonitor and alerts for Prometheus Operator (CPU, memory, restarts).
# monitoring: {{port: metrics}}
# extraPorts: [{{name: metrics, port: 9187}}]
# The pods run as user and group 65532 and own the volume; the image's database user instead.
# security: {{runAsUser: 999}}
"""

_TEMPLATES = {"web": _WEB, "batch": _BATCH, "database": _DATABASE}
_DEFAULT_IMAGES = {
    "web": "registry.example.com/{name}:0.1.0",
    "batch": "registry.example.com/{name}:0.1.0",
    "database": "postgres:16.4",
}


@dataclass(frozen=True)
class Starter:
    """A starter profile: where it goes and what it says."""

    path: str
    text: str


def starter(name: str, app_type: str, image: str | None, path: str, schema: str | None = None) -> Starter:
    """The starter text for ``path``; KgenError (exit 2) when kgen would refuse it."""
    from kgen.render.api import render_text

    chosen = image or _DEFAULT_IMAGES[app_type].format(name=name)
    _refuse_what_templating_would_misread(name, chosen, schema)
    body = _TEMPLATES[app_type].format(name=name, image=chosen)
    text = SCHEMA_LINE.format(schema=schema or schema_reference(path)) + body
    try:
        render_text(text, source=path)
    except ProfileError as exc:
        field = exc.field or "name"
        given = chosen if field.startswith("image") else name
        raise KgenError(f"{given!r} cannot be the app's {field.split('.')[0]}: {exc.message}") from None
    return Starter(path, text)


# The starter is a text template: a value written into it must stay one plain YAML scalar.
_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_IMAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/@+-]*")


def _refuse_what_templating_would_misread(name: str, image: str, schema: str | None) -> None:
    """A name, image or schema that would change the starter's YAML (``a: b``, a line break) is
    refused before it is written into the template, in the words the render would use."""
    if not _NAME.fullmatch(name):
        raise KgenError(
            f"{name!r} cannot be the app's name: {name!r} is not a DNS-1123 label: use lowercase letters, digits "
            "and '-', start with a letter and end with a letter or digit"
        )
    if not _IMAGE.fullmatch(image):
        raise KgenError(f"{image!r} cannot be the app's image: an image reference has no spaces, quotes or line breaks")
    if schema is not None and (not schema.isprintable() or not schema.strip()):
        raise KgenError(f"{schema!r} cannot be the schema line: it must be one line of printable text")


def schema_reference(path: str) -> str:
    """The profile schema kgen validates with, relative to the folder of ``path`` where it can be."""
    schema = data_dir("schemas") / "profile.schema.json"
    folder = os.path.dirname(os.path.abspath(path))
    try:
        return os.path.relpath(schema, folder).replace(os.sep, "/")
    except ValueError:  # another drive (Windows)
        return schema.as_uri()


def write_new(item: Starter) -> None:
    """Write ``item`` only if nothing is at its path: never overwrite (even when racing another
    writer), never leave half a file (the text goes to a temporary file that is then linked)."""
    if os.path.lexists(item.path):
        raise KgenError(f"{item.path}: already exists; kgen init never overwrites a file")
    folder = os.path.dirname(os.path.abspath(item.path))
    try:
        fd, temporary = tempfile.mkstemp(prefix=".kgen-init-", suffix=".yaml", dir=folder)
    except OSError as exc:
        raise KgenError(f"{item.path}: cannot create: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(item.text)
        os.chmod(temporary, 0o644)
        os.link(temporary, item.path)
    except FileExistsError:
        raise KgenError(f"{item.path}: already exists; kgen init never overwrites a file") from None
    except OSError as exc:
        raise KgenError(f"{item.path}: cannot create: {exc.strerror}") from None
    finally:
        os.unlink(temporary)
