"""Local-wisdom names: what is accepted, the slug it gets, and clashes on a target."""

from __future__ import annotations

import re
import unicodedata

import pytest

from ksad.errors import ConflictError, InputError
from ksad.naming import LocalName, ensure_unique, slugify, validate_name

DNS_LABEL = re.compile(r"[a-z][a-z0-9-]{0,38}[a-z0-9]")


@pytest.mark.parametrize(
    ("text", "name", "slug"),
    [
        ("Sabalong", "Sabalong", "sabalong"),
        ("Sipakatau", "Sipakatau", "sipakatau"),
        ("Tau Samawa", "Tau Samawa", "tau-samawa"),
        ("Pa'biritta", "Pa'biritta", "pa-biritta"),
        ("Pa\u2019biritta", "Pa'biritta", "pa-biritta"),  # typographic apostrophe becomes the plain one
        ("  Sabilulungan  ", "Sabilulungan", "sabilulungan"),
        ("Ngayah-Bali", "Ngayah-Bali", "ngayah-bali"),
        ("Kartu Sehat 2", "Kartu Sehat 2", "kartu-sehat-2"),
        ("Café Désa", "Café Désa", "cafe-desa"),
        ("e\u0301-Lapor", "\u00e9-Lapor", "e-lapor"),  # decomposed é is stored composed (NFC)
        ("Ab", "Ab", "ab"),  # two characters is the minimum
        ("7 Keajaiban", "7 Keajaiban", "app-7-keajaiban"),  # a slug must start with a letter
        ("x" * 40, "x" * 40, "x" * 40),
        ("Straße Kota", "Straße Kota", "strasse-kota"),
        ("ᨔᨗᨄᨀᨈᨕᨘ", "ᨔᨗᨄᨀᨈᨕᨘ", None),  # Sipakatau in Lontara: kept, slug is app-<hash>
    ],
)
def test_valid_names_and_their_slugs(text, name, slug):
    result = validate_name(text)
    assert result.name == name
    assert unicodedata.is_normalized("NFC", result.name)
    if slug is None:
        assert re.fullmatch(r"app-[0-9a-f]{8}", result.slug)
        assert validate_name(text).slug == result.slug  # stable across runs
    else:
        assert result.slug == slug
    assert DNS_LABEL.fullmatch(result.slug), result.slug


@pytest.mark.parametrize(
    ("text", "key", "shown"),
    [
        ("", "name.empty", None),
        ("   ", "name.empty", None),
        ("S", "name.length", "1 character"),
        ("x" * 41, "name.length", "41 character"),
        ("Sabalong 🌊", "name.char_invalid", "🌊"),
        ("😀😀", "name.char_invalid", "U+1F600"),
        ("Tau_Samawa", "name.char_invalid", "'_'"),
        ("Tau/Samawa", "name.char_invalid", "'/'"),
        ("Tau\tSamawa", "name.char_invalid", "U+0009"),
        ("-Sabalong", "name.edge", "'-'"),
        ("Sabalong'", "name.edge", "'''"),
        ("'Sabalong", "name.edge", None),
        ("Tau  Samawa", "name.double_space", "two spaces"),
    ],
)
def test_invalid_names_say_what_is_wrong(text, key, shown, monkeypatch):
    monkeypatch.setenv("KSAD_LANG", "en")
    with pytest.raises(InputError) as err:
        validate_name(text)
    assert err.value.key == key
    assert err.value.exit_code == 3
    if shown:
        assert shown in err.value.message


def test_invalid_name_message_in_indonesian(monkeypatch):
    monkeypatch.setenv("KSAD_LANG", "id")
    with pytest.raises(InputError) as err:
        validate_name("Sabalong 🌊")
    assert "tidak diperbolehkan" in err.value.message and "🌊" in err.value.message
    assert "huruf" in err.value.hint


