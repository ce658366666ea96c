"""Secrets the operator supplies (``supplied: operator``, ``--secret NAME=@FILE``), on a real engine:
the container gets the value; no output, label, plan, history or receipt shows it."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from catalog_factory import CatalogBuilder, two_service, with_operator_secret
from helpers import INIT, get, json_data

pytestmark = pytest.mark.docker

APP = "uji-rahasia"


@pytest.fixture
def env(tmp_path: Path, run_ksad) -> dict[str, str]:
    """1.0.0 and 1.1.0 need smtp_password from the operator; uji-web 1.0.0 needs none, 1.1.0 does."""
    catalog = CatalogBuilder(tmp_path / "cat")
    catalog.add_release(APP, "1.0.0", with_operator_secret(two_service()))
    catalog.add_release(APP, "1.1.0", with_operator_secret(two_service()))
    catalog.add_release("uji-web", "1.0.0", two_service())
    catalog.add_release("uji-web", "1.1.0", with_operator_secret(two_service()))
    e = {"KSAD_CATALOG": str(catalog.catalog)}
    run_ksad(*INIT, env=e, check=True)
    return e


def secret_file(tmp_path: Path, text: str, name: str = "smtp.txt") -> Path:
    path = tmp_path / "operator" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def env_in(client, container: str) -> dict[str, str]:
    """The environment a process in the container sees (``docker exec ... env``)."""
    out = client.containers.get(container).exec_run(["/bin/busybox", "env"]).output.decode()
    return dict(line.partition("=")[::2] for line in out.splitlines())


def ids_of(client, slug: str) -> dict[str, str]:
    return {c.name: c.id for c in client.containers.list(all=True, filters={"label": f"ksad.slug={slug}"})}


def shown_nowhere(value: str, client, slug: str, home: Path, *outputs) -> None:
    """*value* is in no output, no label, no receipt or state file, and in a container's inspect
    only as its environment (which ``docker inspect`` shows to whoever may reach the engine)."""
    for proc in outputs:
        assert value not in proc.stdout + proc.stderr, proc.args
    for c in client.containers.list(all=True, filters={"label": f"ksad.slug={slug}"}):
        attrs = json.loads(json.dumps(c.attrs))
        assert value not in json.dumps(attrs["Config"]["Labels"]), c.name
        env = attrs["Config"].pop("Env")
        assert value not in json.dumps(attrs), c.name
        assert all(value not in item or item == f"SMTP_PASSWORD={value}" for item in env)
    for v in client.volumes.list(filters={"label": f"ksad.slug={slug}"}):  # revision records, snapshots
        assert value not in json.dumps(v.attrs["Labels"])
    for p in [*(home / "state").rglob("*"), *(home / "cache").rglob("*")]:
        if p.is_file():
            assert value.encode() not in p.read_bytes(), p


def test_a_secret_only_the_operator_has_is_asked_for_then_given_from_a_file_and_shown_nowhere(
        env, run_ksad, docker_engine, tmp_path, ksad_cleanup, app_name):
    home = tmp_path / "home"
    name = app_name("Surat")
    refused = run_ksad("install", APP, "--name", name, env=env, check=3)
    assert "uji-rahasia 1.1.0 needs the secret(s) smtp_password, which only you can supply" in refused.stderr
    assert "add --secret smtp_password=@FILE" in refused.stderr
    assert "Nothing was changed." in refused.stderr
    assert not docker_engine.containers.list(all=True, filters={"label": f"ksad.name={name}"})
    assert not list((home / "secrets").rglob("*.json"))
    in_id = run_ksad("install", APP, "--name", name, env={**env, "KSAD_LANG": "id"}, check=3)
    assert "memerlukan rahasia smtp_password, yang hanya dapat Anda berikan" in in_id.stderr

    value = f"Sandi-SMTP {secrets.token_hex(8)}"
    given = secret_file(tmp_path, value + "\n")  # as `echo ... > file` writes it: the newline is not the value's
    first = run_ksad("install", APP, "--name", name, "--secret", f"smtp_password=@{given}", env=env, check=True,
                     timeout=300)
    url = first.stdout.strip()
    assert name in get(url, name)
    slug = next(r["slug"] for r in json_data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)
    assert env_in(docker_engine, f"{slug}-web")["SMTP_PASSWORD"] == value
    assert "SMTP_PASSWORD" not in env_in(docker_engine, f"{slug}-db")
    (kept,) = (home / "secrets").rglob("*.json")
    assert kept.stat().st_mode & 0o777 == 0o600
    stored = json.loads(kept.read_text())
    assert stored["smtp_password"] == value and stored["db_password"]  # db_password: generated beside it

    before = ids_of(docker_engine, slug)
    again = run_ksad("install", APP, "--name", name, "--secret", f"smtp_password=@{given}", env=env, check=True)
    assert "is already up to date; nothing changed" in again.stderr
    plain = run_ksad("install", APP, "--name", name, env=env, check=True)  # the kept value
    assert "is already up to date; nothing changed" in plain.stderr
    assert ids_of(docker_engine, slug) == before

    outputs = [first, again, plain,
               run_ksad("install", APP, "--name", name, "--secret", f"smtp_password=@{given}", "--dry-run", env=env,
                        check=True),
               run_ksad("install", APP, "--name", name, "--secret", f"smtp_password=@{given}", "--dry-run", "--json",
                        env=env, check=True),
               run_ksad("status", env=env, check=True), run_ksad("status", "--json", env=env, check=True),
               run_ksad("history", name, env=env, check=True), run_ksad("history", name, "--json", env=env, check=True),
               run_ksad("logs", name, "--tail", "all", env=env, check=True)]
    assert list((home / "state" / "receipts").glob("*.json"))  # what the plain re-run was answered from
    shown_nowhere(value, docker_engine, slug, home, *outputs)


def test_a_new_value_is_applied_and_kept_by_upgrade_rollback_backup_and_restore(
        env, run_ksad, docker_engine, tmp_path, ksad_cleanup, app_name):
    home = tmp_path / "home"
    name = app_name("Surat")
    old = f"lama-{secrets.token_hex(8)}"
    run_ksad("install", APP, "--name", name, "--version", "1.0.0", "--secret",
             f"smtp_password=@{secret_file(tmp_path, old)}", env=env, check=True, timeout=300)
    slug = next(r["slug"] for r in json_data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)
    web = f"{slug}-web"
    before = ids_of(docker_engine, slug)

    new = f"baru-{secrets.token_hex(8)}"
    plan = run_ksad("install", APP, "--name", name, "--secret", "smtp_password=@-", "--dry-run", "--json",
                    input=new, env=env, check=True)
    assert [(a["action"], a["subject"]) for a in json_data(plan)["actions"]
            if a["action"] in ("create", "recreate", "remove")] == [("recreate", web)]  # only the one that reads it
    changed = run_ksad("install", APP, "--name", name, "--secret", "smtp_password=@-", input=new + "\n", env=env,
                       check=True, timeout=300)
    assert "revision 2" in changed.stderr
    after = ids_of(docker_engine, slug)
    assert after[web] != before[web] and after[f"{slug}-db"] == before[f"{slug}-db"]
    assert env_in(docker_engine, web)["SMTP_PASSWORD"] == new

    run_ksad("upgrade", name, env=env, check=True, timeout=300)  # to 1.1.0, with the kept value
    assert env_in(docker_engine, web)["SMTP_PASSWORD"] == new
    run_ksad("rollback", name, "--to", "1", env=env, check=True, timeout=300)
    assert env_in(docker_engine, web)["SMTP_PASSWORD"] == new  # the value in force, not revision 1's

    archive = tmp_path / "cadang.tar"
    backup = run_ksad("backup", name, "--output", archive, "--json", env=env, check=True)
    assert json_data(backup)["secrets"] == ["db_password", "smtp_password"]
    run_ksad("uninstall", name, "--purge", env=env, check=True)
    assert not list((home / "secrets").rglob("*.json"))
    restored = run_ksad("restore", archive, "--json", env=env, check=True, timeout=300)
    assert env_in(docker_engine, web)["SMTP_PASSWORD"] == new
    shown_nowhere(new, docker_engine, slug, home, changed, plan, backup, restored,
                  run_ksad("history", name, "--json", env=env, check=True))
    shown_nowhere(old, docker_engine, slug, home, changed, restored)


def test_an_upgrade_to_a_release_that_needs_a_new_secret_is_refused_without_it(
        env, run_ksad, docker_engine, tmp_path, ksad_cleanup, app_name):
    name = app_name("Naik")
    run_ksad("install", "uji-web", "--name", name, "--version", "1.0.0", env=env, check=True, timeout=300)
    slug = next(r["slug"] for r in json_data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)
    before = ids_of(docker_engine, slug)
    refused = run_ksad("upgrade", name, env=env, check=3)
    assert "uji-web 1.1.0 needs the secret(s) smtp_password" in refused.stderr
    assert ids_of(docker_engine, slug) == before
    value = f"token-{secrets.token_hex(8)}"
    run_ksad("upgrade", name, "--secret", f"smtp_password=@{secret_file(tmp_path, value)}", env=env, check=True,
             timeout=300)
    assert env_in(docker_engine, f"{slug}-web")["SMTP_PASSWORD"] == value


@pytest.mark.parametrize("secret, problem, lang", [
    ("smtp_password=hunter2-on-the-command-line", "--secret smtp_password: give the value in a file, as NAME=@FILE",
     "en"),
    ("hunter2-on-the-command-line", "--secret NAME: give the value in a file", "en"),
    ("smtp_password=hunter2-on-the-command-line", "--secret smtp_password: berikan nilainya dalam berkas", "id"),
    ("smtp_password=@{missing}", "Cannot read {missing}, given for the secret smtp_password: No such file", "en"),
    ("smtp_password=@{empty}", "The secret smtp_password given in {empty} is empty.", "en"),
    ("smtp_password=@{empty}", "Rahasia smtp_password yang diberikan di {empty} kosong.", "id"),
    ("smtp_password=@{binary}", "The secret smtp_password given in {binary} is not text", "en"),
    ("sipd_token=@{good}", "Unknown secret(s): sipd_token. The secrets uji-rahasia 1.1.0 takes from you: "
                           "smtp_password.", "en"),
    ("db_password=@{good}", "The secret(s) db_password of uji-rahasia 1.1.0 are generated by ksad: --secret cannot "
                            "replace them.", "en"),
    ("db_password=@{good}", "Rahasia db_password dari uji-rahasia 1.1.0 dibuat oleh ksad", "id"),
])
def test_a_bad_secret_is_refused_with_one_message_and_exit_3(env, run_ksad, docker_engine, tmp_path, app_name,
                                                             secret, problem, lang):
    files = {"missing": tmp_path / "nothing-here.txt", "empty": secret_file(tmp_path, "\n", "empty.txt"),
             "binary": tmp_path / "key.bin", "good": secret_file(tmp_path, "hunter2-in-a-file", "good.txt")}
    files["binary"].write_bytes(b"\x00\xff\xfe")
    name = app_name("Salah")
    proc = run_ksad("install", APP, "--name", name, "--secret", secret.format(**files), env={**env, "KSAD_LANG": lang},
                    check=3)
    assert problem.format(**files) in proc.stderr
    assert proc.stderr.count("rror:" if lang == "en" else "Galat:") == 1
    assert "hunter2" not in proc.stdout + proc.stderr
    assert not docker_engine.containers.list(all=True, filters={"label": f"ksad.name={name}"})


def test_on_a_terminal_the_value_is_asked_for_and_not_echoed(env, run_ksad, ksad_env, app_name):
    """``--secret NAME=@-`` on a terminal asks (getpass: echo off); piped, it reads standard input."""
    import os
    import pty
    import select
    import sys
    import time

    typed = f"diketik-{secrets.token_hex(8)}"
    argv = [sys.executable, "-m", "ksad", "install", APP, "--name", app_name("Ketik"), "--secret", "smtp_password=@-",
            "--dry-run"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: ksad on the terminal
        os.execve(sys.executable, argv, {**ksad_env, **env})
    out, asked, deadline = b"", False, time.monotonic() + 120
    while time.monotonic() < deadline:
        if not asked and b"(not shown): " in out:
            os.write(fd, typed.encode() + b"\n")
            asked = True
        if select.select([fd], [], [], 0.2)[0]:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the terminal closed: ksad ended
                break
            if not chunk:
                break
            out += chunk
    _, status = os.waitpid(pid, 0)
    text = out.decode(errors="replace")
    assert asked and os.waitstatus_to_exitcode(status) == 0, text
    assert "Value of the secret smtp_password (not shown): " in text
    assert "Dry run: nothing was changed." in text
    assert typed not in text
