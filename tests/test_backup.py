"""Backup and restore on a real engine: same page and same data back, on this engine and over SSH;
damaged archives refused before anything changes; names in use refused; a failed restore leaves nothing."""

from __future__ import annotations

import json
import os
import tarfile
from pathlib import Path

import pytest

from catalog_factory import HEALTH_NEVER, CatalogBuilder, two_service
from helpers import INIT, add_record, get, json_data
from ksad.standin import BASE_IMAGE

pytestmark = pytest.mark.docker

APP = "uji-cadang"






def data_checksum(client, slug: str) -> str:
    out = client.containers.run(BASE_IMAGE, ["sh", "-c", "cat /v/records.txt | sha256sum"],
                                volumes={f"ksad-{slug}-db-data": {"bind": "/v", "mode": "ro"}}, remove=True,
                                network_mode="none")
    return out.decode().split()[0]


def page_url(client, slug: str) -> str:
    """The web container's real published port (when two installs race for a port, ksad takes the next one)."""
    web = client.containers.get(f"{slug}-web")
    return f"http://localhost:{web.attrs['NetworkSettings']['Ports']['8080/tcp'][0]['HostPort']}/"




def leftovers(client, slug: str) -> list[str]:
    """Every ksad object of this local name on the engine (containers, volumes, network)."""
    found = [c.name for c in client.containers.list(all=True, filters={"label": f"ksad.slug={slug}"})]
    found += [v.name for v in client.volumes.list(filters={"label": f"ksad.slug={slug}"})]
    found += [n.name for n in client.networks.list(names=[f"ksad-{slug}"])]
    return found


@pytest.fixture
def env(tmp_path: Path, run_ksad) -> dict[str, str]:
    catalog = CatalogBuilder(tmp_path / "cat")
    catalog.add_release(APP, "1.0.0", two_service())
    e = {"KSAD_CATALOG": str(catalog.catalog)}
    run_ksad(*INIT, env=e, check=True)
    return e


@pytest.fixture
def installed(env, run_ksad, docker_engine, app_name, tmp_path, ksad_cleanup):
    """An installed app with one record added through its page, and a backup of it."""
    name = app_name("Sabalong")
    proc = run_ksad("install", APP, "--name", name, "--meaning", "Bersatu membangun", "--set", "greeting=Tabe",
                    env=env, check=True, timeout=300)
    assert proc.stdout.strip().startswith("http://localhost:")
    slug = json_data(run_ksad("backup", APP, "--output", tmp_path / "dry.tar", "--dry-run", "--json", env=env,
                              check=True))["slug"]
    url = page_url(docker_engine, slug)
    add_record(url, "Anggaran 2026 disetujui")
    archive = tmp_path / "backup" / "cadang.tar"
    archive.parent.mkdir()
    backup = json_data(run_ksad("backup", APP, "--output", archive, "--json", env=env, check=True))
    return {"name": name, "url": url, "slug": slug, "archive": archive, "backup": backup,
            "page": get(url), "checksum": data_checksum(docker_engine, slug)}


def test_backup_without_output_goes_to_the_home_and_all_backs_up_every_app(installed, env, run_ksad, ksad_env):
    backups = Path(ksad_env["KSAD_HOME"]) / "backups"
    first = json_data(run_ksad("backup", installed["name"], "--json", env=env, check=True))
    again = json_data(run_ksad("backup", installed["name"], "--json", env=env, check=True))
    for made in (first, again):
        path = Path(made["output"])
        assert path.parent == backups and path.name.startswith(f"{installed['slug']}-2") and path.suffix == ".tar"
        assert path.stat().st_mode & 0o777 == 0o600
    assert first["output"] != again["output"]  # never an older backup replaced, even within one second
    assert backups.stat().st_mode & 0o777 == 0o700

    both = run_ksad("backup", installed["name"], "--all", env=env, check=3)
    assert "or use --all" in both.stderr
    named = run_ksad("backup", "--all", "--output", backups / "x.tar", env=env, check=3)
    assert str(backups) in named.stderr and not (backups / "x.tar").exists()

    # every app on the target that this catalog publishes, each to its own archive; the others on the
    # shared test engine (other catalogs') are named as skipped, and are not touched
    rows = json_data(run_ksad("backup", "--all", "--json", env=env, check=True, timeout=600))
    assert [r["slug"] for r in rows] == [installed["slug"]]
    assert Path(rows[0]["output"]).parent == backups and Path(rows[0]["output"]).is_file()
    assert len(list(backups.glob(f"{installed['slug']}-*.tar"))) == 3
    said = run_ksad("backup", "--all", "--dry-run", env=env, check=True)
    assert f"Would back up {installed['name']}" in said.stderr


