"""Install, re-run, status, logs, uninstall on a real engine, and every bad input of issue 2."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from catalog_factory import HEALTH_NEVER, two_service
from helpers import INIT, Follower, get, json_data, say_in_log

pytestmark = pytest.mark.docker





def containers_of(client, slug: str) -> dict[str, str]:
    return {c.name: c.id for c in client.containers.list(all=True, filters={"label": f"ksad.slug={slug}"})}




# --- the main job, with the bundled catalog ---------------------------------------------


def test_bundled_e_budgeting_installs_localised_and_rerun_is_a_noop(run_ksad, docker_engine, ksad_cleanup, app_name):
    run_ksad(*INIT, check=True)
    name = app_name("Sabalong")
    first = run_ksad("install", "e-budgeting", "--name", name, "--meaning", "Bersatu membangun", check=True,
                     timeout=300)
    url = first.stdout.strip().splitlines()[-1]
    assert url.startswith("http://localhost:")
    page = get(url, name)
    for shown in (name, "Kabupaten Sumbawa", "52.04", "sumbawakab.go.id", "WITA", "Bupati", "Bersatu membangun"):
        assert shown in page
    slug = next(r["slug"] for r in json_data(run_ksad("status", "--json", check=True)) if r["name"] == name)
    before = containers_of(docker_engine, slug)
    assert len(before) == 2

    again = run_ksad("install", "e-budgeting", "--name", name, check=True)
    assert "nothing changed" in again.stderr
    assert again.stdout.strip() == url
    assert containers_of(docker_engine, slug) == before  # same container IDs

    rows = json_data(run_ksad("status", "--json", check=True))
    row = next(r for r in rows if r["name"] == name)
    assert {k: row[k] for k in ("app", "name", "revision", "health", "url", "target")} == {
        "app": "e-budgeting", "name": name, "revision": 1, "health": "healthy", "url": url, "target": "local"}
    assert row["version"] == "1.1.0"


# --- install, plan, logs, uninstall with a test catalog ----------------------------------


def test_dry_run_shows_plan_and_changes_nothing(env, run_ksad, docker_engine, ksad_cleanup, app_name):
    name = app_name("Tau Samawa")
    proc = run_ksad("install", "uji-web", "--name", name, "--dry-run", "--json", env=env, check=True)
    plan = json_data(proc)
    kinds = [a["action"] for a in plan["actions"]]
    assert {"create-network", "create-volume", "create"} <= set(kinds)
    assert plan["applied"] is False
    assert containers_of(docker_engine, plan["slug"]) == {}
    human = run_ksad("install", "uji-web", "--name", name, "--dry-run", env=env, check=True)
    assert "Dry run: nothing was changed." in human.stderr
    assert "create container" in human.stderr


def test_install_logs_uninstall_keeps_data_unless_purge(env, run_ksad, docker_engine, ksad_cleanup, app_name):
    name = app_name("Sipakatau")
    proc = run_ksad("install", "uji-web", "--name", name, "--set", "greeting=Tabe", env=env, check=True, timeout=300)
    url = proc.stdout.strip()
    assert name in get(url, name)
    slug = next(r["slug"] for r in json_data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)

    logs = run_ksad("logs", "uji-web", "--tail", "20", env=env, check=True)
    assert "web |" in logs.stdout or "db |" in logs.stdout

    run_ksad("uninstall", "uji-web", env=env, check=True)
    assert containers_of(docker_engine, slug) == {}
    assert docker_engine.volumes.get(f"ksad-{slug}-db-data")  # data kept

    run_ksad("install", "uji-web", "--name", name, env=env, check=True, timeout=300)
    run_ksad("uninstall", "uji-web", "--purge", env=env, check=True)
    assert not docker_engine.volumes.list(filters={"label": f"ksad.slug={slug}"})


def test_logs_merge_every_service_in_time_order_follow_them_all_and_speak_json(env, run_ksad, docker_engine,
                                                                              ksad_cleanup, app_name, ksad_env):
    name = app_name("Lontara")
    run_ksad("install", "uji-web", "--name", name, env=env, check=True, timeout=300)
    slug = next(r["slug"] for r in json_data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)
    ids = {n.rsplit("-", 1)[-1]: i for n, i in containers_of(docker_engine, slug).items()}
    for service, word in (("db", "satu"), ("web", "dua"), ("db", "tiga")):
        say_in_log(docker_engine, ids[service], f"urutan-{word}")

    shown = run_ksad("logs", name, "--tail", "all", env=env, check=True).stdout.splitlines()
    ours = [line for line in shown if "urutan-" in line]
    assert ours == ["db | urutan-satu", "web | urutan-dua", "db | urutan-tiga"]  # not db's lines, then web's
    stamped = run_ksad("logs", name, "--tail", "1", "--service", "web", "-t", env=env, check=True).stdout
    assert stamped.startswith("web | 20") and stamped.rstrip().endswith("Z urutan-dua")

    rows = [json.loads(line) for line in run_ksad("logs", name, "--tail", "1", "--json", env=env,
                                                     check=True).stdout.splitlines()]
    assert [(r["ksad"], r["data"]["service"], r["data"]["line"]) for r in rows] == [
        (1, "web", "urutan-dua"), (1, "db", "urutan-tiga")]
    assert rows[0]["data"]["time"] < rows[1]["data"]["time"]

    # --follow reads every service, not one: a line from each arrives while it runs
    follow = Follower({**ksad_env, **env}, name, "-f", "--tail", "0")
    try:
        for service in ("web", "db"):
            heard = follow.wait_for(f"{service} | langsung-{service}",
                                    say=lambda: say_in_log(docker_engine, ids[service], f"langsung-{service}"))
            assert heard, follow.lines
    finally:
        code, err = follow.stop()
    assert code == 130 and "Traceback" not in err


def test_logs_show_a_line_longer_than_16_kib_whole(env, run_ksad, docker_engine, ksad_cleanup, app_name):
    """The engine splits a long line into 16 KiB messages, each stamped: the second stamp was
    shown inside the line (also without -t), and --json's line held it too."""
    name = app_name("Panjang")
    run_ksad("install", "uji-web", "--name", name, env=env, check=True, timeout=300)
    slug = next(r["slug"] for r in json_data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)
    ids = {n.rsplit("-", 1)[-1]: i for n, i in containers_of(docker_engine, slug).items()}
    docker_engine.containers.get(ids["web"]).exec_run(
        ["/bin/busybox", "sh", "-c", "/bin/busybox printf 'panjang-%040000d-akhir\\nsesudahnya\\n' 7 > /proc/1/fd/1"])
    long_line = "panjang-" + "0" * 39999 + "7-akhir"

    shown = run_ksad("logs", name, "--service", "web", "--tail", "all", env=env, check=True).stdout
    assert shown.endswith(f"\nweb | {long_line}\nweb | sesudahnya\n")
    rows = [json.loads(line)["data"] for line in run_ksad("logs", name, "--service", "web", "--tail", "all", "--json",
                                                             env=env, check=True).stdout.splitlines()]
    assert [r["line"] for r in rows[-2:]] == [long_line, "sesudahnya"]
    # --tail counts lines, not the engine's pieces: the last piece alone was shown as a line
    tail = run_ksad("logs", name, "--service", "web", "--tail", "2", env=env, check=True).stdout
    assert tail == f"web | {long_line}\nweb | sesudahnya\n"


