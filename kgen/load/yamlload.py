"""YAML text -> documents that remember where every field came from.

libyaml (PyYAML's C parser) composes the node tree; a small constructor here
turns nodes into plain Python data. It differs from PyYAML's own in what
Kubernetes users need:

* duplicate keys are errors (kubectl refuses them too);
* aliases are shared, never copied, and the *expanded* size of every document
  is bounded - in total, and to a small multiple of what the document writes
  out - so an alias bomb is refused here and cannot blow up any later walk
  (schema validation, JSON output, rules, diff), each of which sees the
  aliases expanded;
* nesting depth is bounded;
* plain scalars resolve as kubectl and the API server resolve them
  (go-yaml v2 through sigs.k8s.io/yaml, see kgen.load.resolve): ``12:30`` is
  text, ``010`` is 8, ``y`` is true; timestamps and binary stay strings;
  mapping keys become the JSON keys Kubernetes sees (``yes:`` is "true");
* with ``keep_nulls=False`` (check and diff) an explicit null is absent, as
  the API server decodes an optional field set to null;
* the composed node tree is kept, so any path into the data maps back to a
  1-based line and column (`Document.position`).
"""

from __future__ import annotations

import itertools
import marshal
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, NamedTuple, Union

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kgen.errors import LoadError, Location
from kgen.load.lines import LineMap
from kgen.load.resolve import construct, json_key, resolve_plain

try:  # libyaml ships in PyYAML's wheels
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - pure-Python fallback
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_RESOLVED: dict[str, str] = {}  # plain scalar text -> tag; bounded below
_CONSTRUCTED: dict[tuple[str, str], tuple[bool, Any]] = {}  # (core tag, short text) -> construct's answer; bounded


class _Loader(_BaseLoader):
    """libyaml's composer with go-yaml v2's resolver (kgen.load.resolve).

    The C parser calls back into Python to resolve every scalar's tag; plain
    scalars repeat a lot (keys above all), so their tags are cached. No path
    resolvers are registered, so descending and ascending are no-ops.
    """

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = resolve_plain(value)[0] if value else _NULL
                if len(_RESOLVED) < 50_000 and len(value) <= 64:
                    _RESOLVED[value] = tag
            return tag
        # no path resolvers are registered: every other node gets its kind's default tag
        return _STR if kind is ScalarNode else _MAP if kind is MappingNode else _SEQ