def test_backup_purge_restore_brings_back_the_same_page_and_data(installed, env, run_ksad, docker_engine):
    archive, slug, name = installed["archive"], installed["slug"], installed["name"]
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names == ["manifest.json", "volumes/db-data.tar", "checksums.sha256"]
    assert {k: manifest[k] for k in ("format", "app", "version", "name", "answers")} == {
        "format": 1, "app": APP, "version": "1.0.0", "name": name, "answers": {"greeting": "Tabe"}}
    assert "52.04" in manifest["identity"]["yaml"] and manifest["target"]["name"] == "local"
    assert set(manifest["secrets"]) == {"db_password"}
    assert installed["backup"]["size"] == archive.stat().st_size
    # the writers paused for the copy run again
    assert {c.status for c in docker_engine.containers.list(all=True, filters={"label": f"ksad.slug={slug}"})} \
        == {"running"}

    refused = run_ksad("restore", archive, env=env, check=9)
    assert "already installed" in refused.stderr and "Nothing was changed" in refused.stderr

    run_ksad("uninstall", APP, "--purge", env=env, check=True)
    assert leftovers(docker_engine, slug) == []
    proc = run_ksad("restore", archive, env=env, check=True, timeout=300)
    assert "restored on target local" in proc.stderr and proc.stdout.startswith("http://localhost:")
    page = get(page_url(docker_engine, slug))
    for shown in (name, "Bersatu membangun", "Kabupaten Sumbawa", "Anggaran 2026 disetujui"):
        assert shown in installed["page"] and shown in page
    assert data_checksum(docker_engine, slug) == installed["checksum"]
    web = docker_engine.containers.get(f"{slug}-web")
    assert web.labels["ksad.set.greeting"] == "Tabe" and "GREETING=Tabe" in web.attrs["Config"]["Env"]
    history = json_data(run_ksad("history", APP, "--json", env=env, check=True))
    assert [(r["op"], r["result"]) for r in history] == [("restore", "ok")]

    # uninstalled without --purge, its data stays: a restore must not overwrite it
    run_ksad("uninstall", APP, env=env, check=True)
    kept = run_ksad("restore", archive, env=env, check=9)
    assert f"ksad-{slug}-db-data" in kept.stderr and "Nothing was changed" in kept.stderr


def test_restore_over_kept_data_says_the_ksad_command_that_clears_it(installed, env, run_ksad, docker_engine):
    """The hint said 'docker volume rm': that left the snapshots and revision records, and the restore
    then kept a copy of the archive's data as the snapshot of a revision that never had it."""
    run_ksad("uninstall", APP, env=env, check=True)
    kept = run_ksad("restore", installed["archive"], env=env, check=9)
    command = f"ksad uninstall {installed['slug']} --purge"
    assert command in kept.stderr and "docker volume rm" not in kept.stderr, kept.stderr
    run_ksad(*command.split()[1:], env=env, check=True)
    run_ksad("restore", installed["archive"], env=env, check=True, timeout=300)
    assert data_checksum(docker_engine, installed["slug"]) == installed["checksum"]
    history = json_data(run_ksad("history", APP, "--json", env=env, check=True))
    assert [(r["op"], r["result"], r["snapshot"]) for r in history] == [("restore", "ok", False)]


def test_a_refused_restore_onto_another_target_names_that_target_in_its_hint(installed, env, run_ksad):
    """Restoring to --target kantor, the hint said 'ksad uninstall "NAME" --purge': run as said, that
    purges the app on the default target (the old server, during a move), not on kantor."""
    run_ksad("target", "add", "kantor", "unix:///var/run/docker.sock", env=env, check=True)  # this engine again
    installed_there = run_ksad("restore", installed["archive"], "--target", "kantor", env=env, check=9)
    assert f'ksad uninstall "{installed["name"]}" --purge --target kantor' in installed_there.stderr
    run_ksad("uninstall", APP, env=env, check=True)
    kept = run_ksad("restore", installed["archive"], "--target", "kantor", env=env, check=9)
    assert f"ksad uninstall {installed['slug']} --purge --target kantor" in kept.stderr


def test_dry_runs_change_nothing(installed, env, run_ksad, docker_engine, tmp_path):
    out = tmp_path / "never.tar"
    plan = run_ksad("backup", APP, "--output", out, "--dry-run", env=env, check=True)
    assert "volumes/db-data.tar" in plan.stderr and "db_password" in plan.stderr and not out.exists()
    run_ksad("uninstall", APP, "--purge", env=env, check=True)
    dry = run_ksad("restore", installed["archive"], "--dry-run", "--json", env=env, check=True)
    data = json_data(dry)
    assert data["applied"] is False and data["plan"]["app"] == APP
    assert [v["volume"] for v in data["volumes"]] == [f"ksad-{installed['slug']}-db-data"]
    assert leftovers(docker_engine, installed["slug"]) == []


