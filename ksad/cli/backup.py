"""`ksad backup/restore`."""

from __future__ import annotations

import click

from ksad.cli import usage
from ksad.cli.app import (State, allow_option, apps_of_catalog, cli, dry_run_option, emit_json, for_each, json_option,
                          pass_state, settings_allowing, target_option)
from ksad.cli.deploy import ConsoleReporter, _render_plan
from ksad.messages import decimal, t


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{decimal(value)} {unit}"
        value /= 1024
    return f"{n} B"


@cli.command()
@click.argument("app_id", metavar="APP", required=False)
@click.option("--all", "all_", is_flag=True, help="Back up every app on the target, each to its own archive.")
@click.option("--output", "-o", type=usage.Path(dir_okay=False),
              help="Archive file to write (default: $KSAD_HOME/backups/<name>-<UTC time>.tar); "
                   "an existing one is refused unless --force.")
@click.option("--force", is_flag=True, help="Replace the --output file if it exists (a regular file only).")
@dry_run_option
@json_option
@target_option
@pass_state
def backup(state: State, app_id: str | None, all_: bool, output: str | None, force: bool, dry_run: bool,
           as_json: bool) -> None:
    """Save an app's data, identity pack, name, answers and secrets to one checksummed archive."""
    from pathlib import Path

    from ksad.backup import backup as do_backup
    from ksad.errors import InputError

    if bool(app_id) == all_:
        raise InputError("backup.which")
    if all_ and output:
        raise InputError("backup.all_output", dir=str(state.settings.backups_dir))
    with ConsoleReporter(state, quiet=as_json) as reporter:
        def run(name: str):
            return do_backup(state.settings, name, Path(output) if output else None, target_name=state.settings.target,
                             dry_run=dry_run, force=force, reporter=reporter)

        if not all_:
            result = run(app_id)
            emit_json(result.to_json()) if as_json else _say_backup(state, result, dry_run)
            return
        # a backup reads the release's recipe (which volumes hold data, which secrets) from the catalog
        slugs, shown = apps_of_catalog(state, as_json)
        for_each(state, slugs, run, lambda result: _say_backup(state, result, dry_run), as_json, shown)


def _say_backup(state: State, result, dry_run: bool) -> None:
    if dry_run:
        state.say(t("backup.plan", name=result.name, app=result.app, version=result.version,
                    revision=result.revision, target=result.target, file=result.output))
        if result.identity:
            files = ", ".join(f for f in ("identity.yaml", result.emblem) if f)
            state.say("  - " + t("backup.plan.identity", files=files))
        else:
            state.say("  - " + t("backup.plan.no_identity"))
        if result.secrets:
            state.say("  - " + t("backup.plan.secrets", names=", ".join(result.secrets)))
        for v in result.volumes:
            state.say("  - " + t("backup.plan.volume", volume=v.volume, member=v.member))
        if result.paused:
            state.say("  - " + t("backup.plan.pause", containers=", ".join(result.paused)))
        state.say(t("plan.dry_run"))
        return
    state.say(t("backup.done", name=result.name, app=result.app, version=result.version, revision=result.revision,
                file=result.output, size=_size(result.size), sha256=result.sha256, seconds=decimal(result.seconds)),
              style="bold green")
    state.say(t("backup.keep_safe"))


@cli.command()
@click.argument("archive", type=usage.Path(dir_okay=False))
@click.option("--timeout", type=usage.FLOAT, default=120.0, show_default=True, help="Seconds to wait for health.")
@allow_option("Allow a refused recipe request, as the original install did.")
@click.option("--allow-missing-volumes", is_flag=True,
              help="Create empty the data volumes the release declares but the archive holds no copy of.")
@dry_run_option
@json_option
@target_option
@pass_state
def restore(state: State, archive: str, timeout: float, allow, allow_missing_volumes: bool, dry_run: bool,
            as_json: bool) -> None:
    """Install a backed-up app with its data on a target (checks the whole archive first)."""
    from pathlib import Path

    from ksad.backup import restore as do_restore

    settings = settings_allowing(state, allow)
    with ConsoleReporter(state, quiet=as_json) as reporter:
        result = do_restore(settings, Path(archive), target_name=settings.target, dry_run=dry_run,
                            timeout=timeout, allow_missing_volumes=allow_missing_volumes, reporter=reporter)
    if as_json:
        emit_json(result.to_json())
        return
    if dry_run:
        state.say(t("restore.verified", file=archive))
        _render_plan(state, result.plan)
        state.say("  - " + t(f"restore.plan.identity.{result.identity}"))
        for v in result.volumes:
            state.say("  - " + t("restore.plan.volume", volume=v.volume, member=v.member, size=_size(v.size)))
        for v in result.missing_volumes:
            state.say("  - " + t("restore.plan.volume_empty", volume=v["volume"]))
        state.say(t("plan.dry_run"))
        return
    state.say(t("restore.done", name=result.name, app=result.app, version=result.version, target=result.target,
                revision=result.revision, volumes=len(result.volumes), from_revision=result.from_revision,
                from_target=result.from_target, seconds=decimal(result.seconds)), style="bold green")
    if result.missing_volumes:
        state.say(t("restore.done_missing", volumes=", ".join(v["volume"] for v in result.missing_volumes)))
    if result.url:
        click.echo(result.url)
