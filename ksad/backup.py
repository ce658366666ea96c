"""Backup and restore: one portable, checksummed archive per installed app.

The archive is a plain tar, so it can be inspected with ``tar -tvf``:

- ``manifest.json``: what was backed up (app, version, revision, local name,
  answers, the target it came from, the identity pack, the generated secrets)
  and, for every member below, its size and sha256;
- ``identity/<emblem>``: the region's emblem, if the identity pack has one;
- ``volumes/<name>.tar``: each data volume's contents, as the engine's archive
  API produces them (rooted at ``v/``, owners and modes kept);
- ``checksums.sha256``: the sha256 of ``manifest.json`` and of every member,
  last, so a truncated archive is missing it or fails it.

The checksums protect against a truncated or damaged copy, not against a
forger: the archive holds the app's secrets, so it is written 0600 and should
be kept like a password. Restore verifies every byte before it touches the
target, then creates and fills the data volumes and installs the same release
with the same name and answers through the normal install, so the MoU gate,
the pins and the health checks all apply. If any step fails, what the restore
created is removed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets as _secrets
import socket
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from ksad.errors import ConflictError, DeployError, InputError, KsadError, NotFoundError, WriteError
from ksad.settings import Settings

FORMAT = 1  # bump when a manifest key changes meaning; restore refuses formats it does not know
MANIFEST = "manifest.json"
CHECKSUMS = "checksums.sha256"
MOUNT = "v"  # helper containers mount the volume at /v, so every volume tar is rooted at v/
CHUNK = 1 << 20
_VOLUME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")  # it becomes part of a docker volume name
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Every manifest field, with the JSON types it may have and whether it must be there; restore reads
# each of them, so a wrong type must be a damaged-archive message, not a crash further on.
_MANIFEST_FIELDS = {
    "format": ("integer", True), "ksad": ("string", False), "created": ("string", False), "by": ("string", False),
    "app": ("string", True), "version": ("string", True), "revision": ("integer", True),
    "name": ("string", True), "slug": ("string", True),
    "meaning": ("string|null", False), "name_language": ("string|null", False),
    "answers": ("object", True), "secrets": ("object", True), "target": ("object", False),
    "identity": ("object|null", False), "volumes": ("array", True),
}
_TARGET_FIELDS = {"name": ("string", True), "url": ("string", True)}
_IDENTITY_FIELDS = {"yaml": ("string", True), "emblem": ("object|null", False)}
_MEMBER_FIELDS = {"member": ("string", True), "size": ("integer", True), "sha256": ("string", True)}
_VOLUME_FIELDS = {"name": ("string", True), "volume": ("string", True), **_MEMBER_FIELDS}
_EMBLEM_FIELDS = {"file": ("string", True), **_MEMBER_FIELDS}
EMBLEM_FILES = ("emblem.png", "emblem.svg")  # ksad.identity's names for the emblem's copy in KSAD_HOME


# --- results ---------------------------------------------------------------------------


@dataclass
class VolumeEntry:
    name: str  # the recipe's volume name, e.g. "db-data" (portable: the docker name depends on the slug)
    volume: str  # the docker volume on the target it came from / goes to
    member: str
    size: int = 0
    sha256: str = ""

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class BackupResult:
    app: str
    name: str
    slug: str
    version: str
    revision: int
    target: str
    output: str
    volumes: list[VolumeEntry]
    identity: bool
    emblem: str | None
    secrets: list[str]  # names only: values never leave the archive
    paused: list[str]
    applied: bool
    size: int = 0
    sha256: str = ""
    seconds: float = 0.0

    def to_json(self) -> dict:
        data = dict(self.__dict__)
        data["volumes"] = [v.to_json() for v in self.volumes]
        data["seconds"] = round(self.seconds, 3)
        return data


@dataclass
class RestoreResult:
    app: str
    name: str
    slug: str
    version: str
    from_revision: int
    from_target: str
    target: str
    revision: int
    url: str | None
    volumes: list[VolumeEntry]
    identity: str  # "written" (none here before) | "local" (same as the archive's) | "local-differs"
    applied: bool
    plan: Any = None  # deploy.Plan of the install
    # data volumes the release declares that the archive holds no copy of: created empty, only when allowed
    missing_volumes: list[dict] = field(default_factory=list)  # {name, volume}
    seconds: float = 0.0

    def to_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "plan"}
        data["volumes"] = [v.to_json() for v in self.volumes]
        data["plan"] = self.plan.to_json() if self.plan is not None else None
        data["seconds"] = round(self.seconds, 3)
        return data


# --- small helpers -------------------------------------------------------------------------


class _Hashing:
    """A read-only file wrapper that hashes and counts what passes through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.digest, self.size = raw, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data

    def drain(self) -> None:
        while self.read(CHUNK):
            pass


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _recipe_of(settings: Settings, app_id: str, version: str):
    """The installed release's recipe; every policy kind allowed, since nothing here runs it."""
    from ksad.catalog import open_catalog
    from ksad.policy import POLICY_KINDS
    from ksad.recipe import load_recipe

    catalog = open_catalog(settings.catalog, cache_dir=settings.cache_dir)
    release = catalog.app(app_id).resolve(f"=={version}")
    return load_recipe(release.compose_file, allow=frozenset(POLICY_KINDS), source_root=catalog.sources)


