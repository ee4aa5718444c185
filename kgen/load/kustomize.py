"""Kustomize trees: which files are patches, not objects, and a kustomization's build.

A folder with a ``kustomization.yaml`` (or ``.yml``, or ``Kustomization``)
is a kustomization; the files it lists as patches (``patchesStrategicMerge``,
``patches[].path``, ``patchesJson6902[].path``, in a Kustomization or a
Component) are pieces to merge into objects, not objects: a strategic merge
patch is a partial object (no container image, no selector) and a JSON 6902
patch is a list of operations. Checked alone each would be reported as a
broken object, so they are skipped and counted; the objects they patch are
checked whole with ``kgen check --kustomize DIR``.

That builds the kustomization with ``kustomize build`` (or ``kubectl
kustomize``, which embeds it) and checks the output; each finding names the
resource file its object was written in (``config.kubernetes.io/origin``),
and the line of the finding's field there (of its nearest parent that the
file writes: a field a patch adds points at where the patch applies).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from kgen.errors import InputError, LoadError
from kgen.load.discover import Source
from kgen.load.files import read_regular
from kgen.load.repository import work_tree
from kgen.load.yamlload import Document, load_text

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
#: Fields that list other kustomizations (folders) whose patches count too.
_NESTED = ("resources", "bases", "components")
_MAX_BYTES = 1024 * 1024  # a kustomization is a short file; a bigger one is not read for patches


def kustomization_in(folder: str) -> str | None:
    """The kustomization file of a folder, if it has one (in kustomize's order of names)."""
    for name in KUSTOMIZATION_NAMES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def is_kustomization(source: Source) -> bool:
    """A kustomization file configures kustomize; it is not a manifest to check."""
    return source.path is not None and source.path.name in KUSTOMIZATION_NAMES


def read_kustomization(path: str) -> Document | None:
    """A kustomization file's document, or None when it cannot be read as one mapping."""
    try:
        text = read_regular(path, _MAX_BYTES).decode("utf-8-sig")  # TooBig, NotRegular: OSError
    except (OSError, UnicodeDecodeError):
        return None
    for document in load_text(text, path):
        if isinstance(document, LoadError) or not isinstance(document.data, dict):
            return None
        return document
    return None


def patch_paths(data: dict[str, Any]) -> list[str]:
    """The file paths a kustomization lists as patches (inline patches have none), as written."""
    found: list[str] = []
    for entry in _items(data.get("patchesStrategicMerge")):
        if isinstance(entry, str) and "\n" not in entry:  # not an inline patch
            found.append(entry)
    for key in ("patches", "patchesJson6902"):
        for entry in _items(data.get(key)):
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                found.append(entry["path"])
    return found


def nested_folders(data: dict[str, Any]) -> list[str]:
    """Local entries of resources, bases and components, as written (files and URLs among them)."""
    return [entry for key in _NESTED for entry in _items(data.get(key)) if isinstance(entry, str) and "://" not in entry]


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass
class KustomizePatches:
    """The patch files of the kustomizations among and above the checked files."""

    patches: set[str] = field(default_factory=set)  # real paths
    skipped: int = 0
    _seen_folders: set[str] = field(default_factory=set)
    _read: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, sources: Iterable[Source]) -> "KustomizePatches":
        """Read from the folders of ``sources`` (consumed as they come: a tree of many files is not
        held; each folder is looked at once)."""
        found = cls()
        folders: set[str] = set()
        for source in sources:
            if source.path is None:
                continue
            folder = os.path.dirname(str(source.path))
            if folder in folders and not is_kustomization(source):
                continue
            folders.add(folder)
            real = os.path.realpath(folder or ".")
            if is_kustomization(source):
                found._read_tree(real)
            found._ancestors(real)
        return found

    def skips(self, source: Source) -> bool:
        """Whether a source is left out: a kustomization file (not counted), or a patch (counted)."""
        if source.path is None:
            return False
        if is_kustomization(source):
            return True
        if self.patches and os.path.realpath(source.path) in self.patches:
            self.skipped += 1
            return True
        return False

    def _ancestors(self, folder: str) -> None:
        """The kustomizations of a folder and of its parents up to the top of its git work tree
        (never above it, as for .kgen.yaml: a kustomization beside the checkout, in /tmp or a
        home folder, is no part of it); outside any work tree, up to ``/``."""
        top = work_tree(folder)
        while folder not in self._seen_folders:
            self._seen_folders.add(folder)
            self._read_tree(folder)
            parent = os.path.dirname(folder)
            if parent == folder or folder == top:
                return
            folder = parent

    def _read_tree(self, folder: str) -> None:
        """The patches of a folder's kustomization and of the kustomizations it builds on."""
        pending = [folder]
        while pending:
            current = pending.pop()
            if current in self._read:
                continue
            self._read.add(current)
            path = kustomization_in(current)
            document = read_kustomization(path) if path is not None else None
            if document is None:
                continue
            data = document.data
            for patch in patch_paths(data):
                self.patches.add(os.path.realpath(os.path.join(current, patch)))
            for entry in nested_folders(data):
                nested = os.path.realpath(os.path.join(current, entry))
                if os.path.isdir(nested):
                    pending.append(nested)


