"""`ksad catalog validate`: every file of a catalog checked, and what passed before not checked twice.

A national catalog (165 apps x 60 releases, a recipe directory per release,
514 MoUs) reads ~6 MB of entries and 9,900 recipes; parsing and checking all
of it takes tens of seconds, and a publisher re-runs validate after each edit.
So a check that passed is remembered (``$KSAD_HOME/cache/validated-<catalog>.json``)
under a key naming everything it read: the sha256 of the entry's bytes, of the
recipe directory's tree, of each build context and template the recipe names,
of the keyring and revocations, the day, and of ksad's own checking code and
schemas. Every run still reads and hashes every byte it covers; only a check
whose key is new runs again. Problems and warnings are never remembered: they
are found again, with their lines.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from ksad.catalog import (DOCUMENTS_FILE, ENTRIES_DIR, INDEX_FILE, Problem, _build_entry, _catalog_meta, _msg, _plain,
                          _shipped_blob, _shipped_index, _shipped_json, app_problems, build_documents, code_sha256,
                          schema_problems)
from ksad.errors import InputError, KsadError, NotFoundError
from ksad.hashing import tree_sha256
from ksad.parsecache import StatDigests

if TYPE_CHECKING:
    from ksad.workers import Forked

MEMO_FORMAT = 2


def validate_catalog(root: Path, trust_dir: Path | None = None, cache_dir: Path | None = None) -> tuple[int, list[Problem]]:
    """Check every file of the catalog at *root*; return (files checked, all problems).

    A signed catalog (``snapshot.json`` or ``keys/keyring.yaml`` present) is also
    checked for trust: see :func:`trust_problems`. Warnings come back as problems
    with ``warning=True``. *cache_dir*: where clean verdicts are remembered (None:
    nowhere, everything is checked).
    """
    from ksad.parsecache import collector_paused

    with collector_paused():
        return _validate(Path(root), trust_dir, cache_dir)


def _validate(root: Path, trust_dir: Path | None, cache_dir: Path | None) -> tuple[int, list[Problem]]:
    if not (root / "apps").is_dir():
        raise NotFoundError("catalog.missing", path=str(root))
    run = Run(Memo(root, cache_dir), cache_dir)
    problems: list[Problem] = []
    checked = 0
    meta: dict = {}
    if (root / "catalog.yaml").exists():
        checked += 1
        meta, found = _catalog_file(run, root / "catalog.yaml")
        problems += found
    sources = run.realpath(os.path.join(os.path.abspath(root), str(meta.get("sources", "."))))
    entries: dict[str, Entry] = {}
    files = sorted((root / "apps").glob("*.yaml"))
    checked += len(files)
    preload = Preloader(run, sources)
    unsettled: dict[str, TreesSig | None] = {}  # entry file -> its releases' stat signature, None: settled
    ahead = _settled_ahead(run, files, sources)
    settled: set[str] = set()  # releases keys whose trees the child found unchanged
    try:
        read = []
        for path in files:
            read.append((path, *_check_entry(run, path)))
            entry = read[-1][1]
            if entry is not None:
                if ahead is not None:
                    settled.update(ahead.poll())
                unsettled[path.name] = _unsettled(run, entry, sources, settled)
                if unsettled[path.name] is not None:
                    preload.add(entry)  # its recipes load in workers while the next entry is parsed
        preload.finish()
    finally:
        preload.close()
        if ahead is not None:
            ahead.close()
    for path, entry, found in read:
        problems += found
        if entry is None:
            continue
        entries[path.name] = entry
        checked += len(entry.recipes)
        sig = unsettled[path.name]
        if sig is None:
            continue
        before = len(problems)
        for i, rel in enumerate(entry.releases):
            problems += _release(run, rel, sources, entry, i)
        if sig.keepable and not found and len(problems) == before:
            _keep_releases(run, entry, sources, sig)
    problems += index_problems(root, run, entries, all_clean=len(entries) == len(files))
    problems += trust_problems(root, trust_dir, run=run, entries=entries)
    run.memo.save()
    run.summaries.save({entry.digest for entry in entries.values()})
    run.digests.save()
    return checked, problems


def _catalog_file(run: Run, path: Path) -> tuple[dict, list[Problem]]:
    """catalog.yaml's content, remembered by its bytes: a run with nothing new to parse never
    imports PyYAML (18-31 ms here)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        problem = exc.strerror or str(exc)
        return {}, [Problem(str(path), None, "", _msg("file.unreadable", file=str(path), problem=problem))]
    digest = hashlib.sha256(raw).hexdigest()
    meta = run.memo.get(f"catalog:{digest}")  # kept only when it had no problem
    problems: list[Problem] = []
    if not isinstance(meta, dict):
        from ksad import yamlio

        try:
            doc = yamlio.load_mapping(path, raw=raw)
        except InputError as exc:
            return {}, [Problem(str(path), None, "", exc.message)]
        meta = _plain(doc.data)
        problems = schema_problems("catalog", meta, doc)
        if not problems and json.loads(json.dumps(meta)) == meta:  # kept only if JSON gives it back as parsed
            run.memo.keep(f"catalog:{digest}", meta)
    run.catalog_yaml = {"sha256": digest, "meta": meta}  # as the index records it
    if not isinstance(meta.get("sources", "."), str):
        meta = {k: v for k, v in meta.items() if k != "sources"}  # reported; the default stands in
    return meta, problems


# --- one run's memory -------------------------------------------------------------