def damaged(archive: Path, how: str) -> bytes:
    data = bytearray(archive.read_bytes())
    if how == "truncated":
        return bytes(data[: len(data) // 2])
    member = {"volume": "volumes/db-data.tar", "manifest": "manifest.json"}[how]
    with tarfile.open(archive) as tar:
        info = tar.getmember(member)
    at = info.offset_data + info.size // 2
    data[at] ^= 0x01
    return bytes(data)


@pytest.mark.parametrize("how, needle", [
    ("truncated", "Nothing was changed"),
    ("volume", "volumes/db-data.tar is corrupted: sha256 expected"),
    ("manifest", "manifest.json is corrupted: sha256 expected"),
])
def test_damaged_archive_is_refused_and_nothing_is_installed(installed, env, run_ksad, docker_engine, tmp_path,
                                                             how, needle):
    run_ksad("uninstall", APP, "--purge", env=env, check=True)
    path = tmp_path / f"{how}.tar"
    path.write_bytes(damaged(installed["archive"], how))
    proc = run_ksad("restore", path, env=env, check=3)
    assert needle in proc.stderr and "Nothing was changed" in proc.stderr
    if how == "truncated":
        assert "truncated" in proc.stderr
    assert leftovers(docker_engine, installed["slug"]) == []
    assert not list((tmp_path / "home" / "secrets").rglob("*.json"))


def test_failed_restore_leaves_nothing_behind(installed, env, run_ksad, docker_engine, tmp_path):
    """Another machine, whose catalog's release of the same version never gets healthy."""
    run_ksad("uninstall", APP, "--purge", env=env, check=True)
    other = CatalogBuilder(tmp_path / "other-cat")
    other.add_release(APP, "1.0.0", two_service(web_health=HEALTH_NEVER, retries=3))
    home = tmp_path / "other-home"
    e = {"KSAD_CATALOG": str(other.catalog), "KSAD_HOME": str(home)}
    proc = run_ksad("restore", installed["archive"], env=e, check=8, timeout=300)
    assert "unhealthy" in proc.stderr
    assert leftovers(docker_engine, installed["slug"]) == []
    assert not (home / "identity.yaml").exists()  # written from the archive for the install, then taken back
    assert not list((home / "secrets").rglob("*.json"))


def test_restore_onto_the_ssh_target_from_a_new_machine(installed, env, run_ksad, docker_engine, ssh_target,
                                                        tmp_path):
    # the loopback sshd reaches this same engine, so the original goes first, as on a server move
    run_ksad("uninstall", APP, "--purge", env=env, check=True)
    home = tmp_path / "new-machine"
    e = {**env, **ssh_target.env, "KSAD_HOME": str(home)}
    proc = run_ksad("restore", installed["archive"], "--target", ssh_target.url, env=e, check=True, timeout=300)
    try:
        assert proc.stdout.strip().startswith("http://127.0.0.1:")
        assert proc.stderr.count("Connecting to target") == 1, proc.stderr  # one ssh handshake, not three
        page = get(page_url(docker_engine, installed["slug"]))
        for shown in (installed["name"], "Kabupaten Sumbawa", "Anggaran 2026 disetujui"):
            assert shown in page
        assert data_checksum(docker_engine, installed["slug"]) == installed["checksum"]
        assert (home / "identity.yaml").exists()  # the new machine had none: it came from the archive
        secrets = list((home / "secrets").rglob("*.json"))
        assert len(secrets) == 1 and secrets[0].stat().st_mode & 0o777 == 0o600
        again = run_ksad("restore", installed["archive"], "--target", ssh_target.url, env=e, check=9)
        assert "already installed" in again.stderr
    finally:
        run_ksad("uninstall", APP, "--purge", "--target", ssh_target.url, env=e, check=True)
    assert leftovers(docker_engine, installed["slug"]) == []
    assert os.path.exists(installed["archive"])


def test_restore_killed_after_filling_the_volumes_is_finished_by_the_next_restore(installed, env, run_ksad,
                                                                                    docker_engine):
    run_ksad("uninstall", APP, "--purge", env=env, check=True)
    killed = run_ksad("restore", installed["archive"], env={**env, "KSAD_CRASH_AT": "restore-filled"})
    assert killed.returncode == -9
    assert docker_engine.volumes.list(filters={"label": f"ksad.slug={installed['slug']}"})  # half-made
    proc = run_ksad("restore", installed["archive"], env=env, check=True, timeout=300)
    assert data_checksum(docker_engine, installed["slug"]) == installed["checksum"]
    assert "Anggaran 2026 disetujui" in get(page_url(docker_engine, installed["slug"]))


def test_restore_killed_while_filling_a_volume_is_finished_by_the_next_restore(installed, env, run_ksad,
                                                                                docker_engine):
    run_ksad("uninstall", APP, "--purge", env=env, check=True)
    killed = run_ksad("restore", installed["archive"], env={**env, "KSAD_CRASH_AT": "restore-filling"})
    assert killed.returncode == -9  # its helper container, mounting the half-filled volume, is left
    run_ksad("restore", installed["archive"], env=env, check=True, timeout=300)
    assert data_checksum(docker_engine, installed["slug"]) == installed["checksum"]
    volume = f"ksad-{installed['slug']}-db-data"
    assert {c.name for c in docker_engine.containers.list(all=True, filters={"volume": volume})} == \
        {f"{installed['slug']}-db"}
    run_ksad("uninstall", APP, "--purge", env=env, check=True)
    assert leftovers(docker_engine, installed["slug"]) == []


def test_an_install_refuses_the_data_of_a_killed_restore(installed, env, run_ksad, docker_engine):
    """A killed restore's volumes may be half filled: a plain install ran the app on them as if an
    uninstall had kept them (its records gone, the app's seed data in their place), and said nothing."""
    run_ksad("uninstall", APP, "--purge", env=env, check=True)
    killed = run_ksad("restore", installed["archive"], env={**env, "KSAD_CRASH_AT": "restore-filling"})
    assert killed.returncode == -9
    for extra in (["--dry-run"], []):
        refused = run_ksad("install", APP, "--name", installed["name"], *extra, env=env, check=9)
        assert "interrupted restore" in refused.stderr and "ksad restore" in refused.stderr, refused.stderr
    assert not docker_engine.containers.list(all=True, filters={"label": [f"ksad.slug={installed['slug']}",
                                                                          "ksad.service"]})
    run_ksad("restore", installed["archive"], env=env, check=True, timeout=300)  # what the message says to do
    assert data_checksum(docker_engine, installed["slug"]) == installed["checksum"]


# --- a manifest whose checksum was made to match, with a field of the wrong kind ---------------------

def forged_archive(path: Path, **changes) -> Path:
    """A ksad archive without volumes whose manifest has *changes* (a dotted key reaches inside),
    with checksums.sha256 recomputed: consistent bytes, wrong content, as a bad tool or hand edit leaves it."""
    manifest = {"format": 1, "ksad": "0.1.0", "created": "2026-01-01T00:00:00+00:00", "by": "uji", "app": APP,
                "version": "1.0.0", "revision": 1, "name": "Sabalong", "slug": "sabalong", "meaning": None,
                "name_language": None, "answers": {"greeting": "Tabe"}, "secrets": {"db_password": "x"},
                "target": {"name": "local", "url": "unix:///var/run/docker.sock"},
                "identity": {"yaml": "format: 1\n", "emblem": None}, "volumes": []}
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        node = manifest
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return manifest_only_archive(path, manifest)


def manifest_only_archive(path: Path, manifest: dict) -> Path:
    """An archive of *manifest* and its checksums.sha256 alone (no volume members), the checksum made to match."""
    import hashlib
    import io

    data = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    sums = f"{hashlib.sha256(data).hexdigest()}  manifest.json\n".encode()
    with tarfile.open(path, "w") as tar:
        for name, blob in (("manifest.json", data), ("checksums.sha256", sums)):
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    return path


@pytest.mark.parametrize("changes", [{"revision": "x"}, {"answers.greeting": 5}, {"identity": "format: 1"},
                                     {"volumes": [5]}])
def test_a_refused_manifest_is_said_once(env, run_ksad, tmp_path, changes):
    """The check's own message (an InputError, so a ValueError) was caught as bad JSON and wrapped again."""
    proc = run_ksad("restore", forged_archive(tmp_path / "forged.tar", **changes), "--dry-run", env=env, check=3)
    assert proc.stderr.count("manifest.json is not valid") == 1 and proc.stderr.count("Nothing was changed") == 1


def test_a_manifest_that_is_not_json_is_said_once(env, run_ksad, tmp_path):
    import hashlib
    import io

    archive, data = tmp_path / "cut.tar", b'{"format": 1,'
    with tarfile.open(archive, "w") as tar:
        for name, blob in (("manifest.json", data),
                           ("checksums.sha256", f"{hashlib.sha256(data).hexdigest()}  manifest.json\n".encode())):
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    proc = run_ksad("restore", archive, "--dry-run", env=env, check=3)
    assert "manifest.json is not valid at '-'" in proc.stderr and proc.stderr.count("Nothing was changed") == 1


VOLUME = {"name": "db-data", "volume": "ksad-sabalong-db-data", "member": "volumes/db-data.tar", "size": 10,
          "sha256": "0" * 64}


@pytest.mark.parametrize("changes, field", [
    ({"target": 5}, "target"),
    ({"target.name": ["local"]}, "target.name"),
    ({"target.url": None}, "target.url"),
    ({"format": True}, "format"),
    ({"ksad": 1}, "ksad"),
    ({"created": 20260101}, "created"),
    ({"by": {}}, "by"),
    ({"app": 5}, "app"),
    ({"version": 1.0}, "version"),
    ({"revision": "x"}, "revision"),
    ({"revision": True}, "revision"),
    ({"name": None}, "name"),
    ({"slug": 5}, "slug"),
    ({"meaning": 5}, "meaning"),
    ({"name_language": ["id"]}, "name_language"),
    ({"answers": ["greeting=Tabe"]}, "answers"),
    ({"answers.greeting": 5}, "answers.greeting"),
    ({"secrets.db_password": ["x"]}, "secrets.db_password"),
    ({"identity": "format: 1"}, "identity"),
    ({"identity.yaml": 5}, "identity.yaml"),
    ({"identity.emblem": "logo.png"}, "identity.emblem"),
    ({"identity.emblem": {"file": "logo.png", "member": "identity/logo.png", "size": "10", "sha256": "0" * 64}},
     "identity.emblem.size"),
    ({"identity.emblem": {"file": "..", "member": "identity/logo.png", "size": 10, "sha256": "0" * 64}},
     "identity.emblem.file"),
    ({"volumes": {"db-data": VOLUME}}, "volumes"),
    ({"volumes": [5]}, "volumes[0]"),
    ({"volumes": [{**VOLUME, "size": True}]}, "volumes[0].size"),
    ({"volumes": [{**VOLUME, "sha256": None}]}, "volumes[0].sha256"),
    ({"volumes": [{**VOLUME, "name": "../x"}]}, "volumes[0].name"),
])
def test_a_manifest_field_of_the_wrong_kind_is_a_damaged_archive(env, run_ksad, tmp_path, changes, field):
    archive = forged_archive(tmp_path / "forged.tar", **changes)
    proc = run_ksad("restore", archive, "--dry-run", env=env, check=3)
    assert f"manifest.json is not valid at '{field}'" in proc.stderr, proc.stderr
    # said once: the check's message was caught as a ValueError and wrapped in a second one
    assert proc.stderr.count("manifest.json is not valid") == 1 and proc.stderr.count("Nothing was changed") == 1


def test_the_forged_archive_is_otherwise_sound(env, run_ksad, tmp_path):
    """The control for the cases above: unchanged, it passes every check of a dry run."""
    # it holds no copy of db-data, which the release declares: that needs saying so
    run_ksad("restore", forged_archive(tmp_path / "sound.tar"), "--dry-run", "--allow-missing-volumes", env=env,
             check=0)


@pytest.mark.parametrize("file", ["targets.yaml", "identity.yaml", "emblem.gif"])
def test_an_archive_writes_no_file_of_the_home_but_the_emblem(env, run_ksad, ksad_env, tmp_path, file):
    """On a home without an identity pack, restore wrote the archive's emblem under the file name the
    manifest gave, over whatever file of KSAD_HOME had it (the target inventory), even in a dry run."""
    import hashlib
    import io

    identity = (Path(ksad_env["KSAD_HOME"]) / "identity.yaml").read_text()
    blob = b"prod: tcp://elsewhere.example:2375\n"
    archive = forged_archive(tmp_path / "emblem.tar", **{
        "identity": {"yaml": identity, "emblem": {"file": file, "member": f"identity/{file}", "size": len(blob),
                                                   "sha256": hashlib.sha256(blob).hexdigest()}}})
    with tarfile.open(archive) as tar:  # the emblem member added, listed in checksums.sha256
        members = {m.name: tar.extractfile(m).read() for m in tar}
    members["checksums.sha256"] += f"{hashlib.sha256(blob).hexdigest()}  identity/{file}\n".encode()
    with tarfile.open(archive, "w") as tar:
        for name, data in (("manifest.json", members["manifest.json"]), (f"identity/{file}", blob),
                           ("checksums.sha256", members["checksums.sha256"])):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

    home = tmp_path / "new-home"
    e = {**env, "KSAD_HOME": str(home)}
    run_ksad("target", "add", "kantor", "ssh://deploy@10.0.0.5", env=e, check=True)
    inventory = (home / "targets.yaml").read_bytes()
    proc = run_ksad("restore", archive, "--dry-run", env=e, check=3)
    assert "manifest.json is not valid at 'identity.emblem.file'" in proc.stderr, proc.stderr
    assert (home / "targets.yaml").read_bytes() == inventory
    assert not (home / "identity.yaml").exists() and not (home / "emblem.gif").exists()


def test_backup_does_not_replace_an_existing_file_unless_forced(installed, env, run_ksad, tmp_path):
    notes = tmp_path / "backup" / "notes.txt"
    notes.write_text("minutes of the meeting - only copy\n")
    for extra in ([], ["--dry-run"]):
        refused = run_ksad("backup", APP, "--output", notes, *extra, env=env, check=9)
        assert f"{notes} already exists" in refused.stderr and "--force" in refused.stderr
    assert notes.read_text() == "minutes of the meeting - only copy\n"
    link = tmp_path / "backup" / "link.tar"
    link.symlink_to(notes)
    refused = run_ksad("backup", APP, "--output", link, "--force", env=env, check=3)
    assert "not a regular file" in refused.stderr and notes.read_text().startswith("minutes")

    run_ksad("backup", APP, "--output", notes, "--force", env=env, check=True)
    with tarfile.open(notes) as tar:
        assert "manifest.json" in tar.getnames()
    assert notes.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in notes.parent.iterdir()) == ["cadang.tar", "link.tar", "notes.txt"]


def test_a_killed_backup_leaves_a_working_directory_the_next_backup_removes(installed, env, run_ksad, tmp_path):
    import hashlib
    import socket
    import subprocess
    import time

    out = tmp_path / "killed"
    out.mkdir()
    killed = run_ksad("backup", APP, "--output", out / "b.tar", env={**env, "KSAD_CRASH_AT": "backup-exported"})
    assert killed.returncode == -9
    left = [p for p in out.iterdir() if p.name.startswith(".ksad-backup-")]
    assert len(left) == 1 and (left[0] / "db-data.tar").is_file() and not (out / "b.tar").exists()

    # what must stay: a run that is alive (its pid runs a ksad), an old-style one written to lately,
    # and anything not named as ksad names them
    alive = subprocess.Popen(["sh", "-c", "sleep 120", "ksad"])
    try:
        # named as ksad names them: the owner's pid and a tag of its host
        host = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
        live = out / f".ksad-backup-{alive.pid}-{host}-{'a' * 12}"
        live.mkdir()
        recent, old = out / ".ksad-backup-abcd1234", out / ".ksad-backup-zyxw9876"
        recent.mkdir()
        old.mkdir()
        (old / "db-data.tar").write_bytes(b"x")
        day_and_more = time.time() - 25 * 3600
        for p in (old / "db-data.tar", old):
            os.utime(p, (day_and_more, day_and_more))
        (out / ".ksad-backup-notes").mkdir()
        (out / ".ksad-backup-notes" / "keep.txt").write_text("mine")

        run_ksad("backup", APP, "--output", out / "b.tar", "--dry-run", env=env, check=True)
        assert left[0].exists()  # a dry run changes nothing
        run_ksad("backup", APP, "--output", out / "b.tar", env=env, check=True)
        assert sorted(p.name for p in out.iterdir()) == sorted(
            ["b.tar", live.name, recent.name, ".ksad-backup-notes"])
    finally:
        alive.kill()
        alive.wait()


def test_an_app_is_healthy_right_after_its_backup(tmp_path, run_ksad, app_name, ksad_cleanup):
    # Docker 20.10 reports a container it paused (as a backup pauses the db) "unhealthy" until its
    # next probe, though none failed: with a probe every 3 s, `status` would say so for seconds
    catalog = CatalogBuilder(tmp_path / "jeda")
    catalog.add_release(APP, "1.0.0", two_service().replace("interval: 200ms", "interval: 3s"))
    e = {"KSAD_CATALOG": str(catalog.catalog)}
    run_ksad(*INIT, env=e, check=True)
    name = app_name("Jeda")
    run_ksad("install", APP, "--name", name, env=e, check=True, timeout=300)
    backup = run_ksad("backup", name, "--output", tmp_path / "jeda.tar", env=e, check=True, timeout=300)
    assert "while its data is read" in backup.stderr  # the db was paused
    row = next(r for r in json_data(run_ksad("status", "--json", env=e, check=True)) if r["name"] == name)
    assert (row["health"], {s["service"]: s["health"] for s in row["services"]}) == (
        "healthy", {"web": "healthy", "db": "healthy"})


def test_status_says_paused_for_the_app_a_killed_backup_froze(installed, env, run_ksad):
    """A backup killed while it reads the data leaves the db paused: the page hangs on its records,
    and status said every service "healthy" (a paused container is Running to the engine)."""
    killed = run_ksad("backup", APP, "--output", installed["archive"].parent / "killed.tar",
                      env={**env, "KSAD_CRASH_AT": "backup-paused"})
    assert killed.returncode == -9

    def row():
        return next(r for r in json_data(run_ksad("status", "--json", env=env, check=True))
                    if r["slug"] == installed["slug"])

    frozen = row()
    assert (frozen["health"], {s["service"]: s["health"] for s in frozen["services"]}) == (
        "paused", {"web": "healthy", "db": "paused"})
    assert "paused" in run_ksad("status", env=env, check=True).stderr
    run_ksad("backup", APP, "--output", installed["archive"].parent / "next.tar", env=env, check=True, timeout=300)
    assert row()["health"] == "healthy"  # the next command on the app woke it



def test_a_backup_of_an_app_it_undoes_is_refused(installed, env, run_ksad, tmp_path):
    """A restore killed while its app starts is undone by the next command on the app: the backup that
    did so went on, and wrote (exit 0) an archive of an app no longer installed: revision 0, no answers."""
    run_ksad("uninstall", APP, "--purge", env=env, check=True)
    killed = run_ksad("restore", installed["archive"], env={**env, "KSAD_CRASH_AT": "started-db"}, timeout=300)
    assert killed.returncode == -9
    out = tmp_path / "undone.tar"
    proc = run_ksad("backup", installed["name"], "--output", out, env=env, check=4, timeout=300)
    assert "An interrupted restore was found; undoing it" in proc.stderr
    assert f"No installed app '{installed['name']}'" in proc.stderr
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".ksad-backup-")]
    run_ksad("restore", installed["archive"], env=env, check=True, timeout=300)  # the data is still all there


