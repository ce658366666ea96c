"""Trust, checkable offline: Ed25519 keys, canonical signing, the signed keyring, the signed snapshot.

This is the only module that imports ``cryptography``; its exceptions become
:class:`~ksad.errors.TrustError` (exit 6) or :class:`~ksad.errors.InputError` here.

**What is signed.** A document (app entry, MoU, revocation, keyring, snapshot)
is signed over its *canonical form*: the parsed document without its top-level
``signatures`` key, as JSON with sorted keys, no spaces, UTF-8. Re-indenting a
YAML file or re-quoting a value leaves the signature valid; changing any value
breaks it. Every signer signs the same bytes, prefixed DSSE-style with the
payload type (``ksad-v1\\n<type>\\n<canonical>``) so a signature over an MoU can
never be replayed as a signature over an app entry with the same content.
Signatures live beside the content, as a ``signatures:`` list of
``{keyid, signer, role, sig}``; the ``signer`` text is informational, the
keyring is what says whom a key belongs to.

Refinements over the first design, and why:

- *Floats.* Finite floats are allowed and written as Python's shortest
  round-trip repr: app entries carry ``cpus: 0.25``, and only ksad verifies, so
  the cross-language float-formatting problem canonical JSON schemes avoid does
  not arise. NaN and infinities are refused. YAML dates become ISO strings,
  exactly as the catalog loader stores them, so an entry verifies the same
  whether it comes from the YAML file or the catalog cache.
- *Signing keeps the file.* :func:`sign_document` replaces only the trailing
  ``signatures:`` block of a YAML file, so the comments and layout a publisher
  wrote survive; the result is re-parsed and compared before it is written.
- *Snapshot role.* The snapshot changes on every publish. Needing two root-key
  holders for each publish would stop publishing, and root keys are meant to
  stay offline. So, as in TUF, the snapshot is signed by keys the keyring gives
  the ``snapshot`` role (``snapshot_threshold`` of them, default 1); the roots
  only sign keyrings.
- *Key validity is judged today.* There is no trusted timestamp, so when a
  signature was made cannot be proven; a key counts while today is inside its
  window and it is not revoked. Revocations of MoUs are the exception (see
  :mod:`ksad.mou`): they stay in force after the key that signed them expires.

**Keyring** (``keys/keyring.yaml``): root keys, a threshold, and the region keys
with their region code, signer, position, window, revocation date and roles.
It is valid when ``threshold`` distinct roots it lists sign it, and, once the
client has trusted an earlier version, when the previous version's roots sign it
too (their public keys are kept in the trust state, not re-read from the
catalog). The first keyring is trusted on first use unless the operator pins
root key ids in ``$KSAD_HOME/trust/roots.txt`` (16 or 64 hex digits a line).

**Trust state** (``$KSAD_HOME/trust/<catalog-id>.json``, outside the catalog):
the highest keyring and snapshot versions trusted for this catalog, with their
content hashes and the roots; an older version is a replay, the same version
with other content is a fork; both are refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple

from ksad.errors import ConflictError, InputError, TrustError
from ksad.parsecache import StatDigests

if TYPE_CHECKING:
    from ksad.workers import Forked

PAYLOAD_TYPES = {
    "app": "application/vnd.ksad.app+json",
    "mou": "application/vnd.ksad.mou+json",
    "revocation": "application/vnd.ksad.revocation+json",
    "keyring": "application/vnd.ksad.keyring+json",
    "snapshot": "application/vnd.ksad.snapshot+json",
}
PAE_PREFIX = b"ksad-v1\n"
KEYRING_FILE = "keys/keyring.yaml"
SNAPSHOT_FILE = "snapshot.json"
TRUST_DIR = "trust"
ROOT_PINS_FILE = "roots.txt"
# Files the snapshot must list: anything matching that it does not list is refused,
# so a file dropped into the catalog cannot grant or publish anything. Recipes are
# covered through the tree hash each signed app entry pins.
COVERED = ("catalog.yaml", "regions.json", "index.json", "documents.json", KEYRING_FILE, "apps/*.yaml", "mous/*.yaml",
           "revocations/*.yaml")
KEY_ROLES = ("region", "snapshot")
DEFAULT_SNAPSHOT_DAYS = 180
_HEX64 = re.compile(r"[0-9a-f]{64}")
_KEYID = re.compile(r"[0-9a-f]{16}")


# --- time ------------------------------------------------------------------------


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _now(now: datetime | None) -> datetime:
    now = now or utcnow()
    return now if now.tzinfo else now.replace(tzinfo=timezone.utc)


def today(now: datetime | None = None) -> date:
    """The calendar date on this machine: validity windows are written in local dates."""
    return _now(now).astimezone().date()


def as_date(value: Any, what: str = "") -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError("trust.date_invalid", value=value, what=what) from None


def parse_datetime(value: Any) -> datetime:
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def iso_utc(dt: datetime) -> str:
    return _now(dt).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- canonical form ------------------------------------------------------------


def _jsonable(value: Any, where: str) -> Any:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise InputError("trust.canonical_bad_value", where=where or "(top)", kind=type(k).__name__)
            out[k] = _jsonable(v, f"{where}.{k}" if where else k)
        return out
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError("trust.canonical_bad_value", where=where or "(top)", kind=repr(value))
        return value
    if isinstance(value, (date, datetime)):  # YAML timestamps, as the catalog loader stores them
        return value.isoformat()
    raise InputError("trust.canonical_bad_value", where=where or "(top)", kind=type(value).__name__)


def _iso(value: Any) -> str:
    if isinstance(value, (date, datetime)):  # YAML timestamps, as the catalog loader stores them
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _string_keys(value: Any) -> bool:
    """Every mapping key is a string (json.dumps would quietly turn 1 into "1")."""
    containers = (dict, list, tuple)
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            for k, v in item.items():
                if type(k) is not str:
                    return False
                if isinstance(v, containers):
                    stack.append(v)
        else:
            for v in item:
                if isinstance(v, containers):
                    stack.append(v)
    return True


def canonical_bytes(doc: dict, *, string_keys: bool = False) -> bytes:
    """The bytes every signer of *doc* signs: sorted-key compact JSON without ``signatures``.

    *string_keys*: the caller knows every key is a string (decoded from JSON, or checked
    by ``_jsonable``), which spares the walk that proves it.
    """
    body = {k: v for k, v in doc.items() if k != "signatures"}
    if string_keys or _string_keys(body):
        try:  # the C encoder; the full walk below only explains what cannot be encoded
            return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False,
                              default=_iso).encode("utf-8")
        except (TypeError, ValueError):
            pass
    plain = _jsonable(body, "")
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def content_sha256(doc: dict) -> str:
    return hashlib.sha256(canonical_bytes(doc)).hexdigest()


def signed_message(kind: str, doc: dict, body: bytes | None = None) -> bytes:
    """Pre-authentication encoding: the payload type is signed too, so kinds cannot be confused.

    *body*: ``canonical_bytes(doc)`` if the caller has it already (it also hashes it).
    """
    return PAE_PREFIX + PAYLOAD_TYPES[kind].encode() + b"\n" + (canonical_bytes(doc) if body is None else body)


# --- keys ------------------------------------------------------------------------


def keyid_of(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes | None:
    try:
        return base64.b64decode(str(text), validate=True)
    except (binascii.Error, ValueError):
        return None


# Immutable value types are NamedTuples, not frozen dataclasses (see the note in ksad.mou);
# SigningKey stays a dataclass to keep its private half out of its repr.
class PublicKeyInfo(NamedTuple):
    """A public key and whom it claims to belong to: what goes into a keyring entry."""

    keyid: str
    public: str  # base64 of the raw 32-byte Ed25519 public key
    region: str = ""
    signer: str = ""
    position: str = ""

    def keyring_entry(self, *, valid_from: date, valid_until: date, roles: Iterable[str] = ("region",),
                      demo: bool = False) -> dict:
        return {"keyid": self.keyid, "public": self.public, "region": self.region, "signer": self.signer,
                "position": self.position, "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat(), "revoked": False, "demo": demo, "roles": list(roles)}

    def to_json(self) -> dict:
        return {"keyid": self.keyid, "public": self.public, "region": self.region, "signer": self.signer,
                "position": self.position}


@dataclass(frozen=True)
class SigningKey:
    """A loaded private key. Never printed, never written anywhere but its own file."""

    keyid: str
    public: str
    path: Path | None
    _private: Any = field(repr=False)

    def sign(self, message: bytes) -> str:
        return _b64(self._private.sign(message))

    @classmethod
    def from_seed(cls, seed: bytes, path: Path | None = None) -> "SigningKey":
        """A key from 32 secret bytes (used for the bundled DEMO keys, which are public knowledge)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        private = Ed25519PrivateKey.from_private_bytes(seed)
        raw = _public_raw(private)
        return cls(keyid_of(raw), _b64(raw), path, private)


