"""The Docker engine of a target: the only module that imports the docker SDK.

Every ``docker.errors`` / paramiko / socket exception is translated here into
a ``KsadError`` that names the target, so callers never see SDK types.
One ``Engine`` is one connection for the whole command: over SSH the SDK's
paramiko transport keeps a single connection and opens a channel per call (and
another connection only when sshd refuses more sessions on the first).
"""

from __future__ import annotations

import contextlib
import functools
import io
import time
from typing import Any, Callable, Iterator
from urllib.parse import urlparse

from ksad.errors import DeployError, KsadError, NotFoundError, TargetError, TrustError

LABEL = "ksad"  # label prefix: ksad.app, ksad.slug, ...
MANAGED = f"{LABEL}.managed"


def host_of(url: str) -> str:
    """The host name users reach published ports on."""
    parsed = urlparse(url)
    if parsed.scheme in ("ssh", "tcp", "http", "https") and parsed.hostname:
        return parsed.hostname
    return "localhost"


def _status(exc: BaseException) -> int | None:
    code = getattr(exc, "status_code", None)
    return code if isinstance(code, int) else None


def _translated(exc: Exception, target_name: str, url: str, action: str) -> KsadError | None:
    """The KsadError for an SDK, transport or raw-socket exception; None if it is none of those.

    Classified by status code and module, so that translating never imports the SDK.
    """
    module = type(exc).__module__
    name = type(exc).__name__
    status = _status(exc)
    if name == "ImageNotFound" or (status == 404 and action.startswith(("inspect image", "pull"))):
        return NotFoundError("engine.image_missing", target=target_name, detail=_explain(exc))
    if status == 404:
        return NotFoundError("engine.not_found", target=target_name, detail=_explain(exc))
    if name == "BuildError":
        return DeployError("engine.build_failed", target=target_name, detail=_explain(exc))
    if status is not None:
        return DeployError("engine.api_error", target=target_name, action=action, detail=_explain(exc))
    if isinstance(exc, OSError) or module.startswith(("docker", "requests", "urllib3", "paramiko", "http.client")):
        return TargetError("engine.unreachable", target=target_name, url=url, detail=_explain(exc))
    return None


@contextlib.contextmanager
def translate(target_name: str, url: str, action: str = "") -> Iterator[None]:
    """Turn SDK, transport and socket exceptions into KsadErrors naming the target."""
    try:
        yield
    except KsadError:
        raise
    except Exception as exc:
        mapped = _translated(exc, target_name, url, action)
        if mapped is None:
            raise
        raise mapped from None


def _explain(exc: BaseException) -> str:
    explanation = getattr(exc, "explanation", None)
    text = explanation if isinstance(explanation, str) and explanation else str(exc)
    return " ".join(text.split())[:400]


def _split(command):
    import shlex

    return shlex.split(command) if isinstance(command, str) else command


def _host_config(hc: dict) -> dict:
    """The engine's HostConfig for the docker.APIClient.create_host_config keywords ksad uses."""
    out: dict[str, Any] = {"NetworkMode": hc.get("network_mode") or "default"}
    simple = {"init": "Init", "mounts": "Mounts", "restart_policy": "RestartPolicy", "cap_add": "CapAdd",
              "cap_drop": "CapDrop", "read_only": "ReadonlyRootfs", "tmpfs": "Tmpfs", "ulimits": "Ulimits",
              "log_config": "LogConfig", "nano_cpus": "NanoCpus", "shm_size": "ShmSize", "privileged": "Privileged",
              "pid_mode": "PidMode", "ipc_mode": "IpcMode", "security_opt": "SecurityOpt", "mem_limit": "Memory"}
    for key, value in hc.items():
        if key == "network_mode":
            continue
        if key in simple:
            out[simple[key]] = value
        elif key == "port_bindings":
            out["PortBindings"] = {(k if "/" in str(k) else f"{k}/tcp"): [{"HostIp": "", "HostPort": str(v)}]
                                   for k, v in value.items()}
        elif key == "devices":
            out["Devices"] = [_device(d) for d in value]
        elif key == "extra_hosts":
            out["ExtraHosts"] = [f"{k}:{v}" for k, v in sorted(value.items())]
        elif key == "sysctls":
            out["Sysctls"] = {k: str(v) for k, v in value.items()}
        else:  # a new keyword in deploy.service_spec must be mapped here (tests compare with the SDK)
            raise ValueError(f"no HostConfig mapping for {key!r}")
    return out


