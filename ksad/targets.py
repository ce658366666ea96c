"""The target inventory: named Docker engines apps can be installed onto.

``local`` is always there and never stored: it is whatever ``$DOCKER_HOST``
points at, else the local socket, as the docker CLI would choose. Other
targets are saved in ``$KSAD_HOME/targets.yaml``::

    format: 1
    targets:
      prod: {url: "ssh://deploy@10.0.0.5"}

Only storage and validation live here; connecting is the engine's job.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ksad.errors import ConflictError, InputError, NotFoundError
from ksad.fsutil import atomic_write, locked
from ksad.messages import t
from ksad.settings import Settings

FORMAT = 1
LOCAL = "local"
DEFAULT_LOCAL_URL = "unix:///var/run/docker.sock"
SCHEMES = ("ssh", "tcp", "unix")

_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,28}[a-z0-9])?")
_HOSTNAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                       r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")
_USER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}")


@dataclass(frozen=True)
class Target:
    name: str
    url: str

    @property
    def kind(self) -> str:
        return self.url.split("://", 1)[0] if "://" in self.url else "unknown"

    @property
    def is_local(self) -> bool:
        return self.name == LOCAL

    @property
    def key(self) -> str:
        """A stable file-name-safe id, for state kept per target (secrets, locks).

        Inventory names are already safe; a literal URL's name is the URL itself,
        so it is flattened, with a hash to keep distinct URLs apart.
        """
        if _NAME.fullmatch(self.name):
            return self.name
        flat = re.sub(r"[^A-Za-z0-9.@-]+", "_", self.name).strip("_")[:60]
        return f"{flat}-{hashlib.sha256(self.name.encode('utf-8')).hexdigest()[:8]}"

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "url": self.url, "kind": self.kind}


def local_target() -> Target:
    return Target(LOCAL, os.environ.get("DOCKER_HOST") or DEFAULT_LOCAL_URL)


# --- validation ------------------------------------------------------------------


def check_name(name: object) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InputError("target.name_invalid", name=name)
    if name == LOCAL:
        raise InputError("target.name_reserved", name=name)
    return name


def _bad_url(url: str, reason_key: str, **fields: object) -> InputError:
    return InputError("target.url_invalid", url=url, reason=t(reason_key, **fields))


def _check_host(url: str, host: str | None) -> None:
    if not host:
        raise _bad_url(url, "target.url_reason.host")
    try:
        ipaddress.ip_address(host)
        return
    except ValueError:
        pass
    if not _HOSTNAME.fullmatch(host):
        raise _bad_url(url, "target.url_reason.host")


def _port(url: str, parts) -> int | None:
    try:
        return parts.port  # raises ValueError for non-numeric or out-of-range ports
    except ValueError:
        raise _bad_url(url, "target.url_reason.port") from None


def check_url(url: object) -> str:
    """A Docker engine URL ksad can reach: ssh://user@host[:port], tcp://host:port, unix:///path."""
    if not isinstance(url, str) or not url.strip():
        raise InputError("target.url_invalid", url=url, reason=t("target.url_reason.scheme"))
    url = url.strip()
    if any(ch.isspace() for ch in url):
        raise _bad_url(url, "target.url_reason.space")
    scheme, sep, _ = url.partition("://")
    if not sep or scheme.lower() not in SCHEMES:
        raise _bad_url(url, "target.url_reason.scheme")
    scheme = scheme.lower()
    try:
        parts = urlsplit(scheme + "://" + url.split("://", 1)[1])
    except ValueError:  # an unclosed [ of an IPv6 address
        raise _bad_url(url, "target.url_reason.host") from None
    if parts.query or parts.fragment:
        raise _bad_url(url, "target.url_reason.extra")
    if scheme == "unix":
        if parts.netloc or not parts.path.startswith("/") or parts.path == "/":
            raise _bad_url(url, "target.url_reason.unix")
        return f"unix://{parts.path}"
    if parts.path not in ("", "/"):
        raise _bad_url(url, "target.url_reason.extra")
    _check_host(url, parts.hostname)
    port = _port(url, parts)
    host = parts.hostname
    host_text = f"[{host}]" if ":" in host else host
    if scheme == "ssh":
        if parts.password is not None:
            raise _bad_url(url, "target.url_reason.password")
        if not parts.username or not _USER.fullmatch(parts.username):
            raise _bad_url(url, "target.url_reason.user")
        return f"ssh://{parts.username}@{host_text}" + (f":{port}" if port else "")
    if parts.username or parts.password:
        raise _bad_url(url, "target.url_reason.extra")
    if not port:
        raise _bad_url(url, "target.url_reason.tcp_port")
    return f"tcp://{host_text}:{port}"


