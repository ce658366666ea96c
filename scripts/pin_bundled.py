#!/usr/bin/env python3
"""Pin the bundled catalog's releases to the recipes and build sources in this repo.

For every release in catalog/apps/*.yaml this recomputes ``recipe.sha256``
(the tree hash of the recipe directory) and ``builds`` (service -> tree hash of
its ``build:`` context, resolved against the recipe directory), and rewrites
only those values in the YAML text, so comments and layout survive.

    scripts/pin_bundled.py            rewrite stale hashes
    scripts/pin_bundled.py --check    exit 1 if any hash is stale (for CI)

Both lines must be single-line flow mappings, as the bundled entries write them:

    recipe: {path: recipes/<app>/<version>, sha256: <hex>}
    builds: {web: <hex>, db: <hex>}
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ksad.errors import KsadError  # noqa: E402
from ksad.hashing import tree_sha256  # noqa: E402
from ksad.yamlio import load_mapping  # noqa: E402

RECIPE_LINE = re.compile(r"^(?P<head>\s*recipe:\s*\{\s*path:\s*)(?P<path>[^,\s}]+)(?P<mid>\s*,\s*sha256:\s*)"
                         r"(?P<hash>[^}\s]*)(?P<tail>\s*\}.*)$")
BUILDS_LINE = re.compile(r"^(?P<head>\s*builds:\s*)\{[^}]*\}(?P<tail>.*)$")
VERSION_LINE = re.compile(r"^\s*-\s*version:")


class PinError(Exception):
    pass


def build_contexts(recipe_dir: Path) -> dict[str, Path]:
    """Service name -> build context directory, from the recipe's compose.yaml."""
    compose = load_mapping(recipe_dir / "compose.yaml").data
    contexts: dict[str, Path] = {}
    for service, spec in (compose.get("services") or {}).items():
        build = (spec or {}).get("build")
        if build is None:
            continue
        context = build if isinstance(build, str) else build.get("context", ".")
        path = (recipe_dir / context).resolve()
        if not path.is_dir():
            raise PinError(f"{recipe_dir}: service {service}: build context {context} is not a directory")
        contexts[service] = path
    return contexts


def pin_text(text: str, sources: Path, where: str) -> tuple[str, list[str]]:
    """The text with fresh hashes, and a line per value that changed."""
    out: list[str] = []
    changes: list[str] = []
    pending_builds: dict[str, str] | None = None  # builds of the release whose recipe line we saw last
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        if VERSION_LINE.match(body):
            if pending_builds:
                raise PinError(f"{where}:{number}: the release above builds services but has no 'builds:' line")
            pending_builds = None
        match = RECIPE_LINE.match(body)
        if match:
            if pending_builds:
                raise PinError(f"{where}:{number}: the release above builds services but has no 'builds:' line")
            recipe_dir = sources / match["path"]
            if not (recipe_dir / "compose.yaml").is_file():
                raise PinError(f"{where}:{number}: no compose.yaml in {recipe_dir}")
            fresh = tree_sha256(recipe_dir)
            if match["hash"] != fresh:
                changes.append(f"{where}:{number}: recipe {match['path']}")
                body = f"{match['head']}{match['path']}{match['mid']}{fresh}{match['tail']}"
            pending_builds = {service: tree_sha256(path) for service, path in build_contexts(recipe_dir).items()}
        else:
            match = BUILDS_LINE.match(body)
            if match:
                if pending_builds is None:
                    raise PinError(f"{where}:{number}: 'builds:' before its release's 'recipe:' line")
                fresh_line = match["head"] + "{" + ", ".join(f"{s}: {h}" for s, h in pending_builds.items()) + "}" + match["tail"]
                if fresh_line != body:
                    changes.append(f"{where}:{number}: builds")
                    body = fresh_line
                pending_builds = None
        out.append(body + ending)
    if pending_builds:
        raise PinError(f"{where}: the last release builds services but has no 'builds:' line")
    return "".join(out), changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale hashes; exit 1 if any")
    parser.add_argument("--catalog", type=Path, default=REPO / "catalog", help="catalog directory (default: the bundled one)")
    args = parser.parse_args(argv)

    try:
        sources = (args.catalog / str(load_mapping(args.catalog / "catalog.yaml").data.get("sources", "."))).resolve()
        stale: list[str] = []
        for path in sorted((args.catalog / "apps").glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            fresh, changes = pin_text(text, sources, str(path.relative_to(args.catalog)))
            stale += changes
            if changes and not args.check:
                path.write_text(fresh, encoding="utf-8")
    except (PinError, KsadError, OSError) as exc:
        print(f"pin_bundled: {exc}", file=sys.stderr)
        return 2

    for change in stale:
        print(("stale: " if args.check else "pinned: ") + change)
    if args.check and stale:
        print(f"{len(stale)} stale hash(es); run scripts/pin_bundled.py", file=sys.stderr)
        return 1
    if not stale:
        print("all bundled release hashes are current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
