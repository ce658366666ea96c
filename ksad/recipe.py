"""Loading a recipe: a Compose-spec subset plus the ``x-ksad`` block.

``load_recipe`` turns a ``compose.yaml`` into a frozen, normalised
:class:`Recipe`: one spelling for everything Compose lets you write several
ways (ports, volumes, environment, durations, sizes...), so the planner and the
engine never parse Compose themselves.

What it refuses, and why:

- Keys outside the subset in ``recipes/README.md`` are refused *by name* (with
  file and line), never silently dropped: a dropped ``deploy.replicas`` or
  ``configs`` would install something other than what the publisher tested.
  Every structural problem in a file is collected and reported at once.
- Variables (``$VAR``, ``${VAR}``, ``${VAR:?err}``) are refused: Compose would
  read them from the host environment (or substitute an empty string), and
  ksad never lets the operator's shell decide what an app gets. Values come
  only through ``x-ksad`` (localisation fields, secrets, settings). A variable
  with a default (``${VAR:-x}``, ``${VAR-x}``) becomes its default, ``${VAR:+x}``
  becomes empty (the variable is never set), ``$$`` is a literal ``$``.
- What would reach past the container (bind mounts, host namespaces, extra
  capabilities...) is parsed, then refused by :mod:`ksad.policy` unless the
  operator allowed that kind.

Loading is meant to be cheap (the catalog layer loads a recipe on every
install), so it validates by hand; the JSON Schema in
``catalog/schema/recipe.schema.json`` is for publishers' editors and
``ksad catalog validate``.
"""

from __future__ import annotations

import os
import posixpath
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ksad import policy
from ksad.errors import InputError
from ksad.messages import MESSAGES, t

LOCALISATION_FIELDS = (
    "name", "name_slug", "name_meaning", "name_language", "region_code", "region_name", "region_type",
    "province_name", "head_title", "office", "contact", "domain", "timezone", "tz_abbr",
    "colour_primary", "colour_secondary", "language", "emblem", "url", "public_url", "app_id", "app_version",
)
FILE_ONLY_FIELDS = frozenset({"emblem"})  # binary: it can go into a file, not into a variable or template

JOB_CONDITION = "service_completed_successfully"
DEPENDS_CONDITIONS = ("service_started", "service_healthy", JOB_CONDITION)
RESTART_POLICIES = ("no", "always", "on-failure", "unless-stopped")

Pointer = tuple


# --- the normalised recipe ---------------------------------------------------------------

@dataclass(frozen=True)
class Mount:
    source: str  # a named volume, as the recipe names it ("db-data")
    target: str
    read_only: bool = False


@dataclass(frozen=True)
class Port:
    container: int
    protocol: str = "tcp"


@dataclass(frozen=True)
class Build:
    context: Path  # absolute, resolved, inside the source root
    dockerfile: str = "Dockerfile"
    args: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Healthcheck:
    test: list[str]  # ["CMD", ...], ["CMD-SHELL", "..."], or ["NONE"] (disable the image's)
    interval_s: float = 30.0
    timeout_s: float = 30.0
    retries: int = 3
    start_period_s: float = 0.0


@dataclass(frozen=True)
class Service:
    name: str
    image: str | None = None
    build: Build | None = None
    command: list[str] | str | None = None
    entrypoint: list[str] | str | None = None
    environment: dict[str, str] = field(default_factory=dict)
    ports: list[Port] = field(default_factory=list)
    mounts: list[Mount] = field(default_factory=list)
    depends_on: dict[str, str] = field(default_factory=dict)  # service -> condition
    healthcheck: Healthcheck | None = None
    init: bool = False
    user: str | None = None
    working_dir: str | None = None
    restart: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    stop_signal: str | None = None
    stop_grace_period_s: float | None = None
    read_only: bool = False
    tmpfs: list[str] = field(default_factory=list)
    cap_add: list[str] = field(default_factory=list)
    cap_drop: list[str] = field(default_factory=list)
    mem_limit_bytes: int | None = None
    cpus: float | None = None
    shm_size_bytes: int | None = None
    privileged: bool = False
    network_mode: str | None = None
    pid: str | None = None
    ipc: str | None = None
    devices: list[str] = field(default_factory=list)
    security_opt: list[str] = field(default_factory=list)
    extra_hosts: dict[str, str] = field(default_factory=dict)
    ulimits: dict = field(default_factory=dict)  # name -> {"soft": int, "hard": int}
    sysctls: dict[str, str] = field(default_factory=dict)
    hostname: str | None = None
    # Host-path mounts (host, container, read_only). Only present in a loaded
    # recipe when the policy allowed "host-path" / "docker-socket".
    binds: list[tuple[str, str, bool]] = field(default_factory=list)
    logging: dict | None = None  # {"driver": str | None, "options": {str: str}}

    @property
    def pinned(self) -> bool:
        """The image is pinned by digest (``name@sha256:<64 hex>``)."""
        return bool(self.image and _DIGEST.search(self.image))


@dataclass(frozen=True)
class Destinations:
    env: dict[str, str] = field(default_factory=dict)  # service -> environment variable name


@dataclass(frozen=True)
class FileSpec:
    service: str
    target: str
    template: Path | None = None  # absolute, resolved
    field: str | None = None  # "emblem"
    mode: int = 0o444


@dataclass(frozen=True)
class Expose:
    service: str
    port: int
    path: str = "/"


@dataclass(frozen=True)
class KsadBlock:
    expose: Expose | None = None
    data_volumes: list[str] = field(default_factory=list)
    wait_for: list[str] = field(default_factory=list)
    localise: dict[str, Destinations] = field(default_factory=dict)
    files: list[FileSpec] = field(default_factory=list)
    secrets: dict[str, Destinations] = field(default_factory=dict)
    settings: dict[str, tuple[str, Destinations]] = field(default_factory=dict)  # name -> (default, where)
    # secrets the operator gives (``supplied: operator``: an SMTP password, a national service's
    # token); ksad generates the others
    supplied: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Recipe:
    path: Path  # the compose file; the recipe directory is path.parent
    services: dict[str, Service]  # in dependency order
    volumes: list[str]
    ksad: KsadBlock
    allowed: frozenset[str] = frozenset()  # policy exceptions this recipe actually uses

    def start_order(self) -> list[str]:
        return list(self.services)

    @property
    def jobs(self) -> frozenset[str]:
        """Services another one waits to see finish (compose's service_completed_successfully).

        A job runs to its end once per revision (a migration, a seed): its dependents start
        after it exited 0, and a container it left exited 0 is done, not down.
        """
        return frozenset(dep for s in self.services.values() for dep, condition in s.depends_on.items()
                         if condition == JOB_CONDITION)


# --- problems ----------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Problem:
    file: str
    line: int | None
    field: str  # "services.web.ports[0]"
    key: str  # message key of the text
    reason: str  # short stable tag: the unsupported key ("deploy"), or "variable", "port-range"...
    fields: dict = field(default_factory=dict)

    def text(self) -> str:
        return t(self.key, field=self.field, **self.fields)


