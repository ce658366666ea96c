"""The schemas compiled ahead of time (ksad/validators) are current, and a stale one is never used."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ksad import catalog

REPO = Path(__file__).resolve().parent.parent


def test_generated_validators_match_the_schemas():
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "gen_validators.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, f"run scripts/gen_validators.py:\n{proc.stdout}{proc.stderr}"


def test_a_schema_changed_since_generation_is_still_enforced(tmp_path, monkeypatch):
    schemas = tmp_path / "schema"
    shutil.copytree(catalog.SCHEMA_DIR, schemas)
    schema = json.loads((schemas / "mou.schema.json").read_text())
    schema.setdefault("required", []).append("approved_by_dprd")  # a field no MoU has
    (schemas / "mou.schema.json").write_text(json.dumps(schema))
    monkeypatch.setattr(catalog, "SCHEMA_DIR", schemas)
    validate = catalog._compiled_schema("mou")
    with pytest.raises(Exception, match="approved_by_dprd"):
        validate({"id": "x"})
    from ksad.validators import mou as shipped

    assert validate is not shipped.validate
