"""The floor for a cold `ksad catalog validate`: read, hash and YAML-parse every file it must read.

    python bench/validate_floor.py CATALOG

No checking at all: each app entry, each release's recipe (compose.yaml, found
through the entry's ``recipe.path`` under catalog.yaml's ``sources``), each
MoU, revocation and the keyring is read, hashed with sha256 and parsed with
PyYAML's C loader (``yaml.CSafeLoader``), which any checker of these YAML files
must do at least once. Prints one JSON line: {"files": N, "seconds": S}.
The parse of an entry gives the recipe paths, as validate gets them.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path


def main() -> None:
    started = time.perf_counter()
    import yaml

    root = Path(sys.argv[1])

    def load(path: Path):
        raw = path.read_bytes()
        hashlib.sha256(raw).hexdigest()
        return yaml.load(raw, Loader=yaml.CSafeLoader)

    meta = load(root / "catalog.yaml") or {}
    sources = root / str(meta.get("sources", "."))
    files = 1
    for app in sorted((root / "apps").glob("*.yaml")):
        data = load(app)
        files += 1
        for rel in data.get("releases") or []:
            load(sources / rel["recipe"]["path"] / "compose.yaml")
            files += 1
    for sub in ("mous", "revocations"):
        for path in sorted((root / sub).glob("*.yaml")):
            load(path)
            files += 1
    if (root / "keys" / "keyring.yaml").exists():
        load(root / "keys" / "keyring.yaml")
        files += 1
    print(json.dumps({"files": files, "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
