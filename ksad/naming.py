"""The local-wisdom name a region gives each app it adopts (``--name "Sipakatau"``).

The name is what the public sees, so it keeps its own spelling (accents,
apostrophes, even a regional script such as Lontara). From it comes a slug,
plain ASCII, used for container names and subdomains.

Names are compared after NFC normalisation: "é" typed as one code point or as
"e" plus a combining accent is the same name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass

from ksad.errors import ConflictError, InputError

MIN_LENGTH = 2
MAX_LENGTH = 40
MEANING_MAX = 200
SLUG_PREFIX = "app-"

# Typographic and modifier apostrophes all mean the plain one.
_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u0060": "'", "\u00b4": "'"}
_PUNCTUATION = {"-", "'"}
# Letters NFKD does not take apart into a base letter plus an accent.
_ASCII_LETTERS = {"đ": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "ŋ": "ng", "þ": "th"}
_JOINERS = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner: part of spelling in some scripts
_HIDDEN = ("Cc", "Cf", "Zl", "Zp")


def hidden_char(text: str) -> str | None:
    """The first character of *text* a reader cannot see as written: a control character, a line
    separator or an invisible format character (a direction override turns the text after it
    around); None if there is none. The joiners some scripts need are spelling, not hidden."""
    return next((ch for ch in text if unicodedata.category(ch) in _HIDDEN and ch not in _JOINERS), None)
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class LocalName:
    name: str
    slug: str
    meaning: str | None = None
    language: str | None = None

    def fields(self) -> dict[str, str]:
        """The localisation fields the name provides to recipes."""
        return {"name": self.name, "name_slug": self.slug, "name_meaning": self.meaning or "",
                "name_language": self.language or ""}

    def to_json(self) -> dict:
        return asdict(self)


def _char_kind(ch: str) -> str:
    if ch == " ":
        return "space"
    if ch in _PUNCTUATION:
        return "punct"
    category = unicodedata.category(ch)
    if category[0] == "L" or category == "Nd":
        return "word"
    # Vowel signs of Indonesian scripts (Lontara, Javanese, Balinese) are marks that NFC
    # cannot merge into the letter before them.
    if category[0] == "M":
        return "mark"
    return "bad"


def _refuse_char(text: str, ch: str) -> InputError:
    return InputError("name.char_invalid", name=text, char=ch, codepoint=f"U+{ord(ch):04X}")


def validate_name(text: str, *, meaning: str | None = None, language: str | None = None) -> LocalName:
    """Check a proposed name and derive its slug; InputError says what to change."""
    if not isinstance(text, str):
        raise InputError("name.empty")
    name = unicodedata.normalize("NFC", "".join(_APOSTROPHES.get(ch, ch) for ch in text)).strip()
    if not name:
        raise InputError("name.empty")
    for ch in name:
        if _char_kind(ch) == "bad":
            raise _refuse_char(name, ch)
    if not MIN_LENGTH <= len(name) <= MAX_LENGTH:
        raise InputError("name.length", name=name, length=len(name), min=MIN_LENGTH, max=MAX_LENGTH)
    if _char_kind(name[0]) != "word":
        raise InputError("name.edge", name=name, char=name[0])
    if _char_kind(name[-1]) not in ("word", "mark"):
        raise InputError("name.edge", name=name, char=name[-1])
    if "  " in name:
        raise InputError("name.double_space", name=name)
    return LocalName(name=name, slug=slugify(name), meaning=_check_meaning(meaning),
                     language=_check_language(language))


def _check_meaning(meaning: str | None) -> str | None:
    if meaning is None or not meaning.strip():
        return None
    meaning = unicodedata.normalize("NFC", meaning).strip()
    if any(unicodedata.category(ch) == "Cc" for ch in meaning):
        raise InputError("name.meaning_invalid", max=MEANING_MAX)
    hidden = hidden_char(meaning)  # refused in the name too; control characters were refused above
    if hidden is not None:
        raise InputError("name.meaning_char", char=f"U+{ord(hidden):04X}")
    if len(meaning) > MEANING_MAX:
        raise InputError("name.meaning_invalid", max=MEANING_MAX)
    return meaning


def _check_language(language: str | None) -> str | None:
    """A BCP 47-style tag: "bug" (Bugis), "smw" (Sumbawa), "su" (Sunda), "id"."""
    if language is None or not language.strip():
        return None
    tag = language.strip()
    primary, _, rest = tag.partition("-")
    tag = primary.lower() + ("-" + rest if rest else "")
    if not _LANGUAGE_TAG.fullmatch(tag):
        raise InputError("name.language_invalid", value=language)
    return tag


def slugify(name: str) -> str:
    """ASCII, lowercase, ``[a-z0-9-]``, 2-40 characters, starting with a letter.

    Valid as a DNS label and inside a Docker container name. A name with no
    Latin letters at all (say, written in Lontara) gets a stable
    ``app-<hash>`` slug so it still has one.
    """
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", name).casefold())
    out: list[str] = []
    for ch in folded:
        if unicodedata.combining(ch):
            continue
        ch = _ASCII_LETTERS.get(ch, ch)
        if ch in (" ", "-", "'", "_", ".") or ch in _APOSTROPHES:
            out.append("-")
        elif ch.isascii() and ch.isalnum():
            out.append(ch)
    slug = re.sub(r"-{2,}", "-", "".join(out)).strip("-")
    if not slug:
        digest = hashlib.sha256(unicodedata.normalize("NFC", name).encode("utf-8")).hexdigest()[:8]
        slug = SLUG_PREFIX + digest
    elif len(slug) < MIN_LENGTH or not slug[0].isalpha():
        slug = SLUG_PREFIX + slug
    return slug[:MAX_LENGTH].rstrip("-")


def ensure_unique(name: LocalName, taken: dict[str, str], app_id: str) -> None:
    """Refuse *name* if another app on the target already uses it.

    *taken* maps the slug (or name) in use to the app id using it. The same
    app keeping its own name (an upgrade, a re-run) is not a clash.
    """
    wanted_name = name.name.casefold()
    if name.slug in set(taken.values()) - {app_id}:
        # `ksad uninstall <that app>` would then find this one by its slug
        raise ConflictError("name.is_app_id", name=name.name, slug=name.slug)
    for used, other_app in taken.items():
        if other_app == app_id:
            continue
        if used == name.slug or used.casefold() == wanted_name or slugify(used) == name.slug:
            raise ConflictError("name.taken", name=name.name, slug=name.slug, app=other_app)
