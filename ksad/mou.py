"""MoU manifests: draft, sign, verify, list, revoke, and the install gate.

An MoU manifest (``mous/<id>.yaml``, schema ``catalog/schema/mou.schema.json``)
is the machine-checkable shadow of the legally signed PDF (whose sha256 it
carries): the pioneer and the partner (Kemendagri codes, offices, each side's
document number), the validity window, the granted apps with PEP 440 version
ranges, and the terms. It grants nothing until one official of each side has
signed the same canonical bytes (:mod:`ksad.trust`) with a key the catalog's
keyring binds to that side's region.

A revocation (``revocations/<mou-id>.yaml``) is a statement signed by either
party. Unlike other signatures it stays in force after the signing key
expires or is revoked: letting a revocation lapse would silently re-grant an
app, and a forged one can only deny, never grant.

:func:`find_grant` is the gate ``install`` and ``upgrade`` call. When nothing
grants the app it explains the most specific failure of the MoU that came
closest, checks being passed in this order: signatures intact; not revoked;
inside its window; every signing key in the keyring, valid and of its side's
region; one signature per side; both sides signed; the version in range.
The facts about the agreement itself (revoked, expired) come before the state
of the keys, because an official acts on those first.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple

from ksad.errors import ConflictError, InputError, NotFoundError, TrustError
from ksad.trust import (KeyEntry, Keyring, SigCheck, SigningKey, as_date, canonical_bytes, check_signatures,
                        content_sha256, make_signature, today, write_signatures)

if TYPE_CHECKING:
    from ksad.workers import Forked

MOU_DIR = "mous"
REVOCATION_DIR = "revocations"
SIDES = ("pioneer", "partner")
ANY_VERSION = ">=0"
_APP_GRANT = re.compile(r"\s*([a-z][a-z0-9-]{1,39})\s*(.*?)\s*")
_ID = re.compile(r"[a-z0-9][a-z0-9-]{2,79}")

# How far a candidate MoU got through the checks (see the module docstring).
NOT_LISTED, TAMPERED, REVOKED, WINDOW, KEYS, DUPLICATE, MISSING, VERSION, PASSED = range(-1, 8)

# The value types here and in ksad.trust are NamedTuples, not frozen dataclasses: as immutable,
# each costs ~1.5 ms less to define at import, and ~3x less to build (--all at national scale
# builds 7,700 grants).


class Party(NamedTuple):
    code: str
    office: str
    number: str

    def to_json(self) -> dict:
        return {"code": self.code, "office": self.office, "number": self.number}


def spec_problem(versions: str) -> str | None:
    """Why *versions* is not a version range (the message), or None if it is one."""
    from ksad.versions import parse_spec

    try:
        parse_spec(versions)
    except InputError as exc:
        return exc.message
    return None


class Grant(NamedTuple):
    app: str
    versions: str  # a PEP 440 specifier

    def covers(self, version: str) -> bool:
        from ksad.versions import parse_spec, parse_version

        # prereleases=True: the installer picked this exact version; the range decides, not its pre-release tag.
        return parse_spec(self.versions).contains(parse_version(version), prereleases=True)

    def to_json(self) -> dict:
        return {"app": self.app, "versions": self.versions}


class Signer(NamedTuple):
    side: str
    keyid: str
    signer: str
    position: str
    region: str
    demo: bool

    def to_json(self) -> dict:
        return {"side": self.side, "keyid": self.keyid, "signer": self.signer, "position": self.position,
                "region": self.region, "demo": self.demo}


class Revocation(NamedTuple):
    mou: str
    side: str
    revoked_on: date
    reason: str
    signer: str
    file: Path | None

    def to_json(self) -> dict:
        return {"mou": self.mou, "side": self.side, "revoked_on": self.revoked_on.isoformat(),
                "reason": self.reason, "signer": self.signer, "file": str(self.file) if self.file else None}


class MouStatus(NamedTuple):
    """An MoU as checked on one day: what it says, who signed it, and what (if anything) is wrong."""

    id: str
    file: Path | None
    pioneer: Party
    partner: Party
    document_sha256: str
    valid_from: date
    valid_until: date
    grants: tuple[Grant, ...]
    terms: dict
    demo: bool
    signers: tuple[Signer, ...]
    revocation: Revocation | None
    problem: TrustError | None
    passed: int  # how many checks it passed (see PASSED)

    @property
    def ok(self) -> bool:
        return self.problem is None

    def grant_for(self, app: str) -> Grant | None:
        return next((g for g in self.grants if g.app == app), None)

    def to_json(self) -> dict:
        return {"id": self.id, "file": str(self.file) if self.file else None, "valid": self.ok,
                "problem": self.problem.message if self.problem else None,
                "pioneer": self.pioneer.to_json(), "partner": self.partner.to_json(),
                "document_sha256": self.document_sha256, "valid_from": self.valid_from.isoformat(),
                "valid_until": self.valid_until.isoformat(), "apps": [g.to_json() for g in self.grants],
                "terms": self.terms, "demo": self.demo, "signers": [s.to_json() for s in self.signers],
                "revocation": self.revocation.to_json() if self.revocation else None}


def side_name(side: str) -> str:
    from ksad.messages import t

    return t(f"mou.side.{side}")


# --- loading ------------------------------------------------------------------------


def _load(path: Path, *, revocation: bool, raw: bytes | None = None) -> dict:
    from ksad import yamlio
    from ksad.catalog import schema_problems
    from ksad.trust import _jsonable

    doc = yamlio.load_mapping(path, raw=raw)
    problems = schema_problems("mou", _jsonable(doc.data, ""), doc)
    if problems:
        raise InputError("validation.failed", count=len(problems), problems="\n".join(f"  {p}" for p in problems))
    if ("revokes" in doc.data) != revocation:
        from ksad.messages import t

        raise InputError("mou.wrong_kind", file=str(path),
                         kind=t("mou.kind.revocation") if "revokes" in doc.data else t("mou.kind.mou"))
    return doc.data


def load_mou(path: Path | str) -> dict:
    """A schema-valid MoU manifest (signatures not checked)."""
    return _load(Path(path), revocation=False)


def _parsed_cache(catalog_root: Path, *, revocation: bool, kind: str | None = None, scope: Path | None = None):
    from ksad.parsecache import ParsedCache

    # ksad.catalog is imported only on a miss: a warm mou list never needs it (~5 ms).
    def shipped():
        from ksad.catalog import shipped_documents

        return shipped_documents(catalog_root)

    def sound(data) -> bool:
        from ksad.catalog import sound_document

        return sound_document("mou", data) and ("revokes" in data) == revocation

    def vouched() -> bool:
        from ksad.catalog import shipped_documents_vouched

        return shipped_documents_vouched(catalog_root)

    return ParsedCache(kind or ("revocation" if revocation else "mou"), scope or catalog_root, shipped=shipped,
                       sound=sound, vouched=vouched)


def _yaml_names(directory: Path) -> list[str]:
    """The names ``sorted(directory.glob("*.yaml"))`` gives, without sorting Path objects (~10 ms for 514)."""
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(n for n in names if n.endswith(".yaml"))


def _yaml_files(directory: Path) -> list[Path]:
    return [directory / name for name in _yaml_names(directory)]


def _load_dir(catalog_root: Path | str, sub: str, *, revocation: bool) -> list[tuple[Path, dict]]:
    """Every manifest in the catalog's *sub* directory; unchanged files come from the parse cache."""
    cache = _parsed_cache(Path(catalog_root), revocation=revocation)
    parse = lambda path, raw: _load(path, revocation=revocation, raw=raw)  # noqa: E731
    out = [(path, cache.load(path, parse)) for path in _yaml_files(Path(catalog_root) / sub)]
    cache.save(prune=True)
    return out


