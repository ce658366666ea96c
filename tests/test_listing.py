"""Human listings (catalog list/search/show, mou list): aligned columns a person can scan.

They are printed without rich's Table (see ksad/cli/listing.py), so these tests
check what that must still give: a header, every row, columns that line up, wide
characters counted by their width, the Indonesian headers, and problems in red.
"""

from __future__ import annotations

import io

from rich.console import Console

from ksad.cli.listing import print_listing


def _columns(header: str, names: list[str]) -> list[int]:
    return [header.index(n) for n in names]


def test_catalog_list_lines_up_every_bundled_app(run_ksad):
    out = run_ksad("catalog", "list", check=True).stderr.splitlines()
    header = next(line for line in out if line.startswith("App "))
    starts = _columns(header, ["App", "Name", "Publisher", "Latest", "Category"])
    rows = [line for line in out[out.index(header) + 2:] if line.strip()]
    assert sorted(r.split()[0] for r in rows) == ["antrean-daring", "e-budgeting", "infrastruktur-daring",
                                                  "little-bandung", "monitoring-medsos", "sakip"]
    for row in rows:
        for start in starts[1:]:
            assert row[start - 2:start] == "  " and row[start] != " ", (row, start)
    eb = next(r for r in rows if r.startswith("e-budgeting "))
    assert "E-Budgeting [stand-in]" in eb and "Pemerintah Kota Bandung (32.73)" in eb


def test_search_and_show_and_indonesian_headers(run_ksad):
    found = run_ksad("catalog", "search", "antrean", env={"KSAD_LANG": "id"}, check=True).stderr
    assert "Aplikasi" in found and "Penerbit" in found and "antrean-daring" in found
    assert "e-budgeting" not in found
    shown = run_ksad("catalog", "show", "e-budgeting", check=True).stderr.splitlines()
    header = next(line for line in shown if line.startswith("Version "))
    versions = [line.split()[0] for line in shown[shown.index(header) + 2:] if line.strip()]
    assert versions == ["1.1.0", "1.0.0"]


def test_mou_list_shows_each_bundled_mou_valid(run_ksad):
    out = run_ksad("mou", "list", check=True).stderr.splitlines()
    header = next(line for line in out if line.startswith("MoU "))
    status_at = header.index("Status")
    rows = [line for line in out[out.index(header) + 2:] if line.strip()]
    assert len(rows) == 4
    assert all(row[status_at:].startswith("valid") for row in rows)


def test_wide_characters_keep_columns_aligned_and_styles_land_on_their_rows():
    buffer = io.StringIO()
    console = Console(file=buffer, width=80, force_terminal=True, color_system="standard")
    print_listing(console, ["Nama", "Kode"], [("日本語", "1"), ("abc", "2"), ("Élan", "3")],
                  title="Judul", styles=[None, "red", None])
    text = buffer.getvalue()
    plain = Console(file=io.StringIO(), width=80)
    print_listing(plain, ["Nama", "Kode"], [("日本語", "1"), ("abc", "2"), ("Élan", "3")])
    lines = plain.file.getvalue().splitlines()
    from rich.cells import cell_len

    assert lines[0].startswith("Nama") and lines[1].startswith("──────")
    assert {cell_len(line[: line.rindex(" ") + 1]) for line in lines[2:]} == {8}  # the code column starts at 8
    assert "\x1b[31mabc" in text and "\x1b[31m日本語" not in text  # red only on the flagged row
    assert "Judul" in text
