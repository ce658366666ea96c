"""Generate ksad catalogs for the benchmarks.

    python bench/gen_catalog.py OUT [--apps 165] [--releases 60]

Two kinds:

- ``write_refapp_catalog``: one app, the reference app (bench/refapp/compose.yaml),
  with correct pins, for the deploy benchmark.
- ``write_scale_catalog``: N apps x M releases laid out like the bundled catalog
  (``OUT/catalog``: catalog.yaml, apps/, regions.json; ``OUT/src``: recipes), for
  the scale benchmark. 165 x 60 = 9,900 releases is "national scale". Every
  release has its own recipe directory (``src/recipes/<app>/<version>``, the
  reference app's recipe with one comment line naming the release, so each pins
  a different sha256), as a real catalog lays them out; all of them build the
  two shared stand-in contexts. `catalog validate` hashes and loads all of them;
  list, search, show and the MoU commands never read recipe trees. Each entry is
  signed by its publisher's key, so a clean catalog validates clean.

With ``mous=True`` (when ksad has MoU support, ksad/mou.py) the scale catalog
also gets ``keys/keyring.yaml`` and one MoU per region: each of the 514
kabupaten/kota is the partner of one pioneer city (round robin over eleven
pioneers, which publish the apps), granting that pioneer's apps, signed by
both sides. The keys are derived from a public seed, like the bundled demo
keys (scripts/sign_bundled.py): they prove nothing and only exist to be
measured.

The YAML is written as text, in the bundled entries' style (block mappings with
flow-style leaves), because yaml.dump of 10,000 releases would dominate the run.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ksad.hashing import tree_sha256  # noqa: E402

REFAPP = REPO / "bench" / "refapp"
CATEGORIES = ["layanan-publik", "perencanaan-keuangan", "kepegawaian", "kinerja", "perizinan", "sosial",
              "infrastruktur", "ekonomi", "pariwisata", "komunikasi"]
WORDS = ["antrean", "anggaran", "perizinan", "pajak", "kepegawaian", "kinerja", "bansos", "pariwisata",
         "umkm", "pasar", "jalan", "drainase", "sekolah", "puskesmas", "arsip", "surat", "aduan", "data",
         "peta", "lelang", "aset", "retribusi", "kependudukan", "kesehatan", "pendidikan", "pertanian"]


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def regency_codes() -> list[str]:
    doc = json.loads((REPO / "catalog" / "regions.json").read_text(encoding="utf-8"))
    return [r["code"] for r in doc["regions"]]


def pioneer_codes() -> list[str]:
    """Kota Bandung and Kota Tangerang, and nine more cities: the publishers of the generated apps."""
    doc = json.loads((REPO / "catalog" / "regions.json").read_text(encoding="utf-8"))
    cities = [r["code"] for r in doc["regions"] if r["type"] == "kota" and r["code"] not in ("32.73", "36.71")]
    return ["32.73", "36.71"] + cities[::10][:9]


def _sources(root: Path) -> tuple[Path, Path]:
    """Copy the stand-in sources and the reference recipe; return (catalog dir, recipe dir)."""
    catalog, src = root / "catalog", root / "src"
    (catalog / "apps").mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "recipes" / "standin", src / "recipes" / "standin", dirs_exist_ok=True)
    recipe = src / "recipes" / "refapp" / "1.0.0"
    recipe.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REFAPP / "compose.yaml", recipe / "compose.yaml")
    shutil.copy2(REPO / "catalog" / "regions.json", catalog / "regions.json")
    (catalog / "catalog.yaml").write_text(
        'name: "ksad bench catalog"\n'
        'description: {id: "Katalog uji kinerja ksad", en: "ksad benchmark catalog"}\n'
        'sources: "../src"\n', encoding="utf-8")
    return catalog, recipe


def _pins(src: Path, recipe: Path) -> tuple[str, dict[str, str]]:
    builds = {s: tree_sha256(src / "recipes" / "standin" / s) for s in ("web", "db")}
    return tree_sha256(recipe), builds


def app_yaml(app_id: str, versions: list[str], recipes: list[tuple[str, str]], builds: dict[str, str],
             publisher: str, rng: random.Random) -> str:
    """An entry's YAML; *recipes* holds each release's (recipe path, sha256)."""
    words = rng.sample(WORDS, 3)
    title = " ".join(w.capitalize() for w in words[:2])
    lines = [
        f"# ksad bench: generated entry ({len(versions)} releases)",
        f"id: {app_id}",
        f"name: {{id: {_q(title)}, en: {_q(title + ' app')}}}",
        "description:",
        f"  id: {{short: {_q('Aplikasi ' + ' '.join(words) + ' untuk perangkat daerah.')}, "
        f"long: {_q('Aplikasi uji kinerja. ' * 8)}}}",
        f"  en: {{short: {_q('An app for ' + ' '.join(words) + ' in regional agencies.')}, "
        f"long: {_q('A benchmark app. ' * 8)}}}",
        f"publisher: {{code: {_q(publisher)}, name: {_q('Pemerintah Daerah ' + publisher)}, "
        f"office: {_q('Diskominfo ' + publisher)}}}",
        f"category: {rng.choice(CATEGORIES)}",
        "license: MIT",
        "source: https://git.example/ksad/" + app_id,
        "documentation: https://docs.example/" + app_id,
        f"maintainers: [{{name: {_q('Diskominfo ' + publisher)}, email: \"diskominfo@{publisher}.example\"}}]",
        f"contacts: [{{name: {_q('Diskominfo ' + publisher)}, email: \"kontak@{publisher}.example\"}}]",
        f"keywords: [{', '.join(words)}]",
        "releases:",
    ]
    builds_text = ", ".join(f"{k}: {v}" for k, v in builds.items())
    previous = None
    for i, (version, (recipe_rel, recipe_sha)) in enumerate(zip(versions, recipes)):
        lines += [
            f"  - version: {_q(version)}",
            f"    date: {2020 + i // 12}-{i % 12 + 1:02d}-15",
            f"    recipe: {{path: {recipe_rel}, sha256: {recipe_sha}}}",
            f"    builds: {{{builds_text}}}",
            "    resources: {memory_mb: 96, cpus: 0.25, disk_mb: 20}",
            "    changelog:",
            f"      id: {_q('Rilis ' + version + ': perbaikan dan fitur baru.')}",
            f"      en: {_q('Release ' + version + ': fixes and new features.')}",
            f"    upgrades_from: [{_q('>=' + previous + ',<' + version) if previous else ''}]",
        ]
        previous = version
    return "\n".join(lines) + "\n"


def versions_for(count: int) -> list[str]:
    """*count* PEP 440 versions, oldest first: 1.0.0 ... with minors and patches."""
    out = []
    for i in range(count):
        out.append(f"{1 + i // 20}.{(i // 4) % 5}.{i % 4}")
    return out


def _release_recipes(src: Path, app_id: str, versions: list[str]) -> list[tuple[str, str]]:
    """One recipe directory per release; [(path relative to src, its tree sha256)]."""
    text = (REFAPP / "compose.yaml").read_text(encoding="utf-8")
    out = []
    for version in versions:
        rel = f"recipes/{app_id}/{version}"
        (src / rel).mkdir(parents=True, exist_ok=True)
        (src / rel / "compose.yaml").write_text(f"# {app_id} {version} (generated)\n{text}", encoding="utf-8")
        out.append((rel, tree_sha256(src / rel)))
    return out


def write_scale_catalog(root: Path, apps: int = 165, releases: int = 60, seed: int = 5,
                        mous: bool = True) -> Path:
    """A catalog of *apps* x *releases*; returns the catalog directory."""
    root = Path(root)
    catalog, recipe = _sources(root)
    _, builds = _pins(root / "src", recipe)
    pioneers = pioneer_codes()
    rng = random.Random(seed)
    by_publisher: dict[str, list[str]] = {}
    for n in range(apps):
        app_id = f"app-{n:03d}-{rng.choice(WORDS)}"
        publisher = pioneers[n % len(pioneers)]
        versions = versions_for(releases)
        text = app_yaml(app_id, versions, _release_recipes(root / "src", app_id, versions), builds, publisher, rng)
        (catalog / "apps" / f"{app_id}.yaml").write_text(text, encoding="utf-8")
        by_publisher.setdefault(publisher, []).append(app_id)
    if mous and has_mou_support():
        write_mous(catalog, by_publisher)
        from ksad.trust import sign_document

        for publisher, app_ids in by_publisher.items():
            for app_id in app_ids:
                sign_document(catalog / "apps" / f"{app_id}.yaml", bench_key(publisher), "publisher")
    try:
        from ksad.catalog import write_index
    except ImportError:  # a ksad from before the shipped index: clients parse every entry
        write_index = None
    if write_index is not None:
        # as `ksad catalog index` keeps it, after the MoUs and keyring are in: what a client with no cache reads
        write_index(catalog)
    if mous and has_mou_support():
        sign_snapshot(catalog)  # last: the snapshot covers index.json too
    return catalog


# --- MoUs -------------------------------------------------------------------------------

def has_mou_support() -> bool:
    try:
        import ksad.mou  # noqa: F401
        import ksad.trust  # noqa: F401
    except ImportError:
        return False
    return True


def bench_key(name: str):
    import hashlib

    from ksad.trust import SigningKey

    return SigningKey.from_seed(hashlib.sha256(f"ksad-bench-key-v1:{name}".encode()).digest())


def sign_snapshot(catalog: Path) -> None:
    """The signed snapshot `ksad mou list` (and later every catalog read) verifies first."""
    import datetime as dt

    from ksad.trust import sign_snapshot as sign

    sign(catalog, [bench_key("snapshot")], expires=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30))


def write_mous(catalog: Path, by_publisher: dict[str, list[str]], partners: list[str] | None = None) -> dict:
    """A keyring and one both-sides-signed MoU per region; returns {partner code: (mou id, pioneer, app)}."""
    import datetime as dt
    import tempfile

    from ksad import yamlio
    from ksad.mou import draft_mou
    from ksad.region import load_regions
    from ksad.trust import KEYRING_FILE, make_signature

    today = dt.date.today()
    valid_from, valid_until = today - dt.timedelta(days=365), today + dt.timedelta(days=3 * 365)
    regions = load_regions(catalog / "regions.json")
    codes = regency_codes()
    pioneers = sorted(by_publisher)
    keys = {code: bench_key(code) for code in codes}
    roots = [bench_key(f"root-{i}") for i in range(3)]
    snapshot_key = bench_key("snapshot")
    entry = lambda code: {"keyid": keys[code].keyid, "public": keys[code].public, "region": code,  # noqa: E731
                          "signer": f"Kepala Diskominfo {code} (BENCH)", "position": "Kepala Dinas",
                          "valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat(),
                          "revoked": False, "demo": True, "roles": ["region"]}
    keyring = {"version": 1, "expires": valid_until.isoformat(), "threshold": 2, "snapshot_threshold": 1,
               "roots": [{"keyid": k.keyid, "public": k.public, "name": f"bench root {i}", "demo": True}
                         for i, k in enumerate(roots)],
               "keys": [entry(code) for code in codes]
               + [{"keyid": snapshot_key.keyid, "public": snapshot_key.public, "signer": "bench maintainer",
                   "position": "Pengelola katalog", "valid_from": valid_from.isoformat(),
                   "valid_until": valid_until.isoformat(), "revoked": False, "demo": True,
                   "roles": ["snapshot"]}]}
    keyring["signatures"] = [make_signature(keyring, "keyring", k, "root") for k in roots[:2]]
    (catalog / KEYRING_FILE).parent.mkdir(parents=True, exist_ok=True)
    (catalog / KEYRING_FILE).write_text(yamlio.dump(keyring), encoding="utf-8")
    (catalog / "mous").mkdir(exist_ok=True)
    granted = {}
    with tempfile.TemporaryDirectory() as tmp:
        document = Path(tmp) / "mou.pdf"
        document.write_bytes(b"BENCH: no legal agreement behind this manifest.\n")
        for i, partner in enumerate(partners or codes):
            pioneer = pioneers[i % len(pioneers)]
            if pioneer == partner:
                pioneer = pioneers[(i + 1) % len(pioneers)]
            if pioneer == partner:
                continue
            mou_id = f"{pioneer.replace('.', '')}-{partner.replace('.', '')}-bench"
            data = draft_mou(regions=regions, pioneer=pioneer, partner=partner,
                             apps=[f"{a}>=1,<3" for a in by_publisher[pioneer]], valid_from=valid_from,
                             valid_until=valid_until, pioneer_number=f"BENCH/{pioneer}/1",
                             partner_number=f"BENCH/{partner}/1", document=document, mou_id=mou_id)
            data["signatures"] = [make_signature(data, "mou", keys[pioneer], "pioneer"),
                                  make_signature(data, "mou", keys[partner], "partner")]
            (catalog / "mous" / f"{mou_id}.yaml").write_text(yamlio.dump(data), encoding="utf-8")
            granted[partner] = (mou_id, pioneer, by_publisher[pioneer][0])
    (catalog.parent / "mous-index.json").write_text(json.dumps(granted), encoding="utf-8")
    return granted


def write_refapp_catalog(root: Path, app_id: str) -> Path:
    """A catalog holding only the reference app, as *app_id* 1.0.0; returns the catalog directory."""
    root = Path(root)
    catalog, recipe = _sources(root)
    recipe_sha, builds = _pins(root / "src", recipe)
    text = app_yaml(app_id, ["1.0.0"], [("recipes/refapp/1.0.0", recipe_sha)], builds, "32.73", random.Random(1))
    path = catalog / "apps" / f"{app_id}.yaml"
    path.write_text(text, encoding="utf-8")
    if has_mou_support():
        # what the install gate asks for: a publisher-signed entry, an MoU granting it to 52.04, a snapshot
        from ksad.trust import sign_document

        write_mous(catalog, {"32.73": [app_id]}, partners=["52.04"])
        sign_document(path, bench_key("32.73"), "publisher")
        from ksad.catalog import write_index

        write_index(catalog)
        sign_snapshot(catalog)
    return catalog


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--apps", type=int, default=165)
    parser.add_argument("--releases", type=int, default=60)
    args = parser.parse_args()
    catalog = write_scale_catalog(args.out, args.apps, args.releases)
    print(catalog)


if __name__ == "__main__":
    main()
