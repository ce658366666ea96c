"""The catalog: a directory (and git repository) of app entries and their releases.

Layout::

    catalog.yaml           name, description, ``sources`` (root that release paths are relative to)
    apps/<app-id>.yaml     metadata + releases (schema: schema/app.schema.json)
    regions.json           region data (see ksad.region)

Parsing thousands of releases of YAML on every command would be slow, so the
parsed, validated entries are cached as JSON under ``$KSAD_HOME/cache`` keyed
by each file's sha256: an edited file is re-read and re-validated, an
unchanged one costs one read and one hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable

from ksad.errors import ConflictError, InputError, NotFoundError
from ksad.hashing import SCHEMA_DIR, code_files
from ksad.parsecache import plain as _plain
from ksad.parsecache import StatDigests, read_hashed

CACHE_FORMAT = 3  # bump when the cached shape changes


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a catalog file, located for a human."""

    file: str
    line: int | None
    field: str
    message: str
    warning: bool = False  # reported, but the catalog is still valid (e.g. an expired MoU)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field or '(top)'}: {self.message}"

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message,
                "warning": self.warning}


def pointer_text(pointer: Iterable) -> str:
    out = ""
    for part in pointer:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# --- schema validation ---------------------------------------------------------

_validators: dict[str, Any] = {}


def _validator(kind: str):
    if kind not in _validators:
        from jsonschema import Draft202012Validator  # costly import: only on a cache miss or `validate`

        schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
        _validators[kind] = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return _validators[kind]


def _schema_message(error) -> str:
    from ksad.messages import t

    v = error.validator
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return t("schema.required", field=missing)
    if v == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return t("schema.unknown_keys", keys=", ".join(extra))
    if v == "enum":
        return t("schema.enum", value=error.instance, allowed=", ".join(map(str, error.validator_value)))
    if v in ("pattern", "format"):
        return t("schema.pattern", value=error.instance)
    if v == "type":
        return t("schema.type", expected=error.validator_value)
    return t("schema.other", detail=error.message)