def load_mous(catalog_root: Path | str, *, region: str | None = None) -> list[tuple[Path, dict]]:
    """The catalog's MoUs; with *region*, only those naming it as a party, the others not even parsed."""
    if region is not None:
        return _region_mous(Path(catalog_root), region)
    out = _load_dir(catalog_root, MOU_DIR, revocation=False)
    for path, data in out:
        if data["id"] != path.stem:
            raise InputError("mou.id_mismatch", file=str(path), id=data["id"])
    return out


def mou_parties(data: Any) -> list[str] | None:
    """[id, pioneer's code, partner's code] of an MoU's content; None if it does not have them."""
    try:
        row = [data["id"], data["pioneer"]["code"], data["partner"]["code"]]
    except (KeyError, TypeError):
        return None
    return row if all(isinstance(v, str) for v in row) else None


def _region_mous(root: Path, region: str) -> list[tuple[Path, dict]]:
    """The MoUs *region* is a party to, chosen by their parties as remembered per content.

    A regency's list would otherwise parse or decode, and schema-check, all 514 MoUs of a
    national catalog to show a handful. Each file's parties (and id) are kept by the sha256
    of its bytes (the snapshot check has hashed them already): from an earlier run, else
    from the publisher's documents.json (its parties table, else the MoU it holds), else by
    loading the file in full as before. What is chosen is loaded and filtered again on its
    own content, and judged in full by the caller, so a wrong remembered party can only
    leave an MoU out, never let one pass; a file the index does not cover is still parsed
    and refused if it is not a valid MoU.
    The chosen MoUs have a parse cache of their own, so the catalog's whole one is not decoded.
    """
    from ksad.parsecache import ParsedCache, file_digest, known_digest

    shipped = None  # ksad.catalog.ShippedDocuments, once needed
    vouched = False
    full = _parsed_cache(root, revocation=False)

    def parties(name: str, digest: str) -> tuple[list, bool]:
        """(id, pioneer, partner), and whether they may be kept."""
        nonlocal shipped, vouched
        if shipped is None:  # only on a miss
            from ksad.catalog import shipped_documents, shipped_documents_vouched

            shipped = shipped_documents(root)
            vouched = shipped_documents_vouched(root)
        row = shipped.parties(digest) or mou_parties(shipped.get(digest))
        if row is not None:
            return row, vouched
        data = full.load(directory / name, lambda p, r: _load(p, revocation=False, raw=r))  # validated, or InputError
        return mou_parties(data), True

    known = ParsedCache("parties-mou", root)
    directory = root / MOU_DIR
    where = os.path.abspath(directory)
    names = _yaml_names(directory)
    found, digests = [], set()
    for name in names:
        # Choosing needs no proof the file is unchanged since the snapshot check: the chosen are re-checked.
        digest = known_digest(os.path.join(where, name)) or file_digest(directory / name)
        digests.add(digest)
        entry = known.get(digest)
        if entry is None:
            entry, keep = parties(name, digest)
            if keep:  # from the file itself, or from a documents.json the snapshot vouched for
                known.store(digest, entry, exact=True)
        found.append(entry)
    chosen = []
    for name, (mid, pioneer, partner) in zip(names, found):  # after loading every file, as load_mous does
        if mid != os.path.splitext(name)[0]:  # Path.stem
            raise InputError("mou.id_mismatch", file=str(directory / name), id=mid)
        if region in (pioneer, partner):
            chosen.append(directory / name)
    if known.differs(digests):  # MoU files came or went: the whole catalog's cache follows them
        full.save_only(digests)
    else:
        full.save()  # only if it parsed something new
    known.save(prune=True)
    scope = root / MOU_DIR / hashlib.sha256(region.encode()).hexdigest()[:16]  # one per region; --region is free text
    cache = _parsed_cache(root, revocation=False, kind="region-mou", scope=scope)
    out = [(path, cache.load(path, lambda p, r: _load(p, revocation=False, raw=r))) for path in chosen]
    cache.save(prune=True)
    for path, data in out:
        if data["id"] != path.stem:
            raise InputError("mou.id_mismatch", file=str(path), id=data["id"])
    return [(path, data) for path, data in out if region in (data["pioneer"]["code"], data["partner"]["code"])]


