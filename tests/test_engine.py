"""The local engine without the SDK: ksad's own request bodies and the raw client's writes.

On a local socket ksad creates, starts, stops and removes containers without
importing the docker SDK (0.2-0.4 s of a cold install). These tests hold that
path to what the SDK would have done: the same request bodies, the same
containers as the engine reports them, the same errors.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ksad.engine import connect, container_body, create_idle
from ksad.errors import DeployError, NotFoundError

import infra

# every keyword deploy.service_spec can pass, with the shapes it passes them in
FULL_SPEC = {
    "config": {
        "image": "example/web:1", "name": "web-1", "command": "httpd -f -p 8080 -h '/srv/my www'",
        "entrypoint": ["/bin/sh", "-c"], "environment": {"TZ": "Asia/Makassar", "EMPTY": ""},
        "labels": {"ksad.managed": "1", "ksad.app": "web"},
        "healthcheck": {"test": "wget -q -O- http://127.0.0.1:8080/ || exit 1", "interval": 500_000_000,
                        "timeout": 2_000_000_000, "retries": 3, "start_period": 1_000_000_000},
        "user": 1000, "working_dir": "/srv", "stop_signal": "SIGTERM", "hostname": "web",
        "stop_timeout": 10, "ports": [(8080, "tcp"), (53, "udp")],
    },
    "host_config": {
        "init": True,
        "mounts": [{"Type": "volume", "Source": "ksad-x-data", "Target": "/data", "ReadOnly": False}],
        "port_bindings": {"8080/tcp": 18080, "53/udp": 10053},
        "restart_policy": {"Name": "unless-stopped"}, "cap_add": ["NET_BIND_SERVICE"], "cap_drop": ["ALL"],
        "read_only": True, "tmpfs": {"/tmp": "size=64m", "/run": ""},
        "ulimits": [{"Name": "nofile", "Soft": 1024, "Hard": 2048}],
        "log_config": {"Type": "json-file", "Config": {"max-size": "10m"}},
        "mem_limit": 256 * 1024 * 1024, "nano_cpus": 500_000_000, "shm_size": 64 * 1024 * 1024,
        "privileged": True, "network_mode": "ksad-x", "pid_mode": "host", "ipc_mode": "private",
        "devices": ["/dev/fuse", "/dev/snd:/dev/sound:r"], "security_opt": ["no-new-privileges"],
        "extra_hosts": {"db.local": "10.0.0.2", "api.local": "10.0.0.3"}, "sysctls": {"net.core.somaxconn": 1024},
    },
    "network": "ksad-x",
    "aliases": ["web"],
}


def _sdk_body(spec: dict) -> tuple[dict, str | None]:
    """What docker.APIClient.create_container posts for the same keywords (no engine contacted)."""
    import docker
    from docker.types import ContainerConfig

    api = docker.APIClient(base_url="unix:///nonexistent.sock", version="1.41")
    config = dict(spec["config"])
    name = config.pop("name", None)
    config.setdefault("command", None)  # create_container's default
    networking = None
    if spec.get("network"):
        networking = api.create_networking_config(
            {spec["network"]: api.create_endpoint_config(aliases=spec.get("aliases") or [])})
    body = ContainerConfig("1.41", host_config=api.create_host_config(**spec["host_config"]),
                           networking_config=networking, **config)
    # APIClient._post_json drops the top-level None values before sending
    return json.loads(json.dumps({k: v for k, v in body.items() if v is not None})), name


@pytest.mark.parametrize("spec", [
    FULL_SPEC,
    {"config": {"image": "a:1", "name": "a", "labels": {"x": "1"}}, "host_config": {"network_mode": "ksad-a"},
     "network": "ksad-a", "aliases": []},
    {"config": {"image": "a:1", "command": ["true"], "labels": {}},
     "host_config": {"mounts": [], "network_mode": "none"}},
], ids=["every-keyword", "minimal", "marker"])
def test_container_bodies_are_what_the_sdk_sends(spec):
    ours, name = container_body(spec)
    assert json.loads(json.dumps(ours)) == _sdk_body(spec)[0]
    assert name == spec["config"].get("name")


def test_a_keyword_without_a_mapping_is_refused_not_dropped():
    with pytest.raises(ValueError, match="oom_kill_disable"):
        container_body({"config": {"image": "a:1"}, "host_config": {"oom_kill_disable": True}})
    with pytest.raises(ValueError, match="mac_address"):
        container_body({"config": {"image": "a:1", "mac_address": "02:42:ac:11:00:02"}, "host_config": {}})


def _comparable(info: dict) -> dict:
    """What the engine made of a create request, without what differs between any two containers."""
    config = {k: v for k, v in info["Config"].items() if k not in ("Hostname",)}
    host = {k: v for k, v in info["HostConfig"].items()}
    nets = {n: (e or {}).get("Aliases") for n, e in info["NetworkSettings"]["Networks"].items()}
    return {"Config": config, "HostConfig": host, "Networks": nets}


def test_raw_writes_make_the_same_containers_as_the_sdk(docker_engine, standin_base, unique_name, test_session):
    """Create, copy files in, start, pause, stop, rename and remove on the local socket, with no SDK
    call: the engine reports the same container as one created through the SDK's helpers."""
    engine = connect("local", "unix:///var/run/docker.sock")
    assert engine.reader is not None and engine._client is None
    net, vol = unique_name("net"), unique_name("vol")
    labels = {infra.TEST_LABEL: test_session}
    engine.create_network(net, labels)
    engine.create_volume(vol, labels)
    spec = {
        "config": {"image": standin_base, "command": ["sleep", "600"], "environment": {"A": "1"},
                   "labels": {**labels, "ksad.test.kind": "raw"},
                   "healthcheck": {"test": "test -f /etc/app.conf", "interval": 500_000_000, "retries": 3},
                   "stop_timeout": 1, "ports": [(8080, "tcp")]},
        "host_config": {"init": True, "network_mode": net,
                        "mounts": [{"Type": "volume", "Source": vol, "Target": "/data", "ReadOnly": False}],
                        "tmpfs": {"/scratch": ""}, "extra_hosts": {"db.local": "10.0.0.2"},
                        "restart_policy": {"Name": "unless-stopped"}},
        "network": net, "aliases": ["web"],
    }
    raw_name, sdk_name = unique_name("raw"), unique_name("sdk")
    cid = engine.create_container({**spec, "config": {**spec["config"], "name": raw_name}})
    sdk = docker_engine.api
    sdk_id = sdk.create_container(
        name=sdk_name, host_config=sdk.create_host_config(**spec["host_config"]),
        networking_config=sdk.create_networking_config({net: sdk.create_endpoint_config(aliases=["web"])}),
        **spec["config"])["Id"]
    try:
        assert _comparable(sdk.inspect_container(cid)) == _comparable(sdk.inspect_container(sdk_id))

        engine.put_files(cid, [("etc/app.conf", b"name=Sabalong\n", 0o640)])
        engine.start(cid)
        state = sdk.inspect_container(cid)["State"]
        assert state["Running"]
        assert subprocess.run(["docker", "exec", cid, "cat", "/etc/app.conf"], capture_output=True,
                              text=True, check=True).stdout == "name=Sabalong\n"
        engine.pause(cid)
        assert sdk.inspect_container(cid)["State"]["Paused"]
        engine.unpause(cid)
        engine.stop(cid, timeout=1)
        engine.stop(cid, timeout=1)  # already stopped: the engine's 304, not an error
        assert not sdk.inspect_container(cid)["State"]["Running"]
        engine.rename(cid, raw_name + "-old")
        assert sdk.inspect_container(cid)["Name"] == f"/{raw_name}-old"
        assert engine._client is None, "a plain write imported the SDK"
    finally:
        engine.remove_container(cid)
        sdk.remove_container(sdk_id, force=True)
    assert engine.containers(id=cid) == []
    engine.remove_container(cid)  # gone already: nothing to do, as with the SDK
    engine.remove_network(net)
    engine.remove_volume(vol)
    assert not engine.network_exists(net) and not engine.volume_exists(vol)