@contextlib.contextmanager
def _release_published(settings: Settings, key: str, **fields: object) -> Iterator[None]:
    """The catalog's "no such app / no such release" as *key*: a backup reads, and a restore installs,
    exactly the release installed, so the catalog's hint ("leave --version out") offers what neither has."""
    try:
        yield
    except NotFoundError as exc:
        if exc.key not in ("app.unknown", "version.none_match"):
            raise
        raise NotFoundError(key, catalog=str(settings.catalog), available=exc.fields.get("available") or "-",
                            **fields) from None


def _helper(engine, slug: str, volume: str, read_only: bool) -> str:
    """An idle container mounting *volume* at /v: the handle the archive API reads and writes through."""
    from ksad import lifecycle
    from ksad.engine import create_idle

    labels = lifecycle.helper_labels(slug)
    mounts = [{"Type": "volume", "Source": volume, "Target": f"/{MOUNT}", "ReadOnly": read_only}]
    name = f"ksad-helper-{slug}-{_secrets.token_hex(3)}"
    cid = create_idle(engine, lifecycle.utility_image(engine), name, labels, mounts)
    if cid is None:  # a name collision on 24 random bits: try once more
        cid = create_idle(engine, lifecycle.utility_image(engine), name + "x", labels, mounts)
    return cid


# --- backup ----------------------------------------------------------------------------------


def _identity_pack(settings: Settings) -> tuple[str | None, Path | None]:
    """identity.yaml's text and the emblem file, or (None, None) when this home has no pack."""
    from ksad.identity import load_identity

    if not settings.identity_file.exists():
        return None, None
    identity = load_identity(settings)  # refuse to archive a pack that would not load back
    return settings.identity_file.read_text(encoding="utf-8"), identity.emblem


def _secrets_of(settings: Settings, target, slug: str, engine, observed, recipe) -> dict[str, str]:
    from ksad.deploy import _recover_secrets, _secret_file

    stored: dict[str, str] = {}
    path = _secret_file(settings, target.key, slug)
    if path.exists():
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            stored = {}
    recovered = _recover_secrets(engine, observed, recipe)
    # the running containers are the truth the data was written with; the file fills gaps
    return {name: recovered.get(name) or stored.get(name) for name in sorted(recipe.ksad.secrets)
            if recovered.get(name) or stored.get(name)}


def _users_of(observed, recipe, slug: str, volumes: set[str]) -> list[dict]:
    """Running containers of the app that mount one of *volumes*: paused while the copy is read."""
    from ksad.deploy import volume_name

    out = []
    for name, c in observed.containers.items():
        service = recipe.services.get(name)
        if service is None or c.get("State") != "running":
            continue
        if {volume_name(slug, m.source) for m in service.mounts} & volumes:
            out.append(c)
    return out


def _export_volume(engine, slug: str, entry: VolumeEntry, dest: Path, output: Path) -> None:
    from ksad.engine import get_archive

    if not engine.volume_exists(entry.volume):
        raise DeployError("backup.volume_missing", volume=entry.volume, target=engine.target_name)
    cid = _helper(engine, slug, entry.volume, read_only=True)
    digest = hashlib.sha256()
    try:
        with _writing(output):
            fh = dest.open("wb")
        with fh:
            for chunk in get_archive(engine, cid, f"/{MOUNT}"):
                with _writing(output):  # only the local write: the engine's errors are its own
                    fh.write(chunk)
                digest.update(chunk)
    finally:
        engine.remove_container(cid)
    entry.size, entry.sha256 = dest.stat().st_size, digest.hexdigest()


def _add_file(tar: tarfile.TarFile, name: str, path: Path, mtime: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = path.stat().st_size, 0o600, mtime
    with path.open("rb") as fh:
        tar.addfile(info, fh)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: int) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, mtime
    tar.addfile(info, io.BytesIO(data))


def _write_archive(output: Path, work: Path, manifest: dict, files: list[tuple[str, Path]], force: bool) -> None:
    """Write the tar in *work* (beside *output*), 0600, fsynced, then rename it into place (never half a file)."""
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    sums = [(hashlib.sha256(manifest_bytes).hexdigest(), MANIFEST)]
    sums += [(sha, member) for member, sha in _listed_members(manifest).items()]
    checksums = "".join(f"{sha}  {member}\n" for sha, member in sums).encode()
    mtime = int(time.time())
    tmp = work / ".archive.tar"  # a volume's copy is "<name>.tar", and no volume name starts with a dot
    with _writing(output):
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    # no cleanup of tmp on failure here: the whole work directory is removed by its owner
    with _writing(output), os.fdopen(fd, "wb") as fh:
        with tarfile.open(fileobj=fh, mode="w", format=tarfile.PAX_FORMAT) as tar:
            _add_bytes(tar, MANIFEST, manifest_bytes, mtime)
            for member, path in files:
                _add_file(tar, member, path, mtime)
            _add_bytes(tar, CHECKSUMS, checksums, mtime)
        fh.flush()
        os.fsync(fh.fileno())
    with _writing(output):
        os.chmod(tmp, 0o600)  # a umask never widens it, but could have narrowed it
        _put_in_place(tmp, output, force)


def _listed_members(manifest: dict) -> dict[str, str]:
    """member -> sha256 for every member the manifest describes (emblem and volumes)."""
    out = {}
    emblem = (manifest.get("identity") or {}).get("emblem")
    if emblem:
        out[emblem["member"]] = emblem["sha256"]
    for v in manifest["volumes"]:
        out[v["member"]] = v["sha256"]
    return out