def load_revocations(catalog_root: Path | str) -> dict[str, list[tuple[Path, dict]]]:
    out: dict[str, list[tuple[Path, dict]]] = {}
    for path, data in _load_dir(catalog_root, REVOCATION_DIR, revocation=True):
        out.setdefault(data["revokes"], []).append((path, data))
    return out


# --- drafting -------------------------------------------------------------------------


def parse_grant(text: str) -> Grant:
    """'e-budgeting>=1,<2' -> Grant('e-budgeting', '>=1,<2'); a bare app grants every version."""
    from ksad.versions import parse_spec

    m = _APP_GRANT.fullmatch(text)
    if not m:
        raise InputError("mou.app_invalid", value=text)
    app, spec = m[1], m[2]
    if not spec:
        return Grant(app, ANY_VERSION)
    parsed = parse_spec(spec)
    from ksad.versions import matches_nothing

    if matches_nothing(parsed):
        raise InputError("mou.grant_empty", app=app, spec=spec)
    # A bare version means exactly that version; a range keeps the user's own spelling.
    return Grant(app, spec if any(ch in spec for ch in "<>=!~") else str(parsed))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def _office_default(region) -> str:
    name = region.name if region.type != "prov" else f"Provinsi {region.name}"
    return f"Dinas Komunikasi dan Informatika {name}"


