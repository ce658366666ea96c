"""Changing an installed app safely: operation marker, data snapshot, switch, undo.

Every change (install, upgrade, rollback, restore) runs the same phases:

1. create the operation marker on the target: a never-started container named
   ``ksad-op-<slug>`` whose labels say what is being done (from/to revision, who,
   pid, host). Creating a named container is atomic, so the marker is also the
   lock several operators on several machines share;
2. build or pull images (nothing running is touched yet);
3. create missing network and volumes (labelled with the revision that made them);
4. rename the containers being replaced ``<name>-old-<rev>`` and stop them;
5. snapshot the data volumes to ``ksad-<slug>-<vol>.rev<from>`` (a rollback then
   copies the older snapshot over the live volumes);
6. start the new containers in dependency order, waiting for health;
7. create the commit marker ``ksad-op-<slug>-commit``;
8. finish: remove the old containers, write the revision record, remove the markers.

Any failure or Ctrl-C before 7 undoes the operation: new containers removed, live
data restored from the snapshot if anything new ran, old containers renamed back
and started. A ``kill -9`` at any point leaves the marker behind; the next ksad
command on that app sees it and undoes (before 7) or finishes (after 7) the
operation, using only what the target shows, so it works from any machine.

Revision records are empty volumes ``ksad-<slug>.rev<N>`` whose labels hold the
revision's version, answers, time, operator and result: readable by any operator
that reaches the target.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import posixpath
import re
import signal
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

from ksad.errors import ConflictError, DeployError, KsadError, TargetError
from ksad.messages import op_word

CRASH_ENV = "KSAD_CRASH_AT"  # fault injection for the crash-recovery tests: the step name to die at
SNAPSHOT_DONE = ".ksad-snapshot-complete"
KEEP_SNAPSHOTS = 5
HEALTH_POLL_S = 0.1
# How long at least a service without a health check must still run, never restarted, after its start
# before install calls it up: running right after a start says little, since a service that exits
# 40 ms later was running when looked at (and a restart policy's next try makes it look running again).
# The engine shows an exit only once it has taken the container's network down, which on a busy
# machine takes 0.1-0.2 s, as does setting it up in the start: so the wait is as long as the start
# took when that is longer (up to SETTLE_MAX_S).
SETTLE_S = 0.1
SETTLE_MAX_S = 1.0
STOP_TIMEOUT_S = 10  # how long a container being replaced gets to stop before the engine kills it
RESTORE_WAIT_S = 60.0


def checkpoint(name: str) -> None:
    """Die here, hard, if the tests asked for it (simulates a power cut or kill -9)."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


# --- names on the target ---------------------------------------------------------------


def marker_name(slug: str) -> str:
    return f"ksad-op-{slug}"


def commit_name(slug: str) -> str:
    return f"ksad-op-{slug}-commit"


def snapshot_name(volume: str, revision: int) -> str:
    return f"{volume}.rev{revision}"


def record_name(slug: str, revision: int) -> str:
    return f"ksad-{slug}.rev{revision}"


def operator() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return f"{user}@{socket.gethostname()}"


def utility_image(engine) -> str:
    """The busybox image ksad makes on every target; used for copies, markers and stand-in builds."""
    from ksad.standin import BASE_IMAGE, ensure_base_image

    if engine.image_id(BASE_IMAGE) is None:  # a read that needs no SDK; importing the image does
        ensure_base_image(engine.client)
    return BASE_IMAGE


# --- operation marker ----------------------------------------------------------------------


@dataclass
class Operation:
    kind: str
    app: str
    slug: str
    from_rev: int
    to_rev: int
    data_from: int | None
    by: str
    pid: int
    host: str
    started: str
    version: str = "?"  # the release being brought in
    # the volumes this operation creates: the only ones its undo may delete. None: a marker
    # left by an older ksad, which did not say (its undo goes by the created_revision label alone)
    new_volumes: tuple[str, ...] | None = ()
    purge: bool = False  # an uninstall that also deletes the data

    def labels(self) -> dict[str, str]:
        return {"ksad.managed": "1", "ksad.kind": "operation", "ksad.app": self.app, "ksad.slug": self.slug,
                "ksad.op": self.kind, "ksad.from_revision": str(self.from_rev), "ksad.to_revision": str(self.to_rev),
                "ksad.data_from": "" if self.data_from is None else str(self.data_from),
                "ksad.by": self.by, "ksad.pid": str(self.pid), "ksad.host": self.host, "ksad.started": self.started,
                "ksad.version": self.version, "ksad.new_volumes": ",".join(self.new_volumes or ()),
                "ksad.purge": "1" if self.purge else ""}

    @classmethod
    def from_labels(cls, labels: dict[str, str]) -> "Operation":
        new_volumes = labels.get("ksad.new_volumes")  # volume names never hold a comma
        return cls(labels.get("ksad.op", "?"), labels.get("ksad.app", "?"), labels["ksad.slug"],
                   int(labels.get("ksad.from_revision", "0")), int(labels.get("ksad.to_revision", "0")),
                   int(labels["ksad.data_from"]) if labels.get("ksad.data_from") else None,
                   labels.get("ksad.by", "?"), int(labels.get("ksad.pid", "0") or 0), labels.get("ksad.host", "?"),
                   labels.get("ksad.started", "?"), labels.get("ksad.version", "?"),
                   None if new_volumes is None else tuple(v for v in new_volumes.split(",") if v),
                   labels.get("ksad.purge") == "1")