def test_secrets_are_stored_0600_and_never_printed(env, run_ksad, tmp_path, ksad_cleanup, app_name):
    proc = run_ksad("install", "uji-web", "--name", app_name("Rahasia"), env=env, check=True, timeout=300)
    files = list((tmp_path / "home" / "secrets").rglob("*.json"))
    assert len(files) == 1 and files[0].stat().st_mode & 0o777 == 0o600
    secret = json.loads(files[0].read_text())["db_password"]
    assert secret not in proc.stdout + proc.stderr
    dry = run_ksad("install", "uji-web", "--dry-run", "--json", env=env, check=True)
    assert secret not in dry.stdout + dry.stderr


def test_install_over_ssh_target(env, run_ksad, ssh_target, ksad_cleanup, app_name):
    e = {**env, **ssh_target.env}
    run_ksad("target", "add", "kantor", ssh_target.url, env=e, check=True)
    name = app_name("Kantor")
    proc = run_ksad("install", "uji-web", "--name", name, "--target", "kantor", env=e, check=True, timeout=300)
    url = proc.stdout.strip()
    assert url.startswith("http://127.0.0.1:")
    assert name in get(url, name)
    rows = json_data(run_ksad("--target", "kantor", "status", "--json", env=e, check=True))
    assert any(r["name"] == name and r["target"] == "kantor" for r in rows)
    # the table names the app and its URL in full: into a pipe on one line each, as wide as it
    # takes; on a narrow terminal folded, never cut short with "…" (rich's default, at 80 columns)
    piped = run_ksad("--target", "kantor", "status", env=e, check=True).stderr
    assert url in piped and name in piped and "…" not in piped, piped
    narrow = run_ksad("--target", "kantor", "status", env={**e, "COLUMNS": "60"}, check=True).stderr
    assert "…" not in narrow and max(map(len, narrow.splitlines())) <= 60, narrow
    again = run_ksad("install", "uji-web", "--target", "kantor", env=e, check=True)
    assert "nothing changed" in again.stderr
    run_ksad("uninstall", "uji-web", "--purge", "--target", "kantor", env=e, check=True)


def test_install_over_ssh_through_the_jump_host_the_ssh_config_names(env, run_ksad, ssh_target, ksad_cleanup,
                                                                      app_name, tmp_path):
    """A server behind a bastion: its ~/.ssh/config entry says ProxyJump, and ksad goes through the
    jump host as ssh does (the SDK alone reads ProxyCommand only, and connected straight). The jump
    host here is the loopback sshd itself; one that does not answer fails the command, so the jump
    is taken, not bypassed. The entry's Port counts when the target URL names none, as for ssh
    (the SDK put 22 in such a URL before it read the config)."""
    import shutil

    home = tmp_path / "home"
    shutil.copytree(ssh_target.home / ".ssh", home / ".ssh")
    config = home / ".ssh" / "config"
    direct = config.read_text()
    alias = direct.replace(f"Host {ssh_target.host}\n", f"Host kantor-dalam\n  HostName {ssh_target.host}\n", 1)
    assert alias != direct, direct
    jump = f"  ProxyJump {ssh_target.user}@{ssh_target.host}:{ssh_target.port}\n"
    e = {**env, "HOME": str(home)}
    run_ksad("target", "add", "dalam", f"ssh://{ssh_target.user}@kantor-dalam", env=e, check=True)

    config.write_text(direct + alias)  # first straight to it: the target URL names no port, the entry does
    run_ksad("status", "--target", "dalam", env=e, check=True)
    config.write_text(direct + alias + "  ProxyJump root@127.0.0.1:1\n")  # a jump host that is down
    down = run_ksad("status", "--target", "dalam", env=e, check=7)
    assert "dalam" in down.stderr and "Traceback" not in down.stderr, down.stderr

    config.write_text(direct + alias + jump)
    name = app_name("Dalam")
    proc = run_ksad("install", "uji-web", "--name", name, "--target", "dalam", env=e, check=True, timeout=300)
    url = proc.stdout.strip()
    assert url.startswith("http://kantor-dalam:"), url  # the server as the user names it
    assert name in get(url.replace("kantor-dalam", ssh_target.host), name)
    rows = json_data(run_ksad("status", "--target", "dalam", "--json", env=e, check=True))
    assert any(r["name"] == name for r in rows), rows
    run_ksad("uninstall", name, "--purge", "--target", "dalam", env=e, check=True)