class Memo:
    """Keys of checks that passed, from earlier runs; written back holding only this run's."""

    def __init__(self, root: Path, cache_dir: Path | None) -> None:
        self.file = None
        if cache_dir is not None:
            key = hashlib.sha256(str(Path(root).absolute()).encode()).hexdigest()[:16]
            self.file = Path(cache_dir) / f"validated-{key}.json"
        self._code = code_sha256()
        self._kept: dict[str, Any] | None = None
        self._used: dict[str, Any] = {}
        self._new = False

    def _read(self) -> dict[str, Any]:
        if self._kept is None:
            self._kept = {}
            blob = _written_by(self.file, self._code)
            try:
                if blob is not None:
                    values = blob["values"]
                    self._kept = {key: values[i] for key, i in blob["clean"].items()}
            except (KeyError, TypeError, IndexError, AttributeError):
                self._kept = {}
        return self._kept

    def get(self, key: str) -> Any:
        """What was kept with *key* when its check passed (None: not passed, or not remembered)."""
        value = self._read().get(key)
        if value is not None:
            self._used[key] = value
        return value

    def drop(self, key: str) -> None:
        self._used.pop(key, None)

    def beside(self, kind: str) -> Path | None:
        """The file of this catalog's *kind* of remembered facts, next to the memo (None: remember nothing)."""
        return self.file.with_name(self.file.name.replace("validated-", f"{kind}-validate-")) \
            if self.file is not None else None

    def keep(self, key: str, value: Any = 1) -> None:
        self._used[key] = value
        self._new = True

    def save(self) -> None:
        if self.file is None or not self._new and set(self._used) == set(self._read()):
            return
        from ksad.fsutil import atomic_write

        # each distinct value once: 9,900 recipes of a national catalog share a few shapes,
        # and decoding them all again was a tenth of a warm run. Keys keep their order (not
        # sorted): a shape's services are checked, and their problems reported, in file order.
        index: dict[str, int] = {}
        clean = {key: index.setdefault(json.dumps(value, separators=(",", ":")), len(index))
                 for key, value in self._used.items()}
        try:
            atomic_write(self.file, '{"format":%d,"code":%s,"values":[%s],"clean":%s}' % (
                MEMO_FORMAT, json.dumps(self._code), ",".join(index), json.dumps(clean, separators=(",", ":"))),
                durable=False)
        except OSError:
            pass  # a read-only home only costs speed


def _written_by(file: Path | None, code: str) -> dict | None:
    """The JSON object in *file* if this code wrote it (format and code stamp match); None if
    there is none, or it is torn, or another version of ksad wrote it."""
    if file is None:
        return None
    try:
        blob = json.loads(file.read_bytes())
        return blob if blob["format"] == MEMO_FORMAT and blob["code"] == code else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Summaries:
    """Each clean entry's releases as their checks need them (version, recipe path and pin,
    builds), by the entry's sha256, in a file of their own beside the memo.

    A warm run settles an unchanged entry from its recipe paths alone (kept in the memo),
    and decodes none of this: at national scale it is 3.1 MB, ~50 ms to decode. A run that
    must check an unchanged entry's releases again (a recipe, or a build context they share,
    edited) reads it here instead of parsing the entry's YAML again.
    """

    def __init__(self, memo: Memo) -> None:
        self.file = memo.beside("releases")
        self._code = memo._code
        self._kept: dict[str, list] | None = None
        self._new: dict[str, list] = {}

    def _read(self) -> dict[str, list]:
        if self._kept is None:
            blob = _written_by(self.file, self._code)  # none, torn or foreign: entries asked for are parsed again
            entries = blob.get("entries") if blob is not None else None
            self._kept = entries if isinstance(entries, dict) else {}
        return self._kept

    def get(self, digest: str) -> list | None:
        return self._new.get(digest) or self._read().get(digest)

    def keep(self, digest: str, releases: list[dict]) -> None:
        self._new[digest] = releases

    def save(self, digests: set[str]) -> None:
        """Keep the releases of *digests* (the clean entries of this run), if any were new."""
        if self.file is None or not self._new:
            return
        from ksad.fsutil import atomic_write

        known = {**self._read(), **self._new}
        entries = {d: known[d] for d in sorted(digests) if d in known}
        try:
            atomic_write(self.file, json.dumps({"format": MEMO_FORMAT, "code": self._code, "entries": entries},
                                               separators=(",", ":")), durable=False)
        except OSError:
            pass  # a read-only home only costs speed


LINK_SCAN = 8  # a directory asked about this often is scanned once for its links


