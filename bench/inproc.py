"""In-process catalog timings for the scale benchmark (run by bench/run.py in a fresh process).

    python bench/inproc.py CATALOG_DIR CACHE_DIR [--repeat 5]

Prints one JSON object: seconds for loading the catalog with a cold and a
warm cache, and the median seconds of one version resolution (``App.resolve``)
for the newest release, a range, and an exact version, over every app.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _load(catalog_dir: Path, cache_dir: Path):
    from ksad.catalog import open_catalog

    started = time.perf_counter()
    catalog = open_catalog(catalog_dir, cache_dir=cache_dir)
    apps = catalog.apps()
    return catalog, apps, time.perf_counter() - started


def _median_call(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(catalog_dir: Path, cache_dir: Path, repeat: int) -> dict:
    shutil.rmtree(cache_dir, ignore_errors=True)
    t_import = time.perf_counter()
    import ksad.catalog  # noqa: F401

    t_import = time.perf_counter() - t_import
    _, _, cold = _load(catalog_dir, cache_dir)
    warm = min(_load(catalog_dir, cache_dir)[2] for _ in range(repeat))
    catalog, apps, _ = _load(catalog_dir, cache_dir)
    newest = [_median_call(lambda a=a: a.resolve(None), repeat) for a in apps]
    ranged = [_median_call(lambda a=a: a.resolve(">=2,<3"), repeat) for a in apps]
    exact = [_median_call(lambda a=a: a.resolve(a.versions[len(a.versions) // 2]), repeat) for a in apps]
    search = _median_call(lambda: catalog.search("pajak", "id"), repeat)
    return {**mou_lookup(catalog_dir, repeat),"apps": len(apps), "releases": sum(len(a.versions) for a in apps), "import_s": t_import,
            "load_cold_s": cold, "load_warm_s": warm, "resolve_newest_s": statistics.median(newest),
            "resolve_range_s": statistics.median(ranged), "resolve_exact_s": statistics.median(exact),
            "resolve_worst_s": max(newest + ranged + exact), "search_s": search}


def mou_lookup(catalog_dir: Path, repeat: int) -> dict:
    """Keyring load and ``find_grant`` (the install gate) for a few partner regions; {} without MoUs."""
    index = catalog_dir.parent / "mous-index.json"
    if not index.exists():
        return {}
    from ksad.mou import find_grant
    from ksad.trust import KEYRING_FILE, load_keyring

    granted = json.loads(index.read_text(encoding="utf-8"))
    started = time.perf_counter()
    keyring = load_keyring(catalog_dir / KEYRING_FILE)
    keyring_s = time.perf_counter() - started
    sample = list(granted.items())[:: max(1, len(granted) // repeat)][:repeat]
    times = []
    for partner, (_mou_id, pioneer, app) in sample:
        started = time.perf_counter()
        result = find_grant(catalog_dir, keyring, publisher=pioneer, partner=partner, app=app, version="2.1.0")
        times.append(time.perf_counter() - started)
        assert result.ok, result
    return {"mous": len(granted), "keyring_load_s": keyring_s, "find_grant_s": statistics.median(times)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("catalog", type=Path)
    parser.add_argument("cache", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(args.catalog, args.cache, args.repeat)))


if __name__ == "__main__":
    main()
