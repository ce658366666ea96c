"""The root click group, shared options, output and the one top-level error handler."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import Any, Callable, Iterable, Iterator

import click

from ksad import __version__
from ksad.cli import usage
from ksad.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, KsadError
from ksad.messages import t
from ksad.settings import Settings

JSON_SCHEMA_VERSION = 1  # bump when a --json field changes meaning


# rich's width for output that is not a terminal; a table still takes only what it needs.
UNBOUNDED_WIDTH = 10_000


class State:
    """What every command gets: settings, and how to talk to the user."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._console = None

    @property
    def console(self):
        # rich is imported on first use: a --json run never needs it.
        if self._console is None:
            from rich.console import Console

            # Into a file or a pipe there is no screen to fit: rich would squeeze tables to 80
            # columns and cut URLs and names short ("http://127.…"). COLUMNS still wins.
            wide = not sys.stderr.isatty() and not os.environ.get("COLUMNS")
            # markup=False: what ksad shows comes from users and catalogs ("Diskominfo [TI]"), and
            # rich would take "[...]" in it for a style and drop it; styles are given as Text.
            self._console = Console(stderr=True, highlight=False, markup=False,
                                    width=UNBOUNDED_WIDTH if wide else None)
        return self._console

    @property
    def styled_console(self):
        """rich's console on a terminal; None when stderr is a pipe or file, where styles show nothing."""
        return None if self._console is None and not sys.stderr.isatty() else self.console

    def say(self, text: str, style: str | None = None) -> None:
        if self._console is None and not sys.stderr.isatty():
            click.echo(text, err=True)  # plain lines need no rich (about 0.1 s to import)
            return
        self.console.print(text, style=style, markup=False)


pass_state = click.make_pass_decorator(State)


def emit_json(data: Any) -> None:
    """Machine output on stdout: a versioned envelope around *data*."""
    json.dump({"ksad": JSON_SCHEMA_VERSION, "data": data}, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def for_each(state: State, names: list[str], run: Callable[[str], Any], render: Callable[[Any], None],
             as_json: bool, shown: dict[str, str] | None = None) -> None:
    """``run(name)`` for every name, rendered as it finishes: one refused does not stop the others.

    JSON: a list, a refused one as ``{name, error}`` (*shown* maps a name to the one users know).
    The exit code is the first refusal's. Ctrl-C ends the loop (exit 130); with JSON the list is
    still printed, up to the one interrupted, so that a script knows which were done.
    """
    rows, failed = [], []
    for name in names:
        try:
            result = run(name)
        except KeyboardInterrupt:
            if as_json:
                rows.append({"name": (shown or {}).get(name, name), "error": {
                    "error": "Interrupted", "code": "interrupted", "exit_code": EXIT_INTERRUPTED,
                    "message": t("interrupted"), "hint": None}})
                emit_json(rows)
            raise
        except KsadError as exc:
            failed.append(exc)
            rows.append({"name": (shown or {}).get(name, name), "error": exc.to_json()})
            if not as_json:
                state.say(f"{t('error.prefix')}: {exc.message}", style="red")
                if exc.hint:
                    state.say(f"{t('hint.prefix')}: {exc.hint}")
            continue
        rows.append(result.to_json())
        if not as_json:
            render(result)
    if as_json:
        emit_json(rows)
    if failed:
        raise click.exceptions.Exit(failed[0].exit_code)


def apps_of_catalog(state: State, as_json: bool) -> tuple[list[str], dict[str, str]]:
    """For ``--all``: the slugs of the apps on the target that the catalog in use publishes, and
    slug -> local name. The others are someone else's on a shared target (or their catalog is
    not the one in use): each is named as skipped."""
    from ksad.catalog import open_catalog
    from ksad.deploy import status

    known = {a.id for a in open_catalog(state.settings.catalog, cache_dir=state.settings.cache_dir).apps()}
    rows = status(state.settings, state.settings.target)
    for r in rows:
        if r.app not in known and not as_json:
            state.say(t("all.skipped", name=r.name, app=r.app))
    if not rows and not as_json:
        state.say(t("status.empty"))
    return [r.slug for r in rows if r.app in known], {r.slug: r.name for r in rows}


def _set_target(ctx: click.Context, _param, value: str | None) -> None:
    if value:
        import dataclasses

        state = ctx.find_object(State)
        state.settings = dataclasses.replace(state.settings, target=value)


# Accepted both before and after the command name: `ksad --target x status`, `ksad status --target x`.
target_option = click.option("--target", expose_value=False, callback=_set_target, is_eager=False,
                             help="Target name from the inventory or a Docker URL (default: local engine).")
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output on stdout.")


def _allow_kinds(_ctx: click.Context, _param, values: tuple[str, ...]) -> frozenset[str]:
    from ksad.policy import parse_allow

    return parse_allow(values)  # a misspelt kind would otherwise allow nothing, silently


def allow_option(help_text: str):
    return click.option("--allow", "allow", multiple=True, metavar="KIND", callback=_allow_kinds, help=help_text)


def settings_allowing(state: State, allow: frozenset[str]) -> Settings:
    """The settings for one command, with what its --allow grants on top of the operator's own."""
    import dataclasses

    return dataclasses.replace(state.settings, allow=state.settings.allow | allow)


dry_run_option = click.option("--dry-run", is_flag=True, help="Show the plan and change nothing.")


@click.group(cls=usage.Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="ksad")
@click.option("--catalog", "catalog", type=usage.Path(file_okay=False), envvar="KSAD_CATALOG",
              help="Catalog directory (default: the one `ksad catalog use` chose, else the bundled catalog; env KSAD_CATALOG).")
@click.option("--target", "target", envvar="KSAD_TARGET",
              help="Target name from the inventory or a Docker URL (default: local engine).")
@click.pass_context
def cli(ctx: click.Context, catalog: str | None, target: str | None) -> None:
    """ksad: install localised smart-city apps shared between Indonesian regions (KSAD)."""
    ctx.obj = State(Settings.from_env(catalog=catalog, target=target, strict=True))


def _write_debug_log(exc: BaseException) -> str:
    """Append the traceback to the debug log; the hint that tells the user where it went, or why it did not."""
    import traceback
    from datetime import datetime, timezone

    settings = Settings.from_env()
    log = settings.log_file
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now(timezone.utc).isoformat()} ksad {__version__} argv={sys.argv!r}\n")
            fh.write("".join(traceback.format_exception(exc)))
    except OSError as err:  # a read-only or full KSAD_HOME: pointing at no file would send the user nowhere
        return t("internal.hint.no_log", log=str(log), problem=err.strerror or str(err))
    return t("internal.hint", log=str(log))


