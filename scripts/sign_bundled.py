"""Sign the bundled catalog with DEMO keys: keyring, app entries, demo MoUs, snapshot.

Run it after ``scripts/pin_bundled.py`` (which rewrites the entries' pins, and so
voids their signatures)::

    .venv/bin/python scripts/sign_bundled.py [--catalog catalog]

It writes ``keys/keyring.yaml`` (public keys only, every one marked ``demo: true``),
adds the publisher's signature to each ``apps/*.yaml``, writes one demo MoU per
(publisher, partner) pair granting that publisher's apps ``>=1,<2`` to Kabupaten
Sumbawa (52.04) and Kota Palopo (73.73), valid 2026-01-01 .. 2030-12-31, signed by
both sides, and finally signs ``snapshot.json`` with a version one above the last.

Why the demo keys are derived, not random: each private key is computed from a
fixed seed (sha256 of ``ksad-demo-key-v1:<name>``) in memory and never written
anywhere. A fresh random key set on every run would change the root keys, and
every client that had trusted the bundled catalog would then (rightly) refuse it
as a keyring not signed by the roots it knows. With derived keys a re-run yields
the same keyring and only raises the snapshot version. The price, stated plainly:
anyone can recompute these keys, so the bundled catalog's signatures prove
nothing. That is why every key is marked demo and ksad says DEMO wherever they
sign; a real catalog is signed with keys made by ``ksad key generate``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ksad import yamlio  # noqa: E402
from ksad.catalog import write_index  # noqa: E402
from ksad.mou import draft_mou, sign_mou  # noqa: E402
from ksad.region import load_regions  # noqa: E402
from ksad.trust import (KEYRING_FILE, SigningKey, content_sha256, load_keyring, make_signature,  # noqa: E402
                        sign_document, sign_snapshot)

VALID_FROM, VALID_UNTIL = date(2026, 1, 1), date(2030, 12, 31)
SNAPSHOT_EXPIRES = datetime(2030, 12, 31, tzinfo=timezone.utc)
PARTNERS = ("52.04", "73.73")
THRESHOLD = 2
ROOTS = ("root-1", "root-2", "root-3")
# Region keys: code -> signer. The publishers' codes come from the app entries.
SIGNERS = {
    "32.73": "Kepala Diskominfo Kota Bandung (DEMO)",
    "36.71": "Kepala Diskominfo Kota Tangerang (DEMO)",
    "52.04": "Kepala Diskominfo Kabupaten Sumbawa (DEMO)",
    "73.73": "Kepala Diskominfo Kota Palopo (DEMO)",
}
MAINTAINER = "Pengelola katalog bawaan ksad (DEMO)"
DEMO_DOCUMENT = b"DEMO: no legally signed MoU document exists behind this bundled demo manifest.\n"
HEADER = ("# DEMO keyring of the bundled catalog, written by scripts/sign_bundled.py.\n"
          "# Its private keys are derived from public seeds: these signatures prove nothing.\n")


def demo_key(name: str) -> SigningKey:
    return SigningKey.from_seed(hashlib.sha256(f"ksad-demo-key-v1:{name}".encode()).digest())


def key_entry(key: SigningKey, signer: str, region: str | None, roles: list[str]) -> dict:
    entry = {"keyid": key.keyid, "public": key.public}
    if region:
        entry["region"] = region
    entry.update({"signer": signer, "position": "Kepala Dinas" if region else "Pengelola katalog",
                  "valid_from": VALID_FROM.isoformat(), "valid_until": VALID_UNTIL.isoformat(),
                  "revoked": False, "demo": True, "roles": roles})
    return entry


def write_keyring(catalog: Path) -> None:
    path = catalog / KEYRING_FILE
    roots = [demo_key(r) for r in ROOTS]
    doc = {"version": 1, "expires": VALID_UNTIL.isoformat(), "threshold": THRESHOLD, "snapshot_threshold": 1,
           "roots": [{"keyid": k.keyid, "public": k.public, "name": f"ksad demo {n} (DEMO)", "demo": True}
                     for k, n in zip(roots, ROOTS)],
           "keys": [key_entry(demo_key(code), signer, code, ["region"]) for code, signer in SIGNERS.items()]
           + [key_entry(demo_key("snapshot"), MAINTAINER, None, ["snapshot"])]}
    if path.exists():
        old = yamlio.load_mapping(path, with_lines=False).data
        same = content_sha256({**old, "version": 1}) == content_sha256(doc)
        doc["version"] = old["version"] if same else old["version"] + 1
    doc["signatures"] = [make_signature(doc, "keyring", k, "root", f"ksad demo {n}")
                         for k, n in zip(roots[:THRESHOLD], ROOTS)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + yamlio.dump(doc), encoding="utf-8")


def sign_apps(catalog: Path) -> dict[str, list[str]]:
    """Sign each entry with its publisher's key; return publisher code -> app ids."""
    by_publisher: dict[str, list[str]] = {}
    for path in sorted((catalog / "apps").glob("*.yaml")):
        data = yamlio.load_mapping(path, with_lines=False).data
        code = data["publisher"]["code"]
        if code not in SIGNERS:
            sys.exit(f"{path}: publisher {code} has no demo key; add it to SIGNERS in {__file__}")
        sign_document(path, demo_key(code), "publisher", signer=SIGNERS[code])
        by_publisher.setdefault(code, []).append(data["id"])
    return by_publisher


def write_mous(catalog: Path, by_publisher: dict[str, list[str]]) -> list[Path]:
    regions = load_regions(catalog / "regions.json")
    keyring = load_keyring(catalog / KEYRING_FILE)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        document = Path(tmp) / "demo-mou.txt"
        document.write_bytes(DEMO_DOCUMENT)
        for publisher, apps in sorted(by_publisher.items()):
            for partner in PARTNERS:
                mou_id = f"{publisher.replace('.', '')}-{partner.replace('.', '')}-demo"
                data = draft_mou(regions=regions, pioneer=publisher, partner=partner,
                                 apps=[f"{a}>=1,<2" for a in apps], valid_from=VALID_FROM, valid_until=VALID_UNTIL,
                                 pioneer_number=f"DEMO/{publisher}/2026", partner_number=f"DEMO/{partner}/2026",
                                 document=document, training="Pelatihan operator (DEMO)",
                                 support=f"Diskominfo {regions.get(publisher).name} (DEMO)", mou_id=mou_id)
                data["demo"] = True
                data["terms"]["notes"] = "DEMO manifest of the bundled catalog: no legal agreement behind it."
                path = catalog / "mous" / f"{mou_id}.yaml"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("# DEMO MoU written by scripts/sign_bundled.py; it grants nothing real.\n"
                                + yamlio.dump(data), encoding="utf-8")
                sign_mou(path, demo_key(publisher), keyring)
                sign_mou(path, demo_key(partner), keyring)
                written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, default=REPO / "catalog")
    args = parser.parse_args(argv)
    catalog = args.catalog.resolve()
    write_keyring(catalog)
    by_publisher = sign_apps(catalog)
    mous = write_mous(catalog, by_publisher)
    write_index(catalog)  # covered by the snapshot, so written before it is signed
    snapshot = sign_snapshot(catalog, [demo_key("snapshot")], expires=SNAPSHOT_EXPIRES)
    print(f"signed {sum(map(len, by_publisher.values()))} app entries, {len(mous)} demo MoUs; {snapshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
