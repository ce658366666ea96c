"""Loopback services and engine hygiene for the integration tests.

The registry and sshd are real daemons started on 127.0.0.1 and left running between
test sessions, so a developer's second ``pytest`` run does not pay for them again.
Their state lives in one fixed directory (``KSAD_TEST_SERVICES``, default
``/tmp/ksad-test-services``) so that a later session can recognise them: a daemon
whose config or data directory has disappeared, or that no longer accepts our keys,
is stale and is replaced. Several pytest sessions may run at once (other developers
share the machine), so every check-and-start happens under a file lock.

Nothing here imports our own code: these helpers must keep working whatever state
the package is in.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import re
import signal
import subprocess
import tarfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator

STATE_DIR = Path(os.environ.get("KSAD_TEST_SERVICES", "/tmp/ksad-test-services"))

REGISTRY_BIN = "/usr/bin/docker-registry"
REGISTRY_HOST, REGISTRY_PORT = "127.0.0.1", 5000
REGISTRY_ADDR = f"{REGISTRY_HOST}:{REGISTRY_PORT}"

SSHD_BIN = "/usr/sbin/sshd"
SSH_HOST, SSH_PORT, SSH_USER = "127.0.0.1", 2222, "root"

# Everything a test creates on the engine is named "<TEST_PREFIX_ROOT><session>-..." or
# carries this label with the session id, so the session can remove exactly its own.
TEST_PREFIX_ROOT = "ksadtest-"
TEST_LABEL = "ksad.test.session"
# Leftovers of crashed sessions older than this are removed too; no session runs this long.
ORPHAN_AGE = timedelta(hours=3)
# A live session holds an flock on LEASES/<session>; a lease nobody holds is a dead session's.
LEASES = STATE_DIR / "sessions"
# Held by a test while it has ksad apps installed (conftest's ksad_cleanup): two sessions on one
# engine would otherwise see each other's uji-web, and `install uji-web`, `upgrade --all` or
# `uninstall uji-web` in one would find two ("installed more than once") or act on the other's.
APPS_LOCK = STATE_DIR / "apps.lock"
# Test apps are named "<stem> <session><4 hex>" (conftest's app_name), so their slugs end so.
_APP_SLUG = re.compile(r"-([0-9a-f]{6})[0-9a-f]{4}$")
_PREFIXED = re.compile(re.escape(TEST_PREFIX_ROOT) + r"([0-9a-f]{6})-")

BUSYBOX = Path("/bin/busybox")


class ServiceError(RuntimeError):
    """A loopback service could not be started or is not the one we expect."""


# --- processes -------------------------------------------------------------------------

@contextlib.contextmanager
def services_lock() -> Iterator[None]:
    with _flock(STATE_DIR / "lock", required=True):
        yield


@contextlib.contextmanager
def _flock(path: Path, *, required: bool) -> Iterator[None]:
    """An exclusive flock on *path* for the block; a killed holder frees it. Not *required*: where
    the file cannot be made (another user's directory) the block runs without it."""
    try:
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a")
    except OSError:
        if required:
            raise
        yield
        return
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as fh:
            next(fh)
            for line in fh:
                cols = line.split()
                local, state, inode = cols[1], cols[3], cols[9]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                    inodes.add(inode)
    return inodes


def listener_pid(port: int) -> int | None:
    """The process that listens on *port* (the parent, not a forked child holding the fd)."""
    targets = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    if not targets:
        return None
    holders = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (proc / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in targets:
                        holders.add(int(proc.name))
                        break
    for pid in sorted(holders):
        if _ppid(pid) not in holders:
            return pid
    return min(holders) if holders else None


def _ppid(pid: int) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("PPid:"):
                return int(line.split()[1])
    return None


def cmdline(pid: int) -> list[str]:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")[:-1]
    return []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError):
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return False


def stop_process(pid: int) -> None:
    """Stop one daemon that the test infrastructure started earlier, by its pid."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def spawn_daemon(cmd: list[str], log: Path) -> int:
    """Start *cmd* detached from this session (it must outlive pytest) and return its pid."""
    log.parent.mkdir(parents=True, exist_ok=True)
    # The shell prints the pid of the backgrounded setsid, which execs cmd in place, so
    # the pid is the daemon's own. pytest keeps no Popen handle that would warn at exit.
    out = subprocess.run(
        ["sh", "-c", 'setsid "$@" >>"$KSAD_DAEMON_LOG" 2>&1 </dev/null & echo $!', "sh", *cmd],
        env={**os.environ, "KSAD_DAEMON_LOG": str(log)},
        check=True, capture_output=True, text=True,
    )
    return int(out.stdout.strip())


def _log_tail(log: Path, lines: int = 15) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return "(no log)"


def wait_until(check: Callable[[], bool], *, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise ServiceError(f"{what} did not come up within {timeout:.0f}s; last lines of {log}:\n{_log_tail(log)}")


def _path_gone(path: str) -> bool:
    return not path or not Path(path).exists()


def _cwd_deleted(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return os.readlink(f"/proc/{pid}/cwd").endswith(" (deleted)")
    return False


# --- registry --------------------------------------------------------------------------

def _registry_dir() -> Path:
    return STATE_DIR / "registry"


def _registry_config_text(data: Path) -> str:
    return (
        "version: 0.1\n"
        "log:\n  level: warn\n"
        "storage:\n"
        f"  filesystem:\n    rootdirectory: {data}\n"
        "  delete:\n    enabled: true\n"
        "http:\n"
        f"  addr: {REGISTRY_ADDR}\n"
    )


def registry_answers() -> bool:
    # No proxy: a developer's HTTP_PROXY must not swallow loopback traffic.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://{REGISTRY_ADDR}/v2/", timeout=2) as resp:
            return resp.status == 200 and "registry/2.0" in resp.headers.get("Docker-Distribution-Api-Version", "")
    except (urllib.error.URLError, OSError):
        return False


def _registry_is_stale(pid: int | None, config: Path, data: Path) -> bool:
    """A docker-registry whose config, data or working directory was deleted under it."""
    argv = cmdline(pid) if pid is not None else []
    if not argv or Path(argv[0]).name != "docker-registry":
        return False  # not one of ours; whether it answers decides
    their_config = argv[-1] if len(argv) >= 3 else ""
    if _path_gone(their_config) or _cwd_deleted(pid):
        return True
    # Our own registry whose storage was wiped would hand out blobs it no longer has.
    return Path(their_config) == config and not data.is_dir()


def ensure_registry() -> str:
    """Make sure a distribution v2 registry answers on 127.0.0.1:5000; return that address."""
    home = _registry_dir()
    config, data, log = home / "config.yml", home / "data", home / "registry.log"
    with services_lock():
        pid = listener_pid(REGISTRY_PORT)
        stale = _registry_is_stale(pid, config, data)
        if registry_answers() and not stale:
            return REGISTRY_ADDR
        if pid is not None:
            argv = cmdline(pid)
            if not argv or Path(argv[0]).name != "docker-registry":
                raise ServiceError(f"port {REGISTRY_PORT} is taken by pid {pid} "
                                   f"({' '.join(argv) or '?'}), which is not a working registry")
            stop_process(pid)
        if not Path(REGISTRY_BIN).exists():
            raise ServiceError(f"{REGISTRY_BIN} is missing: run scripts/setup.sh (apt package docker-registry)")
        data.mkdir(parents=True, exist_ok=True)
        config.write_text(_registry_config_text(data))
        spawn_daemon([REGISTRY_BIN, "serve", str(config)], log)
        wait_until(registry_answers, timeout=30, what="docker-registry", log=log)
        return REGISTRY_ADDR


# --- sshd ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SshServer:
    """The files a client needs to reach the loopback sshd."""

    client_key: Path
    host_public_key: str  # "ssh-ed25519 AAAA..."
    known_hosts: Path

    @property
    def url(self) -> str:
        return f"ssh://{SSH_USER}@{SSH_HOST}:{SSH_PORT}"


@dataclass(frozen=True)
class SshTarget:
    """What a test needs to point ksad (or the Docker SDK) at the loopback sshd.

    ``env`` only holds the variables to override: HOME, whose ``.ssh`` has the key,
    the host key in known_hosts and a config, because paramiko finds them via HOME.
    """

    url: str
    env: dict[str, str]
    home: Path
    host: str = SSH_HOST
    port: int = SSH_PORT
    user: str = SSH_USER
    server: SshServer | None = field(default=None, repr=False)


def _ssh_dir() -> Path:
    return STATE_DIR / "ssh"


def _keygen(path: Path) -> None:
    if path.exists() and path.with_name(path.name + ".pub").exists():
        return
    for stale in (path, path.with_name(path.name + ".pub")):
        stale.unlink(missing_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ksad-test", "-f", str(path)],
                   check=True, capture_output=True)


def _sshd_config_text(d: Path) -> str:
    lines = [
        f"ListenAddress {SSH_HOST}:{SSH_PORT}",
        f"HostKey {d / 'ssh_host_ed25519_key'}",
        f"PidFile {d / 'sshd.pid'}",
        f"AuthorizedKeysFile {d / 'authorized_keys'}",
        "PermitRootLogin prohibit-password",
        f"AllowUsers {SSH_USER}",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        # The key files live under /tmp, which is world-writable: StrictModes would refuse them.
        "StrictModes no",
        "UseDNS no",
        "PrintMotd no",
        "X11Forwarding no",
        # Tests open connections in bursts. Sessions per connection stay at sshd's default (MaxSessions
        # 10), as on a server nobody tuned for ksad: a command needing more must open another connection.
        "MaxStartups 100",
        "Subsystem sftp internal-sftp",
        # The SDK's ssh transport runs `docker system dial-stdio` on the target.
        "SetEnv PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    ]
    docker_host = os.environ.get("DOCKER_HOST", "")
    if docker_host.startswith("unix://"):
        lines.append(f"SetEnv DOCKER_HOST={docker_host}")
    return "\n".join(lines) + "\n"


def _ssh_login_works(server: SshServer) -> bool:
    """Log in exactly as a test would (our key, strict host key) and find the docker CLI."""
    import paramiko

    client = paramiko.SSHClient()
    try:
        client.load_host_keys(str(server.known_hosts))
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        client.connect(SSH_HOST, SSH_PORT, username=SSH_USER, key_filename=str(server.client_key),
                       look_for_keys=False, allow_agent=False, timeout=3, banner_timeout=3, auth_timeout=3)
        _, out, _ = client.exec_command("command -v docker", timeout=10)
        return out.channel.recv_exit_status() == 0
    except (paramiko.SSHException, OSError, EOFError):
        return False
    finally:
        client.close()


def _sshd_is_ours(pid: int, config: Path) -> bool:
    # sshd retitles its listener ("sshd: /usr/sbin/sshd -D -f ... [listener] ..."), so
    # look at the words, not at argv[0].
    argv = " ".join(cmdline(pid)).split()
    if not any(Path(word.rstrip(":")).name == "sshd" for word in argv[:2]):
        raise ServiceError(f"port {SSH_PORT} is taken by pid {pid} ({' '.join(argv) or '?'}), not by sshd")
    their_config = argv[argv.index("-f") + 1] if "-f" in argv[:-1] else ""
    if their_config and their_config != str(config) and not _path_gone(their_config):
        raise ServiceError(f"port {SSH_PORT} is taken by another sshd (pid {pid}, config {their_config})")
    return True


def ensure_sshd() -> SshServer:
    """Make sure our sshd answers on 127.0.0.1:2222 and accepts our test key; return its files."""
    d = _ssh_dir()
    config, log = d / "sshd_config", d / "sshd.log"
    with services_lock():
        d.mkdir(parents=True, exist_ok=True)
        _keygen(d / "ssh_host_ed25519_key")
        _keygen(d / "id_ed25519")
        host_pub = " ".join((d / "ssh_host_ed25519_key.pub").read_text().split()[:2])
        known_hosts = d / "known_hosts"
        known_hosts.write_text(f"[{SSH_HOST}]:{SSH_PORT} {host_pub}\n")
        (d / "authorized_keys").write_text((d / "id_ed25519.pub").read_text())
        server = SshServer(client_key=d / "id_ed25519", host_public_key=host_pub, known_hosts=known_hosts)

        wanted = _sshd_config_text(d)
        config_changed = not config.exists() or config.read_text() != wanted
        pid = listener_pid(SSH_PORT)
        if pid is not None:
            _sshd_is_ours(pid, config)
            if not config_changed and not _cwd_deleted(pid) and _ssh_login_works(server):
                return server
            stop_process(pid)
        if not Path(SSHD_BIN).exists():
            raise ServiceError(f"{SSHD_BIN} is missing: run scripts/setup.sh (apt package openssh-server)")
        config.write_text(wanted)
        # sshd refuses to start without its privilege-separation directory.
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        check = subprocess.run([SSHD_BIN, "-t", "-f", str(config)], capture_output=True, text=True)
        if check.returncode != 0:
            raise ServiceError(f"sshd refuses {config}: {check.stderr.strip()}")
        spawn_daemon([SSHD_BIN, "-D", "-f", str(config), "-E", str(log)], log)
        wait_until(lambda: _ssh_login_works(server), timeout=30, what="sshd", log=log)
        return server


def make_ssh_home(home: Path, server: SshServer) -> Path:
    """A HOME whose ~/.ssh lets paramiko (and so the Docker SDK) reach the loopback sshd."""
    ssh = home / ".ssh"
    ssh.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = ssh / "id_ed25519"
    key.write_bytes(server.client_key.read_bytes())
    key.chmod(0o600)
    (ssh / "id_ed25519.pub").write_bytes(server.client_key.with_name("id_ed25519.pub").read_bytes())
    (ssh / "known_hosts").write_text(f"[{SSH_HOST}]:{SSH_PORT} {server.host_public_key}\n")
    (ssh / "config").write_text(
        f"Host {SSH_HOST}\n"
        f"  Port {SSH_PORT}\n"
        f"  User {SSH_USER}\n"
        f"  IdentityFile {key}\n"
        "  IdentitiesOnly yes\n"
        f"  UserKnownHostsFile {ssh / 'known_hosts'}\n"
        "  StrictHostKeyChecking yes\n"
    )
    return home


# --- engine ----------------------------------------------------------------------------

def busybox_rootfs_tar() -> bytes:
    """A tar holding bin/busybox and bin/sh, enough for a FROM-scratch image with a shell."""
    if not BUSYBOX.exists():
        raise ServiceError(f"{BUSYBOX} is missing: run scripts/setup.sh (apt package busybox-static)")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name in ("bin", "tmp"):
            info = tarfile.TarInfo(name)
            info.type, info.mode = tarfile.DIRTYPE, 0o1777 if name == "tmp" else 0o755
            tar.addfile(info)
        tar.add(str(BUSYBOX), arcname="bin/busybox")
        link = tarfile.TarInfo("bin/sh")
        link.type, link.linkname = tarfile.SYMTYPE, "busybox"
        tar.addfile(link)
    return buf.getvalue()


def build_busybox_image(client, repository: str, tag: str = "latest", *, labels: dict[str, str] | None = None):
    """Import a tiny busybox image as repository:tag and return the SDK Image."""
    changes = ['CMD ["/bin/sh"]', 'ENV PATH=/bin']
    changes += [f"LABEL {k}={v}" for k, v in (labels or {}).items()]
    client.api.import_image_from_data(busybox_rootfs_tar(), repository=repository, tag=tag, changes=changes)
    return client.images.get(f"{repository}:{tag}")


def _created(value: str | None) -> datetime | None:
    # Docker prints UTC with nanoseconds, which datetime cannot parse: seconds are plenty.
    with contextlib.suppress(TypeError, ValueError):
        return datetime.fromisoformat(value[:19]).replace(tzinfo=timezone.utc)
    return None


def _ours(name: str, labels: dict | None, prefix: str, session: str) -> bool:
    return name.lstrip("/").startswith(prefix) or (labels or {}).get(TEST_LABEL) == session


def _orphan(name: str, created: str | None) -> bool:
    when = _created(created)
    return (name.lstrip("/").startswith(TEST_PREFIX_ROOT) and when is not None
            and datetime.now(timezone.utc) - when > ORPHAN_AGE)


def cleanup_engine(client, prefix: str, session: str) -> list[str]:
    """Remove this session's containers, volumes, networks and images; return what failed.

    Also removes test leftovers older than ORPHAN_AGE from sessions that crashed.
    """
    import docker.errors

    failures: list[str] = []

    def attempt(what: str, fn: Callable[[], object]) -> None:
        try:
            fn()
        except docker.errors.NotFound:
            pass
        except docker.errors.APIError as exc:
            failures.append(f"{what}: {exc}")

    # the low-level list: the high-level one inspects each container and races concurrent removals
    for c in client.api.containers(all=True):
        name = (c.get("Names") or ["?"])[0].lstrip("/")
        created = datetime.fromtimestamp(c["Created"], timezone.utc).isoformat() if c.get("Created") else None
        if _ours(name, c.get("Labels"), prefix, session) or _orphan(name, created):
            attempt(f"container {name}", lambda c=c: client.api.remove_container(c["Id"], force=True, v=True))
    for n in client.networks.list():
        if _ours(n.name, n.attrs.get("Labels"), prefix, session) or _orphan(n.name, n.attrs.get("Created")):
            attempt(f"network {n.name}", n.remove)
    for v in client.volumes.list():
        if _ours(v.name, v.attrs.get("Labels"), prefix, session) or _orphan(v.name, v.attrs.get("CreatedAt")):
            attempt(f"volume {v.name}", lambda v=v: v.remove(force=True))
    for image in client.images.list():
        labelled = (image.labels or {}).get(TEST_LABEL) == session
        for tag in image.tags:
            repo = tag.rsplit(":", 1)[0].rsplit("/", 1)[-1]
            if repo.startswith(prefix) or labelled:
                attempt(f"image {tag}", lambda tag=tag: client.images.remove(tag, force=True))
        if labelled and not image.tags:  # e.g. pulled by digest only
            attempt(f"image {image.short_id}", lambda image=image: client.images.remove(image.id, force=True))
    return failures


def cleanup_ksad(client, session: str, *, exact: bool = False) -> None:
    """Remove ksad-managed objects whose slug carries *session* (see the ksad_cleanup fixture).

    *exact*: only slugs that end as app_name makes them, ``-<session><4 hex>``.
    """
    import docker.errors

    ending = re.compile(rf"-{re.escape(session)}[0-9a-f]{{4}}$")

    def mine(labels) -> bool:
        labels = labels or {}
        slug = labels.get("ksad.slug", "")
        return labels.get("ksad.managed") == "1" and (ending.search(slug) if exact else session in slug)

    for c in client.api.containers(all=True, filters={"label": "ksad.managed=1"}):
        if mine(c.get("Labels")):
            try:  # with its anonymous volumes: a test's, nobody else's, and left behind they pile up
                client.api.remove_container(c["Id"], force=True, v=True)
            except docker.errors.NotFound:
                pass
    for n in client.networks.list(filters={"label": "ksad.managed=1"}):
        if mine(n.attrs.get("Labels")):
            try:
                n.remove()
            except docker.errors.NotFound:
                pass
    for v in client.volumes.list(filters={"label": "ksad.managed=1"}):
        if mine(v.attrs.get("Labels")):
            try:
                v.remove(force=True)
            except docker.errors.NotFound:
                pass


# --- sessions that died ------------------------------------------------------------------

@contextlib.contextmanager
def apps_lock() -> Iterator[None]:
    """Hold the engine's apps lock (APPS_LOCK) across sessions; without a lock file here (another
    user's directory) the test runs unguarded, as before."""
    with _flock(APPS_LOCK, required=False):
        yield


def hold_session_lease(session: str):
    """Mark *session* alive for as long as the returned file stays open (see sweep_dead_sessions).

    None if no lease can be made here (another user's directory): the session is then judged
    by its running containers alone.
    """
    path = LEASES / session
    try:
        LEASES.mkdir(parents=True, exist_ok=True)
        while True:
            fh = open(path, "a")
            fcntl.flock(fh, fcntl.LOCK_EX)
            # A sweep may have found the file before it was locked, taken it for a dead session's
            # and removed it: a lock on a file with no name protects nothing, so make another.
            if _same_file(fh, path):
                return fh
            fh.close()
    except OSError:
        return None


def _same_file(fh, path: Path) -> bool:
    try:
        mine, there = os.fstat(fh.fileno()), os.stat(path)
    except FileNotFoundError:
        return False
    return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)


