"""``ksad publish``: turn a recipe directory into a signed release of the catalog.

The recipe directory is ``<sources>/recipes/<app-id>/<version>/``: the app id
and the version are read from the path, never from a side file, so the place a
release lives and what it claims to be cannot disagree. Everything else about
the release (date, changelog, upgrade paths, resources) comes from options.

Steps, all checked before anything is written:

1. load the recipe with the operator's policy (:func:`ksad.recipe.load_recipe`);
2. pin every ``image:`` that has no digest: ask its registry (Distribution API,
   ``HEAD /v2/<name>/manifests/<tag>``) for ``Docker-Content-Digest`` and rewrite
   that line to ``name@sha256:...`` (a text edit, so comments survive; the file
   is re-parsed and must differ only in those values);
3. pin every ``build:`` context by its tree hash, and the recipe directory too;
4. add the release to ``apps/<app-id>.yaml`` (``--force`` replaces one with the
   same version), sign the entry with the publisher's key (its region must be
   the entry's publisher), re-sign ``snapshot.json`` with snapshot-role keys;
5. if the catalog is in a git repository, commit those files
   ("publish <app> <version>") and tag ``<app>-<version>``.

Writing is a transaction: each file is backed up first and put back on any
exception (Ctrl-C included), and a commit made by this run is undone if its tag
cannot be made. Only this module imports ``git`` (gitpython) and talks to image
registries; their exceptions become :class:`~ksad.errors.KsadError` here.

Registries: hosts on loopback (``localhost``, ``127.*``, ``::1``) are spoken to over
plain HTTP, as Docker does; all others over HTTPS, with Docker's anonymous
bearer-token flow. Registries that need a login are not supported yet.
"""

from __future__ import annotations

import copy
import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date as _date, datetime
from pathlib import Path
from typing import Any, Callable

from ksad.errors import ConflictError, InputError, NotFoundError, TargetError, TrustError

MANIFEST_TYPES = ", ".join([
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
])
DOCKER_HUB = "docker.io"
DOCKER_HUB_API = "registry-1.docker.io"
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPO = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_APP_ID = re.compile(r"[a-z][a-z0-9-]{1,39}")


# --- image references and registries ------------------------------------------------------


@dataclass(frozen=True)
class ImageRef:
    name: str  # as written, without tag or digest: "127.0.0.1:5000/web", "nginx"
    registry: str  # "127.0.0.1:5000", "docker.io"
    repository: str  # "web", "library/nginx"
    tag: str

    def pinned(self, digest: str) -> str:
        return f"{self.name}@{digest}"


def parse_image_ref(text: str) -> ImageRef:
    """Split an image reference the way Docker does (first part is a registry if it looks like a host)."""
    ref = text.strip()
    if "@" in ref:
        raise InputError("publish.image_invalid", image=text)
    name, tag = ref, "latest"
    slash, colon = ref.rfind("/"), ref.rfind(":")
    if colon > slash:
        name, tag = ref[:colon], ref[colon + 1:]
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        registry, repository = first, rest
    else:
        registry, repository = DOCKER_HUB, name if "/" in name else f"library/{name}"
    if not _REPO.fullmatch(repository) or not _TAG.fullmatch(tag):
        raise InputError("publish.image_invalid", image=text)
    return ImageRef(name, registry, repository, tag)


def _is_loopback(host: str) -> bool:
    bare = host.rsplit(":", 1)[0] if host.count(":") == 1 or host.startswith("[") else host
    bare = bare.strip("[]")
    return bare in ("localhost", "::1") or bare.startswith("127.")


def _bearer_token(session, challenge: str, repository: str) -> str | None:
    """Docker's anonymous token flow: 401 with ``Bearer realm=...,service=...`` -> a pull token."""
    if not challenge.lower().startswith("bearer "):
        return None
    params = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
    realm = params.pop("realm", None)
    if not realm:
        return None
    params.setdefault("scope", f"repository:{repository}:pull")
    resp = session.get(realm, params=params, timeout=30)
    if resp.status_code != 200:
        return None
    body = resp.json()
    return body.get("token") or body.get("access_token")


