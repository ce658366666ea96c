"""The design card's promise for the whole command tree: every command has --json, every
mutating one --dry-run. A new command that forgets either fails here."""

from __future__ import annotations

import click

from ksad.cli import cli

# Commands that change nothing, so they have no plan to show (the rest must take --dry-run).
READ_ONLY = {
    "catalog export-publiccode", "catalog list", "catalog remotes", "catalog search", "catalog show",
    "catalog validate", "history", "identity show", "key show", "logs", "mou draft", "mou list", "mou verify",
    "region search", "region show", "status", "target list",
}


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name in group.list_commands(click.Context(group)):
        command = group.get_command(click.Context(group), name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield " ".join((*path, name)), {opt for p in command.params for opt in p.opts}


def test_every_command_has_json_and_every_mutating_one_a_dry_run():
    commands = dict(_commands(cli))
    assert READ_ONLY <= commands.keys()  # a renamed command must not leave the list stale
    assert [name for name, opts in commands.items() if "--json" not in opts] == []
    assert [name for name, opts in commands.items() if name not in READ_ONLY and "--dry-run" not in opts] == []


def test_a_reader_that_stops_reading_is_no_error(ksad_env):
    """`ksad catalog list --json | head -c 1`: the reader has what it wanted; exit 0, nothing on stderr."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "ksad", "catalog", "list", "--json"], env=ksad_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # long before ksad writes: its first write meets a closed pipe
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0 and err == b""