def _device(device: str | dict) -> dict:
    if isinstance(device, dict):
        return device
    parts = device.split(":")
    return {"PathOnHost": parts[0], "PathInContainer": parts[1] if len(parts) > 1 else parts[0],
            "CgroupPermissions": parts[2] if len(parts) > 2 else "rwm"}


def container_body(spec: dict) -> tuple[dict, str | None]:
    """The engine's body for POST /containers/create, and the name, from a deploy spec.

    What docker.APIClient.create_container sends for the same keywords (compared in
    tests), built without importing the SDK so that a local install need not load it.
    """
    config = dict(spec["config"])
    unknown = set(config) - {"image", "name", "command", "entrypoint", "environment", "labels", "healthcheck",
                             "user", "working_dir", "stop_signal", "hostname", "stop_timeout", "ports"}
    if unknown:
        raise ValueError(f"no container config mapping for {sorted(unknown)}")
    hc = config.get("healthcheck")
    if hc is not None:
        test = hc.get("test")
        hc = {"Test": ["CMD-SHELL", test] if isinstance(test, str) else test, "Interval": hc.get("interval"),
              "Timeout": hc.get("timeout"), "Retries": hc.get("retries"), "StartPeriod": hc.get("start_period")}
    ports = config.get("ports")
    env = config.get("environment")
    body = {
        "Hostname": config.get("hostname"), "Domainname": None,
        "ExposedPorts": {f"{p}/{proto}": {} for p, proto in ports} if ports is not None else None,
        "User": str(config["user"]) if config.get("user") is not None else None,
        "Tty": False, "OpenStdin": False, "StdinOnce": False,
        "AttachStdin": False, "AttachStdout": True, "AttachStderr": True,
        "Env": [f"{k}={v}" for k, v in env.items()] if isinstance(env, dict) else env,
        "Cmd": _split(config.get("command")), "Image": config["image"], "Volumes": None,
        "NetworkDisabled": False, "Entrypoint": _split(config.get("entrypoint")),
        "WorkingDir": config.get("working_dir"), "HostConfig": _host_config(spec.get("host_config") or {}),
        "NetworkingConfig": ({"EndpointsConfig": {spec["network"]: ({"Aliases": spec["aliases"]}
                                                                      if spec.get("aliases") else {})}}
                             if spec.get("network") else None),
        "MacAddress": None, "Labels": config.get("labels"), "StopSignal": config.get("stop_signal"),
        "Healthcheck": hc, "StopTimeout": config.get("stop_timeout"), "Runtime": None,
    }
    return {k: v for k, v in body.items() if v is not None}, config.get("name")