def resolve_digest(image: str, *, timeout: float = 30) -> str:
    """The digest the image's registry serves for its tag (``sha256:...``)."""
    import requests

    ref = parse_image_ref(image)
    host = DOCKER_HUB_API if ref.registry == DOCKER_HUB else ref.registry
    scheme = "http" if _is_loopback(host) else "https"
    url = f"{scheme}://{host}/v2/{ref.repository}/manifests/{ref.tag}"
    headers = {"Accept": MANIFEST_TYPES}
    try:
        with requests.Session() as session:
            resp = session.head(url, headers=headers, timeout=timeout, allow_redirects=True)
            if resp.status_code == 401:
                token = _bearer_token(session, resp.headers.get("WWW-Authenticate", ""), ref.repository)
                if token:
                    headers["Authorization"] = f"Bearer {token}"
                    resp = session.head(url, headers=headers, timeout=timeout, allow_redirects=True)
            if resp.status_code in (404, 400) or (resp.status_code == 401 and "Authorization" in headers):
                raise NotFoundError("publish.tag_unknown", image=image, registry=ref.registry, tag=ref.tag,
                                    status=resp.status_code)
            if resp.status_code == 401:
                raise InputError("publish.registry_auth", image=image, registry=ref.registry)
            if resp.status_code >= 300:
                raise InputError("publish.registry_error", image=image, registry=ref.registry,
                                 status=resp.status_code)
            digest = resp.headers.get("Docker-Content-Digest", "")
            if not _DIGEST.fullmatch(digest):
                # Some registries only give the digest on GET: hash the manifest bytes ourselves.
                body = session.get(url, headers=headers, timeout=timeout).content
                digest = "sha256:" + hashlib.sha256(body).hexdigest()
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
        raise TargetError("publish.registry_unreachable", image=image, registry=ref.registry,
                          detail=" ".join(str(exc).split())[:300]) from None
    except requests.exceptions.RequestException as exc:
        raise InputError("publish.registry_error", image=image, registry=ref.registry, status=str(exc)[:200]) from None
    return digest


def pin_images_text(text: str, pins: dict[str, str]) -> str:
    """*text* with each ``image: OLD`` value replaced by ``pins[OLD]`` (quotes and comments kept)."""
    for old, new in pins.items():
        pattern = re.compile(r"(\bimage\s*:\s*)([\"']?)" + re.escape(old) + r"\2(?=\s*(?:[,}#]|$))", re.M)
        text = pattern.sub(lambda m: f"{m[1]}{m[2]}{new}{m[2]}", text)
    return text


# --- hashing a tree with one file replaced --------------------------------------------------


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def tree_hash_with(root: Path, replaced: Path, text: str | None) -> str:
    """The tree hash *root* will have once *replaced* holds *text* (nothing is written to *root*)."""
    from ksad.hashing import tree_sha256

    if text is None or not _inside(replaced, root):
        return tree_sha256(root)
    with tempfile.TemporaryDirectory(prefix="ksad-publish-") as tmp:
        copy_root = Path(tmp) / "tree"
        shutil.copytree(root, copy_root, symlinks=True)
        target = copy_root / replaced.resolve().relative_to(root.resolve())
        mode = target.stat().st_mode
        target.write_text(text, encoding="utf-8")
        target.chmod(mode & 0o7777)
        return tree_sha256(copy_root)


# --- the app entry ---------------------------------------------------------------------------


_TOP_KEY = re.compile(r"^[^\s#-]")


def _same_entry(text: str, expected: dict, path: Path) -> bool:
    from ksad import yamlio
    from ksad.trust import canonical_bytes

    try:
        again = yamlio.parse(text, path, with_lines=False).data
    except InputError:
        return False
    return (isinstance(again, dict) and canonical_bytes(again) == canonical_bytes(expected)
            and again.get("signatures") == expected.get("signatures") and list(again) == list(expected))