PathKey = Union[str, int]
FieldPath = tuple[PathKey, ...]


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile input from exhausting time or memory."""

    max_file_bytes: int = 64 * 1024 * 1024
    # Every later walk (schema validation, rules, diff) recurses once per level:
    # 128 keeps them all well inside Python's stack (the deepest manifest in a
    # 700-file corpus of real projects nests 35 levels).
    max_depth: int = 128
    max_nodes: int = 2_000_000  # expanded nodes (keys too) per document, aliases counted each use
    max_scalar_bytes: int = 8 * 1024 * 1024
    # What alias uses add to a document (nodes, and characters of long scalars)
    # may be at most this many times what it writes out, beyond a free allowance
    # of alias_allowance nodes and 100 times as many characters.
    max_alias_ratio: int = 10
    alias_allowance: int = 10_000


DEFAULT_LIMITS = Limits()

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_CORE_TAGS = frozenset({_INT, _FLOAT, _BOOL, _NULL})

_LONG = 64  # scalars longer than this count as text for the alias bound

# Helm (not Go templates in general: Prometheus and Argo notification
# templates are legitimate rendered content) - un-rendered chart syntax.
_HELM_SYNTAX = re.compile(
    r"\{\{-?\s*(?:\.Values\b|\.Release\b|\.Chart\b|\.Capabilities\b|\.Files\b|\.Template\b"
    r"|include\s|template\s|toYaml\b|tpl\s|if\s|else\b|end\s*-?\}\}|range\s|with\s|define\s|/\*)"
)


_YAML_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029])|[^\r\n\x85\u2028\u2029]+\Z")


def yaml_lines(text: str) -> list[str]:
    """``text`` cut where YAML ends its lines, line ends kept: the lines its marks count."""
    if any(character in text for character in _SPLITLINES_ONLY):
        return _YAML_LINE.findall(text)
    return text.splitlines(keepends=True)  # LF and CRLF only: splitlines agrees


#: Where ``str.splitlines`` ends a line and YAML does not, or the other way round.
_SPLITLINES_ONLY = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


class SourceLines:
    """A file's text as YAML's lines, to re-read one document alone (``load_document_at``)."""

    __slots__ = ("lines", "line_map", "_starts")

    def __init__(self, text: str) -> None:
        self.lines = yaml_lines(text)
        self.line_map = LineMap.of(text)
        self._starts: list[int] | None = None

    def offset(self, line: int) -> int:
        """The character offset of 0-based YAML line ``line``."""
        if self._starts is None:
            starts, total = [], 0
            for text in self.lines:
                starts.append(total)
                total += len(text)
            self._starts = starts
        return self._starts[line] if line < len(self._starts) else sum(map(len, self.lines))


@dataclass
class Document:
    """One YAML document: its data and the node tree it came from."""

    source: str
    index: int
    data: Any
    root: Node | None
    line_offset: int = 0  # lines before this text in its file (a document re-read alone)
    #: where YAML's lines and the file's differ (see LineMap), the map; ``char_offset`` is then
    #: the characters before this text in its file
    line_map: LineMap | None = field(default=None, repr=False, compare=False)
    char_offset: int = 0
    #: Documents read from the same text by one ``Reuse`` share this (their data equal, type for
    #: type, and marshalled in it as ``packed``); None for any other document.
    same_as: Kept | None = field(default=None, repr=False, compare=False)
    #: id(mapping node) -> its keys as read -> (value node, key mark), built on first use, so that
    #: looking up every field of a large mapping stays linear.
    _keys: dict[int, dict[str, tuple[Node, Any]]] = field(default_factory=dict, repr=False, compare=False)
    #: path -> (node or None, mark of its deepest existing part), filled by ``position``.
    _marks: dict[FieldPath, tuple[Node | None, Any]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def start(self) -> tuple[int, int]:
        if self.root is None:
            return (1, 1)
        return self.at(self.root.start_mark)

    def at(self, mark: Any) -> tuple[int, int]:
        """A mark's 1-based line and column in the file, as editors count lines."""
        if self.line_map is None:
            return (mark.line + 1 + self.line_offset, mark.column + 1)
        return self.line_map.at(mark.index + self.char_offset)

    @property
    def line_span(self) -> tuple[int, int]:
        """0-based first and last YAML line (see LineMap) of this document's content, to re-read it alone."""
        if self.root is None:
            return (0, 0)
        return (self.root.start_mark.line + self.line_offset, self.root.end_mark.line + self.line_offset)

    @property
    def span(self) -> tuple[int, int]:
        """1-based first and last line of this document's content, as editors count lines."""
        if self.root is None:
            return (1, 1)
        return (self.at(self.root.start_mark)[0], self.at(self.root.end_mark)[0])

    def position(self, path: FieldPath) -> tuple[int, int]:
        """Line and column of the field at ``path``.

        A mapping entry is located at its key; a sequence item at the item
        (its ``name:`` key when it is a named mapping, as containers are).
        When part of the path does not exist, the nearest existing parent
        is returned: a missing ``resources`` points at its container.
        """
        if self.root is None:
            return (1, 1)
        return self.at(self._located(path)[1])

    def _located(self, path: FieldPath) -> tuple[Node | None, Any]:
        """The node at ``path`` (None when absent) and the mark of the deepest part of it that exists;
        kept per path, so the many fields located in one object share their common prefixes."""
        found = self._marks.get(path)
        if found is None:
            if not path:
                assert self.root is not None
                found = (self.root, self.root.start_mark)
            else:
                parent, mark = self._located(path[:-1])
                child, child_mark = self._step(parent, path[-1]) if parent is not None else (None, None)
                found = (child, child_mark) if child is not None else (None, mark)
            self._marks[path] = found
        return found

    def source_text(self, path: FieldPath) -> str | None:
        """The scalar at ``path`` exactly as written (``yes``, ``0755``), if it exists."""
        node = self.root
        for key in path:
            if node is None:
                return None
            node, _ = self._step(node, key)
        return node.value if isinstance(node, ScalarNode) else None

    def value_position(self, path: FieldPath) -> tuple[int, int]:
        """Line and column of the value at ``path`` (``position`` gives its key); the key's when absent."""
        node = self.root
        for key in path:
            if node is None:
                break
            node, _ = self._step(node, key)
        if node is None:
            return self.position(path)
        return self.at(node.start_mark)

    def renamed_keys(self, path: FieldPath) -> list[tuple[str, str]]:
        """Keys on ``path`` written otherwise than Kubernetes reads them: (read as, written)."""
        node = self.root
        found: list[tuple[str, str]] = []
        for key in path:
            if node is None:
                break
            if isinstance(node, MappingNode) and isinstance(key, str):
                for key_node, _ in node.value:
                    if isinstance(key_node, ScalarNode) and key_node.value != key and _key_text(key_node) == key:
                        found.append((key, str(key_node.value)))
                        break
            node, _ = self._step(node, key)
        return found

    def written_key(self, path: FieldPath) -> str | None:
        """The last key of ``path`` as written, when Kubernetes reads it otherwise (``N`` is "false")."""
        if not path or not isinstance(path[-1], str) or not path[-1] or resolve_plain(path[-1])[0] == _STR:
            return None  # only keys read as booleans or numbers can have been written otherwise
        node = self.root
        for key in path[:-1]:
            if node is None:
                return None
            node, _ = self._step(node, key)
        if not isinstance(node, MappingNode):
            return None
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value != path[-1] and _key_text(key_node) == path[-1]:
                return str(key_node.value)
        return None

    def plain_scalar(self, path: FieldPath) -> str | None:
        """The scalar at ``path`` as written when it is plain (unquoted, untagged), else None."""
        node = self.root
        for key in path:
            if node is None:
                return None
            node, _ = self._step(node, key)
        if isinstance(node, ScalarNode) and not node.style and node.tag in _CORE_TAGS:
            return str(node.value)
        return None

    def _step(self, node: Node, key: PathKey) -> tuple[Node | None, Any]:
        """``_child``, with the keys of each mapping indexed once."""
        if isinstance(node, MappingNode) and isinstance(key, str):
            keys = self._keys.get(id(node))
            if keys is None:
                keys = {}
                for key_node, value_node in _flat_pairs(node):
                    if isinstance(key_node, ScalarNode):
                        text = _key_text(key_node)
                        if text is not None:
                            keys[text] = (value_node, key_node.start_mark)
                self._keys[id(node)] = keys
            return keys.get(key, (None, None))
        return _child(node, key)

    def location(self, path: FieldPath) -> Location:
        line, column = self.position(path)
        return Location(self.source, line, column)


