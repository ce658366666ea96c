"""Upgrade, rollback and history on a real engine (issue 4): every failure brings the old revision back
with its data; identity, answers and secrets survive; history and rollback work from another machine."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

import infra
from catalog_factory import (HEALTH_NEVER, CatalogBuilder, lifecycle_catalog, migrating, two_service, volume_files,
                             volume_text, with_db)
from helpers import INIT, Follower, add_record, get, say_in_log
from helpers import json_data as data

pytestmark = pytest.mark.docker

APP = "uji-siklus"


# --- what a user observes ----------------------------------------------------------------








def status_of(run_ksad, env, slug: str) -> dict:
    rows = data(run_ksad("status", "--json", env=env, check=True))
    return next(r for r in rows if r["slug"] == slug)


def history_of(run_ksad, env, app: str) -> list[tuple[int, str, str, str]]:
    rows = data(run_ksad("history", app, "--json", env=env, check=True))
    return [(r["revision"], r["op"], r["version"], r["result"]) for r in rows]


def container_names(client, slug: str) -> set[str]:
    return {c.name for c in client.containers.list(all=True, filters={"label": f"ksad.slug={slug}"})}


def env_of(client, name: str) -> dict[str, str]:
    return dict(item.partition("=")[::2] for item in client.containers.get(name).attrs["Config"]["Env"])


@dataclass
class Installed:
    name: str
    slug: str
    url: str
    volume: str
    env: dict[str, str]
    catalog: CatalogBuilder

    def files(self, client, session: str) -> dict[str, str]:
        return volume_files(client, self.volume, {infra.TEST_LABEL: session})

    def records(self, client, session: str) -> str:
        return volume_text(client, self.volume, "records.txt", {infra.TEST_LABEL: session})


def install_app(tmp_path: Path, run_ksad, app_name, *, stem: str = "Siklus", sets: tuple[str, ...] = (),
                builder=lifecycle_catalog, app: str = APP, version: str = "1.0.0") -> Installed:
    catalog = CatalogBuilder(tmp_path / "cat")
    builder(catalog, app)
    env = {"KSAD_CATALOG": str(catalog.catalog)}
    run_ksad(*INIT, env=env, check=True)
    name = app_name(stem)
    args = [arg for s in sets for arg in ("--set", s)]
    got = data(run_ksad("install", app, "--name", name, "--version", version, *args, "--json", env=env,
                        check=True, timeout=300))
    return Installed(name, got["slug"], got["url"], f"ksad-{got['slug']}-db-data", env, catalog)


def assert_clean(client, slug: str) -> None:
    """Only the app's own two containers: no marker, no old or helper containers left."""
    assert container_names(client, slug) == {f"{slug}-web", f"{slug}-db"}


@pytest.fixture
def app(tmp_path, run_ksad, app_name, ksad_cleanup) -> Installed:
    inst = install_app(tmp_path, run_ksad, app_name)
    add_record(inst.url, "Rapat anggaran 2026")
    add_record(inst.url, "Usulan Musrenbang kecamatan")
    return inst


# --- a failed upgrade brings the previous revision back, with its data -----------------------


@pytest.mark.parametrize("version, extra, reason", [
    ("1.1.0", [], "reported unhealthy"),
    ("1.1.1", [], "stopped (exit code 1)"),
    ("1.1.2", ["--timeout", "5"], "Not healthy after 5 s"),
], ids=["health-fails", "container-exits", "start-too-slow"])
def test_failed_upgrade_restores_previous_revision_and_data(app, run_ksad, docker_engine, test_session,
                                                            version, extra, reason):
    before = app.files(docker_engine, test_session)
    proc = run_ksad("upgrade", app.name, "--version", version, *extra, env=app.env, check=8, timeout=300)
    assert reason in proc.stderr
    assert "previous state was restored" in proc.stderr

    row = status_of(run_ksad, app.env, app.slug)
    assert (row["version"], row["revision"], row["health"], row["url"]) == ("1.0.0", 1, "healthy", app.url)
    assert app.files(docker_engine, test_session) == before
    page = get(app.url)
    assert "Usulan Musrenbang kecamatan" in page and "versi 1.0.0" in page
    assert history_of(run_ksad, app.env, app.name) == [(1, "install", "1.0.0", "ok"), (2, "upgrade", version, "failed")]
    assert_clean(docker_engine, app.slug)


def test_history_names_the_app_and_speaks_indonesian(app, run_ksad):
    """The table's title names the local name and the app, whichever the user typed; in Bahasa
    Indonesia the operations and results are words of the reader's language, not ksad's labels."""
    run_ksad("upgrade", app.name, "--version", "1.1.1", env=app.env, check=8, timeout=300)
    english = run_ksad("history", APP, env=app.env, check=True).stderr
    assert f"History of {app.name} ({APP})" in english
    indonesian = run_ksad("history", app.name, env={**app.env, "KSAD_LANG": "id"}, check=True).stderr
    assert f"Riwayat {app.name} ({APP})" in indonesian
    rows = [line for line in indonesian.splitlines() if "1.0.0" in line or "1.1.1" in line]
    assert "pemasangan" in rows[0] and "berhasil" in rows[0]
    assert "kenaikan versi" in rows[1] and "gagal" in rows[1]
    for english_word in ("install", "upgrade", "failed", " ok "):
        assert english_word not in indonesian


def started_ns(client, name: str) -> int:
    """When the container last started, in nanoseconds: the engine says it as RFC 3339 with nanoseconds."""
    stamp = client.containers.get(name).attrs["State"]["StartedAt"]
    whole, _, frac = stamp.rstrip("Z").partition(".")
    seconds = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    return int(seconds) * 1_000_000_000 + int(frac.ljust(9, "0")[:9])


# created-together: db and web are created within the same second, which the container list
# cannot order; db-recreated: a db that stopped and was brought back by a re-run is newer than
# the web that needs it.
@pytest.mark.parametrize("how", ["created-together", "db-recreated"])
def test_undo_starts_the_previous_revision_dependencies_first(how, app, run_ksad, docker_engine):
    if how == "db-recreated":
        docker_engine.containers.get(f"{app.slug}-db").stop(timeout=5)
        time.sleep(1.1)  # a second later, so that even whole-second creation times differ
        run_ksad("install", APP, "--name", app.name, env=app.env, check=True, timeout=300)
    run_ksad("upgrade", app.name, "--version", "1.1.0", env=app.env, check=8, timeout=300)

    row = status_of(run_ksad, app.env, app.slug)
    assert (row["version"], row["health"]) == ("1.0.0", "healthy")
    db, web = (started_ns(docker_engine, f"{app.slug}-{service}") for service in ("db", "web"))
    assert db < web, f"web started {(db - web) / 1e6:.1f} ms before the db it depends on"


