"""The test infrastructure itself works: engine, registry round trip, ssh target, ksad runner."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import sys

import pytest

import infra


@pytest.mark.docker
def test_engine_answers_and_runs_the_tiny_image(docker_engine, tiny_image, unique_name):
    assert docker_engine.ping() is True
    out = docker_engine.containers.run(tiny_image, ["sh", "-c", "echo hello from $0"],
                                       name=unique_name("hello"), remove=True)
    assert out.decode().strip() == "hello from sh"


@pytest.mark.docker
@pytest.mark.registry
def test_registry_push_then_pull_by_digest(docker_engine, registry, test_prefix, test_session):
    repo = f"{registry}/{test_prefix}-roundtrip"
    image = infra.build_busybox_image(docker_engine, repo, "v1", labels={infra.TEST_LABEL: test_session})

    digest = None
    for event in docker_engine.images.push(repo, tag="v1", stream=True, decode=True):
        assert "error" not in event, event
        digest = event.get("aux", {}).get("Digest", digest)
    assert digest and digest.startswith("sha256:")

    docker_engine.images.remove(f"{repo}:v1", force=True)
    pulled = docker_engine.images.pull(f"{repo}@{digest}")
    assert pulled.id == image.id
    assert f"{repo}@{digest}" in pulled.attrs["RepoDigests"]


@pytest.mark.docker
@pytest.mark.ssh
def test_ssh_target_reaches_the_engine_through_paramiko(ssh_target, docker_engine):
    # A subprocess, as ksad would run: HOME decides which ~/.ssh paramiko reads.
    code = (
        "import docker, json, sys\n"
        "c = docker.DockerClient(base_url=sys.argv[1], use_ssh_client=False, timeout=60)\n"
        "print(json.dumps(c.version()))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, ssh_target.url],
                          env={**os.environ, **ssh_target.env}, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    remote = json.loads(proc.stdout)
    assert remote["ApiVersion"] == docker_engine.version()["ApiVersion"]
    assert ssh_target.url == "ssh://root@127.0.0.1:2222"


@pytest.mark.ssh
def test_ssh_target_refuses_a_home_without_the_key(ssh_target, tmp_path):
    # Proves the HOME in ssh_target.env is what makes the connection work.
    code = (
        "import docker, sys\n"
        "docker.DockerClient(base_url=sys.argv[1], use_ssh_client=False, timeout=10).version()\n"
    )
    env = {**os.environ, "HOME": str(tmp_path)}
    env.pop("SSH_AUTH_SOCK", None)
    proc = subprocess.run([sys.executable, "-c", code, ssh_target.url],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "127.0.0.1" in proc.stderr  # the unknown host key is refused by name


def test_run_ksad_runs_the_cli_with_an_isolated_home(run_ksad, ksad_env, tmp_path):
    proc = run_ksad("--version", check=True)
    assert "ksad" in proc.stdout
    assert ksad_env["KSAD_HOME"] == str(tmp_path / "home")
    assert ksad_env["KSAD_LANG"] == "en"


def test_run_ksad_reports_a_usage_error_without_traceback(run_ksad):
    proc = run_ksad("no-such-command")
    assert proc.returncode != 0
    assert "no-such-command" in proc.stderr


@pytest.mark.docker
def test_a_killed_sessions_leftovers_are_swept_and_a_live_ones_and_users_apps_kept(docker_engine, tiny_image,
                                                                                    test_session):
    import secrets

    kinds = ("dead", "alive", "unleased_running", "unleased_stopped", "user")
    tokens: dict[str, str] = {}
    while len(tokens) < len(kinds):  # distinct from each other and from this session
        t = secrets.token_hex(3)
        if t != test_session and t not in tokens.values():
            tokens[kinds[len(tokens)]] = t
    dead_lease = infra.LEASES / tokens["dead"]
    infra.LEASES.mkdir(parents=True, exist_ok=True)
    dead_lease.write_text("")  # a lease nobody holds: its session was killed
    alive_lease = infra.hold_session_lease(tokens["alive"])
    made, volumes = [], []

    def app(slug: str, running: bool = False):
        """A container as ksad makes them (no test label, no test prefix): only its slug says whose."""
        labels = {infra.TEST_LABEL: "", "ksad.managed": "1", "ksad.slug": slug}
        c = docker_engine.containers.create(tiny_image, ["busybox", "sleep", "60"] if running else ["true"],
                                            name=f"{slug}-web", labels=labels)
        made.append(c)
        if running:
            c.start()
        return c

    def test_volume(kind: str):  # certainly a test's: the ksadtest-<session>- name
        volumes.append(docker_engine.volumes.create(f"{infra.TEST_PREFIX_ROOT}{tokens[kind]}-data"))

    try:
        dead = app(f"uji-web-{tokens['dead']}ab12")
        test_volume("dead")
        alive = app(f"uji-web-{tokens['alive']}ab12")
        test_volume("unleased_running")
        unleased_running = app(f"uji-web-{tokens['unleased_running']}ab12", running=True)
        test_volume("unleased_stopped")
        unleased_stopped = app(f"uji-web-{tokens['unleased_stopped']}ab12")
        # a user's own apps: a name ending in ten hex digits, stopped; one with a swept session's
        # id inside its name, running
        user_stopped = app(f"arsip-{tokens['user']}2023")
        user_running = app(f"laporan-{tokens['dead']}", running=True)

        swept = infra.sweep_dead_sessions(docker_engine, test_session)
        left = {c.id for c in docker_engine.containers.list(all=True)}
        assert tokens["dead"] in swept and tokens["unleased_stopped"] in swept
        assert not {tokens[k] for k in ("alive", "unleased_running", "user")} & set(swept)
        assert test_session not in swept
        assert dead.id not in left and unleased_stopped.id not in left
        assert {alive.id, unleased_running.id, user_stopped.id, user_running.id} <= left
        assert {v.name for v in docker_engine.volumes.list()} & {v.name for v in volumes} == {volumes[1].name}
        assert not dead_lease.exists()
    finally:
        alive_lease.close()
        (infra.LEASES / tokens["alive"]).unlink(missing_ok=True)
        for c in made:
            with contextlib.suppress(Exception):
                c.remove(force=True)
        for v in volumes:
            with contextlib.suppress(Exception):
                v.remove(force=True)


def test_a_lease_removed_before_it_was_locked_is_made_again(tmp_path, monkeypatch):
    """A sweep that looks between a new session's open and its lock finds the file free, takes the
    session for dead and removes the file: the session must not go on holding a nameless lock."""
    monkeypatch.setattr(infra, "LEASES", tmp_path / "sessions")
    real_flock, removed = fcntl.flock, []

    def flock(fh, op):
        if op == fcntl.LOCK_EX and not removed:  # the sweep comes in just before the owner's lock
            removed.append(infra._lease_state("abc123"))
        return real_flock(fh, op)

    monkeypatch.setattr(fcntl, "flock", flock)
    lease = infra.hold_session_lease("abc123")
    monkeypatch.setattr(fcntl, "flock", real_flock)
    try:
        assert removed == [False]  # the sweep did take it for a dead session's
        assert infra._lease_state("abc123") is True  # yet the session holds a lease the next sweep sees
    finally:
        lease.close()
    assert infra._lease_state("abc123") is False  # gone with its session