class RecipeError(InputError):
    """A recipe file is not one ksad accepts; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            p = self.problems[0]
            hint = f"{p.key}.hint" if f"{p.key}.hint" in MESSAGES else None
            super().__init__("recipe.problem", hint, file=p.file, line=p.line, field=p.field, **p.fields)
        else:
            super().__init__("validation.failed", "validation.failed.hint", count=len(self.problems))

    @property
    def message(self) -> str:  # rendered on demand so the language is the reader's
        if len(self.problems) == 1:
            p = self.problems[0]
            return t("recipe.problem", file=p.file, line=p.line, text=p.text())
        lines = "\n".join(t("recipe.problem_line", file=p.file, line=p.line, text=p.text()) for p in self.problems)
        return t("validation.failed", count=len(self.problems), problems=lines)

    @property
    def reasons(self) -> list[str]:
        return [p.reason for p in self.problems]

    def to_json(self) -> dict:
        return {**super().to_json(), "problems": [
            {"file": p.file, "line": p.line, "field": p.field, "reason": p.reason, "message": p.text()}
            for p in self.problems]}


def _field_name(pointer: Pointer) -> str:
    out = ""
    for part in pointer:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Check:
    """Collects problems with their line numbers while the loader walks the file."""

    def __init__(self, doc, file: str) -> None:  # a yamlio.Document or parsecache.CachedDocument
        self.doc, self.file, self.problems = doc, file, []

    def add(self, pointer: Pointer, key: str, reason: str, **fields: Any) -> None:
        self.problems.append(Problem(self.file, self.doc.line_of(pointer), _field_name(pointer), key, reason, fields))

    def unsupported(self, pointer: Pointer, reason: str | None = None) -> None:
        self.add(pointer, "recipe.unsupported", reason or str(pointer[-1]))

    def wrong_type(self, pointer: Pointer, value: Any, expected: str) -> None:
        self.add(pointer, "recipe.type", "type", expected=expected, got=_type_name(value))

    # Typed access: return the value when it has the type, else note a problem and return None.
    def mapping(self, value: Any, pointer: Pointer) -> dict | None:
        if isinstance(value, dict):
            return value
        self.wrong_type(pointer, value, "mapping")
        return None

    def seq(self, value: Any, pointer: Pointer) -> list | None:
        if isinstance(value, list):
            return value
        self.wrong_type(pointer, value, "list")
        return None

    def text(self, value: Any, pointer: Pointer) -> str | None:
        if isinstance(value, str):
            return value
        self.wrong_type(pointer, value, "string")
        return None

    def scalar(self, value: Any, pointer: Pointer) -> str | None:
        """A string, number or boolean, as the string a container would see."""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (str, int, float)):
            return str(value)
        self.wrong_type(pointer, value, "string")
        return None

    def flag(self, value: Any, pointer: Pointer) -> bool | None:
        if isinstance(value, bool):
            return value
        self.wrong_type(pointer, value, "boolean")
        return None

    def integer(self, value: Any, pointer: Pointer, low: int = 0, high: int | None = None) -> int | None:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value >= low and (high is None or value <= high):
            return value
        self.add(pointer, "recipe.integer", "type", value=value, low=low, high=high if high is not None else "∞")
        return None

    def keys(self, data: dict, pointer: Pointer, allowed: set[str] | frozenset[str]) -> None:
        """Refuse by name every key not in *allowed*; ``x-*`` extensions are ignored (Compose spec)."""
        for key in data:
            if not (isinstance(key, str) and (key in allowed or key.startswith("x-"))):
                self.unsupported(pointer + (key,), _reason_of(pointer + (key,)))


_NAMED_COLLECTIONS = frozenset({"depends_on", "networks", "volumes", "ulimits", "localise", "secrets", "settings",
                                "env"})


def _reason_of(pointer: Pointer) -> str:
    """The tag of an unsupported key: its path without the names the recipe chose.

    ``services.web.deploy.replicas`` -> ``deploy.replicas``,
    ``services.db.depends_on.web.restart`` -> ``depends_on.restart``.
    """
    parts = [p for p in pointer if isinstance(p, str)]
    if parts[:1] == ["services"]:
        parts = parts[2:]
    kept, skip = [], False
    for i, part in enumerate(parts):
        if skip:
            skip = False
            continue
        kept.append(part)
        skip = part in _NAMED_COLLECTIONS and i + 1 < len(parts)
    return ".".join(kept) or "?"


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "list", dict: "mapping"}.get(
        type(value), type(value).__name__)


# --- values: durations, sizes, variables -------------------------------------------------

_DURATION = re.compile(r"(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+")
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_SIZE = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*([kmgtp]?)b?", re.IGNORECASE)
_BYTES = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}
_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}\Z")


def parse_duration(value: Any) -> float:
    """Seconds in a Compose duration ("1m30s", "500ms", "2h"); ValueError when it is not one.

    Like Compose (Go's ``time.ParseDuration``), a unit is required, except for 0.
    """
    if isinstance(value, bool):
        raise ValueError(value)
    text = str(value).strip()
    if text == "0":
        return 0.0
    if not _DURATION.fullmatch(text):
        raise ValueError(value)
    return sum(float(n) * _SECONDS[unit] for n, unit in _DURATION_PART.findall(text))


def parse_size(value: Any) -> int:
    """Bytes in a Compose size ("512m", "1g", "1.5G", "1gb", 1048576); ValueError when it is not one."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        if value < 0:
            raise ValueError(value)
        return value
    match = _SIZE.fullmatch(str(value).strip())
    if not match:
        raise ValueError(value)
    return int(float(match.group(1)) * _BYTES[match.group(2).lower()])


# Compose's interpolation grammar: $$, $NAME, ${NAME}, ${NAME[:]-default}, ${NAME[:]?err}, ${NAME[:]+alt}.
_VARIABLE = re.compile(r"\$(?:(?P<escaped>\$)|(?P<named>[_a-zA-Z][_a-zA-Z0-9]*)"
                       r"|\{(?P<braced>[_a-zA-Z][_a-zA-Z0-9]*)(?:(?P<sep>:?[-?+])(?P<arg>[^}]*))?\}|(?P<invalid>))")


def _interpolate_text(text: str, pointer: Pointer, check: _Check) -> str:
    if "$" not in text:
        return text

    def replace(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        name = match["named"] or match["braced"]
        if name is None:
            check.add(pointer, "recipe.interpolation", "interpolation", value=text)
            return ""
        if match["sep"] in (":-", "-"):  # no variable is ever set, so the default always applies
            return _interpolate_text(match["arg"], pointer, check)
        if match["sep"] in (":+", "+"):
            return ""
        check.add(pointer, "recipe.variable", "variable", name=name)
        return ""

    return _VARIABLE.sub(replace, text)


def _interpolate(data: Any, pointer: Pointer, check: _Check) -> Any:
    """*data* with variables resolved in every value (never in keys), skipping ``x-*`` extensions."""
    if isinstance(data, str):
        return _interpolate_text(data, pointer, check)
    if isinstance(data, dict):
        return {k: v if isinstance(k, str) and k.startswith("x-") else _interpolate(v, pointer + (k,), check)
                for k, v in data.items()}
    if isinstance(data, list):
        return [_interpolate(v, pointer + (i,), check) for i, v in enumerate(data)]
    return data


# --- the loader --------------------------------------------------------------------------

_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*\Z")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_KSAD_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")

TOP_KEYS = frozenset({"name", "version", "services", "volumes", "networks", "x-ksad"})
IGNORED_SERVICE_KEYS = frozenset({"container_name", "expose"})  # ksad names containers; expose changes nothing


def load_recipe(path: Path, *, allow: frozenset[str] = frozenset(), source_root: Path | None = None,
                resolve: Callable[[str], str] = os.path.realpath, cached: bool = True) -> Recipe:
    """Read, validate and normalise the recipe at *path*.

    *source_root* bounds every path the recipe names (build contexts,
    templates); it defaults to the recipe's own directory. Raises
    :class:`RecipeError` (an ``InputError``) listing every structural problem,
    then ``PolicyError`` for what *allow* does not cover. *resolve* is
    os.path.realpath or one with the same answers (catalog validation passes
    one that remembers directories: 9,900 recipes resolve the same few).
    *cached*: keep the parse in the parse cache (one file per recipe), for a
    recipe that will be loaded again, as install's is.
    """
    path = Path(path)
    target, home = resolve(os.fspath(path.absolute())), resolve(os.fspath(path.absolute().parent))
    if not target.startswith(home.rstrip(os.sep) + os.sep):
        # a link out of the recipe's directory: the entry's pin hashes the link, not what it reads
        raise InputError("recipe.file_outside", file=str(path), value=target, root=home)
    if not cached:
        from ksad import yamlio

        return _recipe_from(yamlio.load_mapping(path, plain=True), path, allow, source_root, resolve)
    from ksad.parsecache import validated

    # a recipe that loaded before is not parsed again (PyYAML is not even imported)
    return validated(path, "recipe", lambda doc: _recipe_from(doc, path, allow, source_root, resolve))


def _recipe_from(doc, path: Path, allow: frozenset[str], source_root: Path | None,
                 resolve: Callable[[str], str] = os.path.realpath) -> Recipe:
    check = _Check(doc, str(path))
    recipe_dir = path.absolute().parent
    root = Path(resolve(os.fspath(source_root if source_root is not None else recipe_dir)))
    loader = _Loader(check, recipe_dir, root, resolve)
    recipe = loader.recipe(path, doc.data)
    if check.problems:
        raise RecipeError(check.problems)
    allowed = policy.check_policy(recipe.services, allow, file=str(path))
    return Recipe(recipe.path, recipe.services, recipe.volumes, recipe.ksad, allowed)


class _Loader:
    def __init__(self, check: _Check, recipe_dir: Path, root: Path,
                 resolve: Callable[[str], str] = os.path.realpath) -> None:
        self.check, self.recipe_dir, self.root = check, recipe_dir, root
        self.resolve = lambda path: Path(resolve(os.fspath(path)))
        self.volumes: list[str] = []
        self.networks: list[str] = []
        self.service_names: list[str] = []

    # --- top level ---------------------------------------------------------------------
    def recipe(self, path: Path, data: dict) -> Recipe:
        c = self.check
        c.keys(data, (), TOP_KEYS)
        compose = {k: _interpolate(v, (k,), c) for k, v in data.items() if k in ("services", "volumes", "networks")}
        self.volumes = self._volumes(compose.get("volumes"))
        self.networks = self._networks(compose.get("networks"))
        raw_services = self._raw_services(compose.get("services"))
        self.service_names = [str(n) for n in raw_services]
        services = {}
        for name, body in raw_services.items():
            svc = self._service(str(name), body)
            if svc is not None:
                services[svc.name] = svc
        self._check_networks(raw_services)
        services = self._dependency_order(services)
        ksad = _KsadLoader(self, services).block(data.get("x-ksad"))
        return Recipe(path, services, self.volumes, ksad)

    def _raw_services(self, raw: Any) -> dict:
        if raw is None:
            self.check.add(("services",), "recipe.no_services", "services")
            return {}
        raw = self.check.mapping(raw, ("services",)) or {}
        raw = {k: v for k, v in raw.items() if not (isinstance(k, str) and k.startswith("x-"))}
        if not raw:
            self.check.add(("services",), "recipe.no_services", "services")
        return raw

    def _volumes(self, raw: Any) -> list[str]:
        if raw is None:
            return []
        raw = self.check.mapping(raw, ("volumes",)) or {}
        names = []
        for name, body in raw.items():
            pointer = ("volumes", name)
            if not (isinstance(name, str) and _NAME.match(name)):
                self.check.add(pointer, "recipe.name", "name", value=name)
                continue
            # Driver options can smuggle a bind mount in (type: none, o: bind,
            # device: /host/path); an external volume belongs to someone else.
            if body not in (None, {}):
                if isinstance(body, dict):
                    self.check.keys(body, pointer, frozenset())
                else:
                    self.check.wrong_type(pointer, body, "mapping")
            names.append(name)
        return names

    def _networks(self, raw: Any) -> list[str]:
        if raw is None:
            return []
        raw = self.check.mapping(raw, ("networks",)) or {}
        names = []
        for name, body in raw.items():
            pointer = ("networks", name)
            if body not in (None, {}):
                if not isinstance(body, dict):
                    self.check.wrong_type(pointer, body, "mapping")
                else:
                    # "name" only renames the network, which ksad names itself.
                    self.check.keys(body, pointer, {"driver", "name"})
                    if body.get("driver", "bridge") != "bridge":
                        self.check.add(pointer + ("driver",), "recipe.choice", "networks.driver",
                                       value=body.get("driver"), choices="bridge")
            names.append(str(name))
        return names

    def _check_networks(self, raw_services: dict) -> None:
        """ksad gives an app one network; a recipe may name it, but not split its services over several."""
        used: set[str] = set()
        for name, body in raw_services.items():
            if not isinstance(body, dict) or "network_mode" in body:
                continue
            nets = body.get("networks")
            if isinstance(nets, dict):
                used.update(map(str, nets))
            elif isinstance(nets, list):
                used.update(map(str, nets))
            else:
                used.add("default")
        # A declared network no service joins is never created, by ksad as by Compose.
        if len(used) > 1:
            self.check.add(("networks",) if self.networks else ("services",), "recipe.networks_multiple",
                           "networks.multiple", count=len(used), names=", ".join(sorted(used)))

    # --- one service ---------------------------------------------------------------------
    def _service(self, name: str, body: Any) -> Service | None:
        c = self.check
        pointer = ("services", name)
        if not _NAME.match(name):
            c.add(pointer, "recipe.name", "name", value=name)
        body = c.mapping(body, pointer)
        if body is None:
            return None
        c.keys(body, pointer, _ACCEPTED_SERVICE_KEYS)
        values: dict[str, Any] = {"name": name}
        before = len(c.problems)
        for key, value in body.items():
            handler = SERVICE_KEYS.get(key) if isinstance(key, str) else None
            if handler is not None:
                handler(self, value, pointer + (key,), values)
        if "expose" in body:
            for i, item in enumerate(c.seq(body["expose"], pointer + ("expose",)) or []):
                self._port(item, pointer + ("expose", i))
        if not values.get("image") and not values.get("build") and len(c.problems) == before:
            c.add(pointer, "recipe.no_image", "image")
        self._merge_deploy(values, pointer)
        for dep in values.get("_implied_deps", []):
            values.setdefault("depends_on", {}).setdefault(dep, "service_started")
        if "network_mode" in body and "networks" in body:
            c.add(pointer + ("networks",), "recipe.conflict", "conflict", other="network_mode")
        self._no_ports_outside(values.get("network_mode"), values.get("ports"), pointer + ("ports",))
        return Service(**{k: v for k, v in values.items() if not k.startswith("_")})

    def _no_ports_outside(self, mode: str | None, ports: list | None, p: Pointer) -> None:
        """Ports are published from the app's network: the engine ignores them in the host's (where
        the service listens on the host's ports itself), publishes them to nothing for none, and
        refuses them in another container's namespace (Compose refuses that too)."""
        if not ports or mode in (None, "bridge"):
            return
        if mode.startswith("service:"):
            self.check.add(p, "recipe.ports_shared", "ports.network_mode", service=mode[len("service:"):])
        else:
            self.check.add(p, f"recipe.ports_{mode}", "ports.network_mode")

    def _merge_deploy(self, values: dict, pointer: Pointer) -> None:
        limits = values.get("_deploy_limits") or {}
        for key, own in (("mem_limit_bytes", "mem_limit"), ("cpus", "cpus")):
            if key in limits:
                if values.get(key) is not None and values[key] != limits[key]:
                    self.check.add(pointer + (own,), "recipe.conflict", "conflict",
                                   other=f"deploy.resources.limits.{'memory' if own == 'mem_limit' else 'cpus'}")
                values[key] = limits[key]

    # Handlers: each turns one Compose key into Service fields in *out*.
    def h_image(self, v, p, out):
        out["image"] = self.check.text(v, p)

    def h_build(self, v, p, out):
        c = self.check
        if isinstance(v, str):
            v = {"context": v}
        v = c.mapping(v, p)
        if v is None:
            return
        c.keys(v, p, {"context", "dockerfile", "args"})
        context = self._local_dir(v.get("context", "."), p + ("context",))
        dockerfile = c.text(v.get("dockerfile", "Dockerfile"), p + ("dockerfile",))
        args = self._str_map(v.get("args", {}), p + ("args",), allow_missing=False)
        if context is None or dockerfile is None:
            return
        target = self.resolve(context / dockerfile)
        if not self._inside(target, p + ("dockerfile",), dockerfile):
            return
        inner, top = os.fspath(target), os.fspath(context)
        if not inner.startswith(top.rstrip(os.sep) + os.sep):
            # only the context is pinned and sent to the engine: a Dockerfile beside it would be neither
            c.add(p + ("dockerfile",), "recipe.dockerfile_outside", "dockerfile.outside", value=dockerfile)
            return
        if not target.is_file():
            c.add(p + ("dockerfile",), "recipe.path_missing", "path", value=dockerfile)
            return
        out["build"] = Build(context, Path(os.path.relpath(inner, top)).as_posix(), args)

    def h_command(self, v, p, out):
        out[p[-1]] = self._command(v, p)

    h_entrypoint = h_command

    def h_environment(self, v, p, out):
        out["environment"] = self._str_map(v, p, allow_missing=False)

    def h_labels(self, v, p, out):
        labels = self._str_map(v, p)
        for key in labels:
            if key.startswith("ksad."):  # ksad keeps its own state in these labels on the target
                self.check.add(p + (key,), "recipe.label_reserved", "label.reserved", value=key)
        out["labels"] = labels

    def h_sysctls(self, v, p, out):
        out["sysctls"] = self._str_map(v, p)

    def h_ports(self, v, p, out):
        ports: list[Port] = []
        for i, item in enumerate(self.check.seq(v, p) or []):
            port = self._port(item, p + (i,))
            if port is not None and port not in ports:
                ports.append(port)
        out["ports"] = ports

    def h_volumes(self, v, p, out):
        mounts, binds, tmpfs = [], [], out.setdefault("tmpfs", [])
        for i, item in enumerate(self.check.seq(v, p) or []):
            self._mount(item, p + (i,), mounts, binds, tmpfs)
        out["mounts"], out["binds"] = mounts, binds

    def h_depends_on(self, v, p, out):
        c = self.check
        deps: dict[str, str] = {}
        if isinstance(v, list):
            v = {name: None for name in v if isinstance(name, str)} if all(isinstance(n, str) for n in v) else None
            if v is None:
                c.wrong_type(p, [], "list of service names")
                return
        v = c.mapping(v, p) or {}
        for name, spec in v.items():
            condition = "service_started"
            if spec is not None:
                spec = c.mapping(spec, p + (name,)) or {}
                c.keys(spec, p + (name,), {"condition"})
                condition = spec.get("condition", condition)
                if condition not in DEPENDS_CONDITIONS:
                    c.add(p + (name, "condition"), "recipe.choice", "depends_on.condition", value=condition,
                          choices=", ".join(DEPENDS_CONDITIONS))
            if name not in self.service_names:
                c.add(p + (name,), "recipe.service_unknown", "depends_on.unknown", name=name)
            deps[str(name)] = condition
        out["depends_on"] = deps

    def h_healthcheck(self, v, p, out):
        c = self.check
        v = c.mapping(v, p)
        if v is None:
            return
        c.keys(v, p, {"test", "interval", "timeout", "retries", "start_period", "disable"})
        if v.get("disable") is True:
            out["healthcheck"] = Healthcheck(["NONE"])
            return
        if "disable" in v:
            c.flag(v["disable"], p + ("disable",))
        if "test" not in v:
            if set(v) - {"disable"}:
                c.add(p + ("test",), "recipe.required", "healthcheck.test")
            return
        test = v["test"]
        if isinstance(test, str):
            test = ["CMD-SHELL", test]
        elif not (isinstance(test, list) and test and all(isinstance(x, (str, int, float)) for x in test)
                  and test[0] in ("CMD", "CMD-SHELL", "NONE")):
            c.add(p + ("test",), "recipe.healthcheck_test", "healthcheck.test")
            return
        defaults = Healthcheck(["NONE"])

        def duration(key: str, default: float) -> float:
            return self._duration(v[key], p + (key,)) if key in v else default

        out["healthcheck"] = Healthcheck(
            [str(x) for x in test],
            duration("interval", defaults.interval_s),
            duration("timeout", defaults.timeout_s),
            c.integer(v["retries"], p + ("retries",)) or 0 if "retries" in v else defaults.retries,
            duration("start_period", defaults.start_period_s))

    def h_flag(self, v, p, out):
        out[p[-1]] = bool(self.check.flag(v, p))

    h_init = h_read_only = h_privileged = h_flag

    def h_text(self, v, p, out):
        out[p[-1]] = self.check.text(v, p)

    h_working_dir = h_stop_signal = h_hostname = h_text

    def h_user(self, v, p, out):
        out["user"] = str(v) if isinstance(v, int) and not isinstance(v, bool) else self.check.text(v, p)

    def h_restart(self, v, p, out):
        if v is False:  # YAML 1.1 reads an unquoted `no` as false
            v = "no"
        if not (isinstance(v, str) and (v in RESTART_POLICIES or re.fullmatch(r"on-failure:\d+", v))):
            self.check.add(p, "recipe.choice", "restart", value=v, choices=", ".join(RESTART_POLICIES))
            return
        out["restart"] = v

    def h_stop_grace_period(self, v, p, out):
        out["stop_grace_period_s"] = self._duration(v, p)

    def h_tmpfs(self, v, p, out):
        items = [v] if isinstance(v, str) else self.check.seq(v, p) or []
        for i, item in enumerate(items):
            if self.check.text(item, p + (i,)) is not None:
                self._absolute(item.split(":", 1)[0], p + (i,))
                out.setdefault("tmpfs", []).append(item)

    def h_str_list(self, v, p, out):
        items = self.check.seq(v, p) or []
        out[p[-1]] = [x for i, x in enumerate(items) if self.check.text(x, p + (i,)) is not None]

    h_cap_add = h_cap_drop = h_devices = h_security_opt = h_str_list

    def h_mem_limit(self, v, p, out):
        out["mem_limit_bytes"] = self._size(v, p)

    def h_shm_size(self, v, p, out):
        out["shm_size_bytes"] = self._size(v, p)

    def h_cpus(self, v, p, out):
        out["cpus"] = self._cpus(v, p)

    def h_ulimits(self, v, p, out):
        c = self.check
        limits = {}
        for name, spec in (c.mapping(v, p) or {}).items():
            if isinstance(spec, dict):
                c.keys(spec, p + (name,), {"soft", "hard"})
                soft = c.integer(spec.get("soft"), p + (name, "soft"))
                hard = c.integer(spec.get("hard"), p + (name, "hard"))
            else:
                soft = hard = c.integer(spec, p + (name,))
            if soft is not None and hard is not None:
                limits[str(name)] = {"soft": soft, "hard": hard}
        out["ulimits"] = limits

    def h_extra_hosts(self, v, p, out):
        c = self.check
        hosts: dict[str, str] = {}
        if isinstance(v, list):
            for i, item in enumerate(v):
                text = c.text(item, p + (i,))
                if text is None:
                    continue
                sep = "=" if "=" in text else ":"
                host, _, address = text.partition(sep)
                if not host or not address:
                    c.add(p + (i,), "recipe.extra_host", "extra_hosts", value=text)
                    continue
                hosts[host] = address.strip("[]")
        else:
            hosts = self._str_map(v, p)
        out["extra_hosts"] = hosts

    def h_network_mode(self, v, p, out):
        if not isinstance(v, str) or not (v in ("host", "bridge", "none", "default") or v.startswith("service:")):
            self.check.add(p, "recipe.network_mode", "network_mode", value=v)
            return
        if v.startswith("service:"):
            self._service_ref(v[len("service:"):], p, out)
        out["network_mode"] = None if v == "default" else v

    def h_networks(self, v, p, out):
        c = self.check
        if isinstance(v, list):
            names = v
        else:
            v = c.mapping(v, p) or {}
            names = list(v)
            for name, spec in v.items():
                if spec not in (None, {}):
                    if isinstance(spec, dict):
                        c.keys(spec, p + (name,), frozenset())
                    else:
                        c.wrong_type(p + (name,), spec, "mapping")
        for i, name in enumerate(names):
            if name != "default" and name not in self.networks:
                c.add(p + (i if isinstance(v, list) else name,), "recipe.network_unknown", "networks.unknown",
                      name=name)
        # Joining the app's one network is what ksad does anyway: nothing to keep.

    def h_pid(self, v, p, out):
        self._namespace(v, p, out, ("host",))

    def h_ipc(self, v, p, out):
        self._namespace(v, p, out, ("host", "private", "shareable", "none"))

    def h_logging(self, v, p, out):
        c = self.check
        v = c.mapping(v, p)
        if v is None:
            return
        c.keys(v, p, {"driver", "options"})
        driver = c.text(v["driver"], p + ("driver",)) if "driver" in v else None
        out["logging"] = {"driver": driver, "options": self._str_map(v.get("options", {}), p + ("options",))}

    def h_deploy(self, v, p, out):
        """Only ``deploy.resources``: limits apply, reservations are accepted and not applied.

        A reservation only guides a Swarm scheduler's placement; on one engine
        there is nothing to place, so accepting it changes nothing.
        """
        c = self.check
        v = c.mapping(v, p) or {}
        c.keys(v, p, {"resources"})
        resources = c.mapping(v.get("resources", {}), p + ("resources",)) or {}
        c.keys(resources, p + ("resources",), {"limits", "reservations"})
        limits = {}
        for part in ("limits", "reservations"):
            q = p + ("resources", part)
            spec = c.mapping(resources.get(part, {}), q) or {}
            c.keys(spec, q, {"memory", "cpus"})
            memory = self._size(spec["memory"], q + ("memory",)) if "memory" in spec else None
            cpus = self._cpus(spec["cpus"], q + ("cpus",)) if "cpus" in spec else None
            if part == "limits":
                limits.update({k: x for k, x in (("mem_limit_bytes", memory), ("cpus", cpus)) if x is not None})
        out["_deploy_limits"] = limits

    # --- shared value parsers ----------------------------------------------------------
    def _duration(self, v: Any, p: Pointer) -> float:
        try:
            return parse_duration(v)
        except ValueError:
            self.check.add(p, "recipe.duration", "duration", value=v)
            return 0.0

    def _size(self, v: Any, p: Pointer) -> int | None:
        try:
            return parse_size(v)
        except ValueError:
            self.check.add(p, "recipe.size", "size", value=v)
            return None

    def _cpus(self, v: Any, p: Pointer) -> float | None:
        try:
            cpus = float(v) if not isinstance(v, bool) else -1.0
        except (TypeError, ValueError):
            cpus = -1.0
        if cpus <= 0:
            self.check.add(p, "recipe.cpus", "cpus", value=v)
            return None
        return cpus

    def _command(self, v: Any, p: Pointer) -> list[str] | str | None:
        if v is None or isinstance(v, str):
            return v
        if not isinstance(v, list):
            self.check.wrong_type(p, v, "string or list")
            return None
        # A boolean item is almost always an unquoted yes/no/on/off that YAML 1.1 turned into true/false.
        bad = [i for i, x in enumerate(v) if isinstance(x, bool) or not isinstance(x, (str, int, float))]
        for i in bad:
            self.check.wrong_type(p + (i,), v[i], "string")
        return None if bad else [str(x) for x in v]

    def _str_map(self, v: Any, p: Pointer, *, allow_missing: bool = True) -> dict[str, str]:
        """A ``{KEY: value}`` mapping or a ``[KEY=value]`` list, as strings.

        In environment, a bare ``KEY`` (or ``KEY:`` with no value) means "pass
        the host's value through": ksad never does, so it is refused.
        """
        c = self.check
        out: dict[str, str] = {}
        if isinstance(v, list):
            items = []
            for i, item in enumerate(v):
                text = c.text(item, p + (i,))
                if text is None:
                    continue
                key, sep, value = text.partition("=")
                items.append((key, value if sep else None, p + (i,)))
        else:
            items = [(k, val, p + (k,)) for k, val in (c.mapping(v, p) or {}).items()]
        for key, value, q in items:
            if value is None:
                if not allow_missing:
                    c.add(q, "recipe.variable", "variable", name=key)
                    continue
                value = ""
            text = c.scalar(value, q)
            if text is not None:
                out[str(key)] = text
        return out

    def _port(self, item: Any, p: Pointer) -> Port | None:
        c = self.check
        protocol = "tcp"
        if isinstance(item, dict):
            c.keys(item, p, {"target", "published", "protocol", "host_ip", "mode", "name", "app_protocol"})
            if "target" not in item:
                c.add(p + ("target",), "recipe.required", "port")
                return None
            protocol = str(item.get("protocol", "tcp"))
            number = item["target"]
        elif isinstance(item, int) and not isinstance(item, bool):
            number = item
        elif isinstance(item, str):
            text = item
            if "/" in text:
                text, protocol = text.rsplit("/", 1)
            # [host_ip:][published:]container; only the container side is kept.
            number = text.rsplit(":", 1)[-1]
            published = text[: -len(number)].rstrip(":").rsplit(":", 1)[-1] if ":" in text else ""
            if "-" in number or "-" in published:
                c.add(p, "recipe.port_range", "port-range", value=item)
                return None
        else:
            c.wrong_type(p, item, "string")
            return None
        protocol = protocol.lower()
        if protocol not in ("tcp", "udp"):
            c.add(p, "recipe.choice", "port.protocol", value=protocol, choices="tcp, udp")
            return None
        if isinstance(number, str) and number.isdigit():
            number = int(number)
        if not (isinstance(number, int) and not isinstance(number, bool) and 1 <= number <= 65535):
            c.add(p, "recipe.port", "port", value=item if not isinstance(item, dict) else number)
            return None
        return Port(number, protocol)

    def _mount(self, item: Any, p: Pointer, mounts: list, binds: list, tmpfs: list) -> None:
        c = self.check
        if isinstance(item, str):
            spec = self._short_mount(item, p)
        elif isinstance(item, dict):
            spec = self._long_mount(item, p)
        else:
            c.wrong_type(p, item, "string")
            return
        if spec is None:
            return
        kind, source, target, read_only = spec
        if not self._absolute(target, p):
            return
        if kind == "tmpfs":
            tmpfs.append(target if source is None else f"{target}:size={source}")
        elif kind == "bind":
            binds.append((self._host_path(source), target, read_only))
        elif not source:
            c.add(p, "recipe.volume_anonymous", "volume.anonymous", value=target)
        elif source not in self.volumes:
            c.add(p, "recipe.volume_undeclared", "volume.undeclared", name=source)
        else:
            mounts.append(Mount(source, target, read_only))

    def _short_mount(self, text: str, p: Pointer):
        parts = text.split(":")
        if len(parts) == 1:
            return ("volume", None, parts[0], False)
        if len(parts) > 3 or not parts[0] or not parts[1]:
            self.check.add(p, "recipe.volume_spec", "volume.spec", value=text)
            return None
        source, target = parts[0], parts[1]
        options = parts[2].split(",") if len(parts) == 3 else []
        known = {"ro", "rw", "z", "Z", "nocopy", "shared", "rshared", "slave", "rslave", "private", "rprivate"}
        if any(o not in known for o in options):
            self.check.add(p, "recipe.volume_spec", "volume.spec", value=text)
            return None
        kind = "bind" if source.startswith(("/", ".", "~")) else "volume"
        if kind == "volume" and not _NAME.match(source):
            self.check.add(p, "recipe.volume_spec", "volume.spec", value=text)
            return None
        return (kind, source, target, "ro" in options)

    def _long_mount(self, item: dict, p: Pointer):
        c = self.check
        kind = item.get("type", "volume")
        allowed = {"type", "source", "target", "read_only"}
        if kind == "bind":
            allowed |= {"bind"}
        elif kind == "tmpfs":
            allowed |= {"tmpfs"}
        elif kind != "volume":
            c.add(p + ("type",), "recipe.choice", "volume.type", value=kind, choices="volume, bind, tmpfs")
            return None
        c.keys(item, p, allowed)
        if isinstance(item.get("bind"), dict):
            c.keys(item["bind"], p + ("bind",), {"create_host_path"})
        target = c.text(item.get("target"), p + ("target",))
        read_only = bool(c.flag(item.get("read_only", False), p + ("read_only",)))
        if target is None:
            return None
        if kind == "tmpfs":
            spec = c.mapping(item.get("tmpfs", {}), p + ("tmpfs",)) or {}
            c.keys(spec, p + ("tmpfs",), {"size"})
            size = self._size(spec["size"], p + ("tmpfs", "size")) if "size" in spec else None
            return ("tmpfs", size, target, False)
        source = item.get("source")
        if source is not None and c.text(source, p + ("source",)) is None:
            return None
        if kind == "bind" and not source:
            c.add(p + ("source",), "recipe.required", "volume.source")
            return None
        if kind == "volume" and source and not _NAME.match(source):
            c.add(p + ("source",), "recipe.volume_spec", "volume.spec", value=source)
            return None
        return (kind, source, target, read_only)

    def _host_path(self, source: str) -> str:
        if source.startswith("~"):
            return os.path.expanduser(source)
        if source.startswith("/"):
            return posixpath.normpath(source)
        return str(Path(os.path.normpath(self.recipe_dir / source)))

    def _absolute(self, target: str, p: Pointer) -> bool:
        if target.startswith("/"):
            return True
        self.check.add(p, "recipe.path_relative", "path.relative", value=target)
        return False

    def _namespace(self, v: Any, p: Pointer, out: dict, modes: tuple[str, ...]) -> None:
        if isinstance(v, str) and v.startswith("service:"):
            self._service_ref(v[len("service:"):], p, out)
        elif v not in modes:
            self.check.add(p, "recipe.choice", p[-1], value=v, choices=", ".join(modes + ("service:NAME",)))
            return
        out[p[-1]] = v

    def _service_ref(self, name: str, p: Pointer, out: dict) -> None:
        # Sharing another service's namespace needs it started first, as Compose does.
        if name not in self.service_names:
            self.check.add(p, "recipe.service_unknown", "service.unknown", name=name)
        else:
            out.setdefault("_implied_deps", []).append(name)

    def _inside(self, path: Path, p: Pointer, value: str) -> bool:
        # as strings: both are resolved, and Path.parents costs ~50 us (9,900 recipes validate)
        inner, root = os.fspath(path), os.fspath(self.root)
        if inner == root or inner.startswith(root.rstrip(os.sep) + os.sep):
            return True
        self.check.add(p, "recipe.path_outside", "path.outside", value=value, root=str(self.root))
        return False

    def _local_dir(self, v: Any, p: Pointer) -> Path | None:
        text = self.check.text(v, p)
        if text is None:
            return None
        if re.match(r"[a-z][a-z0-9+.-]*://|git@", text):
            self.check.add(p, "recipe.build_remote", "build.remote", value=text)
            return None
        path = self.resolve(self.recipe_dir / text)
        if not self._inside(path, p, text):
            return None
        if not path.is_dir():
            self.check.add(p, "recipe.path_missing", "path", value=text)
            return None
        return path

    # --- order -------------------------------------------------------------------------
    def _dependency_order(self, services: dict[str, Service]) -> dict[str, Service]:
        """Services sorted so each comes after what it depends on; file order otherwise."""
        deps = {n: [d for d in s.depends_on if d in services] for n, s in services.items()}
        ordered: list[str] = []
        pending = list(services)
        while pending:
            ready = next((n for n in pending if all(d in ordered for d in deps[n])), None)
            if ready is None:
                cycle = _find_cycle(pending, deps)
                self.check.add(("services", cycle[0], "depends_on"), "recipe.cycle", "depends_on.cycle",
                               cycle=" -> ".join(cycle))
                return services
            ordered.append(ready)
            pending.remove(ready)
        for name, svc in services.items():
            # the engine would start it again each time it ends: it never finishes, its dependents never start
            if svc.restart in ("always", "unless-stopped") and any(
                    s.depends_on.get(name) == JOB_CONDITION for s in services.values()):
                self.check.add(("services", name, "restart"), "recipe.job_restarts", "restart", value=svc.restart)
        return {n: services[n] for n in ordered}


def _find_cycle(pending: list[str], deps: dict[str, list[str]]) -> list[str]:
    path = [pending[0]]
    while True:
        nxt = next(d for d in deps[path[-1]] if d in pending)
        if nxt in path:
            return path[path.index(nxt):] + [nxt]
        path.append(nxt)


SERVICE_KEYS: dict[str, Callable] = {
    key: getattr(_Loader, f"h_{key}") for key in (
        "image", "build", "command", "entrypoint", "environment", "ports", "volumes", "depends_on", "healthcheck",
        "init", "user", "working_dir", "restart", "labels", "stop_signal", "stop_grace_period", "read_only",
        "tmpfs", "cap_add", "cap_drop", "mem_limit", "cpus", "shm_size", "ulimits", "sysctls", "hostname",
        "security_opt", "privileged", "network_mode", "pid", "ipc", "devices", "extra_hosts", "logging",
        "networks", "deploy")
}
_ACCEPTED_SERVICE_KEYS = frozenset(SERVICE_KEYS) | IGNORED_SERVICE_KEYS


# --- x-ksad ------------------------------------------------------------------------------

class _KsadLoader:
    KEYS = frozenset({"expose", "data_volumes", "wait_for", "localise", "files", "secrets", "settings"})

    def __init__(self, loader: _Loader, services: dict[str, Service]) -> None:
        self.loader, self.check, self.services = loader, loader.check, services
        self.env_targets: dict[tuple[str, str], str] = {}  # (service, VAR) -> who sets it

    def block(self, raw: Any) -> KsadBlock:
        c = self.check
        p: Pointer = ("x-ksad",)
        if raw is None:
            return KsadBlock(expose=self._default_expose(), wait_for=self._default_wait_for())
        raw = c.mapping(raw, p) or {}
        c.keys(raw, p, self.KEYS)
        localise = self._localise(raw.get("localise"), p + ("localise",))
        secrets = self._named_destinations(raw.get("secrets"), p + ("secrets",), "secrets")
        supplied = self._supplied(raw.get("secrets"), secrets, p + ("secrets",))
        settings = self._settings(raw.get("settings"), p + ("settings",))
        self._no_clashes(secrets, settings, p)
        names = (set(LOCALISATION_FIELDS) - FILE_ONLY_FIELDS) | set(secrets) | set(settings)
        return KsadBlock(
            expose=self._expose(raw["expose"], p + ("expose",)) if "expose" in raw else self._default_expose(),
            data_volumes=self._volume_list(raw.get("data_volumes"), p + ("data_volumes",)),
            wait_for=(self._service_list(raw["wait_for"], p + ("wait_for",)) if "wait_for" in raw
                      else self._default_wait_for()),
            localise=localise,
            files=self._files(raw.get("files"), p + ("files",), names),
            secrets=secrets,
            settings=settings,
            supplied=supplied,
        )

    def _default_expose(self) -> Expose | None:
        for name, svc in self.services.items():
            tcp = [port for port in svc.ports if port.protocol == "tcp"]
            if tcp:
                return Expose(name, tcp[0].container)
        return None

    def _default_wait_for(self) -> list[str]:
        return [n for n, s in self.services.items() if s.healthcheck and s.healthcheck.test != ["NONE"]]

    def _expose(self, raw: Any, p: Pointer) -> Expose | None:
        c = self.check
        raw = c.mapping(raw, p)
        if raw is None:
            return None
        c.keys(raw, p, {"service", "port", "path"})
        service = self._service(raw.get("service"), p + ("service",))
        port = c.integer(raw.get("port"), p + ("port",), 1, 65535)
        path = c.text(raw.get("path", "/"), p + ("path",))
        if path is not None and not path.startswith("/"):
            c.add(p + ("path",), "recipe.path_relative", "path.relative", value=path)
        if service is None or port is None or path is None:
            return None
        mode = self.services[service].network_mode if service in self.services else None
        if mode == "none":
            c.add(p + ("service",), "recipe.expose_none", "expose.network_mode", service=service)
        elif mode is not None and mode.startswith("service:"):
            c.add(p + ("service",), "recipe.expose_shared", "expose.network_mode", service=service,
                  owner=mode[len("service:"):])
        elif mode != "host" and service in self.services and Port(port) not in self.services[service].ports:
            # in the host's network the service listens on the host's port itself: nothing to publish
            c.add(p + ("port",), "recipe.expose_port", "expose.port", service=service, port=port)
        return Expose(service, port, path)

    def _service(self, raw: Any, p: Pointer) -> str | None:
        name = self.check.text(raw, p)
        if name is not None and name not in self.loader.service_names:
            self.check.add(p, "recipe.service_unknown", "service.unknown", name=name)
        return name

    def _service_list(self, raw: Any, p: Pointer) -> list[str]:
        names = [self._service(x, p + (i,)) for i, x in enumerate(self.check.seq(raw, p) or [])]
        return [n for n in names if n is not None]

    def _volume_list(self, raw: Any, p: Pointer) -> list[str]:
        out = []
        for i, name in enumerate(self.check.seq(raw, p) or [] if raw is not None else []):
            if self.check.text(name, p + (i,)) is None:
                continue
            if name not in self.loader.volumes:
                self.check.add(p + (i,), "recipe.volume_undeclared", "volume.undeclared", name=name)
            out.append(name)
        return out

    # what an entry of each section may say besides where its value goes
    DESTINATION_KEYS = {"settings": {"env", "default"}, "secrets": {"env", "supplied"}}

    def _destinations(self, raw: Any, p: Pointer, who: str) -> Destinations:
        c = self.check
        raw = c.mapping(raw, p) or {}
        c.keys(raw, p, self.DESTINATION_KEYS.get(who.partition(".")[0], {"env"}))
        env: dict[str, str] = {}
        for service, var in (c.mapping(raw.get("env", {}), p + ("env",)) or {}).items():
            q = p + ("env", service)
            self._service(service, q)
            if c.text(var, q) is None:
                continue
            if not _ENV_NAME.match(var):
                c.add(q, "recipe.env_name", "env.name", value=var)
                continue
            other = self.env_targets.setdefault((service, var), who)
            if other != who:
                c.add(q, "recipe.duplicate", "env.duplicate", service=service, var=var, other=other)
            env[str(service)] = var
        return Destinations(env)

    def _localise(self, raw: Any, p: Pointer) -> dict[str, Destinations]:
        out = {}
        for name, spec in (self.check.mapping(raw, p) or {} if raw is not None else {}).items():
            if name not in LOCALISATION_FIELDS:
                self.check.add(p + (name,), "recipe.localise_field", "localise.field", name=name,
                               fields=", ".join(f for f in LOCALISATION_FIELDS if f not in FILE_ONLY_FIELDS))
                continue
            if name in FILE_ONLY_FIELDS:
                self.check.add(p + (name,), "recipe.file_only", "localise.file_only", name=name)
                continue
            out[name] = self._destinations(spec, p + (name,), f"localise.{name}")
        return out

    def _named_destinations(self, raw: Any, p: Pointer, section: str) -> dict[str, Destinations]:
        out = {}
        for name, spec in (self.check.mapping(raw, p) or {} if raw is not None else {}).items():
            if not (isinstance(name, str) and _KSAD_NAME.match(name)):
                self.check.add(p + (name,), "recipe.ksad_name", "name", value=name)
                continue
            out[name] = self._destinations(spec, p + (name,), f"{section}.{name}")
        return out

    def _supplied(self, raw: Any, secrets: dict[str, Destinations], p: Pointer) -> frozenset[str]:
        """The secrets marked ``supplied: operator``; without the key ksad generates the value."""
        out = set()
        for name in secrets:
            spec = raw[name] if isinstance(raw[name], dict) else {}
            if "supplied" not in spec:
                continue
            if spec["supplied"] == "operator":
                out.add(name)
            else:
                self.check.add(p + (name, "supplied"), "recipe.secret_supplied", "secrets.supplied",
                               value=spec["supplied"])
        return frozenset(out)

    def _settings(self, raw: Any, p: Pointer) -> dict[str, tuple[str, Destinations]]:
        c = self.check
        out = {}
        for name, where in self._named_destinations(raw, p, "settings").items():
            spec = raw[name] if isinstance(raw[name], dict) else {}
            if "default" not in spec:
                c.add(p + (name, "default"), "recipe.required", "settings.default")
                continue
            default = c.scalar(spec["default"], p + (name, "default"))
            if default is not None:
                out[name] = (default, where)
        return out

    def _no_clashes(self, secrets: dict, settings: dict, p: Pointer) -> None:
        # Templates see fields, secrets and settings in one namespace.
        for name in secrets:
            if name in LOCALISATION_FIELDS:
                self.check.add(p + ("secrets", name), "recipe.name_clash", "name.clash", name=name,
                               other="localise")
        for name in settings:
            if name in LOCALISATION_FIELDS or name in secrets:
                self.check.add(p + ("settings", name), "recipe.name_clash", "name.clash", name=name,
                               other="localise" if name in LOCALISATION_FIELDS else "secrets")

    def _files(self, raw: Any, p: Pointer, names: set[str]) -> list[FileSpec]:
        c = self.check
        out = []
        for i, spec in enumerate(c.seq(raw, p) or [] if raw is not None else []):
            q = p + (i,)
            spec = c.mapping(spec, q)
            if spec is None:
                continue
            c.keys(spec, q, {"service", "target", "template", "field", "mode"})
            service = self._service(spec.get("service"), q + ("service",))
            target = c.text(spec.get("target"), q + ("target",))
            if target is not None:
                self.loader._absolute(target, q + ("target",))
            mode = self._mode(spec.get("mode", 0o444), q + ("mode",))
            if ("template" in spec) == ("field" in spec):
                c.add(q, "recipe.file_source", "files.source")
                continue
            template = field_name = None
            if "field" in spec:
                field_name = spec["field"]
                if field_name not in FILE_ONLY_FIELDS:
                    c.add(q + ("field",), "recipe.file_field", "files.field", value=field_name,
                          fields=", ".join(sorted(FILE_ONLY_FIELDS)))
            else:
                template = self._template(spec["template"], q + ("template",), names)
            if service is not None and target is not None and mode is not None:
                out.append(FileSpec(service, target, template, field_name, mode))
        return out

    def _mode(self, raw: Any, p: Pointer) -> int | None:
        try:
            mode = int(raw, 8) if isinstance(raw, str) else raw
        except ValueError:
            mode = None
        if isinstance(mode, int) and not isinstance(mode, bool) and 0 <= mode <= 0o777:
            return mode
        self.check.add(p, "recipe.mode", "files.mode", value=raw)
        return None

    def _pinned(self, path: Path) -> bool:
        inner = os.fspath(path)
        homes = [self.loader.resolve(self.loader.recipe_dir)]
        homes += [s.build.context for s in self.services.values() if s.build is not None]
        return any(inner.startswith(os.fspath(home).rstrip(os.sep) + os.sep) for home in homes)

    def _template(self, raw: Any, p: Pointer, names: set[str]) -> Path | None:
        c = self.check
        text_path = c.text(raw, p)
        if text_path is None:
            return None
        path = self.loader.resolve(self.loader.recipe_dir / text_path)
        if not self.loader._inside(path, p, text_path):
            return None
        if not self._pinned(path):
            # the entry pins the recipe's directory and its build contexts, nothing else it reads
            c.add(p, "recipe.template_unpinned", "template.unpinned", value=text_path)
            return None
        try:
            body = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            c.add(p, "recipe.path_missing", "path", value=text_path)
            return None
        template = string.Template(body)
        if not template.is_valid():
            c.add(p, "recipe.template_invalid", "template.invalid", template=text_path)
        for name in template.get_identifiers():
            if name not in names:
                c.add(p, "recipe.placeholder", "template.placeholder", template=text_path, name=name)
        return path
