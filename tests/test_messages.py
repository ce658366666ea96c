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
