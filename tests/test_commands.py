"""The design card's promise for the whole command tree: every command has --json, every
mutating one --dry-run. A new command that forgets either fails here."""

from __future__ import annotations

import click
import pytest

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


@pytest.mark.parametrize("args", [("catalog", "list", "--json"), ("--help",), ("catalog", "--help"),
                                  ("status", "--help")])
def test_a_reader_that_stops_reading_is_no_error(ksad_env, args):
    """`ksad catalog list --json | head -c 1`: the reader has what it wanted; exit 0, nothing on stderr.

    The top-level --help is written while click parses, before any command runs.
    """
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "ksad", *args], env=ksad_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # long before ksad writes: its first write meets a closed pipe
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0 and err == b""


def test_a_loop_over_many_apps_interrupted_still_says_which_were_done_in_json(capsys):
    """`upgrade --all --json`, `backup --all --json`, `catalog update --json`, Ctrl-C during the second."""
    import json

    import pytest

    from ksad.cli.app import State, for_each
    from ksad.settings import Settings

    class Done:
        def __init__(self, name):
            self.name = name

        def to_json(self):
            return {"name": self.name, "applied": True}

    def run(name):
        if name == "dua":
            raise KeyboardInterrupt
        return Done(name)

    with pytest.raises(KeyboardInterrupt):
        for_each(State(Settings.from_env()), ["satu", "dua", "tiga"], run, lambda _r: None, True, {"dua": "Dua"})
    rows = json.loads(capsys.readouterr().out)["data"]
    assert rows[0] == {"name": "satu", "applied": True}
    assert [r["name"] for r in rows] == ["satu", "Dua"] and rows[1]["error"]["exit_code"] == 130