def test_over_ssh_logs_follow_every_service_of_an_app_with_more_services_than_one_connection_has_sessions(
        catalog, env, run_ksad, ssh_target, docker_engine, ksad_cleanup, app_name, ksad_env):
    """Over ssh every request shares the command's pool of channels (4), and a followed log holds
    one channel per service for as long as it runs. The channels are sessions of the ssh connection,
    of which sshd allows 10 (MaxSessions, its default, as the test sshd has it): twelve services
    still each get theirs (on a second connection), and Ctrl-C still ends the follow at once."""
    from catalog_factory import TWO_SERVICE

    workers = range(1, 11)
    services = "".join(f"""\
  w{i}:
    build: ../../standin/db
    init: true
    environment: {{DB_PASSWORD: "hanya-untuk-uji"}}
    volumes: ["w{i}-data:/data"]
    stop_grace_period: 1s
""" for i in workers)
    compose = two_service().replace("\nvolumes:\n  db-data: {}\n", "\n" + services + "volumes:\n  db-data: {}\n"
                                    + "".join(f"  w{i}-data: {{}}\n" for i in workers), 1)
    assert compose.count("build: ../../standin/db") == 11, TWO_SERVICE
    standin_db = catalog.src / "recipes" / "standin" / "db"
    catalog.add_release("uji-ramai", "1.0.0", compose, contexts={f"w{i}": standin_db for i in workers})
    e = {**env, **ssh_target.env}
    run_ksad("target", "add", "kantor", ssh_target.url, env=e, check=True)
    name = app_name("Ramai")
    run_ksad("install", "uji-ramai", "--name", name, "--target", "kantor", env=e, check=True, timeout=300)
    slug = next(r["slug"] for r in json_data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)
    ids = {n.rsplit("-", 1)[-1]: i for n, i in containers_of(docker_engine, slug).items()}
    assert sorted(ids) == sorted(["db", "web"] + [f"w{i}" for i in workers])
    follow = Follower({**ksad_env, **e}, name, "-f", "--tail", "0", "--target", "kantor")
    try:
        for service in sorted(ids):
            heard = follow.wait_for(f"{service} | lewat-ssh-{service}",
                                    say=lambda: say_in_log(docker_engine, ids[service], f"lewat-ssh-{service}"))
            assert heard, follow.lines
    finally:
        code, err = follow.stop()
    assert code == 130 and "Traceback" not in err, err
    run_ksad("uninstall", name, "--purge", "--target", "kantor", env=e, check=True)


# --- bad input: one clear message, a documented exit code, nothing changed ---------------


@pytest.mark.parametrize("text, code, needle", [
    ("id: uji-web\nname: [unclosed\n", 3, "line 2"),
    (None, 3, "unknown key(s): colour"),
    ("MISSING", 3, "required field 'license' is missing"),
    ("BADVERSION", 3, "'1.0.x' is not a valid version"),
])
def test_bad_catalog_files_are_refused(catalog, env, run_ksad, text, code, needle):
    path = catalog.catalog / "apps" / "uji-web.yaml"
    original = path.read_text()
    if text is None:
        text = original.replace("category:", "colour: red\ncategory:")
    elif text == "MISSING":
        text = "\n".join(line for line in original.splitlines() if not line.startswith("license:"))
    elif text == "BADVERSION":
        text = original.replace("version: 1.0.0", "version: 1.0.x")
    path.write_text(text)
    for args in (("catalog", "list"), ("install", "uji-web", "--name", "Uji", "--dry-run")):
        proc = run_ksad(*args, env=env, check=code)
        assert needle in proc.stderr and str(path) in proc.stderr
    validate = run_ksad("catalog", "validate", env=env, check=code)
    assert needle in validate.stderr


def test_version_that_no_release_satisfies(env, run_ksad):
    proc = run_ksad("install", "uji-web", "--name", "Uji", "--version", ">=2", env=env, check=4)
    assert "No release of 'uji-web' satisfies '>=2'. Available: 1.0.0." in proc.stderr
    bad = run_ksad("install", "uji-web", "--name", "Uji", "--version", "one", env=env, check=3)
    assert "'one' is not a valid version range" in bad.stderr


def test_unknown_app(env, run_ksad):
    proc = run_ksad("install", "uji-wbe", "--name", "Uji", env=env, check=4)
    assert "No app 'uji-wbe'" in proc.stderr and "did you mean: uji-web" in proc.stderr