class Run:
    """Hashes and resolved paths of this run: thousands of releases share contexts and parents."""

    def __init__(self, memo: Memo, cache_dir: Path | None = None) -> None:
        self.memo, self.cache_dir = memo, cache_dir
        self.summaries = Summaries(memo)
        self.catalog_yaml: dict | None = None  # catalog.yaml as the index records it, once read
        self.loaded: dict[str, tuple] = {}  # recipe directory -> what _load_shape gave, in a worker
        self._trees: dict[str, str] = {}
        self._files: dict[str, str | None] = {}
        self._real: dict[str, str] = {}
        self._compose: dict[str, bool] = {}
        self._recipe_dirs: dict[tuple[str, str], str] = {}
        self._parents: dict[tuple[str, str], tuple[str, set[str] | None]] = {}
        self._links: dict[str, set[str]] = {}  # directory -> the names of the symlinks in it
        self._asked: dict[str, int] = {}
        self.verified: dict[str, dict] = {}  # remembered recipe shapes whose reads were re-checked this run
        self.links: dict[str, list[str]] = {}  # build context + tree -> its links that point outside it
        self.shapes: dict[str, dict] = {}  # recipe directory -> its shape, as checked this run
        self._reads: dict[tuple[str, str, str], bool] = {}
        # each file's sha256 by stat signature: an unchanged recipe tree is hashed without reading it
        self.digests = StatDigests(memo.beside("digests"))

    def _digest(self, path: str, st: os.stat_result) -> str:
        return self.digests.digest(path, path, st)[1]

    def tree(self, path: str) -> str:
        digest = self._trees.get(path)
        if digest is None:
            top: dict[str, str] = {}
            digest = self._trees[path] = tree_sha256(path, self._digest, top)
            if path not in self._compose:  # the scan shows it: no stat of its own
                kind = top.get("compose.yaml")
                self._compose[path] = kind == "F" or kind == "L" and os.path.isfile(os.path.join(path, "compose.yaml"))
        return digest

    def file(self, path: str) -> str | None:
        if path not in self._files:
            self._files[path] = self.digests.sha256(path, path)
        return self._files[path]

    def read_holds(self, kind: str, path: str, digest: str) -> bool:
        """Whether what a remembered recipe read (a build context's tree, a template) is still at
        *path*, resolving to itself, with *digest*: checked once a run, as releases share them."""
        key = (kind, path, digest)
        held = self._reads.get(key)
        if held is None:
            held = self._reads[key] = self.realpath(path) == path and (
                self.tree(path) if kind == "tree" else self.file(path)) == digest
        return held

    def has_compose(self, directory: str) -> bool:
        """Whether *directory* holds a compose.yaml (a file, or a link to one), learnt from hashing its tree."""
        if directory not in self._compose:
            try:
                self.tree(directory)
            except OSError:  # unreadable: told as before, and hashing it fails again where it is needed
                self._compose[directory] = os.path.isfile(os.path.join(directory, "compose.yaml"))
        return self._compose[directory]

    def recipe_dir(self, sources: str, rel: str) -> str:
        """The resolved directory of a release's recipe path: the preloader and the check both ask."""
        key = (sources, rel)
        hit = self._recipe_dirs.get(key)
        if hit is None:
            hit = self._recipe_dirs[key] = self.realpath(os.path.join(sources, rel))
        return hit

    def recipe_dirs(self, sources: str, rels: list[str]) -> list[str]:
        """:meth:`recipe_dir` of each of *rels*, where the last part of the path is no link with its
        parent resolved, and scanned for links, once a run (60 releases share it): 9,900 paths in
        15-22 ms here, 57-87 ms one by one."""
        found = []
        for rel in rels:
            head, _, name = rel.rpartition("/")
            key = (sources, head)
            parent = self._parents.get(key)
            if parent is None:
                real = self.realpath(os.path.join(sources, head))
                parent = self._parents[key] = (real, self._link_names(real))
            links = parent[1]
            if links is None or name in links or name in ("", ".", "..") or rel.startswith("/"):
                found.append(self.recipe_dir(sources, rel))
            else:
                found.append(parent[0] + "/" + name if parent[0] != "/" else "/" + name)
        return found

    def _link_names(self, directory: str) -> set[str] | None:
        links = self._links.get(directory)
        if links is None:
            try:
                with os.scandir(directory) as entries:
                    links = self._links[directory] = {e.name for e in entries if e.is_symlink()}
            except OSError:
                return None
        return links

    def realpath(self, path: str) -> str:
        """os.path.realpath(*path*), resolving each parent directory once per run."""
        path = os.fspath(path)
        hit = self._real.get(path)
        if hit is not None:
            return hit
        parent, name = os.path.split(path)
        if not os.path.isabs(path) or not name or parent == path:
            result = os.path.realpath(path)
        elif name in (".", ".."):  # as realpath takes them: after the links before them are resolved
            result = self.realpath(parent) if name == "." else os.path.dirname(self.realpath(parent))
        else:
            real_parent = self.realpath(parent)
            candidate = os.path.join(real_parent, name)
            result = os.path.realpath(candidate) if self._is_link(real_parent, name, candidate) else candidate
        self._real[path] = result
        return result

    def _is_link(self, parent: str, name: str, path: str) -> bool:
        """os.path.islink(*path*); once a directory has had LINK_SCAN of its entries asked about,
        from one scan of it (a recipe directory per release: 60 siblings, one lstat each before)."""
        links = self._links.get(parent)
        if links is None:
            asked = self._asked[parent] = self._asked.get(parent, 0) + 1
            if asked < LINK_SCAN:
                return os.path.islink(path)
            links = self._link_names(parent)
            if links is None:
                return os.path.islink(path)
        return name in links


# --- app entries ------------------------------------------------------------------


