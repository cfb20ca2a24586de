"""Strict reading of a small YAML file written by a user (``factory.yaml``).

PyYAML's ``safe_load`` accepts a duplicate key (the last one wins), expands aliases
without bound (an 800-byte "billion laughs" file builds a structure whose traversal
never ends) and reads a file of any size. :func:`load_mapping` reads with a
:class:`yaml.SafeLoader` subclass that refuses, each with the line and the key path:

- a file larger than :data:`MAX_BYTES`, or not UTF-8;
- an alias (``*name``) — refused outright rather than capped: a factory description
  has no need to repeat a value by reference, a verifier reads the file as text and
  an alias puts a value where it is not written, and "no aliases" needs no threshold
  to justify. Merge keys (``<<``) go with them (they silently override, like a
  duplicate key);
- nesting deeper than :data:`MAX_DEPTH` (PyYAML composes recursively);
- a duplicate key in any mapping, a key that is not text (YAML 1.1 reads ``on``,
  ``yes``, ``1`` and ``~`` as a boolean, a number or null).

Every problem is a :class:`~lingtan.errors.PackageError` of one
:class:`~lingtan.errors.Problem` ``(file, line, key path, reason)``.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from lingtan.errors import PackageError, Problem

#: Largest file read [bytes]; a factory description is a few kB (the demo: 1.1 kB), and
#: the pure-Python parser needs about 1 s for this many.
MAX_BYTES = 262_144
#: Deepest nesting of mappings and lists accepted (the Site model needs four).
MAX_DEPTH = 32

Path = tuple[str | int, ...]
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_KINDS = {
    "tag:yaml.org,2002:bool": "boolean",
    "tag:yaml.org,2002:int": "number",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "date",
}


class _RefusedError(Exception):
    """One problem found while composing; turned into a PackageError by the caller."""

    def __init__(self, line: int | None, path: Path, reason: str) -> None:
        super().__init__(reason)
        self.line, self.path, self.reason = line, path, reason


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and deep nesting while composing."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._path: list[str | int] = []

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        label = _label(parent, index)
        where = (*self._path, label) if label is not None else tuple(self._path)
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _RefusedError(
                event.start_mark.line + 1,
                where,
                f"alias *{event.anchor} not accepted (aliases are refused in this "
                "file: write the value out)",
            )
        if len(self._path) >= MAX_DEPTH:
            raise _RefusedError(
                self.peek_event().start_mark.line + 1,
                where,
                f"nested deeper than {MAX_DEPTH} levels",
            )
        if label is not None:
            self._path.append(label)
        try:
            return super().compose_node(parent, index)
        finally:
            if label is not None:
                self._path.pop()


def _label(parent: Node | None, index: Any) -> str | int | None:
    """The path element of a value: its key's text, or its position in a list."""
    if isinstance(parent, MappingNode) and isinstance(index, ScalarNode):
        return str(index.value)
    if isinstance(parent, SequenceNode) and isinstance(index, int):
        return index
    return None


def load_mapping(raw: bytes, file: str) -> tuple[dict[str, Any], dict[Path, int]]:
    """Parse ``raw`` (the bytes of ``file``) as one YAML mapping, strictly.

    Parameters
    ----------
    raw : bytes
        The file's content.
    file : str
        Its name in the data package, for the problems.

    Returns
    -------
    data : dict[str, Any]
        The mapping, with plain Python values.
    lines : dict[tuple[str | int, ...], int]
        1-based line of every key (and of every list item) by its path.

    Raises
    ------
    PackageError
        One problem naming ``file``, the line, the key path and the reason.
    """
    try:
        text = _decode(raw, file)
        try:
            return _load(text)
        except yaml.YAMLError as exc:
            raise _yaml_refusal(exc, text) from None
    except _RefusedError as exc:
        key = ".".join(str(p) for p in exc.path) or None
        raise PackageError([Problem(file, exc.line, key, exc.reason)]) from None


def _load(text: str) -> tuple[dict[str, Any], dict[Path, int]]:
    loader = _Loader(text)
    try:
        root = _root(loader)
        lines: dict[Path, int] = {}
        _check(loader, root, (), lines)
        return loader.construct_document(root), lines
    finally:
        loader.dispose()


def _decode(raw: bytes, file: str) -> str:
    if len(raw) > MAX_BYTES:
        raise _RefusedError(
            None, (), f"larger than {MAX_BYTES:,} bytes (a site description is a few kB)"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _RefusedError(
            line, (), f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save {file} as UTF-8"
        ) from None


def _yaml_refusal(exc: yaml.YAMLError, text: str) -> _RefusedError:
    """PyYAML's error as a refusal with its line (a ReaderError gives a position)."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        reason = "; ".join(str(part) for part in (exc.context, exc.problem) if part)
        return _RefusedError(mark.line + 1 if mark else None, (), f"not valid YAML: {reason}")
    position = getattr(exc, "position", None)
    line = text[:position].count("\n") + 1 if isinstance(position, int) else None
    char = getattr(exc, "character", None)
    what = f" (character #x{char:04x})" if isinstance(char, int) else ""
    return _RefusedError(line, (), f"not valid YAML: {getattr(exc, 'reason', exc)}{what}")


def _root(loader: _Loader) -> MappingNode:
    root = loader.get_single_node()
    if root is None:
        raise _RefusedError(None, (), "empty: must be a mapping of keys to values")
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        raise _RefusedError(
            root.start_mark.line + 1, (), f"must be a mapping of keys to values, not {kind}"
        )
    return root


def _check(loader: _Loader, node: Node, path: Path, lines: dict[Path, int]) -> None:
    """Refuse duplicate, merge and non-text keys and unreadable values below ``node``;
    record each key's line."""
    if isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _check(loader, item, (*path, i), lines)
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            where, line = (*path, _key_text(key, path)), key.start_mark.line + 1
            if where in lines:
                raise _RefusedError(line, where, f"duplicate key (first at line {lines[where]})")
            lines[where] = line
            _check(loader, value, where, lines)
    else:
        _scalar(loader, node, path)


def _scalar(loader: _Loader, node: Node, path: Path) -> None:
    """Construct one scalar now (cached for the document), so that a value PyYAML cannot
    read — ``2025-02-30``, ``!!int abc`` — is named with its line."""
    try:
        loader.construct_object(node)
    except (ValueError, TypeError, OverflowError) as exc:
        raise _RefusedError(
            node.start_mark.line + 1,
            path,
            f"cannot read {node.value!r} as {node.tag.rsplit(':', 1)[-1]}: {exc}",
        ) from None


def _key_text(key: Node, path: Path) -> str:
    line = key.start_mark.line + 1
    if not isinstance(key, ScalarNode):
        raise _RefusedError(line, path, "a key must be text, not a list or mapping")
    if key.tag == _MERGE:
        raise _RefusedError(line, path, "merge keys (<<) are not accepted: write the keys out")
    if key.tag != _STR:
        kind = _KINDS.get(key.tag, key.tag)
        raise _RefusedError(
            line, (*path, str(key.value)), f"key read as a {kind} by YAML, not as text: quote it"
        )
    return str(key.value)
