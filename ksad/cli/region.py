"""`ksad region show|search`: find the Kemendagri code of a region."""

from __future__ import annotations

import click

from ksad.cli.app import State, cli, emit_json, json_option, pass_state
from ksad.messages import t


@cli.group("region")
def region() -> None:
    """Look up provinces, kabupaten and kota by Kemendagri code."""


@region.command("show")
@click.argument("code")
@json_option
@pass_state
def show(state: State, code: str, as_json: bool) -> None:
    """Show the region with Kemendagri CODE: 52.04 (or 5204) for a regency or city, 52 for a province."""
    from ksad.region import load_for

    found = load_for(state.settings).get(code)
    if as_json:
        emit_json(found.to_json())
    else:
        _render(state, [found], title=None)


@region.command("search")
@click.argument("text")
@json_option
@pass_state
def search(state: State, text: str, as_json: bool) -> None:
    """Find regions whose name contains TEXT (such as bandung) or whose code starts with it."""
    from ksad.errors import NotFoundError
    from ksad.region import load_for

    found = load_for(state.settings).search(text)
    if not found:
        raise NotFoundError("region.none_found", text=text)
    if as_json:
        emit_json([r.to_json() for r in found])
    else:
        _render(state, found, title=t("region.found", count=len(found), text=text))


def _render(state: State, regions, title: str | None) -> None:
    """One row per region with every field in its own column when the terminal is
    wide enough; otherwise province and time zone go under the name, so that an
    80-column terminal still shows "52.04  Kabupaten Sumbawa / Nusa Tenggara
    Barat, Asia/Makassar (WITA)" on two clean lines instead of wrapped fragments."""
    from rich.measure import Measurement

    console = state.console
    table = _flat_table(regions, title)
    natural = Measurement.get(console, console.options.update_width(10_000), table).maximum
    if natural > console.width:
        table = _stacked_table(regions, title)
    console.print(table)


def _base_table(title: str | None):
    from rich import box
    from rich.table import Table

    # No vertical rules: they cost width that the names need.
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False,
                 padding=(0, 1, 0, 0))


def _flat_table(regions, title: str | None):
    table = _base_table(title)
    for key in ("code", "name", "type", "province", "timezone", "head"):
        table.add_column(t(f"region.col.{key}"), no_wrap=True, style="bold" if key == "code" else None)
    for r in regions:
        table.add_row(r.code, r.name, t(f"region.type.{r.type}"), r.province_name,
                      f"{r.timezone} ({r.tz_abbr})", r.head_title)
    return table


def _stacked_table(regions, title: str | None):
    from rich.text import Text

    table = _base_table(title)
    table.add_column(t("region.col.code"), no_wrap=True, style="bold")
    table.add_column(Text(t("region.col.name")) + Text("\n" + t("region.col.where"), style="dim"))
    table.add_column(t("region.col.type"))
    table.add_column(t("region.col.head"))
    for r in regions:
        where = Text(f"\n{r.province_name}, {r.timezone} ({r.tz_abbr})", style="dim")
        table.add_row(r.code, Text(r.name) + where, t(f"region.type.{r.type}"), r.head_title)
    return table
