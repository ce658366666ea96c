"""Work spread over the CPUs, for the commands that read a whole catalog.

A cold `catalog validate` or `catalog index` at national scale is mostly PyYAML and
checks written in Python: one process per CPU divides it. Workers are forked, so
they start with ksad imported; what they return comes back as plain data (pickled)
and is used where this process would have computed it, so results and their order
do not change. Workers that cannot start (no fork, a container's pids limit) or that
die (the OOM killer) only cost speed: their batches come back as None, and the
caller does that part itself.

Work that is mostly C code releasing the GIL (signature verification) needs no
process: :func:`threaded_map` gives it a second thread. Such work that can start
before the Python that comes first (a snapshot check, loading the MoUs) goes to a
:class:`Forked` child instead: a thread would wait for the GIL at every signature.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def cpus() -> int:
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Workers:
    """``fn(batch) -> list`` run in worker processes; :meth:`results` gives each batch back with its list."""

    def __init__(self, fn: Callable[[list], list]) -> None:
        self.fn = fn
        self.count = cpus()
        self.usable = self.count > 1
        self.pool = None
        self.started = 0  # processes started (0: everything is left to the caller)
        self._futures: list[tuple[list, Any]] = []

    def submit(self, batch: list) -> bool:
        """Queue *batch*; False if no worker can take it (the caller keeps it)."""
        if not self.usable:
            return False
        try:
            if self.pool is None:
                import concurrent.futures
                import multiprocessing

                self.pool = concurrent.futures.ProcessPoolExecutor(
                    self.count, mp_context=multiprocessing.get_context("fork"))
                self.started = self.count
            self._futures.append((batch, self.pool.submit(self.fn, batch)))
            return True
        except (OSError, RuntimeError, ValueError):
            self.usable = False
            self.close()
            return False

    def results(self) -> Iterator[tuple[list, list | None]]:
        """(batch, its results) in the order submitted; None where its worker failed."""
        for batch, future in self._futures:
            try:
                yield batch, future.result()
            except Exception:  # noqa: BLE001 - a worker that died: the caller computes the batch (and
                yield batch, None  # meets, with a traceback, any bug that made it die)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)


# Fewer items than this are not worth a thread: starting one costs ~0.1 ms, but the two
# threads hand the GIL to each other, which only pays when most of the time is C code.
THREADED_LEAST = 64


def threaded_map(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[fn(x) for x in items]``, a second thread taking every other item when there are two CPUs.

    For work that is almost all C code releasing the GIL: ``cryptography`` verifies an
    Ed25519 signature (~0.15 ms) without it (1,000 signatures: ~0.16 s in one thread, ~0.09 s
    in two). Python between the C calls makes the threads hand the GIL to each other at each
    one, which can cost what the second thread gains (``ksad.trust.verify_ahead`` runs nothing
    else). Results keep their order; an exception from *fn* is raised here, as without a thread.
    """
    if len(items) < THREADED_LEAST or cpus() < 2:
        return [fn(x) for x in items]
    import threading

    out: list[Any] = [None] * len(items)
    failed: list[BaseException] = []

    def odd() -> None:
        try:
            for i in range(1, len(items), 2):
                out[i] = fn(items[i])
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            failed.append(exc)

    helper = threading.Thread(target=odd, name="ksad-threaded-map", daemon=True)
    helper.start()
    try:
        for i in range(0, len(items), 2):
            out[i] = fn(items[i])
    finally:
        helper.join()
    if failed:
        raise failed[0]
    return out


class Forked:
    """``fn(send)`` run in a forked child while this process goes on; each ``send(line)`` streams back.

    For work beside this process's own Python that a thread could not overlap with it (a
    thread handing the GIL back at every signature waits for it each time: ``verify_ahead``'s
    note). The child starts with ksad imported and the caller's state as it is now, and
    gives back lines of text through a pipe, which :meth:`poll` reads without waiting; *fn*
    should only compute and send. A child that cannot start (one CPU, no fork, a pids limit)
    leaves :attr:`pid` None, one that fails only stops sending: the caller does what is left
    itself. The child leaves by ``os._exit``: the output buffers it inherited are not flushed
    a second time, and no atexit hook (a memo's save) runs in it.
    """

    def __init__(self, fn: Callable[[Callable[[str], None]], None]) -> None:
        self.pid: int | None = None
        self._fd: int | None = None
        self._partial = b""
        if cpus() < 2 or not hasattr(os, "fork"):
            return
        try:
            read, write = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: whatever happens, it leaves here
            code = 1
            try:
                os.close(read)

                def send(line: str) -> None:
                    view = memoryview(line.encode() + b"\n")
                    while view:
                        view = view[os.write(write, view):]

                fn(send)
                code = 0
            except BaseException:  # noqa: BLE001 - the parent does what is left
                pass
            finally:
                os._exit(code)
        os.close(write)
        os.set_blocking(read, False)
        self.pid, self._fd = pid, read

    @classmethod
    def start(cls, fn: Callable[[Callable[[str], None]], None]) -> "Forked | None":
        """A child running *fn*, None if none could start."""
        forked = cls(fn)
        return forked if forked.pid is not None else None

    @property
    def running(self) -> bool:
        """Whether the child may still send (it has not closed its end)."""
        return self._fd is not None

    def poll(self) -> list[str]:
        """The lines sent since the last call, without waiting."""
        if self._fd is None:
            return []
        chunks = [self._partial]
        while True:
            try:
                chunk = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:  # the child is done (or gone)
                self.close()
                break
            chunks.append(chunk)
        *lines, self._partial = b"".join(chunks).split(b"\n")
        return [line.decode() for line in lines]

    def close(self) -> None:
        """Stop the child (if it is still at work) and collect it, so no zombie is left."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        pid, self.pid = self.pid, None
        if pid is None:
            return
        try:
            os.kill(pid, 9)
        except OSError:
            pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