@pytest.mark.parametrize("name", ["X", "Nama dengan emoji 🎉", "a" * 41, "semi;colon"])
def test_invalid_local_name(env, run_ksad, name):
    proc = run_ksad("install", "uji-web", "--name", name, "--dry-run", env=env, check=3)
    assert "name" in proc.stderr.lower()


def test_duplicate_local_name_on_the_target(catalog, env, run_ksad, docker_engine, ksad_cleanup, app_name):
    catalog.add_release("uji-lain", "1.0.0", two_service())
    name = app_name("Samawa")
    run_ksad("install", "uji-web", "--name", name, env=env, check=True, timeout=300)
    proc = run_ksad("install", "uji-lain", "--name", name.upper(), env=env, check=9)
    assert "uji-web" in proc.stderr
    assert not [c for c in docker_engine.containers.list(all=True, filters={"label": "ksad.app=uji-lain"})
                if name.lower().split()[-1] in c.name]


@pytest.mark.parametrize("extra, kind", [
    ("privileged: true", "privileged"),
    ("volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]", "docker-socket"),
    ("network_mode: host", "host-network"),
    ("volumes: [\"/etc:/host-etc:ro\"]", "host-path"),
    ("sysctls: {kernel.core_pattern: '|/tmp/x'}", "sysctls"),
    ("logging: {driver: syslog, options: {syslog-address: 'tcp://logs.example.net:514'}}", "log-driver"),
])
def test_dangerous_recipes_are_refused_unless_allowed(catalog, env, run_ksad, extra, kind):
    compose = two_service(extra_web=extra)
    if extra.startswith("network_mode"):  # in the host's network web publishes nothing: it has the host's ports
        compose = compose.replace('    ports: ["8080"]\n', "")
    catalog.add_release("uji-bahaya", "1.0.0", compose)
    proc = run_ksad("install", "uji-bahaya", "--name", "Bahaya", "--dry-run", env=env, check=5)
    assert kind in proc.stderr and "--allow" in proc.stderr
    allowed = run_ksad("install", "uji-bahaya", "--name", "Bahaya", "--dry-run", "--allow", kind, env=env)
    assert allowed.returncode != 5, allowed.stderr


SLEEP = 'command: ["/bin/busybox", "sleep", "600"]'
SHARED_NAMESPACES = f"""\
services:
  web:
    build: ../../standin/web
    {SLEEP}
    network_mode: none
  db:
    build: ../../standin/db
    {SLEEP}
    network_mode: service:web
    pid: service:web
"""


def _interfaces(client, container: str) -> list[str]:
    out = client.containers.get(container).exec_run(["/bin/busybox", "ls", "/sys/class/net"]).output
    return sorted(out.decode().split())


def test_network_mode_none_and_service_namespaces_are_what_the_recipe_asks(catalog, env, run_ksad, docker_engine,
                                                                          ksad_cleanup, app_name):
    """network_mode: none had the app's network all the same (an eth0 that reaches every service and
    the internet), and service:NAME joined nobody's namespace (network) or failed (pid): the engine
    was given "service:web" as is, plus the app's network."""
    catalog.add_release("uji-ruang", "1.0.0", SHARED_NAMESPACES)
    name = app_name("Ruang")
    run_ksad("install", "uji-ruang", "--name", name, env=env, check=True, timeout=300)
    slug = next(r["slug"] for r in json_data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)
    web, db = (docker_engine.containers.get(f"{slug}-{s}") for s in ("web", "db"))
    assert _interfaces(docker_engine, web.id) == ["lo"]  # no network, as asked
    assert _interfaces(docker_engine, db.id) == ["lo"]  # web's namespace, not one of its own
    seen = db.exec_run(["/bin/busybox", "ps", "-o", "args"]).output.decode()
    assert seen.count("sleep 600") == 2  # web's process too: db is in web's PID namespace

    # web died and a re-run replaces it: db, unchanged and still running, is replaced too (as
    # Compose does), or it would stay in a namespace no other service is in
    catalog.add_release("uji-ruang", "1.1.0", SHARED_NAMESPACES.replace("    pid: service:web\n", ""))
    run_ksad("upgrade", name, env=env, check=True, timeout=300)
    docker_engine.containers.get(f"{slug}-web").kill()
    run_ksad("install", "uji-ruang", "--name", name, env=env, check=True, timeout=300)
    web, db = (docker_engine.containers.get(f"{slug}-{s}") for s in ("web", "db"))
    namespace = [c.exec_run(["/bin/busybox", "readlink", "/proc/1/ns/net"]).output for c in (web, db)]
    assert namespace[0] == namespace[1] and namespace[0].startswith(b"net:"), namespace


def test_host_network_once_allowed_installs(catalog, env, run_ksad, docker_engine, ksad_cleanup, app_name):
    """With --allow host-network the engine was also told to plug the app's network into the host's
    namespace, and refused to start the container: the kind could be allowed but never installed."""
    catalog.add_release("uji-host", "1.0.0", f"services:\n  web:\n    build: ../../standin/web\n    {SLEEP}\n"
                                             "    network_mode: host\n")
    name = app_name("Inang")
    run_ksad("install", "uji-host", "--name", name, "--allow", "host-network", env=env, check=True, timeout=300)
    slug = next(r["slug"] for r in json_data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)
    web = docker_engine.containers.get(f"{slug}-web")
    assert web.attrs["HostConfig"]["NetworkMode"] == "host"
    assert list(web.attrs["NetworkSettings"]["Networks"]) == ["host"]


