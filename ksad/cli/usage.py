"""click's usage errors in the reader's language.

click words its errors in English (through gettext, with no catalog for Bahasa
Indonesia). ksad renders them itself from what each exception carries (its type,
the option or parameter it names, the close matches it found) with texts from
:mod:`ksad.messages`. The parameter types below do the same for the values click
converts (numbers, dates, paths): each says why a value is refused in ksad's words.

Under --json a usage error is also ksad's JSON error envelope. Click may stop before
it reads --json, so each command keeps the words it was given to look for it there.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys

import click

from ksad.errors import EXIT_USAGE
from ksad.messages import t

# click raises these without a type of their own: the words are all that tells them apart
_EXTRA_ARGS = re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)", re.DOTALL)
_NO_SUCH_COMMAND = re.compile(r"No such command (?P<name>'.*'|\".*\")\.", re.DOTALL)  # click < 8.4 has no type
_REQUIRES = re.compile(r"Option .* requires (?P<count>\d+) arguments\.", re.DOTALL)


def _quoted(names) -> str:
    return ", ".join(f"'{name}'" for name in sorted(names))


def _did_you_mean(possibilities) -> str:
    if not possibilities:
        return ""
    if len(possibilities) == 1:
        return " " + t("usage.did_you_mean", possibility=_quoted(possibilities))
    return " " + t("usage.did_you_mean_one_of", possibilities=_quoted(possibilities))


def _param_hint(exc: click.BadParameter) -> str | None:
    hint = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx)
    if hint is not None and not isinstance(hint, str):
        hint = " / ".join(repr(x) for x in hint)
    return hint


def usage_problem(exc: click.UsageError) -> tuple[str, str]:
    """The message key that says what is wrong (``usage`` for a case this does not know) and the
    sentence after "Error:", in the reader's language; click's own for a case this does not know."""
    no_such_command = getattr(click.exceptions, "NoSuchCommand", ())
    if isinstance(exc, click.NoSuchOption):
        return "usage.no_such_option", (t("usage.no_such_option", name=exc.option_name)
                                        + _did_you_mean(exc.possibilities))
    if isinstance(exc, no_such_command):
        return "usage.no_such_command", (t("usage.no_such_command", name=exc.command_name)
                                         + _did_you_mean(exc.possibilities))
    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
        key = f"usage.missing.{kind if kind in ('argument', 'option') else 'parameter'}"
        text = t(key, name=_param_hint(exc) or "")
        return key, f"{text} {exc.message}" if exc.message else text
    if isinstance(exc, click.BadParameter):
        hint = _param_hint(exc)
        if hint is None:
            return "usage.invalid_value", t("usage.invalid_value", message=exc.message)
        return "usage.invalid_value", t("usage.invalid_value_for", name=hint, message=exc.message)
    if isinstance(exc, click.BadOptionUsage):
        # the option a value was given to with --flag=value, or that the command line ended before
        if exc.message.endswith(" does not take a value."):
            return "usage.takes_no_value", t("usage.takes_no_value", name=exc.option_name)
        more = _REQUIRES.fullmatch(exc.message)
        if more:
            return "usage.requires_argument", t("usage.requires_arguments", name=exc.option_name, count=more["count"])
        if exc.message.endswith(" requires an argument."):
            return "usage.requires_argument", t("usage.requires_argument", name=exc.option_name)
        return "usage", exc.format_message()
    extra = _EXTRA_ARGS.fullmatch(exc.message)
    if extra:
        args = extra["args"]
        return "usage.extra_arguments", t("usage.extra_argument" if " " not in args else "usage.extra_arguments",
                                          args=args)
    if exc.message == "Missing command.":
        return "usage.missing_command", t("usage.missing_command")
    old = _NO_SUCH_COMMAND.match(exc.message)
    if old:
        return "usage.no_such_command", t("usage.no_such_command", name=old["name"][1:-1])
    return "usage", exc.format_message()


def usage_message(exc: click.UsageError) -> str:
    """The sentence after "Error:" for *exc*, in the reader's language."""
    return usage_problem(exc)[1]


def _try_help(ctx: click.Context) -> str | None:
    if ctx.command.get_help_option(ctx) is None:
        return None
    names = ctx.command.get_help_option_names(ctx)
    return t("usage.try_help", command=ctx.command_path, option=max(names, key=len))