def schema_problems(kind: str, data: Any, doc) -> list[Problem]:
    if _fast_valid(kind, data):
        return []  # the common case, without importing jsonschema (~0.15 s)
    problems = []
    for error in sorted(_validator(kind).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        pointer = tuple(error.absolute_path)
        if error.validator == "required":
            # name the missing key in the field path, and point at its parent mapping
            missing = error.message.split("'")[1] if "'" in error.message else ""
            field_text = pointer_text(pointer + ((missing,) if missing else ()))
        else:
            field_text = pointer_text(pointer)
        problems.append(Problem(str(doc.path), doc.line_of(pointer), field_text, _schema_message(error)))
    return problems


# --- the model -----------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    app_id: str
    version: str
    date: str
    sources: Path
    recipe: str  # the entry's recipe.path: relative to sources
    recipe_sha256: str
    builds: dict[str, str]
    resources: dict[str, Any]
    changelog: dict[str, str]
    upgrades_from: tuple[str, ...]

    @cached_property
    def recipe_path(self) -> Path:
        """The absolute directory holding compose.yaml (resolved when asked: `catalog show` lists
        60 releases and needs none of them, and each resolve is a stat per path component)."""
        return (self.sources / self.recipe).resolve()

    @property
    def compose_file(self) -> Path:
        return self.recipe_path / "compose.yaml"

    def to_json(self) -> dict:
        return {"version": self.version, "date": self.date, "recipe": str(self.recipe_path),
                "recipe_sha256": self.recipe_sha256, "builds": self.builds, "resources": self.resources,
                "changelog": self.changelog, "upgrades_from": list(self.upgrades_from)}


class App:
    """One app entry. ``summary`` is cheap (from the index); ``data`` (the whole entry) loads on first use."""

    def __init__(self, app_id: str, summary: dict, file: Path, sources: Path, versions: tuple[str, ...],
                 load: "Callable[[bool], dict]") -> None:
        self.id, self._summary, self.file, self.sources, self.versions = app_id, summary, file, sources, versions
        self._load = load

    data_sha256 = ""  # of the bytes ``data`` was parsed from, once loaded

    @cached_property
    def data(self) -> dict:
        """The entry as this client parsed it from the app file: what install verifies and acts on."""
        data, self.data_sha256 = self._load(False)
        return data

    @cached_property
    def view(self) -> dict:
        """The entry to display (``catalog show``): may be the publisher's parsed copy (ENTRIES_DIR).

        Nothing checks the signed snapshot before a display, so a copy read here could be
        an older, validly signed entry put in its place; it is therefore never kept in the
        cache and never used by ``data``, which install checks the signature on.
        """
        return self.__dict__.get("data") or self._load(True)[0]

    @cached_property
    def signed_versions(self) -> tuple[str, ...]:
        """The versions of ``data`` (the entry install verifies), newest first.

        ``versions`` is a copy: from the cache, or from the publisher's index.json, which
        list and search take without checking the signed snapshot. Install resolves from
        the entry itself, so that no such copy can choose the release it installs.
        """
        from ksad.versions import sort_versions

        return tuple(sort_versions(str(raw["version"]) for raw in self.data["releases"]))

    @property
    def latest(self) -> str:
        return self.versions[0]

    def text(self, key: str, lang: str) -> str:
        value = self.view.get(key) or {}
        return value.get(lang) or value.get("en") or ""

    def short_description(self, lang: str) -> str:
        return self._summary["description"].get(lang) or self._summary["description"]["en"]

    @property
    def publisher_code(self) -> str:
        return self._summary["publisher_code"]

    @property
    def is_standin(self) -> bool:
        return self._summary["standin"]

    def search_text(self) -> str:
        return self._summary["search"]

    def release(self, version: str) -> Release:
        for raw in self.data["releases"]:
            if str(raw["version"]) == version:
                return self._release(raw, version)
        raise NotFoundError("version.none_match", app=self.id, spec=f"=={version}",
                            available=", ".join(self.signed_versions))

    def releases(self, entry: dict | None = None) -> list[Release]:
        """Every release, newest first, of *entry* (``data`` unless given, e.g. ``view``)."""
        by_version = {str(raw["version"]): raw for raw in (entry or self.data)["releases"]}
        missing = [v for v in self.versions if v not in by_version]
        if missing:
            raise NotFoundError("version.none_match", app=self.id, spec=f"=={missing[0]}",
                                available=", ".join(self.versions))
        return [self._release(by_version[v], v) for v in self.versions]

    def _release(self, raw: dict, version: str) -> Release:
        return Release(
            app_id=self.id, version=version, date=raw["date"], sources=self.sources, recipe=raw["recipe"]["path"],
            recipe_sha256=raw["recipe"]["sha256"], builds=dict(raw.get("builds") or {}),
            resources=dict(raw.get("resources") or {}), changelog=dict(raw.get("changelog") or {}),
            upgrades_from=tuple(raw.get("upgrades_from") or ()),
        )

    def resolve(self, spec: str | None = None, *, prereleases: bool = False) -> Release:
        """The newest release matching *spec* (a PEP 440 specifier or a bare version)."""
        from ksad.versions import parse_spec, parse_version

        versions = self.signed_versions
        if not spec:
            candidates = [v for v in versions if prereleases or not parse_version(v).is_prerelease] or list(versions)
            return self.release(candidates[0])
        specifier = parse_spec(spec)
        for v in versions:
            if specifier.contains(parse_version(v), prereleases=prereleases or None):
                return self.release(v)
        raise NotFoundError("version.none_match", app=self.id, spec=spec, available=", ".join(versions))

    def summary(self, lang: str) -> dict:
        s = self._summary
        return {"id": self.id, "name": s["name"].get(lang) or s["name"]["en"], "publisher": s["publisher"],
                "publisher_code": s["publisher_code"], "category": s["category"],
                "latest": self.latest, "releases": len(self.versions), "license": s["license"],
                "standin": s["standin"], "description": self.short_description(lang)}


def _summarise(data: dict) -> dict:
    """What list and search need, small enough to keep every app's in one index file."""
    return {"name": data["name"], "publisher": data["publisher"]["name"], "publisher_code": data["publisher"]["code"],
            "category": data["category"], "license": data["license"], "standin": "standin" in data,
            "description": {lang: d["short"] for lang, d in data["description"].items()},
            "search": " ".join([data["id"], data["name"]["id"], data["name"]["en"], data["category"],
                                data["publisher"]["name"], data["description"]["id"]["short"],
                                data["description"]["en"]["short"], " ".join(data.get("keywords") or [])]).casefold()}


@dataclass
class Catalog:
    root: Path
    meta: dict
    cache_dir: Path | None = None

    @cached_property
    def sources(self) -> Path:  # resolved once: every App of a 165-app catalog asks
        value = self.meta.get("sources", ".")
        if not isinstance(value, str) or not value:
            raise InputError("catalog.sources_invalid", file=str(self.root / "catalog.yaml"),
                             got=json.dumps(value, ensure_ascii=False, default=str))
        return (self.root / value).resolve()

    @property
    def apps_dir(self) -> Path:
        return self.root / "apps"

    @cached_property
    def _apps(self) -> dict[str, App]:
        # A draft (no release yet, from import-publiccode) is not installable, so it is not listed.
        return {app.id: app for app in sorted(_load_index(self), key=lambda a: a.id) if app.versions}

    def apps(self) -> list[App]:
        return list(self._apps.values())

    def app(self, app_id: str) -> App:
        if "_apps" not in self.__dict__ and _APP_ID.fullmatch(app_id):
            # One app (show, install): its own file is enough, not a hash of all 165.
            app = _load_app(self, self.apps_dir / f"{app_id}.yaml")
            if app is not None and app.id == app_id and app.versions:
                return app
        try:
            return self._apps[app_id]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(app_id, list(self._apps), n=3)
            suggest = f" (did you mean: {', '.join(close)}?)" if close else ""
            raise NotFoundError("app.unknown", app=app_id, catalog=str(self.root), suggest=suggest) from None

    def search(self, text: str, lang: str) -> list[App]:
        needle = text.casefold()
        return [app for app in self.apps() if needle in app.search_text()]


_APP_ID = re.compile(r"[a-z][a-z0-9-]{1,39}")  # the schema's id pattern: also a safe file name


def open_catalog(root: Path, cache_dir: Path | None = None) -> Catalog:
    root = Path(root)
    if not (root / "apps").is_dir():
        raise NotFoundError("catalog.missing", path=str(root))
    return Catalog(root=root, meta=_load_meta(root, cache_dir), cache_dir=cache_dir)


def _load_meta(root: Path, cache_dir: Path | None) -> dict:
    """catalog.yaml, remembered by its bytes' sha256: a warm command then needs no YAML parser at all.

    A few hundred bytes: reading them costs no more than a stat, and no edit can hide from it.
    """
    meta_file = root / "catalog.yaml"
    try:
        raw = meta_file.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise InputError("file.unreadable", file=str(meta_file), problem=exc.strerror or str(exc)) from None
    digest = hashlib.sha256(raw).hexdigest()
    cached = None
    if cache_dir is not None:
        cached = _catalog_cache(root, cache_dir) / "meta.json"
        try:
            blob = json.loads(cached.read_bytes())
            if blob["sha256"] == digest and isinstance(blob["meta"], dict):
                return blob["meta"]
        except (OSError, ValueError, KeyError, TypeError):  # none yet, torn, or not what ksad writes
            pass
    shipped = _shipped_blob(root).get("catalog")
    if isinstance(shipped, dict) and shipped.get("sha256") == digest and isinstance(shipped.get("meta"), dict):
        meta = shipped["meta"]
    else:
        from ksad import yamlio

        meta = _plain(yamlio.load_mapping(meta_file, raw=raw, with_lines=False).data)
    if cached is not None:
        from ksad.fsutil import write_cache

        try:
            write_cache(cached, json.dumps({"sha256": digest, "meta": meta}))
        except OSError:
            pass
    return meta


# --- loading with a cache --------------------------------------------------------------
#
# The index (one small JSON file) holds, per app file, its stat signature, content hash,
# summary and versions: enough for list and search. Each whole entry is cached on its
# own, named by content hash, and read only when a command needs that app. A changed
# file (other stat signature) is re-read, and re-parsed only if its content changed.


def _cache_dir(catalog: Catalog) -> Path | None:
    return _catalog_cache(catalog.root, catalog.cache_dir)


def _catalog_cache(root: Path, cache_dir: Path | None) -> Path | None:
    """One directory per catalog and ksad: an entry kept as checked was checked by this code
    and schema (an upgrade that tightens the schema must not be served an older verdict)."""
    if cache_dir is None:
        return None
    from ksad.hashing import code_stamp

    catalog = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:16]
    return Path(cache_dir) / f"catalog-{catalog}-{code_stamp()[:12]}"