def outside_the_apps_network(mode: str, ports: str = '    ports: ["8080"]\n', expose: str = "") -> str:
    """web in the network *mode* asks, publishing *ports*; db, which web may share."""
    return (f"services:\n  web:\n    build: ../../standin/web\n    {SLEEP}\n    network_mode: {mode}\n{ports}"
            f"  db:\n    build: ../../standin/db\n    {SLEEP}\n{expose}")


def test_ports_with_a_network_mode_outside_the_apps_network_are_refused_before_anything_is_made(
        catalog, env, run_ksad, docker_engine, ksad_cleanup, app_name):
    """ports in the host's network were ignored by the engine, for none published to nothing, and both
    installed with a URL at a host port nothing listened on; in db's network (service:db) the engine
    refused the container, after the build (exit 8, "conflicting options: port publishing ...")."""
    modes = {"uji-inang": "host", "uji-hampa": "none", "uji-tumpang": "service:db"}
    for app, mode in modes.items():
        catalog.add_release(app, "1.0.0", outside_the_apps_network(mode))
    proc = run_ksad("catalog", "validate", catalog.catalog, "--no-cache", env=env, check=3)
    found = " ".join(proc.stderr.split())  # rich folds long lines
    for app, mode in modes.items():
        compose = catalog.recipe_dir(app, "1.0.0") / "compose.yaml"
        assert f"{compose}, line 6: services.web.ports: a service with network_mode: {mode} publishes no ports" \
            in found, found
        assert "remove ports" in found
    assert "listens on the host's own ports directly" in found and "it has no network" in found
    assert "publish them in the ports of service db, whose network it uses" in found

    name = app_name("Tumpang")
    for app in modes:
        proc = run_ksad("install", app, "--name", name, "--allow", "host-network", env=env, check=3)
        assert f"line 6: services.web.ports: a service with network_mode: {modes[app]}" in " ".join(proc.stderr.split())
        assert "Building" not in proc.stderr and "Starting" not in proc.stderr
    assert not docker_engine.containers.list(all=True, filters={"label": f"ksad.name={name}"})


def test_a_service_in_the_host_network_is_exposed_at_the_port_it_listens_on(catalog, env, run_ksad):
    """Its URL took a host port ksad chose and published (which the engine ignored), and without
    ports the recipe was refused: expose.port had to be one the service publishes."""
    catalog.add_release("uji-inang", "1.0.0", outside_the_apps_network(
        "host", ports="", expose="x-ksad:\n  expose: {service: web, port: 8080, path: /app}\n"))
    plan = json_data(run_ksad("install", "uji-inang", "--name", "Inang", "--allow", "host-network", "--dry-run",
                              "--json", env=env, check=True))
    assert plan["url"] == "http://localhost:8080/app"
    catalog.add_release("uji-hampa", "1.0.0", outside_the_apps_network(
        "none", ports="", expose="x-ksad:\n  expose: {service: web, port: 8080}\n"))
    proc = run_ksad("install", "uji-hampa", "--name", "Hampa", "--dry-run", env=env, check=3)
    assert "x-ksad.expose.service: service web has network_mode: none, so nothing can reach it" in \
        " ".join(proc.stderr.split())


THIEF = """\
services:
  web:
    build: ../../standin/web
    command: ["/bin/busybox", "sleep", "600"]
    volumes: ["dua-db-data:/loot"]
volumes:
  dua-db-data: {}
"""


def test_a_recipe_cannot_take_another_apps_volume_by_naming_it(catalog, env, run_ksad, docker_engine, ksad_cleanup,
                                                              app_name):
    """Volumes are named ksad-<slug>-<volume>: installed as 'X', a recipe declaring 'dua-db-data' was
    given ksad-x-dua-db-data, the database of the app installed as 'X Dua', read-write, unasked."""
    name = app_name("Korban")
    run_ksad("install", "uji-web", "--name", f"{name} Dua", env=env, check=True, timeout=300)
    catalog.add_release("uji-pencuri", "1.0.0", THIEF)
    volume = f"ksad-{name.lower().replace(' ', '-')}-dua-db-data"
    for args in (("--dry-run",), ()):
        proc = run_ksad("install", "uji-pencuri", "--name", name, *args, env=env, check=9, timeout=300)
        assert f"volume {volume} belongs to {name} Dua (uji-web)" in proc.stderr
    assert not docker_engine.containers.list(all=True, filters={"label": "ksad.app=uji-pencuri"})
    proc = run_ksad("install", "uji-pencuri", "--name", name, env={**env, "KSAD_LANG": "id"}, check=9)
    assert f"Volume {volume} milik {name} Dua (uji-web)" in proc.stderr