def _child(node: Node, key: PathKey) -> tuple[Node | None, Any]:
    if isinstance(node, MappingNode) and isinstance(key, str):
        for key_node, value_node in reversed(_flat_pairs(node)):
            if isinstance(key_node, ScalarNode) and _key_text(key_node) == key:
                return value_node, key_node.start_mark
        return None, None
    if isinstance(node, SequenceNode) and isinstance(key, int):
        if 0 <= key < len(node.value):
            item = node.value[key]
            mark = item.start_mark
            if isinstance(item, MappingNode):
                for key_node, _ in item.value:
                    if isinstance(key_node, ScalarNode) and _key_text(key_node) == "name":
                        mark = key_node.start_mark
                        break
            return item, mark
    return None, None


def _key_text(node: ScalarNode) -> str | None:
    """The JSON key a scalar key node stands for (as the builder makes it), None if it has none."""
    if node.tag == _STR:
        return str(node.value)
    ok, value = construct(node.tag, node.value) if node.tag in _CORE_TAGS else (True, node.value)
    return json_key(value) if ok else None


def _flat_pairs(node: MappingNode) -> list[tuple[Node, Node]]:
    """Key/value node pairs with YAML merge keys (``<<``) expanded in go-yaml v2's order: the
    last pair of a key is the one that counts (see ``_Builder._merged_mapping``)."""
    if not any(k.tag == _MERGE for k, _ in node.value):
        return list(node.value)
    pairs: list[tuple[Node, Node]] = []
    for key_node, value_node in node.value:
        if key_node.tag != _MERGE:
            pairs.append((key_node, value_node))
        elif isinstance(value_node, MappingNode):
            pairs.extend(_flat_pairs(value_node))
        elif isinstance(value_node, SequenceNode):
            for sub in reversed(value_node.value):
                if isinstance(sub, MappingNode):
                    pairs.extend(_flat_pairs(sub))
    return pairs


