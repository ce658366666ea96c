"""The loader against real Compose files: CasaOS's app store (../shared/corpus/casaos-compose).

They were written for another app store, so most are refused; what matters is
that each one is either loaded or refused with a named reason (a KsadError the
user can act on), never a crash, and that the published JSON Schema agrees with
the loader.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from ksad import yamlio
from ksad.errors import InputError, KsadError, PolicyError
from ksad.policy import POLICY_KINDS, PolicyRefused
from ksad.recipe import RecipeError, load_recipe

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "casaos-compose"
SCHEMA = json.loads((REPO / "catalog" / "schema" / "recipe.schema.json").read_text())


def compose_files() -> list[Path]:
    # The directory also holds LICENSE and SOURCE.md, which are not Compose files.
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".yml", ".yaml"))


def classify(path: Path) -> tuple[str, list[str], KsadError | None]:
    """("loaded" | "policy" | "unsupported", reasons, error)."""
    try:
        load_recipe(path, source_root=CORPUS)
    except PolicyRefused as err:
        return "policy", sorted({v.kind for v in err.violations}), err
    except RecipeError as err:
        return "unsupported", sorted(set(err.reasons)), err
    except InputError as err:  # e.g. YAML the safe loader cannot read: its message key is the reason
        return "unsupported", [err.key], err
    return "loaded", [], None


def test_corpus_is_present():
    assert CORPUS.is_dir(), f"the Compose corpus is missing: {CORPUS}"
    stated = re.search(r"(\d+) `docker-compose.yml` files", (CORPUS / "SOURCE.md").read_text())
    assert stated and len(compose_files()) == int(stated.group(1))


def test_every_corpus_file_loads_or_is_refused_with_a_named_reason(capsys):
    assert CORPUS.is_dir(), f"the Compose corpus is missing: {CORPUS}"
    files = compose_files()
    outcome: dict[str, Counter] = {"loaded": Counter(), "policy": Counter(), "unsupported": Counter()}
    totals = Counter()
    crashes = []
    for path in files:
        try:
            category, reasons, err = classify(path)
        except Exception as exc:  # anything but a KsadError is a bug in the loader
            crashes.append(f"{path.name}: {type(exc).__name__}: {exc}")
            continue
        totals[category] += 1
        outcome[category].update(reasons)
        if isinstance(err, PolicyError):
            assert err.violations and all(v.kind in POLICY_KINDS for v in err.violations), path.name
            for v in err.violations:
                assert f"service {v.service}: {v.kind}" in err.message and f"--allow {v.kind}" in err.message
        elif isinstance(err, RecipeError):
            for problem in err.problems:
                assert problem.reason and problem.line, (path.name, problem)
                assert problem.field in err.message, (path.name, problem)
    assert not crashes, "\n".join(crashes)
    assert sum(totals.values()) == len(files)

    def breakdown(counter: Counter) -> str:
        return ", ".join(f"{reason} {n}" for reason, n in counter.most_common())

    tally = (f"corpus: {len(files)} files, {totals['loaded']} loaded, "
             f"{totals['policy']} refused by policy ({breakdown(outcome['policy'])}), "
             f"{totals['unsupported']} refused as unsupported ({breakdown(outcome['unsupported'])})")
    with capsys.disabled():  # shown in the CI log without -s
        print(f"\n{tally}")


@pytest.fixture(scope="module")
def classified():
    if not CORPUS.is_dir():
        pytest.fail(f"the Compose corpus is missing: {CORPUS}")
    return [(path, *classify(path)) for path in compose_files()]


def test_the_schema_accepts_every_file_the_loader_accepts(classified):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    accepted = [path for path, category, _reasons, _err in classified if category in ("loaded", "policy")]
    assert accepted
    for path in accepted:
        errors = [e.message for e in validator.iter_errors(yamlio.load_mapping(path).data)]
        assert not errors, (path.name, errors[:3])


def test_the_schema_refuses_every_unsupported_key_the_loader_refuses(classified):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for path, category, _reasons, err in classified:
        if isinstance(err, RecipeError) and any(p.key == "recipe.unsupported" for p in err.problems):
            assert not validator.is_valid(yamlio.load_mapping(path).data), path.name