class Entry:
    """An app file that passed its own checks: its digest, id and recipe paths, the rest on demand."""

    def __init__(self, path: Path, raw: bytes, digest: str, app_id: str, recipes: list[str],
                 releases: list[dict] | None, data: dict | None, doc=None, summaries: Summaries | None = None) -> None:
        self.path, self.raw, self.digest, self.id, self.recipes = path, raw, digest, app_id, recipes
        self._releases, self._data, self._doc, self._summaries = releases, data, doc, summaries

    @property
    def releases(self) -> list[dict]:
        """Each release as its checks need it (:func:`_release_summary`): kept, or from the file's bytes."""
        if self._releases is None:
            kept = self._summaries.get(self.digest) if self._summaries is not None else None
            try:
                if len(kept) == len(self.recipes) and all(
                        r["recipe"]["path"] == p for r, p in zip(kept, self.recipes)):
                    self._releases = kept
            except (TypeError, KeyError):
                pass
            if self._releases is None:
                self._releases = [_release_summary(r) for r in self.data["releases"]]
        return self._releases

    @property
    def data(self) -> dict:
        if self._data is None:
            self._data = _plain(self.doc.data)
        return self._data

    @property
    def doc(self):
        """The parsed file with line numbers, parsed again only when a message needs a line."""
        if self._doc is None:
            from ksad import yamlio

            self._doc = yamlio.load_mapping(self.path, raw=self.raw)  # the bytes hashed, not the file now
        return self._doc

    def line_of(self, pointer: tuple) -> int | None:
        return self.doc.line_of(pointer)


def _release_summary(rel: dict) -> dict:
    return {"version": rel["version"], "recipe": {"path": rel["recipe"]["path"], "sha256": rel["recipe"]["sha256"]},
            "builds": rel.get("builds") or {}}


def _check_entry(run: Run, path: Path) -> tuple[Entry | None, list[Problem]]:
    """(the entry, if it has no problems of its own; its problems)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        return None, [Problem(str(path), None, "", _msg("file.unreadable", file=str(path),
                                                         problem=exc.strerror or str(exc)))]
    digest = hashlib.sha256(raw).hexdigest()
    key = f"entry:{digest}"
    kept = run.memo.get(key)
    # the same bytes under another name (a copied file) are not the entry that passed: its id names another file
    if isinstance(kept, dict) and kept.get("id") == path.stem and isinstance(kept.get("recipes"), list):
        return Entry(path, raw, digest, kept["id"], kept["recipes"], None, None, summaries=run.summaries), []
    from ksad import yamlio

    try:
        doc = yamlio.load(path, raw=raw, plain=True)
    except InputError as exc:
        return None, [Problem(str(path), exc.fields.get("line"), "", exc.message)]
    found = app_problems(doc)
    if found:
        return None, found
    data = doc.data
    releases = [_release_summary(r) for r in data["releases"]]
    recipes = [r["recipe"]["path"] for r in releases]
    entry = Entry(path, raw, digest, data["id"], recipes, releases, data, doc)
    if not releases:
        return entry, [Problem(str(path), doc.line_of(("releases",)), "releases", _msg("catalog.draft", app=data["id"]))]
    run.memo.keep(key, {"id": data["id"], "recipes": recipes})
    run.summaries.keep(digest, releases)
    return entry, []


# --- releases ---------------------------------------------------------------------


def _releases_key(sources: str, entry: Entry) -> str:
    return f"releases:{sources}:{entry.digest}"


class TreesSig(NamedTuple):
    """The stat signature of an entry's recipe trees (see :func:`_trees_stat_sig`)."""

    sig: str
    keepable: bool  # nothing in them changed within StatDigests.RACY_NS of this run
    listings: list[list[str]]  # per release: the names under its directory, in the order hashed


def _unsettled(run: Run, entry: Entry, sources: str, settled: set[str] = frozenset()) -> TreesSig | None:
    """None if every release of *entry* passed in an earlier run and nothing they read changed
    since; else the stat signature of their recipe trees now.

    A national catalog's 9,900 releases cost ~60 us each to check again one by one (resolve
    the recipe directory, hash its tree from the stat memo, look up its shape): over half a
    warm run. Here one lstat per directory and file under the entry's recipe directories,
    hashed together and compared once, settles them all; the build contexts and templates
    their recipes read are shared, and checked once a run. The signature is taken before
    any check reads a file, so an edit made during the run shows next time.
    """
    key = _releases_key(sources, entry)
    kept = run.memo.get(key)
    if key in settled and isinstance(kept, dict) and all(run.read_holds(kind, p, d) for kind, p, d in kept["reads"]):
        return None  # the child of _settled_ahead found the trees' signature the one kept
    listings = kept.get("listings") if isinstance(kept, dict) else None
    sig = _trees_stat_sig(run, entry, sources, listings if isinstance(listings, list) else None)
    if (sig is not None and isinstance(kept, dict) and kept.get("sig") == sig.sig
            and all(run.read_holds(kind, p, d) for kind, p, d in kept["reads"])):
        return None
    run.memo.drop(key)  # outdated: checked one by one, and kept again if they pass
    return sig or TreesSig("", False, [])


def _settled_ahead(run: Run, files: list[Path], sources: str) -> Forked | None:
    """A child (:class:`ksad.workers.Forked`) finding, from the last app file back, the entries
    whose recipe trees have the stat signature an earlier run kept; it sends their releases
    keys. None if no child can start.

    A warm national validate is mostly :func:`_unsettled`'s 19,800 lstats (~0.12 s); the
    parent goes from the first file on and takes each key it is sent instead of its own
    walk, so the two meet about halfway. The child only compares: an entry the memo does
    not hold is left to the parent, and whatever it sends is the key of the entry's exact
    bytes (its digest), whose other reads the parent checks as it would (``read_holds``).
    """
    from ksad.workers import Forked

    def child(send: Callable[[str], None]) -> None:
        for path in reversed(files):
            try:
                with open(path, "rb") as fh:
                    digest = hashlib.sha256(fh.read()).hexdigest()
            except OSError:
                continue
            known = run.memo.get(f"entry:{digest}")
            key = f"releases:{sources}:{digest}"  # _releases_key
            kept = run.memo.get(key)
            if not (isinstance(known, dict) and isinstance(known.get("recipes"), list) and isinstance(kept, dict)
                    and isinstance(kept.get("listings"), list) and isinstance(kept.get("reads"), list)):
                continue
            dirs = run.recipe_dirs(sources, known["recipes"])
            if len(dirs) != len(kept["listings"]):
                continue
            try:
                sig = _hashed_trees(run, dirs, kept["listings"])
            except (OSError, TypeError, _Relisted):
                continue
            if sig.sig == kept.get("sig"):
                send(key)

    return Forked.start(child)