def _edit_releases(text: str, doc, release: dict, replace: int | None) -> str | None:
    """Insert (or replace) one item of a block-style ``releases:`` list, leaving all other lines alone."""
    from ksad import yamlio

    releases = doc.data.get("releases")
    lines = text.splitlines(keepends=True)
    if releases == [] and replace is None:  # a draft from import-publiccode: `releases: []`
        rendered = "".join("  " + line + "\n" for line in yamlio.dump([release]).splitlines())
        hits = [i for i, line in enumerate(lines) if re.fullmatch(r"releases:\s*\[\s*\]\s*", line.rstrip("\r\n"))]
        if len(hits) != 1:
            return None
        return "".join(lines[:hits[0]]) + "releases:\n" + rendered + "".join(lines[hits[0] + 1:])
    first = doc.lines.get(("releases", 0)) if isinstance(releases, list) and releases else None
    if first is None:
        return None
    item = lines[first - 1]
    if not item.lstrip().startswith("-"):
        return None
    indent = item[:item.index("-")]
    last = doc.lines.get(("releases", len(releases) - 1), first)
    end = next((i for i in range(last, len(lines)) if _TOP_KEY.match(lines[i])), len(lines))
    while end > last and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")) and end < len(lines):
        end -= 1
    rendered = "".join(indent + line + "\n" for line in yamlio.dump([release]).splitlines())
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    if replace is None:
        start = stop = end
    else:
        start = doc.lines[("releases", replace)] - 1
        stop = doc.lines[("releases", replace + 1)] - 1 if replace + 1 < len(releases) else end
    return "".join(lines[:start]) + rendered + "".join(lines[stop:])


def entry_with_release(path: Path, text: str, release: dict, replace: int | None) -> tuple[str, dict]:
    """The entry's new text and data: the release added or replaced, comments kept where possible."""
    from ksad import yamlio

    doc = yamlio.parse(text, path)
    expected = copy.deepcopy(doc.data)
    releases = list(expected.get("releases") or [])
    if replace is None:
        releases.append(release)
    else:
        releases[replace] = release
    expected["releases"] = releases
    candidate = _edit_releases(text, doc, release, replace)
    if candidate is not None and _same_entry(candidate, expected, path):
        return candidate, expected
    # A shape the line edit does not handle (a flow-style list): write it whole.
    body = {k: v for k, v in expected.items() if k != "signatures"}
    if "signatures" in expected:
        body["signatures"] = expected["signatures"]
    return yamlio.dump(body), expected


# --- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImagePin:
    service: str
    image: str
    pinned: str

    def to_json(self) -> dict:
        return {"service": self.service, "image": self.image, "pinned": self.pinned}


@dataclass
class PublishResult:
    app: str
    version: str
    entry_file: Path
    compose_file: Path
    release: dict
    images: list[ImagePin]
    replaced: bool
    publisher_key: str
    snapshot_keys: list[str]
    snapshot_version: int
    other_changes: list[str]  # covered files the new snapshot blesses besides ours
    git_root: Path | None
    tag: str
    dry_run: bool
    commit: str | None = None
    files: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"app": self.app, "version": self.version, "entry_file": str(self.entry_file),
                "compose_file": str(self.compose_file), "release": self.release,
                "images": [p.to_json() for p in self.images], "replaced": self.replaced,
                "publisher_key": self.publisher_key, "snapshot_keys": self.snapshot_keys,
                "snapshot_version": self.snapshot_version, "other_changes": self.other_changes,
                "git": str(self.git_root) if self.git_root else None, "commit": self.commit,
                "tag": self.tag if self.git_root else None, "dry_run": self.dry_run, "files": self.files}


@dataclass(frozen=True)
class ReleaseInfo:
    """What the options say about a release (the recipe says the rest)."""

    date: _date | None = None
    changelog: dict[str, str] | None = None  # {"id": ..., "en": ...}
    upgrades_from: tuple[str, ...] | None = None
    resources: dict[str, Any] = field(default_factory=dict)


# --- publishing -------------------------------------------------------------------------------------


def _locate(catalog_root: Path, recipe_dir: Path) -> tuple[Path, str, str, str]:
    """(sources root, app id, version, recipe path relative to sources) of a recipe directory."""
    from ksad.catalog import open_catalog
    from ksad.versions import parse_version

    catalog = open_catalog(catalog_root)
    sources = catalog.sources
    recipe_dir = Path(recipe_dir).resolve()
    if not (recipe_dir / "compose.yaml").is_file():
        raise NotFoundError("publish.no_compose", dir=str(recipe_dir))
    if not _inside(recipe_dir, sources):
        raise InputError("publish.outside_sources", dir=str(recipe_dir), sources=str(sources))
    app_id, version = recipe_dir.parent.name, recipe_dir.name
    if not _APP_ID.fullmatch(app_id):
        raise InputError("publish.app_id_invalid", app=app_id, dir=str(recipe_dir))
    parse_version(version, str(recipe_dir))
    return sources, app_id, version, recipe_dir.relative_to(sources).as_posix()