def test_a_service_named_like_another_apps_container_is_refused_before_anything_is_made(
        catalog, env, run_ksad, docker_engine, ksad_cleanup, app_name):
    """Containers are named <slug>-<service>: installed as 'X', a service 'dua-web' clashed with the
    web of the app installed as 'X Dua', and Docker's message told to remove (or rename) that one."""
    standin = catalog.src / "recipes" / "standin" / "web"
    catalog.add_release("uji-kembar", "1.0.0", f"services:\n  dua-web:\n    build: ../../standin/web\n    {SLEEP}\n",
                        contexts={"dua-web": standin})
    name = app_name("Kembar")
    run_ksad("install", "uji-web", "--name", f"{name} Dua", env=env, check=True, timeout=300)
    container = f"{name.lower().replace(' ', '-')}-dua-web"
    for args in (("--dry-run",), ()):
        proc = run_ksad("install", "uji-kembar", "--name", name, *args, env=env, check=9, timeout=300)
        assert f"container {container} belongs to {name} Dua (uji-web)" in proc.stderr
        assert "remove (or rename)" not in proc.stderr
    assert not docker_engine.containers.list(all=True, filters={"label": "ksad.app=uji-kembar"})


def test_changed_recipe_does_not_match_its_pin(catalog, env, run_ksad, docker_engine):
    d = catalog.recipe_dir("uji-web", "1.0.0")
    compose = d / "compose.yaml"
    compose.write_text(compose.read_text().replace("Test App", "Evil App"))
    proc = run_ksad("install", "uji-web", "--name", "Uji", env=env, check=6)
    assert "does not match its pin" in proc.stderr
    (catalog.src / "recipes" / "standin" / "web" / "extra.txt").write_text("x")
    compose.write_text(compose.read_text().replace("Evil App", "Test App"))
    proc = run_ksad("install", "uji-web", "--name", "Uji", env=env, check=6)
    assert "build context of web" in proc.stderr


@pytest.mark.registry
def test_image_pinned_by_digest_from_a_real_registry(catalog, env, run_ksad, docker_engine, registry, tiny_image,
                                                     unique_name, ksad_cleanup, app_name):
    repo = f"{registry}/{unique_name('img')}"
    docker_engine.images.get(tiny_image).tag(repo, "1")
    for _ in docker_engine.images.push(repo, tag="1", stream=True, decode=True):
        pass
    digest = docker_engine.images.get_registry_data(f"{repo}:1").id
    docker_engine.images.remove(f"{repo}:1")
    compose = f"""\
services:
  web:
    image: {repo}@{digest}
    init: true
    command: ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/"]
    ports: ["8080"]
x-ksad:
  expose: {{service: web, port: 8080, path: /}}
"""
    catalog.add_release("uji-registry", "1.0.0", compose)
    name = app_name("Registri")
    proc = run_ksad("install", "uji-registry", "--name", name, env=env, check=True, timeout=300)
    assert proc.stdout.strip().startswith("http://localhost:")

    wrong = "sha256:" + "0" * 64
    catalog.add_release("uji-registry", "1.0.1", compose.replace(digest, wrong))
    bad = run_ksad("upgrade", "uji-registry", "--version", "1.0.1", env=env, check=6)
    assert wrong in bad.stderr
    row = next(r for r in json_data(run_ksad("status", "--json", env=env, check=True)) if r["app"] == "uji-registry")
    assert row["version"] == "1.0.0" and row["health"] in ("running", "healthy")  # the running app was not touched


def test_unreachable_ssh_target(env, run_ksad):
    proc = run_ksad("install", "uji-web", "--name", "Uji", "--target", "ssh://root@127.0.0.1:2299", env=env, check=7)
    assert "ssh://root@127.0.0.1:2299" in proc.stderr and "Cannot reach" in proc.stderr


def test_engine_stopped(env, run_ksad, tmp_path):
    e = {**env, "DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock"}
    for args in (("install", "uji-web", "--name", "Uji"), ("status",)):
        proc = run_ksad(*args, env=e, check=7)
        assert "Cannot reach the Docker engine of target local" in proc.stderr
    proc = run_ksad("status", env={**e, "KSAD_LANG": "id"}, check=7)
    assert "Tidak dapat menjangkau Docker engine" in proc.stderr


def test_health_failure_leaves_nothing_behind(catalog, env, run_ksad, docker_engine, ksad_cleanup, app_name):
    catalog.add_release("uji-sakit", "1.0.0", two_service(web_health=HEALTH_NEVER, retries=3))
    name = app_name("Sakit")
    proc = run_ksad("install", "uji-sakit", "--name", name, env=env, check=8, timeout=300)
    assert "unhealthy" in proc.stderr and "restored" in proc.stderr
    assert not docker_engine.containers.list(all=True, filters={"label": "ksad.app=uji-sakit"})
    slug = name.lower().replace(" ", "-")
    assert not docker_engine.volumes.list(filters={"label": f"ksad.slug={slug}"})
    assert not docker_engine.networks.list(names=[f"ksad-{slug}"])


# A service without a health check is up when it runs, as `docker compose up --wait` has it; one
# that dies 40 ms after its start is not up, however quickly install looks.
QUICK_EXIT = """\
services:
  web:
    build: ../../standin/web
    command: ["/bin/sh", "-c", "{command}"]
{restart}"""


def quick_exit(command: str, restart: str | None = None) -> str:
    return QUICK_EXIT.format(command=command, restart=f"    restart: {restart}\n" if restart else "")


