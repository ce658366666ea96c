"""ksad benchmark suite (issue 5): ksad against the raw Docker SDK and docker compose.

    scripts/bench.sh [--runs 5] [--quick] [--only deploy,startup,scale,profile]

Sections (bench/README.md explains each choice):

1. deploy   the reference app (bench/refapp/) deployed to the local engine until
            both services are healthy, by the SDK floor (bench/floor.py), docker
            compose and ``ksad install``; then a no-op re-run and the removal of
            each; rounds interleaved, median and min-max, ratio to the floor.
2. startup  ``ksad --help``, ``ksad --version``, ``ksad catalog list`` against
            ``python -c pass``.
3. scale    generated catalogs (bench/gen_catalog.py) from 1,000 to 10,000
            releases: catalog list/search/show as processes (cold and warm
            cache), loading and version resolution in-process.
4. profile  ``python -X importtime`` of the start-up and the no-op install, and a
            cProfile of the no-op install with its Docker API calls counted.

Every run overwrites bench/RESULTS.md (figures, machine, date, the budget with
PASS/MISS per line). Everything created on the engine carries a per-run tag and
is removed at the end, Ctrl-C included. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

import gen_catalog  # noqa: E402

PY = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv" / "bin" / "python").exists() else sys.executable
KSAD = str(REPO / ".venv" / "bin" / "ksad") if (REPO / ".venv" / "bin" / "ksad").exists() else shutil.which("ksad")
COMPOSE = shutil.which("docker-compose")
DOCKER = shutil.which("docker")
COMPOSE_FILE = BENCH / "refapp" / "docker-compose.yml"
POLL_S = 0.1  # the same poll interval as ksad's health wait, so granularity is not what we compare

BUDGET = {"install_vs_floor": 1.05, "noop_s": 0.25, "help_s": 0.15, "catalog_s": 0.2}
COLD_RUNS = 5  # per command and catalog size, each after deleting $KSAD_HOME/cache and the digest memo
# (3 made a growth row miss on noise: one slow size's median of 3 turned the lower slope negative)
# cold samples of the commands that take seconds cold (2-13 s validate, 0.7-2.6 s index): one
# sample of index made its growth row miss when the machine's load rose under the 10k point
SLOW_COMMANDS = {"catalog validate": 1, "catalog index --dry-run": 3}
# what `catalog import-publiccode --dry-run` reads in the scale runs: a pioneer's app described
# for a national software catalog, the sample the tests import
PUBLICCODE = REPO / "tests" / "samples" / "siperizinan.publiccode.yml"


def say(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


# --- statistics ------------------------------------------------------------------


@dataclass
class Stat:
    samples: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.samples.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    def cell(self, unit: str = "s") -> str:
        if not self.samples:
            return "-"
        if len(self.samples) == 1:
            return fmt(self.samples[0], unit)
        return f"{fmt(self.median, unit)} ({fmt(min(self.samples), unit, False)}–{fmt(max(self.samples), unit, False)})"

    def to_json(self) -> dict:
        return {"median": self.median, "min": min(self.samples, default=None),
                "max": max(self.samples, default=None), "n": len(self.samples), "samples": self.samples}


def fmt(seconds: float, unit: str = "s", with_unit: bool = True) -> str:
    if seconds != seconds:  # NaN
        return "-"
    if unit == "ms":
        text = f"{seconds * 1000:.1f}" if seconds < 0.1 else f"{seconds * 1000:.0f}"
        return text + (" ms" if with_unit else "")
    return f"{seconds:.3f}" + (" s" if with_unit else "")


# --- running things --------------------------------------------------------------


class BenchError(RuntimeError):
    pass


def run(cmd: list[str], env: dict | None = None, check: bool = True, capture: bool = False,
        timeout: float = 300) -> tuple[float, subprocess.CompletedProcess]:
    """Run *cmd*; return (wall seconds, completed process)."""
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=timeout)
    seconds = time.perf_counter() - started
    if check and proc.returncode != 0:
        raise BenchError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{proc.stderr.strip()[-2000:]}")
    return seconds, proc


def json_line(text: str, marker: str = "") -> dict:
    for line in reversed(text.splitlines()):
        if line.startswith(marker or "{"):
            return json.loads(line[len(marker):])
    raise BenchError(f"no JSON line in output: {text[-500:]}")


class Cleanup:
    """Undo steps run in reverse at the end, also on Ctrl-C and SIGTERM."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, Callable[[], None]]] = []

    def push(self, what: str, fn: Callable[[], None]) -> None:
        self.steps.append((what, fn))

    def run(self) -> None:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not stop the cleanup
        try:
            while self.steps:
                what, fn = self.steps.pop()
                try:
                    fn()
                except Exception as exc:  # noqa: BLE001 - keep cleaning
                    say(f"cleanup: {what}: {exc}")
        finally:
            signal.signal(signal.SIGINT, previous)


def _sigterm(_signo, _frame):
    raise KeyboardInterrupt


# --- machine --------------------------------------------------------------------


def machine() -> dict:
    info = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "nproc": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version(),
            "cpu": "-", "memory": "-", "docker": "-", "compose": "-"}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    if DOCKER:
        _, proc = run([DOCKER, "version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})"],
                      check=False, capture=True)
        info["docker"] = proc.stdout.strip() or "-"
    if COMPOSE:
        _, proc = run([COMPOSE, "version", "--short"], check=False, capture=True)
        info["compose"] = proc.stdout.strip() or "-"
    _, proc = run([PY, "-c", "import docker; print(docker.__version__)"], check=False, capture=True)
    info["docker_sdk"] = proc.stdout.strip() or "-"
    info["load"] = _load()
    return info


def _load() -> str:
    try:
        load = os.getloadavg()
    except OSError:
        return "-"
    return f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"


# --- the engine, seen from the harness -------------------------------------------


def docker_client():
    import docker

    return docker.from_env(timeout=120)


