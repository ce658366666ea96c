"""The floor: the reference app deployed with only the Docker SDK calls it needs.

    python bench/floor.py up   --prefix P --web-image W --db-image D [--poll 0.1]
    python bench/floor.py down --prefix P
    python bench/floor.py check --prefix P

``check`` is the no-op re-run without the SDK: the same four inspections as a
second ``up``, as raw HTTP requests on the engine's Unix socket (http.client),
to show what a no-op costs when ``import docker`` is not paid.

``up`` is idempotent the cheapest honest way (one inspect per object, create
only what is missing), so a second ``up`` is the floor's no-op re-run. It prints
one JSON line: seconds spent importing docker, and seconds from the first line
of this script to "both healthy" (the in-process time; bench/run.py times the
whole process, interpreter start-up included, as it does for ksad).

Deliberately no ksad import: this is what a hand-written deploy script costs.
"""

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402

HEALTH = ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null"]
PASSWORD = "bench-floor-password"


def names(prefix: str) -> dict[str, str]:
    return {"network": f"{prefix}-net", "volume": f"{prefix}-db-data", "db": f"{prefix}-db", "web": f"{prefix}-web"}


def healthcheck(port: int) -> dict:
    # the same check as the recipe: every 0.5 s, 2 s timeout, 60 retries
    return {"test": HEALTH + [f"http://127.0.0.1:{port}/health"], "interval": 500_000_000,
            "timeout": 2_000_000_000, "retries": 60}


def wait_healthy(api, container: str, poll: float) -> None:
    while True:
        state = api.inspect_container(container)["State"]
        status = (state.get("Health") or {}).get("Status")
        if status == "healthy":
            return
        if status == "unhealthy" or not state.get("Running"):
            sys.exit(f"floor: {container} is {status or state.get('Status')}")
        time.sleep(poll)


def running(api, errors, name: str) -> bool:
    try:
        return bool(api.inspect_container(name)["State"].get("Running"))
    except errors.NotFound:
        return False


def up(args) -> dict:
    import docker
    import docker.errors as errors

    t_import = time.perf_counter() - T0
    api = docker.APIClient(base_url="unix:///var/run/docker.sock", version="auto")
    n = names(args.prefix)
    if not api.networks(names=[n["network"]]):
        api.create_network(n["network"], driver="bridge")
    try:
        api.inspect_volume(n["volume"])
    except errors.NotFound:
        api.create_volume(n["volume"])
    net = lambda alias: api.create_networking_config(  # noqa: E731
        {n["network"]: api.create_endpoint_config(aliases=[alias])})
    if not running(api, errors, n["db"]):
        api.create_container(
            args.db_image, name=n["db"], environment={"DB_SEED": "one|two|three", "DB_PASSWORD": PASSWORD},
            healthcheck=healthcheck(8081), stop_timeout=2, networking_config=net("db"),
            host_config=api.create_host_config(init=True, network_mode=n["network"],
                                               mounts=[{"Type": "volume", "Source": n["volume"], "Target": "/data"}]))
        api.start(n["db"])
        wait_healthy(api, n["db"], args.poll)
    if not running(api, errors, n["web"]):
        env = {"APP_TITLE": "Bench reference app", "APP_NAME": "Bench", "REGION_NAME": "Kabupaten Sumbawa",
               "DB_URL": "http://db:8081", "DB_PASSWORD": PASSWORD, "RECORDS_LABEL": "Records"}
        api.create_container(
            args.web_image, name=n["web"], environment=env, ports=[8080], healthcheck=healthcheck(8080),
            stop_timeout=2, networking_config=net("web"),
            host_config=api.create_host_config(init=True, network_mode=n["network"], port_bindings={8080: None}))
        api.start(n["web"])
        wait_healthy(api, n["web"], args.poll)
    return {"import_s": t_import, "inproc_s": time.perf_counter() - T0}


def check(args) -> dict:
    import http.client
    import socket

    class UnixConnection(http.client.HTTPConnection):
        def connect(self):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect("/var/run/docker.sock")

    conn = UnixConnection("localhost")
    n = names(args.prefix)

    def get(path: str) -> tuple[int, dict | list]:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")

    ok = get(f"/v1.41/networks/{n['network']}")[0] == 200 and get(f"/v1.41/volumes/{n['volume']}")[0] == 200
    for key in ("db", "web"):
        status, info = get(f"/v1.41/containers/{n[key]}/json")
        ok = ok and status == 200 and (info["State"].get("Health") or {}).get("Status") == "healthy"
    if not ok:
        sys.exit("floor: check found something missing or unhealthy")
    return {"inproc_s": time.perf_counter() - T0}


def down(args) -> dict:
    import docker
    import docker.errors as errors

    api = docker.APIClient(base_url="unix:///var/run/docker.sock", version="auto")
    n = names(args.prefix)
    for key in ("web", "db"):
        try:
            api.remove_container(n[key], force=True)
        except errors.NotFound:
            pass
    for fn, name in ((api.remove_network, n["network"]), (api.remove_volume, n["volume"])):
        try:
            fn(name)
        except errors.NotFound:
            pass
    return {"inproc_s": time.perf_counter() - T0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["up", "down", "check"])
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--web-image")
    parser.add_argument("--db-image")
    parser.add_argument("--poll", type=float, default=0.1)
    args = parser.parse_args()
    print(json.dumps({"up": up, "down": down, "check": check}[args.action](args)))


if __name__ == "__main__":
    main()
