"""Content hashes that pin what a release is made of."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

PACKAGE_DIR = Path(__file__).resolve().parent
SCHEMA_DIR = (PACKAGE_DIR / "_bundle" / "catalog" / "schema").resolve()  # catalog/schema, also when installed


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_sha256(root: Path, digest: Callable[[str, os.stat_result], str] | None = None,
                top: dict[str, str] | None = None) -> str:
    """A hash of a directory's files: paths, executable bit and contents.

    Independent of timestamps, ownership and file-system order, so the same
    source checked out anywhere hashes the same. Symlinks are hashed as their
    target text, never followed (a link must not pull host files in).
    *digest(path, lstat)*: a regular file's sha256 (default: read and hashed now).
    *top*: see :func:`tree_lines`.
    """
    h = hashlib.sha256()
    for line in tree_lines(root, digest, top):
        h.update(line)
    return h.hexdigest()


def tree_lines(root: Path, digest: Callable[[str, os.stat_result], str] | None = None,
               top: dict[str, str] | None = None) -> list[bytes]:
    """The lines :func:`tree_sha256` hashes, one per file or symlink under *root*.

    *top*: filled with the kind of each entry directly in *root* ("F" regular file, "L"
    symlink, "D" directory), which the scan learns anyway.

    os.scandir, not Path.rglob: a catalog's validation hashes thousands of
    recipe directories, and pathlib's per-entry objects cost ~5x the hashing.
    Sorted by path components (as pathlib sorts paths: "a/b" before "a-b"), so
    the hash is the one pinned by every release before this was rewritten.
    """
    found: list[tuple[tuple[str, ...], bytes]] = []
    _scan(os.fspath(root), (), found, digest or _read_sha256, top)
    found.sort(key=lambda item: item[0])
    return [line for _, line in found]


def _read_sha256(path: str, _st: os.stat_result) -> str:
    with open(path, "rb") as fh:  # recipe and source files are small: one read
        return hashlib.sha256(fh.read()).hexdigest()


def _scan(directory: str, parts: tuple[str, ...], found: list, digest: Callable[[str, os.stat_result], str],
          top: dict[str, str] | None = None) -> None:
    try:
        entries = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        rel_parts = parts + (entry.name,)
        rel = "/".join(rel_parts)
        if entry.is_symlink():  # hashed as its text, never followed (nor recursed into)
            found.append((rel_parts, f"L {rel} {os.readlink(entry.path)}\n".encode()))
            if top is not None:
                top[entry.name] = "L"
        elif entry.is_dir(follow_symlinks=False):
            if top is not None:
                top[entry.name] = "D"
            _scan(entry.path, rel_parts, found, digest)
        elif entry.is_file(follow_symlinks=False):
            if top is not None:
                top[entry.name] = "F"
            st = entry.stat(follow_symlinks=False)
            mode = "x" if st.st_mode & 0o111 else "-"
            found.append((rel_parts, f"F {rel} {mode} {digest(entry.path, st)}\n".encode()))


def code_files(directories: tuple[Path, ...] = (PACKAGE_DIR, PACKAGE_DIR / "validators", SCHEMA_DIR)) -> list[Path]:
    """ksad's modules and schemas: what a remembered result of ksad's checks was computed by."""
    return [directory / name for directory in directories for name in sorted(os.listdir(directory))
            if name.endswith((".py", ".json"))]


_stamp: list[str] = []


def code_stamp() -> str:
    """The files of :func:`code_files` by name, size and mtime, the way Python's bytecode cache
    tells that a module changed: ~40 stats, where hashing their content costs ~10 ms.
    Taken once a process: the code running is the code it loaded."""
    if not _stamp:
        _stamp.append(_code_stamp())
    return _stamp[0]


def _code_stamp() -> str:
    from ksad import __version__

    # the version too: a reproducible build gives every file of a release the same mtime
    h = hashlib.sha256(f"{__version__}\n".encode())
    for path in code_files():
        st = os.stat(path)
        h.update(f"{path.parent.name}/{path.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()
