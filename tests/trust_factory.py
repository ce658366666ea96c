"""Build real signed catalogs in tmp_path: keys on disk, a root-signed keyring, signed
app entries and MoUs, and a signed snapshot, all made with ksad's own functions."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ksad import yamlio
from ksad.trust import (KEYRING_FILE, PublicKeyInfo, SigningKey, generate_key, load_private_key, make_signature,
                        sign_document, sign_snapshot)

# Windows are relative to today so that the same catalog works in-process and through
# a `python -m ksad` subprocess, which cannot be handed a fixed clock.
NOW = datetime.now(timezone.utc)
TODAY = NOW.astimezone().date()
KEY_FROM, KEY_UNTIL = TODAY - timedelta(days=365), TODAY + timedelta(days=3 * 365)
LAST_MONTH = (TODAY - timedelta(days=30)).isoformat()
NEXT_MONTH = (TODAY + timedelta(days=30)).isoformat()

# name -> (region, signer, roles, overrides of the keyring entry)
KEYS = {
    "bandung": ("32.73", "Kepala Diskominfo Kota Bandung", ["region"], {}),
    "bandung2": ("32.73", "Sekretaris Diskominfo Kota Bandung", ["region"], {}),
    "tangerang": ("36.71", "Kepala Diskominfo Kota Tangerang", ["region"], {}),
    "sumbawa": ("52.04", "Kepala Diskominfo Kabupaten Sumbawa", ["region"], {}),
    "palopo": ("73.73", "Kepala Diskominfo Kota Palopo", ["region"], {}),
    "maintainer": ("32.73", "Pengelola Katalog KSAD", ["snapshot"], {}),
    "revoked": ("32.73", "Mantan Kepala Diskominfo Kota Bandung", ["region"], {"revoked": LAST_MONTH}),
    "expired": ("52.04", "Mantan Kepala Diskominfo Kabupaten Sumbawa", ["region"], {"valid_until": LAST_MONTH}),
    "stranger": ("52.04", "Orang Asing", ["region"], None),  # None: never put in the keyring
}


class World:
    """One catalog (``root``) with keys in ``keydir``."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.root = base / "catalog"
        self.keydir = base / "keys"
        (self.root / "apps").mkdir(parents=True)
        (self.root / "mous").mkdir()
        self.infos: dict[str, PublicKeyInfo] = {}
        self.files: dict[str, Path] = {}
        for name, (region, signer, _roles, _extra) in KEYS.items():
            self._make(name, region, signer)
        for i in range(3):
            self._make(f"root{i}", "", f"Root {i}")
        self.write_keyring()

    def _make(self, name: str, region: str, signer: str) -> None:
        path = self.keydir / f"{name}.key"
        self.infos[name] = generate_key(path, region=region, signer=signer, position="Kepala Dinas")
        self.files[name] = path

    def key(self, name: str) -> SigningKey:
        return load_private_key(self.files[name])

    # --- keyring -------------------------------------------------------------------------
    def keyring_doc(self, version: int = 1, *, expires: str = KEY_UNTIL.isoformat(), roots=("root0", "root1", "root2"),
                    overrides: dict | None = None) -> dict:
        entries = []
        for name, (_region, _signer, roles, extra) in KEYS.items():
            if extra is None:
                continue
            entry = self.infos[name].keyring_entry(valid_from=KEY_FROM, valid_until=KEY_UNTIL, roles=roles)
            entry.update(extra)
            entry.update((overrides or {}).get(name, {}))
            entries.append(entry)
        return {"version": version, "expires": expires, "threshold": 2,
                "roots": [{"keyid": self.infos[r].keyid, "public": self.infos[r].public, "name": f"Root {r}"}
                          for r in roots],
                "keys": entries}

    def write_keyring(self, version: int = 1, *, signers=("root0", "root1"), doc: dict | None = None,
                      path: Path | None = None, **kw) -> Path:
        doc = doc or self.keyring_doc(version, **kw)
        doc["signatures"] = [make_signature(doc, "keyring", self.key(r), "root") for r in signers]
        path = path or self.root / KEYRING_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yamlio.dump(doc), encoding="utf-8")
        return path

    # --- documents ----------------------------------------------------------------------
    def write_app(self, app_id: str = "e-budgeting", publisher: str = "32.73", signer: str | None = "bandung") -> Path:
        path = self.root / "apps" / f"{app_id}.yaml"
        path.write_text(
            f"# {app_id}: a test entry; comments must survive signing.\n"
            f"id: {app_id}\n"
            f"name: {{id: \"{app_id}\", en: \"{app_id}\"}}\n"
            "description: {id: {short: Aplikasi uji.}, en: {short: A test app.}}\n"
            f"publisher: {{code: \"{publisher}\", name: Pemerintah Kota Test}}\n"
            "category: layanan-publik\n"
            "license: MIT\n"
            "releases:\n"
            "  - version: 1.0.0\n"
            "    date: 2026-01-15\n"
            f"    recipe: {{path: recipes/{app_id}/1.0.0, sha256: {'a' * 64}}}\n"
            "    resources: {memory_mb: 64, cpus: 0.25}\n", encoding="utf-8")
        if signer:
            sign_document(path, self.key(signer), "publisher")
        return path

    def mou_doc(self, mou_id: str = "3273-5204-119-2026", *, pioneer: str = "32.73", partner: str = "52.04",
                apps=(("e-budgeting", ">=1,<2"),), valid_from: str = KEY_FROM.isoformat(),
                valid_until: str = KEY_UNTIL.isoformat()) -> dict:
        return {"id": mou_id,
                "pioneer": {"code": pioneer, "office": f"Diskominfo {pioneer}", "number": "119/2026"},
                "partner": {"code": partner, "office": f"Diskominfo {partner}", "number": "45/2026"},
                "document_sha256": "ab" * 32, "valid_from": valid_from, "valid_until": valid_until,
                "apps": [{"app": a, "versions": v} for a, v in apps],
                "terms": {"grant": True, "training": "2 days", "support_contact": "helpdesk@bandung.example"}}

    def write_mou(self, doc: dict | None = None, *, signers=(("bandung", "pioneer"), ("sumbawa", "partner")),
                  where: Path | None = None) -> Path:
        doc = doc or self.mou_doc()
        doc["signatures"] = [make_signature(doc, "mou", self.key(k), side, KEYS[k][1]) for k, side in signers]
        path = where or self.root / "mous" / f"{doc['id']}.yaml"
        path.write_text(yamlio.dump(doc), encoding="utf-8")
        return path

    def snapshot(self, *, version: int | None = None, expires: datetime | None = None,
                 signers=("maintainer",)) -> Path:
        return sign_snapshot(self.root, [self.key(s) for s in signers], version=version, expires=expires, now=NOW)


def flip_byte(path: Path, old: str, new: str) -> None:
    """Change one value in a file, the way a tamperer would (text replace, count 1)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
