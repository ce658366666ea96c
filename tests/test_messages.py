"""Every message exists in both languages, with the same placeholders."""

from __future__ import annotations

import pytest

from ksad.messages import LANGUAGES, MESSAGES, placeholders, t


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_message_has_every_language_with_the_same_placeholders(key):
    entry = MESSAGES[key]
    assert set(entry) == set(LANGUAGES), f"{key}: languages {sorted(entry)}"
    assert all(entry[lang].strip() for lang in LANGUAGES), f"{key}: empty text"
    assert placeholders(entry["en"]) == placeholders(entry["id"]), key


def test_language_is_chosen_from_the_environment(monkeypatch):
    for var in ("KSAD_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    assert t("error.prefix") == "Galat"
    monkeypatch.setenv("KSAD_LANG", "en")
    assert t("error.prefix") == "Error"


@pytest.mark.parametrize("env, expected", [
    ({"LC_ALL": "id_ID.UTF-8", "LANG": "en_US.UTF-8"}, "Galat"),  # LC_ALL overrides LANG, as for gettext
    ({"LC_ALL": "id_ID.UTF-8"}, "Galat"),
    ({"LC_MESSAGES": "id_ID.UTF-8", "LANG": "en_US.UTF-8"}, "Galat"),
    ({"LC_ALL": "C.UTF-8", "LANG": "id_ID.UTF-8"}, "Error"),
    ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "id_ID.UTF-8"}, "Galat"),
    ({"LC_ALL": "id_ID.UTF-8", "KSAD_LANG": "en"}, "Error"),
])
def test_the_locale_variables_count_in_the_order_gettext_reads_them(monkeypatch, env, expected):
    for var in ("KSAD_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert t("error.prefix") == expected


def test_durations_read_as_indonesian_writes_them(monkeypatch):
    """"(3.4 d)" was neither the unit nor the number as Indonesian writes them: "(3,4 detik)"."""
    from ksad.messages import decimal

    monkeypatch.setenv("KSAD_LANG", "id")
    done = t("install.done", name="Sipakatau", app="sakip", version="1.1.0", revision=1, seconds=decimal(3.44))
    assert done == "Sipakatau (sakip 1.1.0, revisi 1) berjalan dan sehat (3,4 detik)."
    assert t("health.timeout", seconds=120, services="web") == "Belum sehat setelah 120 detik: web."
    monkeypatch.setenv("KSAD_LANG", "en")
    assert t("upgrade.done", name="Sipakatau", app="sakip", version="1.1.0", revision=2,
             seconds=decimal(3.44)).endswith("revision 2 (3.4 s).")