def draft_mou(*, regions, pioneer: str, partner: str, apps: Iterable[str], valid_from: date, valid_until: date,
              pioneer_number: str, partner_number: str, document: Path | str, pioneer_office: str | None = None,
              partner_office: str | None = None, training: str | None = None, support: str | None = None,
              mou_id: str | None = None, publisher_of: Callable[[str], str] | None = None) -> dict:
    """A new, unsigned MoU manifest.

    *regions* is a :class:`ksad.region.Regions`; *publisher_of* (app id -> publisher
    code, e.g. from the catalog) lets the draft refuse an app the pioneer does not publish,
    which could never be granted.
    """
    from ksad.hashing import file_sha256

    p, q = regions.get(pioneer), regions.get(partner)
    if p.code == q.code:
        raise InputError("mou.draft.same_party", code=p.code)
    if valid_until < valid_from:
        raise InputError("mou.draft.window", valid_from=valid_from.isoformat(), valid_until=valid_until.isoformat())
    from ksad.trust import today

    if valid_until < today():  # signed by both sides, it would grant nothing
        raise InputError("mou.draft.ended", valid_until=valid_until.isoformat(), today=today().isoformat())
    grants = [parse_grant(a) for a in apps]
    if not grants:
        raise InputError("mou.draft.no_apps")
    dupes = sorted(a for a, n in Counter(g.app for g in grants).items() if n > 1)
    if dupes:
        raise InputError("mou.draft.duplicate_app", app=", ".join(dupes))
    if publisher_of is not None:
        for g in grants:
            code = publisher_of(g.app)
            if code != p.code:
                raise InputError("mou.draft.not_publisher", app=g.app, publisher=code, pioneer=p.code)
    for label, number in (("pioneer", pioneer_number), ("partner", partner_number)):
        if not str(number).strip():
            raise InputError("mou.draft.number_missing", side=side_name(label))
    try:
        digest = file_sha256(Path(document))
    except OSError as exc:
        raise InputError("file.unreadable", file=str(document), problem=exc.strerror or str(exc)) from None
    mou_id = mou_id or f"{p.code.replace('.', '')}-{q.code.replace('.', '')}-{_slug(pioneer_number)}"
    if not _ID.fullmatch(mou_id):
        raise InputError("mou.draft.id_invalid", id=mou_id)
    terms: dict = {"grant": True}
    if training:
        terms["training"] = training
    if support:
        terms["support_contact"] = support
    return {
        "id": mou_id,
        "pioneer": {"code": p.code, "office": pioneer_office or _office_default(p), "number": str(pioneer_number)},
        "partner": {"code": q.code, "office": partner_office or _office_default(q), "number": str(partner_number)},
        "document_sha256": digest,
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat(),
        "apps": [g.to_json() for g in grants],
        "terms": terms,
    }


# --- signing and revoking -----------------------------------------------------------------


def _side_for(data: dict, entry: KeyEntry) -> str:
    """The side of MoU *data* whose official *entry* is (:meth:`KeyEntry.signs_for`); TrustError if none."""
    side = next((s for s in SIDES if entry.signs_for(data[s]["code"])), None)
    if side is not None:
        return side
    fields = dict(keyid=entry.keyid, signer=entry.signer, region=entry.region, id=data["id"])
    if any(data[s]["code"] == entry.region for s in SIDES):
        raise TrustError("mou.sign.wrong_role", **fields)
    raise TrustError("mou.sign.not_party", pioneer=data["pioneer"]["code"], partner=data["partner"]["code"], **fields)


def _usable_key(key: SigningKey, keyring: Keyring, what: str, now: datetime | None):
    entry = keyring.require_key(key.keyid)
    problem = entry.problem(today(now), what)
    if problem:
        raise problem
    return entry


def sign_mou(path: Path | str, key: SigningKey, keyring: Keyring, *, now: datetime | None = None,
             dry_run: bool = False) -> Signer:
    """Add the signature of *key*'s side; the side is the party whose region the keyring binds the key to.

    *dry_run*: every check, nothing written (the signer it would add is returned).
    """
    path = Path(path)
    data = load_mou(path)
    what = f"MoU {data['id']}"
    entry = _usable_key(key, keyring, what, now)
    side = _side_for(data, entry)
    for c in check_signatures(data, "mou", keyring, what=what, now=now):
        if c.key is not None and not c.verified:
            raise c.problem  # the text changed after the other side signed: countersigning would not help
        if c.role == side:
            raise TrustError("mou.sign.already", id=data["id"], side=side_name(side), code=data[side]["code"],
                             keyid=c.keyid, signer=c.key.signer if c.key else "?")
    if not dry_run:
        record = make_signature(data, "mou", key, side, entry.signer)
        write_signatures(path, data, [*(data.get("signatures") or []), record], text=path.read_text(encoding="utf-8"))
    return Signer(side, key.keyid, entry.signer, entry.position, entry.region, entry.demo)


