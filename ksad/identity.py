"""The identity pack: who this region is, written once by ``ksad init``.

It is applied to every app the region installs and re-applied on every
upgrade, so it is validated strictly both when written and when read back
(a hand edit that breaks it is reported with file, line and field).

The region is looked up by Kemendagri code, never by name (Kota Bandung and
Kabupaten Bandung are different regions). The ``.go.id`` domain is stored as
given and never derived from the name: Kota Bandung is bandung.go.id but
Kabupaten Bandung is bandungkab.go.id, and no rule predicts which.

``catalog/schema/identity.schema.json`` publishes the file format. The checks
below are the runtime authority (importing jsonschema costs ~0.2 s on every
install); ``tests/test_identity.py`` keeps the two in agreement.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from ksad.errors import ConflictError, InputError, NotFoundError
from ksad.fsutil import atomic_write
from ksad.messages import t
from ksad.naming import hidden_char
from ksad.settings import Settings

FORMAT = 1  # bump when a key changes meaning; load refuses formats it does not know

# Indonesia's four IANA zones and the abbreviation people read on a clock.
ZONES: dict[str, str] = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
LANGUAGES = ("id", "en")
REGION_TYPES = ("kab", "kota", "prov")
# Deep blue and gold: readable together, and close to many regional emblems.
DEFAULT_COLOURS = ("#0B5394", "#F1C232")
EMBLEM_MAX_BYTES = 1024 * 1024
EMBLEM_STEM = "emblem"
TEXT_LIMITS = {"office": 120, "contact": 200, "head_title": 60, "name": 120, "province_name": 120}

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_PNG_IHDR = b"\x00\x00\x00\x0dIHDR"  # the first chunk of every PNG, 13 bytes long
_COLOUR = re.compile(r"#?([0-9A-Fa-f]{6})")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_REGION_CODE = re.compile(r"\d{2}(?:\.\d{2})?")
# What makes an SVG more than a picture: every app serves the emblem from the region's own
# .go.id site, where a script in it (opened as /emblem.svg) would run with that site's cookies.
_SVG_ACTIVE = re.compile(rb"<\s*(?:[a-z0-9_-]+:)?(?:script|foreignobject|iframe|embed|object)\b|<!entity"
                         rb"|\son[a-z]+\s*=|javascript\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class Identity:
    region_code: str
    name: str  # official: "Kabupaten Sumbawa"
    type: Literal["kab", "kota", "prov"]
    province_name: str
    head_title: str  # Bupati, Wali Kota, Gubernur
    office: str
    contact: str | None
    domain: str
    timezone: str
    tz_abbr: str
    emblem: Path | None  # the copy under KSAD_HOME, not the file the user gave
    colour_primary: str
    colour_secondary: str
    language: str = "id"

    def fields(self) -> dict[str, str]:
        """The localisation fields this pack provides to recipes (see recipes/README.md)."""
        return {
            "region_code": self.region_code,
            "region_name": self.name,
            "region_type": self.type,
            "province_name": self.province_name,
            "head_title": self.head_title,
            "office": self.office,
            "contact": self.contact or "",
            "domain": self.domain,
            "timezone": self.timezone,
            "tz_abbr": self.tz_abbr,
            "colour_primary": self.colour_primary,
            "colour_secondary": self.colour_secondary,
            "language": self.language,
        }

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["emblem"] = str(self.emblem) if self.emblem else None
        return data

    def to_file(self) -> dict[str, Any]:
        """What identity.yaml holds: the emblem by its name inside KSAD_HOME, so the home can move."""
        data: dict[str, Any] = {"format": FORMAT}
        data.update(self.to_json())
        data["emblem"] = self.emblem.name if self.emblem else None
        return data


@dataclass(frozen=True)
class IdentityPlan:
    """What ``init`` would do, computed without writing anything."""

    identity: Identity
    action: Literal["create", "replace", "unchanged"]
    file: Path
    emblem_bytes: bytes | None = None

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "file": str(self.file), "identity": self.identity.to_json()}


# --- value checks (shared by init and by reading the file back) ----------------


def check_text(field: str, value: object, *, required: bool = True) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError("identity.text_empty", field=field)
        return None
    if not isinstance(value, str):
        raise InputError("identity.not_text", field=field, value=value)
    text = value.strip()
    if hidden_char(text) is not None:  # every app shows these texts
        raise InputError("identity.text_control", field=field)
    limit = TEXT_LIMITS.get(field, 200)
    if len(text) > limit:
        raise InputError("identity.text_too_long", field=field, length=len(text), max=limit)
    return text


def check_domain(value: object) -> str:
    """A lowercase DNS name under .go.id. Case and a trailing dot are forgiven; a URL is not."""
    if value is not None and not isinstance(value, str):
        raise InputError("identity.not_text", field="domain", value=value)
    if not isinstance(value, str) or not value.strip():
        raise InputError("identity.domain_invalid", value=value, reason=t("identity.domain_reason.empty"))
    raw = value.strip()
    if "://" in raw or "/" in raw:
        raise InputError("identity.domain_invalid", value=raw, reason=t("identity.domain_reason.url"))
    domain = raw.lower().rstrip(".")
    if not domain.endswith(".go.id") or domain == "go.id":
        raise InputError("identity.domain_invalid", value=raw, reason=t("identity.domain_reason.go_id"))
    if len(domain) > 253:
        raise InputError("identity.domain_invalid", value=raw, reason=t("identity.domain_reason.too_long"))
    for label in domain.split("."):
        if not _LABEL.fullmatch(label):
            raise InputError("identity.domain_invalid", value=raw,
                             reason=t("identity.domain_reason.label", label=label))
    return domain


def check_colour(field: str, value: object) -> str:
    m = _COLOUR.fullmatch(value.strip()) if isinstance(value, str) else None
    if not m:
        raise InputError("identity.colour_invalid", field=field, value=value)
    return "#" + m[1].upper()


def check_timezone(value: object) -> tuple[str, str]:
    """The canonical zone name and its abbreviation; the zone's case is forgiven."""
    if isinstance(value, str):
        for zone, abbr in ZONES.items():
            if zone.lower() == value.strip().lower():
                return zone, abbr
    raise InputError("identity.timezone_invalid", value=value, allowed=", ".join(ZONES))