def _check_output(output: Path, force: bool) -> Path:
    output = output.expanduser().absolute()
    if output.is_dir():
        raise InputError("backup.output_is_dir", path=str(output))
    if not output.parent.is_dir():
        raise InputError("backup.output_no_dir", path=str(output), dir=str(output.parent))
    if os.path.lexists(output):
        # even with --force only a plain file is replaced: the rename would put the archive in place
        # of a link or a device node (/dev/null), not write through it
        if output.is_symlink() or not output.is_file():
            raise InputError("backup.output_not_file", path=str(output))
        if not force:
            raise ConflictError("backup.output_exists", path=str(output))
    return output


def _put_in_place(tmp: Path, output: Path, force: bool) -> None:
    if force:
        os.replace(tmp, output)
        return
    try:
        os.link(tmp, output)  # refuses an output made since the check, where a rename would replace it
    except FileExistsError:
        raise ConflictError("backup.output_exists", path=str(output)) from None
    except OSError:  # a file system without hard links (FAT on a USB disk): the check must do
        if os.path.lexists(output):
            raise ConflictError("backup.output_exists", path=str(output)) from None
        os.replace(tmp, output)


def _unwritable(output: Path, exc: OSError) -> WriteError:
    return WriteError("backup.output_unwritable", os_error=exc, path=str(output), dir=str(output.parent))


def _writing(output: Path):
    """An OSError while writing the archive or its parts: the output's directory refused it (read-only, full)."""
    from ksad.fsutil import writing

    return writing(output, lambda exc: _unwritable(output, exc))


# A working directory's name carries its owner (pid and a tag of the host) so that the next backup
# into the same directory can tell one left by a killed run from one in use right now.
_WORK_NAME = re.compile(r"\.ksad-backup-(\d+)-([0-9a-f]{8})-[0-9a-f]{12}")
_OLD_WORK_NAME = re.compile(r"\.ksad-backup-[a-z0-9_]{8}")  # tempfile's, before the owner was in the name
# For a directory whose owner cannot be asked (made on another host sharing the directory, or by an
# older ksad): a run writes into it all along (each volume's copy streams in, then the archive), so a
# day without a write is far beyond any pause in a run, however large the data.
STALE_AFTER = 24 * 3600


def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def _last_write(path: Path) -> float:
    times = [path.lstat().st_mtime]
    for entry in os.scandir(path):
        times.append(entry.stat(follow_symlinks=False).st_mtime)
    return max(times)


def _remove_stale_work_dirs(directory: Path) -> list[Path]:
    """Remove the working directories a killed backup left in *directory*: only ksad's, only dead ones."""
    import shutil

    from ksad.lifecycle import ksad_running

    removed, host = [], _host_tag()
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            owner = _WORK_NAME.fullmatch(entry.name)
            if owner is None and not _OLD_WORK_NAME.fullmatch(entry.name):
                continue
            try:
                if not entry.is_dir(follow_symlinks=False):
                    continue
                if owner is not None and owner[2] == host:
                    stale = not ksad_running(int(owner[1]))
                else:
                    stale = time.time() - _last_write(Path(entry.path)) > STALE_AFTER
            except OSError:  # gone meanwhile, or not ours to read
                continue
            if stale:
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
    return removed


@contextlib.contextmanager
def _work_dir(output: Path, clean: bool) -> Iterator[Path]:
    """A private directory beside *output* for the volume copies and the archive before it takes its name.

    Beside it, not in /tmp: the final rename must stay within one file system, and /tmp may be
    too small for the data. A kill -9 leaves it behind; *clean* removes those of earlier runs.
    """
    import shutil

    if clean:
        _remove_stale_work_dirs(output.parent)
    tmp = output.parent / f".ksad-backup-{os.getpid()}-{_host_tag()}-{_secrets.token_hex(6)}"
    with _writing(output):
        os.mkdir(tmp, 0o700)
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def default_output(settings: Settings, app_or_name: str, target_name: str | None = None) -> Path:
    """``$KSAD_HOME/backups/<slug>-<UTC time>.tar``: one file per backup, never an older one replaced.

    The directory is made owner-only (an archive holds the app's secrets), also by a dry run,
    which then checks that a backup could be written there.
    """
    from ksad.deploy import pick_instance
    from ksad.engine import connect
    from ksad.fsutil import writing
    from ksad.targets import resolve_target

    target = resolve_target(settings, target_name)
    slug = pick_instance(connect(target.name, target.url).managed_containers(), app_or_name, target.name)["ksad.slug"]
    with writing(settings.backups_dir):
        settings.backups_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = f"{slug}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
    path, n = settings.backups_dir / f"{stem}.tar", 1
    while os.path.lexists(path):  # a second backup within the same second
        n += 1
        path = settings.backups_dir / f"{stem}-{n}.tar"
    return path


def backup(settings: Settings, app_or_name: str, output: Path | None, *, target_name: str | None = None,
           dry_run: bool = False, force: bool = False, reporter=None) -> BackupResult:
    """Archive an installed app: its data volumes (read while its writers are paused), identity, answers, secrets.

    An existing *output* is refused (ConflictError) unless *force*: it may be anything, an older backup
    or the only copy of something else. Without *output*: :func:`default_output`.
    """
    from ksad.deploy import NullReporter

    reporter = reporter or NullReporter()
    started = time.monotonic()
    if output is None:
        output = default_output(settings, app_or_name, target_name)
    output = _check_output(Path(output), force)
    # The working directory is made first, also for a dry run: an output directory that cannot be
    # written is reported before the engine is asked anything or the app is paused.
    with _work_dir(output, clean=not dry_run) as tmp:
        return _backup(settings, app_or_name, output, tmp, target_name, dry_run, force, reporter, started)


