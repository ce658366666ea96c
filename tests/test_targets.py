"""The target inventory: `ksad target add/list/remove` and resolving --target."""

from __future__ import annotations

import json

import time

import pytest

from helpers import tls_certificates
from ksad.errors import ConflictError, InputError, NotFoundError
from ksad.settings import Settings
from ksad.targets import Target, add_target, check_url, list_targets, remove_target, resolve_target


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.setenv("KSAD_LANG", "en")
    return Settings.from_env(home=tmp_path / "home", target=None)


def _data(proc) -> object:
    return json.loads(proc.stdout)["data"]


# --- through the command line -------------------------------------------------------


def test_add_list_remove_round_trip(run_ksad, tmp_path):
    listed = _data(run_ksad("target", "list", "--json", check=True))
    assert listed == [{"name": "local", "url": "unix:///var/run/docker.sock", "kind": "unix"}]

    added = run_ksad("target", "add", "prod", "ssh://deploy@10.0.0.5", check=True)
    assert "prod" in added.stderr and "ssh://deploy@10.0.0.5" in added.stderr
    certs = tmp_path / "certs"
    certs.mkdir()
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (certs / name).write_text(f"{name}\n")
    run_ksad("target", "add", "lab", "tcp://lab.sumbawakab.go.id:2376", "--tls-dir", certs, check=True)
    assert oct((tmp_path / "home" / "tls" / "lab" / "key.pem").stat().st_mode & 0o777) == "0o600"

    listed = _data(run_ksad("target", "list", "--json", check=True))
    assert [(t["name"], t["url"], t["kind"]) for t in listed] == [
        ("local", "unix:///var/run/docker.sock", "unix"),
        ("lab", "tcp://lab.sumbawakab.go.id:2376", "tcp"),
        ("prod", "ssh://deploy@10.0.0.5", "ssh"),
    ]
    table = run_ksad("target", "list", check=True)
    assert "ssh://deploy@10.0.0.5" in table.stderr and "lab" in table.stderr

    removed = run_ksad("target", "remove", "prod", check=True)
    assert "prod" in removed.stderr
    names = [t["name"] for t in _data(run_ksad("target", "list", "--json", check=True))]
    assert names == ["local", "lab"]
    assert "prod" not in (tmp_path / "home" / "targets.yaml").read_text()


def test_the_list_shows_a_long_url_whole_in_a_pipe_and_on_a_narrow_terminal(run_ksad):
    """Into a pipe rich squeezed every table to 80 columns: "ssh://deploy@server-aplikasi-pemerint…"."""
    url = "ssh://deploy@server-aplikasi-pemerintah.sumbawakab.go.id:2222"
    run_ksad("target", "add", "pusat-data-kabupaten-sumbawa", url, check=True)
    piped = run_ksad("target", "list", env={"COLUMNS": ""}, check=True).stderr  # as a cron job or `| tee` has it
    assert url in piped and "…" not in piped, piped
    narrow = run_ksad("target", "list", env={"COLUMNS": "60"}, check=True).stderr
    assert "…" not in narrow and max(map(len, narrow.splitlines())) <= 60, narrow
    folded = "".join(line.split("│")[2].strip() for line in narrow.splitlines() if line.count("│") == 4)
    assert url in folded, narrow


def test_local_url_follows_docker_host(run_ksad):
    listed = _data(run_ksad("target", "list", "--json", env={"DOCKER_HOST": "tcp://10.1.2.3:2375"}, check=True))
    assert listed[0] == {"name": "local", "url": "tcp://10.1.2.3:2375", "kind": "tcp"}


def test_re_adding_the_same_target_changes_nothing(run_ksad, tmp_path):
    run_ksad("target", "add", "prod", "ssh://deploy@10.0.0.5", check=True)
    file = tmp_path / "home" / "targets.yaml"
    before = file.stat().st_mtime_ns
    again = run_ksad("target", "add", "prod", "ssh://deploy@10.0.0.5", check=True)
    assert "nothing changed" in again.stderr
    assert file.stat().st_mtime_ns == before


