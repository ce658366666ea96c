"""The one error hierarchy.

Every failure a user can act on is a ``KsadError`` subclass. The class fixes
the exit code (documented in the README); the instance carries the message key
and the fields to fill it, so the text lives in :mod:`ksad.messages` in both
languages. Third-party exceptions are translated into these at the single
module that imports the library (``yamlio``, ``engine``, ``trust`` ...).
"""

from __future__ import annotations

from ksad.messages import MESSAGES, t

# Exit codes: keep README.md "Exit codes" in step with this table.
EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_NOT_FOUND = 4
EXIT_POLICY = 5
EXIT_TRUST = 6
EXIT_TARGET = 7
EXIT_DEPLOY = 8
EXIT_CONFLICT = 9
EXIT_INTERRUPTED = 130


class KsadError(Exception):
    """Base: stop and tell the user. Subclasses set ``exit_code``."""

    exit_code = EXIT_INTERNAL

    def __init__(self, key: str, hint: str | None = None, /, **fields: object) -> None:
        self.key = key
        # By convention the hint of "x.y" is "x.y.hint" when it exists.
        self.hint_key = hint if hint is not None else (f"{key}.hint" if f"{key}.hint" in MESSAGES else None)
        self.fields = fields
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return t(self.key, **self.fields)

    @property
    def hint(self) -> str | None:
        return t(self.hint_key, **self.fields) if self.hint_key else None

    def to_json(self) -> dict:
        return {"error": type(self).__name__, "code": self.key, "exit_code": self.exit_code,
                "message": self.message, "hint": self.hint}


class InputError(KsadError, ValueError):
    """A file or an argument the user gave is malformed or invalid."""

    exit_code = EXIT_INPUT


class WriteError(InputError, OSError):
    """A file or directory ksad must write (its own under KSAD_HOME, or an output the user named)
    cannot be written: a read-only or full file system, no permission, no such directory.

    Still an ``OSError`` carrying the OS's ``errno`` and ``strerror``, so the code that treats a
    write as optional (a cache in a read-only home) keeps ignoring it, and code that names the
    file itself can reuse the OS's reason.
    """

    def __init__(self, key: str, hint: str | None = None, /, *, os_error: OSError, **fields: object) -> None:
        super().__init__(key, hint, problem=os_error.strerror or str(os_error), **fields)
        self.errno, self.strerror = os_error.errno, os_error.strerror

    def __str__(self) -> str:
        return self.message  # OSError's own would be "[Errno n] reason", without the file


class NotFoundError(KsadError, LookupError):
    """An app, release, region, target or installation does not exist."""

    exit_code = EXIT_NOT_FOUND


class PolicyError(KsadError):
    """The security policy refuses what a recipe asks for."""

    exit_code = EXIT_POLICY


class TrustError(KsadError):
    """A signature, digest, MoU or snapshot check failed."""

    exit_code = EXIT_TRUST


class TargetError(KsadError, ConnectionError):
    """The target (Docker engine, SSH host) cannot be reached or refused us."""

    exit_code = EXIT_TARGET


class DeployError(KsadError):
    """Deploying failed (build, pull, start, health); what was changed was undone."""

    exit_code = EXIT_DEPLOY


class ConflictError(KsadError):
    """The request conflicts with what exists (a name in use, a lock held)."""

    exit_code = EXIT_CONFLICT
