"""Parsed catalog documents kept by content hash, so unchanged files are never parsed twice.

PyYAML builds Python objects in Python even with the C parser: a keyring of 517
keys takes ~0.3 s and 514 MoUs ~0.5 s to parse and schema-check, on every
install. Here each file's bytes are hashed (cheap) and the parsed, already
validated content is looked up by that hash; only new or changed content is
parsed and checked, with line numbers for its messages. Signatures are never
cached: callers verify them on the returned content every time, so a stale or
edited cache can cost speed but cannot make a forged document pass.

One JSON file per kind under ``$KSAD_HOME/cache``; content no longer seen in a
run is dropped when that run writes the file. Dates are kept as ISO strings,
which sign and validate exactly like the YAML dates they came from.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any, Callable

FORMAT = 1  # bump when the cached shape changes

# sha256 of files this process has already hashed and checked (the signed snapshot does it
# for every catalog file), by absolute path with the file's stat signature at that moment:
# a hit costs no second read, and a file replaced since (other mtime, size or inode) is read.
_known: dict[str, tuple[tuple[int, int, int], str]] = {}


def process_sig(st: os.stat_result) -> tuple[int, int, int]:
    """What this process compares of a file it saw earlier in the same run (see ``_known``)."""
    return st.st_mtime_ns, st.st_size, st.st_ino


def stat_sig(path: str) -> tuple[int, int, int] | None:
    try:
        return process_sig(os.stat(path))
    except OSError:
        return None


def _kept_fields(st: os.stat_result) -> list[int]:
    # ctime: no unprivileged process sets it back, so an edit that restores the mtime still shows
    return [st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev]


def _changed_at(st: os.stat_result) -> int:
    return max(st.st_mtime_ns, st.st_ctime_ns)


def kept_sig(path: str) -> list[int]:
    """The stat signature a cache on disk keeps of a file, as :class:`StatDigests` keeps one:
    mtime, ctime, size, inode and device (ctime: an edit that restores the mtime still shows).

    Empty if the file is gone or changed less than ``StatDigests.RACY_NS`` ago (a same-size
    edit in the same timestamp tick would not show): a caller matches no kept signature to it.
    """
    import time

    try:
        st = os.stat(path)
    except OSError:
        return []
    if _changed_at(st) >= time.time_ns() - StatDigests.RACY_NS:
        return []
    return _kept_fields(st)


def remember_digests(digests: dict[str, tuple[tuple[int, int, int] | None, str]]) -> None:
    """{path: (stat_sig taken *before* reading the file, sha256 of what was read)}."""
    _known.update({path: entry for path, entry in digests.items() if entry[0] is not None})


def known_digest(where: str) -> str | None:
    """sha256 this process read at the absolute path *where*, not checked against the file now."""
    known = _known.get(where)
    return known[1] if known is not None else None


def file_digest(path: Path) -> str:
    """sha256 of the file: as this process hashed it already if it is unchanged since, else read now."""
    where = os.path.abspath(path)
    sig, known = _known.get(where, (None, None))
    if known is not None and stat_sig(where) == sig:
        return known
    return read_hashed(path)[0]


def read_hashed(path: Path) -> tuple[str, bytes]:
    """(sha256, bytes) of the file, read once."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        from ksad.errors import InputError

        raise InputError("file.unreadable", file=str(path), problem=exc.strerror or str(exc)) from None
    return hashlib.sha256(raw).hexdigest(), raw


