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
    """Keyring load and ``find_grant`` (the install gate) for a few partner regions; {} without MoUs.

    cold: the first look-up with an empty $KSAD_HOME/cache (every MoU and the keyring parsed,
    every signature verified); warm: later ones, which read the parse cache and the memo of
    verified signatures from disk as a new process would (signatures are still checked).
    """
    index = catalog_dir.parent / "mous-index.json"
    if not index.exists():
        return {}
    from ksad.mou import find_grant
    from ksad.settings import Settings
    from ksad.trust import KEYRING_FILE, load_keyring

    shutil.rmtree(Settings.from_env().cache_dir, ignore_errors=True)
    granted = json.loads(index.read_text(encoding="utf-8"))
    sample = list(granted.items())[:: max(1, len(granted) // repeat)][:repeat]

    def look_up(partner: str, pioneer: str, app: str) -> tuple[float, float]:
        started = time.perf_counter()
        keyring = load_keyring(catalog_dir / KEYRING_FILE)
        middle = time.perf_counter()
        result = find_grant(catalog_dir, keyring, publisher=pioneer, partner=partner, app=app, version="2.1.0")
        assert result.ok, result
        return middle - started, time.perf_counter() - middle

    partner, (_mou_id, pioneer, app) = sample[0]
    cold_keyring, cold_grant = look_up(partner, pioneer, app)
    from ksad.trust import _verified_memo

    _verified_memo().save()  # what a later process finds on disk
    warm = [look_up(p, pi, a) for p, (_m, pi, a) in sample]
    return {"mous": len(granted), "keyring_load_s": statistics.median(k for k, _ in warm),
            "find_grant_s": statistics.median(g for _, g in warm),
            "keyring_load_cold_s": cold_keyring, "find_grant_cold_s": cold_grant}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("catalog", type=Path)
    parser.add_argument("cache", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(args.catalog, args.cache, args.repeat)))


if __name__ == "__main__":
    main()