def show_usage_error(exc: click.UsageError) -> None:
    """What click's ``UsageError.show`` prints (usage line, where help is, the error), in the
    reader's language."""
    ctx = exc.ctx
    if ctx is not None:
        formatter = ctx.make_formatter()
        formatter.write_usage(ctx.command_path, " ".join(ctx.command.collect_usage_pieces(ctx)),
                              prefix=f"{t('usage.prefix')} ")
        click.echo(formatter.getvalue().rstrip("\n"), err=True, color=ctx.color)
        try_help = _try_help(ctx)
        if try_help is not None:
            click.echo(try_help, err=True, color=ctx.color)
        click.echo(err=True)
    click.echo(f"{t('error.prefix')}: {usage_message(exc)}", err=True, color=ctx.color if ctx else None)


def usage_error_json(exc: click.UsageError) -> dict:
    """*exc* as the ``error`` of ksad's JSON envelope, with the fields of ``KsadError.to_json``."""
    code, message = usage_problem(exc)
    return {"error": "UsageError", "code": code, "exit_code": EXIT_USAGE, "message": message,
            "hint": _try_help(exc.ctx) if exc.ctx is not None else None}


# --- the arguments each command was given ----------------------------------------------------
# A usage error can stop click before it reaches --json (`ksad install --alow x --json`), and
# the values it parsed are lost with the error; the words the command was given are not.


class Context(click.Context):
    raw_args: tuple[str, ...] = ()  # what the command was given, before parsing


class _KeepsRawArgs:
    context_class = Context

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.raw_args = tuple(args)
        with _reader_gone_is_success():  # `ksad --help | head -1`: help is written while parsing
            return super().parse_args(ctx, args)


@contextlib.contextmanager
def _reader_gone_is_success():
    """The reader stopped reading (`ksad logs -f | head -1`): it has what it wanted, so exit 0.

    Caught here, before click's main, which would exit 1. stdout goes to /dev/null so that
    flushing what is left at exit does not fail again.
    """
    try:
        yield
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise click.exceptions.Exit(0) from None


class Command(_KeepsRawArgs, click.Command):
    """A ksad command: its context keeps the words it was given (:attr:`Context.raw_args`)."""


class Group(_KeepsRawArgs, click.Group):
    """A ksad command group; the commands and groups made under it are ksad's too."""

    command_class = Command
    group_class = type  # a subgroup is a Group as well

    def invoke(self, ctx: click.Context):
        with _reader_gone_is_success():
            return super().invoke(ctx)


def raw_args(exc: click.UsageError) -> tuple[str, ...] | None:
    """The words given to the command *exc* is about; None when click did not say which."""
    return getattr(exc.ctx, "raw_args", None) if exc.ctx is not None else None


# --- parameter types that say why a value is refused in ksad's words -----------------------

class _Number:
    """click's number types, refusing in ksad's words."""

    def convert(self, value, param, ctx):
        try:
            number = self._number_class(value)
        except (TypeError, ValueError):
            key = "usage.not_integer" if isinstance(self, click.types.IntParamType) else "usage.not_number"
            self.fail(t(key, value=value), param, ctx)
        try:
            return super().convert(number, param, ctx)
        except click.BadParameter:  # what is left to check is the range
            self.fail(t("usage.out_of_range", value=number, range=self._describe_range()), param, ctx)


class Int(_Number, click.types.IntParamType):
    """A whole number."""


class Float(_Number, click.types.FloatParamType):
    """A number."""


INT, FLOAT = Int(), Float()


class IntRange(_Number, click.IntRange):
    """A whole number (in a range, if given)."""


class FloatRange(_Number, click.FloatRange):
    """A number (in a range, if given)."""


_STRFTIME_WORDS = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%H": "hh", "%M": "mm", "%S": "ss"}


class DateTime(click.DateTime):
    """A date or time in one of *formats*, named as a reader writes it (YYYY-MM-DD)."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            shown = [re.sub("|".join(_STRFTIME_WORDS), lambda m: _STRFTIME_WORDS[m[0]], f) for f in self.formats]
            self.fail(t("usage.not_date", value=value, formats=_quoted(shown)), param, ctx)


class Path(click.Path):
    """click's Path, refusing in ksad's words what it refuses most (missing; a file or a directory
    where the other is wanted); anything else (unreadable...) in click's."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            self.fail(self._why(os.fsdecode(value)) or exc.message, param, ctx)

    def _why(self, path: str) -> str | None:
        kind = t("usage.path.file" if not self.dir_okay else "usage.path.directory" if not self.file_okay
                 else "usage.path.path")
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return t("usage.path_missing", kind=kind, path=path) if self.exists else None
        if not self.file_okay and stat.S_ISREG(mode):
            return t("usage.path_is_file", kind=kind, path=path)
        if not self.dir_okay and stat.S_ISDIR(mode):
            return t("usage.path_is_directory", kind=kind, path=path)
        return None