def looks_like_url(text: str) -> bool:
    return "://" in text


# --- storage ---------------------------------------------------------------------


def _load(settings: Settings) -> dict[str, str]:
    """Stored targets by name (not including ``local``)."""
    file = settings.inventory_file
    if not file.exists():
        return {}
    from ksad import yamlio

    doc = yamlio.load_mapping(file)

    def bad(pointer: tuple, problem: str) -> InputError:
        field = ".".join(str(p) for p in pointer)
        return InputError("target.inventory_invalid", file=str(file), line=doc.line_of(pointer) or 1,
                          field=field, problem=problem)

    for key in doc.data:
        if key not in ("format", "targets"):
            raise bad((key,), t("target.problem.unknown_key", entry=key, known="format, targets"))
    if doc.data.get("format") != FORMAT:
        raise bad(("format",), t("target.problem.format", value=doc.data.get("format"), expected=FORMAT))
    entries = doc.data.get("targets") or {}
    if not isinstance(entries, dict):
        raise bad(("targets",), t("yaml.not_mapping_short"))
    out: dict[str, str] = {}
    for name, entry in entries.items():
        if not isinstance(entry, dict):
            raise bad(("targets", name), t("yaml.not_mapping_short"))
        for key in entry:
            if key != "url":
                raise bad(("targets", name, key), t("target.problem.unknown_key", entry=key, known="url"))
        try:
            out[check_name(name)] = check_url(entry.get("url"))
        except InputError as exc:
            pointer = ("targets", name, "url") if "url" in entry and exc.key.startswith("target.url") \
                else ("targets", name)
            raise bad(pointer, exc.message) from None
    return out


def _save(settings: Settings, targets: dict[str, str]) -> None:
    settings.ensure_home()
    data = {"format": FORMAT, "targets": {name: {"url": url} for name, url in sorted(targets.items())}}
    from ksad import yamlio

    atomic_write(settings.inventory_file, t("target.file_header") + "\n" + yamlio.dump(data), mode=0o644)


def _lock_path(settings: Settings) -> Path:
    settings.ensure_home()
    return settings.inventory_file


@dataclass(frozen=True)
class TargetChange:
    target: Target
    action: str  # "add" | "replace" | "unchanged" | "remove"
    file: Path

    def to_json(self) -> dict:
        return {"action": self.action, "file": str(self.file), "target": self.target.to_json()}


# --- TLS for tcp:// ----------------------------------------------------------------
# Docker's own names for a client's certificates (DOCKER_CERT_PATH, docker-machine).
TLS_FILES = ("ca.pem", "cert.pem", "key.pem")


def tls_dir(settings: Settings, target: Target) -> Path:
    return settings.home / "tls" / target.key


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _tls_source(directory: Path) -> Path:
    """*directory* if it holds the three files, else InputError naming what is missing."""
    missing = [n for n in TLS_FILES if not (Path(directory) / n).is_file()]
    if missing:
        raise InputError("target.tls_missing", dir=str(directory), missing=", ".join(missing))
    return Path(directory)


def _plain_tcp(name: str, url: str) -> InputError:
    return InputError("target.tcp_plain", target=url if name == url else f"{name} ({url})")