def test_upgrade_then_rollback_brings_back_release_and_data(app, run_ksad, docker_engine, test_session):
    before = app.files(docker_engine, test_session)
    up = run_ksad("upgrade", app.name, "--version", "1.2.0", env=app.env, check=True, timeout=300)
    assert "upgraded to 1.2.0, revision 2" in up.stderr
    assert up.stdout.strip() == app.url
    assert "versi 1.2.0" in get(app.url)
    assert app.records(docker_engine, test_session).endswith("migrated-1.2.0\n")
    add_record(app.url, "Dicatat setelah upgrade")
    after_upgrade = app.files(docker_engine, test_session)

    back = run_ksad("rollback", app.name, env=app.env, check=True, timeout=300)
    assert "is back at 1.0.0 with its data, as revision 3" in back.stderr
    row = status_of(run_ksad, app.env, app.slug)
    assert (row["version"], row["revision"], row["health"], row["url"]) == ("1.0.0", 3, "healthy", app.url)
    assert app.files(docker_engine, test_session) == before
    assert "Dicatat setelah upgrade" not in get(app.url)

    forward = run_ksad("rollback", app.name, "--to", "2", env=app.env, check=True, timeout=300)
    assert "is back at 1.2.0 with its data, as revision 4" in forward.stderr
    assert app.files(docker_engine, test_session) == after_upgrade
    assert "Dicatat setelah upgrade" in get(app.url)
    assert history_of(run_ksad, app.env, app.name) == [
        (1, "install", "1.0.0", "ok"), (2, "upgrade", "1.2.0", "ok"),
        (3, "rollback", "1.0.0", "ok"), (4, "rollback", "1.2.0", "ok")]

    again = run_ksad("rollback", app.name, "--to", "2", env=app.env, check=True, timeout=300)
    assert "nothing changed" in again.stderr  # re-running a finished rollback changes nothing
    assert status_of(run_ksad, app.env, app.slug)["revision"] == 4

    unknown = run_ksad("rollback", app.name, "--to", "9", env=app.env, check=4)
    assert "no successful revision 9" in unknown.stderr and "ksad history" in unknown.stderr
    assert "It runs revision 4; the others it can go back to: 1, 2, 3." in unknown.stderr
    assert_clean(docker_engine, app.slug)


def test_logs_follow_shows_history_in_time_order_and_follows_the_containers_an_upgrade_starts(
        app, run_ksad, ksad_env, docker_engine):
    old_web = docker_engine.containers.get(f"{app.slug}-web").id
    for container, word in ((f"{app.slug}-db", "satu"), (f"{app.slug}-web", "dua"), (f"{app.slug}-db", "tiga")):
        say_in_log(docker_engine, container, f"urutan-{word}")
    follow = Follower({**ksad_env, **app.env}, app.name, "-f", "--tail", "all")
    try:
        assert follow.wait_for("db | urutan-tiga")
        ours = [line for line in follow.lines if "urutan-" in line]
        assert ours == ["db | urutan-satu\n", "web | urutan-dua\n", "db | urutan-tiga\n"]  # not by arrival
        run_ksad("upgrade", app.name, "--version", "1.2.0", env=app.env, check=True, timeout=300)
        new_web = docker_engine.containers.get(f"{app.slug}-web").id
        assert new_web != old_web
        heard = follow.wait_for("web | setelah-upgrade",
                                say=lambda: say_in_log(docker_engine, new_web, "setelah-upgrade"))
        assert heard, follow.lines
        assert follow.proc.poll() is None  # still following
    finally:
        code, err = follow.stop()
    assert code == 130 and "Traceback" not in err
    shown = "".join(follow.lines)
    assert shown.count("urutan-dua") == 1  # a stream resumed after a line does not show it again


def snapshots_of(client, slug: str) -> set[str]:
    return {v.name for v in client.volumes.list(filters={"label": [f"ksad.slug={slug}", "ksad.kind=snapshot"]})}


def listed(plan: dict, action: str) -> list[tuple[str, str]]:
    return [(a["subject"], a["detail"]) for a in plan["actions"] if a["action"] == action]


def test_dry_run_shows_the_snapshots_and_the_data_restore_the_real_run_makes(app, run_ksad, docker_engine,
                                                                           test_session):
    at_rev1 = app.files(docker_engine, test_session)
    up = ("upgrade", app.name, "--version", "1.2.0")
    shown = run_ksad(*up, "--dry-run", env=app.env, check=True).stderr
    row = next((line for line in shown.splitlines() if f"{app.volume}.rev1" in line), "")
    assert "create snapshot volume (copy of the data)" in row and row.rstrip(" │").endswith(app.volume), shown
    plan = data(run_ksad(*up, "--dry-run", "--json", env=app.env, check=True))
    assert listed(plan, "snapshot") == [(f"{app.volume}.rev1", app.volume)]
    assert listed(plan, "restore-data") == []  # an upgrade keeps the data that runs
    before = snapshots_of(docker_engine, app.slug)
    run_ksad(*up, env=app.env, check=True, timeout=300)
    assert snapshots_of(docker_engine, app.slug) - before == {f"{app.volume}.rev1"}

    back = ("rollback", app.name, "--to", "1")
    shown = run_ksad(*back, "--dry-run", env=app.env, check=True).stderr
    row = next((line for line in shown.splitlines() if f"{app.volume}.rev1" in line), "")
    assert "overwrite with the data of a snapshot" in row and f" {app.volume} " in row, shown
    plan = data(run_ksad(*back, "--dry-run", "--json", env=app.env, check=True))
    assert listed(plan, "snapshot") == [(f"{app.volume}.rev2", app.volume)]
    assert listed(plan, "restore-data") == [(app.volume, f"{app.volume}.rev1")]
    assert app.files(docker_engine, test_session) != at_rev1  # the dry run put nothing back
    before = snapshots_of(docker_engine, app.slug)
    run_ksad(*back, env=app.env, check=True, timeout=300)
    assert snapshots_of(docker_engine, app.slug) - before == {f"{app.volume}.rev2"}
    assert app.files(docker_engine, test_session) == at_rev1


# --- Ctrl-C and a second operator -------------------------------------------------------------


