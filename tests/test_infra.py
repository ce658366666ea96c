"""The test infrastructure itself works: engine, registry round trip, ssh target, ksad runner."""

from __future__ import annotations

import contextlib
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
def test_a_killed_sessions_leftovers_are_swept_and_a_live_ones_kept(docker_engine, tiny_image, unique_name,
                                                                     test_session):
    import secrets

    tokens = {}
    while len(tokens) < 4:  # distinct from each other and from this session
        t = secrets.token_hex(3)
        if t != test_session and t not in tokens.values():
            tokens[("dead", "alive", "unleased_running", "unleased_stopped")[len(tokens)]] = t
    dead_lease = infra.LEASES / tokens["dead"]
    infra.LEASES.mkdir(parents=True, exist_ok=True)
    dead_lease.write_text("")  # a lease nobody holds: its session was killed
    alive_lease = infra.hold_session_lease(tokens["alive"])

    def app_container(kind: str, command: list[str]):
        # Looks like a ksad app of that session: the session is read from the slug.
        # The name carries this session's prefix, so this session removes it if the test fails.
        labels = {infra.TEST_LABEL: "", "ksad.managed": "1", "ksad.slug": f"uji-web-{tokens[kind]}ab12"}
        c = docker_engine.containers.create(tiny_image, command, name=unique_name(kind), labels=labels)
        if "sleep" in command:
            c.start()
        return c

    made = {kind: app_container(kind, ["busybox", "sleep", "60"] if kind == "unleased_running" else ["true"])
            for kind in tokens}
    volume = docker_engine.volumes.create(f"{infra.TEST_PREFIX_ROOT}{tokens['dead']}-data")
    try:
        swept = infra.sweep_dead_sessions(docker_engine, test_session)
        left = {c.id for c in docker_engine.containers.list(all=True)}
        assert tokens["dead"] in swept and tokens["unleased_stopped"] in swept
        assert tokens["alive"] not in swept and tokens["unleased_running"] not in swept
        assert made["dead"].id not in left and made["unleased_stopped"].id not in left
        assert made["alive"].id in left and made["unleased_running"].id in left
        assert volume.name not in {v.name for v in docker_engine.volumes.list()}
        assert not dead_lease.exists()
        assert test_session not in swept
    finally:
        alive_lease.close()
        (infra.LEASES / tokens["alive"]).unlink(missing_ok=True)
        for c in made.values():
            with contextlib.suppress(Exception):
                c.remove(force=True)
