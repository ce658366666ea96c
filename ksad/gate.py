"""The install gate: a catalog is trusted, its entry is the publisher's, and an MoU grants it here.

Checked offline, before anything on the target changes, by install, upgrade,
rollback and restore alike: the signed snapshot (rollback and freeze protection,
every catalog file's hash), the publisher's signature on the app entry, and a
valid, countersigned, unrevoked MoU that grants this app at this version from
its publisher to the region of the identity pack.
"""

from __future__ import annotations

from dataclasses import dataclass

from ksad.errors import TrustError


@dataclass(frozen=True)
class Clearance:
    mou_id: str
    mou_demo: bool
    publisher_key: str
    snapshot_version: int
    snapshot_expires: float = 0.0  # POSIX time: no verdict of this gate holds past it

    def to_json(self) -> dict:
        return {"mou": self.mou_id, "demo": self.mou_demo, "publisher_key": self.publisher_key,
                "snapshot_version": self.snapshot_version, "snapshot_expires": self.snapshot_expires}


class Gate:
    """Verifies the catalog once per command; then answers per (app, version)."""

    def __init__(self, settings, *, record: bool = True) -> None:
        from ksad.trust import trust_state_dir, verify_snapshot

        self.settings = settings
        self.snapshot = verify_snapshot(settings.catalog, trust_state_dir(settings), record=record)

    def clear(self, app, version: str, region: str) -> Clearance:
        from ksad.mou import find_grant
        from ksad.trust import verify_app_entry

        entry = app.data
        pinned = self.snapshot.files.get(f"apps/{app.file.name}")
        if pinned is not None and app.data_sha256 != pinned:
            # the entry came from a parse kept in the cache, or the file changed since the check:
            # its signature may hold, but the snapshot chose other bytes (an older release list)
            raise TrustError("trust.app.not_snapshot", app=app.id, file=str(app.file))
        key = verify_app_entry(entry, self.snapshot.keyring)
        if entry["id"] != app.id:  # the index's copy (cache, index.json) named another app than the signed entry
            raise TrustError("trust.app.index_mismatch", app=app.id, file=str(app.file), id=entry["id"])
        # the publisher and versions come from the signed entry, never from the index's copies
        grant = find_grant(self.settings.catalog, self.snapshot.keyring, publisher=str(entry["publisher"]["code"]),
                           partner=region, app=entry["id"], version=version)
        return Clearance(grant.id, grant.demo, key.keyid, self.snapshot.version, self.snapshot.expires.timestamp())

    def newest_allowed(self, app, region: str, spec: str | None) -> str:
        """The newest release matching *spec* that an MoU grants here; the newest's refusal otherwise."""
        first_error: TrustError | None = None
        candidates = [app.resolve(spec).version] if spec and spec.startswith("==") else app.signed_versions
        for version in candidates:
            if spec and not _matches(version, spec):
                continue
            try:
                self.clear(app, version, region)
                return version
            except TrustError as exc:
                first_error = first_error or exc
        if first_error is not None:
            raise first_error
        return app.resolve(spec).version


def _matches(version: str, spec: str) -> bool:
    from ksad.versions import parse_spec, parse_version

    return parse_spec(spec).contains(parse_version(version), prereleases=True)