def engine_tls(settings: Settings, target: Target) -> tuple[Path, Path, Path] | None:
    """(CA, client certificate, client key) to reach a tcp:// engine with; None for plain loopback.

    The target's own directory (``target add --tls-dir``) first, then Docker's environment
    (DOCKER_TLS_VERIFY with DOCKER_CERT_PATH, as the docker CLI reads it). A plain tcp://
    engine off this machine is refused: anyone on the network could run containers as
    root on it, and the secrets in every container's environment would cross in clear.
    """
    candidates = [tls_dir(settings, target)]
    if os.environ.get("DOCKER_TLS_VERIFY") and os.environ.get("DOCKER_CERT_PATH"):
        candidates.append(Path(os.environ["DOCKER_CERT_PATH"]).expanduser())
    for directory in candidates:
        if all((directory / n).is_file() for n in TLS_FILES):
            ca, cert, key = (directory / n for n in TLS_FILES)
            return ca, cert, key
    if _loopback(target.url):
        return None
    raise _plain_tcp(target.name, target.url)


def plan_add(settings: Settings, name: str, url: str, *, force: bool = False,
             tls_from: Path | None = None) -> TargetChange:
    """Validate an addition and say what it would do. Writes nothing."""
    name, url = check_name(name), check_url(url)
    if tls_from is not None:
        if not url.startswith("tcp://"):
            raise InputError("target.tls_not_tcp", url=url)
        _tls_source(tls_from)
    elif url.startswith("tcp://") and not _loopback(url):
        raise _plain_tcp(name, url)
    current = _load(settings).get(name)
    if current is None:
        action = "add"
    elif current == url and tls_from is None:
        action = "unchanged"
    elif force:
        action = "replace"
    else:
        raise ConflictError("target.exists", name=name, url=current)
    return TargetChange(Target(name, url), action, settings.inventory_file)


def add_target(settings: Settings, name: str, url: str, *, force: bool = False,
               tls_from: Path | None = None) -> TargetChange:
    with locked(_lock_path(settings)):
        change = plan_add(settings, name, url, force=force, tls_from=tls_from)
        if tls_from is not None:
            _keep_tls(settings, change.target, _tls_source(tls_from))
        if change.action != "unchanged":
            targets = _load(settings)
            targets[change.target.name] = change.target.url
            _save(settings, targets)
    return change


def _keep_tls(settings: Settings, target: Target, source: Path) -> None:
    from ksad.fsutil import write_secret

    home = tls_dir(settings, target)
    for name in TLS_FILES:
        try:
            data = (source / name).read_bytes()
        except OSError as exc:
            raise InputError("file.unreadable", file=str(source / name), problem=exc.strerror or str(exc)) from None
        write_secret(home / name, data)  # the key is a credential; the rest need no wider mode


def plan_remove(settings: Settings, name: str) -> TargetChange:
    """Check that *name* can be removed and say what it points at. Writes nothing."""
    if name == LOCAL:
        raise InputError("target.local_not_removable")
    targets = _load(settings)
    if name not in targets:
        raise _unknown(name, targets)
    return TargetChange(Target(name, targets[name]), "remove", settings.inventory_file)


def remove_target(settings: Settings, name: str) -> TargetChange:
    with locked(_lock_path(settings)):
        change = plan_remove(settings, name)
        targets = _load(settings)
        del targets[name]
        _save(settings, targets)
        if tls_dir(settings, change.target).exists():
            import shutil

            shutil.rmtree(tls_dir(settings, change.target), ignore_errors=True)
    return change


def list_targets(settings: Settings) -> list[Target]:
    """``local`` first, then the inventory in name order."""
    return [local_target()] + [Target(n, u) for n, u in sorted(_load(settings).items())]


def _unknown(name: str, stored: dict[str, str]) -> NotFoundError:
    return NotFoundError("target.unknown", name=name, known=", ".join([LOCAL, *sorted(stored)]))


def resolve_target(settings: Settings, name_or_url: str | None) -> Target:
    """The target to use: the argument, else ``settings.target``, else ``local``.

    A literal URL is accepted as is; if it is the local engine's URL or an
    inventory target's, that name is used, so secrets and locks kept per
    target agree however the engine was named.
    """
    wanted = (name_or_url or settings.target or LOCAL).strip()
    if wanted == LOCAL:
        return local_target()
    stored = _load(settings)
    if looks_like_url(wanted):
        url = check_url(wanted)
        if url == local_target().url:
            return local_target()
        for name, stored_url in sorted(stored.items()):
            if stored_url == url:
                return Target(name, url)
        return Target(url, url)
    if wanted not in stored:
        raise _unknown(wanted, stored)
    return Target(wanted, stored[wanted])
