"""`ksad init` and `ksad identity show`: write and read the region's identity pack."""

from __future__ import annotations

import click

from ksad.cli import usage
from ksad.cli.app import cli, dry_run_option, emit_json, json_option, pass_state
from ksad.messages import t


def _render(state, identity) -> None:
    from rich.table import Table

    none = t("identity.none")
    rows = [
        ("identity.label.region", identity.name),
        ("identity.label.code", identity.region_code),
        ("identity.label.province", identity.province_name),
        ("identity.label.head_title", identity.head_title),
        ("identity.label.office", identity.office),
        ("identity.label.contact", identity.contact or none),
        ("identity.label.domain", identity.domain),
        ("identity.label.timezone", f"{identity.timezone} ({identity.tz_abbr})"),
        ("identity.label.emblem", str(identity.emblem) if identity.emblem else none),
        ("identity.label.colours", f"{identity.colour_primary} / {identity.colour_secondary}"),
        ("identity.label.language", identity.language),
    ]
    table = Table(title=t("identity.title"), show_header=False, box=None, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for label, value in rows:
        table.add_row(t(label), value)
    state.console.print(table)


@cli.command("init")
@click.option("--region", required=True, help="Kemendagri code of the region, e.g. 52.04 (find it: ksad region search).")
@click.option("--domain", required=True, help="The region's own .go.id domain, e.g. sumbawakab.go.id.")
@click.option("--office", required=True, help="The office that runs the apps, e.g. \"Dinas Kominfo\".")
@click.option("--contact", help="Contact e-mail or phone of that office.")
@click.option("--emblem", type=usage.Path(dir_okay=False), help="The region's emblem, PNG or SVG, at most 1 MiB.")
@click.option("--colour-primary", help="Primary colour, #RRGGBB (default #0B5394).")
@click.option("--colour-secondary", help="Secondary colour, #RRGGBB (default #F1C232).")
@click.option("--timezone", help="IANA zone (default: the region's): Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura.")
@click.option("--head-title", help="Title of the head of region (default: Bupati, Wali Kota or Gubernur).")
@click.option("--language", default="id", show_default=True, help="Language of the apps' texts: id or en.")
@click.option("--force", is_flag=True, help="Replace an existing identity pack.")
@dry_run_option
@json_option
@pass_state
def init_cmd(state, region, domain, office, contact, emblem, colour_primary, colour_secondary, timezone,
             head_title, language, force, dry_run, as_json) -> None:
    """Describe this region once: the identity pack every installed app is localised with."""
    from ksad.identity import apply_identity, plan_identity
    from ksad.region import load_for

    settings = state.settings
    plan = plan_identity(settings, load_for(settings), region=region, domain=domain, office=office,
                         contact=contact, emblem=emblem, colours=(colour_primary, colour_secondary),
                         timezone=timezone, head_title=head_title, language=language, force=force)
    if dry_run:
        headline = t(f"identity.dry_run.{plan.action}", file=str(plan.file))
    else:
        apply_identity(settings, plan)
        headline = t({"create": "identity.created", "replace": "identity.replaced",
                      "unchanged": "identity.unchanged"}[plan.action], file=str(plan.file))
    if as_json:
        emit_json({**plan.to_json(), "dry_run": dry_run})
        return
    _render(state, plan.identity)
    state.say(headline, style="green" if not dry_run else "yellow")


@cli.group("identity")
def identity_group() -> None:
    """The region's identity pack (written by ksad init)."""


@identity_group.command("show")
@json_option
@pass_state
def show_cmd(state, as_json) -> None:
    """Show the identity pack applied to every app."""
    from ksad.identity import load_identity

    identity = load_identity(state.settings)
    if as_json:
        emit_json(identity.to_json())
        return
    _render(state, identity)
