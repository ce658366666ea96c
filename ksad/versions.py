"""Versions and ranges, always through ``packaging`` (PEP 440)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from packaging.version import InvalidVersion, Version

from ksad.errors import InputError

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet


def parse_version(text: str, where: str = "") -> Version:
    try:
        return Version(str(text))
    except InvalidVersion:
        raise InputError("version.invalid", value=text, where=where) from None


def parse_spec(text: str) -> SpecifierSet:
    """A range such as '>=1,<2'; a bare version '1.1.0' means '==1.1.0'."""
    # imported here: packaging.specifiers pulls in packaging.tags, logging and platform (~15 ms),
    # which listing and showing versions never need
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    text = str(text).strip()
    try:
        Version(text)
        return SpecifierSet(f"=={text}")
    except InvalidVersion:
        pass
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        raise InputError("version.spec_invalid", value=text) from None


def sort_versions(texts: Iterable[str]) -> list[str]:
    """Valid versions, newest first; invalid ones are skipped (validation reports them)."""
    parsed = []
    for text in texts:
        try:
            parsed.append((Version(text), text))
        except InvalidVersion:
            continue
    return [text for _, text in sorted(parsed, reverse=True)]