def start_slow_upgrade(app: Installed, ksad_env, tmp_path, client) -> subprocess.Popen:
    """`ksad upgrade` to a release that never becomes healthy; returns once its new web container runs."""
    # a shell that runs pytest in the background ignores SIGINT, and children inherit that: undo it
    proc = subprocess.Popen([sys.executable, "-m", "ksad", "upgrade", app.name, "--version", "1.3.0"],
                            env={**ksad_env, **app.env}, cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        running = client.containers.list(filters={"label": [f"ksad.slug={app.slug}", "ksad.service=web",
                                                            "ksad.version=1.3.0"], "status": "running"})
        if running:
            return proc
        if proc.poll() is not None:
            pytest.fail(f"the upgrade ended early: {proc.communicate()}")
        time.sleep(0.2)
    proc.kill()
    pytest.fail("the new web container never started")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_upgrade_restores_previous_revision(sig, app, run_ksad, ksad_env, docker_engine, test_session,
                                                        tmp_path):
    before = app.files(docker_engine, test_session)
    proc = start_slow_upgrade(app, ksad_env, tmp_path, docker_engine)
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=180)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Interrupted. Nothing was left half-done." in err
    row = status_of(run_ksad, app.env, app.slug)
    assert (row["version"], row["revision"], row["health"], row["url"]) == ("1.0.0", 1, "healthy", app.url)
    assert app.files(docker_engine, test_session) == before
    assert_clean(docker_engine, app.slug)
    assert history_of(run_ksad, app.env, app.name)[-1] == (2, "upgrade", "1.3.0", "interrupted")


def test_a_running_operation_blocks_a_second_one_and_is_named(app, run_ksad, ksad_env, docker_engine, tmp_path):
    proc = start_slow_upgrade(app, ksad_env, tmp_path, docker_engine)
    try:
        here = run_ksad("upgrade", app.name, "--version", "1.2.0", env=app.env, check=9)
        assert f"pid {proc.pid}" in here.stderr
        # another operator (another KSAD_HOME, so not the same local lock) sees the marker on the target
        other = {**app.env, "KSAD_HOME": str(tmp_path / "other-home")}
        run_ksad(*INIT, env=other, check=True)
        there = run_ksad("rollback", app.name, env=other, check=9)
        assert "the upgrade by" in there.stderr and f"(pid {proc.pid}," in there.stderr
        assert "in progress" in there.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=180)
    assert proc.returncode == 130
    assert status_of(run_ksad, app.env, app.slug)["version"] == "1.0.0"


# --- upgrade paths ------------------------------------------------------------------------------


def path_catalog(builder: CatalogBuilder, app_id: str) -> None:
    builder.add_release(app_id, "1.0.0", two_service())
    builder.add_release(app_id, "1.1.0", two_service())
    builder.add_release(app_id, "2.0.0", two_service(), upgrades_from=[">=1.1,<2"])


def test_upgrade_outside_the_path_is_refused_with_the_path_to_follow(tmp_path, run_ksad, app_name, ksad_cleanup):
    inst = install_app(tmp_path, run_ksad, app_name, stem="Jalur", builder=path_catalog, app="uji-jalur")
    for args in (("--version", "2.0.0"), ()):
        proc = run_ksad("upgrade", inst.name, *args, env=inst.env, check=3)
        assert "follow the path 1.0.0 -> 1.1.0 -> 2.0.0" in proc.stderr
        assert "ksad upgrade uji-jalur --version 1.1.0" in proc.stderr
    assert status_of(run_ksad, inst.env, inst.slug)["version"] == "1.0.0"
    run_ksad("upgrade", inst.name, "--version", "1.1.0", env=inst.env, check=True, timeout=300)
    run_ksad("upgrade", inst.name, env=inst.env, check=True, timeout=300)
    assert status_of(run_ksad, inst.env, inst.slug)["version"] == "2.0.0"
    assert run_ksad("upgrade", inst.name, "--version", "1.1.0", env=inst.env, check=3).stderr.count("rollback")


def test_upgrade_and_rollback_take_allow_as_install_does(tmp_path, run_ksad, app_name, ksad_cleanup):
    """The refusal told to 'allow it for one command with --allow capabilities', and upgrade and
    rollback answered "No such option '--allow'": only policy.yaml could move such an app."""
    catalog = CatalogBuilder(tmp_path / "cat")
    for version in ("1.0.0", "1.1.0"):
        catalog.add_release("uji-izin", version, two_service(extra_web="cap_add: [NET_ADMIN]"))
    env = {"KSAD_CATALOG": str(catalog.catalog)}
    run_ksad(*INIT, env=env, check=True)
    name = app_name("Izin")
    run_ksad("install", "uji-izin", "--name", name, "--version", "1.0.0", "--allow", "capabilities", env=env,
             check=True, timeout=300)
    refused = run_ksad("upgrade", name, env=env, check=5)
    assert "allow it for one command with --allow capabilities" in refused.stderr
    run_ksad("upgrade", name, "--allow", "capabilities", env=env, check=True, timeout=300)
    assert "--allow capabilities" in run_ksad("rollback", name, env=env, check=5).stderr
    run_ksad("rollback", name, "--allow", "capabilities", env=env, check=True, timeout=300)
    row = next(r for r in data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)
    assert (row["version"], row["revision"], row["health"]) == ("1.0.0", 3, "healthy")
    assert "'capabilites' is not a security-policy kind" in run_ksad(
        "upgrade", name, "--allow", "capabilites", env=env, check=3).stderr


# --- another machine, identity, answers, secrets ------------------------------------------------


def test_history_and_rollback_work_from_another_machine(app, run_ksad, docker_engine, test_session, tmp_path):
    before = app.files(docker_engine, test_session)
    secret = env_of(docker_engine, f"{app.slug}-db")["DB_PASSWORD"]
    run_ksad("upgrade", app.name, "--version", "1.2.0", env=app.env, check=True, timeout=300)

    other = {**app.env, "KSAD_HOME": str(tmp_path / "laptop-2")}
    run_ksad(*INIT, env=other, check=True)
    assert not (tmp_path / "laptop-2" / "secrets").exists()
    assert data(run_ksad("history", app.name, "--json", env=other, check=True)) == \
        data(run_ksad("history", app.name, "--json", env=app.env, check=True))
    run_ksad("rollback", app.name, env=other, check=True, timeout=300)
    row = status_of(run_ksad, app.env, app.slug)
    assert (row["version"], row["revision"], row["health"], row["url"]) == ("1.0.0", 3, "healthy", app.url)
    assert app.files(docker_engine, test_session) == before
    assert env_of(docker_engine, f"{app.slug}-db")["DB_PASSWORD"] == secret
    assert env_of(docker_engine, f"{app.slug}-web")["DB_PASSWORD"] == secret
    assert history_of(run_ksad, app.env, app.name)[-1] == (3, "rollback", "1.0.0", "ok")


