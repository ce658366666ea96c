"""What a remembered result is keyed by: ksad's own code (hashing.code_stamp)."""

from __future__ import annotations

import ksad
from ksad import hashing


def test_the_code_stamp_covers_the_generated_validators_and_the_version(monkeypatch):
    names = {f"{p.parent.name}/{p.name}" for p in hashing.code_files()}
    assert {"ksad/mou.py", "validators/mou.py", "schema/mou.schema.json"} <= names
    before = hashing._code_stamp()
    assert hashing._code_stamp() == before
    # a reproducible build gives a new release's files the old sizes and mtimes often enough
    monkeypatch.setattr(ksad, "__version__", ksad.__version__ + ".post1")
    assert hashing._code_stamp() != before