class Engine:
    """One target's engine for one command. Reads on a local socket skip the SDK (see rawdocker)."""

    def __init__(self, target_name: str, url: str, client: Any = None, reader: Any = None,
                 timeout: int = 60) -> None:
        self.target_name, self.url, self._client, self._timeout = target_name, url, client, timeout
        self.reader = reader  # RawDocker, or None: then reads use the SDK too

    @property
    def client(self):
        """The docker.DockerClient, created on first use."""
        if self._client is None:
            self._client = _sdk_client(self.target_name, self.url, self._timeout)
        return self._client

    @property
    def api(self):
        return self.client.api

    @property
    def read(self):
        return self.reader if self.reader is not None else self.api

    write = read  # plain writes (no streams) too: create, start, stop, rename, remove, pause, copy files in

    @property
    def host(self) -> str:
        return host_of(self.url)

    def call(self, action: str, fn: Callable, *args, **kwargs):
        with translate(self.target_name, self.url, action):
            return fn(*args, **kwargs)

    # --- reading -------------------------------------------------------------
    def managed_containers(self, **labels: str) -> list[dict]:
        filters = [MANAGED + "=1"] + [f"{LABEL}.{k}={v}" for k, v in labels.items()]
        return self.call("list", lambda: self.read.containers(all=True, filters={"label": filters}))

    def containers(self, **filters) -> list[dict]:
        return self.call("list", lambda: self.read.containers(all=True, filters=filters or None))

    def inspect_container(self, ident: str) -> dict:
        return self.call("inspect", lambda: self.read.inspect_container(ident))

    def _absent_ok(self, action: str, fn: Callable):
        """fn(), or None if the engine says the object does not exist."""
        with translate(self.target_name, self.url, action):
            try:
                return fn()
            except Exception as exc:  # noqa: BLE001 - only a 404 is swallowed
                if _status(exc) == 404 or type(exc).__name__ in ("NotFound", "ImageNotFound"):
                    return None
                raise

    def image_id(self, ref: str) -> str | None:
        info = self._absent_ok("inspect image", lambda: self.read.inspect_image(ref))
        return info["Id"] if info else None

    def image_volumes(self, ref: str) -> list[str]:
        """The paths the image declares VOLUME at: the engine gives each container an anonymous
        volume there unless something is mounted at exactly that path."""
        info = self.call("inspect image", lambda: self.read.inspect_image(ref))
        return sorted((info.get("Config") or {}).get("Volumes") or {})

    def volume_exists(self, name: str) -> bool:
        return self.volume_labels(name) is not None

    def volume_labels(self, name: str) -> dict[str, str] | None:
        """The volume's labels, or None if there is no such volume."""
        info = self._absent_ok("inspect volume", lambda: self.read.inspect_volume(name))
        return None if info is None else info.get("Labels") or {}

    def network_exists(self, name: str) -> bool:
        return bool(self.call("list networks", lambda: self.read.networks(names=[name])))

    def volumes(self, **filters) -> list[dict]:
        return self.call("list volumes", lambda: self.read.volumes(filters=filters or None)).get("Volumes") or []

    def used_host_ports(self) -> set[int]:
        ports: set[int] = set()
        for c in self.call("list", lambda: self.read.containers(all=True)):
            for p in c.get("Ports") or []:
                if p.get("PublicPort"):
                    ports.add(int(p["PublicPort"]))
        return ports

    # --- images ----------------------------------------------------------------
    def build(self, context_tar: bytes, tag: str, labels: dict[str, str], progress: Callable[[str], None], *,
              dockerfile: str = "Dockerfile", args: dict[str, str] | None = None) -> str:
        """Build *tag* from a context tar; *dockerfile*: its path inside the context."""
        with translate(self.target_name, self.url, "build"):
            stream = self.api.build(fileobj=io.BytesIO(context_tar), custom_context=True, tag=tag, rm=True,
                                    forcerm=True, labels=labels, decode=True, pull=False, dockerfile=dockerfile,
                                    buildargs=dict(args or {}))
            for chunk in stream:
                if "error" in chunk:
                    raise DeployError("engine.build_failed", target=self.target_name,
                                      detail=" ".join(str(chunk["error"]).split())[:400])
                line = (chunk.get("stream") or chunk.get("status") or "").strip()
                if line:
                    progress(line)
        image = self.image_id(tag)
        if image is None:
            raise DeployError("engine.build_failed", target=self.target_name, detail=f"no image {tag} after build")
        return image

    def pull(self, ref: str, progress: Callable[[str], None]) -> str:
        """Pull *ref* (name@sha256:digest) and prove the engine holds exactly that digest."""
        repo, _, digest = ref.partition("@")
        with translate(self.target_name, self.url, "pull"):
            try:
                stream = self.api.pull(repo, tag=digest, stream=True, decode=True)
            except Exception as exc:  # noqa: BLE001 - a 404 is a trust matter; the rest is translated
                if _status(exc) != 404:
                    raise
                # the registry answers but has no manifest with the pinned digest
                raise TrustError("engine.digest_unavailable", ref=ref, detail=_explain(exc)) from None
            for chunk in stream:
                if "error" in chunk:
                    raise DeployError("engine.pull_failed", target=self.target_name, ref=ref,
                                      detail=" ".join(str(chunk["error"]).split())[:400])
                status = chunk.get("status")
                if status:
                    progress(f"{status} {chunk.get('progress', '')}".strip())
        return self.verify_digest(ref)

    def verify_digest(self, ref: str) -> str:
        repo, _, digest = ref.partition("@")
        info = self.call("inspect image", self.api.inspect_image, ref)
        if not any(d.endswith("@" + digest) for d in info.get("RepoDigests") or []):
            raise TrustError("engine.digest_mismatch", ref=ref, found=", ".join(info.get("RepoDigests") or []) or "-")
        return info["Id"]

    # --- changing --------------------------------------------------------------
    def create_network(self, name: str, labels: dict[str, str]) -> None:
        self.call("create network", lambda: self.write.create_network(name, driver="bridge", labels=labels,
                                                                      check_duplicate=True))

    def create_volume(self, name: str, labels: dict[str, str]) -> None:
        self.call("create volume", lambda: self.write.create_volume(name=name, labels=labels))

    def create_container(self, spec: dict) -> str:
        body, name = container_body(spec)
        return self.call("create container", lambda: self.write.create_container_from_config(body, name))["Id"]

    def put_files(self, container: str, files: list[tuple[str, bytes, int]]) -> None:
        """Copy rendered files into a created (not yet started) container."""
        if not files:
            return
        import tarfile

        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            dirs: set[str] = set()
            for path, data, mode in files:
                parts = path.strip("/").split("/")
                for i in range(1, len(parts)):
                    d = "/".join(parts[:i])
                    if d not in dirs:
                        dirs.add(d)
                        info = tarfile.TarInfo(d)
                        info.type, info.mode = tarfile.DIRTYPE, 0o755
                        tar.addfile(info)
                info = tarfile.TarInfo("/".join(parts))
                info.size, info.mode, info.mtime = len(data), mode, int(time.time())
                tar.addfile(info, io.BytesIO(data))
        self.call("copy files", lambda: self.write.put_archive(container, "/", buf.getvalue()))

    def start(self, container: str) -> None:
        self.call("start", lambda: self.write.start(container))

    def stop(self, container: str, timeout: int = 10) -> None:
        self.call("stop", lambda: self.write.stop(container, timeout=timeout))

    def rename(self, container: str, name: str) -> None:
        self.call("rename", lambda: self.write.rename(container, name))

    def pause(self, container: str) -> None:
        self.call("pause", lambda: self.write.pause(container))

    def unpause(self, container: str) -> None:
        self.call("unpause", lambda: self.write.unpause(container))

    def remove_container(self, container: str, *, anonymous_volumes: bool = False) -> None:
        """*anonymous_volumes*: also the volumes the engine made for it (never a named one); kept by
        default, since an older ksad left data in them (an image VOLUME its recipe did not mount)."""
        self._absent_ok("remove container", lambda: self.write.remove_container(container, force=True,
                                                                                v=anonymous_volumes))

    def remove_network(self, name: str) -> None:
        self._absent_ok("remove network", lambda: self.write.remove_network(name))

    def remove_volume(self, name: str) -> None:
        self._absent_ok("remove volume", lambda: self.write.remove_volume(name, force=True))

    def logs(self, container: str, tail: int | str = "all", follow: bool = False,
             timestamps: bool = False, since: float | None = None) -> Iterator[bytes]:
        """The container's log, one log message (a frame of the engine's stream) per item.

        *since*: POSIX seconds; only messages stamped at or after it (then *tail* is ignored).
        """
        with translate(self.target_name, self.url, "logs"):
            # streamed even when not following: only the frames tell where a message ends, and
            # the engine stamps each message, also each piece of a line it split (16 KiB each)
            window = {"since": since} if since else {"tail": tail}
            out = self.api.logs(container, stream=True, follow=follow, timestamps=timestamps, **window)
            if isinstance(out, bytes):
                yield out
            else:
                yield from out