def _public_raw(private) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_file(path: Path) -> Path:
    """Where :func:`generate_key` writes the public half: bandung.key -> bandung.pub.yaml."""
    path = Path(path)
    return path.with_suffix(".pub.yaml") if path.suffix == ".key" else path.with_name(path.name + ".pub.yaml")


def check_new_key_path(path: Path | str) -> Path:
    """*path* is free (a key is never replaced) and a key and its public file can be made there;
    the public file. ``key generate`` checks this first, and ``--dry-run`` only this."""
    from ksad.fsutil import check_can_create

    path = Path(path)
    if path.exists() or path.is_symlink():
        raise ConflictError("trust.key.exists", file=str(path))
    public = public_key_file(path)
    # A file where a directory must be: the run failed late, after the private key was
    # written (its public file a directory) or in an unexpected error (a parent a file).
    check_can_create(public)
    check_can_create(path)
    return public


def generate_key(path: Path | str, *, region: str, signer: str, position: str = "",
                 passphrase: str | None = None) -> PublicKeyInfo:
    """Create an Ed25519 key: PKCS8 PEM at *path*, mode 0600 from the first byte, never overwritten.

    The public half and its owner go to :func:`public_key_file` (a ready keyring entry).
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (BestAvailableEncryption, Encoding, NoEncryption,
                                                              PrivateFormat)

    from ksad import yamlio
    from ksad.fsutil import atomic_write

    path = Path(path)
    check_new_key_path(path)
    private = Ed25519PrivateKey.generate()
    encryption = BestAvailableEncryption(passphrase.encode("utf-8")) if passphrase else NoEncryption()
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, encryption)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: an existing key is never replaced; 0600 at creation: no moment where others can read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConflictError("trust.key.exists", file=str(path)) from None
    except OSError as exc:
        raise InputError("file.unwritable", file=str(path), problem=exc.strerror or str(exc)) from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o600)  # the umask cannot widen it, but be explicit
    raw = _public_raw(private)
    info = PublicKeyInfo(keyid_of(raw), _b64(raw), region, signer, position)
    atomic_write(public_key_file(path), "# Public half of a ksad signing key: safe to share.\n"
                 + yamlio.dump(info.to_json()))
    return info


def load_private_key(path: Path | str, passphrase: str | None = None) -> SigningKey:
    """Load a private key, refusing one that anybody but its owner can read or change."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    path = Path(path)
    try:
        st = path.stat()
        data = path.read_bytes()
    except OSError as exc:
        raise InputError("file.unreadable", file=str(path), problem=exc.strerror or str(exc)) from None
    if st.st_mode & 0o077:
        raise TrustError("trust.key.permissions", file=str(path), mode=oct(st.st_mode & 0o777)[2:])
    password = passphrase.encode("utf-8") if passphrase else None
    try:
        private = load_pem_private_key(data, password=password)
    except TypeError:
        if password is None:
            raise InputError("trust.key.passphrase_needed", file=str(path)) from None
        private = load_pem_private_key(data, password=None)  # a passphrase for a plain key: harmless
    except ValueError:
        if password is not None and b"ENCRYPTED" in data:
            raise InputError("trust.key.passphrase_wrong", file=str(path)) from None
        raise InputError("trust.key.not_a_key", file=str(path)) from None
    except Exception:  # cryptography raises its own UnsupportedAlgorithm for odd PEMs
        raise InputError("trust.key.not_a_key", file=str(path)) from None
    if not isinstance(private, Ed25519PrivateKey):
        raise InputError("trust.key.not_ed25519", file=str(path))
    raw = _public_raw(private)
    return SigningKey(keyid_of(raw), _b64(raw), path, private)