def _lease_state(session: str) -> bool | None:
    """True if *session* holds its lease (or it cannot be told), False if the lease is free (the
    session died; the file is removed), None if it has none."""
    path = LEASES / session
    try:
        fh = open(path, "r")
    except FileNotFoundError:
        return None
    except OSError:  # another user's: it may well be alive
        return True
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        if not _same_file(fh, path):  # replaced meanwhile: a new session's now
            return True
        with contextlib.suppress(OSError):
            path.unlink()  # while locked: its owner, if it was just starting, sees that and makes another
        return False


_SESSION = re.compile(r"[0-9a-f]{6}")
_ALIVE_STATES = {"running", "restarting", "paused"}


def _session_of(name: str, labels: dict | None) -> tuple[str | None, bool]:
    """(the test session an object belongs to, whether that is certain).

    Certain: the session label or the ``ksadtest-<session>-`` name. A ksad app's slug ending in
    ``-<session><4 hex>`` (conftest's app_name) is only a candidate: a user's own app may end so.
    """
    labels = labels or {}
    label = labels.get(TEST_LABEL, "")
    if _SESSION.fullmatch(label):
        return label, True
    m = _PREFIXED.match(name.lstrip("/"))
    if m:
        return m.group(1), True
    if labels.get("ksad.managed") == "1" and not label:
        m = _APP_SLUG.search(labels.get("ksad.slug", ""))
        if m:
            return m.group(1), False
    return None, False