def _drop_other_code_caches(cache: Path) -> None:
    """Remove what another ksad kept for this catalog (called when this one starts its own)."""
    catalog = cache.name.rsplit("-", 1)[0]
    try:
        others = [p for p in cache.parent.iterdir()
                  if p != cache and (p.name == catalog or p.name.startswith(catalog + "-"))]
    except OSError:
        return
    if not others:
        return  # the usual case; shutil costs ~4 ms to import
    import shutil

    for other in others:
        shutil.rmtree(other, ignore_errors=True)


def _stat_sig(path: Path) -> list[int]:
    """parsecache.kept_sig: empty, matching nothing, if the file is gone or changed just now."""
    from ksad.parsecache import kept_sig

    return kept_sig(str(path))


# --- the catalog's own index (like Helm's index.yaml) ---------------------------------
#
# With no cache yet (a fresh clone, a new KSAD_HOME), parsing 10,000 releases of YAML
# takes seconds. The publisher therefore ships INDEX_FILE: per app file, its sha256 and
# the same summary and sorted versions the cache keeps. A client uses an index entry
# only for a file whose bytes hash to that sha256, so a stale index costs speed, never
# correctness. Whole entries are shipped parsed too, one file per app in ENTRIES_DIR
# (in the index they made every list and search decode 6 MB), but only `catalog show`
# reads them (App.view); install parses the YAML itself and checks the publisher's
# signature on what it parsed. The index pins each entry file by sha256 ("entry"), and
# the snapshot pins the index: listing 5 MB of entries in the snapshot instead would
# make every snapshot check (install, mou list) hash them (+10 ms) for files it never reads.

INDEX_FILE = "index.json"
# MoUs, revocations and the keyring, parsed: a file of its own, since at 514 MoUs it is five
# times the index and list, search and show would decode it for nothing (~20 ms).
DOCUMENTS_FILE = "documents.json"
# apps/<stem>.yaml parsed, as ENTRIES_DIR/<stem>.json: {"format", "sha256" of the YAML, "data"}.
ENTRIES_DIR = "entries"
_SUMMARY_KEYS = {"name", "publisher", "publisher_code", "category", "license", "standin", "description", "search"}


def _index_entry(digest: str, data: dict) -> dict:
    from ksad.versions import sort_versions

    return {"sha256": digest, "summary": _summarise(data), "id": data["id"],
            "versions": sort_versions(str(r["version"]) for r in data["releases"])}


def build_index(root: Path) -> dict:
    """The index of the catalog at *root*; an invalid entry stops it (InputError listing its problems)."""
    return _build(root, None)[0]


def _build(root: Path, cache: Path | None, digests: StatDigests | None = None,
           meanwhile: Callable[[], Any] = lambda: None) -> tuple[dict, dict[str, tuple[str, Callable[[], str]]], Any]:
    """(the index, {ENTRIES_DIR file name: (sha256 of its text, a function making the text)},
    what *meanwhile* returned: it runs in this process while worker processes parse entries).

    *cache*: the catalog's cache directory. There install and list keep each entry's
    parse by its sha256 (165 entries of 60 releases take ~2 s to parse), and this keeps
    each content's index entry (which pins its entry text): an unchanged catalog is
    re-indexed without decoding or encoding any entry. *digests*: the app files' sha256
    by stat signature, so an unchanged one is not even read.
    """
    digests = digests or StatDigests(None)
    memo_file = cache / "built.json" if cache is not None else None
    memo = _read_memo(memo_file, "apps")
    found = []
    for path in sorted((Path(root) / "apps").glob("*.yaml")):
        try:
            _, digest, raw = digests.read(f"apps/{path.name}", str(path))  # raw: None if known unchanged
        except OSError as exc:
            raise InputError("file.unreadable", file=str(path), problem=exc.strerror or str(exc)) from None
        kept = memo.get(digest)
        found.append((path, digest, raw, kept if _sound_entry(kept) and kept.get("id") == path.stem else None))
    pool = _parse_in_workers(cache, [(path, digest, raw) for path, digest, raw, kept in found if kept is None])
    try:
        done = meanwhile()
        parsed = {digest: result for batch, results in pool.results() if results is not None
                  for (_, digest, _), result in zip(batch, results)} if pool is not None else {}
    finally:
        if pool is not None:
            pool.close()
    apps, entries, used = {}, {}, {}
    for path, digest, raw, kept in found:
        if kept is not None:
            entry, text = kept, (lambda p=path, d=digest: _build_entry(d, _parsed_entry(cache, p, None, d))[1])
        else:
            entry, made = _build_entry(digest, _parsed_entry(cache, path, raw, digest, parsed.get(digest)))
            text = lambda t=made: t  # noqa: E731
        apps[path.name] = used[digest] = entry
        entries[f"{path.stem}.json"] = (entry["entry"], text)
    if memo_file is not None and used != memo:
        _write_memo(memo_file, "apps", used)
    blob: dict = {"format": CACHE_FORMAT, "apps": apps}
    meta = _catalog_meta(root, memo_file)
    if meta is not None:
        blob["catalog"] = meta
    return blob, entries, done


_MEMO_PARTS = ("apps", "documents", "catalog")
_memos: dict[str, tuple[Any, dict]] = {}  # built.json -> (stat signature, its parts)


def _memo_blob(file: Path) -> dict:
    """The catalog cache's built.json, decoded once a process (again only if the file changed since)."""
    from ksad.parsecache import stat_sig

    sig = stat_sig(str(file))
    kept = _memos.get(str(file))
    if kept is not None and sig is not None and kept[0] == sig:
        return kept[1]
    blob: dict = {p: {} for p in _MEMO_PARTS}
    try:
        found = json.loads(file.read_bytes())
        if found["format"] == CACHE_FORMAT and found["code"] == code_sha256():  # a changed summary would go stale
            blob.update({p: found[p] for p in _MEMO_PARTS if isinstance(found.get(p), dict)})
    except (OSError, ValueError, KeyError, TypeError):
        pass
    _memos[str(file)] = (sig, blob)
    return blob