def test_meaning_and_language_are_kept_and_checked():
    name = validate_name("Sipakatau", meaning="saling memanusiakan", language="BUG")
    assert (name.meaning, name.language) == ("saling memanusiakan", "bug")
    assert name.fields() == {"name": "Sipakatau", "name_slug": "sipakatau",
                             "name_meaning": "saling memanusiakan", "name_language": "bug"}
    assert validate_name("Sipakatau", meaning="  ").meaning is None
    with pytest.raises(InputError):
        validate_name("Sipakatau", language="Bugis language")
    with pytest.raises(InputError):
        validate_name("Sipakatau", meaning="a\nb")
    with pytest.raises(InputError):
        validate_name("Sipakatau", meaning="x" * 201)


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\u2028", "\ufeff"])
def test_a_meaning_with_an_invisible_or_direction_changing_character_is_refused(char, monkeypatch):
    """The meaning is shown under the name on every page: a right-to-left override in it turns the
    text after it around, as it would in the name, which refuses these characters too."""
    monkeypatch.setenv("KSAD_LANG", "en")
    with pytest.raises(InputError) as caught:
        validate_name("Sipakatau", meaning=f"saling {char}memanusiakan")
    assert f"U+{ord(char):04X}" in caught.value.message
    # the joiners some scripts need stay allowed
    assert validate_name("Sipakatau", meaning="a\u200cb\u200dc").meaning == "a\u200cb\u200dc"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Tau -- Samawa", "tau-samawa"),
        ("Đồng Ølstad", "dong-olstad"),
        ("9", "app-9"),
        ("A" + "b" * 45, "a" + "b" * 39),
        ("x" * 39 + " y", "x" * 39),  # truncation never leaves a trailing '-'
    ],
)
def test_slugify_edge_cases(name, slug):
    assert slugify(name) == slug
    assert DNS_LABEL.fullmatch(slugify(name))


def test_unique_within_a_target(monkeypatch):
    monkeypatch.setenv("KSAD_LANG", "en")
    name = validate_name("Sipakatau")
    ensure_unique(name, {}, "antrean-daring")
    ensure_unique(name, {"sabalong": "e-budgeting"}, "antrean-daring")
    ensure_unique(name, {"sipakatau": "antrean-daring"}, "antrean-daring")  # its own name on upgrade

    with pytest.raises(ConflictError) as err:
        ensure_unique(name, {"sipakatau": "e-budgeting"}, "antrean-daring")
    assert err.value.exit_code == 9
    assert "e-budgeting" in err.value.message and "Sipakatau" in err.value.message


@pytest.mark.parametrize("used", ["SIPAKATAU", "sipakatau", "Sipakatau"])
def test_unique_compares_casefolded_names_too(used):
    with pytest.raises(ConflictError):
        ensure_unique(validate_name("Sipakatau"), {used: "sakip"}, "hayu")


def test_different_names_with_the_same_slug_clash():
    # "Tau Samawa" and "Tau-Samawa" are different names but would share containers
    with pytest.raises(ConflictError) as err:
        ensure_unique(validate_name("Tau-Samawa"), {validate_name("Tau Samawa").slug: "sakip"}, "hayu")
    assert "sakip" in err.value.message


def test_local_name_is_a_value():
    assert validate_name("e\u0301-Lapor") == validate_name("\u00e9-Lapor")
    assert isinstance(validate_name("Sabalong"), LocalName)


def test_a_name_whose_slug_is_another_installed_apps_id_is_refused(monkeypatch):
    """`ksad uninstall sakip --purge` must not find an e-budgeting installed as "Sakip"."""
    monkeypatch.setenv("KSAD_LANG", "en")
    with pytest.raises(ConflictError) as err:
        ensure_unique(validate_name("SAKIP"), {"tau-samawa": "sakip"}, "e-budgeting")
    assert err.value.exit_code == 9
    assert "'SAKIP' (slug sakip) is the id of another app installed on this target" in err.value.message
    ensure_unique(validate_name("Sakip"), {"tau-samawa": "sakip"}, "sakip")  # its own app id: no clash


def _instance(app: str, name: str) -> dict:
    return {"Labels": {"ksad.app": app, "ksad.name": name, "ksad.slug": slugify(name), "ksad.service": "web"}}


def test_an_instance_named_like_another_app_is_never_taken_for_it(monkeypatch):
    """Installed before such names were refused: the app id and the slug both match, so neither is guessed."""
    from ksad.deploy import pick_instance

    monkeypatch.setenv("KSAD_LANG", "en")
    containers = [_instance("sakip", "Tau Samawa"), _instance("e-budgeting", "Sakip")]
    with pytest.raises(ConflictError) as err:
        pick_instance(containers, "sakip", "local")
    assert err.value.message == ("'sakip' could mean any of \"Sakip\" (e-budgeting), \"Tau Samawa\" (sakip). "
                                 "Say which by its exact local name.")
    assert pick_instance(containers, "Sakip", "local")["ksad.app"] == "e-budgeting"
    assert pick_instance(containers, "Tau Samawa", "local")["ksad.app"] == "sakip"
    assert pick_instance(containers, "tau-samawa", "local")["ksad.app"] == "sakip"  # by slug, as before
    assert pick_instance(containers, "e-budgeting", "local")["ksad.name"] == "Sakip"  # by app id, as before