def _find(engine, name: str) -> dict | None:
    for c in engine.containers(name=[f"^/{name}$"]):
        return c
    return None


def _alive_here(op: Operation) -> bool:
    return op.host == socket.gethostname() and op.pid > 0 and ksad_running(op.pid)


def ksad_running(pid: int) -> bool:
    """Whether *pid*, on this host, is a ksad still running (the owner of a marker or a work directory)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    try:  # after a kill -9 the pid may have been given to an unrelated process
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return b"ksad" in fh.read()
    except OSError:
        return True


def begin(engine, op: Operation) -> None:
    from ksad.engine import create_idle

    image = utility_image(engine)
    if create_idle(engine, image, marker_name(op.slug), op.labels()) is None:
        held = _find(engine, marker_name(op.slug))
        other = Operation.from_labels(held["Labels"]) if held else op
        raise ConflictError("op.in_progress", app=op.app, op=op_word(other.kind), by=other.by, pid=other.pid,
                            started=other.started)


def end(engine, slug: str) -> None:
    for name in (commit_name(slug), marker_name(slug)):
        c = _find(engine, name)
        if c:
            engine.remove_container(c["Id"])


# --- recovery ------------------------------------------------------------------------------


@dataclass
class Recovery:
    op: Operation
    outcome: str  # "undone" | "finished"


def pending(engine, slug: str) -> bool:
    """An operation on this app was interrupted (or is running right now)."""
    return _find(engine, marker_name(slug)) is not None


def pending_in(managed: list[dict], slug: str) -> bool:
    """Like :func:`pending`, from a listing of the managed containers (markers carry the label)."""
    name = "/" + marker_name(slug)
    return any(name in (c.get("Names") or ()) for c in managed)


def recover_if_needed(engine, slug: str, reporter, *, forget_secrets: Callable[[], None] | None = None
                      ) -> Recovery | None:
    """Finish or undo an operation a killed ksad left behind on the target.

    *forget_secrets*: deletes this machine's secrets of the app, for finishing an uninstall --purge.
    """
    held = _find(engine, marker_name(slug))
    if held is None:
        return None
    op = Operation.from_labels(held["Labels"])
    if _alive_here(op):
        raise ConflictError("op.in_progress", app=op.app, op=op_word(op.kind), by=op.by, pid=op.pid, started=op.started)
    if op.host != socket.gethostname() and not os.environ.get("KSAD_TAKE_OVER"):
        raise ConflictError("op.elsewhere", app=op.app, op=op_word(op.kind), by=op.by, host=op.host, started=op.started)
    remove_helpers(engine, slug)  # the killed run's copies: they hold the volumes the undo restores
    if op.kind == "backup":  # read-only (ksad/backup.py): only the writers it paused need waking
        reporter.step("step.recover_undo", op=op_word(op.kind), revision=op.from_rev)
        for c in _slug_containers(engine, slug):
            if c.get("State") == "paused":
                _quietly(engine.unpause, c["Id"])
        end(engine, slug)
        return Recovery(op, "undone")
    if op.kind == "uninstall":
        # Never undone: containers already removed cannot come back, and "undoing" an uninstall the
        # way an upgrade is undone deleted the data it meant to keep. Finish it as it was asked.
        reporter.step("step.recover_finish", op=op_word(op.kind), revision=op.to_rev)
        remove_app(engine, slug, purge=op.purge)
        if op.purge and forget_secrets is not None:
            forget_secrets()
        end(engine, slug)
        return Recovery(op, "finished")
    if _find(engine, commit_name(slug)):
        reporter.step("step.recover_finish", op=op_word(op.kind), revision=op.to_rev)
        finish(engine, op, {})
        return Recovery(op, "finished")
    reporter.step("step.recover_undo", op=op_word(op.kind), revision=op.from_rev)
    undo(engine, op, data_volumes=_live_data_volumes(engine, slug))
    record(engine, op, "interrupted", {"ksad.version": op.version})
    end(engine, slug)
    return Recovery(op, "undone")


def recover(settings, target, engine, slug: str, reporter) -> Recovery | None:
    """Finish or undo what an interrupted run left, before anything reads the app's state.

    Raises ConflictError when the operation is still running (here or on another machine).
    """
    from ksad.lock import locked

    if not pending(engine, slug):
        return None
    from ksad.deploy import forget_secrets

    with locked(settings.state_dir, target.key, slug):
        return recover_if_needed(engine, slug, reporter, forget_secrets=forget_secrets(settings, target, slug))


def remove_app(engine, slug: str, *, purge: bool) -> None:
    """Uninstall's changes on the target: the containers and the network go; with *purge* every
    volume too (data, snapshots, revision records). Running it again finishes an interrupted one."""
    from ksad.deploy import network_name

    remove_helpers(engine, slug)  # left by a killed snapshot or restore, they would keep the volumes in use
    for c in reversed(in_start_order(engine, _slug_containers(engine, slug))):  # dependants first
        # a plain uninstall keeps an older ksad's anonymous volumes: they may hold the data it keeps
        engine.remove_container(c["Id"], anonymous_volumes=purge)
        checkpoint(f"uninstall-removed-{c['Labels']['ksad.service']}")
    engine.remove_network(network_name(slug))
    if purge:
        for v in engine.volumes(label=[f"ksad.slug={slug}"]):
            engine.remove_volume(v["Name"])


def _live_data_volumes(engine, slug: str) -> list[str]:
    from ksad.engine import list_volumes

    return sorted(v["Name"] for v in list_volumes(engine, slug=slug)
                  if (v.get("Labels") or {}).get("ksad.kind") == "data")


# --- data snapshots ----------------------------------------------------------------------------


def helper_labels(slug: str) -> dict[str, str]:
    """Labels of the short-lived containers that copy or read an app's volumes: a kill -9 can leave
    one behind, holding the volumes, and these labels are how the next run finds and removes it."""
    return {"ksad.managed": "1", "ksad.kind": "helper", "ksad.slug": slug}


def remove_helpers(engine, slug: str) -> None:
    """Remove the helper containers a killed ksad left on this app's volumes (a volume in use can be
    neither deleted nor purged). Only while no other operation on the app runs: they may be its own."""
    prefixes = (f"ksad-{slug}-", f"ksad-{slug}.")
    for c in engine.containers(label=["ksad.kind=helper"]):
        mine = (c.get("Labels") or {}).get("ksad.slug") == slug
        # an older ksad labelled its copy helpers without the slug: they are known by what they mount
        mounted = any((m.get("Name") or "").startswith(prefixes) for m in c.get("Mounts") or [])
        if mine or ((c.get("Labels") or {}).get("ksad.slug") is None and mounted):
            engine.remove_container(c["Id"])


def _copy(engine, slug: str, src: str, dst: str, *, mark_complete: bool) -> None:
    """Make *dst*'s contents exactly *src*'s (a fresh copy, owners and modes kept)."""
    from ksad.engine import run_once

    script = ("set -e; cd /to; rm -rf ./..?* ./.[!.]* ./* ; cp -a /from/. /to/; "
              + (f"touch /to/{SNAPSHOT_DONE}" if mark_complete else f"rm -f /to/{SNAPSHOT_DONE}"))
    mounts = [{"Type": "volume", "Source": src, "Target": "/from", "ReadOnly": True},
              {"Type": "volume", "Source": dst, "Target": "/to"}]
    code, out = run_once(engine, utility_image(engine), ["/bin/sh", "-c", script], mounts, helper_labels(slug),
                         started=lambda: checkpoint("copying"))
    if code != 0:
        raise DeployError("snapshot.failed", src=src, dst=dst, detail=" ".join(out.split())[-300:])


def snapshot_complete(engine, slug: str, volume: str) -> bool:
    from ksad.engine import run_once

    if not engine.volume_exists(volume):
        return False
    code, _ = run_once(engine, utility_image(engine), ["/bin/sh", "-c", f"test -f /v/{SNAPSHOT_DONE}"],
                       [{"Type": "volume", "Source": volume, "Target": "/v", "ReadOnly": True}], helper_labels(slug))
    return code == 0


def take_snapshot(engine, slug: str, volume: str, revision: int) -> str:
    snap = snapshot_name(volume, revision)
    labels = {"ksad.managed": "1", "ksad.kind": "snapshot", "ksad.slug": slug, "ksad.revision": str(revision),
              "ksad.volume": volume}
    engine.create_volume(snap, labels)
    _copy(engine, slug, volume, snap, mark_complete=True)
    return snap


def restore_snapshot(engine, slug: str, volume: str, revision: int) -> None:
    _copy(engine, slug, snapshot_name(volume, revision), volume, mark_complete=False)


def prune_snapshots(engine, slug: str, keep: int = KEEP_SNAPSHOTS) -> None:
    from ksad.engine import list_volumes

    snaps = [v for v in list_volumes(engine, slug=slug) if (v.get("Labels") or {}).get("ksad.kind") == "snapshot"]
    revisions = sorted({int(v["Labels"]["ksad.revision"]) for v in snaps}, reverse=True)
    for v in snaps:
        if int(v["Labels"]["ksad.revision"]) not in revisions[:keep]:
            engine.remove_volume(v["Name"])


# --- revision records and history ------------------------------------------------------------------


@dataclass
class Revision:
    revision: int
    op: str
    version: str
    result: str
    when: str
    by: str
    answers: dict[str, str]
    snapshot: bool  # data as it was when this revision was left is kept
    data_from: int | None = None  # a rollback: the revision whose data it brought back

    def to_json(self) -> dict:
        return dict(self.__dict__)


def record(engine, op: Operation, result: str, extra: dict[str, str]) -> None:
    if op.to_rev == 1 and result != "ok":
        return  # a first install that did not happen leaves no trace (a re-install onto kept data is recorded)
    labels = {"ksad.managed": "1", "ksad.kind": "revision", "ksad.app": op.app, "ksad.slug": op.slug,
              "ksad.revision": str(op.to_rev), "ksad.op": op.kind, "ksad.result": result,
              "ksad.when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "ksad.by": op.by,
              "ksad.from_revision": str(op.from_rev),
              "ksad.data_from": "" if op.data_from is None else str(op.data_from), **extra}
    if not engine.volume_exists(record_name(op.slug, op.to_rev)):
        engine.create_volume(record_name(op.slug, op.to_rev), labels)


def history(engine, slug: str) -> list[Revision]:
    from ksad.engine import list_volumes

    vols = list_volumes(engine, slug=slug)
    snaps = {int(v["Labels"]["ksad.revision"]) for v in vols if v["Labels"].get("ksad.kind") == "snapshot"}
    out = []
    for v in vols:
        labels = v.get("Labels") or {}
        if labels.get("ksad.kind") != "revision":
            continue
        rev = int(labels["ksad.revision"])
        out.append(Revision(rev, labels.get("ksad.op", "?"), labels.get("ksad.version", "?"),
                            labels.get("ksad.result", "?"), labels.get("ksad.when", "?"), labels.get("ksad.by", "?"),
                            json.loads(labels.get("ksad.answers") or "{}"), rev in snaps,
                            int(labels["ksad.data_from"]) if labels.get("ksad.data_from") else None))
    return sorted(out, key=lambda r: r.revision)


def last_revision(engine, slug: str) -> int:
    return max((r.revision for r in history(engine, slug)), default=0)


def kept_data_revision(engine, slug: str) -> int:
    """The revision whose data a plain uninstall kept: the last that ran, so the last good one
    (an attempt that failed after it was undone); 0 if there is none (nothing to snapshot as)."""
    return max((r.revision for r in history(engine, slug) if r.result == "ok"), default=0)


# --- apply and undo ------------------------------------------------------------------------------


def _wait_healthy(engine, name: str, cid: str, timeout: float, reporter) -> bool:
    """Until the service is healthy; True if a health check said so, False if it has none (then
    running is all that can be known, and only for now: see _check_running)."""
    deadline = time.monotonic() + timeout
    while True:
        info = engine.inspect_container(cid)
        state = info["State"]
        health = (state.get("Health") or {}).get("Status")
        if not state.get("Running") or state.get("Restarting"):
            raise DeployError("health.exited", service=name, code=_exit_code(engine, cid, info),
                              logs=_tail(engine, cid))
        if health in (None, "healthy"):
            reporter.step("step.healthy", service=name)
            return health == "healthy"
        if health == "unhealthy":
            raise DeployError("health.unhealthy", service=name, logs=_tail(engine, cid))
        if time.monotonic() > deadline:
            raise DeployError("health.timeout", services=name, seconds=int(timeout))
        time.sleep(HEALTH_POLL_S)


def _wait_completed(engine, name: str, cid: str, timeout: float, reporter) -> None:
    """Until a job has run to its end: exit 0 lets its dependents start, anything else fails."""
    deadline = time.monotonic() + timeout
    while True:
        state = engine.inspect_container(cid)["State"]
        # between the tries of restart: on-failure the engine shows it restarting, not exited
        if state.get("Status") in ("exited", "dead") and not state.get("Restarting"):
            if state.get("ExitCode") == 0:
                reporter.step("step.completed", service=name)
                return
            raise DeployError("job.failed", service=name, code=state.get("ExitCode"), logs=_tail(engine, cid))
        if time.monotonic() > deadline:
            raise DeployError("job.timeout", service=name, seconds=int(timeout))
        time.sleep(HEALTH_POLL_S)


def _check_running(engine, name: str, cid: str) -> None:
    """Still running, and never restarted: a restart policy's try hides an exit from a look at the state."""
    info = engine.inspect_container(cid)
    state = info["State"]
    if not state.get("Running") or state.get("Restarting") or info.get("RestartCount"):
        raise DeployError("health.exited", service=name, code=_exit_code(engine, cid, info), logs=_tail(engine, cid))


