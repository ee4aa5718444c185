"""``kgen init``: a commented starter profile that renders and checks clean as written.

The starter names every field a new app usually needs, with the default kgen uses
when it is left out; optional parts are commented out, ready to be switched on.
Before anything is written the text is rendered, so a name kgen would refuse is
reported at once and a starter that could not render is never left behind.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

from kgen.errors import KgenError, ProfileError
from kgen.resources import data_dir

TYPES = ("web", "batch", "database")
SCHEMA_LINE = "# yaml-language-server: $schema={schema}\n"

_WEB = """\
name: {name}
type: web
image: {image}          # pinned: a tag other than latest, or a digest
# namespace: shop
size: medium                 # resource preset: kgen presets lists them
port: 8080                   # named http; the Service and probes use it
health:
  path: /healthz             # liveness and startup; readiness too unless readinessPath is set
  # readinessPath: /ready
replicas: {{min: 2, max: 10}}
autoscale: {{cpu: 70}}         # % of the CPU request; false for a fixed replica count
# resources:
#   requests: {{cpu: 250m, memory: 256Mi}}
env:
  LOG_LEVEL: info
  # DATABASE_PASSWORD: {{secret: {name}-db, key: password}}
# writablePaths: [/var/cache/{name}]   # the root filesystem is read-only; /tmp is writable
shutdown: {{drainSeconds: 10}} # keep serving while endpoints stop routing, then SIGTERM
# terminationGraceSeconds: 30        # after the drain: SIGTERM to SIGKILL
# security: {{runAsUser: 65532}}       # or `image` for the image's own numeric USER
"""

_BATCH = """\
name: {name}
type: batch
image: {image}          # pinned: a tag other than latest, or a digest
# namespace: jobs
size: small                  # resource preset: kgen presets lists them
# schedule: "0 3 * * *"      # a CronJob (in job.timeZone, Etc/UTC by default); without it, a Job
# command: [/app/run]
# args: [--once]
env:
  LOG_LEVEL: info
job:
  backoffLimit: 3            # retries before the Job fails
  activeDeadlineSeconds: 3600
  # restartPolicy: OnFailure
# security: {{runAsUser: 65532}}       # or `image` for the image's own numeric USER
"""

_DATABASE = """\
name: {name}
type: database
image: {image}          # pinned: a tag other than latest, or a digest
# namespace: data
size: medium                 # resource preset: kgen presets lists them
port: 5432                   # named tcp; probes connect to it
replicas: 1                  # a single instance; 3 for a database that clusters itself
annotations:
  kgen.dev/ignore: replicas-single   # a single instance is a choice: every restart is downtime
storage: 10Gi                # per replica; the claim is kept when the StatefulSet goes
# storageClass: fast-ssd
dataPath: /data
# health:
#   exec: [pg_isready, -U, postgres]
shutdown: {{drainSeconds: 10}} # keep serving while endpoints stop routing, then SIGTERM
# terminationGraceSeconds: 120       # after the drain: SIGTERM to SIGKILL, time to flush
# security: {{runAsUser: 999}}          # the image's database user, when it needs its own
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
    body = _TEMPLATES[app_type].format(name=name, image=chosen)
    text = SCHEMA_LINE.format(schema=schema or schema_reference(path)) + body
    try:
        render_text(text, source=path)
    except ProfileError as exc:
        field = exc.field or "name"
        given = chosen if field.startswith("image") else name
        raise KgenError(f"{given!r} cannot be the app's {field.split('.')[0]}: {exc.message}") from None
    return Starter(path, text)


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