class _Builder:
    """Nodes -> plain data for one document, with sharing and bounds.

    Collections are built once and shared where aliases repeat them; the
    *expanded* size (every alias use counted in full) is tracked so that a
    small file cannot stand for a huge document.
    """

    def __init__(self, source: str, limits: Limits, keep_nulls: bool = True) -> None:
        self.source = source
        self.keep_nulls = keep_nulls
        self.max_depth = limits.max_depth
        self.max_nodes = limits.max_nodes
        self.max_scalar = limits.max_scalar_bytes
        self.alias_ratio = limits.max_alias_ratio
        self.alias_allowance = limits.alias_allowance
        self.done: dict[int, tuple[Any, int, int]] = {}  # id(collection node) -> (value, expanded nodes, expanded text)
        self.active: set[int] = set()
        self.total = 0  # nodes, every alias use counted in full
        self.text = 0  # characters of long scalars (short ones are bounded by the nodes), likewise
        self.repeated = 0  # the part of `total` that alias uses add
        self.repeated_text = 0  # the part of `text` that alias uses add
        self.long_scalars: set[int] = set()  # id() of long scalar nodes seen (to count their alias uses)
        self.first_alias: Node | None = None

    def document(self, node: Node) -> Any:
        """The data of one document, refused when aliases blow it up."""
        data = self.build(node)
        own, own_text = self.total - self.repeated, self.text - self.repeated_text
        allowed = max(self.alias_allowance, self.alias_ratio * own)
        allowed_text = max(100 * self.alias_allowance, self.alias_ratio * own_text)
        if self.repeated > allowed:
            expands = f"{self.total} nodes from the {own} written"
        elif self.repeated_text > allowed_text:
            expands = f"{self.text} characters of text from the {own_text} written"
        else:
            return data
        raise self.error(
            self.first_alias or node,
            f"aliases expand this document to {expands}, more than {self.alias_ratio} times as much "
            "(an alias bomb?); refusing to load it",
        )

    def _long_text(self, node: ScalarNode, size: int) -> None:
        """Count a long scalar's text, and its repetition when an alias uses it again."""
        self.text += size
        ident = id(node)
        if ident in self.long_scalars:
            self._aliased(node, 1, size)
        else:
            self.long_scalars.add(ident)

    def _aliased(self, node: Node, nodes: int, text: int) -> None:
        if self.first_alias is None:
            self.first_alias = node
        self.repeated += nodes
        self.repeated_text += text

    line_map: LineMap | None = None  # the text's, when its lines are not YAML's (see LineMap)

    def error(self, node: Node, message: str) -> LoadError:
        return LoadError(message, Location(self.source, *_at(node.start_mark, self.line_map)))

    def build(self, node: Node, depth: int = 0) -> Any:
        if isinstance(node, ScalarNode):
            self.total += 1
            return self.scalar(node)
        ident = id(node)
        cached = self.done.get(ident)
        if cached is not None:
            self.total += cached[1]
            self.text += cached[2]
            self._aliased(node, cached[1], cached[2])
            if self.total > self.max_nodes:
                raise self._too_big(node)
            return cached[0]
        if ident in self.active:
            raise self.error(node, "recursive alias: a node contains itself")
        if depth > self.max_depth:
            raise self.error(node, f"nesting deeper than {self.max_depth} levels")
        before, before_text = self.total, self.text
        self.total += 1
        if self.total > self.max_nodes:
            raise self._too_big(node)
        self.active.add(ident)
        if isinstance(node, MappingNode):
            value: Any = self._mapping(node, depth)
        else:
            assert isinstance(node, SequenceNode)
            value = self._sequence(node, depth)
        self.active.discard(ident)
        if self.total > self.max_nodes:  # scalar items and keys are counted, not checked, one by one
            raise self._too_big(node)
        self.done[ident] = (value, self.total - before, self.text - before_text)
        return value

    def _too_big(self, node: Node) -> LoadError:
        return self.error(
            node,
            f"document expands to more than {self.max_nodes} nodes (an alias bomb?); refusing to load it",
        )

    def scalar(self, node: ScalarNode) -> Any:
        value = node.value
        size = len(value)
        if size > _LONG:
            if size > self.max_scalar:  # whatever its tag: a number, a key
                raise self.error(node, f"scalar longer than {self.max_scalar} bytes")
            self._long_text(node, size)
        tag = node.tag
        if tag == _STR or tag not in _CORE_TAGS:
            return value  # text; timestamps, binary and custom tags stay text too
        if size <= _LONG:
            found = _CONSTRUCTED.get((tag, value))
            if found is None:
                found = construct(tag, value)
                if len(_CONSTRUCTED) < 50_000:
                    _CONSTRUCTED[(tag, value)] = found
            ok, data = found
        else:
            ok, data = construct(tag, value)
        if not ok:
            # the value is not repeated: it may be a secret, and the position names it
            raise self.error(node, f"cannot read this value as {tag.rsplit(':', 1)[-1]} (its explicit tag)")
        return data

    def key(self, node: Node) -> str:
        """A mapping key as the JSON key Kubernetes sees (``yes`` -> "true", ``010`` -> "8")."""
        if not isinstance(node, ScalarNode):
            raise self.error(node, "a mapping key must be a plain value, not a mapping or list")
        if node.tag == _STR:
            size = len(node.value)
            if size > _LONG:  # keys count against the text and alias bounds as values do
                if size > self.max_scalar:
                    raise self.error(node, f"mapping key longer than {self.max_scalar} bytes")
                self._long_text(node, size)
            return str(node.value)
        text = json_key(self.scalar(node))
        if text is None:
            raise self.error(node, f"mapping key {node.value!r} has no JSON form (Kubernetes refuses it)")
        return text

    def _mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        dropped: set[str] = set()  # keys whose null value was left out (still duplicates if repeated)
        depth += 1
        keep_nulls = self.keep_nulls
        self.total += len(node.value)  # the keys: nodes as values are
        for key_node, value_node in node.value:
            tag = key_node.tag
            if tag == _MERGE:
                return self._merged_mapping(node, depth)
            if tag == _STR and len(key_node.value) <= _LONG:  # the common case, without a call
                key = key_node.value
            else:
                key = self.key(key_node)
            if key in result or key in dropped:
                raise self._duplicate(node, key_node)
            if isinstance(value_node, ScalarNode):
                self.total += 1
                value = self.scalar(value_node)
            else:
                value = self.build(value_node, depth)
            if value is not None or keep_nulls:
                result[key] = value
            else:
                dropped.add(key)
        return result

    def _duplicate(self, node: MappingNode, key_node: ScalarNode) -> LoadError:
        key = self.key(key_node)
        first = next(k for k, _ in node.value if k.tag != _MERGE and self.key(k) == key)
        same = "" if first.value == key_node.value else f" as '{first.value}', both read as '{key}'"
        return self.error(
            key_node,
            f"duplicate key '{key_node.value}' (first defined at line {first.start_mark.line + 1}{same})",
        )

    def _merged_mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        """A mapping with YAML merge keys (<<), as go-yaml v2 decodes it: entries apply in the order
        written, a merge overwriting what came before it and a key after a merge overwriting it; in
        a list of merged mappings the earlier one wins. An explicit null unsets (keep_nulls=False)."""
        result: dict[str, Any] = {}
        own: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for source in reversed(sources):
                    merged = self.build(source, depth)
                    if not isinstance(merged, dict):
                        raise self.error(source, "a merge key (<<) needs a mapping or a list of mappings")
                    result.update(merged)
                continue
            key = self.key(key_node)  # counted as a node by _mapping
            if key in own:
                raise self._duplicate(node, key_node)
            own.add(key)
            value = self.build(value_node, depth)
            if value is None and not self.keep_nulls:
                result.pop(key, None)
            else:
                result[key] = value
        return result

    def _sequence(self, node: SequenceNode, depth: int) -> list[Any]:
        depth += 1
        build = self.build
        return [build(item, depth) for item in node.value]