@pytest.mark.parametrize("command, restart", [
    ("sleep 0.04; exit 3", None),
    ("sleep 0.04; exit 3", "on-failure"),
    ("exit 3", "on-failure"),
], ids=["40ms-no-restart", "40ms-on-failure", "at-once-on-failure"])
def test_a_service_without_healthcheck_that_exits_right_after_its_start_fails_the_install(
        catalog, env, run_ksad, docker_engine, ksad_cleanup, app_name, command, restart):
    """Install looked at the service once, right after starting it: running, so "healthy", and the
    app was reported installed while its only service had already exited (or was restarting)."""
    catalog.add_release("uji-kilat", "1.0.0", quick_exit(command, restart))
    name = app_name("Kilat")
    proc = run_ksad("install", "uji-kilat", "--name", name, env=env, check=8, timeout=300)
    assert "Service web stopped (exit code 3)" in proc.stderr
    assert "previous state was restored" in proc.stderr
    assert "healthy" not in proc.stderr.replace("unhealthy", "")
    assert not docker_engine.containers.list(all=True, filters={"label": "ksad.app=uji-kilat"})
    assert not [r for r in json_data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name]


def test_an_upgrade_whose_service_exits_right_after_its_start_brings_the_running_release_back(
        catalog, env, run_ksad, docker_engine, ksad_cleanup, app_name):
    catalog.add_release("uji-kilat", "1.0.0", quick_exit("exec /bin/busybox sleep 600"))
    name = app_name("Kilat")
    run_ksad("install", "uji-kilat", "--name", name, env=env, check=True, timeout=300)
    catalog.add_release("uji-kilat", "1.1.0", quick_exit("sleep 0.04; exit 3"))
    proc = run_ksad("upgrade", name, env=env, check=8, timeout=300)
    assert "Service web stopped (exit code 3)" in proc.stderr and "previous state was restored" in proc.stderr
    row = next(r for r in json_data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)
    assert (row["version"], row["revision"], row["health"]) == ("1.0.0", 1, "running")
    assert [(s["service"], s["state"]) for s in row["services"]] == [("web", "running")]


def test_status_calls_a_service_that_keeps_crashing_restarting_not_running(
        catalog, env, run_ksad, docker_engine, ksad_cleanup, app_name):
    """Between two tries of its restart policy the engine says Running (and Restarting): status
    showed a service that exits as soon as it starts as "running", the app as all right."""
    # up for a second at its first start (install sees it run), then it exits at once on every restart
    crash = "test -f /ran && exit 3; touch /ran; sleep 1; exit 3"
    catalog.add_release("uji-kilat", "1.0.0", quick_exit(crash, "always"))
    name = app_name("Kilat")
    run_ksad("install", "uji-kilat", "--name", name, env=env, check=True, timeout=300)
    slug = next(r["slug"] for r in json_data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)
    web = docker_engine.containers.get(f"{slug}-web")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the engine waits longer before each try: 0.1 s, 0.2 s, ... 1.6 s
        web.reload()
        if web.attrs["RestartCount"] >= 5 and web.attrs["State"]["Restarting"]:
            break
        time.sleep(0.05)
    row = next(r for r in json_data(run_ksad("status", "--json", env=env, check=True)) if r["name"] == name)
    assert row["health"] == "restarting", row
    assert row["services"][0]["health"] == "restarting"
    shown = run_ksad("status", env=env, check=True).stderr
    assert "restarting" in shown