def check_language(value: object) -> str:
    if isinstance(value, str) and value.strip().lower() in LANGUAGES:
        return value.strip().lower()
    raise InputError("identity.language_invalid", value=value, allowed=", ".join(LANGUAGES))


def _sniff_image(head: bytes) -> str | None:
    if head.startswith(_PNG_MAGIC):
        return "png"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    # An SVG may open with an XML declaration, a comment or a DOCTYPE before <svg.
    if text.startswith(b"<") and b"<svg" in text[:4096]:
        return "svg"
    return None


def read_emblem(path: Path | str) -> tuple[str, bytes]:
    """The emblem's kind ("png" or "svg") and bytes, or an InputError saying what is wrong."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise InputError("identity.emblem_missing", path=str(path))
    size = path.stat().st_size
    if size > EMBLEM_MAX_BYTES:
        raise InputError("identity.emblem_too_large", path=str(path), size=size, max=EMBLEM_MAX_BYTES)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError("file.unreadable", file=str(path), problem=exc.strerror or str(exc)) from None
    kind = _sniff_image(data[:8192])
    if kind is None:
        raise InputError("identity.emblem_format", path=str(path))
    if kind == "png" and not (data[8:16] == _PNG_IHDR and data[-8:-4] == b"IEND"):
        # the signature and nothing after it, or a download cut short: browsers draw a broken image
        raise InputError("identity.emblem_damaged", path=str(path))
    if kind == "svg":
        active = _SVG_ACTIVE.search(data)
        if active:
            raise InputError("identity.emblem_active", path=str(path),
                             found=active[0].decode("ascii", "replace").strip())
    return kind, data


# --- writing -------------------------------------------------------------------


def _colours(colours: tuple[str | None, str | None] | list | None) -> tuple[str, str]:
    given = list(colours or ())
    if len(given) > 2:
        raise InputError("identity.colour_count", count=len(given))
    given += [None] * (2 - len(given))
    return (check_colour("colour_primary", given[0]) if given[0] else DEFAULT_COLOURS[0],
            check_colour("colour_secondary", given[1]) if given[1] else DEFAULT_COLOURS[1])


def plan_identity(settings: Settings, regions, *, region: str, domain: str, office: str,
                  contact: str | None = None, emblem: Path | str | None = None,
                  colours: tuple[str | None, str | None] | None = None, timezone: str | None = None,
                  head_title: str | None = None, language: str = "id", force: bool = False) -> IdentityPlan:
    """Validate everything and decide create / replace / unchanged. Writes nothing."""
    found = regions.get(region)  # NotFoundError "region.unknown" (exit 4)
    zone, abbr = check_timezone(timezone) if timezone else (found.timezone, found.tz_abbr)
    primary, secondary = _colours(colours)
    emblem_kind, emblem_bytes = read_emblem(emblem) if emblem else (None, None)
    identity = Identity(
        region_code=found.code, name=found.name, type=found.type, province_name=found.province_name,
        head_title=check_text("head_title", head_title) if head_title else found.head_title,
        office=check_text("office", office), contact=check_text("contact", contact, required=False),
        domain=check_domain(domain), timezone=zone, tz_abbr=abbr,
        emblem=settings.home / f"{EMBLEM_STEM}.{emblem_kind}" if emblem_kind else None,
        colour_primary=primary, colour_secondary=secondary, language=check_language(language),
    )
    file = settings.identity_file
    if not file.exists():
        return IdentityPlan(identity, "create", file, emblem_bytes)
    if _same_as_existing(settings, identity, emblem_bytes):
        return IdentityPlan(identity, "unchanged", file, emblem_bytes)
    if not force:
        raise ConflictError("identity.exists", file=str(file))
    return IdentityPlan(identity, "replace", file, emblem_bytes)


def _same_as_existing(settings: Settings, identity: Identity, emblem_bytes: bytes | None) -> bool:
    try:
        current = load_identity(settings)
    except (InputError, NotFoundError):
        return False  # a broken pack is never "the same"; replacing it needs --force
    if current != identity:
        return False
    if identity.emblem is None:
        return True
    try:
        return identity.emblem.read_bytes() == emblem_bytes
    except OSError:
        return False


def apply_identity(settings: Settings, plan: IdentityPlan) -> Identity:
    """Write the pack: the emblem copy first, so the file never names a missing emblem."""
    if plan.action == "unchanged":
        return plan.identity
    settings.ensure_home()
    identity = plan.identity
    if identity.emblem is not None and plan.emblem_bytes is not None:
        atomic_write(identity.emblem, plan.emblem_bytes, mode=0o644)
    header = t("identity.file_header") + "\n"
    from ksad import yamlio

    atomic_write(plan.file, header + yamlio.dump(identity.to_file()), mode=0o644)
    # An emblem of the other kind (or any, if the new pack has none) is now stale.
    for stale in settings.home.glob(f"{EMBLEM_STEM}.*"):
        if stale != identity.emblem and stale.suffix in (".png", ".svg"):
            stale.unlink(missing_ok=True)
    return identity


def create_identity(settings: Settings, regions, *, region: str, domain: str, office: str,
                    contact: str | None = None, emblem: Path | str | None = None,
                    colours: tuple[str | None, str | None] | None = None, timezone: str | None = None,
                    head_title: str | None = None, language: str = "id", force: bool = False) -> Identity:
    """Validate and save the identity pack; see :func:`plan_identity` for the rules."""
    plan = plan_identity(settings, regions, region=region, domain=domain, office=office, contact=contact,
                         emblem=emblem, colours=colours, timezone=timezone, head_title=head_title,
                         language=language, force=force)
    return apply_identity(settings, plan)


# --- reading -------------------------------------------------------------------

_REQUIRED = ("format", "region_code", "name", "type", "province_name", "head_title", "office", "domain",
             "timezone", "tz_abbr", "colour_primary", "colour_secondary", "language")
_KNOWN = _REQUIRED + ("contact", "emblem")


def load_identity(settings: Settings) -> Identity:
    file = settings.identity_file
    if not file.exists():
        raise NotFoundError("identity.missing", file=str(file))
    from ksad.parsecache import validated

    # a file that was valid before is not parsed again (PyYAML is not even imported)
    return validated(file, "identity", lambda doc: _identity_from(settings, file, doc))


def _identity_from(settings: Settings, file: Path, doc) -> Identity:
    data = doc.data

    def bad(key: str, problem: str) -> InputError:
        return InputError("identity.file_invalid", file=str(file), line=doc.line_of((key,)) or 1,
                          field=key, problem=problem)

    for key in data:
        if key not in _KNOWN:
            raise InputError("identity.unknown_key", file=str(file), line=doc.line_of((key,)) or 1,
                             entry=key, known=", ".join(_KNOWN))
    for key in _REQUIRED:
        if key not in data:
            raise InputError("identity.missing_key", file=str(file), entry=key)
    if type(data["format"]) is not int or data["format"] != FORMAT:  # true == 1 in Python, not in the file
        raise bad("format", t("identity.format_unknown", value=json.dumps(data["format"], default=str),
                              expected=FORMAT))
    values: dict[str, Any] = {}
    try:
        for key in _KNOWN:
            if key == "format":
                continue
            values[key] = _read_value(settings, key, data.get(key))
    except InputError as exc:
        raise bad(key, exc.message) from None
    zone_abbr = ZONES[values["timezone"]]
    if values["tz_abbr"] != zone_abbr:
        raise bad("tz_abbr", t("identity.tz_abbr_mismatch", value=values["tz_abbr"],
                               expected=zone_abbr, timezone=values["timezone"]))
    _check_region(settings, file, doc, values)
    return Identity(**values)


def _check_region(settings: Settings, file: Path, doc, values: dict[str, Any]) -> None:
    """The code, name, type and province agree with the region data, as ``init`` wrote them.

    A hand edit that keeps 52.04 but names Kota Palopo would brand every app with one region's
    name and another's code. The head title and time zone are not checked: ``init`` takes them
    from the operator too.
    """
    from ksad.region import fold, is_name_of, load_for

    try:
        region = load_for(settings).get(values["region_code"])
    except NotFoundError as exc:
        raise InputError("identity.file_invalid", "identity.region_unknown.hint", file=str(file),
                         line=doc.line_of(("region_code",)) or 1, field="region_code", problem=exc.message) from None
    province = fold(values["province_name"])
    checks = (("name", is_name_of(values["name"], region), region.name),
              ("type", values["type"] == region.type, region.type),
              ("province_name", province in (fold(region.province_name), fold(f"Provinsi {region.province_name}")),
               region.province_name))
    for key, agrees, expected in checks:
        if not agrees:
            raise InputError("identity.file_invalid", "identity.region_mismatch.hint", file=str(file),
                             line=doc.line_of((key,)) or 1, field=key, code=region.code, region=region.name,
                             expected=expected, problem=t("identity.region_mismatch", value=values[key],
                                                          code=region.code, expected=expected))


def _read_value(settings: Settings, key: str, value: object) -> Any:
    if key == "domain":
        return check_domain(value)
    if key in ("colour_primary", "colour_secondary"):
        if value is None:
            # `colour: #0B5394` unquoted is a YAML comment, so the value reads as empty
            raise InputError("identity.colour_unquoted", field=key)
        return check_colour(key, value)
    if key == "timezone":
        return check_timezone(value)[0]
    if key == "language":
        return check_language(value)
    if key == "region_code":
        if not isinstance(value, str) or not _REGION_CODE.fullmatch(value):
            # an unquoted 52.10 would be read as the number 52.1, so the code must be text
            raise InputError("identity.region_code_invalid", value=value)
        return value
    if key == "type":
        if value not in REGION_TYPES:
            raise InputError("identity.type_invalid", value=value, allowed=", ".join(REGION_TYPES))
        return value
    if key == "emblem":
        return _read_emblem_ref(settings, value)
    if key == "contact":
        return check_text(key, value, required=False)
    return check_text(key, value)


def _read_emblem_ref(settings: Settings, value: object) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in (f"{EMBLEM_STEM}.png", f"{EMBLEM_STEM}.svg"):
        raise InputError("identity.emblem_ref_invalid", value=value)
    path = settings.home / value
    read_emblem(path)  # still there, still an image, still small
    return path