def key_info(path: Path | str, passphrase: str | None = None) -> PublicKeyInfo:
    """The public half of a key file (private PEM or ``.pub.yaml``), with its owner when known."""
    from ksad import yamlio

    path = Path(path)
    if path.name.endswith(".pub.yaml"):
        data = yamlio.load_mapping(path, with_lines=False).data
        public = str(data.get("public", ""))
        raw = _unb64(public)
        if raw is None or len(raw) != 32:
            raise InputError("trust.key.not_a_key", file=str(path))
        return PublicKeyInfo(keyid_of(raw), public, str(data.get("region", "")), str(data.get("signer", "")),
                             str(data.get("position", "")))
    key = load_private_key(path, passphrase)
    sidecar = public_key_file(path)
    if sidecar.is_file():
        side = key_info(sidecar)
        if side.keyid == key.keyid:
            return side
    return PublicKeyInfo(key.keyid, key.public)


_public_raw_of: dict[str, bytes | None] = {}  # a keyring's few hundred keys verify thousands of signatures


def _token(public_b64: str, message: bytes, sig_b64: str) -> tuple[bytes, bytes, str] | None:
    """(raw key, raw signature, the verified memo's token), None if either is malformed."""
    raw = _public_raw_of.get(public_b64)
    if raw is None:
        raw = _public_raw_of[public_b64] = _unb64(public_b64)
    sig = _unb64(sig_b64)
    if raw is None or sig is None or len(raw) != 32 or len(sig) != 64:
        return None
    return raw, sig, hashlib.sha256(b"ksad-verified\0" + raw + sig + hashlib.sha256(message).digest()).hexdigest()[:40]


