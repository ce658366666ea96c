"""One-process references for the whole-catalog commands: the least work each must do, nothing checked.

    python bench/floors.py validate-cold CATALOG
    python bench/floors.py validate-warm CATALOG STATE   # run once first to write STATE
    python bench/floors.py index-cold CATALOG
    python bench/floors.py mou-all-cold CATALOG

Each prints one JSON line, {"seconds": S, ...}: in-process seconds from the first
line. The bench also times the whole process (interpreter start-up included, as for
ksad), and that is the figure its report compares with the budget.

- ``validate-cold``: read, hash (sha256) and parse with PyYAML's C loader every file
  a validate reads: catalog.yaml, each app entry, each release's recipe (found
  through the entry's ``recipe.path`` under ``sources``), each MoU, revocation and
  the keyring. Any checker of these YAML files must do that at least once.
- ``validate-warm``: confirm that nothing under the catalog and its recipe sources
  changed since the last run, as git's index does: one lstat per file and directory,
  compared with the stat signatures STATE kept. A validate that remembers its
  verdicts must still do this, or it would pass a file edited since.
- ``index-cold``: read and parse with the C loader what ``catalog index`` writes its
  two files from: the app entries, MoUs, revocations and the keyring.
- ``mou-all-cold``: the signature checks of every MoU's verdict: decode the shipped
  documents.json, encode each MoU canonically and verify each of its Ed25519
  signatures with the keyring's key. Verdicts need nothing less on a first run.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path


def _sources(root: Path, yaml) -> Path:
    meta = yaml.load((root / "catalog.yaml").read_bytes(), Loader=yaml.CSafeLoader) or {}
    return (root / str(meta.get("sources", "."))).resolve()


def validate_cold(root: Path) -> dict:
    import yaml

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
    for path in _trust_files(root):
        load(path)
        files += 1
    return {"files": files}


def _trust_files(root: Path) -> list[Path]:
    found = [p for sub in ("mous", "revocations") for p in sorted((root / sub).glob("*.yaml"))]
    return found + [p for p in (root / "keys" / "keyring.yaml",) if p.exists()]


def _stat_tree(top: str, out: dict[str, list[int]]) -> None:
    with os.scandir(top) as entries:
        for entry in entries:
            st = entry.stat(follow_symlinks=False)
            out[entry.path] = [st.st_mtime_ns, st.st_size, st.st_ino]
            if entry.is_dir(follow_symlinks=False):
                _stat_tree(entry.path, out)


def validate_warm(root: Path, state: Path) -> dict:
    import yaml

    seen: dict[str, list[int]] = {}
    for top in {str(root.resolve()), str(_sources(root, yaml))}:
        _stat_tree(top, seen)
    try:
        kept = json.loads(state.read_bytes())
    except (OSError, ValueError):
        kept = None
    if kept != seen:
        state.write_text(json.dumps(seen))
    return {"files": len(seen), "unchanged": kept == seen}


def index_cold(root: Path) -> dict:
    import yaml

    files = 0
    for path in [*sorted((root / "apps").glob("*.yaml")), *_trust_files(root)]:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        files += 1
    return {"files": files}


# ksad's pre-authentication encoding (ksad.trust.PAE_PREFIX, PAYLOAD_TYPES["mou"]), copied so
# that the floor does not pay for importing ksad; every signature verifying proves them right
MOU_PREFIX = b"ksad-v1\napplication/vnd.ksad.mou+json\n"


def mou_all_cold(root: Path) -> dict:
    import base64

    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    docs = json.loads((root / "documents.json").read_bytes())["documents"]
    keys = {k["keyid"]: base64.b64decode(k["public"]) for k in docs["keys/keyring.yaml"]["data"]["keys"]}
    verified = failed = mous = 0
    for name, doc in docs.items():
        if not name.startswith("mous/"):
            continue
        mous += 1
        data = doc["data"]
        body = json.dumps({k: v for k, v in data.items() if k != "signatures"}, sort_keys=True,
                          separators=(",", ":"), ensure_ascii=False).encode()
        for sig in data["signatures"]:
            try:
                Ed25519PublicKey.from_public_bytes(keys[sig["keyid"]]).verify(base64.b64decode(sig["sig"]),
                                                                             MOU_PREFIX + body)
                verified += 1
            except (InvalidSignature, KeyError, ValueError):
                failed += 1
    return {"mous": mous, "verified": verified, "failed": failed}


def main() -> None:
    started = time.perf_counter()
    kind, root = sys.argv[1], Path(sys.argv[2])
    if kind == "validate-cold":
        out = validate_cold(root)
    elif kind == "validate-warm":
        out = validate_warm(root, Path(sys.argv[3]))
    elif kind == "index-cold":
        out = index_cold(root)
    elif kind == "mou-all-cold":
        out = mou_all_cold(root)
    else:
        sys.exit(f"floors.py: unknown reference {kind!r}")
    print(json.dumps({**out, "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
