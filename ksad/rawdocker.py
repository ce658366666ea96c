"""Read-only calls to a local Docker engine over its unix socket, with the standard library.

Importing the Docker SDK costs about 0.3 s (requests, urllib3 and the SDK itself),
more than a whole no-op ``ksad install`` may take. Reads on a local socket -- the
only calls a re-run that changes nothing makes -- go through this small client;
the SDK is imported the first time something must change, or for ssh:// and
tcp:// targets. Method names and results mirror ``docker.APIClient``.
"""

from __future__ import annotations

import http.client
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


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


class RawDocker:
    def __init__(self, socket_path: str, timeout: float = 60) -> None:
        self._conn = _UnixConnection(socket_path, timeout)

    def _exchange(self, path: str) -> tuple[int, bytes]:
        try:
            self._conn.request("GET", path, headers={"Host": "docker"})
            resp = self._conn.getresponse()
            return resp.status, resp.read()
        except BaseException:
            # a Ctrl-C or error mid-request leaves the connection half-used ("Request-sent");
            # the undo that follows must get a fresh one
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