def _verified(raw: bytes, sig: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(sig, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_raw(public_b64: str, message: bytes, sig_b64: str) -> bool:
    found = _token(public_b64, message, sig_b64)
    if found is None:
        return False
    raw, sig, token = found
    memo = _verified_memo()
    if token in memo.tokens:
        return True
    if not _verified(raw, sig, message):
        return False
    memo.add(token)
    return True


def verify_ahead(signatures: Iterable[tuple[str, bytes, str]], ahead: Forked | None = None) -> None:
    """Verify (public key, message, signature) triples before the checks that ask for them.

    ``cryptography`` verifies Ed25519 without the GIL, so two threads verify at once
    (ksad.workers.threaded_map) when nothing but verifying runs in them. Two threads that
    each judge documents instead hand the GIL to each other at every signature: 514 MoUs
    took 0.18-0.38 s that way, against ~0.1 s of verifying their 1,028 signatures. What
    verifies is added to the memo, where :func:`verify_raw` finds it; what does not is left
    for it to verify again and report.

    *ahead*: the child of :func:`verify_in_child`, verifying the same signatures from the
    other end (it has done most by now). This process verifies from the front in one thread,
    taking what the child sent before each, until the two meet; if the child stops, what is
    left is verified here as without it.
    """
    from ksad.workers import threaded_map

    memo = _verified_memo()

    def adopt() -> None:
        for token in ahead.poll():
            memo.add(token)

    if ahead is not None:
        adopt()
    todo = []
    for public_b64, message, sig_b64 in signatures:
        found = _token(public_b64, message, sig_b64)
        if found is not None and found[2] not in memo.tokens:
            todo.append((found[0], found[1], message, found[2]))
    if ahead is not None:
        for at, (raw, sig, message, token) in enumerate(todo):
            adopt()
            if not ahead.running:
                todo = [item for item in todo[at:] if item[3] not in memo.tokens]
                break
            if token not in memo.tokens and _verified(raw, sig, message):
                memo.add(token)
        else:
            todo = []
        ahead.close()
    for (_, _, _, token), good in zip(todo, threaded_map(_verified_item, todo)):
        if good:
            memo.add(token)


def _verified_item(item: tuple[bytes, bytes, bytes, str]) -> bool:
    return _verified(item[0], item[1], item[2])


def verify_in_child(signatures: Callable[[], Iterable[tuple[str, bytes, str]]]) -> Forked | None:
    """Start verifying the (public key, message, signature) triples *signatures()* gives in a
    forked child (:class:`ksad.workers.Forked`), for :func:`verify_ahead`'s *ahead*; None if
    no child can start.

    For a first ``mou list --all``: its 1,028 signatures took ~0.12 s of the command's time
    even in two threads. A child started before the snapshot check verifies them from the
    publisher's documents.json while this process checks the snapshot and loads the MoUs,
    sending the memo's token of each that verifies. A token names the exact key, signature
    and signed bytes, so one this process does not come to ask for (a stale documents.json,
    another keyring) is only never used.
    """
    from ksad.workers import Forked

    def child(send: Callable[[str], None]) -> None:
        known = _verified_memo().tokens
        for public_b64, message, sig_b64 in signatures():
            found = _token(public_b64, message, sig_b64)
            if found is not None and found[2] not in known and _verified(found[0], found[1], message):
                send(found[2])

    return Forked.start(child)


class _VerifiedMemo:
    """Signatures already verified on this machine, by a hash of (key, signature, message).

    Ed25519 verification costs ~0.1-0.3 ms here, and ``ksad mou list`` checks two per
    MoU (over a thousand at national scale) on every run. Only successes are kept,
    and the token covers the exact key, signature and signed bytes, so any change
    of content misses. The file lives in $KSAD_HOME beside the trust state it is as
    sensitive as (whoever can write one can write the other), and is 0600.
    """

    LIMIT = 50_000

    def __init__(self) -> None:
        from ksad.settings import Settings

        self.file = Settings.from_env().cache_dir / "verified-signatures.json"
        try:
            self.tokens: dict[str, None] = dict.fromkeys(json.loads(self.file.read_bytes()))
        except (OSError, ValueError, TypeError):
            self.tokens = {}
        self._dirty = False

    def add(self, token: str) -> None:
        self.tokens[token] = None
        if not self._dirty:
            import atexit

            atexit.register(self.save)
            self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        from ksad.fsutil import atomic_write

        kept = list(self.tokens)[-self.LIMIT:]  # insertion order: the oldest go first
        try:
            atomic_write(self.file, json.dumps(kept), mode=0o600, durable=False)
        except OSError:
            pass  # a read-only home only costs speed
        self._dirty = False


_memo: _VerifiedMemo | None = None


def _verified_memo() -> _VerifiedMemo:
    global _memo
    if _memo is None:
        _memo = _VerifiedMemo()
    return _memo


# --- keyring ---------------------------------------------------------------------


class RootKey(NamedTuple):
    keyid: str
    public: str
    name: str = ""


class KeyEntry(NamedTuple):
    """A region's (or the catalog maintainer's) key, as the keyring binds it."""

    keyid: str
    public: str
    region: str
    signer: str
    position: str
    valid_from: date
    valid_until: date
    revoked: date | None
    demo: bool
    roles: tuple[str, ...]

    def problem(self, on: date, what: str) -> TrustError | None:
        """Why this key cannot sign on *on*, or None."""
        fields = dict(what=what, keyid=self.keyid, signer=self.signer, region=self.region)
        if self.revoked is not None and self.revoked <= on:
            return TrustError("trust.key.revoked", date=self.revoked.isoformat(), **fields)
        if on < self.valid_from:
            return TrustError("trust.key.not_yet_valid", date=self.valid_from.isoformat(), **fields)
        if on > self.valid_until:
            return TrustError("trust.key.expired", date=self.valid_until.isoformat(), **fields)
        return None

    def signs_for(self, region: str) -> bool:
        """Whether this key may sign as *region* (an app's publisher, a side of an MoU or its revocation).

        The keyring's region of a snapshot-only key names who holds it, not a mandate: the
        maintainer who re-signs the catalog's file hashes must not thereby speak for the region.
        """
        return self.region == region and "region" in self.roles

    def to_json(self) -> dict:
        return {"keyid": self.keyid, "region": self.region, "signer": self.signer, "position": self.position,
                "valid_from": self.valid_from.isoformat(), "valid_until": self.valid_until.isoformat(),
                "revoked": self.revoked.isoformat() if self.revoked else False, "demo": self.demo,
                "roles": list(self.roles)}


class Keyring(NamedTuple):
    path: Path
    version: int
    expires: date
    threshold: int
    snapshot_threshold: int
    roots: dict[str, RootKey]
    keys: dict[str, KeyEntry]
    sha256: str  # of the canonical content

    @property
    def demo(self) -> bool:
        return any(k.demo for k in self.keys.values())

    def key(self, keyid: str) -> KeyEntry | None:
        return self.keys.get(keyid)

    def require_key(self, keyid: str) -> KeyEntry:
        entry = self.keys.get(keyid)
        if entry is None:
            raise TrustError("trust.key.not_in_keyring", keyid=keyid, keyring=str(self.path))
        return entry


def _keyring_from(data: dict, path: Path, sha: str) -> Keyring:
    def check_id(keyid: str, public: str) -> None:
        raw = _unb64(public)
        if raw is None or len(raw) != 32 or keyid_of(raw) != keyid:
            raise TrustError("trust.keyring.bad_keyid", file=str(path), keyid=keyid)

    roots = {}
    for r in data["roots"]:
        check_id(r["keyid"], r["public"])
        roots[r["keyid"]] = RootKey(r["keyid"], r["public"], r.get("name", ""))
    keys = {}
    for k in data.get("keys") or []:
        check_id(k["keyid"], k["public"])
        if k["keyid"] in keys:
            # the later entry would silently win: an unrevoked copy would undo a revocation
            raise TrustError("trust.keyring.duplicate_key", file=str(path), keyid=k["keyid"])
        revoked = k.get("revoked")
        keys[k["keyid"]] = KeyEntry(
            keyid=k["keyid"], public=k["public"], region=str(k.get("region", "")), signer=k["signer"],
            position=k.get("position", ""), valid_from=as_date(k["valid_from"]), valid_until=as_date(k["valid_until"]),
            revoked=as_date(revoked) if revoked not in (None, False) else None, demo=bool(k.get("demo", False)),
            roles=tuple(k.get("roles") or ("region",)))
    return Keyring(path=path, version=data["version"], expires=as_date(data["expires"]), threshold=data["threshold"],
                   snapshot_threshold=data.get("snapshot_threshold", 1), roots=roots, keys=keys, sha256=sha)


def _valid_signers(data: dict, kind: str, keys: dict[str, Any], body: bytes | None = None) -> set[str]:
    """Distinct key ids among *keys* (id -> object with .public) with a valid signature on *data*."""
    message = signed_message(kind, data, body)
    found = set()
    for rec in data.get("signatures") or []:
        if isinstance(rec, dict) and rec.get("keyid") in keys and rec["keyid"] not in found:
            if verify_raw(keys[rec["keyid"]].public, message, str(rec.get("sig", ""))):
                found.add(rec["keyid"])
    return found


def _schema_check(kind: str, doc, error_key: str) -> None:
    from ksad.catalog import schema_problems

    problems = schema_problems(kind, _jsonable(doc.data, ""), doc)
    if problems:
        raise TrustError(error_key, file=str(doc.path), problems="\n".join(f"  {p}" for p in problems))


def load_keyring(path: Path | str, *, store: "TrustStore | None" = None, now: datetime | None = None) -> Keyring:
    """Read and verify a keyring: root threshold, pins, no rollback against *store*, not expired.

    Nothing is recorded here; :func:`verify_snapshot` records what it trusted.
    """
    path = Path(path)
    if not path.is_file():
        raise TrustError("trust.keyring.missing", file=str(path))
    from ksad.parsecache import ParsedCache

    def parse(path: Path, raw: bytes) -> dict:
        from ksad import yamlio  # only for content not seen before: PyYAML costs ~60 ms to import

        doc = yamlio.load_mapping(path, raw=raw)
        _schema_check("keyring", doc, "trust.keyring.invalid")
        return doc.data

    def shipped():  # ksad.catalog only on a miss: a warm mou list never needs it
        from ksad.catalog import shipped_documents

        return shipped_documents(path.parent.parent)

    encoded: list[tuple[Any, bytes]] = []  # (content, canonical bytes): a 517-key keyring takes ~5 ms to encode

    def canonical(data: dict) -> bytes:
        if not encoded or encoded[-1][0] is not data:
            # String keys only: decoded from JSON, or parsed and schema-checked through _jsonable.
            encoded.append((data, canonical_bytes(data, string_keys=True)))
        return encoded[-1][1]

    def sound(data) -> bool:
        # The keyring this client last trusted passed the schema check when it was first read; the
        # same content again (a first run with an empty cache) skips it and its validator (~15 ms).
        try:
            trusted = (store.read().get("keyring") or {}).get("sha256") if store else None
            if trusted and isinstance(data, dict) and hashlib.sha256(canonical(data)).hexdigest() == trusted:
                return True
        except (InputError, TrustError, TypeError, ValueError):
            pass
        from ksad.catalog import sound_document

        return sound_document("keyring", data)

    # kept even when no snapshot vouched for documents.json: a keyring counts only if its roots
    # sign it and it is no older than the one trusted, whatever file it was read from
    cache = ParsedCache("keyring", path, shipped=shipped, sound=sound, vouched=lambda: True)
    data = cache.load(path, parse)  # new content is parsed and schema-checked; signatures are checked below
    cache.save(prune=True)
    prior = store.read().get("keyring") if store else None
    body = canonical(data)  # once for hash and signatures
    sha = hashlib.sha256(body).hexdigest()
    keyring = _keyring_from(data, path, sha)
    own = _valid_signers(data, "keyring", keyring.roots, body)
    if len(own) < keyring.threshold:
        raise TrustError("trust.keyring.threshold", file=str(path), count=len(own), threshold=keyring.threshold)
    pins = store.pins() if store else []
    if pins:
        pinned = {k for k in own if any(hashlib.sha256(_unb64(keyring.roots[k].public)).hexdigest().startswith(p)
                                        for p in pins)}
        if len(pinned) < keyring.threshold:
            raise TrustError("trust.keyring.not_pinned", file=str(path), pins=str(store.pins_file),
                             count=len(pinned), threshold=keyring.threshold)
    if prior:
        if keyring.version < prior["version"]:
            raise TrustError("trust.keyring.rollback", file=str(path), version=keyring.version, seen=prior["version"])
        if keyring.version == prior["version"] and sha != prior["sha256"]:
            raise TrustError("trust.keyring.forked", file=str(path), version=keyring.version)
        if keyring.version > prior["version"]:
            old_roots = {k: RootKey(k, v) for k, v in prior["roots"].items()}
            by_old = _valid_signers(data, "keyring", old_roots, body)
            if len(by_old) < prior["threshold"]:
                raise TrustError("trust.keyring.not_chained", file=str(path), version=keyring.version,
                                 seen=prior["version"], count=len(by_old), threshold=prior["threshold"])
    if keyring.expires < today(now):
        raise TrustError("trust.keyring.expired", file=str(path), date=keyring.expires.isoformat())
    return keyring


# --- signatures on documents ------------------------------------------------------------


class SigCheck(NamedTuple):
    """One entry of a document's ``signatures`` list, judged against a keyring."""

    index: int
    keyid: str
    role: str
    key: KeyEntry | None
    verified: bool  # the signature matches the content under the key
    problem: TrustError | None  # None: verified and the key is valid today


def check_signatures(doc: dict, kind: str, keyring: Keyring, *, what: str, now: datetime | None = None,
                     body: bytes | None = None, on: date | None = None) -> list[SigCheck]:
    """*on*: ``today(now)`` if the caller has it already (it costs a local-time conversion)."""
    message = signed_message(kind, doc, body)
    on = on or today(now)
    out = []
    records = doc.get("signatures") or []
    if not isinstance(records, list):
        return [SigCheck(0, "", "", None, False, TrustError("trust.sig.malformed", what=what, index=0))]
    for i, rec in enumerate(records):
        if not isinstance(rec, dict) or not all(isinstance(rec.get(k), str) for k in ("keyid", "sig", "role")):
            out.append(SigCheck(i, "", "", None, False, TrustError("trust.sig.malformed", what=what, index=i)))
            continue
        keyid, role = rec["keyid"], rec["role"]
        key = keyring.keys.get(keyid)
        if key is None:
            out.append(SigCheck(i, keyid, role, None, False, TrustError(
                "trust.sig.unknown_key", what=what, keyid=keyid, signer=rec.get("signer", "?"),
                keyring=str(keyring.path))))
            continue
        if not verify_raw(key.public, message, rec["sig"]):
            out.append(SigCheck(i, keyid, role, key, False, TrustError(
                "trust.sig.mismatch", what=what, keyid=keyid, signer=key.signer)))
            continue
        out.append(SigCheck(i, keyid, role, key, True, key.problem(on, what)))
    return out


def make_signature(doc: dict, kind: str, key: SigningKey, role: str, signer: str = "") -> dict:
    return {"keyid": key.keyid, "signer": signer, "role": role, "sig": key.sign(signed_message(kind, doc))}


def kind_of(path: Path) -> str:
    path = Path(path)
    if path.name == SNAPSHOT_FILE:
        return "snapshot"
    if path.name == "keyring.yaml":
        return "keyring"
    by_dir = {"apps": "app", "mous": "mou", "revocations": "revocation"}
    if path.parent.name in by_dir:
        return by_dir[path.parent.name]
    raise InputError("trust.kind_unknown", file=str(path))


def sign_document(path: Path | str, key: SigningKey, role: str, *, kind: str | None = None,
                  signer: str = "") -> dict:
    """Add (or renew) *key*'s signature on the YAML or JSON document at *path*; return the record.

    A signature by the same key is replaced, so re-signing after an edit is one command.
    """
    from ksad import yamlio

    path = Path(path)
    kind = kind or kind_of(path)
    if path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError("file.unreadable", file=str(path), problem=str(exc)) from None
        text = None
    else:
        doc = yamlio.load_mapping(path, with_lines=False)
        data, text = doc.data, path.read_text(encoding="utf-8")
    record = make_signature(data, kind, key, role, signer)
    kept = [s for s in (data.get("signatures") or []) if not (isinstance(s, dict) and s.get("keyid") == key.keyid)]
    write_signatures(path, data, [*kept, record], text=text)
    return record


def write_signatures(path: Path, data: dict, signatures: list[dict], *, text: str | None = None) -> None:
    """Write *data* with *signatures* to *path* (YAML keeps its text above the signatures block)."""
    from ksad import yamlio
    from ksad.fsutil import atomic_write

    path = Path(path)
    body = {k: v for k, v in data.items() if k != "signatures"}
    if path.suffix == ".json":
        atomic_write(path, json.dumps({**_jsonable(body, ""), "signatures": signatures}, indent=2,
                                      sort_keys=True, ensure_ascii=False) + "\n")
        return
    out = None
    if text is not None:
        out = _replace_signatures_block(text, signatures)
        try:
            again = yamlio.parse(out, path, with_lines=False).data
        except InputError:
            again = None
        if not isinstance(again, dict) or canonical_bytes(again) != canonical_bytes(body) \
                or again.get("signatures") != signatures or list(again)[-1] != "signatures":
            out = None  # the text was not in the simple shape assumed: rewrite it whole
    if out is None:
        out = yamlio.dump({**body, "signatures": signatures})
    atomic_write(path, out)


_SIG_KEY_LINE = re.compile(r"^signatures\s*:")


def _replace_signatures_block(text: str, signatures: list[dict]) -> str:
    from ksad import yamlio

    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if _SIG_KEY_LINE.match(line)]
    head = "".join(lines[:starts[-1]] if starts else lines)
    if head and not head.endswith("\n"):
        head += "\n"
    return head + yamlio.dump({"signatures": signatures})


# --- app entries -------------------------------------------------------------------


def verify_app_entry(data: dict, keyring: Keyring, *, now: datetime | None = None,
                     what: str | None = None) -> KeyEntry:
    """The key of the publisher's region that validly signs this entry today; else TrustError why not."""
    region = str((data.get("publisher") or {}).get("code", ""))
    what = what or f"app {data.get('id', '?')}"
    checks = check_signatures(data, "app", keyring, what=what, now=now)
    for c in checks:
        if c.problem is None and c.key.signs_for(region):
            return c.key
    if not checks:
        raise TrustError("trust.app.unsigned", what=what, region=region)
    tampered = [c for c in checks if c.key is not None and not c.verified]
    if tampered:
        raise tampered[0].problem
    ours = [c for c in checks if c.key is not None and c.key.region == region]
    if ours:
        raise ours[0].problem or TrustError("trust.app.wrong_role", what=what, keyid=ours[0].keyid)
    others = [c for c in checks if c.key is not None]
    if others:
        k = others[0].key
        raise TrustError("trust.app.wrong_region", what=what, keyid=k.keyid, signer=k.signer,
                         key_region=k.region, region=region)
    raise checks[0].problem


# --- trust state -------------------------------------------------------------------


def catalog_id(catalog_root: Path | str) -> str:
    # resolved: one catalog reached through a link keeps one history (a replay through
    # the other path would otherwise meet a fresh trust state)
    return hashlib.sha256(os.path.realpath(catalog_root).encode()).hexdigest()[:16]


def _legacy_catalog_id(catalog_root: Path | str) -> str:
    """The id used before links were resolved: a state kept under it is adopted, not lost."""
    return hashlib.sha256(str(Path(catalog_root).absolute()).encode()).hexdigest()[:16]


class TrustStore:
    """What this client has trusted for one catalog, kept outside the catalog."""

    def __init__(self, state_dir: Path | str, catalog_root: Path | str) -> None:
        self.dir = Path(state_dir)
        self.catalog_root = Path(os.path.realpath(catalog_root))
        self.file = self.dir / f"{catalog_id(self.catalog_root)}.json"
        self.legacy_file = self.dir / f"{_legacy_catalog_id(catalog_root)}.json"
        self.pins_file = self.dir / ROOT_PINS_FILE
        self._cache: dict | None = None

    def read(self) -> dict:
        if self._cache is None:
            self._cache = self._read(self.file)
            if self._cache is None and self.legacy_file != self.file:
                self._cache = self._read(self.legacy_file)  # written under the path's old id
            if self._cache is None:
                self._cache = {}
        return self._cache

    @staticmethod
    def _read(file: Path) -> dict | None:
        try:
            state = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise TrustError("trust.state.corrupt", file=str(file), problem=str(exc)) from None
        if not isinstance(state, dict):
            raise TrustError("trust.state.corrupt", file=str(file), problem="not an object")
        return state

    def pins(self) -> list[str]:
        try:
            text = self.pins_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise InputError("file.unreadable", file=str(self.pins_file), problem=exc.strerror or str(exc)) from None
        pins = []
        for line in text.splitlines():
            word = line.split("#", 1)[0].strip().lower()
            if word:
                if not re.fullmatch(r"[0-9a-f]{16}|[0-9a-f]{64}", word):
                    raise InputError("trust.pins_invalid", file=str(self.pins_file), value=word)
                pins.append(word)
        return pins

    def record(self, keyring: Keyring, snapshot: "Snapshot") -> None:
        """Raise the remembered versions (never lower them, even if another run got there first)."""
        if self._updated(dict(self.read()), keyring, snapshot) == self.read():
            return  # the usual case: nothing new, so no lock and no write
        from ksad.fsutil import atomic_write, locked

        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        with locked(self.file):
            self._cache = None
            state = self._updated(dict(self.read()), keyring, snapshot)
            if state != self.read():
                atomic_write(self.file, json.dumps(state, indent=2, sort_keys=True) + "\n", mode=0o600)
            self._cache = state

    def _updated(self, state: dict, keyring: Keyring, snapshot: "Snapshot") -> dict:
        old_k, old_s = state.get("keyring") or {}, state.get("snapshot") or {}
        if keyring.version >= old_k.get("version", 0):
            state["keyring"] = {"version": keyring.version, "sha256": keyring.sha256,
                                "threshold": keyring.threshold,
                                "roots": {k: r.public for k, r in sorted(keyring.roots.items())}}
        if snapshot.version >= old_s.get("version", 0):
            state["snapshot"] = {"version": snapshot.version, "sha256": snapshot.sha256,
                                 "expires": iso_utc(snapshot.expires)}
        state["catalog"] = str(self.catalog_root)
        return state


# --- snapshot ---------------------------------------------------------------------


class Snapshot(NamedTuple):
    path: Path
    version: int
    expires: datetime
    files: dict[str, str]
    sha256: str
    signers: tuple[KeyEntry, ...]
    keyring: Keyring

    def to_json(self) -> dict:
        return {"version": self.version, "expires": iso_utc(self.expires), "files": len(self.files),
                "signers": [k.to_json() for k in self.signers], "keyring_version": self.keyring.version,
                "demo": self.keyring.demo}


def covered_files(catalog_root: Path) -> list[str]:
    root = str(catalog_root)
    found: set[str] = set()
    for pattern in COVERED:  # os.scandir, not Path.glob: ~10x faster for 700 files, run on every install
        if "*" in pattern:
            sub, _, name = pattern.rpartition("/")
            suffix = name.lstrip("*")
            try:
                with os.scandir(os.path.join(root, sub)) as entries:
                    found.update(f"{sub}/{e.name}" for e in entries if e.name.endswith(suffix) and e.is_file())
            except (FileNotFoundError, NotADirectoryError):
                pass
        elif os.path.isfile(os.path.join(root, pattern)):
            found.add(pattern)
    return sorted(found)


def _file_sha256(path: Path | str) -> str:
    with open(path, "rb") as fh:  # catalog files are small: one read beats chunking
        return hashlib.sha256(fh.read()).hexdigest()


def build_snapshot(catalog_root: Path | str, *, version: int, expires: datetime) -> dict:
    root = Path(catalog_root)
    return {"version": version, "expires": iso_utc(expires),
            "files": {rel: _file_sha256(root / rel) for rel in covered_files(root)}}


def unsigned_changes(catalog_root: Path | str, trust_state_dir: Path | str | None = None) -> list[str]:
    """Covered files whose content the current snapshot does not list: changed, added or gone.

    Read, not verified: it only tells a maintainer (``catalog index``, ``publish``) whether a new
    snapshot would bless anything; every client still checks the snapshot it is given.
    With *trust_state_dir*, unchanged files are not read again (:class:`DigestMemo`, as the
    snapshot check does): hashing a national catalog's 684 files took ``catalog index`` ~60 ms.
    """
    from ksad.parsecache import StatDigests

    root = Path(catalog_root).absolute()
    memo = DigestMemo(TrustStore(trust_state_dir, root)) if trust_state_dir is not None else StatDigests(None)
    try:
        listed = json.loads((root / SNAPSHOT_FILE).read_bytes()).get("files") or {}
    except (OSError, ValueError, AttributeError):
        listed = {}
    if not isinstance(listed, dict):
        listed = {}
    root_s = str(root)
    out = {rel for rel in covered_files(root) if listed.get(rel) != memo.digest(rel, os.path.join(root_s, rel))[1]}
    out |= {rel for rel in listed if isinstance(rel, str) and not (root / rel).exists()}
    memo.save()
    return sorted(out)


def _read_snapshot(path: Path) -> dict:
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise TrustError("trust.snapshot.missing", file=str(path)) from None
    except (OSError, ValueError) as exc:
        raise TrustError("trust.snapshot.invalid", file=str(path), problem=str(exc)) from None
    problem = _snapshot_shape(data)
    if problem:
        raise TrustError("trust.snapshot.invalid", file=str(path), problem=problem)
    return data


def _snapshot_shape(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "not a JSON object"
    extra = set(data) - {"version", "expires", "files", "signatures"}
    if extra:
        return f"unknown keys: {', '.join(sorted(extra))}"
    if not isinstance(data.get("version"), int) or isinstance(data["version"], bool) or data["version"] < 1:
        return "version must be a positive integer"
    try:
        parse_datetime(data.get("expires"))
    except (TypeError, ValueError):
        return "expires must be an ISO date and time"
    files = data.get("files")
    if not isinstance(files, dict) or not all(isinstance(v, str) and _HEX64.fullmatch(v) for v in files.values()):
        return "files must map paths to sha256 digests"
    for rel in files:
        parts = rel.split("/")
        if rel.startswith("/") or "\\" in rel or ".." in parts or not rel.strip("/"):
            return f"unsafe path {rel!r}"
    return None


def sign_snapshot(catalog_root: Path | str, keys: list[SigningKey], *, expires: datetime | None = None,
                  version: int | None = None, now: datetime | None = None) -> Path:
    """Hash the catalog's covered files and write a snapshot signed by *keys* (snapshot-role keys).

    The version is one above the current snapshot's unless given; it must only ever increase.
    """
    from ksad.fsutil import atomic_write

    root = Path(catalog_root)
    path = root / SNAPSHOT_FILE
    keyring = load_keyring(root / KEYRING_FILE, now=now)
    for key in keys:
        entry = keyring.require_key(key.keyid)
        problem = entry.problem(today(now), str(path))
        if problem:
            raise problem
        if "snapshot" not in entry.roles:
            raise TrustError("trust.snapshot.key_not_snapshot", keyid=key.keyid, signer=entry.signer)
    previous, listed = 0, {}
    if path.exists():
        try:
            data = json.loads(path.read_bytes())
            previous, listed = int(data.get("version", 0)), data.get("files") or {}
        except (OSError, ValueError, TypeError, AttributeError):
            previous = 0
    # A revocation is final: signing the catalog without one would quietly bring its MoU back
    # (a stray `git checkout`, a file deleted by hand). A grant again is a new MoU, signed anew.
    gone = sorted(rel for rel in listed if isinstance(rel, str) and rel.startswith("revocations/")
                  and not (root / rel).exists()) if isinstance(listed, dict) else []
    if gone:
        raise TrustError("trust.snapshot.revocation_removed", file=gone[0], catalog=str(root))
    version = version if version is not None else previous + 1
    if version <= previous:
        raise TrustError("trust.snapshot.version_not_increasing", version=version, seen=previous)
    expires = expires or (_now(now) + timedelta(days=DEFAULT_SNAPSHOT_DAYS))
    doc = build_snapshot(root, version=version, expires=expires)
    doc["signatures"] = [make_signature(doc, "snapshot", k, "snapshot", keyring.keys[k.keyid].signer) for k in keys]
    atomic_write(path, json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return path


def verify_snapshot(catalog_root: Path | str, trust_state_dir: Path | str, now: datetime | None = None, *,
                    record: bool = True, stat_memo: bool = True, trusted_as: Path | str | None = None) -> Snapshot:
    """Check the whole catalog against its signed snapshot, then remember the versions trusted.

    Refuses: a keyring or snapshot not signed as required, an older version than
    already trusted (replay) or the same version with other content, an expired
    snapshot (freeze), any listed file whose hash differs or that is missing, and
    any file the snapshot must list but does not. Only listed files are hashed.

    ``record=False`` checks against what was trusted without remembering anything:
    ``ksad catalog validate`` and ``ksad publish`` look at a catalog, they do not adopt it.
    ``stat_memo=False`` reads every file (:class:`DigestMemo` neither used nor kept).
    ``trusted_as``: the catalog whose trust state applies, when *catalog_root* is a copy that is to
    replace it (``ksad catalog update`` checks the new commit in a directory beside the live one):
    the copy must not be older than what was trusted *there*.
    """
    root = Path(catalog_root).absolute()
    store = TrustStore(trust_state_dir, trusted_as if trusted_as is not None else root)
    keyring = load_keyring(root / KEYRING_FILE, store=store, now=now)
    path = root / SNAPSHOT_FILE
    data = _read_snapshot(path)
    body = canonical_bytes(data, string_keys=True)  # _read_snapshot decodes JSON
    checks = check_signatures(data, "snapshot", keyring, what=str(path), now=now, body=body)
    good = {c.keyid: c.key for c in checks if c.problem is None and "snapshot" in c.key.roles}
    if len(good) < keyring.snapshot_threshold:
        bad = next((c.problem for c in checks if c.problem is not None), None)
        if bad is not None:
            raise bad
        raise TrustError("trust.snapshot.threshold", file=str(path), count=len(good),
                         threshold=keyring.snapshot_threshold)
    sha = hashlib.sha256(body).hexdigest()
    prior = store.read().get("snapshot")
    if prior:
        if data["version"] < prior["version"]:
            raise TrustError("trust.snapshot.rollback", file=str(path), version=data["version"], seen=prior["version"])
        if data["version"] == prior["version"] and sha != prior["sha256"]:
            raise TrustError("trust.snapshot.forked", file=str(path), version=data["version"])
    expires = parse_datetime(data["expires"])
    if expires <= _now(now):
        raise TrustError("trust.snapshot.expired", file=str(path), date=iso_utc(expires))
    from ksad.parsecache import process_sig, remember_digests

    files: dict[str, str] = data["files"]
    root_s = str(root)
    seen = {}
    memo = DigestMemo(store) if stat_memo else StatDigests(None)
    for rel, digest in files.items():
        target = os.path.join(root_s, rel)
        try:
            st, actual = memo.digest(rel, target)
        except FileNotFoundError:
            raise TrustError("trust.snapshot.file_missing", file=rel, catalog=str(root)) from None
        except OSError as exc:
            raise InputError("file.unreadable", file=target, problem=exc.strerror or str(exc)) from None
        if actual != digest:
            raise TrustError("trust.snapshot.file_changed", file=rel, catalog=str(root))
        seen[target] = (process_sig(st), digest)  # the stat from before the read
    for rel in covered_files(root):
        if rel not in files:
            raise TrustError("trust.snapshot.file_unlisted", file=rel, catalog=str(root))
    remember_digests(seen)
    memo.save()
    snapshot = Snapshot(path, data["version"], expires, dict(files), sha, tuple(good.values()), keyring)
    if not record:
        return snapshot
    try:
        store.record(keyring, snapshot)
    except OSError as exc:
        # Without the record, replay protection would silently lapse: refuse instead.
        raise TrustError("trust.state.unwritable", file=str(store.file), problem=exc.strerror or str(exc)) from None
    return snapshot


class DigestMemo(StatDigests):
    """:class:`~ksad.parsecache.StatDigests` of the catalog's files for its snapshot check.

    Kept beside the trust state, owner-only, not in the cache directory: a wrong entry
    here would pass a changed file, so it is guarded like the versions trusted.
    """

    def __init__(self, store: TrustStore) -> None:
        super().__init__(store.dir / f"{catalog_id(store.catalog_root)}.digests.json", private=True)


def trust_state_dir(settings) -> Path:
    return Path(settings.home) / TRUST_DIR


__all__ = [
    "PAYLOAD_TYPES", "KEYRING_FILE", "SNAPSHOT_FILE", "PublicKeyInfo", "SigningKey", "KeyEntry", "Keyring",
    "RootKey", "SigCheck", "Snapshot", "TrustStore", "canonical_bytes", "content_sha256",
    "signed_message", "keyid_of", "generate_key", "load_private_key", "key_info", "verify_raw", "load_keyring",
    "check_signatures", "make_signature", "sign_document", "write_signatures", "verify_app_entry", "catalog_id",
    "covered_files", "build_snapshot", "unsigned_changes", "sign_snapshot", "verify_snapshot", "trust_state_dir",
    "today", "as_date",
]