def _trees_stat_sig(run: Run, entry: Entry, sources: str, listings: list | None = None) -> TreesSig | None:
    """The sha256 of where each release's recipe directory resolves and the lstat of it and of
    everything under it (mode, mtime, ctime, size, inode, device), as
    :class:`~ksad.parsecache.StatDigests` tells a file unchanged; None when a tree cannot be
    read or holds a link (hashed as its text, so its target could change unseen).

    *listings*: the names found under each directory when the signature was last kept. A
    directory's mtime and ctime change whenever a name in it is added, removed or replaced,
    and each directory's lstat is hashed, so the lstat of each name listed, without
    listing the directories again, gives the same signature as long as nothing changed
    (as git's untracked cache trusts a directory's mtime): 9,900 directories of one
    recipe each take 135-146 ms this way, 244-294 ms listed one by one. If a name listed
    is gone, or is now a link, the directories are listed as at first.
    """
    dirs = run.recipe_dirs(sources, entry.recipes)
    if listings is not None and len(listings) == len(dirs):
        try:
            return _hashed_trees(run, dirs, listings)
        except (OSError, TypeError, _Relisted):  # TypeError: not the names a run keeps
            pass
    try:
        return _hashed_trees(run, dirs, None)
    except (OSError, _Relisted):
        return None


class _Relisted(Exception):
    """A link in a tree, or a name listed before that is now one: no signature from lstats."""


def _hashed_trees(run: Run, dirs: list[str], listings: list[list[str]] | None) -> TreesSig:
    from array import array

    # The paths, then their lstat fields packed: formatting 19,800 stats as text cost ~25 ms of a
    # warm national validate, and a generator per directory as much again.
    paths: list[str] = []
    times = array("q")  # mode, mtime, ctime, size (mtimes before 1970 are negative)
    ids = array("Q")  # inode, device: unsigned, and may exceed a signed 64-bit integer
    lstat, is_link = os.lstat, stat.S_ISLNK
    found: list[list[str]] = []
    for i, directory in enumerate(dirs):
        prefix = directory if directory.endswith("/") else directory + "/"
        if listings is None:
            found.append([])
            for path, st in _scanned(directory, prefix, found[-1]):
                paths.append(path)
                times.extend((st.st_mode, st.st_mtime_ns, st.st_ctime_ns, st.st_size))
                ids.extend((st.st_ino, st.st_dev))
            continue
        st = lstat(directory)
        paths.append(directory)
        times.extend((st.st_mode, st.st_mtime_ns, st.st_ctime_ns, st.st_size))
        ids.extend((st.st_ino, st.st_dev))
        for name in listings[i]:  # each name a scan found, in its order (see _trees_stat_sig)
            path = prefix + name
            st = lstat(path)
            if is_link(st.st_mode):
                raise _Relisted
            paths.append(path)
            times.extend((st.st_mode, st.st_mtime_ns, st.st_ctime_ns, st.st_size))
            ids.extend((st.st_ino, st.st_dev))
    newest = max(max(times[1::4], default=0), max(times[2::4], default=0))
    # the count first: what follows the paths is then exactly 48 bytes for each
    body = (f"{len(paths)}\0" + "\0".join(paths) + "\0").encode("utf-8", "surrogateescape")
    return TreesSig(hashlib.sha256(body + times.tobytes() + ids.tobytes()).hexdigest(), run.digests.settled(newest),
                    listings if listings is not None else found)


def _scanned(directory: str, prefix: str, names: list[str]):
    """(path, lstat) of *directory* and of everything under it, depth first and by name; the
    names under it, relative to it, go into *names*."""
    yield directory, os.lstat(directory)
    stack = [directory]
    while stack:
        with os.scandir(stack.pop()) as scan:
            for e in sorted(scan, key=lambda e: e.name):
                if e.is_symlink():
                    raise _Relisted
                names.append(e.path[len(prefix):])
                yield e.path, e.stat(follow_symlinks=False)
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)


def _keep_releases(run: Run, entry: Entry, sources: str, sig: TreesSig) -> None:
    """Remember that *entry*'s releases passed, with what their recipes read outside themselves,
    and the names under their directories (see :func:`_trees_stat_sig`).

    Their recipes' own records are then no longer used, and drop out of the memo: an entry
    edited later has its recipes hashed and loaded again (~2 ms each, in workers).
    """
    reads: dict[tuple, list] = {}
    for recipe in entry.recipes:
        shape = run.shapes.get(run.recipe_dir(sources, recipe))
        if shape is None:
            return
        for read in shape["reads"]:
            reads.setdefault(tuple(read), read)
    run.memo.keep(_releases_key(sources, entry), {"sig": sig.sig, "reads": list(reads.values()),
                                                  "listings": sig.listings})