def _read_memo(file: Path | None, part: str) -> dict:
    """One part of the catalog cache's built.json ({} without a cache)."""
    return _memo_blob(file)[part] if file is not None else {}


def _write_memo(file: Path, part: str, value: dict) -> None:
    from ksad.fsutil import write_cache
    from ksad.parsecache import stat_sig

    blob = {**_memo_blob(file), part: value}
    try:
        write_cache(file, json.dumps({"format": CACHE_FORMAT, "code": code_sha256(), **blob}, separators=(",", ":")))
        _memos[str(file)] = (stat_sig(str(file)), blob)
    except OSError:
        pass  # a read-only home only costs speed


_code: list[str] = []


def code_sha256() -> str:
    """ksad's modules and schemas: a remembered result of other code is not used."""
    if not _code:
        h = hashlib.sha256()
        for path in code_files():
            with open(path, "rb") as fh:
                h.update(f"{path.parent.name}/{path.name}".encode() + b"\0" + hashlib.sha256(fh.read()).digest())
        _code.append(h.hexdigest())
    return _code[0]


# Parsing app files in worker processes pays for starting them from about this much YAML
# (~15 ms of parsing and checking per 44 KB entry of 60 releases; the bundled catalog has 28 KB).
PARALLEL_BYTES = 1 << 20
PARSE_BATCH = 6


def _parse_in_workers(cache: Path | None, found: list[tuple[Path, str, bytes | None]]):
    """The app files not in the parse cache, given to worker processes (ksad.workers) when there is
    enough to divide; each gives ("ok", data) or ("refused", key, hint, fields). None: none started."""
    todo = [(str(path), digest, raw) for path, digest, raw in found
            if raw is not None and not (cache is not None and (cache / f"{digest}.json").exists())]
    if sum(len(raw) for _, _, raw in todo) < PARALLEL_BYTES:
        return None
    from ksad.workers import Workers

    pool = Workers(_parse_batch)
    for i in range(0, len(todo), PARSE_BATCH):
        if not pool.submit(todo[i:i + PARSE_BATCH]):
            break  # what no worker took is parsed in this process
    return pool


def _parse_batch(items: list[tuple[str, str, bytes]]) -> list[tuple]:
    out: list[tuple] = []
    for path, _, raw in items:
        try:
            out.append(("ok", _parse_entry(Path(path), raw)))
        except InputError as exc:  # raised in the parent, where parsing in order would have met it
            out.append(("refused", exc.key, exc.hint_key, exc.fields))
    return out


def _parsed_entry(cache: Path | None, path: Path, raw: bytes | None, digest: str,
                  parsed: tuple | None = None) -> dict:
    """The entry whose bytes hash to *digest*: as kept in the catalog's cache, else parsed and kept.

    *raw*: the bytes, if read already; else the file is read, and must still be what was hashed.
    *parsed*: what a worker made of *raw* (see :func:`_parse_in_workers`).
    """
    kept = _kept_parse(cache, path, digest)
    if kept is not None:
        return kept
    if parsed is not None:  # a worker's parse of *raw*
        if parsed[0] == "refused":
            raise InputError(parsed[1], parsed[2], **parsed[3])
        data = parsed[1]
    else:
        if raw is None:
            actual, raw = read_hashed(path)
            if actual != digest:  # edited while the index was being written: its entry would not match
                raise ConflictError("catalog.changed_meanwhile", file=str(path))
        data = _parse_entry(path, raw)
    if cache is not None:
        from ksad.fsutil import write_cache

        try:
            write_cache(cache / f"{digest}.json", json.dumps(data))
        except OSError:
            pass  # a read-only home only costs speed
    return data


def _build_entry(digest: str, data: dict) -> tuple[dict, str]:
    """(the index's entry for an app file's content, the text of its ENTRIES_DIR file)."""
    text = _entry_text({"format": CACHE_FORMAT, "sha256": digest, "data": data})
    return {**_index_entry(digest, data), "entry": hashlib.sha256(text.encode()).hexdigest()}, text