def wants_json(args: Iterable[str]) -> bool:
    """Whether the command line *args* asks for --json output (for an error too); a '--json'
    after '--' is an argument, not the option."""
    args = list(args)
    return bool(os.environ.get("KSAD_ERROR_JSON")) or "--json" in args[:args.index("--") if "--" in args else None]


def emit_error_json(error: dict) -> None:
    """An error on stdout, for a machine reader: the envelope of emit_json with ``error`` for ``data``."""
    json.dump({"ksad": JSON_SCHEMA_VERSION, "error": error}, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


def print_error(exc: KsadError) -> None:
    if wants_json(sys.argv[1:]):
        emit_error_json(exc.to_json())
    click.echo(f"{t('error.prefix')}: {exc.message}", err=True)
    if exc.hint:
        click.echo(f"{t('hint.prefix')}: {exc.hint}", err=True)


# A group run without a command shows its help (English, like every --help) as this error (click >= 8.2).
_SHOWS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


@contextlib.contextmanager
def handle_errors() -> Iterator[None]:
    """The one place that turns exceptions into a message and an exit code."""
    try:
        yield
    except KsadError as exc:
        print_error(exc)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo(t("interrupted"), err=True)
        sys.exit(EXIT_INTERRUPTED)
    except KeyboardInterrupt:
        click.echo(t("interrupted"), err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        if isinstance(exc, click.UsageError) and not isinstance(exc, _SHOWS_HELP):
            given = usage.raw_args(exc)
            if wants_json(sys.argv[1:] if given is None else given):
                emit_error_json(usage.usage_error_json(exc))
            usage.show_usage_error(exc)  # click's own show() is English only
        else:
            exc.show()
        sys.exit(EXIT_USAGE if isinstance(exc, click.UsageError) else exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # noqa: BLE001 - the single catch-all, by design
        hint = _write_debug_log(exc)
        click.echo(f"{t('error.prefix')}: {t('internal', detail=type(exc).__name__ + ': ' + str(exc))}", err=True)
        click.echo(f"{t('hint.prefix')}: {hint}", err=True)
        sys.exit(EXIT_INTERNAL)