ORIGIN_ANNOTATION = "config.kubernetes.io/origin"


@dataclass(frozen=True)
class Build:
    """What ``kustomize build DIR`` printed, and where each object it built was written."""

    name: str  # what findings name as their file: <kustomize build DIR>
    text: str
    origins: "BuildOrigins"


def build(folder: str, environ: Mapping[str, str] | None = None) -> Build:
    """Build a kustomization with ``kustomize build`` (or ``kubectl kustomize``); InputError when it cannot.

    It is built twice: as it is (what is checked: the lines of ``kustomize build DIR``), and wrapped
    in a kustomization of kgen's own that asks for ``buildMetadata: [originAnnotations]``, which
    tells each object's resource file without editing the user's. When the wrapped build fails
    (a kustomize too old for buildMetadata), the objects are checked without an origin.
    """
    import tempfile

    command = _command(environ)
    if not os.path.isdir(folder):
        raise InputError(f"--kustomize {folder}: no such folder")
    if kustomization_in(folder) is None:
        raise InputError(f"--kustomize {folder}: no kustomization.yaml, kustomization.yml or Kustomization in it")
    text = _run([*command, folder], folder, environ)
    with tempfile.TemporaryDirectory(prefix="kgen-kustomize-") as wrapper:
        target = os.path.relpath(os.path.abspath(folder), wrapper)
        with open(os.path.join(wrapper, "kustomization.yaml"), "w", encoding="utf-8") as handle:
            handle.write(f"resources:\n- {target}\nbuildMetadata: [originAnnotations]\n")
        try:
            annotated = _run([*command, wrapper], folder, environ)
        except InputError:
            annotated = ""
        origins = BuildOrigins.of(text, annotated, wrapper)
    return Build(f"<kustomize build {folder}>", text, origins)


def _command(environ: Mapping[str, str] | None) -> list[str]:
    import shutil

    path = (environ if environ is not None else os.environ).get("PATH", os.defpath)
    kustomize = shutil.which("kustomize", path=path)
    if kustomize is not None:
        return [kustomize, "build"]
    kubectl = shutil.which("kubectl", path=path)
    if kubectl is not None:
        return [kubectl, "kustomize"]
    raise InputError("--kustomize needs kustomize or kubectl on PATH to build the kustomization; neither was found")


