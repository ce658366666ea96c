"""ksad.workers.Forked: a forked child streaming lines back, and nothing else of it reaching us."""

from __future__ import annotations

import os
import time

import pytest

from ksad import workers


@pytest.fixture(autouse=True)
def two_cpus(monkeypatch):
    monkeypatch.setattr(workers, "cpus", lambda: 2)  # as on the machines CI runs on, whatever this one has


def _drain(forked: workers.Forked, timeout: float = 30) -> list[str]:
    out: list[str] = []
    deadline = time.monotonic() + timeout
    while forked.running:
        assert time.monotonic() < deadline, "the child neither sent nor finished"
        out += forked.poll()
        time.sleep(0.005)
    return out


def _gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # collected already: no zombie left
    return False


def test_a_child_streams_its_lines_in_order_and_is_collected():
    def fn(send):
        for i in range(5000):  # more than a pipe holds: the child waits for the parent to read
            send(f"line-{i}")

    forked = workers.Forked(fn)
    pid = forked.pid
    assert pid is not None
    assert _drain(forked) == [f"line-{i}" for i in range(5000)]
    assert forked.pid is None and _gone(pid)


def test_a_child_that_fails_gives_what_it_sent_before_and_stops():
    def fn(send):
        send("first")
        raise RuntimeError("a bug in the child")

    forked = workers.Forked(fn)
    pid = forked.pid
    assert _drain(forked) == ["first"]
    assert _gone(pid)


def test_closing_stops_a_child_at_work_and_collects_it():
    forked = workers.Forked(lambda send: time.sleep(60))
    pid = forked.pid
    started = time.monotonic()
    forked.close()
    assert time.monotonic() - started < 5 and not forked.running and _gone(pid)
    assert forked.poll() == []
    forked.close()  # twice is harmless


def test_no_child_on_one_cpu(monkeypatch):
    monkeypatch.setattr(workers, "cpus", lambda: 1)
    forked = workers.Forked(lambda send: send("never"))
    assert forked.pid is None and not forked.running and forked.poll() == []


def test_the_child_leaves_without_flushing_what_it_inherited_or_running_exit_hooks(tmp_path):
    """Run as a command is (stdout a buffered pipe): the parent's unflushed output comes out once,
    and the child's leaving runs neither the parent's exit hooks nor its own."""
    import subprocess
    import sys

    marker = tmp_path / "hooks"
    script = f"""
import atexit, sys
from ksad import workers
workers.cpus = lambda: 2
atexit.register(lambda: open({str(marker)!r}, "a").write("parent hook\\n"))
print("parent before", end="")  # still in the buffer when forking

def fn(send):
    atexit.register(lambda: open({str(marker)!r}, "a").write("child hook\\n"))
    send("done")

forked = workers.Forked(fn)
got = []
while forked.running:
    got += forked.poll()
print("", got)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "parent before ['done']\n"
    assert marker.read_text() == "parent hook\n"  # the parent's, once, at its own exit