def _backup(settings: Settings, app_or_name: str, output: Path, tmp: Path, target_name: str | None,
            dry_run: bool, force: bool, reporter, started: float) -> BackupResult:
    from ksad import __version__, lifecycle
    from ksad.deploy import forget_secrets, observe, pick_instance, volume_name
    from ksad.engine import connect
    from ksad.lock import locked
    from ksad.targets import resolve_target

    target = resolve_target(settings, target_name)
    reporter.step("step.connect", target=target.name, url=target.url)
    engine = connect(target.name, target.url)
    labels = pick_instance(engine.managed_containers(), app_or_name, target.name)
    if not dry_run and lifecycle.pending(engine, labels["ksad.slug"]):
        # an interrupted operation first, before anything is read from the app's labels: undoing an
        # upgrade brings back another version (another recipe, other answers), and undoing the install
        # or restore that made the app leaves no app to back up
        lifecycle.recover(settings, target, engine, labels["ksad.slug"], reporter)
        labels = _installed(engine, labels["ksad.slug"], app_or_name, target.name)
    app_id, slug, version = labels["ksad.app"], labels["ksad.slug"], labels["ksad.version"]
    with _release_published(settings, "backup.release_missing", name=labels.get("ksad.name") or slug, app=app_id,
                            version=version):
        recipe = _recipe_of(settings, app_id, version)
    identity_text, emblem = _identity_pack(settings)
    entries = [VolumeEntry(v, volume_name(slug, v), f"volumes/{v}.tar") for v in recipe.ksad.data_volumes]
    observed = observe(engine, slug)
    result = BackupResult(app_id, labels.get("ksad.name", ""), slug, version, observed.revision, target.name,
                          str(output), entries, identity_text is not None, emblem.name if emblem else None,
                          sorted(recipe.ksad.secrets), [], False)
    users = _users_of(observed, recipe, slug, {e.volume for e in entries})
    result.paused = [c["Names"][0].lstrip("/") for c in users]
    if dry_run:
        result.seconds = time.monotonic() - started
        return result

    with locked(settings.state_dir, target.key, slug):
        lifecycle.recover_if_needed(engine, slug, reporter, forget_secrets=forget_secrets(settings, target, slug))
        observed = observe(engine, slug)  # recovery may have changed what runs
        if not observed.containers:  # an operation killed since the look above, undone just now
            raise NotFoundError("instance.unknown", app=app_or_name, target=target.name)
        secret_values = _secrets_of(settings, target, slug, engine, observed, recipe)
        op = lifecycle.Operation("backup", app_id, slug, observed.revision, observed.revision, None,
                                 lifecycle.operator(), os.getpid(), socket.gethostname(), _now())
        lifecycle.begin(engine, op)  # an upgrade started elsewhere now waits for us, and we for it
        try:
            _export_all(engine, slug, entries, _users_of(observed, recipe, slug, {e.volume for e in entries}),
                        tmp, output, reporter)
        finally:
            lifecycle.end(engine, slug)
    lifecycle.checkpoint("backup-exported")  # the volumes' copies are in the working directory
    files = [(e.member, tmp / f"{e.name}.tar") for e in entries]
    identity = None
    if identity_text is not None:
        identity = {"yaml": identity_text, "emblem": None}
        if emblem is not None:
            identity["emblem"] = {"file": emblem.name, "member": f"identity/{emblem.name}",
                                  "size": emblem.stat().st_size, "sha256": _sha256_file(emblem)}
            files.insert(0, (f"identity/{emblem.name}", emblem))
    manifest = {
        "format": FORMAT, "ksad": __version__, "created": _now(), "by": lifecycle.operator(),
        "app": app_id, "version": version, "revision": observed.revision,
        "name": labels.get("ksad.name", ""), "slug": slug,
        "meaning": labels.get("ksad.meaning") or None, "name_language": labels.get("ksad.name_language") or None,
        "answers": {k[len("ksad.set."):]: v for k, v in observed.labels.items() if k.startswith("ksad.set.")},
        "target": {"name": target.name, "url": target.url},
        "identity": identity, "secrets": secret_values,
        "volumes": [e.to_json() for e in entries],
    }
    reporter.step("step.backup_write", file=str(output))
    _write_archive(output, tmp, manifest, files, force)
    result.revision = observed.revision
    result.applied = True
    result.size, result.sha256 = output.stat().st_size, _sha256_file(output)
    result.seconds = time.monotonic() - started
    return result


def _installed(engine, slug: str, app_or_name: str, target: str) -> dict[str, str]:
    """The labels of the app *slug* as installed now; NotFoundError (as for a name never installed) if it is gone."""
    from ksad.deploy import instances

    found = instances(engine.managed_containers()).get(slug)
    if found is None:
        raise NotFoundError("instance.unknown", app=app_or_name, target=target)
    return found


