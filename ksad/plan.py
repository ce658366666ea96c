"""What an install will do and what it did: plain records the CLI renders.

Kept apart from :mod:`ksad.deploy` so that a re-run answered from its receipt
(:mod:`ksad.receipt`) builds its result without importing the deploy machinery.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Action:
    # build | pull | create-network | create-volume | snapshot | restore-data | create | recreate | keep | remove
    # | remove-volume | remove-snapshot | remove-record. snapshot: subject the snapshot volume, detail the data
    # volume copied into it; restore-data: subject the live data volume, detail the snapshot whose content
    # replaces its own; the last three are an uninstall --purge's
    kind: str
    subject: str
    detail: str = ""

    def to_json(self) -> dict:
        return {"action": self.kind, "subject": self.subject, "detail": self.detail}


@dataclass
class Plan:
    app: str
    version: str
    name: str
    slug: str
    target: str
    url: str | None
    revision: int
    actions: list[Action] = field(default_factory=list)
    clearance: dict = field(default_factory=dict)  # which MoU grants it, who published it

    @property
    def changes(self) -> bool:
        return any(a.kind != "keep" for a in self.actions)

    def to_json(self) -> dict:
        return {"app": self.app, "version": self.version, "name": self.name, "slug": self.slug,
                "target": self.target, "url": self.url, "revision": self.revision, "changes": self.changes,
                "mou": self.clearance.get("mou"), "demo": self.clearance.get("demo"),
                "actions": [a.to_json() for a in self.actions]}


@dataclass
class InstallResult:
    plan: Plan
    applied: bool
    seconds: float

    def to_json(self) -> dict:
        return {**self.plan.to_json(), "applied": self.applied, "seconds": round(self.seconds, 3)}


@dataclass
class InstallRequest:
    app_id: str
    version: str | None = None
    name: str | None = None
    meaning: str | None = None
    name_language: str | None = None
    sets: dict[str, str] = field(default_factory=dict)
    # secrets the operator gives (--secret), or a restore's from its archive; never shown (repr=False)
    secrets: dict[str, str] = field(default_factory=dict, repr=False)
    target: str | None = None
    timeout: float = 120.0
    dry_run: bool = False
    force: bool = False  # replace every container even if unchanged (rollback, restore)
    data_from: int | None = None  # a rollback: the revision whose data snapshot replaces the live data
    kind: str = "install"  # install | upgrade | rollback | restore: what the caller is doing
