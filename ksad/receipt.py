"""Receipts: a re-run of ``ksad install`` that would change nothing is answered without redoing the work.

A no-op re-run used to cost ~0.3 s, nearly all of it spent proving there was
nothing to do: verifying the catalog's signed snapshot, the publisher's
signature and the MoU, parsing the recipe and the identity pack, rendering
every container's spec, only to find the same spec digests on the running
containers. Build tools answer that question with stamps (make, ninja): the
inputs were seen, the outcome recorded, unchanged inputs give the same outcome.

After an install that left every container as planned, its receipt records:

- a key over the request, the settings, the environment that picks the target
  and ksad's own code (any difference means another receipt);
- the stat signature (mtime and ctime in ns, size, inode) of every file the
  plan was made from, taken *before* the install read them and compared again
  when the receipt is written: the catalog (snapshot, keyring, MoUs,
  revocations, entries), the recipe with its build contexts and templates, the
  identity pack and emblem, the policy, the target inventory; and, as they were
  left by the install itself, the app's secrets and the catalog's trust state;
- until when the gate's verdict holds: the snapshot's expiry and the end of
  the local day on which it was reached (keys, MoUs and revocations are valid
  by the day);
- the target, and each service's container with its spec digest and revision.

A re-run with the same key, before that time, with every file showing the same
signature, is answered from the receipt if the target's container listing
shows exactly those containers running with those digests and that revision,
and no interrupted operation: the case in which the full path plans nothing
but "keep", with the same two engine requests. Anything else (a file touched,
a day gone by, a container stopped or changed, a failed listing) takes the full
path, which checks everything again and writes a new receipt.

Receipts live in the state directory, 0600, beside the trust state that is as
sensitive: whoever can write one can write the other.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from datetime import date, datetime, time as day_start, timedelta
from pathlib import Path
from typing import Any

FORMAT = 1
_PRUNED = frozenset({"__pycache__", ".git"})  # what Python and git write beside sources: not inputs
_ENV = ("DOCKER_HOST", "KSAD_LANG", "LANG")  # besides Settings: what picks the target or the words


def signature(path: str | Path) -> str:
    """The stat signature of a file, or of everything under a directory; ``-`` if absent.

    ctime is part of it because no tool can set it back: a file edited and given
    its old mtime again (``touch -r``, ``cp -p``) still shows as changed.
    """
    path = os.fspath(path)
    try:
        st = os.stat(path)
    except OSError:
        return "-"
    if not stat.S_ISDIR(st.st_mode):
        return f"f{st.st_mtime_ns}.{st.st_ctime_ns}.{st.st_size}.{st.st_ino}"
    digest = hashlib.sha256()
    pending = [path]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            digest.update(f"?{directory}\n".encode("utf-8", "surrogateescape"))
            continue
        for entry in entries:
            if entry.name in _PRUNED:
                continue
            try:
                st = entry.stat()  # through symlinks: what a link points at is what is read
                line = f"{entry.path}\0{st.st_mtime_ns}.{st.st_ctime_ns}.{st.st_size}.{st.st_ino}\n"
            except OSError:
                line = f"{entry.path}\0-\n"
            digest.update(line.encode("utf-8", "surrogateescape"))
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
    return "d" + digest.hexdigest()


def request_key(settings, req) -> str:
    """Everything besides files that decides an install's outcome, ksad's own code included."""
    material = {
        "format": FORMAT, "python": sys.version, "code": signature(Path(__file__).parent),
        "home": str(settings.home), "catalog": str(settings.catalog), "target": req.target or settings.target,
        "allow": sorted(settings.allow), "env": [os.environ.get(k) for k in _ENV],
        "request": [req.app_id, req.version, req.name, req.meaning, req.name_language, sorted(req.sets.items()),
                    req.kind, req.force],
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode("utf-8")).hexdigest()


def receipt_file(settings, key: str) -> Path:
    return Path(settings.state_dir) / "receipts" / f"{key[:32]}.json"


def verdict_deadline(clearance: dict, decided_at: float) -> float:
    """POSIX time until which the gate's verdict stands: snapshot expiry, end of that local day."""
    next_day = datetime.combine(date.fromtimestamp(decided_at) + timedelta(days=1), day_start())
    return min(float(clearance.get("snapshot_expires") or 0.0), next_day.timestamp())