def _exit_code(engine, cid: str, info: dict, wait: float = 2.0) -> int | str:
    """The code the container last exited with. The engine shows it while the container is stopped
    or waits between two tries of its restart policy; once a try has started it again it shows 0,
    so the next exit is awaited (briefly: this is only said in the error, which undoes the change)."""
    deadline = time.monotonic() + wait
    while True:
        state = info["State"]
        if not state.get("Running") or state.get("Restarting"):
            return state.get("ExitCode")
        if time.monotonic() > deadline:
            return "?"
        time.sleep(0.02)
        try:
            info = engine.inspect_container(cid)
        except KsadError:
            return "?"


def _tail(engine, cid: str, lines: int = 5) -> str:
    try:
        text = b"".join(engine.logs(cid, tail=lines)).decode(errors="replace").strip()
    except Exception:  # noqa: BLE001 - logs are a courtesy inside an error message
        return "-"
    return " | ".join(text.splitlines()[-lines:]) or "-"


def _is_port_clash(exc: DeployError) -> bool:
    detail = str(exc.fields.get("detail", ""))
    return "port is already allocated" in detail or "address already in use" in detail


def _create(engine, spec) -> str:
    """A created, not yet started container with its rendered files (removed again if copying fails)."""
    cid = engine.create_container(spec.spec)
    try:
        engine.put_files(cid, spec.files)
    except DeployError:
        engine.remove_container(cid)
        raise
    return cid


