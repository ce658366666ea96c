"""Reading YAML safely, with line numbers kept for error messages.

This is the only module that imports ``yaml``. It uses the safe loader only
(never ``yaml.load``), refuses duplicate keys (PyYAML silently keeps the last
one, which hides mistakes in hand-written files), and remembers the line of
every value so validation errors can say "file, line, field". The safe loader's
C parser composes the nodes; plain documents are then built in one walk with its
own scalar constructors (see :func:`_build`), anything else by its constructor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ksad.errors import InputError
from ksad.messages import YamlProblem

try:  # the C loader is several times faster on large catalogs
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

Pointer = tuple  # a path into the document: ("releases", 0, "version")


@dataclass
class Document:
    path: Path
    data: Any
    lines: dict[Pointer, int] = field(default_factory=dict)
    plain: bool = False  # dates are ISO strings already (parsecache.plain has nothing to do)

    def line_of(self, pointer: Pointer) -> int | None:
        """The line of *pointer*, or of its nearest ancestor that has one."""
        pointer = tuple(pointer)
        while pointer not in self.lines and pointer:
            pointer = pointer[:-1]
        return self.lines.get(pointer)


def _walk(node: yaml.Node, pointer: Pointer, lines: dict, path: Path) -> None:
    lines[pointer] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen and key is not None and key != "<<":
                raise InputError("yaml.duplicate_key", file=str(path), line=key_node.start_mark.line + 1, key=key)
            seen[key] = True
            _walk(value_node, pointer + (key,), lines, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, pointer + (index,), lines, path)


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
# The scalar types of the safe loader, built by its own functions: what differs is only the walk.
_SCALARS = {tag: fn for tag, fn in yaml.constructor.SafeConstructor.yaml_constructors.items()
            if tag in {f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "binary", "timestamp")}}
# ... with dates as ISO strings, as parsecache.plain makes them, for documents kept or checked as JSON
_PLAIN_SCALARS = {**_SCALARS, "tag:yaml.org,2002:timestamp":
                  lambda loader, node: _SCALARS["tag:yaml.org,2002:timestamp"](loader, node).isoformat()}


class _Generic(Exception):
    """The document uses what only the safe loader's own constructor handles (an alias, a merge
    key, a set, an ordered map, a non-scalar key): it builds the document instead."""


def _build(node: yaml.Node, pointer: Pointer, lines: dict | None, path: Path, loader, seen: set,
           scalars: dict) -> Any:
    """The value of *node*, as the safe loader constructs it, with its line and its keys checked
    for duplicates in the same walk (*lines* None: neither).

    PyYAML's constructor is generic (a generator per collection, a resolver check per
    scalar, merge-key flattening): for plain mappings, sequences and scalars this one walk
    costs about half of it and _walk together, and parsing the app entries and recipes of
    a national catalog is most of what a cold `catalog validate` or `catalog index` does.
    """
    if lines is not None:
        lines[pointer] = node.start_mark.line + 1
    cls = node.__class__
    if cls is yaml.ScalarNode:
        return node.value if node.tag == _STR else _scalar(node, loader, path, scalars)
    if id(node) in seen:  # an alias (or a recursive one): the safe loader shares the object
        raise _Generic
    seen.add(id(node))
    if cls is yaml.MappingNode and node.tag == _MAP:
        out = {}
        keys: dict | None = {} if lines is not None else None
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode or key_node.tag == "tag:yaml.org,2002:merge":
                raise _Generic
            text = key_node.value
            if keys is not None:
                if text in keys and text != "<<":  # as _walk: a repeated merge is the safe loader's to judge
                    raise InputError("yaml.duplicate_key", file=str(path), line=key_node.start_mark.line + 1, key=text)
                keys[text] = True
            key = text if key_node.tag == _STR else _scalar(key_node, loader, path, _SCALARS)  # plain keeps keys
            out[key] = _build(value_node, pointer + (text,), lines, path, loader, seen, scalars)
        return out
    if cls is yaml.SequenceNode and node.tag == _SEQ:
        items = []  # a loop, not a comprehension: one frame per level, as deep as _walk goes
        for i, item in enumerate(node.value):
            items.append(_build(item, pointer + (i,), lines, path, loader, seen, scalars))
        return items
    raise _Generic


def _scalar(node: yaml.ScalarNode, loader, path: Path, scalars: dict) -> Any:
    construct = scalars.get(node.tag)
    if construct is None:
        raise _Generic  # the safe loader refuses it, with its own message
    try:
        return construct(loader, node)
    except (ValueError, TypeError) as exc:  # 2026-02-30, !!int x: PyYAML lets these escape unmarked
        raise InputError("yaml.malformed", file=str(path), line=node.start_mark.line + 1,
                         problem=YamlProblem(str(exc))) from None


def parse(text: str, path: Path | str = "<text>", *, with_lines: bool = True, plain: bool = False) -> Document:
    """*plain*: dates as ISO strings (as ``parsecache.plain`` makes them), in the same walk."""
    path = Path(path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict = {}
        if node is None:
            return Document(path, None, lines, plain)
        try:
            data = _build(node, (), lines if with_lines else None, path, loader, set(),
                          _PLAIN_SCALARS if plain else _SCALARS)
        except _Generic:
            _check_expansion(node, path)
            data, lines = _construct(loader, node, path, with_lines)
            if plain:
                from ksad.parsecache import plain as plain_data

                data = plain_data(data)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        if exc.problem == "exceeded maximum nesting depth":  # libyaml's limit (PyYAML >= 6.0.4): ksad's words
            raise InputError("yaml.malformed", file=str(path), line=line,
                             problem=YamlProblem(NESTED_TOO_DEEPLY)) from None
        problem = YamlProblem(exc.problem or str(exc))
        if exc.context and exc.context_mark is not None and exc.context_mark.line + 1 != line:
            # the cause is often where the construct began, not where the parser gave up
            problem = YamlProblem(exc.problem or str(exc), exc.context, exc.context_mark.line + 1)
        raise InputError("yaml.malformed", file=str(path), line=line, problem=problem) from None
    except yaml.reader.ReaderError as exc:
        if not isinstance(exc.character, int):
            raise InputError("yaml.malformed", file=str(path), line=1, problem=YamlProblem(str(exc))) from None
        # its own text ends with 'in "<unicode string>", position n', which names no file and no line
        problem = YamlProblem(f"unacceptable character #x{exc.character:04x}: {exc.reason}")
        raise InputError("yaml.malformed", file=str(path), line=text.count("\n", 0, exc.position) + 1,
                         problem=problem) from None
    except yaml.YAMLError as exc:
        raise InputError("yaml.malformed", file=str(path), line=1, problem=YamlProblem(str(exc))) from None
    except RecursionError:  # hundreds of levels: no catalog file, but a message, not a traceback
        raise InputError("yaml.malformed", file=str(path), line=1, problem=YamlProblem(NESTED_TOO_DEEPLY)) from None
    finally:
        loader.dispose()
    return Document(path, data, lines, plain)


# A document whose aliases repeat it into more values than this (and ten times more than it
# has nodes) is refused: 268 bytes of nested aliases stand for 10^8 values, which every walk of
# the data (lines, schema, JSON) would visit. Documents without aliases are never refused.
NESTED_TOO_DEEPLY = "nested too deeply"  # RecursionError, or libyaml's own depth limit: one message either way
MAX_EXPANDED = 100_000


def _check_expansion(root: yaml.Node, path: Path) -> None:
    """Refuse a document its aliases make huge or recursive, counting each node once."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_:
            raise InputError("yaml.alias_loop", file=str(path), line=node.start_mark.line + 1)
        open_.add(key)
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in node.value)
        else:
            total = 1
        open_.discard(key)
        sizes[key] = min(total, 10 ** 12)  # a bound keeps the sums cheap
        return sizes[key]

    total = size(root)
    if total > MAX_EXPANDED and total > 10 * len(sizes):
        raise InputError("yaml.alias_bomb", file=str(path), line=root.start_mark.line + 1, limit=f"{MAX_EXPANDED:,}")