class StatDigests:
    """The sha256 of files hashed before, by each file's stat signature then, kept in *file*.

    As git's index does, a file whose stat signature is unchanged is not read again: at
    684 catalog files (7.5 MB) that is ~20 ms of every catalog command. The signature holds
    the ctime, which no unprivileged process can set back, so an edit that restores the
    mtime and size still shows; and device and inode, so a copied or replaced file is read.
    A file changed less than ``RACY_NS`` before it was read could change again within the
    same timestamp tick unseen, so it is not kept (it is hashed again next time).
    Only what this run looked at is kept; a torn or foreign file is ignored.
    """

    RACY_NS = 1_000_000_000

    def __init__(self, file: Path | None, *, private: bool = False) -> None:
        """*file*: None keeps nothing (every file is read); *private*: owner-only, beside trust state."""
        import time

        self.file, self._private = file, private
        kept: Any = {}
        if file is not None:
            try:
                blob = json.loads(Path(file).read_bytes())
                if blob.get("format") == 1 and isinstance(blob["files"], dict):
                    kept = blob["files"]
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                pass  # none yet, or torn: every file is read, as without it
        self._kept: dict = kept
        self._fresh: dict[str, list] = {}
        self._since = time.time_ns() - self.RACY_NS

    def digest(self, key: str, path: str, st: os.stat_result | None = None) -> tuple[os.stat_result, str]:
        """(stat taken before reading, sha256) of the file at *path*, kept under *key*; OSError as reading raises.

        *st*: the file's stat, if the caller took it already (a directory scan does).
        """
        st, digest, _ = self.read(key, path, st)
        return st, digest

    def read(self, key: str, path: str, st: os.stat_result | None = None) -> tuple[os.stat_result, str, bytes | None]:
        """As :meth:`digest`, with the bytes hashed if the file had to be read (None if it was known)."""
        kept = self._kept.get(key)
        if isinstance(kept, list) and len(kept) == 6 and isinstance(kept[5], str):
            st = st or os.stat(path)  # only to compare: a file never hashed is opened at once
            if kept[:5] == _kept_fields(st):
                self._fresh[key] = kept
                return st, kept[5], None
        fd = os.open(path, os.O_RDONLY)
        try:
            st = os.fstat(fd)  # of the file read, before reading: a later change shows in it
            want, parts = st.st_size + 1, []
            while chunk := os.read(fd, want):  # to the end, even if it grows meanwhile
                parts.append(chunk)
                if len(chunk) < want and stat.S_ISREG(st.st_mode):
                    break  # a short read of a regular file is its end: no second read (684 files a snapshot check)
        finally:
            os.close(fd)
        raw = b"".join(parts)
        actual = hashlib.sha256(raw).hexdigest()
        if self.settled(st):
            self._fresh[key] = [*_kept_fields(st), actual]
        return st, actual, raw

    def settled(self, st: os.stat_result | int) -> bool:
        """Changed at least RACY_NS before this run began: a later change shows in its stat signature.

        *st*: a file's stat, or the newest mtime or ctime (ns) of several files.
        """
        return (st if isinstance(st, int) else _changed_at(st)) < self._since

    def sha256(self, key: str, path: str) -> str | None:
        """The file's sha256, None if it cannot be read."""
        try:
            return self.digest(key, path)[1]
        except OSError:
            return None

    def save(self) -> None:
        """Keep what this run saw, if it differs; a read-only home only costs speed."""
        if self.file is None or self._fresh == self._kept:
            return
        from ksad.fsutil import atomic_write

        try:
            Path(self.file).parent.mkdir(parents=True, exist_ok=True, mode=0o700 if self._private else 0o777)
            atomic_write(self.file, json.dumps({"format": 1, "files": self._fresh}, separators=(",", ":")),
                         mode=0o600 if self._private else 0o644, durable=False)
        except OSError:
            pass


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector off while a whole catalog is parsed.

    Parsing makes no reference cycles (validate's peak memory at 9,900 releases is
    167 MB either way), but the collector keeps walking the growing heap of parsed
    documents: 12 % of a cold `catalog validate` there (24.4 -> 21.1 s, medians of 2).
    """
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def plain(value: Any) -> Any:
    """YAML dates become ISO strings so documents are JSON (cacheable, schema-checkable)."""
    import datetime as _dt

    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


class ParsedCache:
    """Parsed content of one kind of file, kept by the sha256 of the file's bytes."""

    def __init__(self, kind: str, scope: Path, cache_dir: Path | None = None, *,
                 shipped: Callable[[], Any] | None = None,
                 sound: Callable[[Any], bool] | None = None,
                 vouched: Callable[[], bool] | None = None) -> None:
        """*shipped*: content the catalog's publisher parsed already, its ``get(sha256)`` (documents.json);
        used for a miss when *sound* (a schema check) accepts it, else the file is parsed.
        Shipped content is kept in the cache only if *vouched()* (the signed snapshot lists
        the shipped file this process decoded): else it serves this command only."""
        if cache_dir is None:
            from ksad.settings import Settings

            cache_dir = Settings.from_env().cache_dir
        # one file per catalog, so two catalogs used in turn do not evict each other
        key = hashlib.sha256(str(Path(scope).absolute()).encode()).hexdigest()[:16]
        self.file = Path(cache_dir) / f"parsed-{kind}-{key}.json"
        self._kept: dict[str, Any] | None = None
        self._used: dict[str, Any] = {}
        self._new = False
        self._shipped_fn, self._sound, self._vouched, self._shipped_docs = shipped, sound, vouched, None

    def _read(self) -> dict[str, Any]:
        if self._kept is None:
            try:
                blob = json.loads(self.file.read_bytes())
                kept = blob["entries"] if blob.get("format") == FORMAT else {}
                self._kept = kept if isinstance(kept, dict) else {}  # not what ksad writes: as none
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                self._kept = {}
        return self._kept

    def lookup(self, path: Path, *, need_bytes: bool = True) -> tuple[str, Any, bytes | None]:
        """(sha256 of the file, its kept content or None, the bytes read or None if none were).

        A miss comes with the bytes, so the caller parses exactly what was hashed (reading
        the file again could store another content under this digest); with *need_bytes*
        False, a file this process hashed already and unchanged since is not read even then.
        """
        where = os.path.abspath(path)
        sig, known = _known.get(where, (None, None))
        if known is not None and (not need_bytes or known in self._read()) and stat_sig(where) == sig:
            kept = self._read().get(known)
            if kept is not None:
                self._used[known] = kept
            return known, kept, None
        digest, raw = read_hashed(path)
        kept = self._read().get(digest)
        if kept is not None:
            self._used[digest] = kept
        return digest, kept, raw

    def get(self, digest: str) -> Any:
        """The content kept for *digest* (kept on by a pruning save), or None."""
        kept = self._read().get(digest)
        if kept is not None:
            self._used[digest] = kept
        return kept

    def store(self, digest: str, data: Any, *, exact: bool = False) -> None:
        """Keep *data* for *digest*; *exact*: the caller knows JSON keeps it exactly (spares proving it)."""
        # Only what JSON keeps exactly (a YAML key 1 would come back as "1", a set not at all).
        try:
            if not exact and json.loads(json.dumps(data)) != data:
                return
        except (TypeError, ValueError):
            return
        self._used[digest] = data
        self._new = True

    def load(self, path: Path, parse: Callable[[Path, bytes], Any]) -> Any:
        """``parse(path, raw)`` (made plain) for the file's content; parsed only for content not kept."""
        # with shipped content, a file the snapshot check hashed is not read again: its digest finds it
        digest, data, raw = self.lookup(path, need_bytes=self._shipped_fn is None)
        if data is not None:
            return data
        data = self._from_shipped(digest)
        if data is not None:
            if self._vouched is not None and self._vouched_now():  # decoded from JSON: kept as is, no round trip
                self._used[digest], self._new = data, True
            return data
        if raw is None:
            digest, raw = read_hashed(path)  # what is parsed is what is hashed
        data = plain(parse(Path(path), raw))
        self.store(digest, data)
        return data

    def _vouched_now(self) -> bool:
        # asked once per cache: every shipped document of a command comes from one decoded file
        if not isinstance(self._vouched, bool):
            self._vouched = bool(self._vouched())
        return self._vouched

    def _from_shipped(self, digest: str) -> Any:
        if self._shipped_fn is None:
            return None
        if self._shipped_docs is None:
            self._shipped_docs = self._shipped_fn()
        data = self._shipped_docs.get(digest)
        return data if data is not None and self._sound is not None and self._sound(data) else None

    def differs(self, digests: set[str]) -> bool:
        """Whether what was kept before this run is for other content than *digests* (files came or went)."""
        return digests != set(self._read())

    def save_only(self, digests: set[str]) -> None:
        """Write the cache holding no content but *digests*' (what a run that saw every file saw)."""
        kept = self._read()
        for digest in digests:
            if digest in kept:
                self._used.setdefault(digest, kept[digest])
        self.save(prune=True)

    def save(self, *, prune: bool = False) -> None:
        """Write newly parsed content; *prune*: keep only what this run saw (it saw every file)."""
        if not self._new and not (prune and set(self._used) != set(self._read())):
            return
        entries = self._used if prune else {**self._read(), **self._used}
        from ksad.fsutil import atomic_write

        try:
            atomic_write(self.file, json.dumps({"format": FORMAT, "entries": entries}, separators=(",", ":")),
                         durable=False)
        except OSError:
            pass  # a read-only home only costs speed
        self._kept, self._new = entries, False