def test_changing_a_url_needs_force(run_ksad):
    run_ksad("target", "add", "prod", "ssh://deploy@10.0.0.5", check=True)
    refused = run_ksad("target", "add", "prod", "ssh://deploy@10.0.0.6", check=9)
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    run_ksad("target", "add", "prod", "ssh://deploy@10.0.0.6:2222", "--force", check=True)
    listed = _data(run_ksad("target", "list", "--json", check=True))
    assert listed[1]["url"] == "ssh://deploy@10.0.0.6:2222"


def test_dry_run_writes_nothing(run_ksad, tmp_path):
    shown = run_ksad("target", "add", "prod", "ssh://deploy@10.0.0.5", "--dry-run", check=True)
    assert "Dry run" in shown.stderr
    assert not (tmp_path / "home" / "targets.yaml").exists()
    run_ksad("target", "add", "prod", "ssh://deploy@10.0.0.5", check=True)
    run_ksad("target", "remove", "prod", "--dry-run", check=True)
    assert "prod" in (tmp_path / "home" / "targets.yaml").read_text()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ssh://10.0.0.5", "needs a user"),
        ("http://10.0.0.5:2375", "must start with ssh://, tcp:// or unix://"),
        ("10.0.0.5", "must start with ssh://"),
        ("tcp://10.0.0.5", "needs a port"),
        ("tcp://10.0.0.5:70000", "port must be a number"),
        ("unix://var/run/docker.sock", "absolute socket path"),
        ("ssh://deploy:rahasia@10.0.0.5", "password"),
        ("ssh://deploy@10.0.0.5/home", "path"),
        ("ssh://deploy@bad_host", "host name"),
        ("ssh://deploy@", "host name"),
        ("tcp://[::1", "host name"),  # urlsplit raises on the unclosed bracket
    ],
)
def test_bad_urls_are_refused_with_an_example(run_ksad, url, says, tmp_path):
    proc = run_ksad("target", "add", "x", url, check=3)
    assert says in proc.stderr
    assert "ssh://deploy@10.0.0.5" in proc.stderr  # the hint shows what a good one looks like
    assert not (tmp_path / "home" / "targets.yaml").exists()


@pytest.mark.parametrize("name", ["Prod", "prod_1", "-prod", "a" * 31, "kantor pusat"])
def test_bad_names_are_refused(run_ksad, name):
    proc = run_ksad("target", "add", "--", name, "ssh://deploy@10.0.0.5", check=3)
    assert "is not valid" in proc.stderr


def test_local_is_reserved(run_ksad):
    proc = run_ksad("target", "add", "local", "ssh://deploy@10.0.0.5", check=3)
    assert "reserved" in proc.stderr
    proc = run_ksad("target", "remove", "local", check=3)
    assert "cannot be removed" in proc.stderr


def test_unknown_target_lists_known_names(run_ksad):
    run_ksad("target", "add", "prod", "ssh://deploy@10.0.0.5", check=True)
    proc = run_ksad("target", "remove", "staging", check=4)
    assert "staging" in proc.stderr and "local, prod" in proc.stderr


def test_messages_in_indonesian(run_ksad):
    proc = run_ksad("target", "add", "x", "ftp://host", env={"KSAD_LANG": "id"}, check=3)
    assert "tidak sah" in proc.stderr and "Contoh" in proc.stderr
    proc = run_ksad("target", "add", "prod", "ssh://deploy@10.0.0.5", env={"KSAD_LANG": "id"}, check=True)
    assert "ditambahkan" in proc.stderr


def test_hand_edited_inventory_errors_name_the_line(run_ksad, tmp_path):
    run_ksad("target", "add", "prod", "ssh://deploy@10.0.0.5", check=True)
    file = tmp_path / "home" / "targets.yaml"
    text = file.read_text()
    file.write_text(text.replace("url: ssh://deploy@10.0.0.5", "url: ssh://10.0.0.5"))
    proc = run_ksad("target", "list", check=3)
    line = next(i for i, l in enumerate(file.read_text().splitlines(), 1) if "ssh://10.0.0.5" in l)
    assert f"line {line}" in proc.stderr and "needs a user" in proc.stderr

    file.write_text(text + "  staging:\n    uri: tcp://h:1\n")
    proc = run_ksad("target", "list", check=3)
    assert "uri" in proc.stderr and "line" in proc.stderr