def _catalog_meta(root: Path, memo_file: Path | None = None) -> dict | None:
    """The index's record of catalog.yaml (None without one); its parse remembered in *memo_file*."""
    try:
        with open(Path(root) / "catalog.yaml", "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return None
    digest = hashlib.sha256(raw).hexdigest()
    kept = _read_memo(memo_file, "catalog").get(digest)
    if isinstance(kept, dict):
        return {"sha256": digest, "meta": kept}
    from ksad import yamlio

    meta = _plain(yamlio.load_mapping(Path(root) / "catalog.yaml", with_lines=False, raw=raw).data)
    if memo_file is not None:
        _write_memo(memo_file, "catalog", {digest: meta})
    return {"sha256": digest, "meta": meta}


def _json_lines(blob: dict, key: str) -> str:
    """*blob* as JSON with one line per item of blob[key] (one app, one MoU): a diff shows what changed.

    Not indent=: json's indenting encoder is pure Python, ~0.3 s for 514 MoUs on every index.
    """
    def compact(value: Any) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    parts = []
    for name in sorted(blob):
        if name == key and blob[key]:
            items = ",\n".join(f"{compact(k)}: {compact(v)}" for k, v in sorted(blob[key].items()))
            parts.append(f"{compact(name)}: {{\n{items}\n}}")
        else:
            parts.append(f"{compact(name)}: {compact(blob[name])}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _entry_text(entry: dict) -> str:
    # compact: every install hashes these files with the snapshot, and nobody reviews them
    return json.dumps(entry, separators=(",", ":"), ensure_ascii=False) + "\n"


def build_documents(root: Path, cache_dir: Path | None = None) -> dict:
    docs = _documents(Path(root), cache_dir)
    return {"format": CACHE_FORMAT, "documents": docs, "parties": _parties(docs)}


def _parties(docs: dict) -> dict[str, list[str]]:
    """{sha256: [id, pioneer's code, partner's code]} of each MoU in *docs*.

    A region's MoU list chooses by these (``ksad.mou._region_mous``); from this one line of
    documents.json a first run decodes no MoU it does not show (all 514: 18-22 ms here).
    """
    from ksad.mou import MOU_DIR, mou_parties

    rows = {doc["sha256"]: mou_parties(doc["data"]) for rel, doc in docs.items()
            if rel.startswith(f"{MOU_DIR}/") and "revokes" not in doc["data"]}
    return {sha: row for sha, row in rows.items() if row is not None}


def write_index(root: Path, *, dry_run: bool = False, cache_dir: Path | None = None) -> tuple[list[Path], int, bool]:
    """([index file, documents file, entries directory], apps indexed, whether any changed).

    Writes only what changed (and removes entries of app files gone), nothing on *dry_run*.
    *cache_dir*: ksad's cache (default: the environment's), where each file's parse is kept.
    """
    from ksad.fsutil import atomic_write

    root = Path(root)
    if cache_dir is None:
        from ksad.settings import Settings

        cache_dir = Settings.from_env().cache_dir
    from ksad.parsecache import collector_paused

    cache = _catalog_cache(root, cache_dir)
    # every input and output file's sha256 by stat signature: an unchanged catalog is re-indexed unread
    digests = StatDigests(cache / "digests.json" if cache is not None else None)
    with collector_paused():
        # the MoUs and keyring are parsed here while worker processes parse the app files
        index, entries, documents = _build(root, cache, digests,
                                           meanwhile=lambda: _documents_text(root, cache_dir, cache, digests))
        index_text = _json_lines(index, "apps")
        texts = {root / INDEX_FILE: (_text_sha256(index_text), lambda: index_text), root / DOCUMENTS_FILE: documents}
    texts.update({root / ENTRIES_DIR / name: made for name, made in entries.items()})
    gone = [p for p in sorted((root / ENTRIES_DIR).glob("*.json")) if p.name not in entries]
    changed = bool(gone)
    for path, (digest, text) in texts.items():
        if digests.sha256(os.path.relpath(path, root), str(path)) == digest:
            continue
        changed = True
        if not dry_run:
            try:
                path.parent.mkdir(exist_ok=True)
                atomic_write(path, text())
            except OSError as exc:
                raise InputError("file.unwritable", file=str(path), problem=exc.strerror or str(exc)) from None
    if not dry_run:
        for path in gone:
            try:
                path.unlink()
            except OSError as exc:
                raise InputError("file.unwritable", file=str(path), problem=exc.strerror or str(exc)) from None
    digests.save()  # outputs written just now are within the racy second: hashed again next time
    return [root / INDEX_FILE, root / DOCUMENTS_FILE, root / ENTRIES_DIR], len(index["apps"]), changed


def _text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _documents_text(root: Path, cache_dir: Path | None, cache: Path | None,
                    digests: StatDigests) -> tuple[str, Callable[[], str]]:
    """(sha256 of documents.json's text, a function making it), remembered by its files' digests."""
    from ksad.mou import MOU_DIR, REVOCATION_DIR, _yaml_names
    from ksad.trust import KEYRING_FILE

    names = [f"{sub}/{n}" for sub in (MOU_DIR, REVOCATION_DIR) for n in _yaml_names(root / sub)] + [KEYRING_FILE]
    root_s = str(root)
    inputs = [[name, digest] for name in names
              if (digest := digests.sha256(name, os.path.join(root_s, name))) is not None]
    key = _text_sha256(json.dumps(inputs))
    memo_file = cache / "built.json" if cache is not None else None
    kept = _read_memo(memo_file, "documents").get(key)
    if isinstance(kept, str):
        return kept, lambda: _json_lines(build_documents(root, cache_dir), "documents")
    text = _json_lines(build_documents(root, cache_dir), "documents")
    if memo_file is not None:
        _write_memo(memo_file, "documents", {key: _text_sha256(text)})
    return _text_sha256(text), lambda: text


def _documents(root: Path, cache_dir: Path | None = None) -> dict:
    """MoUs, revocations and the keyring, parsed: signatures are verified on them at every use.

    With *cache_dir*, each file's parse is kept there by its sha256, in a cache of its own:
    the MoU caches of install and list may hold content decoded from documents.json, and
    what documents.json says must come from the files themselves.
    """
    from ksad.mou import MOU_DIR, REVOCATION_DIR, _load
    from ksad.parsecache import ParsedCache
    from ksad.trust import KEYRING_FILE

    from ksad import yamlio

    docs = {}
    parsers = [(f"{sub}/{p.name}", p, lambda p, raw, r=revocation: _load(p, revocation=r, raw=raw))
               for sub, revocation in ((MOU_DIR, False), (REVOCATION_DIR, True))
               for p in sorted((root / sub).glob("*.yaml"))]
    parsers.append((KEYRING_FILE, root / KEYRING_FILE,
                    lambda p, raw: yamlio.load_mapping(p, with_lines=False, raw=raw).data))
    cache = ParsedCache("indexed", root, cache_dir) if cache_dir is not None else None
    for rel, path, parse in parsers:
        if not path.exists():
            continue
        try:
            if cache is None:
                digest, raw = read_hashed(path)  # what is hashed is what is parsed
                kept = None
            else:
                digest, kept, raw = cache.lookup(path)
            if kept is None:
                kept = _plain(parse(path, raw))  # a miss comes with the bytes hashed
                if cache is not None:
                    cache.store(digest, kept)
            docs[rel] = {"sha256": digest, "data": kept}
        except InputError:
            continue  # left out: clients parse it and report its problems themselves
    if cache is not None:
        cache.save(prune=True)
    return docs


def shipped_documents(root: Path) -> ShippedDocuments:
    """{sha256: parsed content} of the MoUs, revocations and keyring in the catalog's index."""
    return _read_once(str(Path(root) / DOCUMENTS_FILE), _docs, ShippedDocuments) or ShippedDocuments(b"")


def _read_once(path: str, memo: dict, make: Callable[[bytes], Any]) -> Any:
    """``make(the file's bytes)``, None if unreadable; kept in *memo* with the file's stat
    signature and sha256 unless None, and made again only when the file changed."""
    from ksad.parsecache import stat_sig

    sig = stat_sig(path)
    kept = memo.get(path)
    if kept is not None and sig is not None and kept[0] == sig:
        return kept[1]
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    made = make(raw)
    if made is not None:
        memo[path] = (sig, made, hashlib.sha256(raw).hexdigest())
    return made


_docs: dict[str, tuple[Any, ShippedDocuments, str]] = {}  # documents.json -> (stat signature, it, sha256)
_DOC_LINE = re.compile(rb'"([^"\\]+)": (\{"data":.*,"sha256":"([0-9a-f]{64})"\}),?')


class ShippedDocuments:
    """documents.json's documents by sha256 and its MoUs' parties, each document decoded when asked for.

    A first ``mou list --region`` reads the keyring and a handful of MoUs of 514: decoding the
    whole file was 18-22 ms of it, the keyring's line alone is ~3.5 ms. The file is cut into
    its documents' lines only when it is laid out exactly as :func:`_json_lines` writes it
    (one line per document, each ending in its sha256, names without escapes, each once).
    A line that does not decode as one value after its name (two documents run together),
    or a sha256 no line names, and the whole file is decoded after all, as is a file laid out
    any other way. So whatever decoding the whole file gives for a sha256 is given. A file
    edited by hand into one a JSON parser nests otherwise (a bracket moved from one line to
    another) may also give a document found on its own line that the parser would put
    elsewhere: content the file holds for that sha256 all the same, used as any shipped
    content is (schema-checked, its signatures verified, kept only if the snapshot vouches
    for the file). tests/test_catalog_index.py checks both on files mutated at random.
    """

    def __init__(self, raw: bytes) -> None:
        self._raw = raw
        self._decoded: dict[str, Any] = {}
        self._lines: dict[str, bytes] = {}  # sha256 -> its document's line, not decoded yet
        self._whole: dict[str, Any] | None = None  # every document, when the file was decoded whole
        self._rest: dict = {}  # the file's other members (format, parties), if it has our format
        cut = self._cut(raw)
        if cut is None:
            self._decode_whole(raw)
        elif cut[1].get("format") == CACHE_FORMAT:
            self._lines, self._rest = cut
        else:
            self._whole = {}

    @staticmethod
    def _cut(raw: bytes) -> tuple[dict[str, bytes], dict] | None:
        lines = raw.split(b"\n")
        if len(lines) < 5 or lines[:2] != [b"{", b'"documents": {'] or lines[-2:] != [b"}", b""]:
            return None
        try:
            end = lines.index(b"},", 2)
        except ValueError:
            return None
        by_sha: dict[str, bytes] = {}
        names = set()
        last = end - 1
        for i in range(2, end):
            line = lines[i]
            m = _DOC_LINE.fullmatch(line)
            # a comma after every member but the last; a name once (JSON keeps the last of a name)
            if m is None or line.endswith(b",") == (i == last) or m.group(1) in names:
                return None
            names.add(m.group(1))
            by_sha[m.group(3).decode()] = m.group(2)
        try:
            rest = json.loads(b"{" + b"\n".join(lines[end + 1:-2]) + b"}")
        except ValueError:
            return None
        if not isinstance(rest, dict) or "documents" in rest:
            return None
        return by_sha, rest

    def _decode_whole(self, raw: bytes) -> None:
        self._whole, self._rest = {}, {}
        try:
            blob = json.loads(raw)
        except ValueError:
            return
        if not isinstance(blob, dict) or blob.get("format") != CACHE_FORMAT:
            return
        self._rest = {k: v for k, v in blob.items() if k != "documents"}
        docs = blob.get("documents")
        if isinstance(docs, dict):
            self._whole = {d["sha256"]: d["data"] for d in docs.values() if isinstance(d, dict)
                           and isinstance(d.get("sha256"), str) and isinstance(d.get("data"), dict)}

    def get(self, sha256: str, default: Any = None) -> Any:
        if self._whole is not None:
            return self._whole.get(sha256, default)
        if sha256 not in self._decoded:
            line = self._lines.get(sha256)
            if line is None:  # not indexed (changed since), or in a line that runs two documents together
                self._decode_whole(self._raw)
                return self.get(sha256, default)
            try:
                doc = json.loads(line)
            except ValueError:
                doc = None
            if not (isinstance(doc, dict) and doc.get("sha256") == sha256 and isinstance(doc.get("data"), dict)):
                self._decode_whole(self._raw)  # not one member (two run together): the whole file says
                return self.get(sha256, default)
            self._decoded[sha256] = doc["data"]
        return self._decoded[sha256]

    def parties(self, sha256: str) -> list[str] | None:
        """[id, pioneer's code, partner's code] the index gives for the MoU of this content, or None."""
        table = self._rest.get("parties")
        row = table.get(sha256) if isinstance(table, dict) else None
        return row if isinstance(row, list) and len(row) == 3 and all(isinstance(v, str) for v in row) else None

    def mous(self) -> dict[str, list[str]]:
        """Every row of the parties table: sha256 -> [id, pioneer's code, partner's code]."""
        table = self._rest.get("parties")
        return {sha: row for sha in (table if isinstance(table, dict) else ()) if (row := self.parties(sha))}


def sound_document(kind: str, data: Any) -> bool:
    """Shipped content is used only if it passes the schema (it is parsed from YAML otherwise)."""
    return isinstance(data, dict) and _fast_valid(kind, data)


_blobs: dict[str, tuple[Any, dict, str]] = {}  # shipped file -> (stat signature, content, sha256): decoded once


def _shipped_json(path: Path, key: str) -> dict:
    """A file the catalog's publisher wrote (index, documents) if it has our format and *key*; else {}."""
    def decoded(raw: bytes) -> dict | None:
        try:
            blob = json.loads(raw)
        except ValueError:
            return None
        ours = isinstance(blob, dict) and blob.get("format") == CACHE_FORMAT and isinstance(blob.get(key), dict)
        return blob if ours else None

    return _read_once(str(path), _blobs, decoded) or {}


def shipped_documents_vouched(root: Path) -> bool:
    """Whether the documents.json this process decoded is what the signed snapshot lists.

    Content taken from it may be kept in the cache only then: a command that checks no
    snapshot (validate, export) could otherwise keep, by a file's digest, content another
    file's signature covers (a replaced revocation), for later installs to trust.
    """
    from ksad.parsecache import known_digest

    path = str(Path(root) / DOCUMENTS_FILE)
    kept = _docs.get(path)
    return kept is not None and known_digest(os.path.abspath(path)) == kept[2]


def _shipped_blob(root: Path) -> dict:
    return _shipped_json(Path(root) / INDEX_FILE, "apps")


def _shipped_index(root: Path) -> dict:
    return {name: e for name, e in _shipped_blob(root).get("apps", {}).items() if _sound_entry(e)}


def _sound_entry(entry) -> bool:
    """Shaped as _index_entry makes it: anything else is ignored (and the file parsed)."""
    try:
        s = entry["summary"]
        return (isinstance(entry["sha256"], str) and isinstance(entry["id"], str)
                and isinstance(entry["versions"], list) and all(isinstance(v, str) for v in entry["versions"])
                and set(s) == _SUMMARY_KEYS and isinstance(s["name"]["en"], str)
                and isinstance(s["description"]["en"], str) and isinstance(s["search"], str)
                and all(isinstance(s[k], str) for k in ("publisher", "publisher_code", "category", "license"))
                and isinstance(s["standin"], bool) and isinstance(entry.get("entry", ""), str))
    except (KeyError, TypeError):
        return False


def _cached_index(cache: Path | None) -> dict:
    if cache is not None:
        try:
            blob = json.loads((cache / "index.json").read_text(encoding="utf-8"))
            if blob.get("format") == CACHE_FORMAT and isinstance(blob["files"], dict):
                return blob["files"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
    return {}


def _index_hit(catalog: Catalog, path: Path, index: dict, cache: Path | None = None) -> tuple[dict, dict | None]:
    """(the index entry of the app file at *path*, with its stat signature; the entry parsed, if it was).

    From the cache if the file's stat is unchanged, else from the shipped index if its
    bytes hash to what the index says; else from the parse the cache kept of these bytes
    (one app shown or exported twice from a catalog nobody indexed: no second parse);
    parsed only if none holds it.
    """
    sig = _stat_sig(path)
    hit = index.get(path.name)
    # An entry whose id is not the file's name is no entry of it (a copied file, kept by
    # an older ksad, or an index written by hand): the file is read, and refused.
    if not isinstance(hit, dict) or hit.get("id") != path.stem:
        hit = None
    if hit is not None and sig and hit.get("stat") == sig:
        return hit, None
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    parsed = None
    if hit is None or hit.get("sha256") != digest:
        hit = _shipped_blob(catalog.root).get("apps", {}).get(path.name)
        if not _sound_entry(hit) or hit["sha256"] != digest or hit["id"] != path.stem:
            parsed = _kept_parse(cache, path, digest) or _parse_entry(path, raw)
            hit = _index_entry(digest, parsed)
    return {**hit, "stat": sig}, parsed


def _kept_parse(cache: Path | None, path: Path, digest: str) -> dict | None:
    """The entry parsed from bytes hashing to *digest*, as a command kept it (only checked ones are),
    if it is the entry of the file at *path*: the same bytes under another name (a copied file)
    are not, and are parsed, so that its id naming another file is reported."""
    if cache is None:
        return None
    try:
        with open(cache / f"{digest}.json", "rb") as fh:
            data = json.loads(fh.read())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("id") == path.stem and isinstance(
        data.get("releases"), list) else None


def _load_index(catalog: Catalog) -> list[App]:
    cache = _cache_dir(catalog)
    index = _cached_index(cache)
    apps, fresh, dirty = [], {}, False
    parsed: dict[str, dict] = {}
    for path in sorted(catalog.apps_dir.glob("*.yaml")):
        hit, data = _index_hit(catalog, path, index, cache)
        if data is not None:
            parsed[hit["sha256"]] = data
        dirty = dirty or hit is not index.get(path.name)
        fresh[path.name] = hit
        apps.append(App(hit["id"], hit["summary"], path, catalog.sources, tuple(hit["versions"]),
                        _loader(cache, hit, path, data)))
    if cache is not None and (dirty or set(fresh) != set(index)):
        from ksad.fsutil import write_cache

        if not index:
            _drop_other_code_caches(cache)
        try:
            for digest, data in parsed.items():
                write_cache(cache / f"{digest}.json", json.dumps(data))
            write_cache(cache / "index.json", json.dumps({"format": CACHE_FORMAT, "files": fresh}))
        except OSError:
            pass  # a read-only home only costs speed
    return apps


def _load_app(catalog: Catalog, path: Path) -> App | None:
    """The app of the one file at *path* (None if there is none), as _load_index would make it.

    The cache's index is only read, never written: the next command that lists
    every app writes it whole.
    """
    if not path.is_file():
        return None
    cache = _cache_dir(catalog)
    hit, data = _index_hit(catalog, path, _cached_index(cache), cache)
    if data is not None and cache is not None:
        from ksad.fsutil import write_cache

        try:  # parsed: kept for the next command, like _load_index keeps it
            write_cache(cache / f"{hit['sha256']}.json", json.dumps(data))
        except OSError:
            pass
    return App(hit["id"], hit["summary"], path, catalog.sources, tuple(hit["versions"]),
               _loader(cache, hit, path, data))


def _loader(cache: Path | None, hit: dict, path: Path, data: dict | None):
    """``load(shipped_ok)``: (the entry, the sha256 of the bytes it is the parse of)."""
    digest = hit["sha256"]

    def load(shipped_ok: bool) -> tuple[dict, str]:
        if data is not None:
            return data, digest
        kept = _kept_parse(cache, path, digest)
        if kept is not None:
            return kept, digest
        if shipped_ok:
            entry = _shipped_entry(cache, path, digest, hit)
            if entry is not None:
                return entry, digest
        raw = path.read_bytes()
        entry = _parse_entry(path, raw)
        actual = hashlib.sha256(raw).hexdigest()
        if cache is not None and actual == digest:
            from ksad.fsutil import write_cache

            try:  # kept for the next command (the summary came from the shipped index)
                write_cache(cache / f"{digest}.json", json.dumps(entry))
            except OSError:
                pass
        return entry, actual

    return load


def _shipped_entry(cache: Path | None, path: Path, digest: str, hit: dict) -> dict | None:
    """The publisher's parse of the app file at *path* (bytes hashing to *digest*), if sound; else None.

    Sound: the file the index entry *hit* pins, written for exactly these bytes, named for
    the file, with exactly the versions the index lists, and valid by the schema, so
    whatever shows it finds what it looks for.
    """
    versions = hit["versions"]
    pinned = hit.get("entry")  # none in an index from before entries were shipped, or in our own parse
    try:
        with open(path.parent.parent / ENTRIES_DIR / f"{path.stem}.json", "rb") as fh:
            raw = fh.read()
        if hashlib.sha256(raw).hexdigest() != pinned:
            return None
        blob = json.loads(raw)
        data = blob["data"]
        if blob["format"] != CACHE_FORMAT or blob["sha256"] != digest or data["id"] != path.stem:
            return None
        shipped = [str(r["version"]) for r in data["releases"]]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if len(shipped) != len(versions) or set(shipped) != set(versions):
        return None
    return data if _schema_valid_once("app", data, raw, cache) else None


def _schema_valid_once(kind: str, data: Any, raw: bytes, cache: Path | None) -> bool:
    """_fast_valid(kind, data), remembered in *cache* for the exact bytes *data* was decoded from.

    The check itself is quick; importing the validator is not (~10 ms), and a repeated
    `catalog show` would pay it on every run for the same unchanged file. Only the verdict
    is kept (the data is read from the catalog every time), keyed by the schema too.
    """
    marker = None
    if cache is not None:
        marker = cache / "valid" / hashlib.sha256(_schema_sha256(kind).encode() + raw).hexdigest()
        if marker.exists():
            return True
    if not _fast_valid(kind, data):
        return False
    if marker is not None:
        from ksad.fsutil import write_cache

        try:
            write_cache(marker, b"")
        except OSError:
            pass
    return True


_fast_validators: dict = {}


def _schema_sha256(kind: str) -> str:
    return hashlib.sha256((SCHEMA_DIR / f"{kind}.schema.json").read_bytes()).hexdigest()


def _fast_valid(kind: str, data: Any) -> bool:
    """A compiled schema check (fastjsonschema): ~30x faster than jsonschema, but stops at the first error."""
    if kind not in _fast_validators:
        _fast_validators[kind] = _compiled_schema(kind)
    try:
        _fast_validators[kind](data)
        return True
    except Exception:  # noqa: BLE001 - any failure means: take the slow path that explains it
        return False


def _compiled_schema(kind: str):
    """fastjsonschema's validator for *kind*: generated ahead of time, else kept in the cache.

    Generating the code costs 30-60 ms per schema, on every command that checks one
    (install checks MoUs). ksad/validators holds it generated by scripts/gen_validators.py,
    used only while it matches the schema file; otherwise it is generated here and its
    code object kept (marshalled) in the cache, which costs well under 1 ms to load.
    """
    digest = _schema_sha256(kind)
    try:
        shipped = __import__(f"ksad.validators.{kind}", fromlist=["validate"])
        if shipped.SCHEMA_SHA256 == digest:
            return shipped.validate
    except (ImportError, AttributeError):
        pass
    import marshal
    import sys

    from ksad.settings import Settings

    tag = f"{digest[:16]}-{sys.implementation.cache_tag}"
    kept = Settings.from_env().cache_dir / f"schema-{kind}-{tag}.marshal"
    namespace: dict = {}
    try:
        name, code = marshal.loads(kept.read_bytes())
        exec(code, namespace)  # noqa: S102 - our own generated validator
        return namespace[name]
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        pass
    import fastjsonschema

    source = fastjsonschema.compile_to_code(json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_bytes()))
    name = re.search(r"^def (\w+)\(", source, re.M).group(1)  # the first function is the schema's own
    code = compile(source, f"<schema {kind}>", "exec")
    exec(code, namespace)  # noqa: S102
    try:
        from ksad.fsutil import write_cache

        write_cache(kept, marshal.dumps((name, code)))
    except OSError:
        pass  # a read-only home only costs speed
    return namespace[name]


def _parse_entry(path: Path, raw: bytes) -> dict:
    """Parse and validate one app file; any problem stops the command with all of them listed."""
    from ksad import yamlio

    text = raw.decode("utf-8", errors="replace")
    doc = yamlio.parse(text, path, with_lines=False, plain=True)
    data = doc.data if isinstance(doc.data, dict) else None
    if data is not None and _fast_valid("app", data) and not _semantic_problems(data, doc):
        return data
    # something is wrong: parse again keeping line numbers, and report every problem
    doc = yamlio.parse(text, path, plain=True)
    problems = app_problems(doc)
    if problems:
        raise InputError("validation.failed", count=len(problems), problems="\n".join(f"  {p}" for p in problems))
    return doc.data


def app_problems(doc) -> list[Problem]:
    """Every problem of one app entry: schema, versions, identity of file and id."""
    if not isinstance(doc.data, dict):
        return [Problem(str(doc.path), 1, "", _msg("yaml.not_mapping_short"))]
    data = doc.data if doc.plain else _plain(doc.data)
    return schema_problems("app", data, doc) + _semantic_problems(data, doc)


def _semantic_problems(data: dict, doc) -> list[Problem]:
    """What a schema cannot say: the file is named after the id, versions are PEP 440 and unique."""
    from ksad.versions import parse_spec, parse_version

    problems: list[Problem] = []
    if isinstance(data.get("id"), str) and doc.path.stem != data["id"]:
        problems.append(Problem(str(doc.path), doc.line_of(("id",)), "id",
                                _msg("catalog.id_mismatch", id=data["id"], stem=doc.path.stem)))
    seen: set[str] = set()
    for i, rel in enumerate(data.get("releases") or []):
        if not isinstance(rel, dict) or "version" not in rel:
            continue
        text = str(rel["version"])
        try:
            parse_version(text)
        except InputError as exc:
            problems.append(Problem(str(doc.path), doc.line_of(("releases", i, "version")), f"releases[{i}].version", exc.message))
            continue
        if text in seen:
            problems.append(Problem(str(doc.path), doc.line_of(("releases", i, "version")), f"releases[{i}].version",
                                    _msg("catalog.duplicate_version", version=text)))
        seen.add(text)
        for j, spec in enumerate(rel.get("upgrades_from") or []):
            try:
                parse_spec(str(spec))
            except InputError as exc:
                problems.append(Problem(str(doc.path), doc.line_of(("releases", i, "upgrades_from", j)),
                                        f"releases[{i}].upgrades_from[{j}]", exc.message))
    return problems


def _msg(key: str, **fields) -> str:
    from ksad.messages import t

    return t(key, **fields)
