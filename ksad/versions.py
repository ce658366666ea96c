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


def matches_nothing(spec) -> bool:
    """Whether no version at all is in the range (``>=2,<1``, ``==1.0,!=1.0``): bounds that cross.

    packaging has no such test; the bounds are read from the specifiers themselves. A range
    this misses (``~=`` combined with far bounds) only stays a range nothing in the catalog meets.
    """
    lows, highs, exact = [], [], []
    for s in spec:
        if s.operator in ("===", "~=") or s.version.endswith(".*"):
            continue  # their bounds are not one version: left to the catalog's releases
        v = Version(s.version)
        if s.operator in (">=", ">"):
            lows.append((v, s.operator == ">="))
        elif s.operator in ("<=", "<"):
            highs.append((v, s.operator == "<="))
        elif s.operator == "==":
            exact.append(v)
    if any(not spec.contains(v, prereleases=True) for v in exact):
        return True
    if lows and highs:
        low, low_in = max(lows, key=lambda b: (b[0], not b[1]))  # the tightest lower bound
        high, high_in = min(highs, key=lambda b: (b[0], b[1]))
        return low > high or (low == high and not (low_in and high_in))
    return False


def sort_versions(texts: Iterable[str]) -> list[str]:
    """Valid versions, newest first; invalid ones are skipped (validation reports them)."""
    parsed = []
    for text in texts:
        try:
            parsed.append((Version(text), text))
        except InvalidVersion:
            continue
    return [text for _, text in sorted(parsed, reverse=True)]