def test_ctrl_c_during_install_exits_130_and_leaves_nothing_running(catalog, env, ksad_env, docker_engine,
                                                                    ksad_cleanup, app_name, tmp_path):
    catalog.add_release("uji-lambat", "1.0.0", two_service(web_health=HEALTH_NEVER, retries=100000))
    name = app_name("Lambat")
    proc = subprocess.Popen([sys.executable, "-m", "ksad", "install", "uji-lambat", "--name", name],
                            env={**ksad_env, **env}, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        running = docker_engine.containers.list(filters={"label": "ksad.app=uji-lambat", "status": "running"})
        if any(c.labels.get("ksad.service") == "web" for c in running):
            break
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the web container never started")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Interrupted" in err
    assert not docker_engine.containers.list(all=True, filters={"label": "ksad.app=uji-lambat"})


def test_browser_shows_the_local_name_and_region(run_ksad, ksad_cleanup, app_name, tmp_path):
    """What a person sees: the page rendered by a real (headless) Chromium."""
    import shutil

    chromium = shutil.which("chromium")
    assert chromium, "chromium is installed by scripts/setup.sh"
    env = {"KSAD_HOME": str(tmp_path / "home-palopo")}
    run_ksad("init", "--region", "73.73", "--domain", "palopokota.go.id", "--office", "Diskominfo Kota Palopo",
             "--colour-primary", "#7B1FA2", env=env, check=True)
    name = app_name("Sipakatau")
    url = run_ksad("install", "sakip", "--name", name, env=env, check=True, timeout=300).stdout.strip()
    get(url)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'chromium'}"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
    for shown in (name, "Kota Palopo", "73.73", "palopokota.go.id", "WITA", "Wali Kota", "#7B1FA2"):
        assert shown in dom
    shot = tmp_path / "page.png"
    subprocess.run([chromium, *flags, f"--screenshot={shot}", "--window-size=1200,900", url],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
    run_ksad("uninstall", name, "--purge", env=env, check=True)


def test_one_app_twice_under_two_names(env, run_ksad, ksad_cleanup, app_name):
    names = [app_name("Kembar Satu"), app_name("Kembar Dua")]
    urls = [run_ksad("install", "uji-web", "--name", n, env=env, check=True, timeout=300).stdout.strip() for n in names]
    assert urls[0] != urls[1]
    rows = {r["name"]: r for r in json_data(run_ksad("status", "--json", env=env, check=True))}
    assert all(rows[n]["app"] == "uji-web" and rows[n]["health"] == "healthy" for n in names)
    ambiguous = run_ksad("logs", "uji-web", env=env, check=9)
    assert names[0] in ambiguous.stderr and names[1] in ambiguous.stderr
    run_ksad("uninstall", names[1], "--purge", env=env, check=True)
    rows = {r["name"] for r in json_data(run_ksad("status", "--json", env=env, check=True))}
    assert names[0] in rows and names[1] not in rows


def test_a_build_uses_the_recipes_dockerfile_and_build_arguments(catalog, env, run_ksad, ksad_cleanup, app_name):
    """build: {context, dockerfile, args}, as Compose has it: the Dockerfile named (no Dockerfile at
    the context's top here) and each argument; another argument value is another image."""
    import shutil

    context = catalog.src / "recipes" / "custom-web"
    shutil.copytree(catalog.src / "recipes" / "standin" / "web", context)
    (context / "docker").mkdir()
    dockerfile = (context / "Dockerfile").read_text(encoding="utf-8")
    (context / "Dockerfile").unlink()
    (context / "docker" / "Dockerfile.ksad").write_text(
        dockerfile + 'ARG PAGE=none\nRUN echo "page: $PAGE" > /www/arg.txt\n', encoding="utf-8")

    def compose(page: str) -> str:
        build = f"build: {{context: ../../custom-web, dockerfile: docker/Dockerfile.ksad, args: {{PAGE: {page}}}}}"
        return two_service().replace("build: ../../standin/web", build, 1)

    catalog.add_release("uji-web", "1.1.0", compose("halo"), contexts={"web": context})
    catalog.add_release("uji-web", "1.2.0", compose("tabe"), contexts={"web": context})
    name = app_name("Dockerfile")
    url = run_ksad("install", "uji-web", "--name", name, "--version", "1.1.0", env=env, check=True,
                   timeout=300).stdout.strip()
    assert get(f"{url}arg.txt", "page:").strip() == "page: halo"
    run_ksad("upgrade", name, env=env, check=True, timeout=300)
    assert get(f"{url}arg.txt", "tabe").strip() == "page: tabe"


def test_a_dockerfile_outside_its_build_context_is_refused(catalog, env, run_ksad):
    (catalog.src / "recipes" / "standin" / "web.Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    build = "build: {context: ../../standin/web, dockerfile: ../web.Dockerfile}"
    catalog.add_release("uji-web", "1.1.0", two_service().replace("build: ../../standin/web", build, 1))
    proc = run_ksad("install", "uji-web", "--name", "Uji", "--dry-run", env=env, check=3)
    assert "services.web.build.dockerfile: '../web.Dockerfile' is not inside the build context" in proc.stderr


@pytest.mark.parametrize("tail", ["abc", "-5", "1e3", ""])
def test_logs_tail_must_be_a_number_of_lines_or_all(run_ksad, tail):
    """They were taken as 100, silently; refused before anything is looked up."""
    proc = run_ksad("logs", "uji-web", "--tail", tail, check=2)
    assert f"'{tail}' is neither a number of lines (0 or more) nor 'all'" in proc.stderr


def test_a_meaning_and_office_with_quotes_reach_the_app_as_valid_json(run_ksad, ksad_cleanup, app_name, tmp_path):
    """A template rendered into a .json file gets its values JSON-escaped: the bundled apps'
    ksad.json stays valid whatever the operator typed (a quoted motto, a backslash)."""
    env = {"KSAD_HOME": str(tmp_path / "home-palopo")}
    office = 'Dinas Kominfo "Palopo Smart City" \\ Bidang TIK'
    run_ksad("init", "--region", "73.73", "--domain", "palopokota.go.id", "--office", office, env=env, check=True)
    name = app_name("Sipakatau")
    meaning = 'semboyan "Sipakatau, Sipakalebbi" \\ saling memanusiakan'
    url = run_ksad("install", "sakip", "--name", name, "--meaning", meaning, env=env, check=True,
                   timeout=300).stdout.strip()
    get(url, name)
    data = json.loads(get(url.rstrip("/") + "/ksad.json"))
    assert (data["name"], data["name_meaning"], data["office"]) == (name, meaning, office)
    run_ksad("uninstall", name, "--purge", env=env, check=True)


def test_an_svg_emblem_is_served_as_svg(run_ksad, ksad_cleanup, app_name, tmp_path):
    """The recipes name the emblem's file /www/emblem.png; an SVG pack's emblem must not be served
    under that name as image/png, which no browser draws."""
    import re
    import urllib.request

    svg = tmp_path / "lambang-palopo.svg"
    svg.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>\n')
    env = {"KSAD_HOME": str(tmp_path / "home-palopo")}
    run_ksad("init", "--region", "73.73", "--domain", "palopokota.go.id", "--office", "Diskominfo Kota Palopo",
             "--emblem", svg, env=env, check=True)
    name = app_name("Sipakatau")
    url = run_ksad("install", "sakip", "--name", name, env=env, check=True, timeout=300).stdout.strip()
    src = re.search(r'<img class="emblem" src="([^"]+)"', get(url, name))[1]
    with urllib.request.urlopen(url.rstrip("/") + src, timeout=10) as resp:
        assert resp.headers["Content-Type"] == "image/svg+xml"
        assert resp.read() == svg.read_bytes()
    run_ksad("uninstall", name, "--purge", env=env, check=True)