def _sdk_client(target_name: str, url: str, timeout: int):
    import sys

    if not url.startswith("ssh://") and "docker" not in sys.modules:
        # The SDK imports paramiko (about half of `import docker`) only to offer ssh://;
        # a local or tcp:// target never uses it, so let that import fail softly, as the
        # SDK allows when paramiko is not installed.
        sys.modules.setdefault("paramiko", None)
    elif url.startswith("ssh://") and "paramiko" in sys.modules and sys.modules["paramiko"] is None:
        # an earlier local connection in this process blocked it: load it for real now
        del sys.modules["paramiko"]
        import paramiko

        import docker.transport.sshconn as sshconn

        sshconn.paramiko = paramiko
    import docker

    kwargs: dict[str, Any] = {"timeout": timeout}
    if url.startswith("tcp://"):
        from ksad.settings import Settings
        from ksad.targets import Target, engine_tls

        files = engine_tls(Settings.from_env(), Target(target_name, url))
        if files is not None:
            from docker.tls import TLSConfig

            ca, cert, key = (str(f) for f in files)
            kwargs["tls"] = TLSConfig(client_cert=(cert, key), ca_cert=ca, verify=True)
    if url.startswith("ssh://"):
        kwargs["use_ssh_client"] = False  # paramiko: one session for the whole command
        kwargs["max_pool_size"] = 4
        _quiet_paramiko()
        _honour_proxy_jump()
    with translate(target_name, url, "connect"):
        if "tls" not in kwargs:
            base_url = _with_configured_port(url) if url.startswith("ssh://") else url
            client = docker.DockerClient(base_url=base_url, **kwargs)
            if url.startswith("ssh://"):
                _one_ssh_pool(client.api, base_url)
                import atexit

                atexit.register(_close_ssh, client)
            return client
        client = docker.DockerClient.__new__(docker.DockerClient)  # its __init__ only makes .api
        client.api = _pinned_ca_client(docker.APIClient)(base_url=url, **kwargs)
        return client


