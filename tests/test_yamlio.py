"""ksad reads YAML exactly as the safe loader does, with lines and duplicate keys on top.

yamlio builds plain documents in one walk of the composed nodes instead of PyYAML's own
constructor (which it still uses for aliases, merge keys, sets and other rare forms);
each document here must come out as ``yaml.safe_load`` makes it, with the lines and
duplicate-key errors the constructor's path gives.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ksad import yamlio
from ksad.errors import InputError
from ksad.parsecache import plain

REPO = Path(__file__).resolve().parent.parent

EDGE_CASES = [
    "a: 1\nb: [1, 2.5, .inf, -.Inf, .nan, 0x1F, 0o17, 017, 1_000, +3, -0]\n",
    "yes: no\non: off\nTrue: ~\nnull: Null\n'': ''\n",
    "when: 2026-11-23\nat: 2026-11-23T10:00:00+07:00\nlocal: 2026-11-23 10:00:00\n",
    "bin: !!binary aGFsbw==\nstr: !!str 123\nint: !!int '7'\nfloat: !!float '1'\n",
    "1: one\n2.5: two\nnull: three\ntrue: four\n2026-01-01: day\n",
    "nested:\n  - {a: [1, {b: c}]}\n  - - x\n    - y\n  - ''\n  -\n",
    "a: &x [1, 2]\nb: *x\n",
    "a: &d 2026-11-23\nb: [*d, 2026-11-24T01:02:03Z]\n",
    "base: &b {x: 1}\nmine:\n  <<: *b\n  y: 2\n",
    "<<: {a: 1}\nb: 2\n",
    "s: !!set {a, b}\no: !!omap [{a: 1}, {b: 2}]\np: !!pairs [{a: 1}, {a: 2}]\n",
    "text: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
    "unicode: Kabupaten Sumbawa — ᮘᮔ᮪ᮓᮥᮀ\n\"quoted key\": 'single'\n",
    "- 1\n- two\n",
    "just a scalar\n",
    "",
]


def _corpus() -> list[Path]:
    files = [*sorted((REPO / "catalog").rglob("*.yaml")), *sorted((REPO / "recipes").rglob("*.yaml"))]
    assert len(files) > 20
    return files


def _by_safe_loader(text: str) -> yamlio.Document:
    """The constructor's path: what yamlio did before it built documents itself."""
    loader = yamlio._Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return yamlio.Document(Path("<text>"), None, {})
        data, lines = yamlio._construct(loader, node, Path("<text>"), True)
        return yamlio.Document(Path("<text>"), data, lines)
    finally:
        loader.dispose()


def _same(text: str) -> None:
    doc = yamlio.parse(text)
    expected = _by_safe_loader(text)
    assert doc.data == expected.data == yaml.safe_load(text)
    assert doc.lines == expected.lines
    assert repr(doc.data) == repr(expected.data)  # same types too (1 vs 1.0 vs True compare equal)
    flat = yamlio.parse(text, plain=True)
    assert flat.plain and repr(flat.data) == repr(plain(expected.data)) and flat.lines == expected.lines


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_read_as_the_safe_loader_reads_them(text):
    _same(text)


def test_every_catalog_and_recipe_file_reads_as_the_safe_loader_reads_it():
    for path in _corpus():
        _same(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text, key, line", [
    ("a: 1\nb:\n  c: 1\n  c: 2\n", "c", 4),
    ("a: &x [1]\nb: *x\nb: 2\n", "b", 3),
    ("- {k: 1, k: 2}\n", "k", 1),
])
def test_a_duplicate_key_is_refused_with_its_line(text, key, line):
    with pytest.raises(InputError) as exc:
        yamlio.parse(text, "f.yaml")
    assert exc.value.message == f"f.yaml, line {line}: key '{key}' appears twice."


@pytest.mark.parametrize("text, line, problem", [
    ("a: 1\nwhen: 2026-02-30\n", 2, "day is out of range for month"),
    ("n: !!int x\n", 1, "invalid literal for int() with base 10: 'x'"),
    ("a: &x [1]\nwhen: 2026-13-01\n", 2, "month must be in 1..12"),
])
def test_a_value_its_type_cannot_hold_is_a_message_not_a_traceback(text, line, problem):
    with pytest.raises(InputError) as exc:
        yamlio.parse(text, "f.yaml")
    assert exc.value.message == f"f.yaml, line {line}: not valid YAML ({problem})."


def test_unsafe_tags_are_still_refused():
    with pytest.raises(InputError, match="could not determine a constructor"):
        yamlio.parse("a: !!python/object/apply:os.system ['true']\n")


def test_deep_nesting_reads_as_deep_as_before_and_beyond_is_a_message():
    _same("a: " + "[" * 200 + "]" * 200)
    assert yamlio.parse("a: " + "[" * 700 + "]" * 700).lines[("a",) + (0,) * 699] == 1
    with pytest.raises(InputError) as exc:
        yamlio.parse("a: " + "[" * 5000 + "]" * 5000, "f.yaml")
    assert exc.value.message == "f.yaml, line 1: not valid YAML (nested too deeply)."


def _nested_aliases(levels: int, width: int = 9) -> str:
    text = "l0: &l0 [" + ", ".join(["x"] * width) + "]\n"
    for n in range(1, levels):
        text += f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * width) + "]\n"
    return text


def test_a_billion_laughs_is_refused_before_it_is_built():
    """268 bytes of nested aliases stand for 10^8 values: every later walk would visit them all."""
    with pytest.raises(InputError) as err:
        yamlio.parse(_nested_aliases(8), "bomb.yaml")
    assert err.value.message == "bomb.yaml, line 1: its aliases (*name) repeat what they name into more than 100,000 values."
    assert "would take all memory" in err.value.hint


def test_aliases_that_repeat_little_are_read_as_the_safe_loader_reads_them():
    text = _nested_aliases(4)  # 9^4: a few thousand values, from few nodes
    assert yamlio.parse(text, "ok.yaml").data == yaml.safe_load(text)
    # a compose-style anchor merged into many services
    text = "x-base: &base {image: a, restart: always}\n" + "".join(f"s{i}: {{<<: *base, n: {i}}}\n" for i in range(500))
    assert yamlio.parse(text, "compose.yaml").data == yaml.safe_load(text)


def test_a_recursive_alias_is_a_message():
    with pytest.raises(InputError) as err:
        yamlio.parse("a: &a [1, *a]\n", "loop.yaml")
    assert err.value.message == "loop.yaml, line 1: an alias (*name) refers to a value that contains it."


def test_a_catalog_holding_a_billion_laughs_is_refused_quickly(tmp_path, run_ksad):
    from catalog_factory import CatalogBuilder, two_service

    b = CatalogBuilder(tmp_path, grant=False)
    b.add_release("uji-web", "1.0.0", two_service())
    (b.catalog / "apps" / "uji-bom.yaml").write_text(_nested_aliases(9), encoding="utf-8")
    proc = run_ksad("--catalog", b.catalog, "catalog", "list", check=3, timeout=60)
    assert "uji-bom.yaml, line 1: its aliases (*name) repeat what they name" in proc.stderr
