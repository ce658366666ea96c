"""Jobs (a service another waits for with ``service_completed_successfully``) and services nobody
waits for, on a real engine: a job runs to its end before its dependents start, once per revision,
and a job or service that fails fails the install or upgrade, which then restores the data."""

from __future__ import annotations

import pytest

import infra
from catalog_factory import CatalogBuilder, two_service, volume_text
from helpers import INIT
from helpers import json_data as data

pytestmark = pytest.mark.docker

APP = "uji-tugas"

# The job takes longer than the db to get healthy, and web refuses to start without what the
# job wrote: started beside the job instead of after it, web exits and the install fails.
JOB = """
  migrate:
    build: ../../standin/db
    init: true
    command: ["/bin/sh", "-c", "sleep 2; echo {mark} >> /data/migrated; exit {code}"]
    volumes: ["db-data:/data"]
    stop_grace_period: 1s
"""
WEB_NEEDS_JOB = ('command: ["/bin/sh", "-c", "test -f /shared/migrated || exit 3; exec /ksad/start.sh"]\n'
                 'volumes: ["db-data:/shared"]')
# a service with no health check that dies at once, while the others take their time
WORKER_DIES = """
  worker:
    build: ../../standin/db
    init: true
    command: ["/bin/sh", "-c", "echo no queue configured; exit 7"]
    stop_grace_period: 1s
"""


def with_job(mark: str, code: int) -> str:
    compose = two_service(extra_web=WEB_NEEDS_JOB).replace(
        "depends_on: {db: {condition: service_healthy}}",
        "depends_on: {db: {condition: service_healthy}, migrate: {condition: service_completed_successfully}}")
    return compose.replace("\n  db:\n", JOB.format(mark=mark, code=code) + "\n  db:\n", 1)


def with_worker() -> str:
    return two_service().replace("\n  db:\n", WORKER_DIES + "\n  db:\n", 1)


@pytest.fixture
def jobs_catalog(tmp_path, run_ksad):
    catalog = CatalogBuilder(tmp_path / "cat")
    standin_db = catalog.src / "recipes" / "standin" / "db"
    catalog.add_release(APP, "1.0.0", with_job("v1", 0), contexts={"migrate": standin_db})
    catalog.add_release(APP, "1.1.0", with_job("v1.1", 4), contexts={"migrate": standin_db})
    catalog.add_release(APP, "1.2.0", with_worker(), contexts={"worker": standin_db})
    env = {"KSAD_CATALOG": str(catalog.catalog)}
    run_ksad(*INIT, env=env, check=True)
    return env


def services_of(run_ksad, env, slug: str) -> dict[str, str]:
    rows = data(run_ksad("status", "--json", env=env, check=True))
    row = next(r for r in rows if r["slug"] == slug)
    return {"app": row["health"], **{s["service"]: s["health"] for s in row["services"]}}


def test_a_job_runs_to_its_end_first_and_once_per_revision(jobs_catalog, run_ksad, app_name, docker_engine,
                                                           test_session, ksad_cleanup):
    env = jobs_catalog
    name = app_name("Tugas")
    proc = run_ksad("install", APP, "--name", name, "--version", "1.0.0", env=env, check=True, timeout=300)
    assert "migrate has finished its work" in proc.stderr
    slug = next(r["slug"] for r in data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)
    assert services_of(run_ksad, env, slug) == {"app": "healthy", "migrate": "completed", "db": "healthy",
                                                "web": "healthy"}

    shown = run_ksad("status", env={**env, "KSAD_LANG": "id"}, check=True)
    row = next(line for line in (shown.stdout + shown.stderr).splitlines() if name in line)
    assert "sehat" in row and "healthy" not in row  # the table speaks the user's language; --json the engine's

    # a re-run changes nothing: the job that did its work is not run again
    again = run_ksad("install", APP, "--name", name, "--version", "1.0.0", env=env, check=True)
    assert "already up to date" in again.stderr
    volume = f"ksad-{slug}-db-data"
    assert volume_text(docker_engine, volume, "migrated", {infra.TEST_LABEL: test_session}) == "v1\n"


def test_a_failed_job_fails_the_upgrade_and_its_changes_to_the_data_are_undone(
        jobs_catalog, run_ksad, app_name, docker_engine, test_session, ksad_cleanup):
    env = jobs_catalog
    name = app_name("Tugas")
    slug = data(run_ksad("install", APP, "--name", name, "--version", "1.0.0", "--json", env=env, check=True,
                         timeout=300))["slug"]

    proc = run_ksad("upgrade", name, "--version", "1.1.0", env=env, check=8, timeout=300)
    assert "Service migrate must finish before the services that wait for it start, but it ended with " \
           "exit code 4" in proc.stderr
    assert "Starting " + f"{slug}-web" not in proc.stderr
    # the job appended to the data before it failed: the undo brought the data back
    volume = f"ksad-{slug}-db-data"
    assert volume_text(docker_engine, volume, "migrated", {infra.TEST_LABEL: test_session}) == "v1\n"
    status = data(run_ksad("status", "--json", env=env, check=True))
    row = next(r for r in status if r["slug"] == slug)
    assert (row["version"], row["health"]) == ("1.0.0", "healthy")


def test_a_service_nobody_waits_for_that_dies_fails_the_install(jobs_catalog, run_ksad, app_name, docker_engine,
                                                                 ksad_cleanup):
    env = jobs_catalog
    name = app_name("Tugas")
    proc = run_ksad("install", APP, "--name", name, "--version", "1.2.0", env=env, check=8, timeout=300)
    assert "Service worker stopped (exit code 7)" in proc.stderr
    assert "no queue configured" in proc.stderr
    assert "is running and healthy" not in proc.stderr
    assert [r for r in data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name] == []