def _one_ssh_pool(api, url: str) -> None:
    """Reuse the ssh channels for every request, as for a local socket.

    The SDK's ssh adapter keeps one connection pool per request URL (docker/docker-py#2966),
    so every new path or query opened another channel and started another `docker system
    dial-stdio` on the target: 15 for one backup, 0.5 s each on a loaded host. The adapter
    is asked for the pool of one fixed URL instead; its pool keeps up to max_pool_size
    channels, so requests that overlap (a followed log) still get one each. Those channels
    are sessions of one ssh connection, of which sshd allows MaxSessions (10 unless its
    config says otherwise): a channel it refuses is opened on another connection
    (:class:`_SshSessions`), as the docker CLI, which runs one `ssh` per channel, never has to.
    """
    adapter = api.adapters.get("http+docker://ssh")
    pooled = getattr(adapter, "get_connection", None)
    if pooled is None or not hasattr(adapter, "pools") or getattr(adapter, "ssh_client", None) is None:
        return  # another SDK's adapter: leave it as it is
    from docker.transport.sshconn import SSHConnection

    sessions = _SshSessions(adapter, url)
    adapter.ksad_sessions = sessions  # closed at exit (_close_ssh)

    class SessionConnection(SSHConnection):
        def connect(self):
            channel = sessions.open()
            channel.settimeout(self.timeout)
            channel.exec_command("docker system dial-stdio")
            self.sock = channel

    pool = pooled("http+docker://ssh/", None)
    pool._new_conn = lambda: SessionConnection(None, pool.timeout, None)

    def get_connection(_url, proxies=None):
        return pool

    adapter.get_connection = get_connection


class _SshSessions:
    """The ssh connections of one command, and a session (a channel) on the first that takes one.

    sshd refuses a session beyond MaxSessions per connection (ChannelException); another
    connection is then opened, like the first (the SDK's adapter reads ~/.ssh/config), and
    kept for the channels that follow.
    """

    def __init__(self, adapter, url: str) -> None:
        import threading

        self.url, self.timeout = url, adapter.timeout
        self.clients = [adapter.ssh_client]
        self.lock = threading.Lock()

    def open(self):
        seen = len(self.clients)
        channel = self._first_free(self.clients[:seen])
        if channel is not None:
            return channel
        with self.lock:  # one new connection, also when several threads find all of them full at once
            channel = self._first_free(self.clients[seen:])  # those another thread added meanwhile
            if channel is not None:
                return channel
            client = self._connect()
            self.clients.append(client)
        return client.get_transport().open_session()

    @staticmethod
    def _first_free(clients):
        import paramiko

        for client in list(clients):
            transport = client.get_transport()
            if transport is None or not transport.is_active():
                continue
            try:
                return transport.open_session()
            except paramiko.SSHException:
                # this connection has all the sessions sshd allows it. Said as ChannelException, or as a
                # bare SSHException when refusals to several threads at once race for the one exception
                # the transport keeps (its get_exception() hands it to one of them only)
                continue
        return None

    def _connect(self):
        from docker.transport.sshconn import SSHHTTPAdapter

        return SSHHTTPAdapter(self.url, timeout=self.timeout, max_pool_size=1).ssh_client

    def close(self) -> None:
        for client in self.clients:
            client.close()


