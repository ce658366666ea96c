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
    monkeypatch.delenv("KSAD_LANG", raising=False)
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    assert t("error.prefix") == "Galat"
    monkeypatch.setenv("KSAD_LANG", "en")
    assert t("error.prefix") == "Error"
