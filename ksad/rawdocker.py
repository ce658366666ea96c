"""Read-only calls to a local Docker engine over its unix socket, with the standard library.

Importing the Docker SDK costs about 0.3 s (requests, urllib3 and the SDK itself),
more than a whole no-op ``ksad install`` may take. Reads on a local socket -- the
only calls a re-run that changes nothing makes -- go through this small client;
the SDK is imported the first time something must change, or for ssh:// and
tcp:// targets. Method names and results mirror ``docker.APIClient``.
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
    """One keep-alive HTTP/1.1 connection to the engine's socket, for GET requests only.

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

    def get(self, target: str) -> tuple[int, bytes]:
        if self._sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self._timeout)
            try:
                sock.connect(self._path)
            except BaseException:
                sock.close()
                raise
            self._sock = sock
        self._sock.sendall(f"GET {target} HTTP/1.1\r\nHost: docker\r\n\r\n".encode("latin-1"))
        head = self._until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        parts = head[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise ConnectionError(f"not an HTTP answer from the engine: {head[0][:80]!r}")
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._chunked()
        elif "content-length" in headers:
            body = self._exactly(int(headers["content-length"]))
        else:  # no length: the body ends with the connection
            body = self._buf + self._rest()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return int(parts[1]), body

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

    def _exchange(self, path: str) -> tuple[int, bytes]:
        try:
            return self._conn.get(path)
        except BaseException:
            # a Ctrl-C or error mid-answer leaves unread bytes on the connection; the
            # undo that follows must not read them as its own answer: start afresh
            self._conn.close()
            raise

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        query = f"?{urlencode(params)}" if params else ""
        status, body = self._exchange(path + query)
        if status >= 400:
            try:
                message = json.loads(body).get("message", "")
            except ValueError:
                message = body.decode(errors="replace")
            raise RawAPIError(status, message)
        return json.loads(body) if body else None

    @staticmethod
    def _filters(filters: dict | None) -> dict:
        if not filters:
            return {}
        norm = {k: v if isinstance(v, list) else [v] for k, v in filters.items()}
        return {"filters": json.dumps(norm)}

    def ping(self) -> None:
        status, _body = self._exchange("/_ping")
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