class CachedDocument:
    """Content served from the cache: like yamlio.Document, without line numbers."""

    def __init__(self, path: Path, data: Any) -> None:
        self.path, self.data, self.lines = Path(path), data, {}

    def line_of(self, _pointer) -> None:
        return None


def validated(path: Path, kind: str, validate: Callable[[Any], Any]) -> Any:
    """``validate(doc)`` of the YAML mapping at *path*; content that passed before skips PyYAML.

    PyYAML costs ~20 ms to import and more to parse, on every re-run of install.
    If *validate* raises on cached content (something outside the file changed),
    the file is parsed again with line numbers and validated once more, so the
    message the user reads names the line.
    """
    from ksad.errors import KsadError

    path = Path(path)
    cache = ParsedCache(kind, path)
    digest, kept, raw = cache.lookup(path)
    if kept is not None:
        try:
            return validate(CachedDocument(path, kept))
        except KsadError:
            pass
    from ksad import yamlio

    if raw is None:  # the digest was known from before: read the file now, and hash what is read
        digest, raw = read_hashed(path)
    doc = yamlio.load_mapping(path, raw=raw, plain=True)
    result = validate(doc)
    cache.store(digest, doc.data)
    cache.save(prune=True)
    return result


def _json_only(value: Any) -> bool:
    """Only what JSON gives back exactly (no tuple, date or subclass): its JSON then names the YAML."""
    kind = type(value)
    if kind is dict:
        return all(type(k) is str and _json_only(v) for k, v in value.items())
    if kind is list:
        return all(_json_only(v) for v in value)
    return kind in (str, int, bool, float) or value is None


