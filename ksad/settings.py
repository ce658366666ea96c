"""One place that decides where things live, so tests can redirect all of it.

Precedence for each setting: command-line flag > environment variable > default.

- ``KSAD_HOME``: identity pack, target inventory, secrets, local state and logs.
  Default ``$XDG_DATA_HOME/ksad`` (``~/.local/share/ksad``).
- ``KSAD_CATALOG``: the catalog directory. Else the remote catalog chosen with
  ``ksad catalog use NAME`` (``$KSAD_HOME/catalogs/remotes.json``, see :mod:`ksad.remote`).
  Else the catalog bundled with ksad (``catalog/`` of this repository, which an installed
  package carries as ``ksad/_bundle/catalog``).
- ``KSAD_TARGET``: the target name or URL. Default: the local engine
  (``DOCKER_HOST`` if set, else the local socket).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# catalog/ of the repository, through the package's link to it; in an installed package, a copy
BUNDLED_CATALOG = (Path(__file__).parent / "_bundle" / "catalog").resolve()
CATALOGS_DIR = "catalogs"
REMOTES_FILE = "remotes.json"


def _default_home() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "ksad"


def _catalog_in_use(home: Path, strict: bool) -> Path | None:
    """The catalog directory of the remote ``ksad catalog use`` chose, or None (the bundled one).

    Read here, without ksad.remote: every command resolves its catalog, and this is one small
    JSON file (absent for most users). The name and path were checked when they were written.
    """
    import json

    file = home / CATALOGS_DIR / REMOTES_FILE
    try:
        data = json.loads(file.read_bytes())
        name = data.get("use")
        if name is None:
            return None
        sub = data["remotes"][name].get("path") or "."
        if (not isinstance(name, str) or not isinstance(sub, str) or not name or name.startswith(".") or "/" in name
                or sub.startswith("/") or ".." in sub.split("/")):
            raise ValueError("the catalog in use is not a name from this file")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        if not strict:
            return None
        from ksad.errors import InputError

        problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError("remote.registry_invalid", file=str(file), problem=problem) from None
    return home / CATALOGS_DIR / name / sub


@dataclass(frozen=True, kw_only=True)
class Settings:
    home: Path
    catalog: Path
    target: str | None = None
    allow: frozenset[str] = frozenset()  # security-policy exceptions the operator granted

    @classmethod
    def from_env(cls, *, home: str | Path | None = None, catalog: str | Path | None = None,
                 target: str | None = None, allow: frozenset[str] = frozenset(),
                 strict: bool = False) -> "Settings":
        """*strict*: a damaged ``remotes.json`` is an error (the command line asks so); otherwise it is
        passed over, for the callers that only want a path under ``KSAD_HOME`` (caches, logs)."""
        home = Path(home or os.environ.get("KSAD_HOME") or _default_home()).expanduser().absolute()
        catalog = catalog or os.environ.get("KSAD_CATALOG") or _catalog_in_use(home, strict) or BUNDLED_CATALOG
        return cls(home=home, catalog=Path(catalog).expanduser().absolute(),
                   target=target or os.environ.get("KSAD_TARGET") or None, allow=allow)

    # --- paths under KSAD_HOME -------------------------------------------------
    @property
    def identity_file(self) -> Path:
        return self.home / "identity.yaml"

    @property
    def inventory_file(self) -> Path:
        return self.home / "targets.yaml"

    @property
    def policy_file(self) -> Path:
        return self.home / "policy.yaml"

    @property
    def secrets_dir(self) -> Path:
        return self.home / "secrets"

    @property
    def state_dir(self) -> Path:
        return self.home / "state"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def backups_dir(self) -> Path:
        """Where ``ksad backup`` writes when no --output is given (owner-only: archives hold secrets)."""
        return self.home / "backups"

    @property
    def catalogs_dir(self) -> Path:
        """Remote catalogs cloned by ``ksad catalog add``, one directory per name."""
        return self.home / CATALOGS_DIR

    @property
    def remotes_file(self) -> Path:
        return self.home / CATALOGS_DIR / REMOTES_FILE

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "ksad-debug.log"

    def ensure_home(self) -> None:
        from ksad.fsutil import writing  # lazily: settings is imported by every command

        with writing(self.home):
            self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