# --- an archive that holds fewer data volumes than the release declares ------------------------------

def without_volumes(archive: Path, dest: Path) -> Path:
    """*archive* with its volumes left out of the manifest and the tar, checksums.sha256 recomputed:
    consistent bytes, as a hand edit or a tool other than `ksad backup` leaves them."""
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    manifest["volumes"] = []
    return manifest_only_archive(dest, manifest)


def test_a_data_volume_the_archive_lacks_is_named_and_created_empty_only_when_allowed(installed, env, run_ksad,
                                                                                   docker_engine, tmp_path):
    """The release declares db-data, the archive holds no copy of it: restore created it empty, said
    only '0 data volume(s)', and the app ran without its records (exit 0)."""
    run_ksad("uninstall", APP, "--purge", env=env, check=True)
    archive = without_volumes(installed["archive"], tmp_path / "partial.tar")
    volume = f"ksad-{installed['slug']}-db-data"
    for extra in (["--dry-run"], []):
        refused = run_ksad("restore", archive, *extra, env=env, check=3)
        assert volume in refused.stderr and "empty" in refused.stderr, refused.stderr
        assert "--allow-missing-volumes" in refused.stderr and "Nothing was changed" in refused.stderr
        assert leftovers(docker_engine, installed["slug"]) == []
    said = run_ksad("restore", archive, env={**env, "KSAD_LANG": "id"}, check=3)
    assert volume in said.stderr and "kosong" in said.stderr and "Tidak ada yang diubah" in said.stderr
    new_home = tmp_path / "new-machine"  # refused before the archive's identity pack is written there
    fresh = run_ksad("restore", archive, env={**env, "KSAD_HOME": str(new_home)}, check=3)
    assert volume in fresh.stderr and "writing the archive's" not in fresh.stderr, fresh.stderr
    assert not (new_home / "identity.yaml").exists()

    plan = run_ksad("restore", archive, "--dry-run", "--allow-missing-volumes", env=env, check=True)
    assert f"data volume {volume}: not in the archive, created empty" in plan.stderr, plan.stderr
    dry = json_data(run_ksad("restore", archive, "--dry-run", "--allow-missing-volumes", "--json", env=env,
                             check=True))
    assert dry["missing_volumes"] == [{"name": "db-data", "volume": volume}] and dry["volumes"] == []
    assert leftovers(docker_engine, installed["slug"]) == []

    done = run_ksad("restore", archive, "--allow-missing-volumes", env=env, check=True, timeout=300)
    assert f"Creating empty data volume {volume}" in done.stderr and "created empty" in done.stderr, done.stderr
    page = get(page_url(docker_engine, installed["slug"]))
    assert installed["name"] in page and "Anggaran 2026 disetujui" not in page  # what the operator agreed to
    history = json_data(run_ksad("history", APP, "--json", env=env, check=True))
    assert [(r["op"], r["result"]) for r in history] == [("restore", "ok")]