def _release(run: Run, rel: dict, sources: str, entry: Entry, i: int) -> list[Problem]:
    return _release_problems(run, run.recipe_dir(sources, rel["recipe"]["path"]), rel, sources,
                             str(entry.path), lambda: entry.line_of(("releases", i, "recipe")), f"releases[{i}]",
                             entry.id)


def release_problems(release_dir: Path, rel: dict, sources: Path, file: str, line: int | None,
                     field_text: str, app_id: str) -> list[Problem]:
    """The recipe loads, and the recipe and every build context match their pins."""
    return _release_problems(Run(Memo(sources, None)), os.fspath(release_dir), rel, os.fspath(sources), file,
                             lambda: line, field_text, app_id)


def _release_problems(run: Run, directory: str, rel: dict, sources: str, file: str, where: Callable[[], int | None],
                      field_text: str, app_id: str) -> list[Problem]:
    # strings, not Paths: at 9,900 releases, building Path objects cost more than the checks
    if not run.has_compose(directory):
        return [Problem(file, where(), f"{field_text}.recipe.path", _msg("catalog.recipe_missing", path=directory))]
    problems = []
    actual = run.tree(directory)
    if actual != rel["recipe"]["sha256"]:
        problems.append(Problem(file, where(), f"{field_text}.recipe.sha256", _msg(
            "catalog.pin_mismatch", what="recipe", app=app_id, version=rel["version"],
            expected=rel["recipe"]["sha256"][:12], actual=actual[:12])))
    shape, refused = _recipe_shape(run, directory, actual, sources)
    if refused is not None:
        return problems + [Problem(os.path.join(directory, "compose.yaml"), refused[0], "", refused[1])]
    builds = rel.get("builds") or {}
    for name, (kind, value) in shape["services"].items():
        if kind == "image":
            if value is not None:
                problems.append(Problem(file, where(), f"{field_text}.services.{name}.image",
                                        _msg("catalog.image_unpinned", service=name, image=value)))
            continue
        pin = builds.get(name)
        actual = run.tree(value)
        problems += [Problem(file, where(), f"{field_text}.builds.{name}", _msg("build.link_escapes", path=link))
                     for link in _escaping_links(run, value, actual)]  # install refuses to send them
        if pin is None:
            problems.append(Problem(file, where(), f"{field_text}.builds.{name}",
                                    _msg("catalog.build_unpinned", service=name)))
        elif pin != actual:
            problems.append(Problem(file, where(), f"{field_text}.builds.{name}", _msg(
                "catalog.pin_mismatch", what=f"build context of {name}", app=app_id, version=rel["version"],
                expected=pin[:12], actual=actual[:12])))
    return problems


def _escaping_links(run: Run, context: str, digest: str) -> list[str]:
    """The links in a build context that point outside it, remembered by the context's tree
    (which hashes each link's text, so a retargeted link is walked again)."""
    key = f"links:{context}:{digest}"
    if key not in run.links:
        found: list[str] = []
        if run.memo.get(key) is None:  # a clean context is remembered; one with such links is walked again
            root = os.path.realpath(context)
            found = [path for top, dirs, files in os.walk(context) for name in dirs + files
                     if os.path.islink(path := os.path.join(top, name))
                     and not (os.path.realpath(path) + os.sep).startswith(root + os.sep)]
            if not found:
                run.memo.keep(key)
        run.links[key] = found
    return run.links[key]


def _recipe_key(sources: str, directory: str, digest: str) -> str:
    return f"recipe:{sources}:{directory}:{digest}"


def _kept_shape(run: Run, key: str) -> dict | None:
    """The shape remembered for *key*, if what the recipe named outside itself is unchanged (checked once a run)."""
    if key in run.verified:
        return run.verified[key]
    kept = run.memo.get(key)
    if kept is not None and all(run.read_holds(kind, p, d) for kind, p, d in kept["reads"]):
        run.verified[key] = kept
        return kept
    return None


def _recipe_shape(run: Run, directory: str, digest: str, sources: str) -> tuple[dict | None, tuple | None]:
    """(what the release checks need of a recipe that loads: {"services": {name: ["build", context] |
    ["image", unpinned image or None]}, "reads": ...}, or None; (line, message) of its problems, or None).

    Remembered by the recipe directory's tree and what it named outside itself: the
    build contexts (their trees, which the context check reads) and templates.
    """
    key = _recipe_key(sources, directory, digest)
    kept = _kept_shape(run, key)
    if kept is not None:
        run.shapes[directory] = kept
        return kept, None
    loaded = run.loaded.pop(directory, None) or _load_shape(run, directory, sources)
    if loaded[0] == "refused":
        return None, loaded[1:]
    run.memo.keep(key, loaded[1])
    run.shapes[directory] = loaded[1]
    return loaded[1], None


def _load_shape(run: Run, directory: str, sources: str) -> tuple:
    """("loaded", shape) or ("refused", line, message): what loading the recipe gives, as plain data
    (a worker process sends it back)."""
    from ksad.recipe import load_recipe

    try:
        recipe = load_recipe(Path(directory) / "compose.yaml", source_root=Path(sources), allow=frozenset(),
                             resolve=run.realpath, cached=False)
    except KsadError as exc:
        return ("refused", exc.fields.get("line"), exc.message)
    services, reads = {}, []
    for name, service in recipe.services.items():
        if service.build is None:
            services[name] = ["image", None if service.pinned else service.image]
        else:
            context = os.fspath(service.build.context)
            services[name] = ["build", context]
            reads.append(["tree", context, run.tree(context)])
    for spec in recipe.ksad.files:
        if spec.template is not None:
            reads.append(["file", os.fspath(spec.template), run.file(os.fspath(spec.template))])
    return ("loaded", {"services": services, "reads": reads})