def present(client, containers: list[str], network: str, volume: str) -> list[str]:
    """The named objects that exist now (should be none before a cold deploy)."""
    import docker.errors

    found = []
    for name in containers:
        try:
            client.api.inspect_container(name)
            found.append(f"container {name}")
        except docker.errors.NotFound:
            pass
    if client.api.networks(names=[network]):
        found.append(f"network {network}")
    try:
        client.api.inspect_volume(volume)
        found.append(f"volume {volume}")
    except docker.errors.NotFound:
        pass
    return found


def health_of(client, name: str) -> str:
    import docker.errors

    try:
        state = client.api.inspect_container(name)["State"]
    except docker.errors.NotFound:
        return "absent"
    return (state.get("Health") or {}).get("Status") or state.get("Status", "?")


# --- the three contenders ----------------------------------------------------------


class Contender:
    key = ""
    label = ""

    def objects(self) -> tuple[list[str], str, str]:
        raise NotImplementedError

    def deploy(self) -> tuple[float, float | None]:
        """Seconds until both services are healthy, and the in-process seconds if known."""
        raise NotImplementedError

    def remove(self) -> float:
        raise NotImplementedError


class Floor(Contender):
    key, label = "floor", "SDK floor (bench/floor.py)"

    def __init__(self, tag: str, images: dict[str, str]) -> None:
        self.prefix, self.images = f"kbf-{tag}", images

    def objects(self):
        return [f"{self.prefix}-db", f"{self.prefix}-web"], f"{self.prefix}-net", f"{self.prefix}-db-data"

    def deploy(self):
        seconds, proc = run([PY, str(BENCH / "floor.py"), "up", "--prefix", self.prefix, "--web-image",
                             self.images["web"], "--db-image", self.images["db"], "--poll", str(POLL_S)],
                            capture=True)
        return seconds, json_line(proc.stdout)["inproc_s"]

    def remove(self):
        return run([PY, str(BENCH / "floor.py"), "down", "--prefix", self.prefix], capture=True)[0]

    def check_raw(self) -> float:
        """The no-op without the SDK: raw HTTP on the socket (a reference, not a contender)."""
        return run([PY, str(BENCH / "floor.py"), "check", "--prefix", self.prefix], capture=True)[0]


class Compose(Contender):
    key, label = "compose", "docker-compose"

    def __init__(self, tag: str, images: dict[str, str]) -> None:
        self.project = f"kbc{tag}"
        self.env = {**os.environ, "WEB_IMAGE": images["web"], "DB_IMAGE": images["db"],
                    "DB_PASSWORD": "bench-compose-password"}
        self.base = [COMPOSE, "-p", self.project, "-f", str(COMPOSE_FILE)]

    def objects(self):
        return ([f"{self.project}_db_1", f"{self.project}_web_1"], f"{self.project}_default",
                f"{self.project}_db-data")

    def deploy(self):
        # compose v1 has no `up --wait`: `up -d` (which itself waits for db to be healthy, for
        # depends_on: service_healthy), then poll both health states with the docker CLI
        started = time.perf_counter()
        run(self.base + ["up", "-d"], env=self.env)
        names = self.objects()[0]
        fmt_ = "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}"
        deadline = started + 120
        while True:
            _, proc = run([DOCKER, "inspect", "--format", fmt_] + names, capture=True, check=False)
            states = proc.stdout.split()
            if proc.returncode == 0 and states and all(s == "healthy" for s in states):
                break
            if "unhealthy" in states or time.perf_counter() > deadline:
                raise BenchError(f"compose services did not become healthy: {states}")
            time.sleep(POLL_S)
        return time.perf_counter() - started, None

    def remove(self):
        return run(self.base + ["down", "-v"], env=self.env)[0]


class Ksad(Contender):
    key, label = "ksad", "ksad install"

    def __init__(self, tag: str, app_id: str, env: dict, client) -> None:
        self.app_id, self.env, self.client = app_id, env, client
        self.name = f"Bench {tag}"
        self.slug = f"bench-{tag}"

    def objects(self):
        return [f"{self.slug}-db", f"{self.slug}-web"], f"ksad-{self.slug}", f"ksad-{self.slug}-db-data"

    def deploy(self):
        seconds, _ = run([KSAD, "install", self.app_id, "--name", self.name], env=self.env)
        return seconds, None

    def remove(self):
        return run([KSAD, "uninstall", self.app_id, "--purge"], env=self.env)[0]


# --- 1. deploy -----------------------------------------------------------------------


def random_tag() -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(6))