# --- a cut or damaged copy, said in the user's language ----------------------------------------------

TAR_WORDS = ("unexpected end of data", "bad checksum", "invalid header", "truncated header", "empty file",
             "could not be opened")


def cut_or_damaged(archive: Path, how: str) -> bytes:
    data = bytearray(archive.read_bytes())
    with tarfile.open(archive) as tar:
        members = {m.name: m for m in tar}
    if how == "empty":
        return b""
    if how == "inside the manifest":
        return bytes(data[: members["manifest.json"].offset_data + 100])
    if how == "inside the volume":
        return bytes(data[: members["volumes/db-data.tar"].offset_data + 700])
    if how == "before the checksums":
        return bytes(data[: members["checksums.sha256"].offset])
    if how == "header checksum":  # a bit flipped in the first header's name: tar's header checksum fails
        data[0] ^= 0x01
    elif how == "header field":  # the first header's checksum field is no number
        data[148:156] = b"xxxxxxxx"
    elif how == "not a tar":
        return b"PK\x03\x04 a zip, say, or any other file given by mistake\n" * 20
    return bytes(data)


@pytest.mark.parametrize("how", ["empty", "inside the manifest", "inside the volume", "before the checksums",
                                 "header checksum", "header field", "not a tar"])
def test_a_cut_or_damaged_archive_is_said_in_the_users_language_with_what_to_do(installed, env, run_ksad, tmp_path,
                                                                                  docker_engine, how):
    """tarfile's own words ("unexpected end of data", "bad checksum") were the only description of what was
    wrong, in English under KSAD_LANG=id, and nothing said what to do."""
    run_ksad("uninstall", APP, "--purge", env=env, check=True)
    path = tmp_path / "rusak.tar"
    path.write_bytes(cut_or_damaged(installed["archive"], how))
    for extra in (["--dry-run"], []):
        proc = run_ksad("restore", path, *extra, env={**env, "KSAD_LANG": "id"}, check=3)
        error = [line for line in proc.stderr.splitlines() if line.startswith("Galat:")]
        assert len(error) == 1 and str(path) in error[0] and "Tidak ada yang diubah" in error[0], proc.stderr
        said = error[0].split("(tar:")[0]  # tar's own words only as a detail, after what ksad says
        assert not [w for w in TAR_WORDS if w in said], proc.stderr
        assert "Yang perlu dilakukan: Salin ulang arsip" in proc.stderr, proc.stderr
    english = run_ksad("restore", path, env=env, check=3)
    assert "Copy the archive again" in english.stderr, english.stderr
    assert leftovers(docker_engine, installed["slug"]) == []


