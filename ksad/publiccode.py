"""publiccode.yml (https://yml.publiccode.tools, version 0.4) to and from catalog entries.

Field mapping (entry <-> publiccode.yml):

- ``name.en`` <-> ``name``; ``name.<lang>`` <-> ``description.<lang>.localisedName`` when it
  differs from ``name``. When ``--target`` names a target where the app is installed,
  the export puts the regency's local-wisdom name in ``description.<lang>.localisedName``
  instead (``<lang>`` is the name's language tag when it is id or en, else id): that is
  the name the region's public knows the software by.
- ``description.<lang>.short/long`` <-> ``shortDescription/longDescription``
- ``documentation`` <-> ``description.<lang>.documentation`` (import falls back to ``landingURL``)
- ``license`` <-> ``legal.license``; ``publisher.name`` <-> ``legal.repoOwner``
- ``source`` <-> ``url``; ``maintainers`` <-> ``maintenance.contacts`` (``maintenance.type: internal``)
- ``category`` <-> ``categories`` through :data:`CATEGORIES` (export writes the whole list,
  import takes the first publiccode category that maps, else ``layanan-publik`` with a warning)
- newest release -> ``softwareVersion``, ``releaseDate``, ``developmentStatus``
- partners of valid MoUs granting the app -> ``usedBy`` (export only)
- ``keywords`` -> ``description.<lang>.features`` (export only; publiccode has no keywords, and a
  feature list is not a keyword list, so import does not read it back)

Not carried: the Kemendagri publisher code (``--publisher-code`` on import, else the
identity pack's region), ``publisher.office``, ``contacts``, ``standin``, releases and
signatures. An imported entry has ``releases: []``: it is a draft that ``ksad publish``
completes; the catalog does not list it and ``catalog validate`` reports it until then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ksad.errors import ConflictError, InputError, NotFoundError

PUBLICCODE_VERSION = "0.4"
LANGS = ("id", "en")
# ksad category -> publiccode.yml categories (its fixed list); the first is the main one.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "layanan-publik": ("digital-citizenship", "online-booking", "appointment-scheduling"),
    "perencanaan-keuangan": ("budgeting", "financial-reporting", "accounting", "fund-accounting"),
    "kepegawaian": ("hr", "employee-management", "payroll", "talent-management"),
    "kinerja": ("data-analytics", "data-visualization", "business-intelligence"),
    "perizinan": ("workflow-management", "document-management", "e-signature"),
    "sosial": ("grant-management", "donor-management"),
    "infrastruktur": ("geographic-information-systems", "facility-management", "fleet-management"),
    "ekonomi": ("e-commerce", "payment-gateway", "inventory-management"),
    "pariwisata": ("event-management", "visitor-management"),
    "komunikasi": ("social-media-management", "content-management", "instant-messaging"),
}
DEFAULT_CATEGORY = "layanan-publik"
_ID = re.compile(r"[a-z][a-z0-9-]{1,39}")


@dataclass
class Imported:
    app: str
    file: Path
    entry: dict
    text: str
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def to_json(self) -> dict:
        return {"app": self.app, "file": str(self.file), "entry": self.entry, "warnings": self.warnings,
                "dry_run": self.dry_run}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:40].strip("-")


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _description(desc: dict, lang: str, fallback: dict) -> dict:
    mine = desc.get(lang) if isinstance(desc.get(lang), dict) else fallback
    short = _text(mine.get("shortDescription")) or _text(fallback.get("shortDescription"))
    out = {"short": short}
    long = _text(mine.get("longDescription")) or _text(fallback.get("longDescription"))
    if long:
        out["long"] = long
    return out


def _contacts(raw: Any) -> list[dict]:
    out = []
    for c in raw or []:
        if isinstance(c, dict) and _text(c.get("name")):
            out.append({k: _text(c[k]) for k in ("name", "email", "phone", "affiliation") if _text(c.get(k))})
    return out


# The fields import reads, and the YAML type each must have: anything else is refused by name,
# not turned into text ("{'a': 1}" as a name) or taken apart (a categories string letter by letter).
_TEXT, _MAP, _LIST = "text", "mapping", "list"
_FIELDS: dict[tuple, str] = {
    ("name",): _TEXT, ("url",): _TEXT, ("landingURL",): _TEXT, ("categories",): _LIST, ("description",): _MAP,
    ("legal",): _MAP, ("legal", "license"): _TEXT, ("legal", "repoOwner"): _TEXT,
    ("legal", "mainCopyrightOwner"): _TEXT, ("maintenance",): _MAP, ("maintenance", "contacts"): _LIST,
}
_DESCRIPTION_FIELDS = ("localisedName", "shortDescription", "longDescription", "documentation")
_CONTACT_FIELDS = ("name", "email", "phone", "affiliation")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return _MAP
    if isinstance(value, list):
        return _LIST
    if isinstance(value, str):
        return _TEXT
    return "null" if value is None else type(value).__name__


def _type_problem(data: dict, doc=None) -> InputError | None:
    """The first field import reads whose value is not of its type, as an InputError naming it."""
    wanted: list[tuple[tuple, str]] = list(_FIELDS.items())
    desc = data.get("description")
    if isinstance(desc, dict):
        for lang, item in desc.items():
            wanted.append((("description", lang), _MAP))
            if isinstance(item, dict):
                wanted += [(("description", lang, f), _TEXT) for f in _DESCRIPTION_FIELDS]
    for i, item in enumerate(data.get("categories") if isinstance(data.get("categories"), list) else []):
        wanted.append((("categories", i), _TEXT))
    maintenance = data.get("maintenance")
    contacts = maintenance.get("contacts") if isinstance(maintenance, dict) else None
    for i, item in enumerate(contacts if isinstance(contacts, list) else []):
        wanted.append((("maintenance", "contacts", i), _MAP))
        if isinstance(item, dict):
            wanted += [(("maintenance", "contacts", i, f), _TEXT) for f in _CONTACT_FIELDS]
    for pointer, kind in wanted:
        value: Any = data
        for part in pointer:
            present = isinstance(value, dict) and part in value or isinstance(value, list) and part < len(value)
            if not present:
                break
            value = value[part]
        else:
            if value is not None and _kind(value) != kind:
                from ksad.catalog import pointer_text
                from ksad.messages import t

                line = doc.line_of(pointer) if doc is not None else None
                return InputError("publiccode.wrong_type", field=pointer_text(pointer),
                                  expected=t(f"publiccode.kind.{kind}"), got=_kind(value),
                                  where=f"{doc.path}:{line}: " if line else "")
    return None


def entry_from_publiccode(data: dict, *, app_id: str | None, publisher_code: str,
                          publisher_name: str, doc=None) -> tuple[dict, list[str]]:
    """A draft catalog entry (no releases) from parsed publiccode.yml, and warnings about the mapping."""
    from ksad.messages import t

    warnings: list[str] = []
    problem = _type_problem(data, doc)
    if problem is not None:
        raise problem
    name = _text(data.get("name"))
    if not name:
        raise InputError("publiccode.missing", field="name")
    desc = data.get("description") if isinstance(data.get("description"), dict) else {}
    present = [d for d in desc.values() if isinstance(d, dict)]
    if not present:
        raise InputError("publiccode.missing", field="description.<lang>.shortDescription")
    fallback = desc.get("en") if isinstance(desc.get("en"), dict) else present[0]
    app_id = app_id or _slug(name)
    if not _ID.fullmatch(app_id):
        raise InputError("publiccode.id_invalid", id=app_id)
    names = {}
    for lang in LANGS:
        local = _text((desc.get(lang) or {}).get("localisedName")) if isinstance(desc.get(lang), dict) else ""
        names[lang] = local or name
    legal = data.get("legal") if isinstance(data.get("legal"), dict) else {}
    license_ = _text(legal.get("license"))
    if not license_:
        raise InputError("publiccode.missing", field="legal.license")
    entry: dict[str, Any] = {
        "id": app_id,
        "name": names,
        "description": {lang: _description(desc, lang, fallback) for lang in LANGS},
        "publisher": {"code": publisher_code,
                      "name": _text(legal.get("repoOwner")) or _text(legal.get("mainCopyrightOwner")) or publisher_name},
    }
    category = next((k for c in data.get("categories") or [] for k, v in CATEGORIES.items() if c in v), None)
    if category is None:
        category = DEFAULT_CATEGORY
        warnings.append(t("publiccode.category_default", category=category,
                          categories=", ".join(map(str, data.get("categories") or [])) or "-"))
    entry["category"] = category
    entry["license"] = license_
    url = _text(data.get("url"))
    if re.match(r"(https?|git)://", url):
        entry["source"] = url
    elif url:
        warnings.append(t("publiccode.url_skipped", url=url))
    docs = next((_text(d.get("documentation")) for d in [desc.get("en"), desc.get("id"), *present]
                 if isinstance(d, dict) and _text(d.get("documentation"))), "") or _text(data.get("landingURL"))
    if docs.startswith(("http://", "https://")):
        entry["documentation"] = docs
    maintainers = _contacts((data.get("maintenance") or {}).get("contacts")
                            if isinstance(data.get("maintenance"), dict) else None)
    if maintainers:
        entry["maintainers"] = maintainers
    entry["releases"] = []
    return entry, warnings


def import_publiccode(catalog_root: Path | str, file: Path | str, *, app_id: str | None = None,
                      publisher_code: str, regions, dry_run: bool = False) -> Imported:
    """Write ``apps/<id>.yaml`` (a draft, no releases) from a publiccode.yml file."""
    from ksad import yamlio
    from ksad.catalog import app_problems
    from ksad.fsutil import atomic_write

    region = regions.get(publisher_code)
    doc = yamlio.load_mapping(Path(file))  # with lines: a field of the wrong type is named with its line
    entry, warnings = entry_from_publiccode(doc.data, app_id=app_id, publisher_code=region.code,
                                            publisher_name=f"Pemerintah {region.name}", doc=doc)
    path = Path(catalog_root) / "apps" / f"{entry['id']}.yaml"
    if path.exists():
        raise ConflictError("publiccode.exists", app=entry["id"], file=str(path))
    text = (f"# {entry['id']}: imported from {Path(file).name} (publiccode.yml).\n"
            "# A draft until its first release: ksad publish <sources>/recipes/"
            f"{entry['id']}/<version> --key KEYFILE\n" + yamlio.dump(entry))
    problems = app_problems(yamlio.parse(text, path))
    if problems:
        raise InputError("validation.failed", count=len(problems), problems="\n".join(f"  {p}" for p in problems))
    if not dry_run:
        atomic_write(path, text)
    return Imported(entry["id"], path, entry, text, warnings, dry_run)


# --- export -----------------------------------------------------------------------------------


def _partners(catalog_root: Path, app_id: str, publisher: str, regions, trust_dir: Path | None = None) -> list[str]:
    """Names of the regions a valid MoU from the publisher grants this app to (no keyring: none).

    With *trust_dir*, the catalog's signed snapshot is checked first, adopting nothing: it
    gives the MoUs' digests and vouches for documents.json, so what is chosen and loaded is
    remembered for the next export. A working copy being edited is not signed yet, so a
    check that fails refuses nothing: the keyring is then read on its own, as without it.
    Either way each MoU counts only if its signatures hold.
    """
    from ksad.errors import KsadError
    from ksad.mou import list_mous
    from ksad.trust import KEYRING_FILE, load_keyring, verify_snapshot

    keyring_file = Path(catalog_root) / KEYRING_FILE
    if not keyring_file.is_file():
        return []
    keyring = pinned = None
    if trust_dir is not None:
        try:
            snapshot = verify_snapshot(catalog_root, trust_dir, record=False)
            keyring, pinned = snapshot.keyring, snapshot.files
        except KsadError:
            pass
    try:
        keyring = keyring or load_keyring(keyring_file)
        # the MoUs the publisher is a party to, not all: at national scale a pioneer signs ~50 of 514
        statuses = list_mous(catalog_root, keyring, region=publisher, pinned=pinned)
    except KsadError:
        return []
    codes = sorted({s.partner.code for s in statuses
                    if s.ok and s.pioneer.code == publisher and s.grant_for(app_id) is not None})
    out = []
    for code in codes:
        try:
            out.append(regions.get(code).name)
        except KsadError:
            out.append(code)
    return out


def load_entry(catalog_root: Path | str, app_id: str, cache_dir: Path | None = None) -> dict:
    """The entry of *app_id*, schema-checked (a draft without releases too), as ``catalog show`` shows it.

    From the catalog's parse cache (*cache_dir*), or from the publisher's parse of exactly
    this file (:attr:`ksad.catalog.App.view`): a 60-release entry is not parsed again
    (PyYAML: ~50 ms). Like a display, an export checks no signature of the entry.
    """
    from ksad.catalog import _load_app, open_catalog

    path = Path(catalog_root) / "apps" / f"{app_id}.yaml"
    if not path.is_file():
        raise NotFoundError("app.unknown", app=app_id, catalog=str(catalog_root), suggest="")
    return _load_app(open_catalog(Path(catalog_root), cache_dir), path).view


def export_publiccode(catalog_root: Path | str, app_id: str, *, regions,
                      local_name: tuple[str, str | None] | None = None, cache_dir: Path | None = None,
                      trust_dir: Path | None = None) -> dict:
    """publiccode.yml (as a mapping) for one app; *local_name* is (name, language) of an installed instance.

    *cache_dir*: the parse cache; *trust_dir*: the trust state the catalog's snapshot is checked against.
    """
    from ksad.versions import parse_version, sort_versions

    entry = load_entry(catalog_root, app_id, cache_dir)
    name = entry["name"]["en"]
    out: dict[str, Any] = {"publiccodeYmlVersion": PUBLICCODE_VERSION, "name": name}
    if entry.get("source"):
        out["url"] = entry["source"]
    releases = {str(r["version"]): r for r in entry.get("releases") or []}
    if releases:
        latest = sort_versions(releases)[0]
        out["softwareVersion"] = latest
        out["releaseDate"] = str(releases[latest]["date"])
        out["developmentStatus"] = "beta" if parse_version(latest).is_prerelease else "stable"
    else:
        out["developmentStatus"] = "development"
    out["platforms"] = ["web"]
    out["categories"] = list(CATEGORIES[entry["category"]])
    partners = _partners(Path(catalog_root), app_id, entry["publisher"]["code"], regions, trust_dir)
    if partners:
        out["usedBy"] = partners
    out["softwareType"] = "standalone/web"
    local_lang = None
    if local_name:
        local_lang = local_name[1] if local_name[1] in LANGS else "id"
    description = {}
    for lang in LANGS:
        d = entry["description"][lang]
        item: dict[str, Any] = {}
        if local_name and lang == local_lang:
            item["localisedName"] = local_name[0]
        elif entry["name"][lang] != name:
            item["localisedName"] = entry["name"][lang]
        item["shortDescription"] = d["short"]
        if d.get("long"):
            item["longDescription"] = d["long"]
        if entry.get("documentation"):
            item["documentation"] = entry["documentation"]
        item["features"] = list(entry.get("keywords") or [d["short"]])
        description[lang] = item
    out["description"] = description
    out["legal"] = {"license": entry["license"], "repoOwner": entry["publisher"]["name"]}
    maintenance: dict[str, Any] = {"type": "internal"}
    if entry.get("maintainers"):
        maintenance["contacts"] = [dict(c) for c in entry["maintainers"]]
    out["maintenance"] = maintenance
    out["localisation"] = {"localisationReady": True, "availableLanguages": list(LANGS)}
    out["intendedAudience"] = {"countries": ["id"]}
    return out