def _close_ssh(client) -> None:
    """Close the ssh connections while the interpreter is still whole (at exit, before paramiko's
    own hook): paramiko warns that a client left open "may lead to end-of-process hangs", as its
    transport thread tears the channels down, each under its lock, during finalization. The
    transports first: channels closed after them send nothing, so none waits on a session."""
    adapter = client.api.adapters.get("http+docker://ssh")
    sessions = getattr(adapter, "ksad_sessions", None)
    ssh = getattr(adapter, "ssh_client", None)
    closes = (sessions.close,) if sessions is not None else (ssh.close,) if ssh is not None else ()
    for close in closes + (client.close,):
        try:
            close()
        except Exception:  # noqa: BLE001 - leaving anyway: a connection that fails to close is closed by the exit
            pass


def _honour_proxy_jump() -> None:
    """Reach a host whose ~/.ssh/config entry says ``ProxyJump`` through its jump hosts, as ssh does.

    The SDK's paramiko adapter reads a host's ProxyCommand from ~/.ssh/config, not its ProxyJump,
    and then connected straight to a server that sits behind a bastion. OpenSSH runs a jump as
    ``ssh -W host:port jumphost`` (the hops before the last one with -J); that command becomes the
    connection's ProxyCommand here, so the jump hosts are reached with the user's own ssh, keys
    and config.
    """
    from docker.transport import sshconn

    original = sshconn.SSHHTTPAdapter._create_paramiko_client
    if getattr(original, "ksad_proxy_jump", False):
        return

    def create_paramiko_client(self, base_url):
        original(self, base_url)
        if "sock" in self.ssh_params:  # a ProxyCommand: the SDK honours that one itself
            return
        command = proxy_jump_command(base_url, self.ssh_params)
        if command:
            import paramiko

            self.ssh_params["sock"] = paramiko.ProxyCommand(command)

    create_paramiko_client.ksad_proxy_jump = True
    sshconn.SSHHTTPAdapter._create_paramiko_client = create_paramiko_client


def _ssh_config(hostname: str, path: str = "~/.ssh/config") -> tuple[str | None, dict]:
    """The ssh config file paramiko reads (as the SDK does: under $HOME), and its entry for *hostname*."""
    import os

    path = os.path.expanduser(path)
    parsed = _parsed_ssh_config(path)
    return (path, parsed.lookup(hostname)) if parsed is not None else (None, {})


@functools.lru_cache(maxsize=4)
def _parsed_ssh_config(path: str):
    """Read once per command: the port, the jump and each further connection all look a host up."""
    import os

    import paramiko

    return paramiko.SSHConfig.from_path(path) if os.path.exists(path) else None


def _with_configured_port(url: str) -> str:
    """*url* with the port its host's ~/.ssh/config entry gives, when *url* names none.

    ssh takes a host's Port from the config; the SDK puts 22 into a URL without one before it
    reads the config, and so connected to port 22 of a server whose entry says otherwise.
    """
    parsed = urlparse(url)
    if parsed.port is not None or not parsed.hostname:
        return url
    port = _ssh_config(parsed.hostname)[1].get("port")
    return url if not port else parsed._replace(netloc=f"{parsed.netloc}:{port}").geturl()


def proxy_jump_command(base_url: str, params: dict, config: str = "~/.ssh/config") -> str | None:
    """The ProxyCommand OpenSSH would run for the host's ``ProxyJump`` (None if it has none)."""
    import shlex

    path, entry = _ssh_config(urlparse(base_url).hostname or "", config)
    jump = entry.get("proxyjump")
    if path is None or not jump or jump.strip().lower() == "none":
        return None
    hops = [h.strip() for h in jump.split(",") if h.strip()]
    host, port = params["hostname"], params.get("port") or 22
    via = ["-J", ",".join(hops[:-1])] if len(hops) > 1 else []
    last = hops[-1] if hops[-1].startswith("ssh://") else f"ssh://{hops[-1]}"  # [user@]host[:port] as ssh takes it
    # -F: the config read here (ssh itself reads the passwd entry's home, not $HOME, as paramiko does)
    return shlex.join(["ssh", "-F", path, *via, "-W", f"[{host}]:{port}", last])