# A worker's batch of recipes (~2 ms each), and how many a process must have to pay for starting it.
BATCH = 25
PER_WORKER = 50


class Preloader:
    """Loads the recipes no remembered check covers in worker processes (ksad.workers).

    The workers start while the entries are still being parsed. Fewer than PER_WORKER
    recipes to load (the bundled catalog has 12) start no process.
    """

    def __init__(self, run: Run, sources: str) -> None:
        from ksad.workers import Workers

        self.run, self.sources = run, sources
        self.seen: set[str] = set()
        self.pending: list[str] = []
        self.pool = Workers(functools.partial(_load_batch, sources=sources))

    @property
    def workers(self) -> int:
        return self.pool.started

    def add(self, entry: Entry) -> None:
        run = self.run
        for recipe in entry.recipes:
            directory = run.recipe_dir(self.sources, recipe)
            if directory in self.seen or not run.has_compose(directory):
                continue
            self.seen.add(directory)
            if _kept_shape(run, _recipe_key(self.sources, directory, run.tree(directory))) is None:
                self.pending.append(directory)
        if self.pool.started or len(self.pending) >= PER_WORKER:
            self._submit()

    def _submit(self) -> None:
        # what no worker takes is left out of run.loaded: it loads in this process
        for i in range(0, len(self.pending), BATCH):
            if not self.pool.submit(self.pending[i:i + BATCH]):
                break
        self.pending = []

    def finish(self) -> None:
        """Wait for the workers (if any started); what is left pending loads in this process."""
        if not self.pool.started:
            return
        if self.pending:
            self._submit()
        for batch, loaded in self.pool.results():
            if loaded is not None:
                self.run.loaded.update(zip(batch, loaded))

    def close(self) -> None:
        self.pool.close()


_worker_run: list[Run] = []


def _load_batch(directories: list[str], sources: str) -> list[tuple]:
    if not _worker_run:  # one per worker process: it resolves and hashes the shared contexts once
        _worker_run.append(Run(Memo(Path(sources), None)))
    return [_load_shape(_worker_run[0], d, sources) for d in directories]


# --- the index a client reads first -----------------------------------------------


def index_problems(root: Path, run: Run, entries: dict[str, Entry], *, all_clean: bool) -> list[Problem]:
    """An index that no longer matches the app files: a warning (it only costs speed).

    Not judged while an entry has problems of its own (they are reported already).
    """
    root = Path(root)
    path = root / INDEX_FILE
    if not path.exists() or not all_clean:
        return []
    written = set()
    try:
        written = {n for n in os.listdir(root / ENTRIES_DIR) if n.endswith(".json")}
    except OSError:
        pass
    # everything the verdict reads, by digest: an unchanged catalog's index.json is not even decoded
    whole = None if run.catalog_yaml is None else "index-all:" + hashlib.sha256(json.dumps([
        run.file(str(path)), run.catalog_yaml["sha256"], sorted(written),
        [[name, entry.digest, run.file(os.path.join(root, ENTRIES_DIR, f"{Path(name).stem}.json"))]
         for name, entry in sorted(entries.items())]]).encode()).hexdigest()
    if whole is not None and run.memo.get(whole) is not None and _documents_current(root, run):
        return []
    shipped = _shipped_index(root)
    stale: list[str] = []
    for name in sorted(set(entries) | set(shipped)):
        entry = entries.get(name)
        if entry is None:
            stale.append(name)
            continue
        entry_name = f"{Path(name).stem}.json"
        entry_file = os.path.join(root, ENTRIES_DIR, entry_name)
        key = "index:" + hashlib.sha256(json.dumps([entry.digest, shipped.get(name), run.file(entry_file)],
                                                   sort_keys=True).encode()).hexdigest()
        if run.memo.get(key) is not None:
            continue
        fresh, text = _build_entry(entry.digest, entry.data)
        clean = True
        if shipped.get(name) != fresh:
            stale.append(name)
            clean = False
        if run.file(entry_file) != hashlib.sha256(text.encode()).hexdigest():
            stale.append(f"{ENTRIES_DIR}/{entry_name}")
            clean = False
        if clean:
            run.memo.keep(key)
    stale += [f"{ENTRIES_DIR}/{n}" for n in sorted(written - {f"{Path(n).stem}.json" for n in entries})]
    try:
        if _shipped_blob(root).get("catalog") != (run.catalog_yaml or _catalog_meta(root)):
            stale.append("catalog.yaml")
    except (InputError, OSError):
        return []  # catalog.yaml's own problem (not YAML, unreadable) is reported already
    if not _documents_current(root, run):
        stale.append(DOCUMENTS_FILE)
    if not stale:
        if whole is not None:
            run.memo.keep(whole)
        return []
    return [Problem(str(path), None, "", _msg("catalog.index_stale", files=", ".join(stale[:5]), count=len(stale)),
                    warning=True)]


