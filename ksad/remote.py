"""Remote catalogs: clone a pioneer's catalog repository, check it, and keep it up to date.

``ksad catalog add NAME URL`` clones into ``$KSAD_HOME/catalogs/NAME``; ``update`` brings a newer
commit; ``remotes`` lists them; ``use`` makes one the default catalog; ``remove`` forgets one.
What is on disk::

    $KSAD_HOME/catalogs/remotes.json     {format, use, remotes: {NAME: {url, ref, path, commit, ...}}} (0600)
    $KSAD_HOME/catalogs/NAME/            the clone, checked out (detached) at the commit ksad verified
    $KSAD_HOME/catalogs/.NAME.new-XXXX   a clone being checked (gone when the command ends)

Nothing is ever used before the trust check every install runs (``trust.verify_snapshot``: keyring
signed by its roots and chained to the one trusted before, snapshot signed, every file's hash, not
expired, not older than the version trusted). An update is cloned into a directory beside the live
one, checked there against the live catalog's trust state, and only then put in its place in one
rename, so that a reader, a refusal or a crash sees the old catalog whole or the new one whole.

This is the only module that imports ``git`` for remote catalogs (gitpython, lazily); its errors are
translated here, from git's own stderr with any password or token in a URL masked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterator

from ksad.errors import ConflictError, InputError, KsadError, NotFoundError, TrustError, WriteError
from ksad.errors import EXIT_TARGET
from ksad.messages import t
from ksad.settings import BUNDLED_CATALOG, Settings

FORMAT = 1
BUNDLED = "bundled"  # `ksad catalog use bundled` goes back to the catalog shipped with ksad
_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,28}[a-z0-9])?")
# A branch or tag name as git allows it, minus what could be read as an option or a range.
_REF = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./+-]{0,199}")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")

# git must never wait for a password on the terminal (a cron job would hang): credentials come
# from git's credential helper, the ssh agent or ~/.ssh, as for any non-interactive git.
_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": "", "LC_ALL": "C"}
# ssh asks on /dev/tty itself (a key's passphrase, an unknown host key), whatever git is told:
# BatchMode makes it fail instead, as `go get` does. Not when the user chose how git runs ssh.
# Set for every URL: an https one may reach ssh through `url.<base>.insteadOf`, and git
# ignores it for any other transport.
_SSH_BATCH = "ssh -o BatchMode=yes"


def _git_env(url: str) -> dict[str, str]:
    env = dict(_GIT_ENV)
    chosen = os.environ.get("GIT_SSH_COMMAND") or os.environ.get("GIT_SSH") or _git_config("core.sshCommand", url)
    if not chosen:
        env["GIT_SSH_COMMAND"] = _SSH_BATCH
    return env


def _git_config(key: str, url: str) -> str:
    """The user's git setting *key*, as a clone of *url* sees it: system and global, with what
    they include for that remote (``includeIf "hasconfig:remote.*.url:..."``, which a clone
    applies once it has written its remote), not the repository ksad happens to be run from
    ("" when unset or git cannot say)."""
    import subprocess

    try:
        out = subprocess.run(["git", "-c", f"remote.origin.url={url}", "config", "--get", key], capture_output=True,
                             text=True, timeout=30, env={**os.environ, **_GIT_ENV}, stdin=subprocess.DEVNULL, cwd="/")
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


class RemoteUnreachable(KsadError, ConnectionError):
    """The catalog's URL cannot be fetched: no network, no such host or path, not a git repository,
    or access denied. Exit 7, as an unreachable target."""

    exit_code = EXIT_TARGET


# --- the record of remotes ------------------------------------------------------------------


@dataclass(frozen=True)
class Remote:
    name: str
    url: str  # as given: it may hold a token, so it is shown only through shown_url()
    ref: str  # branch or tag followed
    path: str  # the catalog directory inside the repository ("." = its root)
    commit: str
    added: str
    updated: str  # when the commit last moved (or was added)
    checked: str  # when `update` last fetched successfully

    def catalog_dir(self, settings: Settings) -> Path:
        return clone_dir(settings, self.name) / self.path

    def to_record(self) -> dict:
        return {"url": self.url, "ref": self.ref, "path": self.path, "commit": self.commit,
                "added": self.added, "updated": self.updated, "checked": self.checked}

    @classmethod
    def from_record(cls, name: str, rec: dict) -> "Remote":
        return cls(name=name, url=str(rec["url"]), ref=str(rec["ref"]), path=str(rec.get("path") or "."),
                   commit=str(rec.get("commit") or ""), added=str(rec.get("added") or ""),
                   updated=str(rec.get("updated") or ""), checked=str(rec.get("checked") or ""))


def clone_dir(settings: Settings, name: str) -> Path:
    return settings.catalogs_dir / name


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _read_registry(settings: Settings) -> dict:
    file = settings.remotes_file
    try:
        data = json.loads(file.read_bytes())
    except FileNotFoundError:
        return {"format": FORMAT, "use": None, "remotes": {}}
    except (OSError, ValueError) as exc:
        problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError("remote.registry_invalid", file=str(file), problem=problem) from None
    if not isinstance(data, dict) or not isinstance(data.get("remotes"), dict) or data.get("format") != FORMAT:
        raise InputError("remote.registry_invalid", file=str(file), problem=f"not a format-{FORMAT} remotes file")
    return data


@dataclass
class _Registry:
    data: dict

    def get(self, name: str) -> Remote | None:
        rec = self.data["remotes"].get(name)
        return Remote.from_record(name, rec) if isinstance(rec, dict) else None

    def remotes(self) -> list[Remote]:
        return [r for r in (self.get(n) for n in sorted(self.data["remotes"])) if r is not None]


def _edit_registry(settings: Settings, change: Callable[[dict], None]) -> None:
    """Read, change and write remotes.json whole, under its lock (0600: a URL may hold a token)."""
    from ksad.fsutil import atomic_write, locked

    with locked(settings.remotes_file):
        data = _read_registry(settings)
        change(data)
        atomic_write(settings.remotes_file, json.dumps(data, indent=2, sort_keys=True) + "\n", mode=0o600)


def registry(settings: Settings) -> _Registry:
    return _Registry(_read_registry(settings))


def require(settings: Settings, name: str) -> Remote:
    found = registry(settings).get(name)
    if found is None:
        raise NotFoundError("remote.unknown", name=name)
    return found


# --- checks on what the user typed ----------------------------------------------------------------


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name or ""):
        raise InputError("remote.name_invalid", name=name)
    if name == BUNDLED:
        raise InputError("remote.name_reserved", name=name)
    return name


def check_url(url: str) -> str:
    """A URL git can clone: https://, http://, ssh://, git://, file://, user@host:path or a local path.

    Refused: an option in disguise (a leading '-'), blanks and control characters, and git's
    helper transports (``ext::``, ``fd::``), which run a command instead of fetching.
    """
    if not url or url.startswith("-") or any(c.isspace() or ord(c) < 32 for c in url):
        raise InputError("remote.url_invalid", url=shown_url(url or "''"))
    scheme = url.split("://", 1)[0].lower() if "://" in url else None
    if scheme is not None and scheme not in ("https", "http", "ssh", "git", "file", "git+ssh", "ssh+git"):
        raise InputError("remote.url_invalid", url=shown_url(url))
    if scheme is None and "::" in url:
        raise InputError("remote.url_invalid", url=shown_url(url))
    return url


def check_ref(ref: str) -> str:
    if not _REF.fullmatch(ref) or ".." in ref or ref.endswith((".lock", "/", ".")) or "//" in ref or "@{" in ref:
        raise InputError("remote.ref_invalid", ref=ref)
    return ref


def check_path(path: str | None) -> str | None:
    if path is None:
        return None
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or "\\" in path:
        raise InputError("remote.path_invalid", path=path)
    return str(pure)  # "catalog/" -> "catalog", "" and "./" -> "."


_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^/@\s:]*)(?P<password>:[^/@\s]*)?@")


def shown_url(text: str) -> str:
    """*text* with the secret part of every URL in it masked: a password, or an https user name
    (a token is often passed as the user name). An ssh user name stays: it is not a secret."""

    def mask(m: re.Match) -> str:
        scheme = m["scheme"].lower()
        if m["password"] is not None:
            return f"{m['scheme']}{m['user'] if scheme.startswith(('ssh', 'git+ssh')) else '***'}:***@"
        if scheme.startswith(("http", "ftp")):
            return f"{m['scheme']}***@"
        return m.group(0)

    return _USERINFO.sub(mask, text)


# --- git (gitpython), and its errors translated ----------------------------------------------------


# git's own lines, and ssh's reasons, which come without a prefix and before git's vague
# "Could not read from remote repository"
_GIT_SAID = re.compile(r"\b(?:fatal|error|ssh|remote): [^\n]*|Host key verification failed\.|Permission denied \([^)\n]*\)\.?"
                       r"|REMOTE HOST IDENTIFICATION HAS CHANGED!|Load key [^\n]*")
_REMOTE_PROGRESS = re.compile(r"remote: (?:Enumerating|Counting|Compressing|Total|Finding sources)\b")


def _git_failed(exc: Exception, url: str, ref: str | None, progress=None) -> KsadError:
    """One message from a failed git command: git's own last 'fatal:'/'error:' lines, URL masked.

    *progress*: the clone's RemoteProgress, which took git's stderr lines from the exception.
    """
    import git

    if isinstance(exc, git.exc.UnsafeProtocolError):
        return InputError("remote.url_invalid", url=shown_url(url))
    stderr = str(getattr(exc, "stderr", "") or "")  # gitpython wraps it: "\n  stderr: 'fatal: ...'"
    if progress is not None:  # without the server's own progress ("remote: Total 4 ..."), as in a pipe
        stderr += "\n" + "\n".join(line for line in [*progress.other_lines, *progress.error_lines]
                                    if not _REMOTE_PROGRESS.match(line))
    said = [m.group(0).rstrip("'").strip() for m in re.finditer(_GIT_SAID, stderr)]
    detail = shown_url(" ".join(said))[-400:] or type(exc).__name__  # masked before cut: no half a token
    if ref and re.search(r"Remote branch .* not found|couldn't find remote ref|not found in upstream", stderr):
        return NotFoundError("remote.ref_not_found", ref=ref, url=shown_url(url))
    return RemoteUnreachable("remote.unreachable", url=shown_url(url), detail=detail)


def _git_progress(progress: Callable[[str], None]):
    """git's progress (``clone --progress``) as one line of ksad's at a time, for a spinner."""
    import git

    stages = {git.RemoteProgress.COUNTING: "counting", git.RemoteProgress.COMPRESSING: "compressing",
              git.RemoteProgress.RECEIVING: "receiving", git.RemoteProgress.RESOLVING: "resolving",
              git.RemoteProgress.FINDING_SOURCES: "finding", git.RemoteProgress.CHECKING_OUT: "checking_out",
              git.RemoteProgress.WRITING: "writing"}

    class Progress(git.RemoteProgress):
        def update(self, op_code, cur_count, max_count=None, message=""):
            stage = stages.get(op_code & git.RemoteProgress.OP_MASK)
            if stage is not None:
                total = f"/{int(max_count)}" if max_count else ""
                progress(t("remote.progress", stage=t(f"remote.stage.{stage}"), done=int(cur_count or 0), total=total))

    return Progress()


def _checking(progress: Callable[[str], None] | None) -> None:
    if progress is not None:  # the trust check takes a while on a large catalog: not git's last stage
        progress(t("remote.checking"))


def _clone(url: str, dest: Path, *, ref: str | None, reference: Path | None,
           progress: Callable[[str], None] | None = None) -> tuple[str, str]:
    """Clone *url* (branch or tag *ref*, else the remote's default branch) into *dest*, and leave
    its HEAD detached at that commit: the copy is pinned to what ksad verifies, and `.git/HEAD`
    then holds the commit itself. Returns (commit, ref followed).

    *reference*: the live clone of the same catalog. ``--reference`` lets git take the objects it
    already has from there and fetch only the new ones; ``--dissociate`` then copies them in, so
    the new copy does not depend on the old one, which is deleted once the new one replaces it.
    A fresh clone rather than a fetch into the live copy: the live copy is not touched at all
    (not even its refs) until the new commit has passed the trust check.
    """
    import git

    options: dict[str, Any] = {"env": _git_env(url)}
    if progress is not None:
        options["progress"] = _git_progress(progress)
    if ref:
        options["branch"] = ref  # `clone --branch` takes a branch or a tag
    if reference is not None and (reference / ".git").is_dir():
        options.update(reference=str(reference), dissociate=True)
    try:
        repo = git.Repo.clone_from(url, dest, **options)
        try:
            followed = ref or repo.active_branch.name
            commit = repo.head.commit.hexsha
        except (TypeError, ValueError) as exc:  # no branch (a detached remote HEAD) or no commit at all
            raise NotFoundError("remote.empty", url=shown_url(url)) from exc
        repo.git.checkout("--detach", "-q")
        repo.close()
    except git.exc.GitError as exc:
        raise _git_failed(exc, url, ref, options.get("progress")) from None
    return commit, followed


def head_commit(clone: Path) -> str:
    """The commit a clone is at: its detached HEAD, read without git (``remotes`` on every row)."""
    try:
        text = (clone / ".git" / "HEAD").read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return text if _SHA.fullmatch(text) else ""


# --- the directory switch ----------------------------------------------------------------------


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False where not supported."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    import errno

    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # an old kernel, or a file system without it
        return False
    raise OSError(err, os.strerror(err), str(b))


def _switch(staging: Path, live: Path) -> Path | None:
    """Put *staging* at *live*; returns where the previous live copy went (to delete), if any.

    Readers see the old copy or the new one: one exchange where the kernel has it; else two
    renames, and a crash between them leaves ``.NAME.old-*`` that :func:`_recover` puts back.
    """
    if not live.exists():
        os.rename(staging, live)
        return None
    if _exchange(staging, live):
        return staging  # now holds the old copy
    old = live.with_name(f".{live.name}.old-{os.urandom(3).hex()}")
    os.rename(live, old)
    os.rename(staging, live)
    return old


def _leftovers(settings: Settings, name: str) -> Iterator[Path]:
    try:
        with os.scandir(settings.catalogs_dir) as entries:
            found = [Path(e.path) for e in entries if e.name.startswith(f".{name}.")]
    except FileNotFoundError:
        return iter(())
    return iter(sorted(found))


def _recover(settings: Settings, name: str) -> None:
    """Finish what a killed add, update or remove left (called under the catalog's lock).

    A live copy missing beside an ``.old-`` one means a crash between the two renames of a
    switch: the old one goes back. A live copy that remotes.json does not name is an add killed
    before it wrote its entry: it goes (the name was never added). Everything else beside it (a
    clone being checked, an old copy after the switch, a copy being deleted) is removed.
    """
    live = clone_dir(settings, name)
    leftovers = list(_leftovers(settings, name))
    known = registry(settings).get(name) is not None
    if not live.exists():
        old = [p for p in leftovers if p.name.startswith(f".{name}.old-")]
        if old and known:
            os.rename(old[-1], live)
            leftovers.remove(old[-1])
    elif not known:
        leftovers.append(live)
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


def _lock(settings: Settings, name: str):
    from ksad.lock import locked

    return locked(settings.state_dir, "catalog", name, held="remote.lock_held")


def _staging(settings: Settings, name: str) -> Path:
    from ksad.fsutil import writing

    with writing(settings.catalogs_dir):
        settings.catalogs_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(settings.catalogs_dir, 0o700)  # a clone's .git/config keeps its URL, token and all
    return settings.catalogs_dir / f".{name}.new-{os.urandom(3).hex()}"


# --- what a catalog holds -----------------------------------------------------------------------


def _find_catalog(clone: Path, path: str | None, url: str) -> str:
    """The catalog directory inside *clone*: *path* if given, else the root or ``catalog/``."""
    candidates = [path] if path is not None else [".", "catalog"]
    for sub in candidates:
        where = clone / sub
        real = os.path.realpath(where)
        if not (real == os.path.realpath(clone) or real.startswith(os.path.realpath(clone) + os.sep)):
            raise InputError("remote.path_invalid", path=sub)
        if (where / "apps").is_dir():  # its snapshot, if missing, is the trust check's to refuse
            return sub
    raise InputError("remote.no_catalog", url=shown_url(url), path=path or ". or catalog/")


def _check_sources_inside(catalog_dir: Path, clone: Path) -> None:
    """A cloned catalog's release paths stay inside its clone: its ``sources`` may not point at
    a directory of this machine (the recipes are pinned by hash, but nothing of the host is the
    catalog's to name)."""
    from ksad.catalog import open_catalog

    sources = os.path.realpath(open_catalog(catalog_dir).sources)
    top = os.path.realpath(clone)
    if not (sources == top or sources.startswith(top + os.sep)):
        raise TrustError("remote.sources_outside", sources=str(catalog_dir / "catalog.yaml"))


def _releases(catalog_dir: Path, cache_dir: Path | None) -> dict[str, tuple[str, ...]]:
    """{app id: versions} of a catalog, {} if it cannot be read (only a report depends on it)."""
    from ksad.catalog import open_catalog

    try:
        return {app.id: tuple(app.versions) for app in open_catalog(catalog_dir, cache_dir=cache_dir).apps()}
    except KsadError:
        return {}


def _snapshot_version(catalog_dir: Path) -> int | None:
    try:
        version = json.loads((catalog_dir / "snapshot.json").read_bytes()).get("version")
    except (OSError, ValueError, AttributeError):
        return None
    return version if isinstance(version, int) else None


def _relative(message: str, staging: Path, label: str) -> str:
    """A trust message about the clone being checked, naming it *label* (NAME@commit) instead of its
    temporary directory, which is gone by the time the user reads it."""
    return message.replace(str(staging), label)


def _verify(settings: Settings, staging: Path, sub: str, live_catalog: Path, name: str, commit: str):
    """The trust check install runs, on the new clone, against the live catalog's trust state.

    Nothing is recorded yet (the live copy may stay as it is); a refusal keeps its own class,
    so its exit code, and says which catalog and commit it was about.
    """
    from ksad.trust import trust_state_dir, verify_snapshot

    catalog_dir = staging / sub
    try:
        snapshot = verify_snapshot(catalog_dir, trust_state_dir(settings), record=False, stat_memo=False,
                                   trusted_as=live_catalog)
        _check_sources_inside(catalog_dir, staging)
    except (TrustError, InputError) as exc:
        if isinstance(exc, WriteError):
            raise
        raise type(exc)("remote.refused", None, name=name, commit=commit[:12],
                        reason=_relative(exc.message, staging, f"{name}@{commit[:12]}")) from None
    return snapshot


# --- the commands ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    remote: Remote
    catalog: Path
    snapshot_version: int
    apps: int
    demo: bool
    used: bool
    dry_run: bool

    def to_json(self) -> dict:
        return {**view(self.remote, None), "catalog": str(self.catalog), "snapshot_version": self.snapshot_version,
                "apps": self.apps, "demo": self.demo, "default": self.used, "dry_run": self.dry_run}


def add_remote(settings: Settings, name: str, url: str, *, ref: str | None = None, path: str | None = None,
               use: bool = False, dry_run: bool = False, progress: Callable[[str], None] | None = None) -> Added:
    """Clone *url* as catalog *name*, check it as install would, and keep it only if it passes.

    *progress* is given each line of what the clone is doing (for a spinner); it must not print
    to stdout.
    """
    check_name(name)
    check_url(url)
    if ref is not None:
        check_ref(ref)
    path = check_path(path)
    with _lock(settings, name):
        _recover(settings, name)
        live = clone_dir(settings, name)
        if registry(settings).get(name) is not None or live.exists():
            raise ConflictError("remote.exists", name=name)
        staging = _staging(settings, name)
        try:
            commit, followed = _clone(url, staging, ref=ref, reference=None, progress=progress)
            _checking(progress)
            sub = _find_catalog(staging, path, url)
            snapshot = _verify(settings, staging, sub, live / sub, name, commit)
            apps = len(_releases(staging / sub, None))
            stamp = _now()
            remote = Remote(name, url, followed, sub, commit, stamp, stamp, stamp)
            if dry_run:
                return Added(remote, live / sub, snapshot.version, apps, snapshot.keyring.demo, use, True)
            _switch(staging, live)
            _record_trust(settings, live / sub, snapshot)
            _edit_registry(settings, lambda data: _put(data, remote, use))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return Added(remote, live / sub, snapshot.version, apps, snapshot.keyring.demo, use, False)


def _put(data: dict, remote: Remote, use: bool) -> None:
    data["remotes"][remote.name] = remote.to_record()
    if use:
        data["use"] = remote.name


def _record_trust(settings: Settings, catalog_dir: Path, snapshot) -> None:
    """Remember the versions now trusted for the live catalog (as install's own check would)."""
    from ksad.trust import TrustStore, trust_state_dir

    store = TrustStore(trust_state_dir(settings), catalog_dir)
    try:
        store.record(snapshot.keyring, snapshot)
    except OSError as exc:
        raise TrustError("trust.state.unwritable", file=str(store.file), problem=exc.strerror or str(exc)) from None


@dataclass(frozen=True)
class Updated:
    name: str
    old_commit: str
    new_commit: str
    old_version: int | None
    new_version: int
    new_releases: dict[str, list[str]] = field(default_factory=dict)  # app -> versions not there before
    new_apps: list[str] = field(default_factory=list)
    gone_apps: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return self.old_commit != self.new_commit

    def to_json(self) -> dict:
        return {"name": self.name, "old_commit": self.old_commit, "new_commit": self.new_commit,
                "changed": self.changed, "old_snapshot_version": self.old_version,
                "new_snapshot_version": self.new_version, "new_releases": self.new_releases,
                "new_apps": self.new_apps, "removed_apps": self.gone_apps, "dry_run": self.dry_run}


def update_remote(settings: Settings, name: str, *, dry_run: bool = False,
                  progress: Callable[[str], None] | None = None) -> Updated:
    """Fetch the newest commit of *name*'s ref; switch to it only if it passes the trust check.

    *progress*: as for :func:`add_remote`.
    """
    remote = require(settings, name)
    with _lock(settings, name):
        _recover(settings, name)
        live = clone_dir(settings, name)
        live_catalog = live / remote.path
        old_commit = head_commit(live) or remote.commit
        staging = _staging(settings, name)
        try:
            commit, _ = _clone(remote.url, staging, ref=remote.ref, reference=live, progress=progress)
            _checking(progress)
            if commit == old_commit and live.exists():
                result = Updated(name, old_commit, commit, _snapshot_version(live_catalog),
                                 _snapshot_version(live_catalog) or 0, dry_run=dry_run)
            else:
                snapshot = _verify(settings, staging, remote.path, live_catalog, name, commit)
                old_version = _snapshot_version(live_catalog)
                if old_version is not None and snapshot.version < old_version:
                    # the trust state says so too, unless it was deleted: the live copy itself is the floor
                    raise TrustError("remote.refused", None, name=name, commit=commit[:12],
                                     reason=TrustError("trust.snapshot.rollback", file="snapshot.json",
                                                       version=snapshot.version, seen=old_version).message)
                before = _releases(live_catalog, settings.cache_dir)
                after = _releases(staging / remote.path, None)
                result = Updated(name, old_commit, commit, old_version, snapshot.version,
                                 {app: [v for v in versions if v not in before.get(app, ())]
                                  for app, versions in sorted(after.items())
                                  if app in before and set(versions) - set(before[app])},
                                 sorted(set(after) - set(before)), sorted(set(before) - set(after)), dry_run)
                if not dry_run:
                    old = _switch(staging, live)
                    _record_trust(settings, live_catalog, snapshot)
                    if old is not None:
                        shutil.rmtree(old, ignore_errors=True)
            if not dry_run:
                stamp = _now()

                def note(data: dict) -> None:
                    rec = data["remotes"].get(name)
                    if isinstance(rec, dict):
                        if result.changed:
                            rec.update(commit=commit, updated=stamp)
                        rec["checked"] = stamp

                _edit_registry(settings, note)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return result


def remove_remote(settings: Settings, name: str, *, dry_run: bool = False) -> tuple[Remote, bool]:
    """Forget catalog *name*: its clone, its entry, and the trust state kept for it.

    Returns (the remote, whether it was the default). The trust state goes too: the name is free
    again, and a catalog added under it later is trusted as on a first add (its own keyring).
    """
    remote = require(settings, name)
    was_default = registry(settings).data.get("use") == name
    if dry_run:
        return remote, was_default
    from ksad.trust import TrustStore, catalog_id, trust_state_dir

    with _lock(settings, name):
        _recover(settings, name)
        live = clone_dir(settings, name)
        store = TrustStore(trust_state_dir(settings), remote.catalog_dir(settings))
        state_files = [store.file, store.file.with_name(f"{catalog_id(store.catalog_root)}.digests.json")]

        def forget(data: dict) -> None:
            data["remotes"].pop(name, None)
            if data.get("use") == name:
                data["use"] = None

        if live.exists():  # out of the way in one rename first: a crash never leaves half a clone there
            gone = live.with_name(f".{name}.gone-{os.urandom(3).hex()}")
            os.rename(live, gone)
        _edit_registry(settings, forget)
        for file in state_files:
            try:
                file.unlink()
            except FileNotFoundError:
                pass
        _recover(settings, name)
    return remote, was_default


def use_remote(settings: Settings, name: str) -> Path:
    """Make *name* the default catalog (``bundled``: the one shipped with ksad). Returns its directory."""
    if name == BUNDLED:
        _edit_registry(settings, lambda data: data.__setitem__("use", None))
        return BUNDLED_CATALOG
    remote = require(settings, name)
    _edit_registry(settings, lambda data: data.__setitem__("use", name))
    return remote.catalog_dir(settings)


def view(remote: Remote, settings: Settings | None) -> dict:
    """What ``ksad catalog remotes`` shows of one remote (the URL masked)."""
    row = {"name": remote.name, "url": shown_url(remote.url), "ref": remote.ref, "path": remote.path,
           "commit": remote.commit, "added": remote.added, "updated": remote.updated, "checked": remote.checked}
    if settings is not None:
        catalog = remote.catalog_dir(settings)
        row.update(commit=head_commit(clone_dir(settings, remote.name)) or remote.commit,
                   catalog=str(catalog), snapshot_version=_snapshot_version(catalog),
                   present=catalog.is_dir())
    return row


def list_remotes(settings: Settings) -> list[dict]:
    """Every remote catalog, with which is the default and which this command would use."""
    reg = registry(settings)
    default = reg.data.get("use")
    in_use = os.path.realpath(settings.catalog)
    rows = []
    for remote in reg.remotes():
        row = view(remote, settings)
        row.update(default=remote.name == default, in_use=os.path.realpath(row["catalog"]) == in_use)
        rows.append(row)
    return rows


__all__ = ["Remote", "Added", "Updated", "RemoteUnreachable", "add_remote", "update_remote", "remove_remote",
           "use_remote", "list_remotes", "registry", "require", "shown_url", "check_name", "check_url",
           "check_ref", "check_path", "head_commit", "BUNDLED"]
