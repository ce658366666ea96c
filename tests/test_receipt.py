"""A re-run of install that changes nothing is answered from its receipt; every change is still seen.

Each test first makes the receipt answer (a plain re-run), then changes one thing
the plan depends on and checks that the next re-run reacts as a full check would.
"""

from __future__ import annotations

import json
import shutil
import stat
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from helpers import INIT, get, json_data

pytestmark = pytest.mark.docker


@pytest.fixture
def installed(env, run_ksad, ksad_cleanup, app_name) -> tuple[str, dict]:
    """An installed app and its first re-run, which the receipt answered."""
    name = app_name("Tau Samawa")
    assert json_data(run_ksad("install", "uji-web", "--name", name, "--json", env=env, check=True))["applied"]
    again = run_ksad("install", "uji-web", "--name", name, env=env, check=True)
    assert "nothing changed" in again.stderr
    return name, env


def rerun(run_ksad, name: str, env: dict, check=True) -> dict | object:
    proc = run_ksad("install", "uji-web", "--name", name, "--json", env=env, check=check)
    return json_data(proc) if proc.returncode == 0 else proc


def without_seconds(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "seconds"}


def test_rerun_answers_exactly_what_the_full_check_answers(installed, run_ksad, ksad_env):
    name, env = installed
    from_receipt = rerun(run_ksad, name, env)
    shutil.rmtree(Path(ksad_env["KSAD_HOME"]) / "state" / "receipts")
    from_full_check = rerun(run_ksad, name, env)
    assert without_seconds(from_receipt) == without_seconds(from_full_check)
    assert from_receipt["applied"] is False and from_receipt["changes"] is False
    assert {a["action"] for a in from_receipt["actions"]} == {"keep"}
    assert from_receipt["mou"] == "uji-3273-5204"


def test_receipts_are_private_and_hold_no_secret(installed, run_ksad, ksad_env):
    home = Path(ksad_env["KSAD_HOME"])
    receipts = list((home / "state" / "receipts").glob("*.json"))
    assert receipts
    secrets_files = list((home / "secrets").rglob("*.json"))
    values = [v for f in secrets_files for v in json.loads(f.read_text()).values()]
    assert values
    for receipt in receipts:
        assert stat.S_IMODE(receipt.stat().st_mode) == 0o600
        text = receipt.read_text()
        assert not any(v in text for v in values)


def test_a_stopped_container_is_started_again(installed, run_ksad, docker_engine):
    name, env = installed
    slug = rerun(run_ksad, name, env)["slug"]
    docker_engine.containers.get(f"{slug}-web").stop(timeout=2)
    result = rerun(run_ksad, name, env)
    assert result["applied"] is True
    assert docker_engine.containers.get(f"{slug}-web").status == "running"


def test_a_changed_identity_pack_is_applied(installed, run_ksad):
    name, env = installed
    init = [a if a != "sumbawakab.go.id" else "sumbawa.go.id" for a in INIT]
    run_ksad(*init, "--force", env=env, check=True)
    result = rerun(run_ksad, name, env)
    assert result["applied"] is True
    get(result["url"], "sumbawa.go.id")  # the page shows the new domain


def test_an_edited_secret_is_applied(installed, run_ksad, ksad_env):
    name, env = installed
    (secret_file,) = (Path(ksad_env["KSAD_HOME"]) / "secrets").rglob("*.json")
    values = json.loads(secret_file.read_text())
    secret_file.write_text(json.dumps({k: v + "x" for k, v in values.items()}))
    assert rerun(run_ksad, name, env)["applied"] is True


def test_an_mou_narrowed_in_the_catalog_is_enforced(installed, run_ksad, catalog):
    name, env = installed
    doc = catalog.world.mou_doc("uji-3273-5204", apps=[("uji-web", ">=2")])
    catalog.world.write_mou(doc)
    catalog.world.snapshot()
    proc = rerun(run_ksad, name, env, check=6)
    assert "1.0.0" in proc.stderr and ">=2" in proc.stderr


def test_a_recipe_edited_after_signing_is_refused(installed, run_ksad, catalog):
    name, env = installed
    compose = catalog.recipe_dir("uji-web", "1.0.0") / "compose.yaml"
    compose.write_text(compose.read_text() + "\n# edited\n")
    proc = rerun(run_ksad, name, env, check=6)
    assert "recipe" in proc.stderr


def test_an_expired_snapshot_is_refused_after_a_rerun_was_answered(env, run_ksad, ksad_cleanup, app_name, catalog):
    expires = datetime.now(timezone.utc) + timedelta(seconds=25)
    catalog.world.snapshot(expires=expires)
    name = app_name("Uji Kedaluwarsa")
    run_ksad("install", "uji-web", "--name", name, env=env, check=True)
    if datetime.now(timezone.utc) < expires - timedelta(seconds=1):
        assert rerun(run_ksad, name, env)["applied"] is False
    time.sleep(max(0.0, (expires - datetime.now(timezone.utc)).total_seconds()) + 0.5)
    proc = rerun(run_ksad, name, env, check=6)
    assert "expired" in proc.stderr.lower()


def test_a_second_instance_makes_a_rerun_without_name_ambiguous(installed, run_ksad, app_name):
    name, env = installed
    plain = run_ksad("install", "uji-web", "--json", env=env, check=True)  # the one instance
    assert json_data(plain)["name"] == name
    assert json_data(run_ksad("install", "uji-web", "--json", env=env, check=True))["applied"] is False
    run_ksad("install", "uji-web", "--name", app_name("Uji Kedua"), env=env, check=True)
    proc = run_ksad("install", "uji-web", env=env, check=9)  # a conflict: which one is meant
    assert name in proc.stderr