def _documents_current(root: Path, run: Run) -> bool:
    """documents.json holds exactly the parse of every MoU, revocation and the keyring, and the MoUs' parties."""
    from ksad.mou import MOU_DIR, REVOCATION_DIR, _yaml_names
    from ksad.trust import KEYRING_FILE

    files = [KEYRING_FILE] + [f"{sub}/{n}" for sub in (MOU_DIR, REVOCATION_DIR) for n in _yaml_names(root / sub)]
    key = "documents:" + hashlib.sha256(json.dumps(
        [run.file(os.path.join(root, DOCUMENTS_FILE))] + [[f, run.file(os.path.join(root, f))] for f in files]
    ).encode()).hexdigest()
    if run.memo.get(key) is not None:
        return True
    shipped, built = _shipped_json(root / DOCUMENTS_FILE, "documents"), build_documents(root, run.cache_dir)
    current = shipped.get("documents") == _plain(built["documents"]) and shipped.get("parties") == built["parties"]
    if current:
        run.memo.keep(key)
    return current


# --- trust ------------------------------------------------------------------------


def trust_problems(root: Path, trust_dir: Path | None = None, *, run: Run | None = None,
                   entries: dict[str, Entry] | None = None) -> list[Problem]:
    """Keyring, snapshot (checked, never recorded as trusted), each entry's publisher signature,
    and each MoU's status. An expired MoU is a warning: it was valid, it grants nothing now,
    and the catalog that keeps it as a record is still correct."""
    from ksad.trust import KEYRING_FILE, SNAPSHOT_FILE, TrustStore, load_keyring, today, verify_app_entry, verify_snapshot

    root = Path(root).absolute()
    if not (root / SNAPSHOT_FILE).exists() and not (root / KEYRING_FILE).exists():
        return []
    run = run or Run(Memo(root, None))
    entries = entries or {}
    problems: list[Problem] = []
    keyring = None
    try:  # the snapshot check loads and checks the keyring first: its keyring, if it passes
        remember = run.digests.file is not None  # not with --no-cache
        if trust_dir:
            keyring = verify_snapshot(root, trust_dir, record=False, stat_memo=remember).keyring
        else:
            import tempfile

            with tempfile.TemporaryDirectory() as empty:  # nothing trusted yet: no replay check
                keyring = verify_snapshot(root, empty, record=False, stat_memo=False).keyring
    except KsadError as exc:
        snapshot_problem = Problem(str(root / SNAPSHOT_FILE), None, "", exc.message)
    if keyring is None:
        try:  # a keyring that fails is reported against its own file, and nothing that needs it is checked
            keyring = load_keyring(root / KEYRING_FILE, store=TrustStore(trust_dir, root) if trust_dir else None)
        except KsadError as exc:
            return [Problem(str(root / KEYRING_FILE), None, "", exc.message)]
        problems.append(snapshot_problem)
    # a signature's verdict depends on the signed bytes, the keyring and the day (keys have windows)
    trusted = f"{run.file(str(root / KEYRING_FILE))}:{today().isoformat()}"
    for path in sorted((root / "apps").glob("*.yaml")):
        entry = entries.get(path.name)
        key = f"signed:{entry.digest}:{trusted}" if entry is not None else None
        if key is not None and run.memo.get(key) is not None:
            continue
        try:
            if entry is not None:
                doc = entry.doc
            else:
                from ksad import yamlio

                doc = yamlio.load_mapping(path)
        except KsadError:
            continue  # already reported with the schema problems
        if not isinstance(doc.data, dict) or not isinstance(doc.data.get("publisher"), dict):
            continue
        try:
            verify_app_entry(doc.data, keyring, what=path.name)
        except KsadError as exc:
            problems.append(Problem(str(path), doc.line_of(("signatures",)), "signatures", exc.message))
            continue
        if key is not None:
            run.memo.keep(key)
    return problems + _mou_problems(root, run, keyring, trusted)


def _mou_problems(root: Path, run: Run, keyring, trusted: str) -> list[Problem]:
    from ksad.mou import MOU_DIR, REVOCATION_DIR, _yaml_names, judge_mous, load_mous, load_revocations, spec_problem

    revoked = hashlib.sha256(json.dumps(
        [[n, run.file(os.path.join(root, REVOCATION_DIR, n))] for n in _yaml_names(root / REVOCATION_DIR)]
    ).encode()).hexdigest()
    # the name too: load_mous checks that an MoU's id is its file's name (a copy or a rename is not)
    keys = {n: f"mou:{n}:{run.file(os.path.join(root, MOU_DIR, n))}:{trusted}:{revoked}"
            for n in _yaml_names(root / MOU_DIR)}
    if keys and all(run.memo.get(k) is not None for k in keys.values()):
        return []  # (with no MoU at all, revocations are still loaded: a broken one is reported)
    try:
        mous = load_mous(root)
        revocations = load_revocations(root)
    except KsadError as exc:
        return [Problem(str(root / "mous"), exc.fields.get("line"), "", exc.message)]
    todo = [(path, data, key) for path, data in mous
            if (key := keys.get(path.name)) is None or run.memo.get(key) is None]
    statuses = judge_mous([(path, data) for path, data, _ in todo], keyring, revocations)
    problems = []
    for (path, data, key), status in zip(todo, statuses):
        ranges = [Problem(str(path), None, f"apps[{i}].versions", bad)
                  for i, grant in enumerate(data["apps"]) if (bad := spec_problem(str(grant["versions"])))]
        problems += ranges  # signed or not, a range no one can read grants nothing
        if status.problem is not None:
            problems.append(Problem(str(path), None, "", status.problem.message,
                                    warning=status.problem.key == "mou.expired"))
        elif key is not None and not ranges:
            run.memo.keep(key)
    return problems
