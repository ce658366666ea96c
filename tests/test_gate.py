"""`ksad install` and `ksad upgrade` refuse what no valid, countersigned MoU grants here (issue 3)."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import pytest

from catalog_factory import CatalogBuilder, two_service
from helpers import json_data as data
from trust_factory import flip_byte

pytestmark = pytest.mark.docker

INIT = ["init", "--domain", "sumbawakab.go.id", "--office", "Diskominfotik"]  # the region is per test




def init(run_ksad, catalog: CatalogBuilder, region: str = "52.04") -> dict:
    env = {"KSAD_CATALOG": str(catalog.catalog)}
    run_ksad(*INIT, "--region", region, env=env, check=True)
    return env


def test_dry_run_names_the_mou_that_grants_it(catalog, run_ksad):
    env = init(run_ksad, catalog)
    plan = data(run_ksad("install", "uji-web", "--name", "Uji", "--dry-run", "--json", env=env, check=True))
    assert plan["mou"] == "uji-3273-5204"


def test_no_mou_for_this_region(catalog, run_ksad, docker_engine):
    env = init(run_ksad, catalog, region="73.73")
    proc = run_ksad("install", "uji-web", "--name", "Uji Palopo", env=env, check=6)
    assert "73.73" in proc.stderr and "32.73" in proc.stderr
    assert not docker_engine.containers.list(all=True, filters={"label": "ksad.slug=uji-palopo"})


def test_catalog_without_any_mou(tmp_path, run_ksad):
    cat = CatalogBuilder(tmp_path / "cat", grant=False)
    cat.add_release("uji-web", "1.0.0", two_service())
    env = init(run_ksad, cat)
    proc = run_ksad("install", "uji-web", "--name", "Uji", "--dry-run", env=env, check=6)
    assert "MoU" in proc.stderr


def test_version_outside_the_granted_range(catalog, run_ksad):
    catalog.add_release("uji-web", "2.0.0", two_service())
    doc = catalog.world.mou_doc("uji-3273-5204", apps=[("uji-web", ">=1,<2")])
    catalog.world.write_mou(doc)
    catalog.world.snapshot()
    env = init(run_ksad, catalog)
    proc = run_ksad("install", "uji-web", "--name", "Uji", "--version", "2.0.0", "--dry-run", env=env, check=6)
    assert "2.0.0" in proc.stderr and ">=1,<2" in proc.stderr
    # without --version, the newest release an MoU allows is the one planned
    plan = data(run_ksad("install", "uji-web", "--name", "Uji", "--version", ">=1,<2", "--dry-run", "--json",
                         env=env, check=True))
    assert plan["version"] == "1.0.0"


def test_mou_with_one_signature(catalog, run_ksad):
    doc = catalog.world.mou_doc("uji-3273-5204", apps=[("uji-web", ">=0")])
    catalog.world.write_mou(doc, signers=(("bandung", "pioneer"),))
    catalog.world.snapshot()
    env = init(run_ksad, catalog)
    proc = run_ksad("install", "uji-web", "--name", "Uji", "--dry-run", env=env, check=6)
    assert "partner" in proc.stderr.lower() or "sumbawa" in proc.stderr.lower()


def test_tampered_app_entry_is_refused(catalog, run_ksad):
    env = init(run_ksad, catalog)
    flip_byte(catalog.catalog / "apps" / "uji-web.yaml", "A test app", "A test apq")
    proc = run_ksad("install", "uji-web", "--name", "Uji", "--dry-run", env=env, check=6)
    assert "apps/uji-web.yaml" in proc.stderr


def test_replayed_older_snapshot_is_refused(catalog, run_ksad, tmp_path):
    env = init(run_ksad, catalog)
    old = tmp_path / "old-catalog"
    shutil.copytree(catalog.catalog, old)
    run_ksad("install", "uji-web", "--name", "Uji", "--dry-run", env=env, check=True)  # trusts version N
    catalog.world.snapshot()  # N + 1
    run_ksad("install", "uji-web", "--name", "Uji", "--dry-run", env=env, check=True)
    shutil.rmtree(catalog.catalog)
    shutil.copytree(old, catalog.catalog)  # an attacker serves the older, validly signed catalog
    proc = run_ksad("install", "uji-web", "--name", "Uji", "--dry-run", env=env, check=6)
    assert "older" in proc.stderr.lower() or "replay" in proc.stderr.lower()


def test_expired_snapshot_is_refused(catalog, run_ksad):
    catalog.world.snapshot(expires=datetime.now(timezone.utc) + timedelta(seconds=1))
    import time

    time.sleep(1.5)
    env = init(run_ksad, catalog)
    proc = run_ksad("install", "uji-web", "--name", "Uji", "--dry-run", env=env, check=6)
    assert "expired" in proc.stderr.lower()


@pytest.mark.parametrize("region, app", [("52.04", "e-budgeting"), ("73.73", "antrean-daring")])
def test_bundled_demo_mous(run_ksad, tmp_path, region, app):
    env = {"KSAD_HOME": str(tmp_path / f"home-{region}")}
    run_ksad("init", "--region", region, "--domain", "contoh.go.id", "--office", "Diskominfo", env=env, check=True)
    plan = data(run_ksad("install", app, "--name", "Uji", "--dry-run", "--json", env=env, check=True))
    assert plan["demo"] is True and plan["mou"]


def test_the_index_copies_in_the_cache_cannot_choose_what_install_installs(catalog, run_ksad, ksad_env):
    """list and search keep the index (versions, publisher, id) in the cache without checking the
    signed snapshot. Whatever that copy says, install takes all three from the signed entry."""
    import json
    from pathlib import Path

    catalog.add_release("uji-web", "1.1.0", two_service())
    env = init(run_ksad, catalog)
    run_ksad("catalog", "list", env=env, check=True)
    [cached] = list((Path(ksad_env["KSAD_HOME"]) / "cache").glob("catalog-*/index.json"))
    blob = json.loads(cached.read_text())
    hit = blob["files"]["uji-web.yaml"]
    assert hit["versions"] == ["1.1.0", "1.0.0"]
    hit["versions"] = ["1.0.0"]  # the newest hidden, as an index served for a while by a bad mirror would
    hit["summary"]["publisher_code"] = "36.71"  # another pioneer, which has no MoU for this app here
    cached.write_text(json.dumps(blob))
    listed = data(run_ksad("catalog", "list", "--json", env=env, check=True))
    assert [a["latest"] for a in listed] == ["1.0.0"]  # the copy is what a listing shows
    plan = data(run_ksad("install", "uji-web", "--name", "Uji", "--dry-run", "--json", env=env, check=True))
    assert (plan["version"], plan["mou"]) == ("1.1.0", "uji-3273-5204")

    hit["id"] = "uji-lain"  # the copy names another app than the file: it is no copy of that file
    cached.write_text(json.dumps(blob))
    plan = data(run_ksad("install", "uji-web", "--name", "Uji", "--dry-run", "--json", env=env, check=True))
    assert (plan["version"], plan["mou"]) == ("1.1.0", "uji-3273-5204")
    run_ksad("install", "uji-lain", "--name", "Uji", "--dry-run", env=env, check=4)  # no such app


def test_an_entry_kept_in_the_cache_is_not_cleared_unless_it_is_the_file_the_snapshot_lists(catalog, tmp_path,
                                                                                         monkeypatch):
    """The cache's index finds an app file by its stat signature, and its parse by sha256. Were an
    edit to leave the stat unchanged (the same timestamp tick), the parse kept of the older bytes
    would carry a valid signature while the snapshot lists the new file: the gate refuses it."""
    import json

    from ksad.catalog import _catalog_cache, _stat_sig, open_catalog
    from ksad.errors import TrustError
    from ksad.gate import Gate
    from ksad.parsecache import StatDigests
    from ksad.settings import Settings

    monkeypatch.setattr(StatDigests, "RACY_NS", 0)  # the files were written just now
    monkeypatch.setenv("KSAD_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KSAD_CATALOG", str(catalog.catalog))
    settings = Settings.from_env()
    assert open_catalog(settings.catalog, cache_dir=settings.cache_dir).app("uji-web").data  # kept: 1.0.0
    catalog.add_release("uji-web", "1.1.0", two_service())  # the file rewritten, the snapshot signed again

    def app():
        return open_catalog(settings.catalog, cache_dir=settings.cache_dir).app("uji-web")

    open_catalog(settings.catalog, cache_dir=settings.cache_dir).apps()  # the cache's index.json: the new stat
    assert Gate(settings).clear(app(), "1.1.0", "52.04").mou_id == "uji-3273-5204"
    index = _catalog_cache(settings.catalog, settings.cache_dir) / "index.json"
    blob = json.loads(index.read_text())
    hit = blob["files"]["uji-web.yaml"]
    stale = next(p.stem for p in index.parent.glob("*.json") if p.stem not in (hit["sha256"], "index", "meta")
                 and len(p.stem) == 64)
    hit.update(sha256=stale, versions=["1.0.0"], stat=_stat_sig(catalog.catalog / "apps" / "uji-web.yaml"))
    index.write_text(json.dumps(blob))  # as if the edit had left the stat as it was
    stale_app = app()
    assert stale_app.signed_versions == ("1.0.0",)  # the kept parse of the older bytes, validly signed
    with pytest.raises(TrustError, match="is not the file .* the catalog's signed snapshot lists"):
        Gate(settings).clear(stale_app, "1.0.0", "52.04")