def _export_all(engine, slug: str, entries: list[VolumeEntry], users: list[dict], tmp: Path, output: Path,
                reporter) -> None:
    from ksad import lifecycle

    paused: list[tuple[str, str]] = []
    try:
        for c in users:
            name = c["Names"][0].lstrip("/")
            reporter.step("step.backup_pause", container=name)
            paused.append((c["Id"], name))  # before the call: a pause that fails half-way is undone too
            _retry(lambda cid=c["Id"]: engine.pause(cid),
                   lambda cid=c["Id"]: _paused(engine, cid))
        lifecycle.checkpoint("backup-paused")
        for e in entries:
            reporter.step("step.backup_volume", volume=e.volume)
            _export_volume(engine, slug, e, tmp / f"{e.name}.tar", output)
    finally:
        stuck = []
        for cid, name in paused:  # also after an error or Ctrl-C: the app must not stay frozen
            try:
                _retry(lambda cid=cid: engine.unpause(cid),
                       lambda cid=cid: not _paused(engine, cid))
            except KsadError:
                stuck.append(name)
        if stuck:
            raise DeployError("backup.unpause_failed", containers=", ".join(stuck), target=engine.target_name)


def _paused(engine, cid: str) -> bool:
    return bool(engine.inspect_container(cid)["State"].get("Paused"))


def _retry(action: Callable[[], object], done: Callable[[], bool], attempts: int = 8) -> None:
    """The freezer cgroup can time out on a busy host ("unable to freeze"); it succeeds when tried again."""
    for attempt in range(attempts):
        try:
            action()
            return
        except DeployError:
            if done():
                return
            if attempt == attempts - 1:
                raise
            time.sleep(0.25 * (attempt + 1))


# --- reading and verifying an archive -------------------------------------------------------------


@dataclass
class Archive:
    path: Path
    manifest: dict
    manifest_sha256: str
    tar: tarfile.TarFile
    members: dict[str, tarfile.TarInfo] = field(default_factory=dict)

    @property
    def volumes(self) -> list[VolumeEntry]:
        return [VolumeEntry(v["name"], v["volume"], v["member"], v["size"], v["sha256"])
                for v in self.manifest["volumes"]]

    def read(self, member: str) -> bytes:
        fh = self.tar.extractfile(self.members[member])
        return fh.read() if fh else b""


# A copy cut short or damaged on its way (a transfer, a disk): copying it again, or another backup, helps.
_DAMAGED_COPY = frozenset({"restore.archive_empty", "restore.archive_truncated", "restore.archive_damaged",
                           "restore.member_missing", "restore.truncated", "restore.size_mismatch",
                           "restore.checksum_mismatch", "restore.checksums_malformed", "restore.volume_malformed"})
# tarfile says what is wrong only in its exception's English text; these mean the file ends too early
_TAR_CUT = ("unexpected end of data", "truncated header")


def _bad(key: str, path: Path, **fields: object) -> InputError:
    hint = "restore.damaged.hint" if key in _DAMAGED_COPY else None
    return InputError(key, hint, file=str(path), **fields)


def _unreadable(path: Path, exc: BaseException) -> InputError:
    """tarfile's refusal of *path* as one sentence of ours; its own (English) words only as the detail."""
    if isinstance(exc, OSError) and not isinstance(exc, tarfile.TarError):
        return InputError("restore.archive_unreadable", file=str(path), problem=exc.strerror or str(exc))
    detail = " ".join(str(exc).split())[:200] or type(exc).__name__
    try:
        empty = path.stat().st_size == 0
    except OSError:  # gone since tarfile opened it: what tarfile said is all there is
        empty = False
    if empty:
        return _bad("restore.archive_empty", path)
    if isinstance(exc, EOFError) or detail in _TAR_CUT:
        return _bad("restore.archive_truncated", path, detail=detail)
    return _bad("restore.archive_damaged", path, detail=detail)


def _read_member(tar: tarfile.TarFile, info: tarfile.TarInfo, path: Path) -> bytes:
    try:
        fh = tar.extractfile(info)
        data = fh.read() if fh else b""
    except (tarfile.TarError, OSError, EOFError):
        data = None
    if data is None or len(data) != info.size:
        raise _bad("restore.truncated", path, member=info.name, expected=info.size,
                   actual="?" if data is None else len(data))
    return data


def _parse_checksums(data: bytes, path: Path) -> dict[str, str]:
    out = {}
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
        sha, sep, member = line.partition("  ")
        if not sep or len(sha) != 64 or not member:
            raise _bad("restore.checksums_malformed", path, line=number)
        out[member] = sha
    return out