def _revocable_id(root: Path, given: str) -> str:
    """The MoU id *given* names: an id, or the path of its file in the catalog's ``mous/``.

    Anything else is unknown. The id names two files, ``mous/<id>.yaml`` and
    ``revocations/<id>.yaml``: one with ``..`` in it made the revocation land on another file,
    the signed MoU itself when ``revocations/`` did not exist yet.
    """
    if _ID.fullmatch(given):
        return given
    file = Path(given)
    if file.suffix == ".yaml" and file.is_file() and file.resolve().parent == (root / MOU_DIR).resolve() \
            and _ID.fullmatch(file.stem):
        return file.stem
    raise NotFoundError("mou.unknown", id=given, catalog=str(root))


def revoke_mou(catalog_root: Path | str, mou_id: str, key: SigningKey, keyring: Keyring, *, reason: str,
               revoked_on: date | None = None, now: datetime | None = None, dry_run: bool = False) -> Revocation:
    """Write ``revocations/<mou-id>.yaml``, signed by *key*'s side (*dry_run*: every check, nothing written)."""
    from ksad import yamlio
    from ksad.fsutil import atomic_write, check_can_create

    root = Path(catalog_root)
    mou_id = _revocable_id(root, mou_id)
    path = root / MOU_DIR / f"{mou_id}.yaml"
    if not path.is_file():
        raise NotFoundError("mou.unknown", id=mou_id, catalog=str(root))
    data = load_mou(path)
    entry = _usable_key(key, keyring, f"MoU {mou_id}", now)
    side = _side_for(data, entry)
    if not reason.strip():
        raise InputError("mou.revoke.reason_missing")
    out = root / REVOCATION_DIR / f"{mou_id}.yaml"
    if out.exists():
        raise ConflictError("mou.revoke.exists", id=mou_id, file=str(out))
    when = revoked_on or today(now)
    doc = {"revokes": mou_id, "mou_sha256": content_sha256(data), "side": side,
           "revoked_on": when.isoformat(), "reason": reason.strip()}
    if dry_run:
        check_can_create(out)  # revocations/ a file: refused now, as the real run would be
    else:
        doc["signatures"] = [make_signature(doc, "revocation", key, side, entry.signer)]
        atomic_write(out, yamlio.dump(doc))
    return Revocation(mou_id, side, when, doc["reason"], entry.signer, out)


# --- verifying ------------------------------------------------------------------------------


def _revocation(data: dict, entries: list[tuple[Path, dict]], keyring: Keyring,
                now: datetime | None) -> tuple[Revocation | None, TrustError | None]:
    """The earliest validly signed revocation of this MoU, or the problem of one that is not."""
    from ksad.messages import t

    found: list[Revocation] = []
    for path, rev in entries:
        side = rev["side"]
        checks = check_signatures(rev, "revocation", keyring, what=str(path), now=now)
        # Key expiry or revocation is ignored on purpose (see the module docstring).
        code = data[side]["code"]
        good = [c for c in checks if c.verified and c.key.signs_for(code)]
        if not good:
            detail = _why_not_revoking(checks[0], side, code) if checks else t("mou.revocation_unsigned")
            return None, TrustError("mou.revocation_invalid", id=data["id"], file=str(path), detail=detail)
        found.append(Revocation(data["id"], side, as_date(rev["revoked_on"]), rev["reason"], good[0].key.signer, path))
    return (min(found, key=lambda r: r.revoked_on) if found else None), None


def _why_not_revoking(c: SigCheck, side: str, code: str) -> str:
    """Why the signature *c* on a revocation does not speak for *side* (region *code*)."""
    from ksad.messages import t

    if not c.verified:
        return c.problem.message
    fields = dict(keyid=c.keyid, signer=c.key.signer, region=c.key.region, side=side_name(side), code=code)
    return t("mou.revocation_wrong_role" if c.key.region == code else "mou.revocation_wrong_region", **fields)