def test_identity_answers_and_secrets_survive_upgrade_and_rollback(tmp_path, run_ksad, app_name, docker_engine,
                                                                   ksad_cleanup):
    inst = install_app(tmp_path, run_ksad, app_name, stem="Tabe", sets=("greeting=Tabe",))
    web, db = f"{inst.slug}-web", f"{inst.slug}-db"
    secret = env_of(docker_engine, db)["DB_PASSWORD"]
    assert env_of(docker_engine, web)["GREETING"] == "Tabe"

    run_ksad("upgrade", inst.name, "--version", "1.2.0", env=inst.env, check=True, timeout=300)
    page = get(inst.url)
    for shown in (inst.name, "Kabupaten Sumbawa", "sumbawakab.go.id", "versi 1.2.0"):
        assert shown in page
    assert env_of(docker_engine, web)["GREETING"] == "Tabe"
    assert env_of(docker_engine, web)["APP_VERSION"] == "1.2.0"
    assert env_of(docker_engine, db)["DB_PASSWORD"] == secret

    run_ksad("upgrade", inst.name, "--version", "1.2.0", "--set", "greeting=Horas", env=inst.env, check=True, timeout=300)
    assert env_of(docker_engine, web)["GREETING"] == "Horas"
    run_ksad("rollback", inst.name, "--to", "2", env=inst.env, check=True, timeout=300)
    assert env_of(docker_engine, web)["GREETING"] == "Tabe"  # the answers of revision 2
    run_ksad("rollback", inst.name, "--to", "1", env=inst.env, check=True, timeout=300)
    assert env_of(docker_engine, web)["APP_VERSION"] == "1.0.0"
    assert env_of(docker_engine, web)["GREETING"] == "Tabe"
    assert env_of(docker_engine, db)["DB_PASSWORD"] == secret
    assert inst.name in get(inst.url)
    assert [r["answers"] for r in data(run_ksad("history", inst.name, "--json", env=inst.env, check=True))] == [
        {"greeting": "Tabe"}, {"greeting": "Tabe"}, {"greeting": "Horas"}, {"greeting": "Tabe"}, {"greeting": "Tabe"}]


def test_upgrade_all_moves_every_app_of_the_catalog(tmp_path, run_ksad, app_name, ksad_cleanup):
    builder = CatalogBuilder(tmp_path / "cat")
    for app_id in ("uji-semua-a", "uji-semua-b", "uji-semua-c"):
        builder.add_release(app_id, "1.0.0", two_service())
    env = {"KSAD_CATALOG": str(builder.catalog)}
    run_ksad(*INIT, env=env, check=True)
    names = [app_name("Semua A"), app_name("Semua B")]
    failing = app_name("Semua C")
    for app_id, name in zip(("uji-semua-a", "uji-semua-b", "uji-semua-c"), [*names, failing]):
        run_ksad("install", app_id, "--name", name, env=env, check=True, timeout=300)
        builder.add_release(app_id, "1.1.0", two_service(web_health=HEALTH_NEVER, retries=2) if name == failing
                            else two_service())
    # status names the release an upgrade would bring, before anyone runs one
    rows = {r["name"]: r for r in data(run_ksad("status", "--json", env=env, check=True))}
    assert {n: (rows[n]["version"], rows[n]["update"], rows[n]["update_error"]) for n in names} == {
        n: ("1.0.0", "1.1.0", None) for n in names}
    shown = run_ksad("status", env=env, check=True)
    assert "Update" in shown.stderr and "1.1.0" in shown.stderr and "ksad upgrade --all" in shown.stderr

    # the app whose new release never gets healthy is put back; it does not stop the others' upgrades
    proc = run_ksad("upgrade", "--all", "--json", "--timeout", "20", env=env, check=8, timeout=600)
    results = data(proc)
    slug_of = {r["name"]: r["slug"] for r in rows.values()}
    refused = [r for r in results if "error" in r]
    assert [r["name"] for r in refused] == [failing] and refused[0]["error"]["exit_code"] == 8
    ours = {r["name"]: r for r in results if r.get("name") in names}
    assert {n: (r["version"], r["applied"]) for n, r in ours.items()} == {n: ("1.1.0", True) for n in names}
    assert status_of(run_ksad, env, slug_of[failing])["version"] == "1.0.0"
    rows = {r["name"]: r for r in data(run_ksad("status", "--json", env=env, check=True))}
    assert all(rows[n]["version"] == "1.1.0" and rows[n]["health"] == "healthy" for n in names)
    assert [rows[n]["update"] for n in names] == [None, None]

    # a catalog that fails its trust check leaves status working, and says why updates are unknown
    entry = builder.catalog / "apps" / "uji-semua-a.yaml"
    entry.write_text(entry.read_text() + "# edited\n")
    tampered = run_ksad("status", env=env, check=True)
    assert "Updates could not be looked up:" in tampered.stderr and "apps/uji-semua-a.yaml" in tampered.stderr
    rows = {r["name"]: r for r in data(run_ksad("status", "--json", env=env, check=True))}
    assert rows[names[0]]["health"] == "healthy" and "apps/uji-semua-a.yaml" in rows[names[0]]["update_error"]


# --- a re-install onto the data an uninstall kept ----------------------------------------------


@pytest.mark.parametrize("how", ["health-fails", "killed"])
def test_reinstall_onto_kept_data_that_fails_keeps_the_data_and_continues_the_history(
        how, tmp_path, run_ksad, app_name, docker_engine, test_session, ksad_cleanup):
    inst = install_app(tmp_path, run_ksad, app_name, stem="Simpan")
    add_record(inst.url, "Data yang harus tetap ada")
    before = inst.records(docker_engine, test_session)
    run_ksad("uninstall", inst.name, env=inst.env, check=True)
    install = ("install", APP, "--name", inst.name)
    if how == "health-fails":
        proc = run_ksad(*install, "--version", "1.1.0", env=inst.env, check=8, timeout=300)
        assert "previous state was restored" in proc.stderr
        expected = [(1, "install", "1.0.0", "ok"), (2, "install", "1.1.0", "failed")]
    else:
        run_ksad(*install, "--version", "1.2.0", env={**inst.env, "KSAD_CRASH_AT": "started-web"}, check=-9,
                 timeout=300)
        expected = [(1, "install", "1.0.0", "ok"), (2, "install", "1.2.0", "interrupted")]
    assert docker_engine.volumes.get(inst.volume)  # the kept data is still there, with the user's record
    assert inst.records(docker_engine, test_session).startswith(before)

    again = run_ksad(*install, "--version", "1.2.0", env=inst.env, check=True, timeout=300)
    assert "revision 3" in again.stderr
    assert "Data yang harus tetap ada" in get(again.stdout.strip())
    assert history_of(run_ksad, inst.env, inst.name) == expected + [(3, "install", "1.2.0", "ok")]
    assert_clean(docker_engine, inst.slug)


