"""One place that decides where things live, so tests can redirect all of it.

Precedence for each setting: command-line flag > environment variable > default.

- ``KSAD_HOME``: identity pack, target inventory, secrets, local state and logs.
  Default ``$XDG_DATA_HOME/ksad`` (``~/.local/share/ksad``).
- ``KSAD_CATALOG``: the catalog directory. Default: the catalog bundled in this
  repository (``catalog/`` beside the ``ksad`` package).
- ``KSAD_TARGET``: the target name or URL. Default: the local engine
  (``DOCKER_HOST`` if set, else the local socket).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

BUNDLED_CATALOG = Path(__file__).resolve().parent.parent / "catalog"


def _default_home() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "ksad"


@dataclass(frozen=True, kw_only=True)
class Settings:
    home: Path
    catalog: Path
    target: str | None = None
    allow: frozenset[str] = frozenset()  # security-policy exceptions the operator granted

    @classmethod
    def from_env(cls, *, home: str | Path | None = None, catalog: str | Path | None = None,
                 target: str | None = None, allow: frozenset[str] = frozenset()) -> "Settings":
        home = Path(home or os.environ.get("KSAD_HOME") or _default_home()).expanduser()
        catalog = Path(catalog or os.environ.get("KSAD_CATALOG") or BUNDLED_CATALOG).expanduser()
        return cls(home=home.absolute(), catalog=catalog.absolute(),
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
    def log_file(self) -> Path:
        return self.home / "logs" / "ksad-debug.log"

    def ensure_home(self) -> None:
        from ksad.fsutil import writing  # lazily: settings is imported by every command

        with writing(self.home):
            self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