class RenderedYaml:
    """YAML text PyYAML wrote for a document before, kept by the document's JSON.

    Printing a small document as YAML (``catalog export-publiccode``) costs ~30 ms, most
    of it importing PyYAML (its reader compiles a Unicode pattern on import); the same
    document again is looked up instead. The key holds the document exactly as JSON
    gives it back (key order included: it is the order written), ksad's code, which sets
    the dump's options (:func:`ksad.hashing.code_stamp`), and PyYAML's own module by
    size and mtime, as an upgrade replaces it. The last ``KEEP`` texts are kept.
    """

    FORMAT = 1
    KEEP = 64

    def __init__(self, cache_dir: Path | None) -> None:
        self.file = None if cache_dir is None else Path(cache_dir) / "rendered-yaml.json"

    def _key(self, data: Any) -> str | None:
        import importlib.machinery

        from ksad.hashing import code_stamp

        spec = importlib.machinery.PathFinder.find_spec("yaml")  # found, not imported: ~0.1 ms
        if not _json_only(data) or spec is None or not spec.origin:
            return None
        st = os.stat(spec.origin)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(f"{self.FORMAT}\0{code_stamp()}\0{spec.origin}\0{st.st_size}\0{st.st_mtime_ns}\0"
                              f"{text}".encode()).hexdigest()

    def dump(self, data: Any, dump: Callable[[Any], str]) -> str:
        """``dump(data)``, or the text it gave for the same document before."""
        try:
            key = self._key(data) if self.file is not None else None
        except (OSError, ValueError):  # not JSON's floats, say: written, not kept
            key = None
        if key is None:
            return dump(data)
        kept: dict[str, str] = {}
        try:
            blob = json.loads(self.file.read_bytes())
            if blob["format"] == self.FORMAT and isinstance(blob["texts"], dict):
                kept = blob["texts"]
        except (OSError, ValueError, KeyError, TypeError):
            pass  # none yet, or torn: written again
        text = kept.get(key)
        if isinstance(text, str):
            return text
        text = dump(data)
        kept.pop(key, None)
        kept[key] = text
        from ksad.fsutil import atomic_write

        try:
            atomic_write(self.file, json.dumps({"format": self.FORMAT,
                                                "texts": dict(list(kept.items())[-self.KEEP:])}),
                         mode=0o600, durable=False)
        except OSError:
            pass  # a read-only home only costs speed
        return text