@pytest.mark.parametrize("how", ["health-fails", "killed"])
def test_reinstall_onto_kept_data_that_fails_puts_that_data_back(how, tmp_path, run_ksad, app_name, docker_engine,
                                                                 test_session, ksad_cleanup):
    inst = install_app(tmp_path, run_ksad, app_name, stem="Ulang")
    add_record(inst.url, "Data sebelum pasang ulang")
    run_ksad("uninstall", inst.name, env=inst.env, check=True)
    kept = inst.files(docker_engine, test_session)
    install = ("install", APP, "--name", inst.name, "--version")
    version = "1.1.0" if how == "health-fails" else "1.2.0"  # the db of both migrates the data as it starts
    plan = data(run_ksad(*install, version, "--dry-run", "--json", env=inst.env, check=True))
    assert listed(plan, "snapshot") == [(f"{inst.volume}.rev1", inst.volume)]
    if how == "health-fails":
        proc = run_ksad(*install, version, env=inst.env, check=8, timeout=300)
        assert "previous state was restored" in proc.stderr
    else:
        run_ksad(*install, version, env={**inst.env, "KSAD_CRASH_AT": "started-web"}, check=-9, timeout=300)
        gone = run_ksad("uninstall", inst.name, env=inst.env, check=True, timeout=300)
        assert "An interrupted install was found; undoing it" in gone.stderr
    assert inst.files(docker_engine, test_session) == kept  # the re-install's migration is gone
    assert container_names(docker_engine, inst.slug) == set()
    assert not docker_engine.networks.list(names=[f"ksad-{inst.slug}"])

    # as an upgrade does, a successful re-install keeps the copy: revision 1 comes back with that data
    again = run_ksad(*install, "1.2.0", env=inst.env, check=True, timeout=300)
    add_record(again.stdout.strip(), "Data setelah pasang ulang")
    rows = data(run_ksad("history", inst.name, "--json", env=inst.env, check=True))
    assert [r["revision"] for r in rows if r["snapshot"]] == [1]
    run_ksad("rollback", inst.name, "--to", "1", env=inst.env, check=True, timeout=300)
    assert inst.files(docker_engine, test_session) == kept
    assert_clean(docker_engine, inst.slug)


def test_a_retry_after_a_port_clash_looks_for_a_port_from_a_random_place():
    from ksad.deploy import PORT_RANGE, free_port

    assert {free_port(set(), local=False) for _ in range(20)} == {PORT_RANGE.start}  # the README's first URL
    spread = [free_port(set(), local=False, anywhere=True) for _ in range(20)]
    assert len(set(spread)) > 1 and all(p in PORT_RANGE for p in spread)
    taken = set(PORT_RANGE) - {PORT_RANGE.start}
    assert free_port(set(taken), local=False, anywhere=True) == PORT_RANGE.start  # it wraps around


# A db that takes seconds to be ready: ksad creates the web (with the host port it chose) while it
# waits, so another program has the time to take that port before the web starts.
SLOW_DB = 'command: ["/bin/sh", "-c", "sleep 3; exec /ksad/start.sh"]'