def _run(command: list[str], folder: str, environ: Mapping[str, str] | None) -> str:
    import subprocess

    tool = " ".join([os.path.basename(command[0]), *command[1:-1]])
    try:
        done = subprocess.run(command, capture_output=True, env=dict(environ) if environ is not None else None, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"--kustomize {folder}: {tool} could not be run: {exc}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = said[-1] if said else f"exit status {done.returncode}"
        raise InputError(f"--kustomize {folder}: {tool} failed: {detail}")
    return done.stdout.decode("utf-8", "replace")


Key = tuple[str, str, str]  # kind, namespace, name


class BuildOrigins:
    """Lines of a build -> the resource file its object came from, and the field's line there."""

    def __init__(self, spans: list[tuple[int, int, Key]], files: dict[Key, str]) -> None:
        self._spans = spans  # (first line, last line, object), one per document of the build
        self._files = files  # object -> its resource file, as findings name it
        self._documents: dict[str, list[Document]] = {}

    @classmethod
    def of(cls, text: str, annotated: str, wrapper: str) -> "BuildOrigins":
        spans = [(first, last, _key(doc.data)) for doc, (first, last) in _documents(text)]
        files: dict[Key, str] = {}
        for document, _ in _documents(annotated):
            origin = _origin_path(document.data, wrapper)
            if origin is not None:
                files[_key(document.data)] = origin
        return cls(spans, files)

    def origin(self, line: int, path: str) -> tuple[str, int, bool] | None:
        for first, last, key in self._spans:
            if first <= line <= last:
                break
        else:
            return None
        file = self._files.get(key)
        if file is None:
            return None
        document = self._resource(file, key)
        if document is None:
            return (file, 0, False)
        return (file, document.position(_field_path(document.data, path))[0], False)

    def _resource(self, file: str, key: Key) -> Document | None:
        """The document of the resource file that the built object comes from."""
        if file not in self._documents:
            self._documents[file] = [doc for doc, _ in _documents(_read(file))]
        kind, _, name = key
        candidates = [d for d in self._documents[file] if isinstance(d.data, dict) and d.data.get("kind") == kind]
        for document in candidates:  # the name as written, or within the built one (namePrefix, nameSuffix)
            written = _key(document.data)[2]
            if written == name:
                return document
        for document in candidates:
            written = _key(document.data)[2]
            if written and written in name:
                return document
        return candidates[0] if len(candidates) == 1 else None


def _documents(text: str) -> list[tuple[Document, tuple[int, int]]]:
    if not text:
        return []
    return [(d, d.span) for d in load_text(text, "build") if isinstance(d, Document)]


def _read(file: str) -> str:
    try:
        text = read_regular(file, _MAX_BYTES * 64).decode("utf-8-sig")
        return text.replace("\r\n", "\n").replace("\r", "\n")  # as text mode reads it
    except (OSError, UnicodeDecodeError):
        return ""


def _key(data: Any) -> Key:
    if not isinstance(data, dict):
        return ("", "", "")
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
    return (str(data.get("kind") or ""), str(metadata.get("namespace") or ""), str(metadata.get("name") or ""))


def _origin_path(data: Any, wrapper: str) -> str | None:
    """The resource file of a built object, from its config.kubernetes.io/origin annotation, as
    findings name files (relative to the working folder when inside it); a generated object's
    kustomization (configuredIn). Remote resources (repo:) have no local file: None."""
    metadata = data.get("metadata") if isinstance(data, dict) else None
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    value = annotations.get(ORIGIN_ANNOTATION) if isinstance(annotations, dict) else None
    if not isinstance(value, str):
        return None
    origin = next((d.data for d in load_text(value, ORIGIN_ANNOTATION) if isinstance(d, Document)), None)
    if not isinstance(origin, dict) or origin.get("repo"):
        return None
    written = origin.get("path") or origin.get("configuredIn")
    if not isinstance(written, str):
        return None
    absolute = os.path.normpath(os.path.join(wrapper, written))
    relative = os.path.relpath(absolute)
    return relative if not relative.startswith("..") else absolute


def _field_path(data: Any, written: str) -> tuple[str | int, ...]:
    """Finding.path (``spec.template.spec.containers[0].image``) as a path into ``data``; keys with
    dots in them (``app.kubernetes.io/name``) are told apart by the keys the data has."""
    path: list[str | int] = []
    rest = written
    node = data
    while rest:
        if rest.startswith("["):
            end = rest.find("]")
            if end < 0 or not rest[1:end].isdigit():
                break
            index = int(rest[1:end])
            path.append(index)
            node = node[index] if isinstance(node, list) and index < len(node) else None
            rest = rest[end + 1 :].removeprefix(".")
            continue
        keys = [k for k in node if rest == k or rest.startswith((k + ".", k + "["))] if isinstance(node, dict) else []
        key = max(keys, key=len) if keys else rest.split(".")[0].split("[")[0]
        path.append(key)
        node = node.get(key) if isinstance(node, dict) else None
        rest = rest[len(key) :].removeprefix(".")
    return tuple(path)
