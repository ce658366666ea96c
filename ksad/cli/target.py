"""`ksad target add/list/remove`: the named Docker engines apps can go to."""

from __future__ import annotations

from pathlib import Path

import click

from ksad.cli import usage
from ksad.cli.app import cli, dry_run_option, emit_json, json_option, pass_state
from ksad.messages import t


@cli.group("target")
def target_group() -> None:
    """Where apps run: the local engine, or ssh:// and tcp:// engines you name."""


@target_group.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--force", is_flag=True, help="Point an existing name at the new URL.")
@click.option("--tls-dir", type=usage.Path(file_okay=False, path_type=Path),
              help="For tcp://: a directory with the engine's client TLS files ca.pem, cert.pem, key.pem (kept, 0600).")
@dry_run_option
@json_option
@pass_state
def add_cmd(state, name, url, force, tls_dir, dry_run, as_json) -> None:
    """Name a Docker engine: ssh://user@host[:port], tcp://host:port (with --tls-dir) or unix:///path."""
    from ksad.targets import add_target, plan_add

    if dry_run:
        change = plan_add(state.settings, name, url, force=force, tls_from=tls_dir)
        key = f"target.dry_run.{change.action}"
    else:
        change = add_target(state.settings, name, url, force=force, tls_from=tls_dir)
        key = {"add": "target.added", "replace": "target.replaced", "unchanged": "target.unchanged"}[change.action]
    if as_json:
        emit_json({**change.to_json(), "dry_run": dry_run})
        return
    state.say(t(key, name=change.target.name, url=change.target.url, file=str(change.file)),
              style="yellow" if dry_run else "green")


@target_group.command("list")
@json_option
@pass_state
def list_cmd(state, as_json) -> None:
    """List the targets, the built-in 'local' first."""
    from ksad.targets import list_targets

    targets = list_targets(state.settings)
    if as_json:
        emit_json([target.to_json() for target in targets])
        return
    from rich.table import Table

    table = Table(title=t("target.list.title"), title_justify="left")
    for column in ("target.col.name", "target.col.url", "target.col.kind"):
        table.add_column(t(column), overflow="fold")
    for target in targets:
        name = f"{target.name} {t('target.builtin')}" if target.is_local else target.name
        table.add_row(name, target.url, target.kind)
    state.console.print(table)


@target_group.command("remove")
@click.argument("name")
@dry_run_option
@json_option
@pass_state
def remove_cmd(state, name, dry_run, as_json) -> None:
    """Forget a target. Nothing on its engine is touched."""
    from ksad.targets import plan_remove, remove_target

    change = plan_remove(state.settings, name) if dry_run else remove_target(state.settings, name)
    if as_json:
        emit_json({**change.to_json(), "dry_run": dry_run})
        return
    key = "target.dry_run.remove" if dry_run else "target.removed"
    state.say(t(key, name=change.target.name, url=change.target.url, file=str(change.file)),
              style="yellow" if dry_run else "green")
