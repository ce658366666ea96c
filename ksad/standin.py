"""The base image that the bundled stand-in apps are built FROM.

The bundled catalog's apps are stand-ins: small busybox web services that show
how ksad localises an app, without the real pioneer-city code. They must build
with no registry and no internet, so their base is made here, from the host's
statically linked busybox, and imported into the engine as
``ksad/standin-base:1``. A dynamic busybox would fail inside the image (no
loader, no libc there), so it is refused up front with a hint.

The docker SDK client is passed in; nothing from ``docker`` is imported at
module level so that ``ksad --help`` stays fast.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import tarfile
from pathlib import Path

from ksad.errors import DeployError

BASE_REPOSITORY = "ksad/standin-base"
BASE_TAG = "1"
BASE_IMAGE = f"{BASE_REPOSITORY}:{BASE_TAG}"
BASE_LABEL = "id.ksad.standin-base"

# The applets the stand-in scripts, healthchecks and an operator's
# `docker exec ... sh` need; everything else stays reachable as `busybox X`.
APPLETS = (
    "sh", "ash", "httpd", "wget", "cat", "echo", "sed", "mkdir", "ls", "date",
    "sleep", "cp", "mv", "rm", "tr", "grep", "awk", "env", "printf", "test", "[",
    "[[", "id", "chmod", "chown", "head", "tail", "wc", "cut", "sort", "uniq",
    "touch", "basename", "dirname", "expr", "true", "false", "ps", "kill",
    "hostname", "sha256sum", "tee", "xargs", "find", "stat", "nc", "vi", "less",
    "timeout", "seq", "usleep",
)

_PT_INTERP = 3
_FIXED_MTIME = 1_700_000_000  # a constant mtime keeps the rootfs tar reproducible


def ensure_base_image(client) -> str:
    """Return the id of the stand-in base image, importing it first if missing.

    When it already exists this is one inspect call, so callers can invoke it
    before every stand-in build.
    """
    import docker.errors

    try:
        return client.api.inspect_image(BASE_IMAGE)["Id"]
    except docker.errors.ImageNotFound:
        pass
    except docker.errors.DockerException as exc:
        raise DeployError("standin.base_failed", image=BASE_IMAGE, problem=_explain(exc)) from exc

    rootfs = base_rootfs_tar(find_static_busybox())
    changes = [
        'ENV PATH=/bin',
        'CMD ["/bin/sh"]',
        f'LABEL {BASE_LABEL}="{BASE_TAG}"',
    ]
    try:
        client.api.import_image_from_data(rootfs, repository=BASE_REPOSITORY, tag=BASE_TAG, changes=changes)
        return client.api.inspect_image(BASE_IMAGE)["Id"]
    except docker.errors.DockerException as exc:
        raise DeployError("standin.base_failed", image=BASE_IMAGE, problem=_explain(exc)) from exc


def find_static_busybox() -> Path:
    """The host's busybox, if it is a statically linked ELF; else DeployError."""
    candidates = [shutil.which("busybox"), "/bin/busybox", "/usr/bin/busybox"]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate):
            path = Path(candidate).resolve()
            if not is_static_elf(path):
                raise DeployError("standin.busybox_dynamic", path=str(path))
            return path
    raise DeployError("standin.busybox_missing")


def is_static_elf(path: Path) -> bool:
    """True when *path* is an ELF executable with no program interpreter.

    A PT_INTERP header names the dynamic loader (ld-linux...); a static
    executable has none and runs in an empty root file system.
    """
    with open(path, "rb") as fh:
        header = fh.read(64)
        if len(header) < 52 or header[:4] != b"\x7fELF":
            return False
        is64 = header[4] == 2
        endian = "<" if header[5] == 1 else ">"
        if is64:
            phoff, = struct.unpack_from(endian + "Q", header, 32)
            phentsize, phnum = struct.unpack_from(endian + "HH", header, 54)
        else:
            phoff, = struct.unpack_from(endian + "I", header, 28)
            phentsize, phnum = struct.unpack_from(endian + "HH", header, 42)
        for index in range(phnum):
            fh.seek(phoff + index * phentsize)
            entry = fh.read(4)
            if len(entry) < 4:
                return False
            p_type, = struct.unpack(endian + "I", entry)
            if p_type == _PT_INTERP:
                return False
    return True


def base_rootfs_tar(busybox: Path) -> bytes:
    """An uncompressed tar of the base root file system, built in memory."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for directory, mode in (("bin", 0o755), ("etc", 0o755), ("tmp", 0o1777), ("www", 0o755),
                                ("data", 0o755), ("root", 0o700), ("var", 0o755), ("var/run", 0o755)):
            _add(tar, directory, tarfile.DIRTYPE, mode)
        with open(busybox, "rb") as fh:
            content = fh.read()
        _add(tar, "bin/busybox", tarfile.REGTYPE, 0o755, content)
        for applet in APPLETS:
            _add(tar, f"bin/{applet}", tarfile.SYMTYPE, 0o777, link="busybox")
        _add(tar, "etc/passwd", tarfile.REGTYPE, 0o644,
             b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
        _add(tar, "etc/group", tarfile.REGTYPE, 0o644, b"root:x:0:\nnogroup:x:65534:\nnobody:x:65534:\n")
        _add(tar, "etc/hosts", tarfile.REGTYPE, 0o644, b"127.0.0.1 localhost\n")
    return buffer.getvalue()


def _add(tar: tarfile.TarFile, name: str, kind: bytes, mode: int, content: bytes = b"", link: str = "") -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.mtime = _FIXED_MTIME
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    if kind == tarfile.SYMTYPE:
        info.linkname = link
        tar.addfile(info)
    elif kind == tarfile.REGTYPE:
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    else:
        tar.addfile(info)


_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)", re.IGNORECASE | re.MULTILINE)


def is_standin_dockerfile(context: Path, dockerfile: str = "Dockerfile") -> bool:
    """True when the build at *context* starts FROM the stand-in base image.

    The deploy engine asks this before a build, so the base is only made when
    a recipe actually needs it.
    """
    path = Path(context) / dockerfile
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return any(image == BASE_IMAGE for image in _FROM.findall(text))


def _explain(exc: Exception) -> str:
    explanation = getattr(exc, "explanation", None)
    return str(explanation or exc)