def _publisher_key(keyring, key, code: str, app_id: str, now: datetime | None):
    from ksad.trust import today

    entry = keyring.require_key(key.keyid)
    problem = entry.problem(today(now), f"app {app_id}")
    if problem:
        raise problem
    if "region" not in entry.roles:
        raise TrustError("trust.app.wrong_role", what=f"app {app_id}", keyid=key.keyid)
    if entry.region != code:
        raise TrustError("publish.wrong_region", keyid=key.keyid, signer=entry.signer, key_region=entry.region,
                         app=app_id, region=code)
    return entry


def _snapshot_keys(keyring, key, publisher_entry, snapshot_keys: list, now: datetime | None) -> list:
    from ksad.trust import today

    if not snapshot_keys:
        if "snapshot" in publisher_entry.roles:
            return [key]
        raise InputError("publish.no_snapshot_key", keyid=key.keyid, keyring=str(keyring.path))
    for k in snapshot_keys:
        entry = keyring.require_key(k.keyid)
        problem = entry.problem(today(now), "snapshot.json")
        if problem:
            raise problem
        if "snapshot" not in entry.roles:
            raise TrustError("trust.snapshot.key_not_snapshot", keyid=k.keyid, signer=entry.signer)
    if len({k.keyid for k in snapshot_keys}) < keyring.snapshot_threshold:
        raise TrustError("trust.snapshot.threshold", file="snapshot.json", count=len(snapshot_keys),
                         threshold=keyring.snapshot_threshold)
    return snapshot_keys


def _pin_recipe(recipe, compose_text: str, resolver: Callable[[str], str]) -> tuple[str, list[ImagePin]]:
    from ksad import yamlio

    pins: dict[str, str] = {}
    found: list[ImagePin] = []
    for name, service in recipe.services.items():
        if service.build is not None or not service.image or service.pinned:
            continue
        if service.image not in pins:
            pins[service.image] = parse_image_ref(service.image).pinned(resolver(service.image))
        found.append(ImagePin(name, service.image, pins[service.image]))
    if not pins:
        return compose_text, found
    new_text = pin_images_text(compose_text, pins)
    old = yamlio.parse(compose_text, recipe.path, with_lines=False).data
    expected = copy.deepcopy(old)
    for body in (expected.get("services") or {}).values():
        if isinstance(body, dict) and body.get("image") in pins:
            body["image"] = pins[body["image"]]
    if yamlio.parse(new_text, recipe.path, with_lines=False).data != expected:
        raise InputError("publish.image_line", file=str(recipe.path))
    return new_text, found


def _release_dict(version: str, rel_path: str, recipe_sha: str, builds: dict[str, str], info: ReleaseInfo,
                  now: datetime | None) -> dict:
    from ksad.trust import today
    from ksad.versions import parse_spec

    release: dict[str, Any] = {"version": version, "date": (info.date or today(now)).isoformat(),
                               "recipe": {"path": rel_path, "sha256": recipe_sha}}
    if builds:
        release["builds"] = builds
    if info.resources:
        release["resources"] = dict(info.resources)
    if info.changelog:
        release["changelog"] = dict(info.changelog)
    if info.upgrades_from is not None:
        for spec in info.upgrades_from:
            parse_spec(spec)
        release["upgrades_from"] = list(info.upgrades_from)
    return release


def _other_changes(root: Path, ours: set[str]) -> list[str]:
    """Covered files whose content differs from what the current snapshot lists (or that it lacks)."""
    from ksad.trust import unsigned_changes

    return [rel for rel in unsigned_changes(root) if rel not in ours]


