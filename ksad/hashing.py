"""Content hashes that pin what a release is made of."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_sha256(root: Path) -> str:
    """A hash of a directory's files: paths, executable bit and contents.

    Independent of timestamps, ownership and file-system order, so the same
    source checked out anywhere hashes the same. Symlinks are hashed as their
    target text, never followed (a link must not pull host files in).
    """
    root = Path(root)
    h = hashlib.sha256()
    entries = sorted(p for p in root.rglob("*") if p.is_symlink() or p.is_file())
    for p in entries:
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            h.update(f"L {rel} {Path(p).readlink().as_posix()}\n".encode())
        else:
            mode = "x" if p.stat().st_mode & 0o111 else "-"
            h.update(f"F {rel} {mode} {file_sha256(p)}\n".encode())
    return h.hexdigest()