# --- the core that the deploy engine calls ---------------------------------------------


def test_resolve_target_precedence(settings, tmp_path, monkeypatch):
    add_target(settings, "prod", "ssh://deploy@10.0.0.5")
    assert resolve_target(settings, None) == Target("local", "unix:///var/run/docker.sock")
    assert resolve_target(settings, "prod") == Target("prod", "ssh://deploy@10.0.0.5")

    from_env = Settings.from_env(home=tmp_path / "home", target="prod")
    assert resolve_target(from_env, None).name == "prod"
    assert resolve_target(from_env, "local").name == "local"  # the argument wins over the setting

    # a literal URL of a known engine resolves to its name, so state kept per target is shared
    assert resolve_target(settings, "ssh://deploy@10.0.0.5").name == "prod"
    assert resolve_target(settings, "unix:///var/run/docker.sock").name == "local"
    other = resolve_target(settings, "tcp://10.9.9.9:2376")
    assert other.url == "tcp://10.9.9.9:2376" and other.kind == "tcp"
    assert "/" not in other.key and ":" not in other.key
    assert other.key != resolve_target(settings, "tcp://10.9.9.9:2377").key


def test_resolve_unknown_and_invalid(settings):
    with pytest.raises(NotFoundError) as err:
        resolve_target(settings, "staging")
    assert err.value.exit_code == 4 and "local" in err.value.message
    with pytest.raises(InputError):
        resolve_target(settings, "ftp://host")


def test_core_add_remove(settings):
    change = add_target(settings, "prod", "SSH://Deploy@Server.Example.go.id:22")
    assert change.action == "add"
    assert change.target.url == "ssh://Deploy@server.example.go.id:22"
    with pytest.raises(ConflictError):
        add_target(settings, "prod", "tcp://127.0.0.1:1")
    assert add_target(settings, "prod", "tcp://127.0.0.1:1", force=True).action == "replace"
    assert [t.name for t in list_targets(settings)] == ["local", "prod"]
    assert remove_target(settings, "prod").target.url == "tcp://127.0.0.1:1"
    with pytest.raises(NotFoundError):
        remove_target(settings, "prod")
    assert [t.name for t in list_targets(settings)] == ["local"]


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("ssh://deploy@10.0.0.5", "ssh://deploy@10.0.0.5"),
        ("ssh://deploy@[::1]:2222", "ssh://deploy@[::1]:2222"),
        ("ssh://deploy@host/", "ssh://deploy@host"),
        ("tcp://[fd00::5]:2376", "tcp://[fd00::5]:2376"),
        ("unix:///run/user/1000/docker.sock", "unix:///run/user/1000/docker.sock"),
    ],
)
def test_valid_urls(url, normal):
    assert check_url(url) == normal