def ksad_env(home: Path, catalog: Path | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KSAD_")}
    env["KSAD_HOME"] = str(home)
    if catalog is not None:
        env["KSAD_CATALOG"] = str(catalog)
    env["COLUMNS"] = "120"
    return env


def ksad_init(env: dict) -> None:
    run([KSAD, "init", "--region", "52.04", "--domain", "sumbawakab.go.id", "--office", "Diskominfo"], env=env)


def deploy_section(tmp: Path, runs: int, cleanup: Cleanup, results: dict) -> None:
    if not COMPOSE or not DOCKER:
        raise BenchError("docker-compose and docker are needed (scripts/setup.sh installs them)")
    client = docker_client()
    tag = random_tag()
    app_id = f"bench-ref-{tag}"
    catalog = gen_catalog.write_refapp_catalog(tmp / "refapp-catalog", app_id)
    env = ksad_env(tmp / "deploy-home", catalog)
    ksad_init(env)
    ksad = Ksad(tag, app_id, env, client)

    def purge_app() -> None:
        run([KSAD, "uninstall", app_id, "--purge"], env=env, check=False)
        for c in client.api.containers(all=True, filters={"label": f"ksad.app={app_id}"}):
            client.api.remove_container(c["Id"], force=True)
        for image in client.api.images(filters={"label": f"ksad.app={app_id}"}):
            client.api.remove_image(image["Id"], force=True)

    cleanup.push("ksad app and its images", purge_app)

    # Warm-up (not timed): ksad builds the images from the stand-in sources, through the stand-in
    # base (ksad.standin.ensure_base_image); the floor and compose then use exactly those images.
    say("warm-up: ksad builds the reference images")
    from ksad.standin import ensure_base_image

    ensure_base_image(client)
    build_s, _ = run([KSAD, "install", app_id, "--name", ksad.name], env=env)
    images = {svc: client.api.inspect_container(f"{ksad.slug}-{svc}")["Config"]["Image"] for svc in ("web", "db")}
    ksad.remove()
    floor, compose = Floor(tag, images), Compose(tag, images)
    cleanup.push("floor objects", lambda: floor.remove())
    cleanup.push("compose project", lambda: compose.remove())
    contenders = [floor, compose, ksad]
    for c in (floor, compose):
        say(f"warm-up: {c.label}")
        c.deploy()
        c.remove()
    results["deploy_meta"] = {"images": images, "first_install_with_build_s": build_s, "app_id": app_id,
                              "compose_wait": "polling (docker-compose v1 has no --wait)"}
    stats = {c.key: {"cold": Stat(), "cold_inproc": Stat(), "noop": Stat(), "noop_raw": Stat(), "remove": Stat()} for c in contenders}
    for r in range(runs):
        order = contenders[r % 3:] + contenders[:r % 3]  # rotate who goes first
        for c in order:
            containers, network, volume = c.objects()
            left = present(client, containers, network, volume)
            if left:
                raise BenchError(f"{c.label}: not absent before a cold deploy: {', '.join(left)}")
            seconds, inproc = c.deploy()
            health = [health_of(client, n) for n in containers]
            if any(h != "healthy" for h in health):
                raise BenchError(f"{c.label}: deploy returned but services are {health}")
            stats[c.key]["cold"].add(seconds)
            if inproc is not None:
                stats[c.key]["cold_inproc"].add(inproc)
            noop, _ = c.deploy()
            stats[c.key]["noop"].add(noop)
            if isinstance(c, Floor):
                stats[c.key]["noop_raw"].add(c.check_raw())
            stats[c.key]["remove"].add(c.remove())
            say(f"round {r + 1}/{runs} {c.key}: cold {seconds:.3f} s, no-op {noop:.3f} s")
    results["deploy"] = stats
    results["deploy_ctx"] = {"ksad": ksad, "env": env, "app_id": app_id}


# --- 2. start-up ---------------------------------------------------------------------


def startup_section(tmp: Path, runs: int, results: dict) -> None:
    env = ksad_env(tmp / "startup-home")
    ksad_init(env)
    commands = {
        "python -c pass": [PY, "-c", "pass"],
        "ksad --help": [KSAD, "--help"],
        "ksad --version": [KSAD, "--version"],
        "ksad catalog list": [KSAD, "catalog", "list"],
        "python -c 'import docker' (reference)": [PY, "-c", "import docker"],
    }
    for cmd in commands.values():  # warm the page cache and ksad's catalog cache
        run(cmd, env=env)
    stats = {name: Stat() for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            stats[name].add(run(cmd, env=env)[0])
    results["startup"] = stats


# --- 3. scale -------------------------------------------------------------------------


def scale_home(command: str) -> str:
    """The directory name of *command*'s KSAD_HOME in a scale catalog's homes/."""
    return re.sub(r"[^a-z0-9]+", "-", command).strip("-")


def scale_section(tmp: Path, sizes: list[int], warm_runs: int, cold_all: bool, results: dict) -> None:
    """Every size's commands and references sampled round by round, the sizes' order rotating.

    Sizes measured one after the other put the machine's drift (other users of it) into
    the growth from 1k to 10k releases: the 514 MoUs, the same at every size, once took
    0.1 s longer at 10k than at 5k. Interleaved, a slow minute is shared by all sizes.
    Each command has a KSAD_HOME of its own, so one command's cold run (its cache and
    digest memo deleted) leaves the others' caches warm.
    """
    plans: dict[int, dict] = {}
    for size in sizes:
        apps = max(1, int(165 * size / 10_000 + 0.5))
        root = tmp / f"scale-{size}"
        say(f"scale: generating {apps} apps x 60 releases")
        catalog = gen_catalog.write_scale_catalog(root, apps=apps, releases=60)
        app_ids = sorted(p.stem for p in (catalog / "apps").glob("*.yaml"))
        commands = {
            "catalog list": [KSAD, "catalog", "list"],
            "catalog list --json": [KSAD, "catalog", "list", "--json"],
            "catalog search": [KSAD, "catalog", "search", "pajak"],
            "catalog show": [KSAD, "catalog", "show", app_ids[len(app_ids) // 2]],
            # publiccode.yml out (the app and the regions its publisher's MoUs grant it to), and in
            "catalog export-publiccode": [KSAD, "catalog", "export-publiccode", app_ids[len(app_ids) // 2]],
            "catalog import-publiccode --dry-run": [KSAD, "catalog", "import-publiccode", str(root / "publiccode.yml"),
                                                    "--id", "siperizinan", "--publisher-code", "32.73", "--dry-run"],
        }
        shutil.copyfile(PUBLICCODE, root / "publiccode.yml")
        if (catalog / "mous").is_dir():
            # what a regency's staff runs (their region's MoUs; 52.04 is a party to one), and every MoU
            commands["mou list --region 52.04"] = [KSAD, "mou", "list", "--region", "52.04"]
            commands["mou list --all"] = [KSAD, "mou", "list", "--all"]
        # what a pioneer's maintainers run: every file checked (a recipe per release), the index rebuilt
        commands["catalog validate"] = [KSAD, "catalog", "validate"]
        commands["catalog index --dry-run"] = [KSAD, "catalog", "index", "--dry-run"]
        envs = {name: ksad_env(root / "homes" / scale_home(name), catalog) for name in commands}
        for name, cmd in commands.items():
            run(cmd, env=envs[name], timeout=900)  # the trust state a cold run keeps, and a warm cache
        plans[size] = {"root": root, "catalog": catalog, "commands": commands, "envs": envs,
                       "refs": reference_commands(catalog, root),
                       "cli": {name: {"cold": Stat(), "warm": Stat()} for name in commands}}
    rounds = max(COLD_RUNS, warm_runs)
    for r in range(rounds):
        say(f"scale: round {r + 1} of {rounds}")
        for size in sizes[r % len(sizes):] + sizes[:r % len(sizes)]:
            plan = plans[size]
            for name, cmd in plan["commands"].items():
                env, stats = plan["envs"][name], plan["cli"][name]
                slow = name in SLOW_COMMANDS  # seconds cold: fewer cold samples, and five warm ones
                colds = SLOW_COMMANDS.get(name, COLD_RUNS) if cold_all or name == "catalog list" or slow else 0
                if r < colds:  # one sample on a shared machine is noise, not a figure
                    home = Path(env["KSAD_HOME"])
                    shutil.rmtree(home / "cache", ignore_errors=True)
                    for memo in (home / "trust").glob("*.digests.json"):  # a fresh clone's files match none
                        memo.unlink()
                    stats["cold"].add(run(cmd, env=env, timeout=900)[0])
                    run(cmd, env=env, timeout=900)  # whatever the first run did not keep
                if r < (min(warm_runs, COLD_RUNS) if slow else warm_runs):
                    stats["warm"].add(run(cmd, env=env, timeout=900)[0])
            for ref in plan["refs"].values():
                if r < ref["samples"]:
                    seconds, proc = run(ref["cmd"], capture=True, timeout=900)
                    ref["wall"].add(seconds)
                    ref["reported"] = json_line(proc.stdout)
    rows: dict[int, dict] = {}
    for size, plan in plans.items():
        refs = {}
        for key, ref in plan["refs"].items():
            if ref["reported"].get("failed") or ref["reported"].get("unchanged") is False:
                raise BenchError(f"floors.py {ref['cmd'][2]}: not a reference of the same work: {ref['reported']}")
            refs[key] = {"wall": ref["wall"], **ref["reported"]}
        root, catalog = plan["root"], plan["catalog"]
        _, proc = run([PY, str(BENCH / "inproc.py"), str(catalog), str(root / "inproc-cache")], capture=True,
                      timeout=600, env=ksad_env(root / "inproc-home", catalog))
        inproc = json_line(proc.stdout)
        rows[size] = {"apps": inproc["apps"], "releases": inproc["releases"], "cli": plan["cli"], "inproc": inproc,
                      "catalog": str(catalog), "references": refs}
        say(f"scale {inproc['releases']} releases: list warm {plan['cli']['catalog list']['warm'].median:.3f} s, "
            f"cold {plan['cli']['catalog list']['cold'].median:.3f} s")
    results["scale"] = rows


# (command, cache) -> (bench/floors.py's reference, its samples, what it does, for the report)
REFERENCES = {
    ("catalog validate", "cold"): ("validate-cold", 1, "reading, hashing and parsing with PyYAML's C loader "
                                   "every file it reads ({files:,}), nothing checked"),
    ("catalog validate", "warm"): ("validate-warm", COLD_RUNS, "one lstat of each of the {files:,} files and directories "
                                   "under the catalog and its recipe sources, compared with the last run's"),
    ("catalog index --dry-run", "cold"): ("index-cold", SLOW_COMMANDS["catalog index --dry-run"], "reading and parsing with PyYAML's C loader the "
                                          "{files:,} entries, MoUs and keyring it indexes"),
    ("mou list --all", "cold"): ("mou-all-cold", 3, "decoding documents.json and verifying the "
                                 "{verified:,} Ed25519 signatures of its {mous} MoUs"),
}


def reference_commands(catalog: Path, root: Path) -> dict[str, dict]:
    """The one-process references (bench/floors.py) of the whole-catalog commands, to be sampled
    with them: process wall time, interpreter start-up included as for ksad."""
    out: dict[str, dict] = {}
    for (command, cache), (kind, samples, _) in REFERENCES.items():
        if kind == "mou-all-cold" and not (catalog / "mous").is_dir():
            continue
        cmd = [PY, str(BENCH / "floors.py"), kind, str(catalog)]
        if kind == "validate-warm":
            cmd.append(str(root / "floor-stats.json"))
            run(cmd, timeout=900)  # writes the stat signatures the timed runs compare with
        out[f"{command}|{cache}"] = {"cmd": cmd, "samples": samples, "wall": Stat(), "reported": {}}
    return out


def _reference(big: dict, command: str, cache: str) -> str:
    """' (N x the one-process reference, which takes S: what it does)', or ''."""
    ref = (big.get("references") or {}).get(f"{command}|{cache}")
    mine = big["cli"][command][cache]
    if not ref or not mine.samples:
        return ""
    floor = ref["wall"].median
    over = "; the reference alone is over the budget" if floor > BUDGET["catalog_s"] else ""
    return (f" ({mine.median / floor:.1f} × the one-process reference, {fmt(floor)}: "
            + REFERENCES[(command, cache)][2].format(**ref) + over + ")")


def growth(points: list[tuple[int, Stat]]) -> tuple[bool, str]:
    """No worse than linear: the cost per added release does not grow with the catalog.

    Start-up dominates small catalogs, so the total ratio alone would hide an
    O(n^2) step; compare the marginal cost (seconds per 1,000 more releases) of
    the upper half of the range with the lower half's. Medians of a few runs on a
    shared machine move by tens of ms, so the step allowed beyond twice the lower
    slope is the spread measured at the points compared (largest max - min), and
    a total increase within that spread is noise, not growth.
    """
    points = sorted(points, key=lambda p: p[0])
    if len(points) < 2:
        return True, "-"
    (n0, s0), (n1, s1) = points[0], points[-1]
    nm, sm = points[len(points) // 2] if len(points) > 2 else points[0]
    t0, tm, t1 = s0.median, sm.median, s1.median
    noise = max(max(s.samples) - min(s.samples) for s in (s0, sm, s1))
    low = (tm - t0) / (nm - n0) * 1000 if nm > n0 else None
    high = (t1 - tm) / (n1 - nm) * 1000
    text = f"×{t1 / t0:.1f} for ×{n1 / n0:.1f} releases; " + (
        f"{low * 1000:.0f} then {high * 1000:.0f} ms per 1,000 more" if low is not None else
        f"{high * 1000:.0f} ms per 1,000 more") + f" (spread {noise * 1000:.0f} ms)"
    if t1 - t0 <= noise or low is None:
        return t1 - t0 <= noise or t1 / t0 <= n1 / n0, text
    return high <= 2 * max(low, 0.0) + noise / (n1 - nm) * 1000, text


# --- 4. profile ------------------------------------------------------------------------

IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def importtime(cmd: list[str], env: dict) -> dict:
    """Total import time of *cmd* and the packages that cost most (self time summed per package)."""
    _, proc = run([PY, "-X", "importtime"] + cmd, env=env, capture=True, check=False)
    per_pkg: dict[str, int] = {}
    modules, toplevel = [], []
    total = 0
    for line in proc.stderr.splitlines():
        m = IMPORT_LINE.match(line)
        if not m:
            continue
        self_us, cum_us, indent, name = int(m[1]), int(m[2]), len(m[3]), m[4]
        total += self_us
        root = name.split(".")[0]
        per_pkg[root] = per_pkg.get(root, 0) + self_us
        modules.append((self_us, cum_us, name))
        if indent <= 1:
            toplevel.append((cum_us, name))
    heavy = [p for p in ("docker", "requests", "urllib3", "paramiko", "cryptography", "yaml", "jsonschema",
                         "rich", "packaging", "git", "click") if p in per_pkg]
    return {"total_s": total / 1e6, "packages": sorted(per_pkg.items(), key=lambda kv: -kv[1])[:12],
            "modules": sorted(modules, reverse=True)[:10], "toplevel": sorted(toplevel, reverse=True)[:8],
            "heavy_imported": heavy, "exit": proc.returncode}


def cprofile(args: list[str], env: dict) -> dict:
    _, proc = run([PY, str(BENCH / "profile_ksad.py"), "--top", "40", "--"] + args, env=env, capture=True,
                  check=False, timeout=600)
    return json_line(proc.stdout, "PROFILE_JSON ")


def profile_section(tmp: Path, results: dict) -> None:
    prof: dict = {}
    env = ksad_env(tmp / "startup-home")
    if not (tmp / "startup-home" / "identity.yaml").exists():
        ksad_init(env)
    prof["help_imports"] = importtime([KSAD, "--help"], env)
    prof["list_imports"] = importtime([KSAD, "catalog", "list"], env)
    ctx = results.get("deploy_ctx")
    if ctx:
        ksad, denv, app_id = ctx["ksad"], ctx["env"], ctx["app_id"]
        ksad.deploy()
        try:
            prof["noop_imports"] = importtime([KSAD, "install", app_id, "--name", ksad.name], denv)
            prof["noop_profile"] = cprofile(["install", app_id, "--name", ksad.name], denv)
        finally:
            ksad.remove()
        prof["cold_profile"] = None
        prof["cold_profile"] = cprofile(["install", app_id, "--name", ksad.name], denv)
        ksad.remove()
    scale = results.get("scale")
    if scale:
        biggest = max(scale)

        def senv(command: str) -> dict:  # the command's own home in the scale section, its cache warm
            return ksad_env(tmp / f"scale-{biggest}" / "homes" / scale_home(command), Path(scale[biggest]["catalog"]))

        run([KSAD, "catalog", "list"], env=senv("catalog list"))  # make sure the cache is warm
        prof["list_warm_profile"] = cprofile(["catalog", "list"], senv("catalog list"))
        smallest = min(scale)
        cold_env = ksad_env(tmp / "profile-cold-home", Path(scale[smallest]["catalog"]))
        prof["list_cold_profile"] = cprofile(["catalog", "list"], cold_env)
        prof["list_cold_profile"]["releases"] = scale[smallest]["releases"]
        if (Path(scale[biggest]["catalog"]) / "mous").is_dir():
            run([KSAD, "mou", "list", "--all"], env=senv("mou list --all"))
            prof["mou_list_profile"] = cprofile(["mou", "list", "--all"], senv("mou list --all"))
    results["profile"] = prof


# --- the report ---------------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("PASS" if ok else "**MISS**")


def budget_rows(results: dict) -> list[tuple[str, str, str, bool | None]]:
    rows = []
    d = results.get("deploy")
    if d:
        k, f, c = d["ksad"], d["floor"], d["compose"]
        ratio = k["cold"].median / f["cold"].median
        rows.append(("cold install to healthy vs SDK floor", f"≤ {BUDGET['install_vs_floor']:.2f} × floor",
                     f"{ratio:.2f} × ({fmt(k['cold'].median)} vs {fmt(f['cold'].median)})",
                     ratio <= BUDGET["install_vs_floor"]))
        rows.append(("cold install faster than docker compose", "< compose",
                     f"{fmt(k['cold'].median)} vs {fmt(c['cold'].median)}", k["cold"].median < c["cold"].median))
        rows.append(("no-op re-run", f"≤ {BUDGET['noop_s']} s", fmt(k["noop"].median),
                     k["noop"].median <= BUDGET["noop_s"]))
    s = results.get("startup")
    if s:
        h = s["ksad --help"].median
        rows.append(("`ksad --help`", f"≤ {BUDGET['help_s']} s", fmt(h), h <= BUDGET["help_s"]))
    sc = results.get("scale")
    if sc:
        big = sc[max(sc)]
        lim = BUDGET["catalog_s"]
        for name, v in big["cli"].items():
            where = "514 MoUs" if name.startswith("mou list") else f"{big['releases']:,} releases"
            rows.append((f"`ksad {name}` at {where}, warm cache", f"≤ {lim} s",
                         fmt(v["warm"].median) + _reference(big, name, "warm"), v["warm"].median <= lim))
            if v["cold"].samples:
                rows.append((f"`ksad {name}` at {where}, cold cache (first run)", f"≤ {lim} s",
                             fmt(v["cold"].median) + _reference(big, name, "cold"), v["cold"].median <= lim))
        ip = big["inproc"]
        rows.append((f"version resolution (`App.resolve`, in-process) at {big['releases']:,} releases",
                     f"≤ {lim} s", f"{fmt(ip['resolve_worst_s'], 'ms')} worst app", ip["resolve_worst_s"] <= lim))
        if "find_grant_s" in ip:
            both = ip["keyring_load_s"] + ip["find_grant_s"]
            rows.append((f"MoU look-up (`load_keyring` + `find_grant`, in-process) at {ip['mous']} MoUs",
                         f"≤ {lim} s", f"{fmt(both)} ({fmt(ip['keyring_load_s'])} + {fmt(ip['find_grant_s'])})",
                         both <= lim))
            if "find_grant_cold_s" in ip:
                # one cold sample per catalog size, of the same 514 MoUs at every size: their median
                colds = [r["inproc"]["keyring_load_cold_s"] + r["inproc"]["find_grant_cold_s"]
                         for r in sc.values() if "find_grant_cold_s" in r["inproc"]]
                cold = statistics.median(colds)
                rows.append((f"MoU look-up at {ip['mous']} MoUs, cold cache (first run)", f"≤ {lim} s",
                             f"{fmt(cold)} (median of {len(colds)} sizes' first runs, "
                             f"{fmt(min(colds))}–{fmt(max(colds), with_unit=False)})", cold <= lim))
        else:
            rows.append(("MoU look-up at 514 regions", f"≤ {lim} s", "not measured: no MoU support in ksad", None))
        for name in big["cli"]:
            if name.startswith("mou list"):
                continue  # the 514 MoUs are the same at every size
            for kind in ("warm", "cold"):
                pts = [(r["releases"], r["cli"][name][kind]) for r in sc.values() if r["cli"][name][kind].samples]
                if len(pts) > 1:
                    ok, text = growth(pts)
                    rows.append((f"`ksad {name}` growth 1k→10k, {kind}", "≤ linear", text, ok))
    return rows


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def report(results: dict, args: argparse.Namespace, started: float) -> str:
    m = results["machine"]
    lines = [
        "# ksad benchmark results",
        "",
        f"Written by `scripts/bench.sh {' '.join(args.argv)}`".rstrip() + f" on {m['date']} "
        f"(took {time.perf_counter() - started:.0f} s). Overwritten on every run; how to read it: bench/README.md.",
        "",
        "## Machine",
        "",
    ]
    lines += _table(["", ""], [["CPU", f"{m['cpu']} ({m['nproc']} CPUs)"], ["memory", m["memory"]],
                               ["kernel", m["kernel"]], ["Docker engine", m["docker"]],
                               ["docker SDK (ksad, floor)", m["docker_sdk"]], ["docker-compose", m["compose"]],
                               ["Python", m["python"]], ["load average (1, 5, 15 min) at start", m["load"]],
                               ["load average at the end", _load()]])
    lines += ["", "The engine is shared with other users of this machine; figures are medians of interleaved "
              "runs, with min–max, to show that noise.", "", "## Budget (medians, this run)", ""]
    brows = budget_rows(results)
    lines += _table(["what", "budget", "measured", "verdict"], [[a, b, c, verdict(v)] for a, b, c, v in brows])
    if results.get("deploy"):
        lines += deploy_report(results)
    if results.get("startup"):
        lines += ["", "## Start-up (process wall time)", ""]
        base = results["startup"]["python -c pass"].median
        lines += _table(["command", "median (min–max)", "over `python -c pass`"],
                        [[f"`{n}`", s.cell(), fmt(s.median - base)] for n, s in results["startup"].items()])
        lines += ["", f"{len(results['startup']['python -c pass'].samples)} runs each, interleaved; "
                  "bundled catalog, warm cache."]
    if results.get("scale"):
        lines += scale_report(results["scale"])
    if results.get("profile"):
        lines += profile_report(results)
    misses = [r for r in brows if r[3] is False]
    lines += ["", "## Where ksad misses, with evidence", ""]
    lines += findings(results, misses) if misses else ["Nothing: every measured budget line passes."]
    if results.get("errors"):
        lines += ["", "## Sections that failed", ""] + [f"- {e}" for e in results["errors"]]
    return "\n".join(lines) + "\n"


def deploy_report(results: dict) -> list[str]:
    d, meta = results["deploy"], results["deploy_meta"]
    floor = d["floor"]["cold"].median
    rows = []
    for key, label in (("floor", "SDK floor (`bench/floor.py`)"), ("compose", "`docker-compose up -d` + wait"),
                       ("ksad", "`ksad install`")):
        s = d[key]
        rows.append([label, s["cold"].cell(), f"{s['cold'].median / floor:.2f}", s["noop"].cell(),
                     s["remove"].cell(), s["cold_inproc"].cell() if s["cold_inproc"].samples else "-"])
    rows.append(["no-op without the SDK (`floor.py check`: raw HTTP on the socket)", "-", "-",
                 d["floor"]["noop_raw"].cell(), "-", "-"])
    n = len(d["ksad"]["cold"].samples)
    return ["", "## Deploy: the reference app, to both services healthy", "",
            *_table(["contender", "cold deploy", "× floor", "no-op re-run", "removal", "in-process"], rows),
            "",
            f"{n} rounds; each round runs the three contenders one after the other (deploy, no-op, removal), "
            "and the order rotates every round. Times are process wall times, interpreter start-up and "
            "`import docker` included (ksad pays them too); the floor's in-process time starts at its "
            "first line (`import docker` included).",
            "",
            "At the start of every cold deploy the contender's containers, network and named volume are "
            "absent (checked, not assumed); the images are present and identical for all three (built once "
            f"by a warm-up `ksad install`, {fmt(meta['first_install_with_build_s'])} with the build, not "
            "timed): `" + meta["images"]["web"] + "`, `" + meta["images"]["db"] + "`.",
            "",
            "docker-compose here is Debian's v1, which has no `up --wait`: its time is `up -d` (which already "
            f"waits for db to be healthy before starting web) and then polling `docker inspect` every {POLL_S} s "
            "until both are healthy. The floor and ksad also poll every 0.1 s. Health checks run every 0.5 s "
            "(Docker 20.10 runs the first one 0.5 s after start), so about 1 s of every cold deploy is "
            "waiting for the two checks in sequence (web depends on a healthy db)."]


def scale_report(scale: dict) -> list[str]:
    sizes = sorted(scale)
    header = ["command"] + [f"{scale[s]['releases']:,} rel. ({scale[s]['apps']} apps)" for s in sizes]
    rows = []
    for name in scale[sizes[0]]["cli"]:
        for kind in ("warm", "cold"):
            cells = [scale[s]["cli"][name][kind].cell() if scale[s]["cli"][name][kind].samples else "-"
                     for s in sizes]
            if any(c != "-" for c in cells):
                rows.append([f"`ksad {name}`, {kind} cache"] + cells)
    inproc = []
    for key, label in (("import_s", "import ksad.catalog"), ("load_cold_s", "load, cold cache (parse+validate)"),
                       ("load_warm_s", "load, warm cache"), ("search_s", "search"),
                       ("resolve_newest_s", "resolve newest (median per app)"),
                       ("resolve_range_s", "resolve `>=2,<3` (median per app)"),
                       ("resolve_exact_s", "resolve exact version (median per app)"),
                       ("resolve_worst_s", "resolve, worst call"),
                       ("keyring_load_cold_s", "MoU: load the keyring, cold cache"),
                       ("find_grant_cold_s", "MoU: `find_grant`, cold cache"),
                       ("keyring_load_s", "MoU: load the keyring, warm (median of 5)"),
                       ("find_grant_s", "MoU: `find_grant`, warm (median of 5 partners)")):
        inproc.append([label] + [fmt(scale[s]["inproc"].get(key, float("nan")), "ms") for s in sizes])
    return ["", "## Scale: generated catalogs (60 releases per app)", "",
            "Process wall times; cold = `$KSAD_HOME/cache` and the digest memo deleted first (the first command after a catalog "
            "is cloned; after an update only changed files are re-parsed), warm = cache filled.", "",
            *_table(header, rows), "", "In-process (`bench/inproc.py`, a fresh process per size):", "",
            *_table(["in-process"] + header[1:], inproc), "",
            "Every size also carries the same 514 MoUs (one per kabupaten/kota, each granting one of eleven "
            "pioneer cities' apps, signed by both sides), a keyring of 517 keys and a signed snapshot "
            "(bench/gen_catalog.py); `ksad mou list` and the MoU rows measure those."]


def _imports_table(imp: dict) -> list[str]:
    """Two views side by side: self time summed per package, and the costliest top-level imports."""
    pkgs, tops = imp["packages"][:10], imp["toplevel"][:10]
    rows = []
    for i in range(max(len(pkgs), len(tops))):
        a = [f"`{pkgs[i][0]}`", fmt(pkgs[i][1] / 1e6, "ms")] if i < len(pkgs) else ["", ""]
        b = [f"`{tops[i][1]}`", fmt(tops[i][0] / 1e6, "ms")] if i < len(tops) else ["", ""]
        rows.append(a + b)
    return _table(["package", "self time, summed", "top-level import", "cumulative"], rows)


def profile_report(results: dict) -> list[str]:
    p = results["profile"]
    out = ["", "## Profile", ""]
    for key, title in (("help_imports", "`ksad --help`"), ("list_imports", "`ksad catalog list`"),
                       ("noop_imports", "no-op `ksad install`")):
        imp = p.get(key)
        if not imp:
            continue
        out += [f"### Imports of {title} (`python -X importtime`)", "",
                f"Total import time {fmt(imp['total_s'], 'ms')}; heavy packages imported: "
                f"{', '.join(imp['heavy_imported']) or 'none'}.", "", *_imports_table(imp), ""]
    for key, title in (("noop_profile", "no-op `ksad install`"), ("cold_profile", "cold `ksad install`"),
                       ("list_warm_profile", "`ksad catalog list`, warm cache, largest catalog"),
                       ("list_cold_profile", "`ksad catalog list`, cold cache, smallest catalog"),
                       ("mou_list_profile", "`ksad mou list --all`, 514 MoUs")):
        prof = p.get(key)
        if not prof:
            continue
        calls = prof["api_calls"]
        out += [f"### cProfile of {title}", "",
                f"Wall {fmt(prof['wall_s'])} in-process (exit {prof['exit']}); {len(calls)} Docker API "
                f"requests taking {fmt(prof['api_seconds'])} in all"
                + (": " + ", ".join(_call_summary(calls)) if calls else "") + ".", "",
                *_table(["function (largest cumulative time first)", "calls", "cumulative"],
                        [[f"`{r['function']}`", str(r["calls"]), fmt(r["cumtime_s"], "ms")]
                         for r in _interesting(prof["top"])[:14]]), ""]
    return out


def _call_summary(calls: list[dict]) -> list[str]:
    counts: dict[str, int] = {}
    for c in calls:
        path = re.sub(r"^/v[0-9.]+", "", c["path"])
        path = re.sub(r"/containers/(?!json$)[^/]+", "/containers/{id}", path)
        path = re.sub(r"/volumes/[^/]+", "/volumes/{name}", path)
        path = re.sub(r"/images/.+/json", "/images/{ref}/json", path)
        key = f"{c['method']} {path}"
        counts[key] = counts.get(key, 0) + 1
    return [f"{n}× `{k}`" for k, n in sorted(counts.items(), key=lambda kv: -kv[1])]


def _interesting(top: list[dict]) -> list[dict]:
    """Skip the frames every profile shares (the entry point, click's dispatch)."""
    skip = ("profile_ksad", "click/", "builtins.exec", "builtins.__import__", "<frozen", "ksad/cli/__init__.py",
            "functools.py", "builtins.__build_class__")
    return [r for r in top if not any(s in r["function"] for s in skip)]


def findings(results: dict, misses: list) -> list[str]:
    """For each MISS: the evidence this run measured and the fix it points to."""
    out = []
    p = results.get("profile") or {}
    names = " ".join(m[0] for m in misses)
    if "floor" in names or "compose" in names:
        d = results["deploy"]
        gap = d["ksad"]["cold"].median - d["floor"]["cold"].median
        prof = p.get("cold_profile") or {}
        out += [f"- **Cold install** is {fmt(gap)} slower than the floor "
                f"({len((prof.get('api_calls') or []))} API requests in ksad's cold install; the floor makes about "
                "14 plus its health polls). Evidence: the cold-install profile and import table above. "
                "See bench/README.md, \"Findings\", for the fixes."]
    if "no-op" in names:
        imp = p.get("noop_imports") or {}
        prof = p.get("noop_profile") or {}
        out += [f"- **No-op re-run** takes {fmt(results['deploy']['ksad']['noop'].median)}: imports "
                f"{fmt(imp.get('total_s', float('nan')), 'ms')} (heavy: {', '.join(imp.get('heavy_imported', []))}), "
                f"{len(prof.get('api_calls') or [])} Docker API requests "
                f"({', '.join(_call_summary(prof.get('api_calls') or [])[:6])})."]
    if "--help" in names:
        imp = p.get("help_imports") or {}
        out += [f"- **`ksad --help`** imports for {fmt(imp.get('total_s', float('nan')), 'ms')}; top packages: "
                + ", ".join(f"{k} {us / 1000:.0f} ms" for k, us in (imp.get("packages") or [])[:6]) + "."]
    maintainers = ("catalog validate", "catalog index")
    if any(n in names for n in maintainers):
        big = results["scale"][max(results["scale"])]
        v, i = big["cli"]["catalog validate"], big["cli"]["catalog index --dry-run"]
        out += [f"- **`catalog validate` / `catalog index`** at {big['releases']:,} releases: validate cold "
                f"{fmt(v['cold'].median)}{_reference(big, 'catalog validate', 'cold')}, warm "
                f"{fmt(v['warm'].median)}{_reference(big, 'catalog validate', 'warm')} (every recipe directory "
                f"scanned and its files' stat signatures compared, no recipe parsed); index cold "
                f"{fmt(i['cold'].median)}{_reference(big, 'catalog index --dry-run', 'cold')} (every entry and "
                f"MoU parsed, in worker processes), warm {fmt(i['warm'].median)}."]
    if any("catalog" in m[0] and not any(n in m[0] for n in maintainers) for m in misses):
        prof = p.get("list_warm_profile") or {}
        cold = p.get("list_cold_profile") or {}
        out += ["- **Catalog commands**: warm, the top of the profile is "
                + ", ".join(f"`{r['function']}` {fmt(r['cumtime_s'], 'ms')}" for r in _interesting(prof.get("top") or [])[:4])
                + "; cold, " + ", ".join(f"`{r['function']}` {fmt(r['cumtime_s'], 'ms')}"
                                           for r in _interesting(cold.get("top") or [])[:4]) + "."]
    if "MoU" in names or "mou list" in names:
        prof = p.get("mou_list_profile") or {}
        out += ["- **MoU look-up**: `ksad mou list` spends its time in "
                + ", ".join(f"`{r['function']}` {fmt(r['cumtime_s'], 'ms')}" for r in _interesting(prof.get("top") or [])[:5])
                + "."]
    out += ["", "The suggested fixes, with the reasoning, are in bench/README.md (\"Findings\")."]
    return out


# --- main ------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="ksad benchmark suite (writes bench/RESULTS.md)")
    parser.add_argument("--runs", type=int, default=None, help="deploy rounds per contender (default 5, quick 2)")
    parser.add_argument("--startup-runs", type=int, default=None, help="runs per start-up command (default 20)")
    parser.add_argument("--sizes", default=None, help="scale sizes in releases, comma-separated "
                        "(default 1000,2500,5000,10000; quick 1000,10000)")
    parser.add_argument("--only", default="deploy,startup,scale,profile", help="sections to run")
    parser.add_argument("--quick", action="store_true", help="fewer runs and sizes: a smoke test, about 2 minutes")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw figures as JSON here")
    parser.add_argument("--keep-temp", action="store_true", help="keep the generated catalogs and homes")
    args = parser.parse_args(argv)
    args.argv = argv
    args.runs = args.runs or (2 if args.quick else 5)
    args.startup_runs = args.startup_runs or (5 if args.quick else 20)
    args.sizes = [int(s) for s in (args.sizes or ("1000,10000" if args.quick else "1000,2500,5000,10000")).split(",")]
    args.sections = set(args.only.split(","))
    return args


def _plain(value):
    if isinstance(value, Stat):
        return value.to_json()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if k != "deploy_ctx"}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not KSAD:
        say("ksad is not installed: run `source scripts/setup.sh` first")
        return 2
    signal.signal(signal.SIGTERM, _sigterm)
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="ksad-bench-"))
    cleanup = Cleanup()
    if not args.keep_temp:
        cleanup.push("temporary files", lambda: shutil.rmtree(tmp, ignore_errors=True))
    results: dict = {"machine": machine(), "errors": []}
    sections = [("deploy", lambda: deploy_section(tmp, args.runs, cleanup, results)),
                ("startup", lambda: startup_section(tmp, args.startup_runs, results)),
                ("scale", lambda: scale_section(tmp, args.sizes, 3 if args.quick else 7, not args.quick, results)),
                ("profile", lambda: profile_section(tmp, results))]
    try:
        for name, fn in sections:
            if name not in args.sections:
                continue
            say(f"section {name}")
            try:
                fn()
            except BenchError as exc:
                say(f"section {name} failed: {exc}")
                results["errors"].append(f"{name}: {exc}")
        text = report(results, args, started)
        args.out.write_text(text, encoding="utf-8")
        if args.json:
            args.json.write_text(json.dumps(_plain(results), indent=1), encoding="utf-8")
        say(f"wrote {args.out}")
        print(text)
    except KeyboardInterrupt:
        say("interrupted: cleaning up")
        return 130
    finally:
        cleanup.run()
        if args.keep_temp:
            say(f"kept {tmp}")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
