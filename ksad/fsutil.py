"""Writing files so that a crash never leaves half of one behind.

Every file ksad owns (identity pack, inventory, secrets, state) is replaced
whole: the new content goes to a temporary file in the same directory (so the
final ``os.replace`` is a rename within one filesystem, which POSIX makes
atomic), is fsynced, gets its mode, and only then takes the real name. A
reader sees the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Callable, Iterator

from ksad.errors import KsadError, WriteError


def write_error(path: Path | str, exc: OSError) -> WriteError:
    """The OS refused to write *path*: ksad's error naming the file and the reason.

    The advice differs: under KSAD_HOME the user can fix or move their home; any other
    file is one they named, and can name another.
    """
    from ksad.settings import Settings

    home = Settings.from_env().home
    path = Path(path).absolute()
    key = "home.unwritable" if path.is_relative_to(home) else "file.unwritable"
    return WriteError(key, os_error=exc, file=str(path), home=str(home))


@contextlib.contextmanager
def writing(path: Path | str, error: Callable[[OSError], WriteError] | None = None) -> Iterator[None]:
    """Turn an OSError raised while writing *path* into a :class:`WriteError` naming it
    (*error*: one that says more, such as which output of a command it was)."""
    try:
        yield
    except KsadError:
        raise
    except OSError as exc:
        raise (error(exc) if error is not None else write_error(path, exc)) from None


def check_can_create(path: Path | str) -> None:
    """What a dry run checks of a file its real run would write: no directory in its place, and the
    nearest directory on its way that exists is one (a file there would make the write fail)."""
    import errno

    path = Path(path)
    if path.is_dir():
        raise write_error(path, OSError(errno.EISDIR, os.strerror(errno.EISDIR)))
    parent = path.parent
    while not parent.exists() and not parent.is_symlink() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise write_error(path, OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)))


def _fsync_dir(directory: Path) -> None:
    # The rename itself lives in the directory; without this a power cut can
    # forget it even though the file's bytes reached the disk.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _temp_beside(path: Path) -> tuple[int, str]:
    """A new 0600 file ``.<name>.<random>.tmp`` beside *path*, opened exclusively, as
    ``tempfile.mkstemp`` makes one: importing tempfile (shutil, random, bz2, lzma) cost
    ~10 ms on every command that writes even a cache."""
    for _ in range(100):
        name = os.path.join(path.parent, f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(name, _TEMP_FLAGS, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def atomic_write(path: Path | str, data: bytes | str, mode: int = 0o644, *, durable: bool = True) -> Path:
    """Replace *path* with *data* (str is written as UTF-8) in one step.

    ``durable=False`` skips the fsyncs (~1 ms each) for a cache: after a power cut it may be
    the old file, or empty, which its reader takes as no cache; never half of each.
    """
    path = Path(path)
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = _temp_beside(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        # It was created 0600; set the wanted mode explicitly (umask must not widen or narrow it).
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):  # a full disk, say: the file named, not a traceback
            raise write_error(path, exc) from None
        raise
    if durable:
        _fsync_dir(path.parent)
    return path


def write_cache(path: Path | str, data: bytes | str) -> Path:
    """Replace the cache file *path* with *data* in one rename, without fsync.

    A cache holds only copies: a reader that finds one torn or empty after a crash
    ignores it and parses the source again, so the fsyncs buy nothing here.
    """
    return atomic_write(path, data, durable=False)


def write_secret(path: Path | str, data: bytes | str) -> Path:
    """Like :func:`atomic_write`, readable by the owner only, in an owner-only directory."""
    path = Path(path)
    with writing(path.parent):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path.parent, 0o700)  # mkdir's mode is filtered by umask and ignored if it existed
    return atomic_write(path, data, mode=0o600)


@contextlib.contextmanager
def locked(path: Path | str) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``<path>.lock`` for a read-modify-write of *path*.

    Atomic replacement keeps a file whole, but two concurrent edits would
    still lose one of them; the lock serialises them.
    """
    import fcntl

    lock_path = Path(path).with_name(Path(path).name + ".lock")
    with writing(lock_path):  # the lock is a file too: a read-only home fails here first
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