def record(settings, req, prep, *, decided_at: float, outputs: dict[str, str]) -> bool:
    """Keep the receipt of an install whose containers now run as ``prep`` planned; True if kept.

    *outputs*: signatures of files this install itself may have written (secrets, trust
    state), taken by the caller as it checked they hold what was deployed.
    Never raises: without a receipt the next re-run only takes the full path.
    """
    plan = prep.plan
    try:
        for path, sig in prep.stamps.items():
            if signature(path) != sig:
                return False  # changed while this run read it: the next run decides afresh
        key = request_key(settings, req)
        data = {
            "format": FORMAT, "key": key,
            "until": verdict_deadline(plan.clearance, decided_at),
            "inputs": {**prep.stamps, **outputs},
            "target": [prep.target.name, prep.target.url],
            "plan": {"app": plan.app, "version": plan.version, "name": plan.name, "slug": plan.slug,
                     "target": plan.target, "url": plan.url, "revision": plan.revision,
                     "clearance": plan.clearance},
            "services": [[name, s.name, s.spec_hash] for name, s in prep.specs.items()],
            "jobs": sorted(prep.recipe.jobs),
        }
        from ksad.fsutil import atomic_write

        path = receipt_file(settings, key)
        atomic_write(path, json.dumps(data, sort_keys=True), mode=0o600)
        _drop_superseded(path, data)
    except (OSError, ValueError, TypeError, AttributeError):
        return False
    return True


def _drop_superseded(kept: Path, data: dict) -> None:
    """Receipts of the same instance with other containers describe what is gone: of no use."""
    for other in kept.parent.glob("*.json"):
        if other == kept:
            continue
        try:
            old = json.loads(other.read_bytes())
            if (old["target"] == data["target"] and old["plan"]["slug"] == data["plan"]["slug"]
                    and (old["services"], old["plan"]["revision"]) != (data["services"], data["plan"]["revision"])):
                other.unlink()
        except (OSError, ValueError, KeyError, TypeError):
            other.unlink(missing_ok=True)  # unreadable: of no use to any run


def replay(settings, req, reporter) -> Any:
    """The InstallResult of a re-run the receipt answers, or None: then take the full path."""
    started = time.monotonic()
    try:
        found = _check(settings, req)
    except Exception:  # noqa: BLE001 - any doubt takes the full path, which reports errors properly
        return None
    if found is None:
        return None
    from ksad.plan import Action, InstallResult, Plan

    data, target = found
    p = data["plan"]
    plan = Plan(p["app"], p["version"], p["name"], p["slug"], p["target"], p["url"], p["revision"],
                [Action("keep", container) for _service, container, _digest in data["services"]],
                p["clearance"])
    reporter.step("step.connect", target=target[0], url=target[1])
    return InstallResult(plan, False, time.monotonic() - started)


def _check(settings, req) -> tuple[dict, list[str]] | None:
    if req.dry_run or req.force or req.kind != "install" or req.secrets:
        return None  # --secret: the full path compares the value; a receipt's key would have to hold it
    key = request_key(settings, req)
    try:
        data = json.loads(receipt_file(settings, key).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        return None
    if not time.time() < data["until"]:
        return None
    for path, sig in data["inputs"].items():
        if signature(path) != sig:
            return None
    target = _target(settings, req)
    if target != data["target"]:
        return None
    from ksad.engine import connect

    engine = connect(*target)
    if not _as_planned(engine.managed_containers(), data, req):
        return None
    return data, target


def _target(settings, req) -> list[str]:
    from ksad.targets import resolve_target

    found = resolve_target(settings, req.target)
    return [found.name, found.url]


def _as_planned(managed: list[dict], data: dict, req) -> bool:
    """The listing shows what the full path would only keep: the same containers, running, unchanged."""
    from ksad.lifecycle import pending_in

    plan = data["plan"]
    slug = plan["slug"]
    if pending_in(managed, slug):
        return False
    mine: dict[str, dict] = {}
    of_app: set[str] = set()
    for c in managed:
        labels = c.get("Labels") or {}
        if not labels.get("ksad.service"):
            continue
        if labels.get("ksad.app") == plan["app"]:
            of_app.add(labels.get("ksad.slug"))
        if labels.get("ksad.slug") == slug:
            mine[labels["ksad.service"]] = c
    if req.name is None:
        # which instance a re-run without --name means must still be this one, and only this one
        from ksad.naming import slugify

        others = {(c.get("Labels") or {}).get("ksad.slug") for c in managed} - {slug}
        if of_app != {slug} or slugify(plan["app"]) in others:
            return False
    if set(mine) != {service for service, _c, _d in data["services"]}:
        return False
    jobs = set(data.get("jobs") or ())
    for service, container, digest in data["services"]:
        c = mine[service]
        labels = c.get("Labels") or {}
        # the engine's own words for a container that ended with 0 (a job that did its work)
        done = service in jobs and c.get("State") == "exited" and str(c.get("Status", "")).startswith("Exited (0)")
        if (not (c.get("State") == "running" or done) or labels.get("ksad.spec") != digest
                or f"/{container}" not in (c.get("Names") or ())):
            return False
    revision = max(int((c.get("Labels") or {}).get("ksad.revision", "0") or 0) for c in mine.values())
    return revision == plan["revision"]
