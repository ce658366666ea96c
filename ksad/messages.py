"""Every sentence a user reads, in Bahasa Indonesia and English.

One table so that a translator (or a test) sees at once when a language is
missing a message or a placeholder. Keys are stable identifiers; the core and
the errors refer to keys, never to literal text.

Language: ``KSAD_LANG``, else ``LANG`` (``id_ID.UTF-8`` -> Indonesian), else English.
"""

from __future__ import annotations

import os
import string

LANGUAGES = ("id", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # --- generic -------------------------------------------------------
    "error.prefix": {"en": "Error", "id": "Galat"},
    "hint.prefix": {"en": "What to do", "id": "Yang perlu dilakukan"},
    "interrupted": {
        "en": "Interrupted. Nothing was left half-done.",
        "id": "Dihentikan. Tidak ada yang tertinggal setengah jalan.",
    },
    "internal": {
        "en": "Unexpected internal error: {detail}",
        "id": "Galat internal tak terduga: {detail}",
    },
    "internal.hint": {
        "en": "Details were written to {log}. Please report it with that file.",
        "id": "Rincian ditulis ke {log}. Laporkan beserta berkas tersebut.",
    },
    # --- input files ---------------------------------------------------
    "yaml.malformed": {
        "en": "{file}, line {line}: not valid YAML ({problem}).",
        "id": "{file}, baris {line}: YAML tidak sah ({problem}).",
    },
    "yaml.malformed.hint": {
        "en": "Fix the syntax at that line (indentation, a missing ':' or quote).",
        "id": "Perbaiki sintaks pada baris itu (indentasi, ':' atau tanda kutip yang hilang).",
    },
    "yaml.duplicate_key": {
        "en": "{file}, line {line}: key '{key}' appears twice.",
        "id": "{file}, baris {line}: kunci '{key}' muncul dua kali.",
    },
    "yaml.not_mapping": {
        "en": "{file}: expected a mapping (key: value) at the top level.",
        "id": "{file}: tingkat teratas harus berupa pemetaan (kunci: nilai).",
    },
    "file.unreadable": {
        "en": "{file}: cannot read ({problem}).",
        "id": "{file}: tidak dapat dibaca ({problem}).",
    },
    "file.unreadable.hint": {
        "en": "Check that the path exists and is readable.",
        "id": "Periksa bahwa path ada dan dapat dibaca.",
    },
    "validation.failed": {
        "en": "{count} problem(s) found:\n{problems}",
        "id": "Ditemukan {count} masalah:\n{problems}",
    },
    "validation.failed.hint": {
        "en": "Fix each field listed above, then run the command again.",
        "id": "Perbaiki setiap isian di atas, lalu jalankan perintah lagi.",
    },
    "validation.ok": {
        "en": "{path}: {count} file(s) checked, no problems.",
        "id": "{path}: {count} berkas diperiksa, tidak ada masalah.",
    },
    # --- versions --------------------------------------------------------
    "version.invalid": {
        "en": "'{value}' is not a valid version{where}.",
        "id": "'{value}' bukan versi yang sah{where}.",
    },
    "version.invalid.hint": {
        "en": "Use a version such as 1.2.0 (PEP 440).",
        "id": "Gunakan versi seperti 1.2.0 (PEP 440).",
    },
    "version.spec_invalid": {
        "en": "'{value}' is not a valid version range.",
        "id": "'{value}' bukan rentang versi yang sah.",
    },
    "version.spec_invalid.hint": {
        "en": "Use a range such as '>=1,<2' or '==1.1.0'.",
        "id": "Gunakan rentang seperti '>=1,<2' atau '==1.1.0'.",
    },
    "version.none_match": {
        "en": "No release of '{app}' satisfies '{spec}'. Available: {available}.",
        "id": "Tidak ada rilis '{app}' yang memenuhi '{spec}'. Tersedia: {available}.",
    },
    "version.none_match.hint": {
        "en": "Pick one of the available versions, or leave --version out for the newest.",
        "id": "Pilih salah satu versi yang tersedia, atau hilangkan --version untuk yang terbaru.",
    },
    # --- catalog -------------------------------------------------------------
    "app.unknown": {
        "en": "No app '{app}' in the catalog {catalog}.",
        "id": "Tidak ada aplikasi '{app}' di katalog {catalog}.",
    },
    "app.unknown.hint": {
        "en": "See the available apps with: ksad catalog list{suggest}",
        "id": "Lihat aplikasi yang tersedia dengan: ksad catalog list{suggest}",
    },
    "catalog.missing": {
        "en": "No catalog at {path}.",
        "id": "Tidak ada katalog di {path}.",
    },
    "catalog.missing.hint": {
        "en": "Point --catalog or KSAD_CATALOG at a catalog directory (it holds apps/).",
        "id": "Arahkan --catalog atau KSAD_CATALOG ke direktori katalog (berisi apps/).",
    },
    # --- regions ---------------------------------------------------------------
    "region.unknown": {
        "en": "Unknown region code '{code}'.",
        "id": "Kode wilayah '{code}' tidak dikenal.",
    },
    "region.unknown.hint": {
        "en": "Find the Kemendagri code with: ksad region search NAME (e.g. 52.04 for Kabupaten Sumbawa).",
        "id": "Cari kode Kemendagri dengan: ksad region search NAMA (mis. 52.04 untuk Kabupaten Sumbawa).",
    },
    "region.none_found": {
        "en": "No region matches '{text}'.",
        "id": "Tidak ada wilayah yang cocok dengan '{text}'.",
    },
    "region.none_found.hint": {
        "en": "Search part of the name without 'Kabupaten' or 'Kota' (e.g. sumbawa), or the start of a code (e.g. 52).",
        "id": "Cari sebagian nama tanpa 'Kabupaten' atau 'Kota' (mis. sumbawa), atau awal kode (mis. 52).",
    },
    "region.data_invalid": {
        "en": "{file}: region data is malformed ({problem}).",
        "id": "{file}: data wilayah rusak ({problem}).",
    },
    "region.data_invalid.hint": {
        "en": "Regenerate it with scripts/build_regions.py, or remove it to use the bundled regions.json.",
        "id": "Buat ulang dengan scripts/build_regions.py, atau hapus agar regions.json bawaan dipakai.",
    },
    "region.found": {
        "en": "{count} region(s) match '{text}'",
        "id": "{count} wilayah cocok dengan '{text}'",
    },
    "region.col.code": {"en": "Code", "id": "Kode"},
    "region.col.name": {"en": "Name", "id": "Nama"},
    "region.col.type": {"en": "Type", "id": "Jenis"},
    "region.col.province": {"en": "Province", "id": "Provinsi"},
    "region.col.where": {"en": "Province, time zone", "id": "Provinsi, zona waktu"},
    "region.col.timezone": {"en": "Time zone", "id": "Zona waktu"},
    "region.col.head": {"en": "Head of region", "id": "Kepala daerah"},
    "region.type.kab": {"en": "regency", "id": "kabupaten"},
    "region.type.kota": {"en": "city", "id": "kota"},
    "region.type.prov": {"en": "province", "id": "provinsi"},
}


def current_language() -> str:
    for var in ("KSAD_LANG", "LANG"):
        value = os.environ.get(var, "").strip().lower()
        if not value:
            continue
        if value.startswith(("id", "in_", "ind")):
            return "id"
        if var == "KSAD_LANG" or value.startswith("en"):
            return "en"
    return "en"


def t(key: str, **fields: object) -> str:
    """The message *key* in the user's language, with *fields* filled in."""
    entry = MESSAGES[key]
    return entry.get(current_language(), entry["en"]).format(**fields)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