def _json_type(value: object) -> str:
    """The JSON name of *value*'s type: what the manifest's reader sees (true is no integer there)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    for kind, name in ((int, "integer"), (float, "number"), (str, "string"), (list, "array"), (dict, "object")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _check_fields(obj: dict, fields: dict[str, tuple[str, bool]], where: str, path: Path) -> None:
    for key, (kinds, required) in fields.items():
        if key not in obj and not required:
            continue
        found = _json_type(obj[key]) if key in obj else "nothing"
        if found not in kinds.split("|"):
            raise _bad("restore.manifest_type", path, field=where + key, expected=kinds.replace("|", "/"),
                       found=found)


def _check_member(entry: dict, fields: dict[str, tuple[str, bool]], where: str, path: Path) -> None:
    if not isinstance(entry, dict):
        raise _bad("restore.manifest_type", path, field=where.rstrip("."), expected="object",
                   found=_json_type(entry))
    _check_fields(entry, fields, where, path)
    if entry["size"] < 0:
        raise _bad("restore.manifest_invalid", path, field=where + "size", problem=f"'{entry['size']}'")
    if not _SHA256.fullmatch(entry["sha256"]):
        raise _bad("restore.manifest_invalid", path, field=where + "sha256", problem=f"'{entry['sha256'][:80]}'")


def _check_manifest(manifest: object, path: Path) -> dict:
    """Every field of the manifest has the type restore reads it as, or the archive is damaged (exit 3)."""
    if not isinstance(manifest, dict):
        raise _bad("restore.manifest_type", path, field="-", expected="object", found=_json_type(manifest))
    _check_fields(manifest, {"format": _MANIFEST_FIELDS["format"]}, "", path)
    if manifest["format"] != FORMAT:
        raise _bad("restore.format_unknown", path, value=manifest["format"], expected=FORMAT)
    _check_fields(manifest, _MANIFEST_FIELDS, "", path)
    for key in ("answers", "secrets"):
        for name, value in manifest[key].items():
            if not isinstance(value, str):
                raise _bad("restore.manifest_type", path, field=f"{key}.{name}", expected="string",
                           found=_json_type(value))
    if "target" in manifest:
        _check_fields(manifest["target"], _TARGET_FIELDS, "target.", path)
    for i, volume in enumerate(manifest["volumes"]):
        _check_member(volume, _VOLUME_FIELDS, f"volumes[{i}].", path)
        if not _VOLUME.fullmatch(volume["name"]):  # it becomes part of a docker volume's name
            raise _bad("restore.manifest_invalid", path, field=f"volumes[{i}].name", problem=f"'{volume['name'][:80]}'")
    identity = manifest.get("identity")
    if identity is not None:
        _check_fields(identity, _IDENTITY_FIELDS, "identity.", path)
        emblem = identity.get("emblem")
        if emblem is not None:
            _check_member(emblem, _EMBLEM_FIELDS, "identity.emblem.", path)
            # written into KSAD_HOME under this name: only the names an identity pack gives its emblem,
            # never another file of the home (targets.yaml, identity.yaml) nor one outside it
            if emblem["file"] not in EMBLEM_FILES:
                raise _bad("restore.manifest_invalid", path, field="identity.emblem.file",
                           problem=f"'{emblem['file'][:80]}'")
    return manifest


def _verify_member(tar: tarfile.TarFile, info: tarfile.TarInfo, size: int, sha: str, is_volume: bool,
                   path: Path) -> None:
    if info.size != size:
        raise _bad("restore.size_mismatch", path, member=info.name, expected=size, actual=info.size)
    fh = tar.extractfile(info)
    if fh is None:
        raise _bad("restore.member_missing", path, member=info.name)
    reader = _Hashing(fh)
    inner_problem = None
    try:
        if is_volume:
            try:
                with tarfile.open(fileobj=reader, mode="r|") as inner:
                    for m in inner:
                        parts = m.name.split("/")
                        if parts[0] != MOUNT or ".." in parts:
                            inner_problem = m.name
                            break
            except tarfile.TarError as exc:
                inner_problem = str(exc)
        reader.drain()
    except (tarfile.TarError, OSError, EOFError):
        raise _bad("restore.truncated", path, member=info.name, expected=size, actual=reader.size) from None
    if reader.size != size:
        raise _bad("restore.truncated", path, member=info.name, expected=size, actual=reader.size)
    actual = reader.digest.hexdigest()
    if actual != sha:
        raise _bad("restore.checksum_mismatch", path, member=info.name, expected=sha, actual=actual)
    if inner_problem is not None:
        raise _bad("restore.volume_malformed", path, member=info.name, detail=inner_problem)


@contextlib.contextmanager
def open_archive(path: Path) -> Iterator[Archive]:
    """Open a backup and verify every byte of it; InputError (nothing changed) when anything is off."""
    path = Path(path).expanduser().absolute()
    if not path.is_file():
        raise _bad("restore.no_file", path)
    try:
        tar = tarfile.open(path, mode="r:")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise _unreadable(path, exc) from None
    try:
        members: dict[str, tarfile.TarInfo] = {}
        try:
            for info in tar:  # a cut archive simply ends early: its last members are then missing
                members.setdefault(info.name, info)
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise _unreadable(path, exc) from None
        for needed in (MANIFEST, CHECKSUMS):
            if needed not in members:
                raise _bad("restore.member_missing", path, member=needed)
        sums = _parse_checksums(_read_member(tar, members[CHECKSUMS], path), path)
        manifest_bytes = _read_member(tar, members[MANIFEST], path)
        manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
        if sums.get(MANIFEST) != manifest_sha:
            raise _bad("restore.checksum_mismatch", path, member=MANIFEST, expected=sums.get(MANIFEST, "-"),
                       actual=manifest_sha)
        try:
            parsed = json.loads(manifest_bytes)
        except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, or nested past the parser's depth
            raise _bad("restore.manifest_invalid", path, field="-", problem=str(exc)[:200]) from None
        # outside that try: the check's own InputError is a ValueError too, and was wrapped a second time
        manifest = _check_manifest(parsed, path)
        emblem = (manifest.get("identity") or {}).get("emblem")
        listed = [(v["member"], v["size"], v["sha256"], True) for v in manifest["volumes"]]
        if emblem:
            listed.insert(0, (emblem["member"], emblem["size"], emblem["sha256"], False))
        for member, size, sha, is_volume in listed:
            if sums.get(member) != sha:
                raise _bad("restore.checksum_mismatch", path, member=member, expected=sha, actual=sums.get(member, "-"))
            if member not in members:
                raise _bad("restore.member_missing", path, member=member)
            _verify_member(tar, members[member], size, sha, is_volume, path)
        yield Archive(path, manifest, manifest_sha, tar, members)
    finally:
        tar.close()


# --- restore ---------------------------------------------------------------------------------------


def _identity_action(settings: Settings, archive: Archive) -> str:
    identity = archive.manifest.get("identity")
    if not settings.identity_file.exists():
        if identity is None:
            from ksad.errors import NotFoundError

            raise NotFoundError("identity.missing", file=str(settings.identity_file))
        return "written"
    if identity is not None and settings.identity_file.read_text(encoding="utf-8") != identity["yaml"]:
        return "local-differs"
    return "local"


def _write_identity(settings: Settings, archive: Archive, undo: list[Callable[[], None]]) -> None:
    """Write the archive's pack into this home; checked by loading it from a scratch copy first."""
    import dataclasses

    from ksad.fsutil import atomic_write
    from ksad.identity import load_identity

    identity = archive.manifest["identity"]
    emblem = identity.get("emblem")
    with tempfile.TemporaryDirectory() as scratch:
        trial = dataclasses.replace(settings, home=Path(scratch))
        atomic_write(trial.identity_file, identity["yaml"])
        if emblem:
            atomic_write(Path(scratch) / Path(emblem["file"]).name, archive.read(emblem["member"]))
        load_identity(trial)
    settings.ensure_home()
    if emblem:
        dest = settings.home / emblem["file"]
        before = dest.read_bytes() if dest.is_file() else None  # a dry run, or a failure, puts it back
        atomic_write(dest, archive.read(emblem["member"]), mode=0o644)
        undo.append(lambda: atomic_write(dest, before, mode=0o644) if before is not None
                    else dest.unlink(missing_ok=True))
    atomic_write(settings.identity_file, identity["yaml"])
    undo.append(lambda: settings.identity_file.unlink(missing_ok=True))


