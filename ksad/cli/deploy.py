"""`ksad install/status/logs/uninstall`."""

from __future__ import annotations

import sys

import click

from ksad.cli import usage
from ksad.cli.app import (State, allow_option, cli, dry_run_option, emit_json, json_option, pass_state,
                          settings_allowing, target_option)
from ksad.messages import decimal, t, word


class ConsoleReporter:
    """Progress for humans: one spinner line on stderr, updated per step."""

    def __init__(self, state: State, quiet: bool, *, lazy: bool = False) -> None:
        self.state, self.quiet, self.status = state, quiet, None
        # rich (a spinner) only on a terminal: piped or logged output stays plain and cheap
        self.shown = not quiet and sys.stderr.isatty()
        # *lazy*: the spinner starts with the first line to show. Until then the terminal is
        # left to what runs below: ssh asking for a passphrase would be drawn over.
        self.lazy = lazy

    def __enter__(self):
        if self.shown and not self.lazy:
            self._start("")
        return self

    def _start(self, text: str) -> None:
        self.status = self.state.console.status(text)
        self.status.start()

    def __exit__(self, *exc) -> None:
        if self.status is not None:
            self.status.stop()

    def step(self, key: str, **fields) -> None:
        if self.quiet:
            return
        text = t(key, **fields)
        if self.status is not None:
            self.status.update(text)
        self.state.say(f"• {text}", style="dim")

    def detail(self, line: str) -> None:
        if self.status is None and self.shown and self.lazy:
            self._start(line[:100])
        elif self.status is not None and not self.quiet:
            self.status.update(line[:100])

    @property
    def details(self):
        """:meth:`detail` where someone sees it (a spinner on a terminal), else None: no work for nobody."""
        return self.detail if self.shown else None


def _parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    from ksad.errors import InputError

    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError("set.malformed", item=item)
        out[key.strip()] = value
    return out


SECRET_MAX_BYTES = 64 * 1024  # a password or a token; more is a wrong file (a key file is not an env var)


def secret_option(help_text: str):
    return click.option("--secret", "secrets", multiple=True, metavar="NAME=@FILE", help=help_text)


def _read_secrets(items: tuple[str, ...]) -> dict[str, str]:
    """``--secret NAME=@FILE`` (``@-``: standard input) as {name: value}; the value never on the command line.

    A value typed into the command line would stay in the shell's history and show in ``ps``, so
    only a file or standard input is taken. One trailing newline is dropped (``echo pw > file``
    writes one, and no password ends in it). On a terminal ``@-`` asks for the value without
    echoing it; elsewhere it reads standard input to its end, so nothing ever waits for a person.
    """
    from ksad.errors import InputError

    out: dict[str, str] = {}
    readers = [item.partition("=")[0].strip() for item in items if item.partition("=")[2] == "@-"]
    if len(readers) > 1:  # said before anyone is asked for a value
        raise InputError("secret.stdin_twice", name=readers[1])
    for item in items:
        name, sep, source = item.partition("=")
        name = name.strip()
        if not sep or not name or not source.startswith("@") or source == "@":
            # what follows '=' (or all of it, without one) may be the value itself: never repeated
            shown = name if sep and name.isidentifier() and name.isascii() else "NAME"
            raise InputError("secret.malformed", name=shown)
        path = source[1:]
        if path == "-":
            if sys.stdin.isatty():
                data = click.prompt(t("secret.prompt", name=name), hide_input=True, err=True,
                                    default="", show_default=False).encode("utf-8")
            else:
                data = sys.stdin.buffer.read(SECRET_MAX_BYTES + 1)
            shown = t("secret.stdin")
        else:
            shown = path
            try:
                with open(path, "rb") as fh:
                    data = fh.read(SECRET_MAX_BYTES + 1)
            except OSError as exc:
                raise InputError("secret.unreadable", name=name, file=path, problem=exc.strerror or str(exc)) from None
        if len(data) > SECRET_MAX_BYTES:
            raise InputError("secret.too_large", name=name, file=shown, limit=SECRET_MAX_BYTES // 1024)
        data = data[:-2] if data.endswith(b"\r\n") else data[:-1] if data.endswith(b"\n") else data
        try:
            value = data.decode("utf-8")
        except UnicodeDecodeError:
            value = None
        if value is None or "\0" in value:  # an environment variable holds text, and no NUL
            raise InputError("secret.not_text", name=name, file=shown)
        if not value.strip():
            raise InputError("secret.empty", name=name, file=shown)
        out[name] = value
    return out


def _render_plan(state: State, plan) -> None:
    from rich.table import Table

    table = Table(title=t("plan.title", app=plan.app, version=plan.version, name=plan.name, target=plan.target),
                  title_justify="left")
    table.add_column(t("col.action"), overflow="fold")
    table.add_column(t("col.object"), overflow="fold")
    table.add_column(t("col.detail"), overflow="fold")
    for a in plan.actions:
        table.add_row(t(f"action.{a.kind}"), a.subject, a.detail)
    state.console.print(table)


@cli.command()
@click.argument("app_id", metavar="APP")
@click.option("--name", help="Local-wisdom name for the app (e.g. \"Sabalong\").")
@click.option("--meaning", help="What the name means (shown in the app).")
@click.option("--name-language", help="Language of the name (e.g. smw, bug, su).")
@click.option("--version", "version", help="Version or range (PEP 440), default: newest.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Answer an app setting.")
@secret_option("A secret the app needs from you (SMTP password, API token), read from FILE; @- reads standard "
               "input (on a terminal: asked for, not shown). Never the value itself.")
@allow_option("Allow a refused recipe request (privileged, host-path, docker-socket, ...).")
@click.option("--timeout", type=usage.FLOAT, default=120.0, show_default=True, help="Seconds to wait for health.")
@dry_run_option
@json_option
@target_option
@pass_state
def install(state: State, app_id: str, name, meaning, name_language, version, sets, secrets, allow, timeout,
            dry_run: bool, as_json: bool) -> None:
    """Install a localised app on the target and print its URL."""
    from ksad.plan import InstallRequest
    from ksad.receipt import replay

    settings = settings_allowing(state, allow)
    req = InstallRequest(app_id=app_id, version=version, name=name, meaning=meaning, name_language=name_language,
                         sets=_parse_sets(sets), secrets=_read_secrets(secrets), target=settings.target,
                         timeout=timeout, dry_run=dry_run)
    with ConsoleReporter(state, quiet=as_json) as reporter:
        result = replay(settings, req, reporter)
        if result is None:
            from ksad.deploy import install as do_install

            result = do_install(settings, req, reporter)
    if as_json:
        emit_json(result.to_json())
        return
    plan = result.plan
    if dry_run:
        _render_plan(state, plan)
        state.say(t("plan.dry_run"))
        return
    key = "install.done" if result.applied else "install.unchanged"
    state.say(t(key, name=plan.name, app=plan.app, version=plan.version, revision=plan.revision,
                seconds=decimal(result.seconds)), style="bold green" if result.applied else None)
    if plan.url:
        click.echo(plan.url)


@cli.command()
@json_option
@target_option
@pass_state
def status(state: State, as_json: bool) -> None:
    """Every app on the target: local name, app, version, health, URL."""
    from ksad.deploy import status as do_status
    from ksad.deploy import with_updates

    rows = with_updates(state.settings, do_status(state.settings, state.settings.target))
    if as_json:
        emit_json([r.to_json() for r in rows])
        return
    if not rows:
        state.say(t("status.empty"))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=t("status.title", target=rows[0].target), title_justify="left")
    # On a narrow terminal rich shrinks columns and would end a URL or a name in "…": fold it
    # onto the next line instead, so that all of it is there to read and copy.
    for key in ("col.name", "col.app", "col.version", "col.revision", "col.health", "col.url", "col.update"):
        table.add_column(t(key), overflow="fold")
    colours = {"healthy": "green", "running": "green", "completed": "green", "starting": "yellow"}
    for r in rows:
        table.add_row(r.name, r.app, r.version, str(r.revision),
                      Text(word("state", r.health), style=colours.get(r.health, "red")), r.url or "-",
                      Text(r.update, style="yellow") if r.update else ("?" if r.update_error else "-"))
    state.console.print(table)
    if rows[0].update_error:
        state.say(t("status.updates_unknown", problem=rows[0].update_error), style="yellow")
    elif any(r.update for r in rows):
        state.say(t("status.updates_hint"))


