"""The security policy: what a recipe may ask of the host without the operator's consent.

A recipe comes from another region. Whatever would let its containers reach
past their own filesystem, network and process namespaces (the host's files,
the Docker socket, host networking, extra kernel capabilities...) is refused
until the operator allows that *kind* of exception, per command with
``--allow KIND`` or for good in ``$KSAD_HOME/policy.yaml`` (``allow: [KIND]``).

The checks run on the normalised :class:`ksad.recipe.Service` objects, so they
see one spelling of each request whatever Compose syntax the recipe used.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ksad.errors import InputError, PolicyError
from ksad.messages import t

if TYPE_CHECKING:  # recipe imports this module; the reverse is only for type checkers
    from ksad.recipe import Service

POLICY_KINDS = ("privileged", "host-network", "host-pid", "host-ipc", "docker-socket", "host-path",
                "devices", "capabilities", "security-opt", "sysctls", "log-driver")

# Docker's default capability set: a container has these anyway, so asking for
# them again grants nothing new.
SAFE_CAPABILITIES = frozenset({
    "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
    "NET_BIND_SERVICE", "NET_RAW", "SYS_CHROOT", "MKNOD", "AUDIT_WRITE", "SETFCAP",
})

DOCKER_SOCKETS = ("/var/run/docker.sock", "/run/docker.sock")
CONFINED_SELINUX_TYPES = frozenset({"container_t", "svirt_lxc_net_t"})  # what Docker gives a container anyway

# The sysctls Docker documents as namespaced (`docker run --sysctl`): set in the
# container's own IPC or network namespace, they change nothing outside it. Any
# other (kernel.core_pattern, vm.*, fs.file-max...) is the host's, or one the
# engine refuses at start: either way not the recipe's to set unasked.
IPC_SYSCTLS = frozenset({"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
                         "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"})

# Log drivers that keep the logs on this host. Any other driver (syslog, gelf,
# fluentd, awslogs, splunk, a plugin...) sends them, and the secrets apps log by
# mistake, to an address the recipe chose.
LOCAL_LOG_DRIVERS = frozenset({"json-file", "local", "none", "journald"})


@dataclass(frozen=True)
class Violation:
    service: str
    kind: str
    detail: str  # the request as the recipe spells it, e.g. "./data:/data"


class PolicyRefused(PolicyError):
    """Raised when a recipe asks for something the operator has not allowed.

    Carries every violation, so one run tells the operator all they would have
    to allow, not one at a time.
    """

    def __init__(self, file: str, violations: Iterable[Violation]) -> None:
        self.violations = tuple(violations)
        kinds = sorted({v.kind for v in self.violations}, key=POLICY_KINDS.index)
        super().__init__("policy.refused", file=file, kinds=", ".join(kinds),
                         flags=" ".join(f"--allow {k}" for k in kinds))

    @property
    def message(self) -> str:
        lines = "\n".join(t("policy.violation", service=v.service, kind=v.kind, detail=v.detail)
                          for v in self.violations)
        return t("policy.refused", file=self.fields["file"], violations=lines)

    def to_json(self) -> dict:
        return {**super().to_json(),
                "violations": [{"service": v.service, "kind": v.kind, "detail": v.detail} for v in self.violations]}


def _bind_kinds(host: str) -> list[str]:
    path = posixpath.normpath(host)
    if path.startswith("//"):
        path = "/" + path.lstrip("/")  # POSIX leaves a leading // to the system; Linux reads it as /
    if path in DOCKER_SOCKETS:
        return ["docker-socket"]
    # A parent directory of the socket (/run, /var, /) hands it over as well.
    prefix = path.rstrip("/") + "/"
    if any(sock.startswith(prefix) for sock in DOCKER_SOCKETS):
        return ["host-path", "docker-socket"]
    return ["host-path"]


def unconfining(option: str) -> bool:
    """Whether a ``security_opt`` entry weakens the container's confinement.

    Only options we can vouch for pass: ``no-new-privileges``, an SELinux
    ``level`` or the standard container type, and a named AppArmor profile other
    than ``unconfined``. A seccomp profile is a host file we cannot read, so it is
    treated as unconfining too.
    """
    name, value = (re.split("[=:]", option, maxsplit=1) + [""])[:2]  # Docker takes either separator
    name, value = name.strip(), value.strip()
    if name == "no-new-privileges":
        return False
    if name == "label":
        # a type, user or role can name an unconfined domain (type:spc_t, type:unconfined_t);
        # an MCS level only separates containers further
        kind, _, rest = value.partition(":")
        return not (kind == "level" or (kind == "type" and rest in CONFINED_SELINUX_TYPES))
    if name == "apparmor":
        return value in ("", "unconfined")
    return True


def _capability(name: str) -> str:
    name = name.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


def _joins_host(services: Mapping[str, "Service"], svc: "Service", attr: str) -> bool:
    """Whether *svc* ends up in the host's namespace for *attr* ("network_mode" or "ipc"),
    directly or through a chain of ``service:NAME``."""
    seen = set()
    while True:
        mode = getattr(svc, attr) or ""
        if mode == "host":
            return True
        other = services.get(mode[len("service:"):]) if mode.startswith("service:") else None
        if other is None or other.name in seen:
            return False
        seen.add(other.name)
        svc = other


def _sysctl_namespaced(services: Mapping[str, "Service"], svc: "Service", name: str) -> bool:
    name = name.strip()
    if "/" in name.split(".", 1)[0]:
        name = name.replace("/", ".")  # sysctl(8): a name whose first separator is / uses / throughout
    if "" in re.split("[./]", name):
        return False  # net/../kernel/x, a..b: no sysctl's name, whatever it begins with
    if name in IPC_SYSCTLS or name.startswith("fs.mqueue."):
        return not _joins_host(services, svc, "ipc")
    if name.startswith("net."):
        return not _joins_host(services, svc, "network_mode")
    return False


def find_violations(services: Mapping[str, "Service"]) -> list[Violation]:
    """Every exception the services need, in service order then POLICY_KINDS order."""
    found: list[Violation] = []
    for name, svc in services.items():
        details: dict[str, list[str]] = {}

        def note(kind: str, detail: str) -> None:
            details.setdefault(kind, []).append(detail)

        if svc.privileged:
            note("privileged", "privileged: true")
        if svc.network_mode == "host":
            note("host-network", "network_mode: host")
        if svc.pid == "host":
            note("host-pid", "pid: host")
        if svc.ipc == "host":
            note("host-ipc", "ipc: host")
        for host, target, read_only in svc.binds:
            for kind in _bind_kinds(host):
                note(kind, f"{host}:{target}{':ro' if read_only else ''}")
        for device in svc.devices:
            note("devices", device)
        extra = [c for c in svc.cap_add if _capability(c) not in SAFE_CAPABILITIES]
        if extra:
            note("capabilities", "cap_add: " + ", ".join(extra))
        for option in svc.security_opt:
            if unconfining(option):
                note("security-opt", option)
        host_wide = [f"{k}={v}" for k, v in svc.sysctls.items() if not _sysctl_namespaced(services, svc, k)]
        if host_wide:
            note("sysctls", "sysctls: " + ", ".join(host_wide))
        driver = (svc.logging or {}).get("driver")
        if driver is not None and driver not in LOCAL_LOG_DRIVERS:  # no driver is json-file (ksad.deploy)
            note("log-driver", f"logging.driver: {driver}")
        for kind in POLICY_KINDS:
            if kind in details:
                found.append(Violation(name, kind, ", ".join(details[kind])))
    return found


def check_policy(services: Mapping[str, "Service"], allow: Iterable[str] = frozenset(), *,
                 file: str = "recipe") -> frozenset[str]:
    """Refuse what *allow* does not cover; return the exceptions actually used.

    Raises :class:`PolicyRefused` (a ``PolicyError``, exit 5) naming every
    violation that is not allowed.
    """
    allow = frozenset(allow)
    violations = find_violations(services)
    refused = [v for v in violations if v.kind not in allow]
    if refused:
        raise PolicyRefused(file, refused)
    return frozenset(v.kind for v in violations)


def parse_allow(values: Iterable[str], *, where: str = "--allow") -> frozenset[str]:
    """Check operator-given kinds (from ``--allow`` or a policy file) by name."""
    kinds = set()
    for value in values:
        kind = str(value).strip()
        if kind not in POLICY_KINDS:
            raise InputError("policy.unknown_kind", where=where, kind=kind, kinds=", ".join(POLICY_KINDS))
        kinds.add(kind)
    return frozenset(kinds)


def load_policy_file(path: Path) -> frozenset[str]:
    """The kinds allowed in ``$KSAD_HOME/policy.yaml``; a missing or empty file allows nothing."""
    path = Path(path)
    if not path.exists():
        return frozenset()
    from ksad import yamlio

    doc = yamlio.load(path)
    if doc.data is None:
        return frozenset()
    if not isinstance(doc.data, dict):
        raise InputError("yaml.not_mapping", file=str(path))
    for key in doc.data:
        if key != "allow":
            raise InputError("policy.file_key", file=str(path), line=doc.line_of((key,)), name=key)
    allow = doc.data.get("allow")
    if allow is None:
        return frozenset()
    if not isinstance(allow, list) or not all(isinstance(k, str) for k in allow):
        raise InputError("policy.file_allow", file=str(path), line=doc.line_of(("allow",)))
    return parse_allow(allow, where=f"{path}, line {doc.line_of(('allow',))}")