def _write_secrets(settings: Settings, target, slug: str, values: dict[str, str],
                   undo: list[Callable[[], None]]) -> None:
    from ksad.deploy import _secret_file
    from ksad.fsutil import write_secret

    if not values:
        return
    path = _secret_file(settings, target.key, slug)
    before = path.read_bytes() if path.exists() else None
    write_secret(path, json.dumps(values, indent=2))
    undo.append(lambda: write_secret(path, before) if before is not None else path.unlink(missing_ok=True))


def _check_free(engine, slug: str, archive_id: str, target: str) -> list[str]:
    """Refuse when the name is in use there; return leftovers of an interrupted restore of this same archive."""
    from ksad.deploy import instances
    from ksad.engine import list_volumes

    found = instances(engine.managed_containers()).get(slug)
    if found:
        raise ConflictError("restore.exists", name=found.get("ksad.name", slug), app=found.get("ksad.app", "?"),
                            target=target)
    volumes = list_volumes(engine, slug=slug)
    data = [v for v in volumes if (v.get("Labels") or {}).get("ksad.kind") == "data"]
    # a restore that got as far as a revision record completed: its volumes may hold newer data since
    completed = any((v.get("Labels") or {}).get("ksad.kind") == "revision" for v in volumes)
    if data and not completed and all((v.get("Labels") or {}).get("ksad.restored_from") == archive_id for v in data):
        return [v["Name"] for v in data]
    if data:
        raise ConflictError("restore.data_exists", target=target, slug=slug,
                            volumes=", ".join(sorted(v["Name"] for v in data)))
    return []


def _fill_volume(engine, archive: Archive, entry: VolumeEntry, slug: str) -> None:
    from ksad.engine import put_archive

    from ksad import lifecycle

    cid = _helper(engine, slug, entry.volume, read_only=False)
    try:
        lifecycle.checkpoint("restore-filling")
        reader = _Hashing(archive.tar.extractfile(archive.members[entry.member]))
        put_archive(engine, cid, "/", _chunks(reader))
        reader.drain()
        if reader.digest.hexdigest() != entry.sha256:  # the file changed since it was verified
            raise _bad("restore.checksum_mismatch", archive.path, member=entry.member, expected=entry.sha256,
                       actual=reader.digest.hexdigest())
    finally:
        engine.remove_container(cid)


def _chunks(reader: _Hashing) -> Iterator[bytes]:
    for chunk in iter(lambda: reader.read(CHUNK), b""):
        yield chunk


