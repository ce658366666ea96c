"""A file ksad cannot write (read-only KSAD_HOME, an output in a read-only or pseudo file system)
is one message naming the file and the OS's reason, exit 3: never an internal error."""

from __future__ import annotations

import pytest

from helpers import INIT


def test_target_add_in_a_read_only_home_names_the_file(run_ksad, read_only_dir):
    home = read_only_dir("home-ro")
    proc = run_ksad("target", "add", "kantor", "tcp://127.0.0.1:2376", env={"KSAD_HOME": str(home)}, check=3)
    assert f"{home}/targets.yaml" in proc.stderr and "cannot write" in proc.stderr
    assert "KSAD_HOME" in proc.stderr and "internal error" not in proc.stderr


@pytest.mark.parametrize("where", ["home-under-a-read-only-dir", "read-only-home"])
def test_init_where_the_home_cannot_be_written(run_ksad, read_only_dir, where):
    parent = read_only_dir("ro")
    home = parent / "sub" if where == "home-under-a-read-only-dir" else parent
    proc = run_ksad(*INIT, env={"KSAD_HOME": str(home)}, check=3)
    assert str(home) in proc.stderr and "cannot write" in proc.stderr and "internal error" not in proc.stderr
    assert "set KSAD_HOME to a directory you can write" in proc.stderr


def test_init_says_so_in_indonesian(run_ksad, read_only_dir):
    home = read_only_dir("ro")
    proc = run_ksad(*INIT, env={"KSAD_HOME": str(home), "KSAD_LANG": "id"}, check=3)
    assert "tidak dapat ditulis" in proc.stderr and "KSAD_HOME" in proc.stderr


@pytest.mark.parametrize("where", ["proc", "read-only"])
def test_backup_output_that_cannot_be_written_is_refused_before_anything_else(run_ksad, read_only_dir, where):
    """Checked first: no engine is asked and no app paused for an archive that could not be written."""
    directory = read_only_dir("out-ro") if where == "read-only" else "/proc"
    output = f"{directory}/never.tar"
    for extra in ([], ["--dry-run"]):
        proc = run_ksad("backup", "no-such-app", "--output", output, *extra, check=3)
        assert f"Cannot write the backup {output}" in proc.stderr and "internal error" not in proc.stderr
        assert "--output" in proc.stderr


def test_internal_error_hint_says_when_the_log_could_not_be_written(read_only_dir, monkeypatch):
    from ksad.cli.app import _write_debug_log

    home = read_only_dir("home-ro")
    monkeypatch.setenv("KSAD_HOME", str(home))
    monkeypatch.setenv("KSAD_LANG", "en")
    hint = _write_debug_log(RuntimeError("boom"))
    assert hint.startswith(f"The details could not be written to {home}/logs/ksad-debug.log (")
    assert "(log unavailable)" not in hint
    monkeypatch.setenv("KSAD_LANG", "id")
    assert "tidak dapat ditulis" in _write_debug_log(RuntimeError("boom"))


def test_the_operation_lock_in_a_read_only_home_is_a_write_error(read_only_dir, monkeypatch):
    """install, upgrade, backup... take this lock first: what they report when the home is read-only."""
    from ksad.errors import EXIT_INPUT, KsadError
    from ksad.lock import locked

    home = read_only_dir("home-ro")
    monkeypatch.setenv("KSAD_HOME", str(home))
    monkeypatch.setenv("KSAD_LANG", "en")
    with pytest.raises(KsadError) as caught:
        with locked(home / "state", "local", "sabalong"):
            pass
    assert caught.value.exit_code == EXIT_INPUT
    assert caught.value.message.startswith(f"{home}/state/locks/local--sabalong.lock: cannot write (")