def check_mou(data: dict, keyring: Keyring, revocations: dict[str, list[tuple[Path, dict]]] | None = None, *,
              now: datetime | None = None, file: Path | None = None, body: bytes | None = None) -> MouStatus:
    """Judge a (schema-valid) MoU on the day of *now*; never raises for a trust problem, reports it.

    *body*: its canonical bytes, if the caller has them already.
    """
    mid = data["id"]
    what = f"MoU {mid}"
    on = today(now)
    valid_from, valid_until = as_date(data["valid_from"]), as_date(data["valid_until"])
    # a schema-valid MoU was decoded from JSON or passed _jsonable on loading: string keys only
    checks = check_signatures(data, "mou", keyring, what=what, now=now, on=on,
                              body=canonical_bytes(data, string_keys=True) if body is None else body)
    signers = tuple([Signer(c.role, c.keyid, c.key.signer, c.key.position, c.key.region, c.key.demo)
                     for c in checks if c.verified])
    revocation, rev_problem = _revocation(data, (revocations or {}).get(mid, []), keyring, now)
    pioneer, partner = data["pioneer"], data["partner"]

    def status(problem: TrustError | None, passed: int) -> MouStatus:
        return MouStatus(
            id=mid, file=file, pioneer=Party(str(pioneer["code"]), str(pioneer["office"]), str(pioneer["number"])),
            partner=Party(str(partner["code"]), str(partner["office"]), str(partner["number"])),
            document_sha256=data["document_sha256"], valid_from=valid_from, valid_until=valid_until,
            grants=tuple([Grant(g["app"], str(g["versions"])) for g in data["apps"]]), terms=dict(data["terms"]),
            demo=bool(data.get("demo", False)), signers=signers, revocation=revocation, problem=problem,
            passed=passed)

    for c in checks:
        if c.problem is not None and (c.key is not None and not c.verified or c.problem.key == "trust.sig.malformed"):
            return status(c.problem, TAMPERED)
    if rev_problem:
        return status(rev_problem, REVOKED)
    if revocation and revocation.revoked_on <= on:
        return status(TrustError("mou.revoked", id=mid, date=revocation.revoked_on.isoformat(),
                                 side=side_name(revocation.side), code=data[revocation.side]["code"],
                                 reason=revocation.reason), REVOKED)
    if on < valid_from:
        return status(TrustError("mou.not_yet_valid", id=mid, date=valid_from.isoformat()), WINDOW)
    if on > valid_until:
        return status(TrustError("mou.expired", id=mid, date=valid_until.isoformat()), WINDOW)
    for c in checks:
        if c.problem is not None:
            return status(c.problem, KEYS)
        code = data[c.role]["code"] if c.role in SIDES else "?"
        if not c.key.signs_for(code):
            return status(TrustError("mou.wrong_role" if c.key.region == code else "mou.wrong_side", id=mid,
                                     keyid=c.keyid, signer=c.key.signer, region=c.key.region,
                                     side=side_name(c.role) if c.role in SIDES else c.role, code=code), KEYS)
    counts = Counter(c.role for c in checks)
    for side in SIDES:
        if counts[side] > 1:
            return status(TrustError("mou.duplicate_side", id=mid, side=side_name(side), code=data[side]["code"]),
                          DUPLICATE)
    missing = [s for s in SIDES if not counts[s]]
    if len(missing) == 2:
        return status(TrustError("mou.unsigned", id=mid), MISSING)
    if missing:
        gone = missing[0]
        present = SIDES[1 - SIDES.index(gone)]
        return status(TrustError("mou.missing_side", id=mid, side=side_name(present), missing=side_name(gone),
                                 code=data[gone]["code"], office=data[gone]["office"]), MISSING)
    return status(None, PASSED)


def judge_mous(found: list[tuple[Path, dict]], keyring: Keyring, revocations: dict[str, list[tuple[Path, dict]]],
               now: datetime | None = None, ahead: Forked | None = None) -> list[MouStatus]:
    """:func:`check_mou` of each (path, MoU), in order, their signatures verified ahead at once
    (:func:`ksad.trust.verify_ahead`: two threads on two CPUs), after what the child of
    :func:`verify_catalog_ahead` (*ahead*) verified meanwhile."""
    from ksad.trust import signed_message, verify_ahead

    bodies = [canonical_bytes(data, string_keys=True) for _, data in found]

    def signatures():
        for (_, data), body in zip(found, bodies):
            message = signed_message("mou", data, body)
            for rec in data.get("signatures") or ():  # a malformed one is left for check_mou to report
                if isinstance(rec, dict) and isinstance(rec.get("keyid"), str) and isinstance(rec.get("sig"), str):
                    key = keyring.keys.get(rec["keyid"])
                    if key is not None:
                        yield key.public, message, rec["sig"]

    verify_ahead(signatures(), ahead)
    return [check_mou(data, keyring, revocations, now=now, file=path, body=body)
            for (path, data), body in zip(found, bodies)]


def verify_mou(data: dict, keyring: Keyring, revocations: dict | None = None, now: datetime | None = None,
               file: Path | None = None) -> MouStatus:
    """Like :func:`check_mou`, but raise the problem (TrustError, exit 6)."""
    result = check_mou(data, keyring, revocations, now=now, file=file)
    if result.problem:
        raise result.problem
    return result