def _start(engine, spec, cid: str) -> None:
    from ksad.deploy import PortTaken

    try:
        engine.start(cid)
    except DeployError as exc:
        engine.remove_container(cid)
        if _is_port_clash(exc) and spec.ports:
            # Another install took the port between plan and start. The port is in the URL,
            # the labels and the spec hash, so patching it here would leave them wrong:
            # undo, and let install plan again with fresh ports.
            raise PortTaken("port.taken", ports=", ".join(map(str, spec.ports.values()))) from None
        raise


ANONYMOUS = re.compile(r"[0-9a-f]{64}\Z")  # the engine names the volumes it makes for a container so


@dataclass
class ImageVolume:
    """A path an image declares VOLUME at and the recipe leaves unmounted: left alone, the engine
    gives every container a new, empty anonymous volume there, and removing the container orphans it."""

    service: str
    path: str
    volume: str  # the named volume ksad mounts there instead
    new: bool  # made by this operation


def image_volumes(engine, prep, services: list[str]) -> list[ImageVolume]:
    """The image VOLUME paths of *services* (those about to be created) that no mount covers."""
    from ksad.deploy import image_volume_name

    out = []
    for name in services:
        host_config = prep.specs[name].spec["host_config"]
        # the engine skips an image VOLUME where a mount (of any type) or a tmpfs has exactly that target
        covered = {posixpath.normpath(m["Target"]) for m in host_config.get("mounts") or []}
        covered |= {posixpath.normpath(t) for t in host_config.get("tmpfs") or {}}
        for path in engine.image_volumes(prep.specs[name].image_ref):
            path = posixpath.normpath(path)
            if path in covered:
                continue
            volume = image_volume_name(prep.plan.slug, name, path)
            labels = engine.volume_labels(volume)
            if labels is not None and (labels.get("ksad.kind"), labels.get("ksad.slug"), labels.get("ksad.service"),
                                       labels.get("ksad.path")) != ("image", prep.plan.slug, name, path):
                raise ConflictError("volume.image_taken", volume=volume, service=name, path=path,
                                    owner=labels.get("ksad.slug") or labels.get("ksad.kind") or "-")
            out.append(ImageVolume(name, path, volume, labels is None))
    return out


