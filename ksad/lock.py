"""One operation at a time per target and app, on this machine.

``flock`` is released by the kernel when the process dies, so a lock left by a
killed ``ksad`` is never stale: the next run simply gets it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from pathlib import Path
from typing import Iterator

from ksad.errors import ConflictError
from ksad.fsutil import writing


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:80]


@contextlib.contextmanager
def locked(state_dir: Path, target: str, app: str, *, held: str = "lock.held") -> Iterator[None]:
    """*held*: the message key of the refusal when another process holds it (fields app, target, pid)."""
    lock_dir = state_dir / "locks"
    path = lock_dir / f"{_safe(target)}--{_safe(app)}.lock"
    with writing(path):  # the first file an operation writes: a read-only home is reported here
        lock_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            raise ConflictError(held, app=app, target=target, pid=holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