def verify_catalog_ahead(catalog_root: Path | str) -> Forked | None:
    """A child verifying every MoU's signatures as the publisher's documents.json holds them
    (:func:`ksad.trust.verify_in_child`), for :func:`list_mous`'s *ahead*; None if the whole
    catalog's verdicts are remembered from an earlier run (the child would verify for nothing)
    or no child can start. Start it first: it verifies from the last file name while the
    snapshot is checked and the MoUs are loaded (~0.2 s at 514 MoUs), and
    :func:`ksad.trust.verify_ahead` from the first until they meet; it does about four in five
    of the 1,028 signatures (a cold ``--all``, 15 interleaved runs: 0.486 -> 0.444 s).
    """
    from ksad.trust import KEYRING_FILE, signed_message, verify_in_child

    root = Path(catalog_root)
    if _Verdicts.file_for(root, None).exists():
        return None

    def signatures() -> Iterable[tuple[str, bytes, str]]:
        from ksad.catalog import shipped_documents
        from ksad.parsecache import file_digest

        shipped = shipped_documents(root)
        ring = shipped.get(file_digest(root / KEYRING_FILE))
        keys = {k.get("keyid"): k.get("public") for k in (ring or {}).get("keys") or () if isinstance(k, dict)}
        # the MoUs the index holds, from the last file name: the parent verifies from the first
        for _, digest in sorted(((row[0] + ".yaml", digest) for digest, row in shipped.mous().items()),
                                reverse=True):
            data = shipped.get(digest)
            if not isinstance(data, dict):
                continue
            message = signed_message("mou", data, canonical_bytes(data, string_keys=True))
            for rec in data.get("signatures") or ():
                public = keys.get(rec.get("keyid")) if isinstance(rec, dict) else None
                if isinstance(public, str) and isinstance(rec.get("sig"), str):
                    yield public, message, rec["sig"]

    return verify_in_child(signatures)


def list_mous(catalog_root: Path | str, keyring: Keyring, now: datetime | None = None, *,
              region: str | None = None, pinned: dict[str, str] | None = None,
              ahead: Forked | None = None) -> list[MouStatus]:
    """Every MoU of the catalog judged today; with *region*, only those it is a party to.

    *pinned*: the catalog's files and their sha256 as its signed snapshot lists them, checked
    against the files just now (:func:`ksad.trust.verify_snapshot`). With them, the list
    judged earlier the same day, from the same MoUs, revocations and keyring, is not judged
    again (a pioneer's ~50 MoUs at national scale take ~20 ms to choose, load and judge).
    """
    memo = _Verdicts(Path(catalog_root), keyring, today(now), pinned, region) if pinned is not None else None
    if memo is not None:
        remembered = memo.get()
        if remembered is not None:
            if ahead is not None:
                ahead.close()
            return remembered
    revocations = load_revocations(catalog_root)
    results = judge_mous(load_mous(catalog_root, region=region), keyring, revocations, now, ahead)
    if memo is not None:
        memo.keep(results)
    return results


class _Verdicts:
    """The catalog's MoUs (or a region's) as judged on a day, remembered by everything the judgement read.

    ``mou list --all`` of a national catalog judges 514 MoUs: parsing (or decoding) them, the
    canonical bytes of each for its two signatures, the revocations, the keys' windows; about
    half of a warm run. Every input of a verdict is in the key: the sha256 of each MoU,
    revocation and keyring file as the signed snapshot pins them (checked against the files
    by the caller), the keyring's content, the day, ksad's own code
    (:func:`ksad.hashing.code_stamp`) and the language (a problem's fields name a side in
    words), and the region (which MoUs it is a party to follows from the MoUs' content). The
    file is owner-only, like the signatures already verified (``ksad.trust._VerifiedMemo``),
    whose trust it shares; one per region asked about, beside the whole catalog's.
    """

    FORMAT = 1

    def __init__(self, root: Path, keyring: Keyring, on: date, pinned: dict[str, str],
                 region: str | None = None) -> None:
        from ksad.hashing import code_stamp
        from ksad.messages import current_language
        from ksad.trust import KEYRING_FILE

        self.file = self.file_for(root, region)
        read = sorted(f"{rel}\0{digest}" for rel, digest in pinned.items()
                      if rel.startswith((f"{MOU_DIR}/", f"{REVOCATION_DIR}/")) or rel == KEYRING_FILE)
        # the root as given too: the files listed are named from it
        self.key = hashlib.sha256("\n".join([str(self.FORMAT), code_stamp(), str(root), str(root.absolute()),
                                             keyring.sha256, on.isoformat(), current_language(),
                                             "" if region is None else f"region\0{region}", *read]).encode()
                                  ).hexdigest()

    @staticmethod
    def file_for(root: Path, region: str | None) -> Path:
        from ksad.settings import Settings
        from ksad.trust import catalog_id

        scope = "" if region is None else "-" + hashlib.sha256(region.encode()).hexdigest()[:16]  # free text
        return Settings.from_env().cache_dir / f"mou-verdicts-{catalog_id(root)}{scope}.json"

    def get(self) -> list[MouStatus] | None:
        try:
            blob = json.loads(self.file.read_bytes())
            if blob["format"] != self.FORMAT or blob["key"] != self.key:
                return None
            return [_restored(row) for row in blob["mous"]]
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None  # none yet, or written by other code: judged again

    def keep(self, results: list[MouStatus]) -> None:
        from ksad.fsutil import atomic_write

        rows = [_row(r) for r in results]
        if any(row is None for row in rows):
            return
        try:
            text = json.dumps(rows, separators=(",", ":"))
        except (TypeError, ValueError):
            return
        try:
            atomic_write(self.file, '{"format":%d,"key":"%s","mous":%s}' % (self.FORMAT, self.key, text), mode=0o600,
                         durable=False)
        except OSError:
            pass  # a read-only home only costs speed


