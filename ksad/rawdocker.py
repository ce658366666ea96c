"""The calls an install makes to a local Docker engine, over its unix socket, with the standard library.

Importing the Docker SDK costs 0.2-0.4 s here (requests, urllib3 and the SDK
itself): more than a whole no-op ``ksad install`` may take, and a tenth of a cold
one. So on a local socket the reads and the plain writes an install, upgrade or
uninstall makes (create, start, stop, rename, remove, copy files in, pause) go
through this small client. Streams (build, pull, logs, archives read out, wait)
and ssh:// or tcp:// targets use the SDK, imported on first use. Method names,
arguments and results mirror ``docker.APIClient``; container bodies are built
by :func:`ksad.engine.container_body` for both.

Paths carry no API version: the engine answers in its own (the SDK asks for the
engine's version too), and the bodies use only fields every engine since API
1.30 reads the same way.
"""

from __future__ import annotations

import json
import socket
from typing import Any
from urllib.parse import quote, urlencode


class RawAPIError(Exception):
    """An HTTP error answer; ``status_code`` like docker.errors.APIError."""

    def __init__(self, status_code: int, explanation: str) -> None:
        super().__init__(f"{status_code}: {explanation}")
        self.status_code = status_code
        self.explanation = explanation


class _UnixHTTP:
    """One keep-alive HTTP/1.1 connection to the engine's socket.

    ``http.client`` would do, but importing it (with ``email`` and ``ssl``) costs ~20 ms,
    a tenth of a no-op re-run; the engine's answers need no more than a status line,
    headers, and a body sized by Content-Length or sent in chunks.
    """

    def __init__(self, path: str, timeout: float) -> None:
        self._path, self._timeout = path, timeout
        self._sock: socket.socket | None = None
        self._buf = b""

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
        self._sock, self._buf = None, b""

    def request(self, method: str, target: str, body: bytes = b"", content_type: str = "",
                timeout: float | None = None) -> tuple[int, bytes]:
        if self._sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self._timeout)
            try:
                sock.connect(self._path)
            except BaseException:
                sock.close()
                raise
            self._sock = sock
        self._sock.settimeout(self._timeout if timeout is None else timeout)
        head = f"{method} {target} HTTP/1.1\r\nHost: docker\r\n"
        if method != "GET":
            head += f"Content-Length: {len(body)}\r\n"
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        self._sock.sendall(head.encode("latin-1") + b"\r\n" + body)
        head = self._until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        parts = head[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise ConnectionError(f"not an HTTP answer from the engine: {head[0][:80]!r}")
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        status = int(parts[1])
        if status in (204, 304) or 100 <= status < 200:  # answers without a body, whatever the headers say
            body = b""
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._chunked()
        elif "content-length" in headers:
            body = self._exactly(int(headers["content-length"]))
        else:  # no length: the body ends with the connection
            body = self._buf + self._rest()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def _recv(self) -> bytes:
        data = self._sock.recv(65536)
        if not data:
            raise ConnectionError("the engine closed the connection mid-answer")
        return data

    def _until(self, marker: bytes) -> bytes:
        while marker not in self._buf:
            self._buf += self._recv()
        found, _, self._buf = self._buf.partition(marker)
        return found

    def _exactly(self, size: int) -> bytes:
        while len(self._buf) < size:
            self._buf += self._recv()
        found, self._buf = self._buf[:size], self._buf[size:]
        return found

    def _chunked(self) -> bytes:
        chunks = []
        while True:
            size = int(self._until(b"\r\n").split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self._until(b"\r\n"):  # trailers, up to the empty line
                    pass
                return b"".join(chunks)
            chunks.append(self._exactly(size))
            self._exactly(2)  # the CRLF after each chunk

    def _rest(self) -> bytes:
        out = []
        while True:
            data = self._sock.recv(65536)
            if not data:
                return b"".join(out)
            out.append(data)


class RawDocker:
    def __init__(self, socket_path: str, timeout: float = 60) -> None:
        self._conn = _UnixHTTP(socket_path, timeout)
        self._timeout = timeout

    def _exchange(self, method: str, path: str, body: bytes = b"", content_type: str = "",
                  timeout: float | None = None) -> tuple[int, bytes]:
        try:
            return self._conn.request(method, path, body, content_type, timeout)
        except BaseException:
            # a Ctrl-C or error mid-answer leaves unread bytes on the connection; the
            # undo that follows must not read them as its own answer: start afresh
            self._conn.close()
            raise

    def _call(self, method: str, path: str, params: dict[str, Any] | None = None, *, json_body: Any = None,
              data: bytes = b"", content_type: str = "", timeout: float | None = None) -> Any:
        query = f"?{urlencode(params)}" if params else ""
        if json_body is not None:
            data, content_type = json.dumps(json_body).encode(), "application/json"
        status, body = self._exchange(method, path + query, data, content_type, timeout)
        if status >= 400:
            try:
                message = json.loads(body).get("message", "")
            except (ValueError, AttributeError):
                message = body.decode(errors="replace")
            raise RawAPIError(status, message)
        if not body:
            return None
        try:
            return json.loads(body)
        except ValueError:  # e.g. a plain-text answer to a write: nothing the caller reads
            return None

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._call("GET", path, params)

    @staticmethod
    def _filters(filters: dict | None) -> dict:
        if not filters:
            return {}
        norm = {k: v if isinstance(v, list) else [v] for k, v in filters.items()}
        return {"filters": json.dumps(norm)}

    def ping(self) -> None:
        status, _body = self._exchange("GET", "/_ping")
        if status != 200:
            raise RawAPIError(status, "ping failed")

    def containers(self, all: bool = False, filters: dict | None = None) -> list[dict]:  # noqa: A002 - SDK's name
        return self._get("/containers/json", {"all": "1" if all else "0", **self._filters(filters)})

    def inspect_container(self, ident: str) -> dict:
        return self._get(f"/containers/{quote(ident, safe='')}/json")

    def inspect_image(self, ref: str) -> dict:
        return self._get(f"/images/{quote(ref, safe=':@/')}/json")

    def inspect_volume(self, name: str) -> dict:
        return self._get(f"/volumes/{quote(name, safe='')}")

    def volumes(self, filters: dict | None = None) -> dict:
        return self._get("/volumes", self._filters(filters))

    def networks(self, names: list[str] | None = None) -> list[dict]:
        nets = self._get("/networks", self._filters({"name": names} if names else None))
        # like the SDK's `names` filter: Docker matches names by substring; keep exact matches
        return [n for n in nets if not names or n.get("Name") in names]

    # --- writes: the same requests docker.APIClient sends for these calls ---------------

    def create_network(self, name: str, driver: str | None = None, labels: dict | None = None,
                       check_duplicate: bool | None = None) -> dict:
        body = {"Name": name, "Driver": driver, "CheckDuplicate": check_duplicate, "Labels": labels}
        return self._call("POST", "/networks/create", json_body={k: v for k, v in body.items() if v is not None})

    def create_volume(self, name: str, labels: dict | None = None) -> dict:
        body = {"Name": name, "Labels": labels}
        return self._call("POST", "/volumes/create", json_body={k: v for k, v in body.items() if v is not None})

    def create_container_from_config(self, config: dict, name: str | None = None) -> dict:
        return self._call("POST", "/containers/create", {"name": name} if name else None,
                          json_body={k: v for k, v in config.items() if v is not None})

    def put_archive(self, container: str, path: str, data: bytes) -> bool:
        self._call("PUT", f"/containers/{quote(container, safe='')}/archive", {"path": path}, data=data,
                   content_type="application/x-tar")
        return True

    def start(self, container: str) -> None:
        self._call("POST", f"/containers/{quote(container, safe='')}/start")

    def stop(self, container: str, timeout: int = 10) -> None:
        # the engine answers after the container stopped: wait that long on top of the usual
        self._call("POST", f"/containers/{quote(container, safe='')}/stop", {"t": timeout},
                   timeout=self._timeout + timeout)

    def rename(self, container: str, name: str) -> None:
        self._call("POST", f"/containers/{quote(container, safe='')}/rename", {"name": name})

    def pause(self, container: str) -> None:
        self._call("POST", f"/containers/{quote(container, safe='')}/pause")

    def unpause(self, container: str) -> None:
        self._call("POST", f"/containers/{quote(container, safe='')}/unpause")

    def remove_container(self, container: str, v: bool = False, link: bool = False, force: bool = False) -> None:
        self._call("DELETE", f"/containers/{quote(container, safe='')}",
                   {"v": _flag(v), "link": _flag(link), "force": _flag(force)})

    def remove_network(self, net_id: str) -> None:
        self._call("DELETE", f"/networks/{quote(net_id, safe='')}")

    def remove_volume(self, name: str, force: bool = False) -> None:
        self._call("DELETE", f"/volumes/{quote(name, safe='')}", {"force": _flag(force)} if force else None)


def _flag(value: bool) -> str:
    # the SDK sends True/False; the engine reads "1"/"0" the same way
    return "1" if value else "0"