def _tail_value(_ctx: click.Context, _param, value: str) -> int | str:
    """'all' or a whole number of lines, 0 or more: 'abc' and -5 were taken as 100, silently."""
    if value == "all":
        return value
    try:
        lines = int(value)
    except ValueError:
        lines = -1
    if lines < 0:
        raise click.BadParameter(t("logs.tail_invalid", value=value))
    return lines


@cli.command()
@click.argument("app_id", metavar="APP")
@click.option("--service", help="Only this service.")
@click.option("--tail", default="100", show_default=True, callback=_tail_value,
              help="Lines from the end: a number, or 'all' for everything.")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new lines, from every service.")
@click.option("--timestamps", "-t", is_flag=True, help="Show when each line was written (UTC).")
@json_option
@target_option
@pass_state
def logs(state: State, app_id: str, service: str | None, tail: int | str, follow: bool, timestamps: bool,
         as_json: bool) -> None:
    """Show an app's container logs, every service's in the order written.

    With --json: one JSON object per line (JSON Lines), {"ksad": 1, "data": {"service", "time", "line"}}.
    """
    import json

    from ksad.cli.app import JSON_SCHEMA_VERSION
    from ksad.deploy import logs as do_logs

    out = sys.stdout.buffer
    for line in do_logs(state.settings, app_id, service=service, tail=tail, follow=follow,
                        target_name=state.settings.target):
        if as_json:
            out.write(json.dumps({"ksad": JSON_SCHEMA_VERSION, "data": line.to_json()}, ensure_ascii=False).encode())
        else:
            out.write(f"{line.service} | {line.time + ' ' if timestamps else ''}".encode() + line.text)
        out.write(b"\n")
        if follow:
            out.flush()
    out.flush()


@cli.command()
@click.argument("app_id", metavar="APP")
@click.option("--purge", is_flag=True, help="Also delete the data volumes (irreversible).")
@dry_run_option
@json_option
@target_option
@pass_state
def uninstall(state: State, app_id: str, purge: bool, dry_run: bool, as_json: bool) -> None:
    """Remove an app; its data volumes are kept unless --purge."""
    from ksad.deploy import uninstall as do_uninstall

    with ConsoleReporter(state, quiet=as_json) as reporter:
        result = do_uninstall(state.settings, app_id, purge=purge, dry_run=dry_run,
                              target_name=state.settings.target, reporter=reporter)
    if as_json:
        emit_json(result.to_json())
        return
    for a in result.actions:
        state.say(f"{'-' if dry_run else '✓'} {t('action.' + a.kind)} {a.subject}")
    if dry_run:
        state.say(t("plan.dry_run"))
        return
    state.say(t("uninstall.done", name=result.name, app=result.app, target=result.target))
    if result.kept_volumes:
        state.say(t("uninstall.kept", volumes=", ".join(result.kept_volumes)))