def carried_over(prep, services: list[str], new: set[str]) -> list[tuple[str, str, str, str]]:
    """(service, path, from, to): where a new volume is mounted at a path at which the container it
    replaces kept data the recipe did not declare, in an anonymous volume (an older ksad's) or in the
    volume ksad kept such a path in (a recipe that now mounts the path), that data goes into it."""
    from ksad.deploy import image_volume_name

    moves, filled = [], set()
    for name in services:
        old = prep.observed.containers.get(name)
        for m in prep.specs[name].spec["host_config"].get("mounts") or []:
            if old is None or m["Type"] != "volume" or m["Source"] not in new or m["Source"] in filled:
                continue
            path = posixpath.normpath(m["Target"])
            for held in old.get("Mounts") or []:
                source = held.get("Name") or ""
                if (held.get("Type") == "volume" and posixpath.normpath(held.get("Destination") or "") == path
                        and (ANONYMOUS.match(source) or source == image_volume_name(prep.plan.slug, name, path))):
                    moves.append((name, path, source, m["Source"]))
                    filled.add(m["Source"])
                    break
    return moves


def apply(settings, prep, reporter, timeout: float, *, kind: str = "install", data_from: int | None = None,
          force: bool = False, retry_port_clash: bool = False) -> None:
    """Run the phases of the module docstring for a prepared plan.

    *retry_port_clash*: the caller plans the same change again if a port was taken meanwhile
    (PortTaken), so such an attempt leaves no revision record: the retry is that revision.
    """
    from ksad.deploy import PortTaken, context_tar, network_name, save_secrets, volume_name

    engine, plan, slug = prep.engine, prep.plan, prep.plan.slug
    from_rev = prep.from_revision
    op = Operation(kind, prep.app.id, slug, from_rev, plan.revision, data_from, operator(), os.getpid(),
                   socket.gethostname(), datetime.now(timezone.utc).isoformat(timespec="seconds"),
                   prep.release.version, tuple(prep.new_volumes))
    kinds = {a.subject: a.kind for a in plan.actions}
    data_volumes = [volume_name(slug, v) for v in prep.recipe.ksad.data_volumes]
    begin(engine, op)
    checkpoint("begun")
    previous_handlers = _interrupt_on_termination()
    try:
        for s in prep.specs.values():
            if kinds.get(s.image_ref) == "build":
                reporter.step("step.build", image=s.image_ref)
                from ksad.standin import is_standin_dockerfile

                if is_standin_dockerfile(s.build.context, s.build.dockerfile):
                    utility_image(engine)
                engine.build(context_tar(s.build.context), s.image_ref,
                             {"ksad.managed": "1", "ksad.app": prep.app.id}, reporter.detail,
                             dockerfile=s.build.dockerfile, args=s.build.args)
            elif kinds.get(s.image_ref) == "pull":
                reporter.step("step.pull", image=s.image_ref)
                engine.pull(s.image_ref, reporter.detail)
            elif s.pull:
                engine.verify_digest(s.image_ref)
        checkpoint("images")
        order = prep.recipe.start_order()
        replace = [n for n in order if force or kinds.get(prep.specs[n].name) in ("create", "recreate")]
        unmounted = image_volumes(engine, prep, replace)
        created = {"ksad.managed": "1", "ksad.app": prep.app.id, "ksad.slug": slug,
                   "ksad.created_revision": str(plan.revision)}
        if prep.new_network:
            engine.create_network(network_name(slug), created)
        for vol in prep.new_volumes:
            is_data = vol in data_volumes
            engine.create_volume(vol, {**created, "ksad.kind": "data" if is_data else "volume"})
        for iv in unmounted:
            reporter.step("step.image_volume", service=iv.service, path=iv.path, volume=iv.volume)
            if iv.new:  # the marker cannot name it (made after begin): undo finds it by kind and revision
                engine.create_volume(iv.volume, {**created, "ksad.kind": "image", "ksad.service": iv.service,
                                                 "ksad.path": iv.path})
            host_config = prep.specs[iv.service].spec["host_config"]
            # not in the spec hash: what the image declares is in it already (its reference)
            host_config["mounts"] = [*(host_config.get("mounts") or []),
                                     {"Type": "volume", "Source": iv.volume, "Target": iv.path, "ReadOnly": False}]
        moves = carried_over(prep, replace, {*prep.new_volumes, *(iv.volume for iv in unmounted if iv.new)})
        checkpoint("created")

        retiring = [(n, c) for n, c in prep.observed.containers.items()
                    if n in replace or n not in prep.recipe.services]
        for name, c in reversed(retiring):
            reporter.step("step.stop_old", container=c["Names"][0].lstrip("/"))
            # A stop request cut short by Ctrl-C still completes on the engine, after the undo has
            # looked at the container: it would stay stopped. Let the rename and stop finish first.
            # Renamed before the stop: after a kill -9 mid-stop, the stop the engine carries on is
            # on a container the undo knows (by its name) may be stopping, so it waits for it.
            with _interrupts_deferred():
                engine.rename(c["Id"], f"{c['Names'][0].lstrip('/')}-old-{from_rev}")
                engine.stop(c["Id"], timeout=STOP_TIMEOUT_S)
        checkpoint("stopped")
        for name, path, source, volume in moves:  # the containers are stopped now: the copies are whole
            reporter.step("step.image_volume_copy", container=prep.specs[name].name, path=path, volume=volume)
            _copy(engine, slug, source, volume, mark_complete=False)
        checkpoint("data-carried-over")
        # exactly the copies the plan showed (deploy.data_actions), so a dry run tells the truth
        snapshots = [a.detail for a in plan.actions if a.kind == "snapshot"]
        if snapshots:
            paused = _pause_users(engine, prep, snapshots, replace)
            try:
                for vol in snapshots:
                    reporter.step("step.snapshot", volume=vol, revision=from_rev)
                    take_snapshot(engine, slug, vol, from_rev)
                    checkpoint("snapshot")
            finally:
                for cid in paused:
                    engine.unpause(cid)
        checkpoint("snapshotted")
        restores = [a.subject for a in plan.actions if a.kind == "restore-data"]
        if data_from is not None:
            for vol in restores:
                reporter.step("step.restore_data", volume=vol, revision=data_from)
                restore_snapshot(engine, slug, vol, data_from)
            checkpoint("data-restored")
        waits, jobs = set(prep.recipe.ksad.wait_for), prep.recipe.jobs
        starting = [n for n in order if n in replace]
        vouched: set[str] = set()  # a job that completed, a service a health check found healthy
        cids: dict[str, str] = {}
        settled: dict[str, float] = {}  # service -> when it has run long enough to be called up

        def create(name: str) -> str:
            if name not in cids:
                s = prep.specs[name]
                s.spec["config"]["labels"]["ksad.revision"] = str(plan.revision)
                cids[name] = _create(engine, s)
            return cids[name]

        for i, name in enumerate(starting):
            s = prep.specs[name]
            cid = create(name)
            reporter.step("step.start", container=s.name)
            before = time.monotonic()
            _start(engine, s, cid)
            took = time.monotonic() - before
            settled[name] = before + took + min(max(SETTLE_S, took), SETTLE_MAX_S)
            checkpoint(f"started-{name}")
            needed = any(prep.recipe.services[o].depends_on.get(name) == "service_healthy"
                         for o in prep.recipe.services)
            if needed or name in waits or name in jobs:
                for later in starting[i + 1:]:
                    create(later)  # created, not started: this overlaps the wait instead of following it
                if name in jobs:
                    _wait_completed(engine, name, cid, timeout, reporter)
                    vouched.add(name)
                elif _wait_healthy(engine, name, cid, timeout, reporter):
                    vouched.add(name)
        # a service no health check vouched for may have died (a missing variable, a bad command):
        # "running and healthy" must not be said of an app with a service down. Running just after
        # its start proves little, so each must still run, never restarted, a while after it (SETTLE_S)
        unproven = [name for name in starting if name not in vouched]
        if unproven:
            time.sleep(max(0.0, max(settled[n] for n in unproven) - time.monotonic()))
        for name in unproven:
            _check_running(engine, name, cids[name])
        checkpoint("healthy")
        from ksad.engine import create_idle

        create_idle(engine, utility_image(engine), commit_name(slug), op.labels())
        checkpoint("committed")
    except BaseException as exc:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not abort the undo
        for sig in previous_handlers:
            signal.signal(sig, signal.SIG_IGN)
        try:
            reporter.step("step.rollback")
            try:
                undo(engine, op, data_volumes=data_volumes)
            except TargetError as cut:
                # the marker stays on the target: the next command that changes this app undoes the rest
                raise _connection_lost("engine.lost_in_undo", prep, op, cut) from None
            # Ctrl-C, SIGTERM and SIGHUP stopped it (as a kill -9 recovered later does), nothing failed
            result = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            if not (retry_port_clash and isinstance(exc, PortTaken)):
                record(engine, op, result, _record_labels(prep))
            end(engine, slug)
        finally:
            signal.signal(signal.SIGINT, previous)
            _restore_handlers(previous_handlers)
        if isinstance(exc, TargetError):  # the connection broke, and came back for the undo
            raise _connection_lost("engine.lost_then_restored", prep, op, exc) from None
        raise
    _restore_handlers(previous_handlers)
    save_secrets(settings, prep.target.key, slug, prep.secrets)
    finish(engine, op, _record_labels(prep))