def test_a_release_the_catalog_no_longer_publishes_is_named_with_the_catalog_to_use(installed, env, run_ksad,
                                                                                     docker_engine, tmp_path):
    """The catalog in use has only a newer release: backup and restore both said "No release satisfies
    '==1.0.0' ... or leave --version out for the newest", and neither command has a --version."""
    newer = CatalogBuilder(tmp_path / "newer-cat")
    newer.add_release(APP, "2.0.0", two_service())
    e = {**env, "KSAD_CATALOG": str(newer.catalog)}
    out = tmp_path / "backup" / "again.tar"
    refused = run_ksad("backup", installed["name"], "--output", out, env=e, check=4)
    assert "1.0.0" in refused.stderr and str(newer.catalog) in refused.stderr, refused.stderr
    assert "--version" not in refused.stderr and "--catalog" in refused.stderr and not out.exists()

    run_ksad("uninstall", APP, "--purge", env=env, check=True)
    for extra in (["--dry-run"], []):
        refused = run_ksad("restore", installed["archive"], *extra, env=e, check=4)
        assert "1.0.0" in refused.stderr and str(newer.catalog) in refused.stderr, refused.stderr
        assert "--version" not in refused.stderr and "--catalog" in refused.stderr
        assert "Nothing was changed" in refused.stderr
    assert leftovers(docker_engine, installed["slug"]) == []
    run_ksad("restore", installed["archive"], env=env, check=True, timeout=300)  # with the catalog it came from