def _quiet_paramiko() -> None:
    """Keep paramiko's own log off stderr: its transport thread logs a failed handshake (a port
    that answers but is not sshd) with a traceback, and without a handler Python prints that
    before ksad's one message about the target (engine.unreachable), which says it all."""
    import logging

    log = logging.getLogger("paramiko")
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())


def _pinned_ca_client(api_client: type) -> type:
    class PinnedCA(api_client):
        """The engine's own CA, always: requests prefers REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE
        from the environment to a session's CA (psf/requests#3829), and would then refuse
        the engine's certificate, or trust any public CA for it."""

        def merge_environment_settings(self, url, proxies, stream, verify, cert):
            merged = super().merge_environment_settings(url, proxies, stream, verify, cert)
            merged["verify"] = self.verify
            return merged

    return PinnedCA


def connect(target_name: str, url: str, timeout: int = 60) -> Engine:
    """Open one connection to the target's engine and check that it answers."""
    if url.startswith("unix://"):
        from ksad.rawdocker import RawDocker

        reader = RawDocker(url[len("unix://"):], timeout)
        with translate(target_name, url, "connect"):
            reader.ping()
        return Engine(target_name, url, reader=reader, timeout=timeout)
    return Engine(target_name, url, _sdk_client(target_name, url, timeout), timeout=timeout)


# --- volume and one-shot container helpers (snapshots, backups, operation markers) ---------


def list_volumes(engine: Engine, **labels: str) -> list[dict]:
    return engine.volumes(label=[MANAGED + "=1"] + [f"{LABEL}.{k}={v}" for k, v in labels.items()])


def run_once(engine: Engine, image: str, command: list[str], mounts: list[dict], labels: dict[str, str],
             timeout: float = 600, started: Callable[[], None] | None = None) -> tuple[int, str]:
    """Run a short-lived container to completion; return (exit code, output).

    Removed afterwards, unless the process is killed meanwhile: *labels* must then let the next
    run find it (lifecycle.remove_helpers), since it holds the volumes it mounts. *started*: called
    once it runs (the crash tests kill ksad there).
    """
    with translate(engine.target_name, engine.url, "run helper"):
        api = engine.api
        host_config = api.create_host_config(mounts=mounts, network_mode="none")
        cid = api.create_container(image, command=command, host_config=host_config, labels=labels)["Id"]
        try:
            api.start(cid)
            if started is not None:
                started()
            code = api.wait(cid, timeout=timeout)["StatusCode"]
            out = api.logs(cid).decode(errors="replace")
            return code, out
        finally:
            engine.remove_container(cid)


def create_idle(engine: Engine, image: str, name: str, labels: dict[str, str],
                mounts: list[dict] | None = None) -> str | None:
    """Create (never start) a container: an atomic, labelled record on the target, or a volume handle.

    Returns None when the name is taken: creating a named container is atomic on
    the engine, which is what makes it usable as a lock shared by several operators.
    """
    body, _ = container_body({"config": {"image": image, "command": ["true"], "labels": labels},
                              "host_config": {"mounts": mounts or [], "network_mode": "none"}})
    with translate(engine.target_name, engine.url, "create marker"):
        try:
            return engine.write.create_container_from_config(body, name)["Id"]
        except Exception as exc:  # noqa: BLE001 - only a name conflict is an answer here
            if _status(exc) == 409:
                return None
            raise


def get_archive(engine: Engine, container: str, path: str):
    """A tar stream of *path* inside a (possibly stopped) container."""
    with translate(engine.target_name, engine.url, "read archive"):
        stream, _stat = engine.api.get_archive(container, path, chunk_size=1 << 20)
        yield from stream


def put_archive(engine: Engine, container: str, path: str, data) -> None:
    engine.call("write archive", engine.api.put_archive, container, path, data)