def _connection_lost(key: str, prep, op: Operation, cut: TargetError) -> TargetError:
    """What to say when the target stopped answering during a change: "engine.unreachable" alone
    would not say whether the change was undone."""
    detail = cut.fields.get("detail") or cut.message
    return TargetError(key, target=prep.target.name, url=prep.target.url, op=op_word(op.kind), app=op.app,
                       detail=detail)


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP inside the block take effect (as KeyboardInterrupt) once it is done."""
    caught: list[int] = []
    saved = {}
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        try:
            if signal.getsignal(sig) not in (signal.SIG_IGN, None):  # what is ignored stays ignored
                saved[sig] = signal.signal(sig, lambda signum, _frame: caught.append(signum))
        except ValueError:  # not the main thread: leave signals alone
            pass
    try:
        yield
    finally:
        _restore_handlers(saved)
    if caught:
        raise KeyboardInterrupt


def _interrupt_on_termination() -> dict:
    """Until the commit, SIGTERM and SIGHUP undo the operation the way Ctrl-C does."""

    def interrupt(signum, _frame):
        signal.signal(signum, signal.SIG_IGN)  # one undo, whatever else arrives
        raise KeyboardInterrupt

    saved = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            if signal.getsignal(sig) == signal.SIG_DFL:
                saved[sig] = signal.signal(sig, interrupt)
        except ValueError:  # not the main thread: leave signals alone
            pass
    return saved


def _restore_handlers(saved: dict) -> None:
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def _pause_users(engine, prep, volumes: list[str], replace: list[str]) -> list[str]:
    """Pause running containers that are kept and write to a volume being copied."""
    from ksad.deploy import volume_name

    paused = []
    for name, c in prep.observed.containers.items():
        if name in replace or c.get("State") != "running" or name not in prep.recipe.services:
            continue
        mounts = {volume_name(prep.plan.slug, m.source) for m in prep.recipe.services[name].mounts}
        if mounts & set(volumes):
            engine.pause(c["Id"])
            paused.append(c["Id"])
    return paused


def _record_labels(prep) -> dict[str, str]:
    answers = {k[len("ksad.set."):]: v for k, v in prep.specs[next(iter(prep.specs))].spec["config"]["labels"].items()
               if k.startswith("ksad.set.")}
    return {"ksad.version": prep.release.version, "ksad.name": prep.plan.name, "ksad.answers": json.dumps(answers)}


def _slug_containers(engine, slug: str) -> list[dict]:
    return [c for c in engine.containers(label=[f"ksad.slug={slug}"])
            if (c.get("Labels") or {}).get("ksad.service")]


def undo(engine, op: Operation, *, data_volumes: list[str]) -> None:
    """Put the target back to revision ``op.from_rev``; safe to run again after a crash."""
    from ksad.deploy import network_name
    from ksad.engine import list_volumes

    containers = _slug_containers(engine, op.slug)
    suffix = f"-old-{op.from_rev}"
    new = [c for c in containers if c["Labels"].get("ksad.revision") == str(op.to_rev)
           and not c["Names"][0].endswith(suffix)]
    old = [c for c in containers if c["Names"][0].endswith(suffix)]
    for c in new:
        _quietly(engine.stop, c["Id"], 5)
    for c in old:
        if c.get("State") == "running":
            # renamed to be stopped, but a killed run's stop request may still be under way on the
            # engine: it would stop the container after the start below. Stopping it here waits for
            # that stop (or does it), so the start below finds it stopped, and the data is still
            # while it is restored.
            _quietly(engine.stop, c["Id"], STOP_TIMEOUT_S)
    for c in containers:  # a crash during a snapshot can leave kept containers paused
        if c.get("State") == "paused":
            _quietly(engine.unpause, c["Id"])
    touched = bool(new) or op.data_from is not None
    if op.from_rev > 0 and touched:
        for vol in data_volumes:
            if snapshot_complete(engine, op.slug, snapshot_name(vol, op.from_rev)):
                restore_snapshot(engine, op.slug, vol, op.from_rev)
    checkpoint("undo-data")
    for c in new:
        engine.remove_container(c["Id"])
    for c in old:
        original = c["Names"][0].lstrip("/")[: -len(suffix)]
        _quietly(engine.rename, c["Id"], original)
    # everything the previous revision ran comes back, dependencies first; an older ksad stopped
    # before renaming, so a crash between the two left it stopped under its own name. Their state is
    # read again now, not taken from the listing above: the stops above have changed it.
    new_ids = {c["Id"] for c in new}
    left = [c for c in _slug_containers(engine, op.slug) if c["Id"] not in new_ids]
    restored = in_start_order(engine, [c for c in left if c.get("State") != "running" and not _job_done(engine, c)])
    failed = []
    for c in restored:
        try:
            engine.start(c["Id"])
        except KsadError as exc:  # e.g. its port was taken meanwhile: keep restoring the rest, then say so
            name = c["Names"][0].lstrip("/")
            failed.append((name[: -len(suffix)] if name.endswith(suffix) else name, exc.message))
    for v in list_volumes(engine, slug=op.slug):
        # only what this operation made: data an uninstall kept (or a restore filled) was there before it.
        # The volumes at image VOLUME paths are made after the marker: their revision label says it
        labels = v.get("Labels") or {}
        made_here = op.new_volumes is None or v["Name"] in op.new_volumes or labels.get("ksad.kind") == "image"
        if made_here and labels.get("ksad.created_revision") == str(op.to_rev):
            engine.remove_volume(v["Name"])
    if not left:  # nothing ran before: a first install, or a re-install onto data an uninstall kept
        engine.remove_network(network_name(op.slug))
    if failed:
        # the marker stays, so the next command on this app tries the undo again
        raise DeployError("undo.start_failed", app=op.app, container=failed[0][0], detail=failed[0][1])
    _settle(engine, [c["Id"] for c in restored])


def in_start_order(engine, containers: list[dict]) -> list[dict]:
    """*containers* of one app, each after what it depends on: as the recipe's start order placed them.

    Containers an older ksad made do not say their place; for them it is the order they were created
    in, as the engine tells it to the nanosecond (a listing says whole seconds, and a db and the web
    that needs it are often made in the same one). That order is wrong for a container re-created
    on its own later (a stopped db brought back by a re-run), which is why the place is a label now.
    """
    from ksad.deploy import START_LABEL

    if all(c["Labels"].get(START_LABEL, "").isdigit() for c in containers):
        return sorted(containers, key=lambda c: int(c["Labels"][START_LABEL]))
    return sorted(containers, key=lambda c: _created_ns(engine, c))


def _created_ns(engine, c: dict) -> int:
    try:
        stamp = engine.inspect_container(c["Id"])["Created"]  # RFC 3339 in UTC, to the nanosecond
        whole, _, fraction = stamp.rstrip("Z").partition(".")
        seconds = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
        return int(seconds) * 1_000_000_000 + int(fraction.ljust(9, "0")[:9])
    except (KsadError, KeyError, ValueError):  # gone meanwhile, or a stamp not of that form
        return int(c.get("Created") or 0) * 1_000_000_000


def _job_done(engine, c: dict) -> bool:
    """A job of the previous revision that had done its work: started again, it would do it twice
    (the data it worked on is already back as it was after its run)."""
    if c["Labels"].get("ksad.job") != "1" or c.get("State") != "exited":
        return False
    return engine.inspect_container(c["Id"])["State"].get("ExitCode") == 0


def _settle(engine, ids: list[str], timeout: float = RESTORE_WAIT_S) -> None:
    """Wait (bounded, never failing) until the restored containers are healthy again, so that
    "the previous state was restored" is true when the user reads it."""
    deadline = time.monotonic() + timeout
    waiting = list(ids)
    while waiting and time.monotonic() < deadline:
        try:
            state = engine.inspect_container(waiting[0])["State"]
        except Exception:  # noqa: BLE001 - a container that is gone has nothing to wait for
            waiting.pop(0)
            continue
        health = (state.get("Health") or {}).get("Status")
        if not state.get("Running") or health in (None, "healthy", "unhealthy"):
            waiting.pop(0)
        else:
            time.sleep(HEALTH_POLL_S)


def finish(engine, op: Operation, labels: dict[str, str]) -> None:
    suffix = f"-old-{op.from_rev}"
    containers = _slug_containers(engine, op.slug)
    carried = {c["Labels"].get("ksad.service") for c in containers
               if c["Labels"].get("ksad.revision") == str(op.to_rev)}
    for c in containers:
        if c["Names"][0].endswith(suffix):
            # with the anonymous volumes it had where the new revision runs the service: that one keeps what
            # they held in a named volume. A service the release dropped leaves them, as it leaves its data.
            engine.remove_container(c["Id"], anonymous_volumes=c["Labels"].get("ksad.service") in carried)
    if not labels:  # finishing after a crash: read what the new revision runs
        current = [c for c in _slug_containers(engine, op.slug) if c["Labels"].get("ksad.revision") == str(op.to_rev)]
        if current:
            l0 = current[0]["Labels"]
            labels = {"ksad.version": l0.get("ksad.version", "?"), "ksad.name": l0.get("ksad.name", ""),
                      "ksad.answers": json.dumps({k[9:]: v for k, v in l0.items() if k.startswith("ksad.set.")})}
    record(engine, op, "ok", labels)
    checkpoint("recorded")
    prune_snapshots(engine, op.slug)
    end(engine, op.slug)


def _quietly(fn: Callable, *args: Any) -> None:
    try:
        fn(*args)
    except Exception:  # noqa: BLE001 - undo continues past a step that failed
        pass