def publish(catalog_root: Path | str, recipe_dir: Path | str, *, key, snapshot_keys: list | None = None,
            info: ReleaseInfo = ReleaseInfo(), force: bool = False, dry_run: bool = False,
            allow: frozenset[str] = frozenset(), trust_dir: Path | None = None, now: datetime | None = None,
            resolver: Callable[[str], str] = resolve_digest, use_git: bool = True) -> PublishResult:
    """Validate, pin, sign and (unless *dry_run*) write a release; see the module docstring."""
    from ksad import yamlio
    from ksad.catalog import app_problems
    from ksad.recipe import load_recipe
    from ksad.trust import KEYRING_FILE, SNAPSHOT_FILE, TrustStore, load_keyring

    root = Path(catalog_root).absolute()
    sources, app_id, version, rel_path = _locate(root, Path(recipe_dir))
    recipe_dir = sources / rel_path
    entry_file = root / "apps" / f"{app_id}.yaml"
    if not entry_file.is_file():
        raise NotFoundError("publish.no_entry", app=app_id, file=str(entry_file))
    entry_text = entry_file.read_text(encoding="utf-8")
    entry = yamlio.parse(entry_text, entry_file, with_lines=False).data
    if not isinstance(entry, dict) or not isinstance(entry.get("publisher"), dict):
        raise InputError("yaml.not_mapping", file=str(entry_file))
    code = str(entry["publisher"].get("code", ""))
    existing = [str(r.get("version")) for r in entry.get("releases") or [] if isinstance(r, dict)]
    replace = existing.index(version) if version in existing else None
    if replace is not None and not force:
        raise ConflictError("publish.version_exists", app=app_id, version=version, file=str(entry_file))

    store = TrustStore(trust_dir, root) if trust_dir else None
    keyring = load_keyring(root / KEYRING_FILE, store=store, now=now)
    publisher = _publisher_key(keyring, key, code, app_id, now)
    signers = _snapshot_keys(keyring, key, publisher, list(snapshot_keys or []), now)

    compose_file = recipe_dir / "compose.yaml"
    recipe = load_recipe(compose_file, allow=allow, source_root=sources)
    compose_text = compose_file.read_text(encoding="utf-8")
    new_compose, images = _pin_recipe(recipe, compose_text, resolver)
    changed_compose = new_compose if new_compose != compose_text else None
    builds = {name: tree_hash_with(s.build.context, compose_file, changed_compose)
              for name, s in recipe.services.items() if s.build is not None}
    recipe_sha = tree_hash_with(recipe_dir, compose_file, changed_compose)
    release = _release_dict(version, rel_path, recipe_sha, builds, info, now)

    new_text, new_data = entry_with_release(entry_file, entry_text, release, replace)
    problems = app_problems(yamlio.parse(new_text, entry_file))
    if problems:
        raise InputError("validation.failed", count=len(problems), problems="\n".join(f"  {p}" for p in problems))

    tag = f"{app_id}-{version}"
    repo = _git_repo(root) if use_git else None
    if repo is not None and _tag_exists(repo, tag) and not force:
        raise ConflictError("publish.tag_exists", tag=tag, repo=str(repo.working_tree_dir))
    from ksad.catalog import DOCUMENTS_FILE, ENTRIES_DIR, INDEX_FILE, write_index

    ours = {f"apps/{app_id}.yaml", SNAPSHOT_FILE, INDEX_FILE, DOCUMENTS_FILE}
    # write_index may write any app's parsed entry (a catalog indexed before they were shipped
    # has none) and removes those of app files gone: all are backed up and committed.
    entries = {root / ENTRIES_DIR / f"{p.stem}.json" for p in (root / "apps").glob("*.yaml")}
    entries |= set((root / ENTRIES_DIR).glob("*.json")) | {root / ENTRIES_DIR / f"{app_id}.json"}
    shipped = [root / INDEX_FILE, root / DOCUMENTS_FILE, *sorted(entries)]
    previous = _snapshot_version(root / SNAPSHOT_FILE)
    result = PublishResult(
        app=app_id, version=version, entry_file=entry_file, compose_file=compose_file, release=release,
        images=images, replaced=replace is not None, publisher_key=key.keyid,
        snapshot_keys=[k.keyid for k in signers], snapshot_version=previous + 1,
        other_changes=_other_changes(root, ours), git_root=Path(repo.working_tree_dir) if repo else None,
        tag=tag, dry_run=dry_run)
    if dry_run:
        return result
    with _Transaction([compose_file, entry_file, *shipped, root / SNAPSHOT_FILE]) as tx:
        _write(tx, compose_file, changed_compose, entry_file, new_text, new_data, key, publisher, keyring,
               sources, release, app_id)
        from ksad.trust import sign_snapshot

        write_index(root)  # what clients with no cache yet read instead of parsing every entry
        sign_snapshot(root, signers, now=now)
        changed = [p for p in shipped if _content(p) != (tx.saved[p][0] if tx.saved[p] else None)]
        result.files = [str(p) for p in (compose_file, entry_file, *changed, root / SNAPSHOT_FILE)]
        if repo is not None:
            # The other files the new snapshot lists (or drops) go into the same commit: a commit
            # of the snapshot without them is a catalog no clone of the tag can verify.
            others = [root / rel for rel in result.other_changes]
            result.commit = _commit_and_tag(repo, tx, [entry_file, root / INDEX_FILE, root / DOCUMENTS_FILE,
                                                       root / ENTRIES_DIR, root / SNAPSHOT_FILE, recipe_dir,
                                                       *others],
                                            f"publish {app_id} {version}", tag, force)
    return result


