"""Reading YAML safely, with line numbers kept for error messages.

This is the only module that imports ``yaml``. It uses the safe loader only
(never ``yaml.load``), refuses duplicate keys (PyYAML silently keeps the last
one, which hides mistakes in hand-written files), and remembers the line of
every value so validation errors can say "file, line, field".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ksad.errors import InputError

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


def parse(text: str, path: Path | str = "<text>", *, with_lines: bool = True) -> Document:
    path = Path(path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict = {}
        if node is None:
            return Document(path, None, lines)
        if with_lines:
            _walk(node, (), lines, path)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or str(exc)
        if exc.context and exc.context_mark is not None and exc.context_mark.line + 1 != line:
            # the cause is often where the construct began, not where the parser gave up
            problem = f"{exc.context} at line {exc.context_mark.line + 1}: {problem}"
        raise InputError("yaml.malformed", file=str(path), line=line, problem=problem) from None
    except yaml.YAMLError as exc:
        raise InputError("yaml.malformed", file=str(path), line=1, problem=str(exc)) from None
    finally:
        loader.dispose()
    return Document(path, data, lines)


def load(path: Path | str, *, with_lines: bool = True, raw: bytes | None = None) -> Document:
    """The document at *path*; *raw*: its bytes, already read (and hashed) by the caller."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8") if raw is None else raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("file.unreadable", file=str(path), problem=getattr(exc, "strerror", None) or str(exc)) from None
    return parse(text, path, with_lines=with_lines)


def load_mapping(path: Path | str, *, with_lines: bool = True, raw: bytes | None = None) -> Document:
    doc = load(path, with_lines=with_lines, raw=raw)
    if not isinstance(doc.data, dict):
        raise InputError("yaml.not_mapping", file=str(doc.path))
    return doc


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