def _row(r: MouStatus) -> list | None:
    """*r* as JSON gives it back exactly, or None. All but a problem's fields are strings, dates,
    booleans and the terms (decoded from JSON, or checked to be JSON's when parsed)."""
    p = r.problem
    try:
        if p is not None and (type(p) is not TrustError or json.loads(json.dumps(p.fields)) != p.fields):
            return None
    except (TypeError, ValueError):
        return None
    rev = r.revocation
    return [r.id, str(r.file) if r.file else None, list(r.pioneer), list(r.partner), r.document_sha256,
            r.valid_from.isoformat(), r.valid_until.isoformat(), [list(g) for g in r.grants], r.terms, r.demo,
            [list(s) for s in r.signers],
            None if rev is None else [rev.mou, rev.side, rev.revoked_on.isoformat(), rev.reason, rev.signer,
                                      str(rev.file) if rev.file else None],
            None if p is None else [p.key, p.hint_key, p.fields], r.passed]


def _restored(row: list) -> MouStatus:
    mid, file, pioneer, partner, sha, valid_from, valid_until, grants, terms, demo, signers, rev, problem, passed = row
    return MouStatus(
        mid, Path(file) if file else None, Party(*pioneer), Party(*partner), sha, date.fromisoformat(valid_from),
        date.fromisoformat(valid_until), tuple([Grant(*g) for g in grants]), terms, demo,
        tuple([Signer(*s) for s in signers]),
        None if rev is None else Revocation(rev[0], rev[1], date.fromisoformat(rev[2]), rev[3], rev[4],
                                            Path(rev[5]) if rev[5] else None),
        None if problem is None else TrustError(problem[0], problem[1], **problem[2]), passed)


def find_grant(catalog_root: Path | str, keyring: Keyring, *, publisher: str, partner: str, app: str,
               version: str, now: datetime | None = None) -> MouStatus:
    """The valid MoU that grants *app* at *version* from *publisher* to *partner*; else TrustError saying why."""
    root = Path(catalog_root)
    # the partner's MoUs only (load_mous' region selection): a missed one can only refuse, never grant
    pair = [(p, d) for p, d in load_mous(root, region=partner)
            if d["pioneer"]["code"] == publisher and d["partner"]["code"] == partner]
    if not pair:
        raise TrustError("mou.no_pair", publisher=publisher, partner=partner, app=app, catalog=str(root))
    revocations = load_revocations(root)
    # Newest agreement first: among equally close candidates, the latest one explains best.
    pair.sort(key=lambda pd: (str(pd[1]["valid_until"]), pd[1]["id"]), reverse=True)
    best: tuple[int, TrustError] | None = None
    for path, data in pair:
        result = check_mou(data, keyring, revocations, now=now, file=path)
        grant = result.grant_for(app)
        if grant is None:
            rank, error = NOT_LISTED, TrustError("mou.app_not_granted", id=result.id, app=app,
                                                 publisher=publisher, partner=partner)
        elif result.problem:
            rank, error = result.passed, result.problem
        elif spec_problem(grant.versions) is not None:
            rank, error = VERSION, InputError("mou.versions_invalid", id=result.id, file=str(path), app=app,
                                              value=grant.versions)
        elif not grant.covers(version):
            rank, error = VERSION, TrustError("mou.version_outside", id=result.id, app=app, version=version,
                                              range=grant.versions)
        else:
            return result
        if best is None or rank > best[0]:
            best = (rank, error)
    raise best[1]