def test_a_read_interrupted_mid_answer_does_not_break_the_next_one(tmp_path):
    """Ctrl-C while an answer is on its way is followed by an undo on the same engine: it must
    read its own answer, not the rest of the interrupted one (seen in CI as exit 7, not 130)."""
    import signal
    import socket
    import threading

    from ksad.rawdocker import RawDocker

    path = str(tmp_path / "engine.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)

    def answer(conn, body: bytes, delay: float) -> None:
        with conn:
            conn.recv(4096)
            time.sleep(delay)
            try:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                conn.recv(4096)
            except OSError:
                pass  # the interrupted client has hung up: as it should

    def engine() -> None:
        for body, delay in ((b'[{"Id": "late"}]', 1.0), (b'[{"Id": "fresh"}]', 0.0)):
            conn, _ = server.accept()
            threading.Thread(target=answer, args=(conn, body, delay), daemon=True).start()

    threading.Thread(target=engine, daemon=True).start()

    def interrupt(_signo, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    raw = RawDocker(path, timeout=5)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(KeyboardInterrupt):
            raw.containers(all=True)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    time.sleep(1.0)  # the late answer has arrived on the first connection by now
    assert raw.containers(all=True) == [{"Id": "fresh"}]
    server.close()


def test_the_raw_client_reads_chunked_and_sized_answers_like_the_sdk(docker_engine):
    from ksad.rawdocker import RawDocker

    raw = RawDocker("/var/run/docker.sock")
    raw.ping()
    sdk = docker_engine.api
    by_id = lambda items: {i["Id"]: i for i in items}  # noqa: E731 - the engine's order varies
    assert by_id(raw._get("/images/json")) == by_id(sdk.images())  # large: sent in chunks
    some = sdk.images()[0]["Id"]  # once: the engine's order varies between two listings
    assert raw.inspect_image(some)["Id"] == some
    with pytest.raises(Exception) as missing:
        raw.inspect_container("ksad-no-such-container")
    assert getattr(missing.value, "status_code", None) == 404


# --- tcp:// with TLS, against a real TLS endpoint in front of the local engine -------------------


class _TlsFrontend:
    """Docker's TLS port, as dockerd --tlsverify serves it: client certificates required,
    each connection relayed to the local engine's socket. Counts the clients it let in."""

    def __init__(self, certs, socket_path="/var/run/docker.sock"):
        import socket
        import ssl
        import threading

        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certs / "server.pem")
        self.context.verify_mode = ssl.CERT_REQUIRED
        self.context.load_verify_locations(certs / "ca.pem")
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.socket_path, self.admitted, self.refused = socket_path, 0, 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        import socket
        import ssl
        import threading

        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            try:
                conn = self.context.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError):
                self.refused += 1
                raw.close()
                continue
            self.admitted += 1
            engine = socket.socket(socket.AF_UNIX)
            engine.connect(self.socket_path)
            for a, b in ((conn, engine), (engine, conn)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

    def close(self):
        self.listener.close()


def test_a_tcp_target_is_reached_over_tls_with_its_client_certificates(run_ksad, tmp_path, docker_engine):
    tls_certificates(tmp_path / "certs")
    front = _TlsFrontend(tmp_path / "certs")
    try:
        url = f"tcp://127.0.0.1:{front.port}"
        run_ksad("target", "add", "tls", url, "--tls-dir", tmp_path / "certs", check=True)
        status = run_ksad("status", "--target", "tls", "--json", check=True)
        assert isinstance(json.loads(status.stdout)["data"], list)
        assert front.admitted >= 1 and front.refused == 0
        # the same engine named without its certificates: the TLS port lets nothing in
        run_ksad("target", "add", "bare", url, check=True)  # loopback: plain tcp:// is this machine's own
        bare = run_ksad("status", "--target", "bare", check=7)
        assert "Cannot reach the Docker engine of target bare" in bare.stderr
    finally:
        front.close()


@pytest.mark.parametrize("args", [["target", "add", "far", "tcp://10.0.0.5:2376"],
                                  ["--target", "tcp://10.0.0.5:2376", "status"]])
def test_plain_tcp_off_this_machine_is_refused_before_connecting(run_ksad, args):
    proc = run_ksad(*args, check=3, timeout=20)
    assert "would be reached over plain tcp://: unencrypted and unauthenticated" in proc.stderr
    assert "--tls-dir DIR (ca.pem, cert.pem, key.pem)" in proc.stderr


def test_an_ssh_port_that_is_not_sshd_is_one_message_not_a_traceback(run_ksad):
    # A wrong port in an ssh:// target (a web server, a firewall's proxy) answers, but not as sshd.
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def answer() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

    threading.Thread(target=answer, daemon=True).start()
    try:
        for lang, says in (("en", "Cannot reach"), ("id", "Tidak dapat menjangkau")):
            proc = run_ksad("status", "--target", f"ssh://deploy@127.0.0.1:{port}", env={"KSAD_LANG": lang},
                            check=7)
            assert says in proc.stderr and f"127.0.0.1:{port}" in proc.stderr
            # run_ksad refuses a traceback; paramiko's log lines must not come through either
            assert "paramiko" not in proc.stderr and "Exception (client)" not in proc.stderr
    finally:
        server.close()