DocOrError = Union[Document, LoadError]


def load_text(
    text: str,
    source: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    keep_nulls: bool = True,
    reuse: Reuse | None = None,
) -> Iterator[DocOrError]:
    """Every document of a YAML stream; a parse error ends the stream.

    ``keep_nulls=False`` reads manifests as the API server decodes them: a
    mapping entry whose value is null is left out (``resources:``,
    ``securityContext: null``), so every rule sees it as unset.

    Documents before a syntax error are still yielded; the error comes last.
    An error inside one document (duplicate key, alias bomb) is yielded in
    its place and the stream goes on.

    With ``reuse``, a large document whose exact text was read before (by this
    ``Reuse``) is not read again (see ``Reuse``); the documents are the same.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    line_map = LineMap.of(text)
    oversized = _oversized_document(text, limits.max_nodes)
    runs = reuse.runs(text) if reuse is not None and line_map is None and oversized is None else None
    if runs is None:
        yield from _stream(text, source, limits, keep_nulls, line_map, oversized)
    else:
        assert reuse is not None
        yield from _reused_runs(text, runs, source, limits, keep_nulls, reuse)


def _stream(
    text: str,
    source: str,
    limits: Limits,
    keep_nulls: bool,
    line_map: LineMap | None,
    oversized: tuple[int, Any] | None,
    line_offset: int = 0,
    index: int = 0,
) -> Iterator[DocOrError]:
    """``load_text`` of one stream; ``line_offset`` lines come before it in its file, and
    ``index`` documents (positions and errors are then the stream's own: see ``_reused_runs``)."""
    loader = _Loader(text)
    ordinal = -1  # of the document in the stream, empty ones counted
    try:
        while True:
            try:
                if not loader.check_node():
                    return
                ordinal += 1
                if oversized is not None and ordinal == oversized[0]:
                    yield LoadError(
                        f"document has more than {limits.max_nodes} nodes; refusing to load it and the rest of the file",
                        Location(source, *_at(oversized[1], line_map)),
                    )
                    return
                node = loader.get_node()
            except yaml.MarkedYAMLError as exc:
                yield _parse_error(exc, source, line_map)
                return
            except yaml.reader.ReaderError as exc:
                yield _reader_error(exc, text, source)
                return
            except yaml.YAMLError as exc:
                first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                yield LoadError(f"not valid YAML: {first_line}", Location(source, 1, 1))
                return
            except RecursionError:
                yield LoadError(
                    f"nesting deeper than {limits.max_depth} levels", Location(source, 1, 1)
                )
                return
            if node is None or _is_empty(node):
                continue  # `---` with no content, or a document of comments only
            try:
                builder = _Builder(source, limits, keep_nulls)
                builder.line_map = line_map
                data = builder.document(node)
            except LoadError as exc:
                yield exc
            except RecursionError:
                at = _at(node.start_mark, line_map)
                yield LoadError(f"nesting deeper than {limits.max_depth} levels", Location(source, *at))
            else:
                yield Document(source, index, data, node, line_offset=line_offset, line_map=line_map)
            index += 1
    finally:
        loader.dispose()


class Reuse:
    """Large documents read before, by their exact text, so that reading one again costs a copy.

    Projects ship the same large documents in many files: argo-cd its CustomResourceDefinitions
    (the largest 1.4 MB) in each of its install manifests, a chart's output per environment the
    same ConfigMaps. A stream with a document of at least ``MIN_BYTES`` is read in runs cut at
    its ``---`` lines (each such document a run of its own, the documents between them in runs of
    about ``RUN_BYTES``); a large document's text (after a bare ``---`` line, which does not change
    it) is looked up, and one read before gives a copy of
    its data (marshal keeps every value's type, and aliases stay shared) and a document whose
    nodes are composed again only when a position inside it is asked for.

    The runs read as the whole stream would: a ``---`` at the start of a line always starts a
    document (inside a quoted or flow scalar it is an error), every document but the first of
    a stream starts with one, and nothing carries over from one document to the next but YAML
    directives (``%TAG``) - a text with a line starting ``%`` (or a byte-order mark inside it,
    or line breaks other than LF and CRLF) is read whole. So is the rest of a text once any run
    has an error: its message and place are then exactly the whole stream's.
    """

    MIN_BYTES = 64 * 1024
    #: A document larger than this is read every time (its copy would hold too much memory).
    MAX_ENTRY_BYTES = 8 * 1024 * 1024
    #: What the kept documents' texts and copies hold at most, in all (in memory, and in ``shared``).
    MAX_BYTES = 64 * 1024 * 1024
    RUN_BYTES = 256 * 1024

    def __init__(self, shared: Path | None = None) -> None:
        self._kept: dict[tuple[bool, Limits, str], Kept] = {}
        self._bytes = 0
        #: A private folder the worker processes of one run share (kgen.check.parallel): a document
        #: one of them has read is not read again by another. Each entry is its text, written whole
        #: under a name made from it (then renamed into place) and compared in full when read.
        self.shared = shared
        self._shared_bytes = 0

    def runs(self, text: str) -> list[tuple[int, int, int, bool]] | None:
        """(start, end, lines before it, large) of each run of ``text``; None to read it whole."""
        if len(text) < self.MIN_BYTES or "\ufeff" in text or text.startswith("%") or "\n%" in text:
            return None
        bounds = [start for start in _document_starts(text) if start > 0]
        runs: list[tuple[int, int, int, bool]] = []
        small: int | None = None  # where the current run of small documents starts
        lines = small_lines = 0
        previous = 0
        large = False
        for start, end in zip([0, *bounds], [*bounds, len(text)]):
            lines += text.count("\n", previous, start)
            previous = start
            if end - start >= self.MIN_BYTES:
                if small is not None:
                    runs.append((small, start, small_lines, False))
                    small = None
                runs.append((start, end, lines, end - start <= self.MAX_ENTRY_BYTES))
                large = large or end - start <= self.MAX_ENTRY_BYTES
            elif small is None or start - small >= self.RUN_BYTES:
                if small is not None:
                    runs.append((small, start, small_lines, False))
                small, small_lines = start, lines
        if small is not None:
            runs.append((small, len(text), small_lines, False))
        return runs if large else None

    def get(self, key: tuple[bool, Limits, str]) -> Kept | None:
        kept = self._kept.get(key)
        if kept is None and self.shared is not None:
            kept = self._read_shared(key)
        return kept

    def keep(self, key: tuple[bool, Limits, str], document: Document) -> Kept | None:
        """The document kept for its text (key[2]); None when it is not (the store is full)."""
        root = document.root
        if root is None or self._bytes + len(key[2]) > self.MAX_BYTES:
            return None
        packed = marshal.dumps(document.data)
        kept = Kept(key[2], packed, _Mark.of(root.start_mark), _Mark.of(root.end_mark))
        if not self._store(key, kept):
            return None
        if self.shared is not None:
            self._write_shared(key, kept)
        return kept

    def _store(self, key: tuple[bool, Limits, str], kept: Kept) -> bool:
        size = len(kept.text) + len(kept.packed)
        if self._bytes + size > self.MAX_BYTES:
            return False
        self._kept[key] = kept
        self._bytes += size
        return True

    def _entry(self, key: tuple[bool, Limits, str]) -> Path:
        import hashlib  # only worker processes share documents

        assert self.shared is not None
        digest = hashlib.blake2b(f"{key[0]} {key[1]!r}".encode(), digest_size=20)
        digest.update(key[2].encode("utf-8", "surrogatepass"))
        return self.shared / digest.hexdigest()

    def _read_shared(self, key: tuple[bool, Limits, str]) -> Kept | None:
        try:
            text, packed, start, end = marshal.loads(self._entry(key).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):  # not there (or not whole: never seen)
            return None
        if text != key[2] or not isinstance(packed, bytes):
            return None
        kept = Kept(key[2], packed, _Mark(*start), _Mark(*end))
        self._store(key, kept)
        return kept

    def _write_shared(self, key: tuple[bool, Limits, str], kept: Kept) -> None:
        data = marshal.dumps((kept.text, kept.packed, tuple(kept.start), tuple(kept.end)))
        if self._shared_bytes + len(data) > self.MAX_BYTES:
            return
        entry = self._entry(key)
        partial = entry.with_name(f".{entry.name}.{os.getpid()}")
        try:
            partial.write_bytes(data)
            os.replace(partial, entry)
        except OSError:  # the folder is gone or full: the others read the document themselves
            partial.unlink(missing_ok=True)
            return
        self._shared_bytes += len(data)


class _Mark(NamedTuple):
    """Where a kept document's content starts or ends: a libyaml mark's 0-based line and column (its
    character index is not needed: documents are kept only from texts whose lines are YAML's)."""

    line: int
    column: int

    @classmethod
    def of(cls, mark: Any) -> _Mark:
        return cls(mark.line, mark.column)


@dataclass(frozen=True, eq=False)
class Kept:
    """A document read before: its text, its data marshalled, where its content starts and ends
    (compared by identity: one per text)."""

    text: str
    packed: bytes
    start: _Mark
    end: _Mark


def _document_starts(text: str) -> Iterator[int]:
    """Where each ``---`` document marker line starts (a marker is followed by a blank or the line's end)."""
    at = 0 if text.startswith("---") else text.find("\n---")
    while at >= 0:
        start = at if at == 0 and text.startswith("---") else at + 1
        if text[start + 3 : start + 4] in ("", " ", "\t", "\n", "\r"):
            yield start
        at = text.find("\n---", start + 3)


def _reused_runs(
    text: str, runs: list[tuple[int, int, int, bool]], source: str, limits: Limits, keep_nulls: bool, reuse: Reuse
) -> Iterator[DocOrError]:
    index = 0
    for start, end, lines, large in runs:
        if large and text.startswith(("---\n", "---\r\n"), start):  # as a file of the document alone reads
            marker = 5 if text[start + 3] == "\r" else 4
            start, lines = start + marker, lines + 1
        piece = text[start:end]
        key = (keep_nulls, limits, piece)
        kept = reuse.get(key) if large else None
        if kept is not None:
            yield _Reread(source, index, marshal.loads(kept.packed), lines, kept)
            index += 1
            continue
        items = list(_stream(piece, source, limits, keep_nulls, None, None, lines, index))
        if any(isinstance(item, LoadError) for item in items):
            # the whole stream from its start, past the documents given already: its errors are exact
            yield from itertools.islice(_stream(text, source, limits, keep_nulls, None, None), index, None)
            return
        if large and len(items) == 1 and isinstance(items[0], Document):
            items[0].same_as = reuse.keep(key, items[0])
        yield from items
        index += len(items)


class _Reread(Document):
    """A document whose text was read before (see ``Reuse``): its data a copy of that one's, its
    nodes composed from the kept text the first time a position inside it is asked for."""

    def __init__(self, source: str, index: int, data: Any, line_offset: int, kept: Kept) -> None:
        self._kept = kept
        self._composed = False
        super().__init__(source, index, data, None, line_offset=line_offset, same_as=kept)

    @property
    def root(self) -> Node | None:
        if not self._composed:
            self._composed = True
            self._root = _compose(self._kept.text)
        return self._root

    @root.setter
    def root(self, value: Node | None) -> None:
        self._root = value

    @property
    def start(self) -> tuple[int, int]:
        return self.at(self._kept.start)

    @property
    def line_span(self) -> tuple[int, int]:
        return (self._kept.start.line + self.line_offset, self._kept.end.line + self.line_offset)

    @property
    def span(self) -> tuple[int, int]:
        return (self.at(self._kept.start)[0], self.at(self._kept.end)[0])

    def position(self, path: FieldPath) -> tuple[int, int]:
        return self.at(self._kept.start) if not path else super().position(path)


def _is_empty(node: Node) -> bool:
    """The node of a document with no content: a bare ``---``, or comments only."""
    return isinstance(node, ScalarNode) and node.tag == _NULL and node.value == ""


def _compose(text: str) -> Node | None:
    """The node of the one document ``text`` holds (it was read before without an error)."""
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None and not _is_empty(node):
                return node
        return None
    except (yaml.YAMLError, RecursionError):  # never seen (the text composed before): positions fall back to (1, 1)
        return None
    finally:
        loader.dispose()


#: Every node of a document starts at the start of the stream or after one of these; each
#: adds at most two nodes (a key and its value, a collection and its first item).
_NODE_STARTS = (",", ":", "-", "?", "[", "{", "\n", "\r", "\x85", "\u2028", "\u2029")


def _oversized_document(text: str, max_nodes: int) -> tuple[int, Any] | None:
    """(ordinal, mark) of the first document with more than ``max_nodes`` nodes written, else None.

    libyaml composes a whole document - some 300 bytes a node - before kgen sees any of it, so a
    10 MB flat list of 5,000,000 items would take 1.5 GB before it could be refused. A text that
    cannot hold that many nodes (counted from the characters nodes start after, in a few fast
    passes) is composed at once; any other is first walked as parser events, which are counted
    and dropped, so memory stays flat and the walk stops at the first document past the limit.
    """
    if 2 * (len(text) + 1) <= max_nodes:  # every node start is a character: no count needed
        return None
    if 2 * (sum(text.count(start) for start in _NODE_STARTS) + 1) <= max_nodes:
        return None
    parser = _Loader(text)
    ordinal, count, start = -1, 0, None
    try:
        while parser.check_event():
            event: Any = parser.get_event()
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                ordinal, count, start = ordinal + 1, 0, None
            elif kind in _NODE_EVENTS:
                if start is None:
                    start = event.start_mark  # where the document's content starts: the finding's place
                count += 1
                if count > max_nodes:
                    return ordinal, start
    except (yaml.YAMLError, RecursionError):
        return None  # composing it says what is wrong, where
    finally:
        parser.dispose()
    return None


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)


