"""Profile one ksad command in-process: where the time goes, and which Docker API calls it makes.

    python bench/profile_ksad.py [--top 25] -- install APP --name NAME

Runs ``ksad.cli.main(argv)`` under cProfile (the environment selects KSAD_HOME,
KSAD_CATALOG, ...) and prints one JSON object (on a line starting ``PROFILE_JSON``): wall seconds from this script's
first line, the Docker API requests (method and path, counted by wrapping
``requests.Session.send``, which every docker SDK call goes through), and the
functions with the largest cumulative time. Import costs are better seen with
``python -X importtime``; bench/run.py reports both.
"""

import time

T0 = time.perf_counter()

import cProfile  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import pstats  # noqa: E402
import sys  # noqa: E402
from urllib.parse import urlparse  # noqa: E402

CALLS: list[dict] = []


def _count_api_calls() -> None:
    import requests.sessions

    original = requests.sessions.Session.send

    def send(self, request, **kwargs):
        started = time.perf_counter()
        try:
            return original(self, request, **kwargs)
        finally:
            path = urlparse(request.url).path
            CALLS.append({"method": request.method, "path": path, "s": time.perf_counter() - started})

    requests.sessions.Session.send = send


def _top(profile: cProfile.Profile, top: int) -> list[dict]:
    stats = pstats.Stats(profile, stream=io.StringIO())
    rows = []
    for (file, line, func), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():
        rows.append({"function": f"{_short(file)}:{line}({func})", "calls": calls,
                     "tottime_s": round(tottime, 4), "cumtime_s": round(cumtime, 4)})
    rows.sort(key=lambda r: r["cumtime_s"], reverse=True)
    return rows[:top]


def _short(file: str) -> str:
    for marker in ("/site-packages/", "/lib/python3"):
        if marker in file:
            return file.split(marker, 1)[1]
    if "/ksad/" in file:
        return "ksad/" + file.split("/ksad/", 1)[1]
    return file


def main() -> None:
    args = sys.argv[1:]
    top = 25
    if args[:1] == ["--top"]:
        top, args = int(args[1]), args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    t_requests = time.perf_counter()
    _count_api_calls()
    t_requests = time.perf_counter() - t_requests
    profile = cProfile.Profile()
    code = 0
    profile.enable()
    try:
        from ksad.cli import main as ksad_main

        ksad_main(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    finally:
        profile.disable()
    wall = time.perf_counter() - T0
    # ksad writes its own stdout (the URL, --json): the marker finds ours
    sys.stdout.write("PROFILE_JSON ")
    json.dump({"argv": args, "exit": code, "wall_s": round(wall, 4),
               "requests_import_s": round(t_requests, 4), "api_calls": CALLS,
               "api_seconds": round(sum(c["s"] for c in CALLS), 4), "top": _top(profile, top)},
              sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
