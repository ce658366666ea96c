"""`ksad upgrade/rollback/history`."""

from __future__ import annotations

import click

from ksad.cli import usage
from ksad.cli.app import (State, allow_option, apps_of_catalog, cli, dry_run_option, emit_json, for_each, json_option,
                          pass_state, settings_allowing, target_option)
from ksad.cli.deploy import ConsoleReporter, _parse_sets, _read_secrets, _render_plan, secret_option
from ksad.messages import decimal, op_word, t, word


def _report(state: State, result, done_key: str, dry_run: bool) -> None:
    plan = result.plan
    if dry_run:
        _render_plan(state, plan)
        state.say(t("plan.dry_run"))
        return
    if not result.applied:
        state.say(t("install.unchanged", name=plan.name, app=plan.app, version=plan.version, revision=plan.revision))
    else:
        state.say(t(done_key, name=plan.name, app=plan.app, version=plan.version, revision=plan.revision,
                    seconds=decimal(result.seconds)), style="bold green")
    if plan.url:
        click.echo(plan.url)


@cli.command()
@click.argument("app_id", metavar="APP", required=False)
@click.option("--all", "all_", is_flag=True, help="Upgrade every app on the target.")
@click.option("--version", "version", help="Version or range (PEP 440); default: newest allowed.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Change an app setting.")
@secret_option("Give a secret the app needs from you, or replace one you gave, read from FILE (@-: standard "
               "input). Never the value itself.")
@allow_option("Allow a refused recipe request, as the install did.")
@click.option("--timeout", type=usage.FLOAT, default=120.0, show_default=True, help="Seconds to wait for health.")
@dry_run_option
@json_option
@target_option
@pass_state
def upgrade(state: State, app_id: str | None, all_: bool, version, sets, secrets, allow, timeout, dry_run,
            as_json) -> None:
    """Upgrade an app; if the new release is not healthy, the old one comes back with its data."""
    from ksad.deploy import upgrade as do_upgrade
    from ksad.errors import InputError

    settings = settings_allowing(state, allow)

    if bool(app_id) == all_:
        raise InputError("upgrade.which")
    if secrets and all_:
        raise InputError("secret.with_all")  # a secret is one app's
    given = _read_secrets(secrets)
    if all_:
        names, shown = apps_of_catalog(state, as_json)
    with ConsoleReporter(state, quiet=as_json) as reporter:
        def run(name: str):
            return do_upgrade(settings, name, version=version, sets=_parse_sets(sets), secrets=given,
                              target_name=settings.target, timeout=timeout, dry_run=dry_run, reporter=reporter)

        if not all_:
            result = run(app_id)
            emit_json(result.to_json()) if as_json else _report(state, result, "upgrade.done", dry_run)
            return
        # a failed upgrade is undone for its app alone: the others are still upgraded, as YunoHost does
        for_each(state, names, run, lambda result: _report(state, result, "upgrade.done", dry_run), as_json, shown)


@cli.command()
@click.argument("app_id", metavar="APP")
@click.option("--to", "to", type=usage.INT, help="Revision to go back to (default: the previous good one).")
@allow_option("Allow a refused recipe request, as the install did.")
@click.option("--timeout", type=usage.FLOAT, default=120.0, show_default=True, help="Seconds to wait for health.")
@dry_run_option
@json_option
@target_option
@pass_state
def rollback(state: State, app_id: str, to: int | None, allow, timeout: float, dry_run: bool, as_json: bool) -> None:
    """Bring back an earlier revision: its release, its settings and its data."""
    from ksad.deploy import rollback as do_rollback

    settings = settings_allowing(state, allow)
    with ConsoleReporter(state, quiet=as_json) as reporter:
        result = do_rollback(settings, app_id, to=to, target_name=settings.target, timeout=timeout,
                             dry_run=dry_run, reporter=reporter)
    if as_json:
        emit_json(result.to_json())
        return
    _report(state, result, "rollback.done", dry_run)


@cli.command()
@click.argument("app_id", metavar="APP")
@json_option
@target_option
@pass_state
def history(state: State, app_id: str, as_json: bool) -> None:
    """Revisions of an app: version, when, by whom, result."""
    from ksad.deploy import history as do_history

    name, app, rows = do_history(state.settings, app_id, target_name=state.settings.target)
    if as_json:
        emit_json([r.to_json() for r in rows])
        return
    from rich.table import Table

    table = Table(title=t("history.title", name=name, app=app), title_justify="left")
    for key in ("col.revision", "col.op", "col.version", "col.when", "col.by", "col.result", "col.data"):
        table.add_column(t(key), overflow="fold")
    for r in rows:
        table.add_row(str(r.revision), op_word(r.op), r.version, r.when, r.by, word("result", r.result),
                      "✓" if r.snapshot else "")
    state.console.print(table)