def test_raw_write_errors_are_the_sdks(docker_engine, standin_base, unique_name, test_session):
    engine = connect("local", "unix:///var/run/docker.sock")
    labels = {infra.TEST_LABEL: test_session}
    name = unique_name("marker")
    first = create_idle(engine, standin_base, name, labels)
    try:
        assert first is not None
        assert create_idle(engine, standin_base, name, labels) is None  # the name is taken: 409
        with pytest.raises(NotFoundError):
            engine.start("ksad-no-such-container")
        with pytest.raises(DeployError) as refused:
            engine.create_container({"config": {"image": standin_base, "name": name, "labels": labels},
                                     "host_config": {}})
        assert refused.value.key == "engine.api_error" and refused.value.fields["action"] == "create container"
        assert "already in use" in refused.value.fields["detail"]  # the engine's own words, as the SDK gives them
    finally:
        engine.remove_container(first)
    assert engine._client is None


def test_a_local_install_path_imports_no_sdk(standin_base):
    """The modules a local install runs through, and connecting, leave `docker` unimported."""
    code = ("import sys\n"
            "sys.modules['docker'] = None\n"  # any import of it now fails loudly
            "from ksad import deploy, lifecycle, engine\n"
            "e = engine.connect('local', 'unix:///var/run/docker.sock')\n"
            "e.managed_containers(); e.network_exists('ksad-none'); e.volume_exists('ksad-none')\n"
            "print(lifecycle.utility_image(e))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