def load_document_at(
    lines: SourceLines, source: str, span: tuple[int, int], index: int, limits: Limits = DEFAULT_LIMITS
) -> Document | None:
    """Re-read one document of a stream from its line span (``Document.line_span``), for its positions only.

    ``lines`` is the file cut into YAML's lines (once per file); only the
    document's lines are composed - its data is not built again (``data`` is
    None) - and positions are shifted to where they are in the whole file.
    The document was loaded within the limits before; ``limits`` still bounds
    the text.
    """
    first, last = span
    text = "".join(lines.lines[first : last + 1])
    if len(text) > limits.max_file_bytes:
        return None
    loader = _Loader(text)
    try:
        node = loader.get_node() if loader.check_node() else None
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()
    if node is None:
        return None
    if lines.line_map is None:
        return Document(source, index, None, node, line_offset=first)
    return Document(source, index, None, node, line_map=lines.line_map, char_offset=lines.offset(first))


def _at(mark: Any, line_map: LineMap | None) -> tuple[int, int]:
    """A mark's 1-based line and column, as editors count lines."""
    return (mark.line + 1, mark.column + 1) if line_map is None else line_map.at(mark.index)


def _reader_error(exc: yaml.reader.ReaderError, text: str, source: str) -> LoadError:
    """A character YAML does not allow (a control character), at its line and column."""
    data = text.encode("utf-8", "surrogatepass")  # libyaml reports a byte offset
    position = exc.position if isinstance(exc.position, int) else 0
    start = data.rfind(b"\n", 0, position) + 1
    line = data.count(b"\n", 0, position) + 1
    column = len(data[start:position].decode("utf-8", "replace")) + 1
    character = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
    return LoadError(f"not valid YAML: unacceptable character {character}: {exc.reason}", Location(source, line, column))


def _parse_error(exc: yaml.MarkedYAMLError, source: str, line_map: LineMap | None = None) -> LoadError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "syntax error"
    if exc.context:
        problem = f"{exc.context}: {problem}"
    line, column = _at(mark, line_map) if mark is not None else (1, 1)
    return LoadError(f"not valid YAML: {problem}", Location(source, line, column))


def helm_syntax(text: str) -> tuple[int, int] | None:
    """Where the first un-rendered Helm template expression is, if any."""
    if "{{" not in text:
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith("#"):
            continue
        match = _HELM_SYNTAX.search(line)
        if match:
            return (number, match.start() + 1)
    return None


def decode(raw: bytes, source: str, what: str = "YAML") -> str:
    """Bytes -> text: UTF-8 (BOM allowed) or UTF-16/32 with a BOM; never binary (``what`` it then is not)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError(f"not valid UTF-16 text: {exc.reason}", Location(source)) from None
    if b"\x00" in raw[:8192]:
        raise LoadError(f"binary file (contains NUL bytes), not {what}", Location(source))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", Location(source, line, column)
        ) from None
    return text.removeprefix("\ufeff")
