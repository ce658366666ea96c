"""kill -9 at every step boundary of install, upgrade and rollback (and during an undo): the next
command on the app finishes or undoes what was left, with the data as it must be (issue 4, part 4).

The kill is real: with KSAD_CRASH_AT=<step> ksad sends itself SIGKILL at that step, so nothing
in the process gets to clean up. The next command is the one a user naturally runs: the same one
again. It must say what it found and did, and leave the app healthy with no marker or old
container behind. The test releases' db "migrates" on every start (it appends a line), so data
that an undo failed to bring back would show up as a second line.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from catalog_factory import HEALTH_NEVER, CatalogBuilder, migrating, two_service
from test_lifecycle import (INIT, SLOW_TO_STOP, add_record, assert_clean, assert_upgrade_interrupted, container_names,
                            data, get, history_of, install_app, status_of)

pytestmark = pytest.mark.docker

APP = "uji-mati"
CRASH = "KSAD_CRASH_AT"
KILLED = -9


def crash_catalog(builder: CatalogBuilder, app_id: str) -> None:
    builder.add_release(app_id, "1.0.0", two_service())
    builder.add_release(app_id, "1.1.0", migrating("1.1.0", every_start=True, web_health=HEALTH_NEVER, retries=3))
    builder.add_release(app_id, "1.2.0", migrating("1.2.0", every_start=True))


def said(outcome: str, op: str) -> str:
    return {"undone": f"An interrupted {op} was found; undoing it",
            "finished": f"An interrupted {op} was found; finishing it"}[outcome]


def installed(tmp_path, run_ksad, app_name, stem: str):
    inst = install_app(tmp_path, run_ksad, app_name, stem=stem, builder=crash_catalog, app=APP)
    add_record(inst.url, "Data sebelum operasi")
    return inst


@pytest.mark.parametrize("point, outcome", [
    ("begun", "undone"), ("images", "undone"), ("created", "undone"), ("started-db", "undone"),
    ("healthy", "undone"), ("committed", "finished"), ("recorded", "finished"),
])
def test_kill_during_install(point, outcome, tmp_path, run_ksad, app_name, docker_engine, ksad_cleanup):
    catalog = CatalogBuilder(tmp_path / "cat")
    crash_catalog(catalog, APP)
    env = {"KSAD_CATALOG": str(catalog.catalog)}
    run_ksad(*INIT, env=env, check=True)
    name = app_name("Pasang")
    args = ("install", APP, "--name", name, "--version", "1.0.0")
    run_ksad(*args, env={**env, CRASH: point}, check=KILLED, timeout=300)

    again = run_ksad(*args, env=env, check=True, timeout=300)
    assert said(outcome, "install") in again.stderr
    if outcome == "finished":
        assert "nothing changed" in again.stderr
    url = again.stdout.strip()
    assert name in get(url)
    rows = data(run_ksad("status", "--json", env=env, check=True))
    row = next(r for r in rows if r["name"] == name)
    assert (row["version"], row["revision"], row["health"], row["url"]) == ("1.0.0", 1, "healthy", url)
    assert history_of(run_ksad, env, name) == [(1, "install", "1.0.0", "ok")]
    assert_clean(docker_engine, row["slug"])


@pytest.mark.parametrize("point, outcome", [
    ("begun", "undone"), ("stopped", "undone"), ("snapshot", "undone"), ("snapshotted", "undone"),
    ("started-db", "undone"), ("started-web", "undone"), ("healthy", "undone"),
    ("committed", "finished"), ("recorded", "finished"),
])
def test_kill_during_upgrade(point, outcome, tmp_path, run_ksad, app_name, docker_engine, test_session,
                             ksad_cleanup):
    inst = installed(tmp_path, run_ksad, app_name, "Naik")
    before = inst.records(docker_engine, test_session)
    args = ("upgrade", inst.name, "--version", "1.2.0")
    run_ksad(*args, env={**inst.env, CRASH: point}, check=KILLED, timeout=300)
    assert f"ksad-op-{inst.slug}" in container_names(docker_engine, inst.slug)  # the marker says so
    plan = data(run_ksad(*args, "--dry-run", "--json", env=inst.env, check=True))
    assert plan["actions"][0]["action"] == "recover"  # a dry run shows the repair and does not do it
    assert f"ksad-op-{inst.slug}" in container_names(docker_engine, inst.slug)

    again = run_ksad(*args, env=inst.env, check=True, timeout=300)
    assert said(outcome, "upgrade") in again.stderr
    row = status_of(run_ksad, inst.env, inst.slug)
    final = 3 if outcome == "undone" else 2
    assert (row["version"], row["revision"], row["health"], row["url"]) == ("1.2.0", final, "healthy", inst.url)
    assert inst.records(docker_engine, test_session) == before + "migrated-1.2.0\n"
    expected = [(1, "install", "1.0.0", "ok")]
    expected += ([(2, "upgrade", "1.2.0", "interrupted"), (3, "upgrade", "1.2.0", "ok")] if outcome == "undone"
                 else [(2, "upgrade", "1.2.0", "ok")])
    assert history_of(run_ksad, inst.env, inst.name) == expected
    assert_clean(docker_engine, inst.slug)


@pytest.mark.parametrize("point, outcome", [
    ("stopped", "undone"), ("snapshotted", "undone"), ("data-restored", "undone"), ("started-web", "undone"),
    ("committed", "finished"),
])
def test_kill_during_rollback(point, outcome, tmp_path, run_ksad, app_name, docker_engine, test_session,
                              ksad_cleanup):
    inst = installed(tmp_path, run_ksad, app_name, "Balik")
    before = inst.files(docker_engine, test_session)
    run_ksad("upgrade", inst.name, "--version", "1.2.0", env=inst.env, check=True, timeout=300)
    add_record(inst.url, "Data setelah upgrade")
    args = ("rollback", inst.name, "--to", "1")
    run_ksad(*args, env={**inst.env, CRASH: point}, check=KILLED, timeout=300)

    again = run_ksad(*args, env=inst.env, check=True, timeout=300)
    assert said(outcome, "rollback") in again.stderr
    if outcome == "finished":
        assert "nothing changed" in again.stderr
    row = status_of(run_ksad, inst.env, inst.slug)
    final = 4 if outcome == "undone" else 3
    assert (row["version"], row["revision"], row["health"], row["url"]) == ("1.0.0", final, "healthy", inst.url)
    assert inst.files(docker_engine, test_session) == before
    assert "Data setelah upgrade" not in get(inst.url)
    expected = [(1, "install", "1.0.0", "ok"), (2, "upgrade", "1.2.0", "ok")]
    expected += ([(3, "rollback", "1.0.0", "interrupted"), (4, "rollback", "1.0.0", "ok")] if outcome == "undone"
                 else [(3, "rollback", "1.0.0", "ok")])
    assert history_of(run_ksad, inst.env, inst.name) == expected
    assert_clean(docker_engine, inst.slug)


def test_kill_while_undoing_a_failed_upgrade(tmp_path, run_ksad, app_name, docker_engine, test_session,
                                            ksad_cleanup):
    inst = installed(tmp_path, run_ksad, app_name, "Urung")
    before = inst.files(docker_engine, test_session)
    args = ("upgrade", inst.name, "--version", "1.1.0")
    run_ksad(*args, env={**inst.env, CRASH: "undo-data"}, check=KILLED, timeout=300)

    again = run_ksad(*args, env=inst.env, check=8, timeout=300)
    assert said("undone", "upgrade") in again.stderr and "previous state was restored" in again.stderr
    row = status_of(run_ksad, inst.env, inst.slug)
    assert (row["version"], row["revision"], row["health"], row["url"]) == ("1.0.0", 1, "healthy", inst.url)
    assert inst.files(docker_engine, test_session) == before
    assert history_of(run_ksad, inst.env, inst.name) == [
        (1, "install", "1.0.0", "ok"), (2, "upgrade", "1.1.0", "interrupted"), (3, "upgrade", "1.1.0", "failed")]
    assert_clean(docker_engine, inst.slug)


@pytest.mark.parametrize("point, purge, then, code", [
    ("uninstall-removed-web", False, "upgrade", 4),  # one container left: any command on the app finishes it
    ("uninstall-removed-db", False, "uninstall", 0),  # both gone, the marker left: uninstall again finishes it
    ("uninstall-removed-web", True, "uninstall", 0),  # a purge is finished as a purge
], ids=["half-then-upgrade", "all-then-uninstall", "purge-then-uninstall"])
def test_kill_during_uninstall_is_finished_never_undone(point, purge, then, code, tmp_path, run_ksad, app_name,
                                                         docker_engine, test_session, ksad_cleanup):
    inst = installed(tmp_path, run_ksad, app_name, "Copot")
    before = inst.records(docker_engine, test_session)
    args = ("uninstall", inst.name, *(("--purge",) if purge else ()))
    run_ksad(*args, env={**inst.env, CRASH: point}, check=KILLED, timeout=300)

    again = run_ksad(then, inst.name, env=inst.env, check=code, timeout=300)
    assert said("finished", "uninstall") in again.stderr and "undoing" not in again.stderr
    assert container_names(docker_engine, inst.slug) == set()  # no container, no marker
    assert not docker_engine.networks.list(names=[f"ksad-{inst.slug}"])
    secrets = tmp_path / "home" / "secrets" / "local" / f"{inst.slug}.json"
    if purge:
        assert not docker_engine.volumes.list(filters={"label": f"ksad.slug={inst.slug}"})
        assert not secrets.exists()
        return
    assert inst.records(docker_engine, test_session) == before  # the data uninstall keeps is kept
    assert secrets.exists()
    back = run_ksad("install", APP, "--name", inst.name, "--version", "1.0.0", env=inst.env, check=True, timeout=300)
    assert "Data sebelum operasi" in get(back.stdout.strip())
    assert history_of(run_ksad, inst.env, inst.name) == [(1, "install", "1.0.0", "ok"), (2, "install", "1.0.0", "ok")]


def test_kill_during_a_data_copy_leaves_no_helper_holding_the_volumes(tmp_path, run_ksad, app_name, docker_engine,
                                                                       test_session, ksad_cleanup):
    inst = installed(tmp_path, run_ksad, app_name, "Salin")
    before = inst.records(docker_engine, test_session)
    args = ("upgrade", inst.name, "--version", "1.2.0")
    run_ksad(*args, env={**inst.env, CRASH: "copying"}, check=KILLED, timeout=300)  # inside the snapshot's copy

    again = run_ksad(*args, env=inst.env, check=True, timeout=300)
    assert said("undone", "upgrade") in again.stderr
    assert inst.records(docker_engine, test_session) == before + "migrated-1.2.0\n"
    users = {c.name for c in docker_engine.containers.list(all=True, filters={"volume": inst.volume})}
    assert users == {f"{inst.slug}-db"}  # the killed run's copy helper is gone
    run_ksad("uninstall", inst.name, "--purge", env=inst.env, check=True, timeout=300)
    assert not docker_engine.volumes.list(filters={"label": f"ksad.slug={inst.slug}"})


def test_kill_while_an_old_container_stops_leaves_the_old_revision_running(tmp_path, run_ksad, app_name, ksad_env,
                                                                           docker_engine, test_session, ksad_cleanup):
    def slow_catalog(builder: CatalogBuilder, app_id: str) -> None:
        builder.add_release(app_id, "1.0.0", two_service(extra_web=SLOW_TO_STOP))  # its stop takes 10 s
        builder.add_release(app_id, "1.2.0", migrating("1.2.0"))

    inst = install_app(tmp_path, run_ksad, app_name, stem="Tahan", builder=slow_catalog, app="uji-tahan")
    add_record(inst.url, "Sebelum kill -9")
    before = inst.files(docker_engine, test_session)
    proc = subprocess.Popen([sys.executable, "-m", "ksad", "upgrade", inst.name, "--version", "1.2.0"],
                            env={**ksad_env, **inst.env}, cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:  # printed just before the stop request goes to the engine
        if f"Stopping the previous {inst.slug}-web" in line:
            break
    time.sleep(1)
    proc.send_signal(signal.SIGKILL)  # the engine carries the stop on, for 9 s more
    proc.communicate(timeout=60)
    killed = time.monotonic()

    # the next command on the app, at once: here a backup, which changes no container itself
    backup = run_ksad("backup", inst.name, "--output", tmp_path / "tahan.tar", env=inst.env, check=True, timeout=300)
    assert said("undone", "upgrade") in backup.stderr
    time.sleep(max(0.0, killed + 11 - time.monotonic()))  # the killed run's stop would be over by now
    assert_upgrade_interrupted(run_ksad, docker_engine, test_session, inst, before, "Sebelum kill -9")