def restore(settings: Settings, archive_path: Path, *, target_name: str | None = None, dry_run: bool = False,
            timeout: float = 120.0, allow_missing_volumes: bool = False, reporter=None) -> RestoreResult:
    """Bring a backed-up app back on a target: same release, name, answers, secrets and data.

    A data volume the release declares but the archive holds no copy of would start empty: refused
    (InputError, nothing changed) unless *allow_missing_volumes*.
    """
    from ksad import lifecycle
    from ksad.deploy import InstallRequest, NullReporter, forget_secrets, install, volume_name
    from ksad.engine import connect
    from ksad.lock import locked
    from ksad.naming import validate_name
    from ksad.targets import resolve_target

    reporter = reporter or NullReporter()
    started = time.monotonic()
    reporter.step("step.restore_verify", file=str(archive_path))
    with open_archive(Path(archive_path)) as archive:
        m = archive.manifest
        slug = validate_name(m["name"], meaning=m.get("meaning"), language=m.get("name_language")).slug
        if slug != m["slug"]:
            raise _bad("restore.manifest_invalid", archive.path, field="slug", problem=f"expected {slug}")
        target = resolve_target(settings, target_name)
        reporter.step("step.connect", target=target.name, url=target.url)
        engine = connect(target.name, target.url)
        entries = [VolumeEntry(v.name, volume_name(slug, v.name), v.member, v.size, v.sha256)
                   for v in archive.volumes]
        identity = _identity_action(settings, archive)
        result = RestoreResult(m["app"], m["name"], slug, m["version"], m["revision"],
                               (m.get("target") or {}).get("name", "?"), target.name, 0, None, entries, identity,
                               False)
        req = InstallRequest(app_id=m["app"], version=f"=={m['version']}", name=m["name"], meaning=m.get("meaning"),
                             name_language=m.get("name_language"), sets=dict(m["answers"]),
                             secrets=dict(m["secrets"]), target=target_name, timeout=timeout, dry_run=True,
                             kind="restore")
        archive_id = archive.manifest_sha256[:16]
        undo: list[Callable[[], None]] = []
        try:
            with locked(settings.state_dir, target.key, slug):
                if not dry_run and lifecycle.pending(engine, slug):
                    lifecycle.recover_if_needed(engine, slug, reporter,
                                                forget_secrets=forget_secrets(settings, target, slug))
                leftovers = _check_free(engine, slug, archive_id, target.name)
                # before the identity pack is written (and taken back): a refusal here changes nothing at all
                with _release_published(settings, "restore.release_missing", file=str(archive.path), app=m["app"],
                                        version=m["version"]):
                    result.missing_volumes = _missing_volumes(settings, m, slug, entries)
                if result.missing_volumes and not allow_missing_volumes:
                    raise _missing_refused(archive.path, m, result.missing_volumes, target)
                if identity == "written":
                    reporter.step("step.restore_identity", file=str(settings.identity_file))
                    _write_identity(settings, archive, undo)
                elif identity == "local-differs":
                    reporter.step("step.restore_identity_local", file=str(settings.identity_file))
                # a dry-run install checks the catalog, the MoU, the pins and the name before anything is made
                with _release_published(settings, "restore.release_missing", file=str(archive.path), app=m["app"],
                                        version=m["version"]):
                    planned = install(settings, req, engine=engine).plan  # one connection: over ssh each costs a handshake
                result.plan, result.revision, result.url = planned, planned.revision, planned.url
                wanted = {a.subject for a in planned.actions if a.kind == "create-volume"}
                for e in entries:
                    if e.volume not in wanted and e.volume not in leftovers:
                        raise _bad("restore.volume_unknown", archive.path, volume=e.name, app=m["app"],
                                   version=m["version"])
                if dry_run:
                    raise _DryRunDone
                _write_secrets(settings, target, slug, m["secrets"], undo)
                if leftovers:  # a killed restore's: its helper may still hold them
                    lifecycle.remove_helpers(engine, slug)
                for name in leftovers:
                    engine.remove_volume(name)
                labels = {"ksad.managed": "1", "ksad.app": m["app"], "ksad.slug": slug, "ksad.kind": "data",
                          "ksad.created_revision": str(planned.revision), "ksad.restored_from": archive_id}
                for e in entries:
                    reporter.step("step.restore_volume", volume=e.volume)
                    engine.create_volume(e.volume, labels)
                    undo.append(lambda name=e.volume: engine.remove_volume(name))
                    _fill_volume(engine, archive, e, slug)
                # made here, with the same labels, rather than by the install: a restore killed after
                # this finds them among its own leftovers, not as data of an earlier installation
                for missing in result.missing_volumes:
                    reporter.step("step.restore_volume_empty", volume=missing["volume"])
                    engine.create_volume(missing["volume"], labels)
                    undo.append(lambda name=missing["volume"]: engine.remove_volume(name))
                lifecycle.checkpoint("restore-filled")
            req.dry_run = False
            done = install(settings, req, reporter, kind="restore", engine=engine)
        except _DryRunDone:
            _run(undo)
            result.seconds = time.monotonic() - started
            return result
        except BaseException:
            _run(undo)
            raise
    result.plan, result.revision, result.url = done.plan, done.plan.revision, done.plan.url
    result.applied = True
    result.seconds = time.monotonic() - started
    return result


def _missing_volumes(settings: Settings, manifest: dict, slug: str, entries: list[VolumeEntry]) -> list[dict]:
    """The release's data volumes the archive holds no copy of, in the recipe's order.

    `ksad backup` writes every data volume of the installed release, and restore installs that same
    release, so an archive short of one was edited, cut down by another tool, or made from a recipe
    since republished under the same version: the manifest records nothing that would tell these apart.
    """
    from ksad.deploy import volume_name

    held = {e.name for e in entries}
    recipe = _recipe_of(settings, manifest["app"], manifest["version"])
    return [{"name": v, "volume": volume_name(slug, v)} for v in recipe.ksad.data_volumes if v not in held]


def _missing_refused(path: Path, manifest: dict, missing: list[dict], target) -> InputError:
    return InputError("restore.volumes_missing", file=str(path), app=manifest["app"], version=manifest["version"],
                      count=len(missing), volumes=", ".join(v["volume"] for v in missing), target=target.name)


class _DryRunDone(Exception):
    """Leaves the restore after the checks, through the same undo as a failure."""


def _run(undo: list[Callable[[], None]]) -> None:
    for step in reversed(undo):
        with contextlib.suppress(Exception):
            step()