def _content(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def _snapshot_version(path: Path) -> int:
    import json

    try:
        return int(json.loads(path.read_bytes()).get("version", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return 0


def _write(tx, compose_file: Path, compose_text: str | None, entry_file: Path, entry_text: str, entry_data: dict,
           key, publisher, keyring, sources: Path, release: dict, app_id: str) -> None:
    from ksad.validate import release_problems
    from ksad.fsutil import atomic_write
    from ksad.trust import make_signature, verify_app_entry, write_signatures

    if compose_text is not None:
        atomic_write(compose_file, compose_text, mode=compose_file.stat().st_mode & 0o777)
    # Every earlier signature covered other content, so only the new one is kept.
    record = make_signature(entry_data, "app", key, "publisher", publisher.signer)
    atomic_write(entry_file, entry_text)
    write_signatures(entry_file, entry_data, [record], text=entry_text)
    # What was written must pass the checks install makes; else the transaction undoes it.
    problems = release_problems(compose_file.parent, release, sources, str(entry_file), None, "release", app_id)
    if problems:
        raise InputError("validation.failed", count=len(problems), problems="\n".join(f"  {p}" for p in problems))
    from ksad import yamlio

    verify_app_entry(yamlio.load_mapping(entry_file, with_lines=False).data, keyring)


# --- the transaction ---------------------------------------------------------------------------------


class _Transaction:
    """Back up files first; on any exception put them back as they were (absent ones are removed)."""

    def __init__(self, paths: list[Path]) -> None:
        self.saved: dict[Path, tuple[bytes, int] | None] = {}
        for p in paths:
            self.saved[p] = (p.read_bytes(), p.stat().st_mode & 0o7777) if p.exists() else None
        self.undo_git: Callable[[], None] | None = None

    def __enter__(self) -> "_Transaction":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            return False
        if self.undo_git is not None:
            try:
                self.undo_git()
            except Exception:  # noqa: BLE001 - restoring the files matters more; the original error is raised
                pass
        from ksad.fsutil import atomic_write

        for path, saved in self.saved.items():
            if saved is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write(path, saved[0], mode=saved[1])
        return False


# --- git (gitpython) ---------------------------------------------------------------------------------


def _git_repo(path: Path):
    import git

    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError):
        return None


def _tag_exists(repo, tag: str) -> bool:
    return any(t.name == tag for t in repo.tags)


def _commit_and_tag(repo, tx: _Transaction, paths: list[Path], message: str, tag: str, force: bool) -> str:
    import git

    top = Path(repo.working_tree_dir).resolve()
    rels = [str(p.resolve().relative_to(top)) for p in paths if _inside(p, top)]
    try:
        before = repo.head.commit.hexsha if repo.head.is_valid() else None
    except ValueError:
        before = None

    def unstage() -> None:
        if before:
            repo.git.reset("-q", before, "--", *rels)
        else:
            repo.git.rm("--cached", "-r", "-q", "--ignore-unmatch", "--", *rels)

    try:
        # a path neither on disk nor tracked (listed by the old snapshot, never committed, now
        # gone) is a pathspec git refuses; there is nothing of it to commit
        rels = [r for r in rels if (top / r).exists() or repo.git.ls_files("--", r)]
        tx.undo_git = unstage
        repo.git.add("--", *rels)
        # `commit -- paths` commits only these paths, whatever else the index holds.
        repo.git.commit("-m", message, "--", *rels)
        made = repo.head.commit.hexsha

        def undo_commit() -> None:
            if repo.head.commit.hexsha == made and before:
                repo.git.reset("--soft", before)
            unstage()

        tx.undo_git = undo_commit
        repo.create_tag(tag, message=message, force=force)
        return made
    except git.exc.GitCommandError as exc:
        detail = " ".join((exc.stderr or exc.stdout or str(exc)).split())[:400]
        raise InputError("publish.git_failed", repo=str(top), detail=detail) from None
    except (git.exc.GitError, ValueError, OSError) as exc:
        raise InputError("publish.git_failed", repo=str(top), detail=str(exc)[:400]) from None
