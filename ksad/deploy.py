"""Install, status, logs, uninstall: desired state -> plan -> transactional apply.

The plan is computed from the desired state (catalog release, recipe, identity
pack, local name, secrets, answers) and the observed state (labelled objects
on the target) before anything changes; ``--dry-run`` stops there.

Every object ksad creates carries labels (app, local name, release, revision,
recipe hash, spec hash), so what runs where is read from the target itself,
not from one operator's laptop.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import re
import secrets as _secrets
import socket
import string
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Callable, Iterator, Protocol

from ksad.errors import ConflictError, DeployError, InputError, NotFoundError, TrustError
from ksad.plan import Action, InstallRequest, InstallResult, Plan  # noqa: F401 - re-exported
from ksad.settings import Settings

if TYPE_CHECKING:
    from ksad.recipe import Build

PORT_RANGE = range(8100, 9000)
# A container's place in its recipe's start order, for undo and uninstall, which have only the
# target to go by. Kept out of the spec hash: the place moves when a service is added ahead of it,
# which changes nothing about the container, and the containers an older ksad made without it must
# not all look changed (and be restarted) on the next re-run.
START_LABEL = "ksad.start_order"


class Reporter(Protocol):
    def step(self, key: str, **fields: Any) -> None: ...
    def detail(self, line: str) -> None: ...


class NullReporter:
    def step(self, key: str, **fields: Any) -> None:
        pass

    def detail(self, line: str) -> None:
        pass


# --- naming of objects on the target ------------------------------------------


def container_name(slug: str, service: str) -> str:
    return f"{slug}-{service}"


def network_name(slug: str) -> str:
    return f"ksad-{slug}"


def volume_name(slug: str, volume: str) -> str:
    return f"ksad-{slug}-{volume}"


def image_volume_name(slug: str, service: str, path: str) -> str:
    """The volume ksad mounts at an image's VOLUME *path* the recipe leaves unmounted: the same in
    every revision, so the data carries over as Compose carries an anonymous one over.

    ``/var/lib/mysql`` -> ``ksad-<slug>-<service>.var.lib.mysql``. A path that does not read back
    from that (a dot or another character a volume name cannot hold in a part), or whose name could
    be a snapshot's (``<volume>.rev<N>``), gets a short hash of the path.
    """
    parts = [p for p in path.split("/") if p]
    tail = ".".join(parts)
    if not all(re.fullmatch(r"[A-Za-z0-9_-]+", p) for p in parts) or not parts or re.match(r"rev\d", tail):
        tail = ".".join(re.sub(r"[^A-Za-z0-9_-]", "_", p) for p in parts)
        tail = f"{tail}-{hashlib.sha256(path.encode()).hexdigest()[:8]}".lstrip("-")
    return f"{volume_name(slug, service)}.{tail}"


def image_tag(app_id: str, service: str, context_hash: str, build: Build | None = None) -> str:
    """Content-addressed: the same source always gives the same tag, so a re-run never rebuilds.

    *build* (the recipe's :class:`~ksad.recipe.Build`): another Dockerfile or other build
    arguments over the same context make another image, so they are in the tag too.
    """
    if build is not None and (build.dockerfile != "Dockerfile" or build.args):
        context_hash = hashlib.sha256(json.dumps([context_hash, build.dockerfile, build.args],
                                                 sort_keys=True).encode()).hexdigest()
    return f"ksad-build/{app_id}-{service}:{context_hash[:16]}"


# --- build contexts -------------------------------------------------------------


def context_tar(context: Path) -> bytes:
    """A deterministic tar of a build context; links may not point outside it."""
    import tarfile  # only when building: a re-run that changes nothing does not pay for it

    buf = io.BytesIO()
    root = context.resolve()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for path in sorted(context.rglob("*")):
            rel = path.relative_to(context).as_posix()
            if path.is_symlink():
                if not path.resolve().is_relative_to(root):
                    raise InputError("build.link_escapes", path=str(path))
            info = tar.gettarinfo(str(path), arcname=rel)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mtime = 0
            if info.isfile():
                with open(path, "rb") as fh:
                    tar.addfile(info, fh)
            else:
                tar.addfile(info)
    return buf.getvalue()


# --- values given to the app ------------------------------------------------------


def _secret_file(settings: Settings, target: str, slug: str) -> Path:
    return settings.secrets_dir / target / f"{slug}.json"


def stored_secrets(settings: Settings, target: str, slug: str) -> dict[str, str]:
    """This machine's secrets of an app ({} if none, or the file is not a JSON object)."""
    path = _secret_file(settings, target, slug)
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stored if isinstance(stored, dict) else {}


def load_or_make_secrets(settings: Settings, target: str, app_id: str, names: list[str],
                         recovered: "dict[str, str] | Callable[[], dict[str, str]]", *,
                         given: dict[str, str] | None = None,
                         supplied: frozenset[str] = frozenset()) -> tuple[dict[str, str], bool]:
    """Secrets are generated here once and kept; never printed. Returns (values, changed).

    *recovered*: values the running containers hold, or a function that reads them, called
    only if this machine lacks one of the secrets (it costs a request per container).
    *given*: values the operator gives now (``--secret``), which replace the kept ones.
    *supplied*: the names only the operator can give: never generated, so one nobody gave is
    left out of the values (the caller refuses the install).
    """
    given = given or {}
    stored = stored_secrets(settings, target, app_id)
    if callable(recovered):
        recovered = recovered() if any(not (given.get(n) or stored.get(n)) for n in names) else {}
    values = {}
    for name in names:
        value = given.get(name) or stored.get(name) or recovered.get(name)
        if not value and name in supplied:
            continue
        values[name] = value or _secrets.token_urlsafe(24)
    changed = values != {k: stored.get(k) for k in values}
    return values, changed


def forget_secrets(settings: Settings, target, slug: str) -> Callable[[], None]:
    """What deletes this machine's secrets of an app (when its data is purged)."""
    return lambda: _secret_file(settings, target.key, slug).unlink(missing_ok=True)


def save_secrets(settings: Settings, target: str, app_id: str, values: dict[str, str]) -> None:
    """Keep *values*, and the kept secrets the release in use does not name: a rollback to the
    release that does (or an upgrade back to it) finds them, rather than asking the operator again
    for one they gave or generating a new database password."""
    from ksad.fsutil import write_secret

    if values:
        kept = stored_secrets(settings, target, app_id)
        if {**kept, **values} != kept:
            write_secret(_secret_file(settings, target, app_id), json.dumps({**kept, **values}, indent=2))


def render_template(text: str, values: dict[str, str], source: Path, target: str = "") -> str:
    """*text* with ``${field}`` filled in; into a ``.json`` file each value goes JSON-escaped.

    string.Template has no filters, so a recipe cannot escape a value itself, and a meaning or
    an office with a double quote or a backslash would otherwise make the app's JSON invalid.
    """
    if target.lower().endswith(".json"):
        values = {key: json.dumps(str(value), ensure_ascii=False)[1:-1] for key, value in values.items()}
    try:
        return string.Template(text).substitute(values)
    except (KeyError, ValueError) as exc:
        raise InputError("template.bad", file=str(source), detail=str(exc)) from None


def emblem_target(target: str, suffix: str) -> str:
    """Where the emblem goes: the recipe's path, with the extension of the emblem's kind.

    Recipes name one file (``/www/emblem.png``) for a pack that may hold a PNG or an SVG; web
    servers take the type from the extension, and no browser draws an SVG served as image/png.
    """
    path = PurePosixPath(target)
    if path.suffix.lower() in (".png", ".svg") and path.suffix.lower() != suffix.lower():
        return str(path.with_suffix(suffix.lower()))
    return target


# --- desired state ------------------------------------------------------------------


@dataclass
class ServiceSpec:
    service: str
    name: str
    image_ref: str
    build: Build | None  # the recipe's: context, Dockerfile within it, build arguments
    pull: bool
    spec: dict  # kwargs for Engine.create_container
    files: list[tuple[str, bytes, int]]
    spec_hash: str
    ports: dict[int, int]  # container port -> host port


def _ns(seconds: float | None) -> int | None:
    return None if seconds is None else int(seconds * 1_000_000_000)


def _namespace(mode: str | None, slug: str) -> str | None:
    """A recipe's ``service:NAME`` (Compose's spelling) as the engine's ``container:NAME``."""
    if mode is not None and mode.startswith("service:"):
        return "container:" + container_name(slug, mode[len("service:"):])
    return mode


def _joined(service) -> set[str]:
    """The services whose network, PID or IPC namespace *service* shares (``service:NAME``)."""
    return {m[len("service:"):] for m in (service.network_mode, service.pid, service.ipc)
            if m is not None and m.startswith("service:")}


def service_spec(*, recipe, service, app_id: str, release, slug: str, labels: dict[str, str],
                 env_extra: dict[str, str], files: list[tuple[str, bytes, int]], ports: dict[int, int],
                 image_ref: str) -> tuple[dict, str]:
    """Docker create arguments for one service, and their hash (revision and start order labels excluded)."""
    env = {**service.environment, **env_extra}
    protocols = {p.container: p.protocol for p in service.ports}
    hc = service.healthcheck
    healthcheck = None
    if hc is not None:
        healthcheck = {"test": hc.test, "interval": _ns(hc.interval_s), "timeout": _ns(hc.timeout_s),
                       "retries": hc.retries, "start_period": _ns(hc.start_period_s)}
    mounts = [{"Type": "volume", "Source": volume_name(slug, m.source), "Target": m.target, "ReadOnly": m.read_only}
              for m in service.mounts]
    mounts += [{"Type": "bind", "Source": h, "Target": c, "ReadOnly": ro} for h, c, ro in service.binds]
    host_config: dict[str, Any] = {
        "init": service.init or None,
        "mounts": mounts or None,
        "port_bindings": {f"{p}/{protocols.get(p, 'tcp')}": hp for p, hp in ports.items()} or None,
        "restart_policy": {"Name": service.restart} if service.restart and service.restart != "no" else None,
        "cap_add": service.cap_add or None, "cap_drop": service.cap_drop or None,
        "read_only": service.read_only or None,
        "tmpfs": dict(t.split(":", 1) if ":" in t else (t, "") for t in service.tmpfs) or None,
        "ulimits": [{"Name": k, "Soft": v["soft"], "Hard": v["hard"]} for k, v in service.ulimits.items()] or None,
        "log_config": ({"Type": service.logging.get("driver") or "json-file",
                        "Config": service.logging.get("options") or {}} if service.logging else None),
        "mem_limit": service.mem_limit_bytes, "nano_cpus": int(service.cpus * 1e9) if service.cpus else None,
        "shm_size": service.shm_size_bytes, "privileged": service.privileged or None,
        "network_mode": _namespace(service.network_mode, slug), "pid_mode": _namespace(service.pid, slug),
        "ipc_mode": _namespace(service.ipc, slug),
        "devices": service.devices or None, "security_opt": service.security_opt or None,
        "extra_hosts": service.extra_hosts or None, "sysctls": service.sysctls or None,
    }
    # host, none and another service's namespace have no place on the app's network: the engine
    # would plug it in all the same (none then has a network; host fails to start)
    own_network = service.network_mode in (None, "bridge")
    if service.network_mode is None:
        host_config["network_mode"] = network_name(slug)
    host_config = {k: v for k, v in host_config.items() if v is not None}
    config: dict[str, Any] = {
        "image": image_ref, "name": container_name(slug, service.name),
        "command": service.command, "entrypoint": service.entrypoint,
        "environment": env, "labels": {**service.labels, **labels},
        "healthcheck": healthcheck, "user": service.user, "working_dir": service.working_dir,
        "stop_signal": service.stop_signal, "hostname": service.hostname,
        "stop_timeout": int(service.stop_grace_period_s) if service.stop_grace_period_s is not None else None,
        "ports": [(p, protocols.get(p, "tcp")) for p in ports] or None,
    }
    config = {k: v for k, v in config.items() if v is not None}
    spec = {"config": config, "host_config": host_config, "network": network_name(slug) if own_network else None,
            "aliases": [service.name] if own_network else None}
    hashed = json.loads(json.dumps(spec, sort_keys=True, default=str))
    hashed["config"]["labels"] = {k: v for k, v in hashed["config"]["labels"].items()
                                  if k not in ("ksad.revision", "ksad.spec", START_LABEL)}
    hashed["files"] = [(p, hashlib.sha256(d).hexdigest(), m) for p, d, m in files]
    digest = hashlib.sha256(json.dumps(hashed, sort_keys=True).encode()).hexdigest()
    return spec, digest


# --- observed state ---------------------------------------------------------------


@dataclass
class Observed:
    containers: dict[str, dict]  # service -> container summary (from a list call)
    all_managed: list[dict]

    @property
    def labels(self) -> dict[str, str]:
        for c in self.containers.values():
            return c.get("Labels") or {}
        return {}

    @property
    def revision(self) -> int:
        revs = [int((c.get("Labels") or {}).get("ksad.revision", "0") or 0) for c in self.containers.values()]
        return max(revs, default=0)

    def ports_of(self, service: str) -> dict[int, int]:
        c = self.containers.get(service)
        out: dict[int, int] = {}
        for p in (c or {}).get("Ports") or []:
            if p.get("PublicPort"):
                out[int(p["PrivatePort"])] = int(p["PublicPort"])
        return out


def observe(engine, slug: str, managed: list[dict] | None = None) -> Observed:
    """The slug's containers, from *managed* (a listing made just before) or a fresh one."""
    if managed is None:
        managed = engine.managed_containers()
    mine = {}
    for c in managed:
        labels = c.get("Labels") or {}
        if labels.get("ksad.slug") == slug and labels.get("ksad.service"):
            mine[labels["ksad.service"]] = c
    return Observed(mine, managed)


def instances(containers: list[dict]) -> dict[str, dict[str, str]]:
    """slug -> labels of one of its containers, for every installed app."""
    out: dict[str, dict[str, str]] = {}
    for c in containers:
        labels = c.get("Labels") or {}
        if labels.get("ksad.slug") and labels.get("ksad.service"):
            out.setdefault(labels["ksad.slug"], labels)
    return out


def kept_instances(engine, managed: list[dict]) -> dict[str, dict[str, str]]:
    """slug -> labels, for every app that has nothing installed but left something on the target:
    the data and revision records a plain uninstall kept, or the marker of an interrupted uninstall."""
    installed = instances(managed)
    out: dict[str, dict[str, str]] = {}
    found = [c.get("Labels") or {} for c in managed if (c.get("Labels") or {}).get("ksad.kind") == "operation"]
    found += [v.get("Labels") or {} for v in engine.volumes(label=["ksad.managed=1"])]
    for labels in found:
        slug = labels.get("ksad.slug")
        if not slug or slug in installed:
            continue
        entry = out.setdefault(slug, {"ksad.slug": slug, "ksad.app": labels.get("ksad.app", "?"), "ksad.name": ""})
        if labels.get("ksad.name"):  # revision records carry the local name
            entry["ksad.name"] = labels["ksad.name"]
    return out


def pick_instance(containers: list[dict], app_or_name: str, target: str) -> dict[str, str]:
    """The instance a user means by an app id or a local name (or its slug)."""
    return _pick(instances(containers), app_or_name, target)


def _pick(found: dict[str, dict[str, str]], app_or_name: str, target: str) -> dict[str, str]:
    from ksad.naming import slugify

    named = [labels for labels in found.values() if labels.get("ksad.name") == app_or_name]
    if len(named) == 1:
        return named[0]  # the exact local name is the most specific thing a user can say
    try:
        slug = slugify(app_or_name)
    except InputError:
        slug = None
    of_app = [labels for labels in found.values() if labels.get("ksad.app") == app_or_name]
    if slug in found:
        if of_app and found[slug] not in of_app:  # a name whose slug is another app's id (older ksad let it be)
            raise ConflictError("instance.name_or_app", value=app_or_name, choices=", ".join(
                sorted(f'"{i["ksad.name"]}" ({i.get("ksad.app", "?")})' for i in [found[slug], *of_app])))
        return found[slug]
    if len(of_app) == 1:
        return of_app[0]
    if len(of_app) > 1:
        raise ConflictError("instance.ambiguous", app=app_or_name,
                            names=", ".join(sorted(f'"{i["ksad.name"]}"' for i in of_app)))
    raise NotFoundError("instance.unknown", app=app_or_name, target=target)


def _ports_in_labels(containers: list[dict], own_slug: str) -> set[int]:
    """Ports other apps' containers hold even while stopped (a stopped container publishes nothing)."""
    out: set[int] = set()
    for c in containers:
        labels = c.get("Labels") or {}
        if labels.get("ksad.slug") != own_slug:
            out.update(int(p) for p in (labels.get("ksad.ports") or "").split(",") if p.isdigit())
    return out


def free_port(taken: set[int], local: bool, *, anywhere: bool = False) -> int:
    """The lowest free host port of PORT_RANGE (the README's URLs start at 8100); *anywhere*: from a
    random place in it, for a retry after a clash, since every install running at the same time
    tries the lowest first and would clash again."""
    start = _secrets.randbelow(len(PORT_RANGE)) if anywhere else 0
    for port in (*PORT_RANGE[start:], *PORT_RANGE[:start]):
        if port in taken:
            continue
        if local:
            with socket.socket() as s:
                try:
                    s.bind(("0.0.0.0", port))
                except OSError:
                    continue
        taken.add(port)
        return port
    raise ConflictError("port.none_free", first=PORT_RANGE.start, last=PORT_RANGE.stop - 1)


# --- the install operation ----------------------------------------------------------


@dataclass
class Prepared:
    """Everything install needs, computed without changing anything."""

    app: Any
    release: Any
    recipe: Any
    target: Any
    engine: Any
    observed: Observed
    local_name: Any
    specs: dict[str, ServiceSpec]
    secrets: dict[str, str]
    plan: Plan
    new_volumes: list[str]
    new_network: bool
    stamps: dict[str, str] = field(default_factory=dict)  # path -> receipt.signature before reading
    from_revision: int = 0  # the revision being left: its containers retire, its data is snapshotted


def verify_pins(release, recipe) -> None:
    from ksad.hashing import tree_sha256

    actual = tree_sha256(release.recipe_path)
    if actual != release.recipe_sha256:
        raise TrustError("catalog.pin_mismatch", what="recipe", app=release.app_id, version=release.version,
                         expected=release.recipe_sha256[:12], actual=actual[:12])
    for name, service in recipe.services.items():
        if service.build is None:
            if not service.pinned:
                raise TrustError("catalog.image_unpinned", service=name, image=service.image)
            continue
        pin = release.builds.get(name)
        actual = tree_sha256(service.build.context)
        if pin is None:
            raise TrustError("catalog.build_unpinned", service=name)
        if pin != actual:
            raise TrustError("catalog.pin_mismatch", what=f"build context of {name}", app=release.app_id,
                             version=release.version, expected=pin[:12], actual=actual[:12])


def _not_anothers(managed: list[dict], container: str, slug: str, name: str) -> None:
    """Refuse to plan *container* when another app's has that name.

    <slug>-<service>: installed as "x", a service "b-web" is named as the web of "x b". The engine
    would refuse it at create, after the build, saying to remove (or rename) the other app's.
    """
    for c in managed:
        labels = c.get("Labels") or {}
        if f"/{container}" in (c.get("Names") or []) and labels.get("ksad.slug") != slug:
            raise ConflictError("container.foreign", container=container, app=labels.get("ksad.app", "?"),
                                owner=labels.get("ksad.name") or labels.get("ksad.slug", "?"), name=name)


def _allowed(settings: Settings) -> frozenset[str]:
    from ksad.policy import load_policy_file

    return settings.allow | load_policy_file(settings.policy_file)


def prepare(settings: Settings, req: InstallRequest, reporter: Reporter, *, ports_anywhere: bool = False,
            engine=None) -> Prepared:
    """*engine*: the caller's open connection to the request's target (restore has one), else one is made."""
    from ksad import lifecycle
    from ksad.catalog import open_catalog
    from ksad.engine import connect, host_of
    from ksad.gate import Gate
    from ksad.lock import locked
    from ksad.identity import load_identity
    from ksad.naming import ensure_unique, validate_name
    from ksad.receipt import signature
    from ksad.recipe import load_recipe
    from ksad.targets import resolve_target

    # Stat signatures of what the plan is made from, taken before it is read: a re-run
    # whose files all still show these (and whose target shows this plan) is a no-op (receipt).
    stamps: dict[str, str] = {}

    def stamp(*paths) -> None:
        for p in paths:
            stamps.setdefault(str(p), signature(p))

    stamp(settings.catalog, settings.identity_file, settings.policy_file, settings.inventory_file)
    catalog = open_catalog(settings.catalog, cache_dir=settings.cache_dir)
    app = catalog.app(req.app_id)
    release = app.resolve(req.version)
    stamp(release.recipe_path)
    identity = load_identity(settings)
    if identity.emblem is not None:
        stamp(identity.emblem)
    clearance = Gate(settings).clear(app, release.version, identity.region_code)
    recipe = load_recipe(release.compose_file, allow=_allowed(settings), source_root=catalog.sources)
    stamp(*(s.build.context for s in recipe.services.values() if s.build is not None),
          *(f.template for f in recipe.ksad.files if f.template is not None))
    verify_pins(release, recipe)
    unknown = sorted(set(req.sets) - set(recipe.ksad.settings))
    if unknown:
        raise InputError("set.unknown", keys=", ".join(unknown), known=", ".join(sorted(recipe.ksad.settings)) or "-")
    if req.kind != "restore":  # a restore gives every secret, from the archive
        _check_given_secrets(req.secrets, recipe, app.id, release.version)

    target = resolve_target(settings, req.target)
    if engine is None:
        reporter.step("step.connect", target=target.name, url=target.url)
        engine = connect(target.name, target.url)
    managed = engine.managed_containers()
    if req.name is None:
        # a re-run without --name means the one installed instance of this app
        previous = pick_instance(managed, app.id, target.name) if any(
            (c.get("Labels") or {}).get("ksad.app") == app.id for c in managed) else {}
        if not previous:
            raise InputError("name.required", app=app.id)
        req_name = previous["ksad.name"]
    else:
        req_name = req.name
    local_name = validate_name(req_name, meaning=req.meaning, language=req.name_language)
    # the operation marker is a managed container too: the one listing answers both questions
    recovering = lifecycle.pending_in(managed, local_name.slug)
    if recovering and not req.dry_run:
        with locked(settings.state_dir, target.key, local_name.slug):
            lifecycle.recover_if_needed(engine, local_name.slug, reporter,
                                        forget_secrets=forget_secrets(settings, target, local_name.slug))
    observed = observe(engine, local_name.slug, None if recovering else managed)
    previous = observed.labels
    if req.kind == "install" and previous.get("ksad.version") not in (None, release.version):
        if req.version is None:
            # a plain re-run keeps the version that runs; moving is upgrade's job (paths, snapshots)
            return prepare(settings, dataclasses.replace(req, version=f"=={previous['ksad.version']}"), reporter,
                           ports_anywhere=ports_anywhere, engine=engine)
        raise InputError("install.other_version", app=app.id, name=previous.get("ksad.name", ""),
                         current=previous["ksad.version"], wanted=release.version)
    if previous:
        local_name = validate_name(req_name,
                                   meaning=req.meaning if req.meaning is not None else previous.get("ksad.meaning") or None,
                                   language=req.name_language or previous.get("ksad.name_language") or None)
    taken = {}
    for labels in instances(observed.all_managed).values():
        if labels.get("ksad.app") != app.id or labels.get("ksad.slug") != local_name.slug:
            taken[labels["ksad.slug"]] = labels.get("ksad.app", "?")
            taken.setdefault(labels.get("ksad.name", "").casefold(), labels.get("ksad.app", "?"))
    ensure_unique(local_name, taken, app.id)
    slug = local_name.slug

    # ports: keep the ones the running containers already publish, so the URL never moves
    local = host_of(target.url) == "localhost"
    used: set[int] | None = None  # listed only if a port must be chosen (not on a re-run)
    ports: dict[str, dict[int, int]] = {}
    for name, service in recipe.services.items():
        existing = observed.ports_of(name)
        ports[name] = {}
        for p in service.ports:
            if existing.get(p.container):
                ports[name][p.container] = existing[p.container]
                continue
            if used is None:
                used = engine.used_host_ports() | _ports_in_labels(observed.all_managed, slug)
            ports[name][p.container] = free_port(used, local, anywhere=ports_anywhere)
    url = None
    public_url = f"https://{slug}.{identity.domain}/"
    if recipe.ksad.expose is not None:
        exposed = recipe.ksad.expose
        # in the host's network the service listens on the host's port itself (it publishes none)
        host_port = (exposed.port if recipe.services[exposed.service].network_mode == "host"
                     else ports[exposed.service].get(exposed.port))
        if host_port:
            url = f"http://{host_of(target.url)}:{host_port}{exposed.path}"

    secret_values, _ = load_or_make_secrets(settings, target.key, slug, sorted(recipe.ksad.secrets),
                                            lambda: _recover_secrets(engine, observed, recipe),
                                            given=req.secrets, supplied=recipe.ksad.supplied)
    missing = sorted(set(recipe.ksad.secrets) - set(secret_values))
    if missing:  # before anything changes: a first install, or a release that asks for a new one
        raise InputError("secret.missing", app=app.id, version=release.version, names=", ".join(missing),
                         example=" ".join(f"--secret {n}=@FILE" for n in missing))
    answers = {k: str(req.sets.get(k, previous.get(f"ksad.set.{k}", default)))
               for k, (default, _d) in recipe.ksad.settings.items()}

    values = {**identity.fields(), "name": local_name.name, "name_slug": slug,
              "name_meaning": local_name.meaning or "", "name_language": local_name.language or "",
              "app_id": app.id, "app_version": release.version, "url": url or "", "public_url": public_url}
    template_values = {**values, **secret_values, **answers}

    env_for: dict[str, dict[str, str]] = {name: {} for name in recipe.services}
    for field_name, dest in recipe.ksad.localise.items():
        for svc, var in dest.env.items():
            env_for[svc][var] = str(values.get(field_name, ""))
    for secret, dest in recipe.ksad.secrets.items():
        for svc, var in dest.env.items():
            env_for[svc][var] = secret_values[secret]
    for key, (_default, dest) in recipe.ksad.settings.items():
        for svc, var in dest.env.items():
            env_for[svc][var] = answers[key]
    files_for: dict[str, list[tuple[str, bytes, int]]] = {name: [] for name in recipe.services}
    for spec in recipe.ksad.files:
        path = spec.target
        if spec.field == "emblem":
            if identity.emblem is None:
                continue
            data = Path(identity.emblem).read_bytes()
            path = emblem_target(path, Path(identity.emblem).suffix)
        else:
            data = render_template(spec.template.read_text(encoding="utf-8"), template_values, spec.template,
                                   spec.target).encode()
        files_for[spec.service].append((path, data, spec.mode))

    revision = observed.revision
    base_labels = {"ksad.managed": "1", "ksad.app": app.id, "ksad.name": local_name.name, "ksad.slug": slug,
                   "ksad.meaning": local_name.meaning or "", "ksad.name_language": local_name.language or "",
                   "ksad.version": release.version, "ksad.recipe": release.recipe_sha256,
                   "ksad.region": identity.region_code, "ksad.url": url or "", "ksad.public_url": public_url,
                   **{f"ksad.set.{k}": v for k, v in answers.items() if k in req.sets or f"ksad.set.{k}" in previous}}
    specs: dict[str, ServiceSpec] = {}
    container_actions: dict[str, Action] = {}
    for position, name in enumerate(recipe.start_order()):
        service = recipe.services[name]
        if service.build is not None:
            ref, pull = image_tag(app.id, name, release.builds[name], service.build), False
        else:
            ref, pull = service.image, True
        labels = {**base_labels, "ksad.service": name, "ksad.ports": ",".join(map(str, ports[name].values())),
                  START_LABEL: str(position), **({"ksad.job": "1"} if name in recipe.jobs else {})}
        spec, digest = service_spec(recipe=recipe, service=service, app_id=app.id, release=release, slug=slug,
                                    labels=labels, env_extra=env_for[name], files=files_for[name],
                                    ports=ports[name], image_ref=ref)
        spec["config"]["labels"]["ksad.spec"] = digest
        specs[name] = ServiceSpec(name, container_name(slug, name), ref, service.build, pull, spec,
                                  files_for[name], digest, ports[name])
        current = observed.containers.get(name)
        if current is None:
            _not_anothers(observed.all_managed, container_name(slug, name), slug, local_name.name)
            container_actions[name] = Action("create", container_name(slug, name), ref)
        elif (current.get("Labels") or {}).get("ksad.spec") != digest or not (
                current.get("State") == "running" or name in recipe.jobs and _finished(engine, current)):
            container_actions[name] = Action("recreate", container_name(slug, name), ref)
        elif any(container_actions[other].kind != "keep" for other in _joined(service)):
            # in the namespace of a container about to be replaced (one it depends on, so planned
            # before it): it would be left in one that is gone, so it is replaced too, as Compose does
            container_actions[name] = Action("recreate", container_name(slug, name), ref)
        elif req.force:
            container_actions[name] = Action("recreate", container_name(slug, name))
        else:
            container_actions[name] = Action("keep", container_name(slug, name))
    removals = [Action("remove", (c.get("Names") or ["?"])[0].lstrip("/"))
                for name, c in observed.containers.items() if name not in recipe.services]
    # Network, volumes and images matter only to containers about to be created: while every
    # container runs as planned, they exist (Docker refuses to remove them in use), and a
    # re-run that changes nothing does not ask.
    creating = any(a.kind != "keep" for a in container_actions.values())
    actions: list[Action] = []
    new_network, new_volumes = False, []
    if creating:
        new_network = not engine.network_exists(network_name(slug))
        if new_network:
            actions.append(Action("create-network", network_name(slug)))
        for v in recipe.volumes:
            volume = volume_name(slug, v)
            labels = engine.volume_labels(volume)
            if labels is None:
                new_volumes.append(volume)
            elif labels.get("ksad.slug", slug) != slug:
                # ksad-<slug>-<volume>: installed as "x", a recipe naming "b-data" would get the data of "x b"
                owner = instances(observed.all_managed).get(labels["ksad.slug"], {})
                raise ConflictError("volume.foreign", volume=volume, owner=owner.get("ksad.name") or labels["ksad.slug"],
                                    app=labels.get("ksad.app", "?"), name=local_name.name)
        actions += [Action("create-volume", v) for v in new_volumes]
    from_revision = observed.revision
    kept_data = not observed.containers and any(volume_name(slug, v) not in new_volumes
                                                for v in recipe.ksad.data_volumes)
    if kept_data:
        # the data a plain uninstall kept is what that revision left: snapshotted like an upgrade's,
        # so that if this re-install fails, its undo brings that data back instead of keeping the changes
        from_revision = lifecycle.kept_data_revision(engine, slug)
        if req.kind != "restore":
            _refuse_unfinished_restore(engine, slug, local_name.name, target.name)
    actions += data_actions(recipe, slug, from_revision, new_volumes, req.data_from,
                            retiring=kept_data or bool(removals)
                            or any(a.kind == "recreate" for a in container_actions.values()))
    for name, s in specs.items():
        if creating and engine.image_id(s.image_ref) is None:
            actions.append(Action("pull", s.image_ref) if s.pull
                           else Action("build", s.image_ref, str(s.build.context)))
        actions.append(container_actions[name])
    actions += removals
    if recovering and req.dry_run:
        actions.insert(0, Action("recover", lifecycle.marker_name(slug)))
    plan = Plan(app.id, release.version, local_name.name, slug, target.name, url, revision, actions,
                clearance.to_json())
    if plan.changes:
        # numbered after every revision record, not only after what runs: after a plain uninstall
        # the records (and the data) of revisions 1..N stay, and a re-install is revision N+1
        plan.revision = max(revision, lifecycle.last_revision(engine, slug)) + 1
        for s in specs.values():
            s.spec["config"]["labels"]["ksad.revision"] = str(plan.revision)
    return Prepared(app, release, recipe, target, engine, observed, local_name, specs, secret_values, plan,
                    new_volumes, new_network, stamps, from_revision)


def _check_given_secrets(given: dict[str, str], recipe, app_id: str, version: str) -> None:
    """``--secret`` names only secrets the release lets the operator give."""
    yours = ", ".join(sorted(recipe.ksad.supplied)) or "-"
    unknown = sorted(set(given) - set(recipe.ksad.secrets))
    if unknown:
        raise InputError("secret.unknown", names=", ".join(unknown), app=app_id, version=version, known=yours)
    generated = sorted(set(given) - recipe.ksad.supplied)
    if generated:
        # refused, not replaced: the app's data was written with it (a database initialised with
        # that password), and a new value would lock the app out of its own data
        raise InputError("secret.generated", names=", ".join(generated), app=app_id, version=version, known=yours)


def _refuse_unfinished_restore(engine, slug: str, name: str, target: str) -> None:
    """Data a restore made and never finished is no data an uninstall kept: a kill -9 while it was
    filled leaves it partly filled. A restore that finished has a revision record (its install's)."""
    from ksad.engine import list_volumes

    volumes = list_volumes(engine, slug=slug)
    if any((v.get("Labels") or {}).get("ksad.kind") == "revision" for v in volumes):
        return
    restored = sorted(v["Name"] for v in volumes if (v.get("Labels") or {}).get("ksad.kind") == "data"
                      and (v.get("Labels") or {}).get("ksad.restored_from"))
    if restored:
        raise ConflictError("install.restore_unfinished", name=name, slug=slug, target=target,
                            volumes=", ".join(restored))


def data_actions(recipe, slug: str, from_revision: int, new_volumes: list[str], data_from: int | None, *,
                 retiring: bool) -> list[Action]:
    """The data the change copies: a snapshot of each data volume as the revision being left has it
    (what a later rollback to that revision, or this change's undo, brings back), and for a rollback
    the older snapshot copied over the live data. Apply does what these actions say, no more.

    *retiring*: the containers that used the data are replaced or removed (or none runs any more,
    since a plain uninstall), so the data changes hands here.
    """
    from ksad import lifecycle

    existing = [volume_name(slug, v) for v in recipe.ksad.data_volumes if volume_name(slug, v) not in new_volumes]
    actions = []
    if from_revision > 0 and (retiring or data_from is not None):
        actions += [Action("snapshot", lifecycle.snapshot_name(v, from_revision), v) for v in existing]
    if data_from is not None:
        actions += [Action("restore-data", v, lifecycle.snapshot_name(v, data_from)) for v in existing]
    return actions


def _recover_secrets(engine, observed: Observed, recipe) -> dict[str, str]:
    """If this machine lost its secrets file, the running containers still hold the values."""
    out: dict[str, str] = {}
    for secret, dest in recipe.ksad.secrets.items():
        for svc, var in dest.env.items():
            c = observed.containers.get(svc)
            if c is None or secret in out:
                continue
            env = engine.inspect_container(c["Id"])["Config"].get("Env") or []
            for item in env:
                key, _, value = item.partition("=")
                if key == var and value:
                    out[secret] = value
    return out


# --- install ------------------------------------------------------------------------


def install(settings: Settings, req: InstallRequest, reporter: Reporter | None = None, *,
            kind: str = "install", engine=None) -> InstallResult:
    from ksad import lifecycle
    from ksad.lock import locked

    reporter = reporter or NullReporter()
    started = time.monotonic()
    for attempt in range(3):
        decided_at = time.time()
        prep = prepare(settings, req, reporter, ports_anywhere=attempt > 0, engine=engine)
        if req.dry_run or not prep.plan.changes:
            if req.secrets and not req.dry_run:
                # a --secret no container reads now (a later release's may): kept all the same, under the
                # lock an apply saves them under; save_secrets writes nothing when it is unchanged
                with locked(settings.state_dir, prep.target.key, prep.plan.slug):
                    save_secrets(settings, prep.target.key, prep.plan.slug, prep.secrets)
            _keep_receipt(settings, req, prep, decided_at, kind)
            return InstallResult(prep.plan, False, time.monotonic() - started)
        try:
            with locked(settings.state_dir, prep.target.key, prep.plan.slug):
                lifecycle.apply(settings, prep, reporter, req.timeout, kind=kind, data_from=req.data_from,
                                force=req.force, retry_port_clash=attempt < 2)
            _keep_receipt(settings, req, prep, decided_at, kind)
            return InstallResult(prep.plan, True, time.monotonic() - started)
        except PortTaken as exc:
            if attempt == 2:
                raise  # the operation was undone; say so rather than loop
            reporter.step("step.port_retry", ports=exc.fields.get("ports", "?"))
    raise AssertionError("unreachable")


def _keep_receipt(settings: Settings, req: InstallRequest, prep: Prepared, decided_at: float, kind: str) -> None:
    """After a plain install left the target as planned: what lets its re-run skip the work."""
    if req.dry_run or req.force or req.kind != "install" or kind != "install" or req.secrets:
        # upgrade, rollback and restore are not re-run; their results are checked in full. Nor is a
        # run with --secret answered from a receipt: its key would have to hold the value
        return
    from ksad.receipt import record, signature
    from ksad.trust import TrustStore, trust_state_dir

    secret_file = _secret_file(settings, prep.target.key, prep.plan.slug)
    signed = signature(secret_file)  # before reading: an edit after this shows at the next run
    try:
        stored = json.loads(secret_file.read_text(encoding="utf-8")) if prep.secrets else {}
    except (OSError, ValueError):
        return
    if not isinstance(stored, dict) or any(stored.get(k) != v for k, v in prep.secrets.items()):
        return  # not what the containers hold: the next run must look again
    store = TrustStore(trust_state_dir(settings), settings.catalog)
    record(settings, req, prep, decided_at=decided_at,
           outputs={str(secret_file): signed, **{str(p): signature(p) for p in (store.file, store.pins_file)}})


class PortTaken(DeployError):
    """A host port chosen in the plan was taken before the container started (the change was undone)."""


# --- status, logs, uninstall ---------------------------------------------------------


@dataclass
class InstanceStatus:
    app: str
    name: str
    slug: str
    version: str
    revision: int
    health: str
    url: str | None
    public_url: str | None
    target: str
    services: list[dict]
    update: str | None = None  # the newest release the catalog and an MoU allow here, when newer than version
    update_error: str | None = None  # why updates could not be looked up (then update is None)

    def to_json(self) -> dict:
        return dict(self.__dict__)


def _finished(engine, container: dict) -> bool:
    """A job's container that ran to its end with exit 0: done for this revision, not to be run again."""
    if container.get("State") != "exited":
        return False
    return engine.inspect_container(container["Id"])["State"].get("ExitCode") == 0


def _health_of(info: dict) -> str:
    state = info["State"]
    if (info.get("Config", {}).get("Labels") or {}).get("ksad.job") == "1" and state.get("Status") == "exited" \
            and state.get("ExitCode") == 0:
        return "completed"  # a job that did its work: the app is no less healthy for it
    if not state.get("Running"):
        return "stopped" if state.get("Status") in ("exited", "created") else state.get("Status", "unknown")
    if state.get("Restarting"):
        # exited, and waiting for its restart policy's next try: the engine still says Running
        return "restarting"
    if state.get("Paused"):
        # Running to the engine, and its last probe passed, but frozen: it answers nothing (a killed
        # backup leaves the writers it paused so, until the next command on the app wakes them)
        return "paused"
    health = state.get("Health") or {}
    if health.get("Status") == "unhealthy" and health.get("FailingStreak") == 0 \
            and ((health.get("Log") or [{}])[-1]).get("ExitCode") == 0:
        # Docker 20.10 says "unhealthy" after a pause (a backup's, a snapshot's) until its next probe,
        # although no probe failed: the last one passed, and that is what the app is
        return "healthy"
    return health.get("Status") or "running"


def status(settings: Settings, target_name: str | None = None) -> list[InstanceStatus]:
    from ksad.engine import connect
    from ksad.targets import resolve_target

    target = resolve_target(settings, target_name)
    engine = connect(target.name, target.url)
    groups: dict[str, list[dict]] = {}
    for c in engine.managed_containers():
        labels = c.get("Labels") or {}
        if labels.get("ksad.service"):
            groups.setdefault(labels.get("ksad.slug", "?"), []).append(c)  # one row per installed instance
    out = []
    rank = {"unhealthy": 0, "stopped": 1, "exited": 1, "paused": 1, "starting": 2, "running": 3, "healthy": 4, "completed": 5}
    for _slug, containers in sorted(groups.items()):
        services = []
        for c in containers:
            try:
                info = engine.inspect_container(c["Id"])
            except NotFoundError:
                continue  # removed by another operator between the list and now
            services.append({"service": c["Labels"]["ksad.service"], "container": c["Names"][0].lstrip("/"),
                             "state": info["State"].get("Status"), "health": _health_of(info)})
        if not services:
            continue
        labels = max(containers, key=lambda c: int(c["Labels"].get("ksad.revision", "0") or 0))["Labels"]
        health = min((s["health"] for s in services), key=lambda h: rank.get(h, 1))
        out.append(InstanceStatus(labels.get("ksad.app", "?"), labels.get("ksad.name", ""), labels.get("ksad.slug", ""),
                                  labels.get("ksad.version", ""), int(labels.get("ksad.revision", "0") or 0),
                                  health, labels.get("ksad.url") or None, labels.get("ksad.public_url") or None,
                                  target.name, sorted(services, key=lambda s: s["service"])))
    return sorted(out, key=lambda r: (r.app, r.name))


def with_updates(settings: Settings, rows: list[InstanceStatus]) -> list[InstanceStatus]:
    """*rows* with the release each could be upgraded to, as ``ksad upgrade`` would choose it.

    Looked up offline in the catalog in use, for the identity pack's region; nothing is
    recorded (a look is not an adoption of the catalog). When the catalog cannot be trusted
    or there is no identity pack, every row says why instead: status itself still works.
    """
    if not rows:
        return rows
    from ksad.errors import KsadError

    try:
        from ksad.catalog import open_catalog
        from ksad.gate import Gate
        from ksad.identity import load_identity
        from ksad.versions import parse_version

        region = load_identity(settings).region_code
        gate = Gate(settings, record=False)
        catalog = open_catalog(settings.catalog, cache_dir=settings.cache_dir)
    except KsadError as exc:
        return [dataclasses.replace(r, update_error=exc.message) for r in rows]
    out = []
    for r in rows:
        newer = None
        try:
            wanted = gate.newest_allowed(catalog.app(r.app), region, None)
            if parse_version(wanted) > parse_version(r.version):
                newer = wanted
        except KsadError:
            pass  # no longer in the catalog, or no MoU grants it now: nothing to upgrade to
        out.append(dataclasses.replace(r, update=newer))
    return out


def _find_instance(engine, app_or_name: str, target: str) -> list[dict]:
    containers = [c for c in engine.managed_containers() if (c.get("Labels") or {}).get("ksad.service")]
    slug = pick_instance(containers, app_or_name, target)["ksad.slug"]
    return [c for c in containers if c["Labels"].get("ksad.slug") == slug]


@dataclass(frozen=True)
class LogLine:
    service: str
    time: str  # RFC 3339 with nanoseconds, UTC, as the engine stamped the line
    text: bytes  # without its newline; a container may write any bytes

    def to_json(self) -> dict:
        return {"service": self.service, "time": self.time, "line": self.text.decode("utf-8", "replace")}


def _log_lines(service: str, messages) -> Iterator[LogLine]:
    """Lines from the engine's log messages, each ``<stamp> <text>``.

    The engine cuts a line longer than 16 KiB into several messages, all with the first one's
    stamp and only the last with the newline: a message without one is joined to the next
    that has its stamp. Joining by bytes instead put that next stamp inside the line.
    """
    pending: tuple[bytes, bytes] | None = None  # (stamp, text) of a line still without its newline
    for message in messages:
        stamp, _, text = message.partition(b" ")
        if pending is not None:
            if pending[0] == stamp:
                text = pending[1] + text
            else:  # a container that stopped mid-line, then wrote more after a restart
                yield _log_line(service, *pending)
            pending = None
        *whole, rest = text.split(b"\n")
        for line in whole:
            yield _log_line(service, stamp, line)
        if rest:
            pending = (stamp, rest)
    if pending is not None:
        yield _log_line(service, *pending)


def _last_lines(engine, cid: str, service: str, tail: int | str) -> list[LogLine]:
    """The last *tail* whole lines of a container's log.

    The engine's tail counts messages, and a line longer than 16 KiB is several: asked for the
    last line, it gave the last piece of one. So ask for one message more than lines wanted and
    drop the first line, which may have begun before the window; ask for more while split
    lines leave too few.
    """
    if not isinstance(tail, int) or tail <= 0:
        return list(_log_lines(service, engine.logs(cid, tail=tail, timestamps=True)))
    want = tail + 1
    while True:
        messages = list(engine.logs(cid, tail=want, timestamps=True))
        lines = list(_log_lines(service, messages))
        if len(messages) < want or len(lines) > tail:  # the whole history, or a cut to spare
            return lines[-tail:]
        want *= 4


def _log_line(service: str, stamp: bytes, text: bytes) -> LogLine:
    return LogLine(service, stamp.decode("ascii", "replace"), text.rstrip(b"\r"))


def _time_key(line: LogLine) -> str:
    # the engine writes 9 digits of fraction (RFC3339NanoFixed); pad anyway so text order is time order
    base, _, frac = line.time.rstrip("Z").partition(".")
    return f"{base}.{frac.ljust(9, '0')}"


def _stamp_seconds(stamp: str) -> float:
    """POSIX seconds of an engine stamp (microseconds kept: what a float holds)."""
    base, _, frac = stamp.rstrip("Z").partition(".")
    whole = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    return whole + float(f"0.{frac[:6] or '0'}")


def logs(settings: Settings, app_or_name: str, *, service: str | None = None, tail: int | str = 100,
         follow: bool = False, target_name: str | None = None) -> Iterator[LogLine]:
    """The app's log lines, every service's (or *service*'s) merged in the order they were written.

    With *follow* the lines then keep coming, from every service, until the caller stops
    reading or the app is removed: containers an upgrade or a rollback puts in place are
    followed too, as they start (``docker compose logs -f`` and ``tail -F`` do the same).
    """
    from ksad.engine import connect
    from ksad.targets import resolve_target

    target = resolve_target(settings, target_name)
    engine = connect(target.name, target.url)
    found = _find_instance(engine, app_or_name, target.name)
    slug = found[0]["Labels"]["ksad.slug"]

    def current() -> list[dict]:
        return [c for c in engine.managed_containers(slug=slug)
                if c["Labels"].get("ksad.service") and (not service or c["Labels"]["ksad.service"] == service)]

    containers = current() if service else found
    if service and not containers:
        raise NotFoundError("instance.no_service", app=app_or_name, service=service)
    last = {}  # container -> the stamp of its last line shown: following resumes after it
    lines = []
    for c in containers:
        own = _last_lines(engine, c["Id"], c["Labels"]["ksad.service"], tail)
        if own:
            last[c["Id"]] = max(own, key=_time_key).time
        lines += own
    # like `docker compose logs`, one story: the db's start-up before the web's first request
    yield from sorted(lines, key=_time_key)
    if follow:
        # a container that showed nothing: --tail 0 asked for no history; any other tail found none
        fresh = {c["Id"]: (0 if tail == 0 else "all") for c in containers if c["Id"] not in last}
        yield from _follow(engine, current, last, fresh)


def _follow(engine, current: Callable[[], list[dict]], last: dict[str, str],
            fresh: dict[str, int | str]) -> Iterator[LogLine]:
    """Lines of every running container as they arrive, one reading thread per container; the
    containers are listed again each second and whenever a stream ends, so that a container
    started since (an upgrade's, a restarted one) is followed from its first line on."""
    import queue
    import threading

    done = object()
    arrived: queue.Queue = queue.Queue()
    reading: set[str] = set()

    def pump(cid: str, service: str, window: dict) -> None:
        try:
            for line in _log_lines(service, engine.logs(cid, follow=True, timestamps=True, **window)):
                arrived.put((cid, line))
        except BaseException as exc:  # handed to the reader, who raises it in the command's thread
            arrived.put((cid, exc))
        finally:
            arrived.put((cid, done))

    def attach() -> bool:
        """Start reading what runs and is not read yet; False once the app has no container at all."""
        containers = current()
        for c in containers:
            if c["Id"] in reading or c.get("State") != "running":
                continue
            seen = last.get(c["Id"])
            window = {"since": _stamp_seconds(seen)} if seen else {"tail": fresh.pop(c["Id"], "all")}
            reading.add(c["Id"])
            threading.Thread(target=pump, args=(c["Id"], c["Labels"]["ksad.service"], window), daemon=True).start()
        return bool(containers)

    exists = attach()
    while exists or reading:
        try:
            cid, item = arrived.get(timeout=1.0)  # a timeout keeps Ctrl-C prompt, and looks again
        except queue.Empty:
            exists = attach()
            continue
        if item is done:
            reading.discard(cid)
            exists = attach()
        elif isinstance(item, BaseException):
            raise item
        elif cid not in last or _time_key(item) > _time_key(LogLine("", last[cid], b"")):
            last[cid] = item.time  # a stream resumed "since" a second repeats what was shown
            yield item


@dataclass
class UninstallResult:
    app: str
    name: str
    target: str
    actions: list[Action]
    applied: bool
    kept_volumes: list[str]

    def to_json(self) -> dict:
        return {"app": self.app, "name": self.name, "target": self.target, "applied": self.applied,
                "actions": [a.to_json() for a in self.actions], "kept_volumes": self.kept_volumes}


def uninstall(settings: Settings, app_or_name: str, *, purge: bool = False, dry_run: bool = False,
              target_name: str | None = None, reporter: Reporter | None = None) -> UninstallResult:
    """Remove an app's containers and network; with *purge* its data, history and secrets too.

    An app a plain uninstall already removed can still be purged (its kept data is found by
    its labels), and an uninstall that was interrupted is finished by running it again.
    """
    from ksad import lifecycle
    from ksad.engine import connect
    from ksad.lock import locked
    from ksad.targets import resolve_target

    target = resolve_target(settings, target_name)
    engine = connect(target.name, target.url)
    managed = engine.managed_containers()
    services = [c for c in managed if (c.get("Labels") or {}).get("ksad.service")]
    try:
        labels = pick_instance(services, app_or_name, target.name)
    except NotFoundError:
        labels = _pick(kept_instances(engine, managed), app_or_name, target.name)  # the same error if none
    app_id, slug = labels["ksad.app"], labels["ksad.slug"]
    name = labels.get("ksad.name") or app_or_name
    containers = [c for c in services if c["Labels"].get("ksad.slug") == slug]
    volumes = engine.volumes(label=[f"ksad.slug={slug}"])
    # what a user calls data: not the revision records and snapshots ksad keeps beside it
    data = sorted(v["Name"] for v in volumes
                  if (v.get("Labels") or {}).get("ksad.kind") not in ("revision", "snapshot"))
    interrupted = lifecycle.pending_in(managed, slug)
    if not containers and not purge and not interrupted:
        raise NotFoundError("uninstall.only_data", name=name, app=app_id, target=target.name,
                            volumes=", ".join(data) or "-")
    actions = [Action("remove", c["Names"][0].lstrip("/")) for c in containers]
    if containers or engine.network_exists(network_name(slug)):
        actions.append(Action("remove-network", network_name(slug)))
    if purge:
        # the data first, then the copies and the history ksad kept of it; each in a stable order
        kinds = {"snapshot": "remove-snapshot", "revision": "remove-record"}
        rank = {"remove-volume": 0, "remove-snapshot": 1, "remove-record": 2}
        found = [(kinds.get((v.get("Labels") or {}).get("ksad.kind"), "remove-volume"), v["Name"]) for v in volumes]
        actions += [Action(kind, vol) for kind, vol in sorted(found, key=lambda a: (rank[a[0]], a[1]))]
    result = UninstallResult(app_id, name, target.name, actions, False, [] if purge else data)
    if dry_run:
        return result
    forget = forget_secrets(settings, target, slug)
    with locked(settings.state_dir, target.key, slug):
        # an interrupted operation first: an upgrade is undone, an earlier uninstall finished
        lifecycle.recover_if_needed(engine, slug, reporter or NullReporter(), forget_secrets=forget)
        revision = max((int(c["Labels"].get("ksad.revision", "0") or 0) for c in containers),
                       default=lifecycle.last_revision(engine, slug))
        # the marker keeps another operator's upgrade or backup from racing the removal, and if
        # this run is killed, it tells the next one to finish the removal (never to undo it)
        lifecycle.begin(engine, lifecycle.Operation(
            "uninstall", app_id, slug, revision, revision, None, lifecycle.operator(), os.getpid(),
            socket.gethostname(), datetime.now(timezone.utc).isoformat(timespec="seconds"), purge=purge))
        lifecycle.remove_app(engine, slug, purge=purge)
        if purge:
            forget()
        lifecycle.end(engine, slug)
    result.applied = True
    return result


# --- upgrade, rollback, history --------------------------------------------------------


def _connect_instance(settings: Settings, app_or_name: str, target_name: str | None):
    from ksad.engine import connect
    from ksad.targets import resolve_target

    target = resolve_target(settings, target_name)
    engine = connect(target.name, target.url)
    return target, engine, pick_instance(engine.managed_containers(), app_or_name, target.name)


def upgrade_path(app, current: str, wanted: str) -> list[str] | None:
    """Releases to pass through from *current* to *wanted*, honouring each release's upgrades_from.

    None when no path exists. A release with an empty ``upgrades_from`` accepts any older version.
    """
    from ksad.versions import parse_spec, parse_version

    def accepts(release_version: str, from_version: str) -> bool:
        specs = app.release(release_version).upgrades_from
        return not specs or any(parse_spec(s).contains(parse_version(from_version), prereleases=True) for s in specs)

    versions = sorted(app.signed_versions, key=parse_version)
    frontier, seen = [(current, [])], {current}
    while frontier:
        here, path = frontier.pop(0)
        for v in versions:
            if parse_version(v) <= parse_version(here) or parse_version(v) > parse_version(wanted) or v in seen:
                continue
            if accepts(v, here):
                if v == wanted:
                    return path + [v]
                seen.add(v)
                frontier.append((v, path + [v]))
    return None


def _settled(settings: Settings, target, engine, labels: dict[str, str], reporter, dry_run: bool) -> dict[str, str]:
    """Finish or undo an interrupted run first, so versions and revisions are read from a settled app."""
    from ksad import lifecycle

    if dry_run or not lifecycle.recover(settings, target, engine, labels["ksad.slug"], reporter):
        return labels
    return pick_instance(engine.managed_containers(), labels["ksad.slug"], target.name)


def upgrade(settings: Settings, app_or_name: str, *, version: str | None = None, sets: dict[str, str] | None = None,
            secrets: dict[str, str] | None = None, target_name: str | None = None, timeout: float = 120.0,
            dry_run: bool = False, reporter: Reporter | None = None) -> InstallResult:
    """Move an installed app to the newest allowed release (or *version*), health-gated, undone on failure."""
    from ksad.catalog import open_catalog
    from ksad.versions import parse_version

    reporter = reporter or NullReporter()
    _target, engine, labels = _connect_instance(settings, app_or_name, target_name)
    labels = _settled(settings, _target, engine, labels, reporter, dry_run)
    app = open_catalog(settings.catalog, cache_dir=settings.cache_dir).app(labels["ksad.app"])
    from ksad.gate import Gate
    from ksad.identity import load_identity

    current = labels["ksad.version"]
    wanted = Gate(settings).newest_allowed(app, load_identity(settings).region_code, version)
    if parse_version(wanted) < parse_version(current):
        raise InputError("upgrade.downgrade", app=app.id, current=current, wanted=wanted)
    if wanted != current:
        path = upgrade_path(app, current, wanted)
        if path is None:
            raise InputError("upgrade.no_path", app=app.id, current=current, wanted=wanted)
        if path != [wanted]:
            raise InputError("upgrade.via", app=app.id, current=current, wanted=wanted, path=" -> ".join(path),
                             first=path[0])
    req = InstallRequest(app_id=app.id, version=f"=={wanted}", name=labels["ksad.name"], sets=sets or {},
                         secrets=secrets or {}, target=target_name, timeout=timeout, dry_run=dry_run, kind="upgrade")
    return install(settings, req, reporter, kind="upgrade")


def rollback(settings: Settings, app_or_name: str, *, to: int | None = None, target_name: str | None = None,
             timeout: float = 120.0, dry_run: bool = False, reporter: Reporter | None = None) -> InstallResult:
    """Bring back an earlier revision: its release, its answers and its data."""
    from ksad import lifecycle

    reporter = reporter or NullReporter()
    _target, engine, labels = _connect_instance(settings, app_or_name, target_name)
    labels = _settled(settings, _target, engine, labels, reporter, dry_run)
    slug = labels["ksad.slug"]
    revisions = lifecycle.history(engine, slug)
    current = max(int(c["Labels"].get("ksad.revision", "0")) for c in engine.managed_containers(slug=slug)
                  if c["Labels"].get("ksad.service"))
    from ksad.messages import t as _t

    good = [r for r in revisions if r.result == "ok" and r.revision != current]
    if to is None:
        earlier = [r for r in good if r.revision < current]
        if not earlier:
            raise NotFoundError("rollback.nothing", app=labels["ksad.app"], revision=current)
        chosen = earlier[-1]
    else:
        chosen = next((r for r in revisions if r.revision == to), None)
        if chosen is None or chosen.result != "ok":
            raise NotFoundError("rollback.unknown", app=labels["ksad.app"], revision=to, current=current,
                                known=", ".join(str(r.revision) for r in good) or _t("rollback.none"))
        if to == current:
            raise InputError("rollback.current", app=labels["ksad.app"], revision=to)
    data_from = chosen.revision if chosen.snapshot else None
    running = next((r for r in revisions if r.revision == current), None)
    if running is not None and running.op == "rollback" and running.data_from == chosen.revision:
        data_from = None  # this very rollback is what runs now: doing it again changes nothing
    # force: restored data must be read by fresh containers, even where the release is the same
    req = InstallRequest(app_id=labels["ksad.app"], version=f"=={chosen.version}", name=labels["ksad.name"],
                         sets=chosen.answers, target=target_name, timeout=timeout, dry_run=dry_run,
                         force=data_from is not None, kind="rollback", data_from=data_from)
    return install(settings, req, reporter, kind="rollback")


def history(settings: Settings, app_or_name: str, *, target_name: str | None = None) -> tuple[str, str, list]:
    """The instance's local name, its app id and its revisions, oldest first."""
    from ksad import lifecycle

    _target, engine, labels = _connect_instance(settings, app_or_name, target_name)
    return labels["ksad.name"], labels["ksad.app"], lifecycle.history(engine, labels["ksad.slug"])