def test_a_port_taken_meanwhile_is_planned_again_as_the_same_revision(tmp_path, run_ksad, app_name, ksad_env,
                                                                       docker_engine, ksad_cleanup):
    def slow_db_catalog(builder: CatalogBuilder, app_id: str) -> None:
        builder.add_release(app_id, "1.0.0", two_service())
        builder.add_release(app_id, "1.2.0", with_db(two_service(), SLOW_DB))

    inst = install_app(tmp_path, run_ksad, app_name, stem="Bentrok", builder=slow_db_catalog, app="uji-bentrok")
    run_ksad("uninstall", inst.name, env=inst.env, check=True)  # a re-install chooses its ports afresh
    proc = subprocess.Popen([sys.executable, "-m", "ksad", "install", "uji-bentrok", "--name", inst.name,
                             "--version", "1.2.0"], env={**ksad_env, **inst.env}, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        # the plain listing: containers.list() reads each container again and fails on one removed
        # meanwhile, as this web is if another install on the engine takes its port first
        while not (webs := docker_engine.api.containers(all=True, filters={"name": f"{inst.slug}-web"})):
            assert proc.poll() is None and time.monotonic() < deadline, "the new web was never created"
            time.sleep(0.05)
        port = int(webs[0]["Labels"]["ksad.ports"])
        with socket.socket() as holder:  # another program takes the port ksad chose for the web
            try:
                holder.bind(("0.0.0.0", port))
                holder.listen()
            except OSError:  # another install took it first: the same clash
                pass
            _out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    # on a shared engine another install may take the port first: the same retry, for another port
    assert "were taken by another program meanwhile; planning again with other ports" in err
    assert "revision 2" in err  # one command, one revision: the retry is not a second one
    assert history_of(run_ksad, inst.env, inst.name) == [(1, "install", "1.0.0", "ok"), (2, "install", "1.2.0", "ok")]
    row = status_of(run_ksad, inst.env, inst.slug)
    assert row["health"] == "healthy" and f":{port}/" not in row["url"]
    assert_clean(docker_engine, inst.slug)


def test_data_a_plain_uninstall_kept_can_be_purged_later(tmp_path, run_ksad, app_name, docker_engine, test_session,
                                                        ksad_cleanup):
    inst = install_app(tmp_path, run_ksad, app_name, stem="Buang")
    run_ksad("upgrade", inst.name, "--version", "1.2.0", env=inst.env, check=True, timeout=300)  # a snapshot too
    gone = run_ksad("uninstall", inst.name, env=inst.env, check=True)
    kept = next(line for line in gone.stderr.splitlines() if line.startswith("Data volumes kept:"))
    assert inst.volume in kept and ".rev" not in kept  # records and snapshots are not the user's data
    secrets = tmp_path / "home" / "secrets" / "local" / f"{inst.slug}.json"
    assert secrets.exists()

    plain = run_ksad("uninstall", inst.name, env=inst.env, check=4)
    assert "only its kept data is left" in plain.stderr and f'ksad uninstall "{inst.name}" --purge' in plain.stderr
    dry = run_ksad("uninstall", inst.name, "--purge", "--dry-run", env=inst.env, check=True)
    assert f"delete volume (data) {inst.volume}" in dry.stderr and "Dry run: nothing was changed." in dry.stderr
    # the data first, then what ksad kept beside it, each called what it is
    listed = [line for line in dry.stderr.splitlines() if line.startswith("- ")]
    assert listed == [f"- delete volume (data) {inst.volume}",
                      f"- delete saved copy of the data {inst.volume}.rev1",
                      f"- delete revision record ksad-{inst.slug}.rev1",
                      f"- delete revision record ksad-{inst.slug}.rev2"], dry.stderr
    assert docker_engine.volumes.get(inst.volume) and secrets.exists()

    purged = run_ksad("uninstall", inst.name, "--purge", env=inst.env, check=True)
    assert "removed from local" in purged.stderr
    assert not docker_engine.volumes.list(filters={"label": f"ksad.slug={inst.slug}"})  # data, records, snapshots
    assert not secrets.exists()
    assert container_names(docker_engine, inst.slug) == set()
    run_ksad("uninstall", inst.name, "--purge", env=inst.env, check=4)  # nothing left to purge


# A web that ignores SIGTERM: stopping it takes the whole stop timeout (10 s), so a Ctrl-C lands mid-stop.
SLOW_TO_STOP = """command: ["/bin/sh", "-c", "trap '' TERM; exec /ksad/start.sh"]"""


def test_ctrl_c_while_the_old_containers_stop_brings_them_back(tmp_path, run_ksad, app_name, ksad_env,
                                                                docker_engine, test_session, ksad_cleanup):
    def slow_catalog(builder: CatalogBuilder, app_id: str) -> None:
        builder.add_release(app_id, "1.0.0", two_service(extra_web=SLOW_TO_STOP))
        builder.add_release(app_id, "1.2.0", migrating("1.2.0"))

    inst = install_app(tmp_path, run_ksad, app_name, stem="Henti", builder=slow_catalog, app="uji-henti")
    add_record(inst.url, "Sebelum Ctrl-C")
    before = inst.files(docker_engine, test_session)
    proc = subprocess.Popen([sys.executable, "-m", "ksad", "upgrade", inst.name, "--version", "1.2.0"],
                            env={**ksad_env, **inst.env}, cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    said = []
    for line in proc.stderr:  # the line is printed just before the stop request is sent
        said.append(line)
        if "Stopping the previous" in line:
            break
    time.sleep(1)
    proc.send_signal(signal.SIGINT)
    _out, rest = proc.communicate(timeout=180)
    err = "".join(said) + rest
    assert proc.returncode == 130, err
    assert "Interrupted. Nothing was left half-done." in err
    time.sleep(11)  # longer than the stop's timeout: a stop still running on the engine would be over now
    assert_upgrade_interrupted(run_ksad, docker_engine, test_session, inst, before, "Sebelum Ctrl-C")


def assert_upgrade_interrupted(run_ksad, docker_engine, test_session: str, inst: Installed, before: dict[str, str],
                               record: str) -> None:
    """An upgrade to 1.2.0 cut short: 1.0.0 runs healthy with the same files, the history says so."""
    row = status_of(run_ksad, inst.env, inst.slug)
    assert (row["version"], row["revision"], row["health"]) == ("1.0.0", 1, "healthy")
    assert {s["service"]: s["state"] for s in row["services"]} == {"web": "running", "db": "running"}
    assert inst.files(docker_engine, test_session) == before
    assert record in get(inst.url)
    assert history_of(run_ksad, inst.env, inst.name) == [(1, "install", "1.0.0", "ok"),
                                                         (2, "upgrade", "1.2.0", "interrupted")]
    assert_clean(docker_engine, inst.slug)


# --- an image VOLUME the recipe does not mount ---------------------------------------------------

# The stand-in db declares VOLUME /data; this recipe mounts nothing there (as a postgres recipe that
# forgot /var/lib/postgresql/data would). {extra}: more services, indented as services.
UNMOUNTED = """\
services:
  db:
    build: ../../standin/db
    init: true
    environment: {{DB_SEED: "Catatan {version}"}}
    healthcheck:
      test: ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8081/health"]
      interval: 200ms
      timeout: 2s
      retries: 100
    stop_grace_period: 1s
{extra}
x-ksad:
  secrets:
    db_password: {{env: {{db: {passwords}}}}}
"""
# a second db that never gets healthy: an upgrade that brings it in fails, after making its volume
NEVER_HEALTHY_DB2 = """\
  db2:
    build: ../../standin/db
    init: true
    healthcheck: {test: ["CMD", "/bin/busybox", "false"], interval: 200ms, timeout: 2s, retries: 3}
    stop_grace_period: 1s
"""
KEEPS_DATA = "service db: its image keeps data at /data, which the recipe does not mount"


# the publisher's fix: /data declared as a data volume
MOUNTED = UNMOUNTED.replace("    stop_grace_period: 1s\n{extra}",
                            "    stop_grace_period: 1s\n    volumes: [\"db-data:/data\"]\n"
                            "volumes:\n  db-data: {{}}").replace("x-ksad:\n", "x-ksad:\n  data_volumes: [db-data]\n")


def unmounted_catalog(builder: CatalogBuilder, app_id: str) -> None:
    """1.0.0 and 1.1.0: a db whose /data is unmounted; 1.2.0 adds db2, which never gets healthy;
    1.3.0 mounts /data (as a data volume)."""
    builder.add_release(app_id, "1.0.0", UNMOUNTED.format(version="1.0.0", extra="", passwords="DB_PASSWORD"))
    builder.add_release(app_id, "1.1.0", UNMOUNTED.format(version="1.1.0", extra="", passwords="DB_PASSWORD"))
    builder.add_release(app_id, "1.2.0", UNMOUNTED.format(version="1.2.0", extra=NEVER_HEALTHY_DB2.rstrip(),
                                                          passwords="DB_PASSWORD, db2: DB_PASSWORD"),
                        contexts={"db2": builder.src / "recipes" / "standin" / "db"})
    builder.add_release(app_id, "1.3.0", MOUNTED.format(version="1.3.0", passwords="DB_PASSWORD"))


def install_unmounted(tmp_path: Path, run_ksad, app_name, stem: str) -> tuple[Installed, str]:
    """The app installed as a user would (human output), and what install said on stderr."""
    catalog = CatalogBuilder(tmp_path / "cat")
    unmounted_catalog(catalog, "uji-vol")
    env = {"KSAD_CATALOG": str(catalog.catalog)}
    run_ksad(*INIT, env=env, check=True)
    name = app_name(stem)
    said = run_ksad("install", "uji-vol", "--name", name, "--version", "1.0.0", env=env, check=True, timeout=300)
    row = next(r for r in data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)
    return Installed(name, row["slug"], row["url"] or "", f"ksad-{row['slug']}-db.data", env, catalog), said.stderr


def in_db(client, inst: Installed, command: str) -> str:
    code, out = client.containers.get(f"{inst.slug}-db").exec_run(["/bin/sh", "-c", command])
    assert code == 0, out
    return out.decode()


def anonymous_mounts(client, slug: str) -> set[str]:
    """The volumes the engine made by itself (no ksad label, 64 hex digits) that the app's containers mount."""
    import re

    found = set()
    for c in client.containers.list(all=True, filters={"label": f"ksad.slug={slug}"}):
        for m in c.attrs["Mounts"]:
            if m["Type"] == "volume" and re.fullmatch(r"[0-9a-f]{64}", m["Name"]):
                if "ksad.managed" not in (client.volumes.get(m["Name"]).attrs.get("Labels") or {}):
                    found.add(m["Name"])
    return found


def existing_volumes(client, names: set[str]) -> set[str]:
    return {v.name for v in client.volumes.list() if v.name in names}


def test_data_at_an_unmounted_image_volume_survives_upgrade_and_rollback_and_nothing_leaks(
        tmp_path, run_ksad, app_name, docker_engine, ksad_cleanup):
    inst, said = install_unmounted(tmp_path, run_ksad, app_name, "Volume")
    assert KEEPS_DATA in said and f"volume {inst.volume}" in said and "not snapshotted or backed up" in said
    in_db(docker_engine, inst, "echo revisi-1 > /data/kept.txt")
    seen = anonymous_mounts(docker_engine, inst.slug)
    assert seen == set()

    up = run_ksad("upgrade", inst.name, "--version", "1.1.0", env=inst.env, check=True, timeout=300)
    assert KEEPS_DATA in up.stderr
    assert in_db(docker_engine, inst, "cat /data/kept.txt") == "revisi-1\n"
    seen |= anonymous_mounts(docker_engine, inst.slug)
    run_ksad("rollback", inst.name, env=inst.env, check=True, timeout=300)
    assert in_db(docker_engine, inst, "cat /data/kept.txt") == "revisi-1\n"
    seen |= anonymous_mounts(docker_engine, inst.slug)
    assert seen == set() and existing_volumes(docker_engine, seen) == set()
    labels = docker_engine.volumes.get(inst.volume).attrs["Labels"]
    assert (labels["ksad.kind"], labels["ksad.service"], labels["ksad.path"], labels["ksad.slug"],
            labels["ksad.created_revision"]) == ("image", "db", "/data", inst.slug, "1")
    assert container_names(docker_engine, inst.slug) == {f"{inst.slug}-db"}  # the replaced ones went

    # the publisher's fix: a release that mounts a data volume at /data gets what ksad kept there
    fixed = run_ksad("upgrade", inst.name, "--version", "1.3.0", env=inst.env, check=True, timeout=300)
    assert KEEPS_DATA not in fixed.stderr and f"into volume ksad-{inst.slug}-db-data" in fixed.stderr
    assert in_db(docker_engine, inst, "cat /data/kept.txt") == "revisi-1\n"

    gone = run_ksad("uninstall", inst.name, env=inst.env, check=True)
    kept = next(line for line in gone.stderr.splitlines() if line.startswith("Data volumes kept:"))
    assert inst.volume in kept and f"ksad-{inst.slug}-db-data" in kept
    assert docker_engine.volumes.get(inst.volume)
    dry = run_ksad("uninstall", inst.name, "--purge", "--dry-run", "--json", env=inst.env, check=True)
    assert {"action": "remove-volume", "subject": inst.volume, "detail": ""} in data(dry)["actions"]
    run_ksad("uninstall", inst.name, "--purge", env=inst.env, check=True)
    assert not docker_engine.volumes.list(filters={"label": f"ksad.slug={inst.slug}"})
    assert container_names(docker_engine, inst.slug) == set()


def test_a_failed_upgrade_removes_the_image_volume_it_made_and_keeps_the_one_there_before(
        tmp_path, run_ksad, app_name, docker_engine, ksad_cleanup):
    inst, _said = install_unmounted(tmp_path, run_ksad, app_name, "Gagal")
    in_db(docker_engine, inst, "echo sebelum > /data/kept.txt")
    proc = run_ksad("upgrade", inst.name, "--version", "1.2.0", env=inst.env, check=8, timeout=300)
    assert "previous state was restored" in proc.stderr
    assert f"ksad-{inst.slug}-db2.data" in proc.stderr  # it was made (and said), then undone
    assert existing_volumes(docker_engine, {f"ksad-{inst.slug}-db2.data"}) == set()
    assert docker_engine.volumes.get(inst.volume).attrs["Labels"]["ksad.created_revision"] == "1"
    assert in_db(docker_engine, inst, "cat /data/kept.txt") == "sebelum\n"
    assert status_of(run_ksad, inst.env, inst.slug)["revision"] == 1


def as_an_older_ksad_made_it(client, inst: Installed, service: str) -> None:
    """The service's container made again as an older ksad made it (its create arguments, no mount at
    the image's VOLUME), without the volume ksad keeps that path in now: the engine gives it an
    anonymous volume there."""
    name = f"{inst.slug}-{service}"
    attrs = client.containers.get(name).attrs
    client.api.remove_container(name, force=True)
    ours = f"ksad-{inst.slug}-{service}.data"
    if existing_volumes(client, {ours}):
        client.volumes.get(ours).remove()
    api, config, network = client.api, attrs["Config"], f"ksad-{inst.slug}"
    cid = api.create_container(
        config["Image"], command=config["Cmd"], environment=config["Env"], labels=config["Labels"], name=name,
        healthcheck=config.get("Healthcheck"), host_config=api.create_host_config(init=True, network_mode=network),
        networking_config=api.create_networking_config({network: api.create_endpoint_config(aliases=[service])}))["Id"]
    api.start(cid)


@pytest.mark.parametrize("version", ["1.1.0", "1.3.0"], ids=["into-image-volume", "into-data-volume"])
def test_upgrading_a_container_an_older_ksad_made_carries_its_anonymous_volume_over(
        version, tmp_path, run_ksad, app_name, docker_engine, test_session, ksad_cleanup):
    """An older ksad's db: made as that ksad made it (its create arguments, no mount at /data), so
    the engine gave it an anonymous volume, which holds the data. The upgrade must carry that over,
    into the volume ksad keeps /data in (1.1.0), or into the data volume a fixed recipe mounts (1.3.0)."""
    inst, _said = install_unmounted(tmp_path, run_ksad, app_name, "Lama")
    as_an_older_ksad_made_it(docker_engine, inst, "db")
    in_db(docker_engine, inst, "echo dari-ksad-lama > /data/kept.txt")
    (old,) = anonymous_mounts(docker_engine, inst.slug)  # the engine made one, as it did for an older ksad

    up = run_ksad("upgrade", inst.name, "--version", version, env=inst.env, check=True, timeout=300)
    into = inst.volume if version == "1.1.0" else f"ksad-{inst.slug}-db-data"
    assert f"into volume {into}" in up.stderr
    assert in_db(docker_engine, inst, "cat /data/kept.txt") == "dari-ksad-lama\n"
    assert volume_text(docker_engine, into, "kept.txt", {infra.TEST_LABEL: test_session}) == "dari-ksad-lama\n"
    assert anonymous_mounts(docker_engine, inst.slug) == set()
    assert existing_volumes(docker_engine, {old}) == set()  # removed with the container it belonged to


def test_a_service_the_release_drops_leaves_the_anonymous_volume_an_older_ksad_gave_it(
        tmp_path, run_ksad, app_name, docker_engine, ksad_cleanup):
    """Removed for good with the release that drops it, its container keeps its anonymous volume: no
    revision runs the service to carry the data on, and a dropped service's data is kept, not deleted."""
    catalog = CatalogBuilder(tmp_path / "cat")
    arsip = UNMOUNTED[UNMOUNTED.index("  db:\n"):UNMOUNTED.index("{extra}")].replace("  db:", "  arsip:", 1)
    arsip = arsip.replace("{version}", "1.0.0").replace("{{", "{").replace("}}", "}")  # format()ted into UNMOUNTED
    catalog.add_release("uji-arsip", "1.0.0", UNMOUNTED.format(version="1.0.0", extra=arsip.rstrip(),
                                                               passwords="DB_PASSWORD, arsip: DB_PASSWORD"),
                        contexts={"arsip": catalog.src / "recipes" / "standin" / "db"})
    catalog.add_release("uji-arsip", "1.1.0", UNMOUNTED.format(version="1.1.0", extra="", passwords="DB_PASSWORD"))
    env = {"KSAD_CATALOG": str(catalog.catalog)}
    run_ksad(*INIT, env=env, check=True)
    name = app_name("Arsip")
    run_ksad("install", "uji-arsip", "--name", name, "--version", "1.0.0", env=env, check=True, timeout=300)
    slug = next(r for r in data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)["slug"]
    inst = Installed(name, slug, "", f"ksad-{slug}-db.data", env, catalog)
    as_an_older_ksad_made_it(docker_engine, inst, "arsip")
    (old,) = anonymous_mounts(docker_engine, slug)
    try:
        run_ksad("upgrade", name, "--version", "1.1.0", env=env, check=True, timeout=300)
        assert container_names(docker_engine, slug) == {f"{slug}-db"}
        assert existing_volumes(docker_engine, {old}) == {old}
    finally:
        run_ksad("uninstall", name, "--purge", env=env, timeout=300)
        if existing_volumes(docker_engine, {old}):
            docker_engine.volumes.get(old).remove()


# --- the connection to an ssh target breaks mid-change ---------------------------------------------


def cut_ssh_connections_of(pid: int, port: int) -> int:
    """Kill the sshd processes serving *pid*'s connections to the sshd on *port*, as a network cut
    would end them (other sessions' connections to the same sshd go on). Returns how many."""
    def sockets(filter_: str) -> list[str]:
        return subprocess.run(["ss", "-Htnp", "state", "established", filter_], capture_output=True, text=True,
                              check=True).stdout.splitlines()

    ours = {line.split()[2].rsplit(":", 1)[1] for line in sockets(f"( dport = :{port} )") if f"pid={pid}," in line}
    served = {int(part.split("pid=")[1].split(",")[0]) for line in sockets(f"( sport = :{port} )")
              if line.split()[3].rsplit(":", 1)[1] in ours for part in line.split("users:")[1:]}
    for sshd in served:
        subprocess.run(["kill", str(sshd)], check=False)
    return len(served)


def upgrade_waiting_for_health_over_ssh(tmp_path, run_ksad, ksad_env, ssh_target, app_name, client):
    """An app installed over ssh at 1.0.0, and `ksad upgrade` to 1.3.0 (never healthy) running, once it
    waits for the new web's health: (the upgrade's process, env, local name, slug)."""
    catalog = CatalogBuilder(tmp_path / "cat")
    lifecycle_catalog(catalog, APP)
    env = {"KSAD_CATALOG": str(catalog.catalog), "KSAD_TARGET": ssh_target.url, **ssh_target.env}
    run_ksad(*INIT, env=env, check=True)
    name = app_name("Putus")
    slug = data(run_ksad("install", APP, "--name", name, "--version", "1.0.0", "--json", env=env, check=True,
                         timeout=300))["slug"]
    proc = subprocess.Popen([sys.executable, "-m", "ksad", "upgrade", name, "--version", "1.3.0"],
                            env={**ksad_env, **env}, cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not client.containers.list(filters={"label": [f"ksad.slug={slug}", "ksad.version=1.3.0"],
                                              "status": "running"}):
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise AssertionError(proc.communicate())
        time.sleep(0.2)
    time.sleep(0.5)  # waiting for the new web's health now
    return proc, env, name, slug


def test_a_connection_cut_mid_upgrade_over_ssh_says_the_previous_state_is_back(
        tmp_path, run_ksad, ksad_env, ssh_target, app_name, docker_engine, ksad_cleanup):
    """The server stops answering during the health wait (its sshd processes for ksad killed): ksad
    reaches it again for the undo, and says that the connection broke and the previous state is back,
    not only "Cannot reach the Docker engine", which left users asking what became of their app."""
    proc, env, name, slug = upgrade_waiting_for_health_over_ssh(tmp_path, run_ksad, ksad_env, ssh_target, app_name,
                                                                docker_engine)
    try:
        assert cut_ssh_connections_of(proc.pid, ssh_target.port) >= 1
        _out, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 7 and "Traceback" not in err, err
    assert "broke during the upgrade" in err and "put back the previous state" in err, err
    assert status_of(run_ksad, env, slug)["version"] == "1.0.0"
    assert history_of(run_ksad, env, name)[-1] == (2, "upgrade", "1.3.0", "failed")
    run_ksad("uninstall", name, "--purge", env=env, check=True, timeout=300)


def test_a_connection_cut_that_outlasts_the_undo_is_undone_by_the_next_command(
        tmp_path, run_ksad, ksad_env, ssh_target, app_name, docker_engine, ksad_cleanup):
    """The server stays away for the undo too (its sshd takes no new connection): ksad says the undo
    could not finish and that the same command, once the server answers, finishes it; and it does."""
    proc, env, name, slug = upgrade_waiting_for_health_over_ssh(tmp_path, run_ksad, ksad_env, ssh_target, app_name,
                                                                docker_engine)
    try:
        infra.stop_process(infra.listener_pid(ssh_target.port))  # its sessions go on: only ksad's are cut
        assert cut_ssh_connections_of(proc.pid, ssh_target.port) >= 1
        _out, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
        infra.ensure_sshd()
    assert proc.returncode == 7 and "Traceback" not in err, err
    assert "the undo could not finish" in err and "run the same command again" in err, err
    again = run_ksad("upgrade", name, "--version", "1.2.0", env=env, check=True, timeout=300)
    assert "An interrupted upgrade was found; undoing it (back to revision 1)" in again.stderr, again.stderr
    assert history_of(run_ksad, env, name)[-2:] == [(2, "upgrade", "1.3.0", "interrupted"),
                                                    (3, "upgrade", "1.2.0", "ok")]
    run_ksad("uninstall", name, "--purge", env=env, check=True, timeout=300)