def sweep_dead_sessions(client, own: str) -> list[str]:
    """Remove what test sessions that were killed (Ctrl-C twice, a timeout, a machine restart) left.

    Their apps would otherwise make this session's ``ksad install uji-web`` ambiguous. A session
    is dead when its lease is free. One without a lease (older test code, a /tmp this process
    cannot see) counts as dead only if something it left is certainly a test's and none of its
    containers runs. A user's own ksad app is never taken for a test's on its slug alone.
    Returns the sessions swept.
    """
    running: dict[str, bool] = {}
    certain: set[str] = set()

    def note(token: str | None, sure: bool, alive: bool = False) -> None:
        if token:
            running[token] = running.get(token, False) or alive
            if sure:
                certain.add(token)

    for c in client.api.containers(all=True):
        note(*_session_of((c.get("Names") or ["?"])[0], c.get("Labels")), c.get("State") in _ALIVE_STATES)
    for n in client.networks.list():
        note(*_session_of(n.name, n.attrs.get("Labels")))
    for v in client.volumes.list():
        note(*_session_of(v.name, v.attrs.get("Labels")))
    for image in client.images.list():
        for tag in image.tags or [""]:
            note(*_session_of(tag.rsplit("/", 1)[-1], image.labels))
    swept = []
    for token, is_running in sorted(running.items()):
        if token == own:
            continue
        state = _lease_state(token)
        if state is True or (state is None and (is_running or token not in certain)):
            continue
        cleanup_ksad(client, token, exact=True)
        cleanup_engine(client, f"{TEST_PREFIX_ROOT}{token}", token)
        swept.append(token)
    for lease in LEASES.glob("*") if LEASES.is_dir() else ():
        if lease.name not in running and lease.name != own:
            _lease_state(lease.name)  # frees the file of a session that died owning nothing
    return swept