def _construct(loader, node: yaml.Node, path: Path, with_lines: bool) -> tuple[Any, dict]:
    """(data, lines) by the safe loader's own constructor, for documents :func:`_build` leaves to it."""
    lines: dict = {}
    if with_lines:
        _walk(node, (), lines, path)
    try:
        return loader.construct_document(node), lines
    except (ValueError, TypeError) as exc:
        raise InputError("yaml.malformed", file=str(path), line=_unbuildable_line(loader, node),
                         problem=YamlProblem(str(exc))) from None


def _unbuildable_line(loader, root: yaml.Node) -> int:
    """The line of the first scalar its type cannot hold (the constructor does not say which)."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            construct = _SCALARS.get(node.tag)
            try:
                if construct is not None:
                    construct(loader, node)
            except (ValueError, TypeError):
                return node.start_mark.line + 1
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return root.start_mark.line + 1


def load(path: Path | str, *, with_lines: bool = True, raw: bytes | None = None, plain: bool = False) -> Document:
    """The document at *path*; *raw*: its bytes, already read (and hashed) by the caller."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8") if raw is None else raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("file.unreadable", file=str(path), problem=getattr(exc, "strerror", None) or str(exc)) from None
    return parse(text, path, with_lines=with_lines, plain=plain)


def load_mapping(path: Path | str, *, with_lines: bool = True, raw: bytes | None = None,
                 plain: bool = False) -> Document:
    doc = load(path, with_lines=with_lines, raw=raw, plain=plain)
    if not isinstance(doc.data, dict):
        raise InputError("yaml.not_mapping", file=str(doc.path))
    return doc


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
