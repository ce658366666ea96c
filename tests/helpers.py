"""What several test modules do the same way: describe the region, read a page, add a record, read --json."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

INIT = ["init", "--region", "52.04", "--domain", "sumbawakab.go.id", "--office", "Diskominfotik Kabupaten Sumbawa"]


def get(url: str, expect: str | None = None, seconds: float = 30) -> str:
    """The page at *url*, waiting (on a busy machine) until it answers and shows *expect*."""
    deadline, page = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                page = resp.read().decode()
            if expect is None or expect in page:
                return page
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer" if page is None else f"{url} does not show {expect!r}:\n{page[:2000]}")


def add_record(url: str, text: str) -> None:
    """Post a record through the web stand-in's form (it stores it in the db stand-in's volume)."""
    body = urllib.parse.urlencode({"text": text}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(f"{url}cgi-bin/add", data=body), timeout=10) as resp:
            assert resp.status == 200  # after the 303 back to the page
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"{url}cgi-bin/add: {exc.code} {exc.read()!r}") from None


def json_data(proc) -> object:
    """The ``data`` of a ``--json`` envelope."""
    return json.loads(proc.stdout)["data"]


def say_in_log(client, container: str, text: str) -> None:
    """A line in the container's log, as if the app wrote it (PID 1's stdout is the log)."""
    client.containers.get(container).exec_run(["/bin/busybox", "sh", "-c", f"echo {text} > /proc/1/fd/1"])


class Follower:
    """``ksad logs -f`` in the background; its stdout lines are collected as they come."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        import subprocess
        import sys
        import threading

        self.lines: list[str] = []
        # -X faulthandler: a follow that does not stop can be made to show where each thread is
        self.proc = subprocess.Popen([sys.executable, "-X", "faulthandler", "-m", "ksad", "logs", *args],
                                     env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)

    def wait_for(self, line: str, say=None, seconds: float = 60) -> bool:
        """True once *line* came; *say* (called every second) makes it come, the follow may not be attached yet."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if f"{line}\n" in self.lines:
                return True
            if say:
                say()
            time.sleep(1)
        return f"{line}\n" in self.lines

    def stop(self) -> tuple[int, str]:
        import signal
        import subprocess

        self.proc.send_signal(signal.SIGINT)
        try:
            _out, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            exited = self.proc.poll()
            if exited is not None:  # gone, but something it started still holds its stdout or stderr
                tree = subprocess.run(["ps", "-eo", "pid,ppid,pgid,etime,args"], capture_output=True, text=True)
                raise AssertionError(f"ksad logs exited ({exited}) but its output stayed open 30 s after "
                                     f"Ctrl-C; it was pid {self.proc.pid}:\n{tree.stdout}") from None
            # where it hangs, for whoever reads the failure: every thread's stack (faulthandler)
            self.proc.send_signal(signal.SIGABRT)
            _out, err = self.proc.communicate(timeout=30)
            raise AssertionError(f"ksad logs did not stop within 30 s of Ctrl-C; its stderr:\n{err}") from None
        return self.proc.returncode, err


def tls_certificates(out):
    """A CA, a server certificate for 127.0.0.1 and a client certificate, as Docker names them."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)

    def issue(name, issuer_name, issuer_key, key, *, ca=False, server=False):
        builder = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
                   .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if server:
            builder = builder.add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        if not ca:
            usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
            builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        return builder.sign(issuer_key, hashes.SHA256())

    def pem_key(key):
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())

    ca_key, server_key, client_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = issue("ksad test CA", "ksad test CA", ca_key, ca_key, ca=True)
    server = issue("127.0.0.1", "ksad test CA", ca_key, server_key, server=True)
    client = issue("ksad client", "ksad test CA", ca_key, client_key)
    out.mkdir()
    pem = serialization.Encoding.PEM
    (out / "ca.pem").write_bytes(ca.public_bytes(pem))
    (out / "cert.pem").write_bytes(client.public_bytes(pem))
    (out / "key.pem").write_bytes(pem_key(client_key))
    (out / "server.pem").write_bytes(server.public_bytes(pem) + pem_key(server_key))
