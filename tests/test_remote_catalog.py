"""Remote catalogs: `ksad catalog add/update/remotes/use/remove`, against real git repositories.

Each test builds a signed catalog with CatalogBuilder in a git work tree, pushes it to a bare
repository in tmp_path (the "pioneer's" server), and runs ksad as a user would.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

import infra
from catalog_factory import CatalogBuilder, two_service
from helpers import INIT, get, json_data
from trust_factory import NOW, flip_byte

NAME = "bandung"


def _git(*args: str, cwd: Path) -> str:
    out = subprocess.run(["git", "-c", "user.name=Pengelola", "-c", "user.email=katalog@bandung.example", *args],
                         cwd=cwd, check=True, capture_output=True, text=True)
    return out.stdout.strip()


class Upstream:
    """A pioneer's catalog repository: a work tree (builder.root) and the bare repository it pushes to."""

    def __init__(self, base: Path) -> None:
        self.builder = CatalogBuilder(base / "upstream")
        self.builder.add_release("uji-web", "1.0.0", two_service())
        self.root = self.builder.root
        (self.root / ".gitignore").write_text("/keys/\n")  # the signers' private keys stay out of it
        _git("init", "-q", "-b", "main", cwd=self.root)
        self.bare = base / "upstream.git"
        self.first = self.commit("catalog: uji-web 1.0.0")
        _git("init", "-q", "--bare", "-b", "main", str(self.bare), cwd=base)
        _git("remote", "add", "origin", str(self.bare), cwd=self.root)
        self.push()

    def commit(self, message: str) -> str:
        _git("add", "-A", cwd=self.root)
        _git("commit", "-q", "-m", message, cwd=self.root)
        return _git("rev-parse", "HEAD", cwd=self.root)

    def push(self, commit: str = "HEAD", *, force: bool = False) -> None:
        _git("push", "-q", *(["--force"] if force else []), "origin", f"{commit}:refs/heads/main", cwd=self.root)

    def release(self, version: str) -> str:
        """Publish *version* of uji-web (signed, new snapshot), commit and push; the new commit."""
        self.builder.add_release("uji-web", version, two_service())
        sha = self.commit(f"catalog: uji-web {version}")
        self.push()
        return sha


@pytest.fixture
def upstream(tmp_path: Path) -> Upstream:
    return Upstream(tmp_path)


@pytest.fixture
def home(ksad_env) -> Path:
    return Path(ksad_env["KSAD_HOME"])


def remotes(run_ksad) -> list[dict]:
    return json_data(run_ksad("catalog", "remotes", "--json", check=True))


def app_ids(run_ksad, *args: str) -> set[str]:
    return {a["id"] for a in json_data(run_ksad(*args, "catalog", "list", "--json", check=True))}


def versions(run_ksad, app: str = "uji-web") -> list[str]:
    return [r["version"] for r in json_data(run_ksad("catalog", "show", app, "--json", check=True))["releases"]]


def tree_digest(path: Path) -> dict[str, str]:
    """Every file under *path* (its .git too) by content: what "left exactly as it was" means."""
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file() and not p.is_symlink()}


def leftovers(home: Path) -> list[str]:
    catalogs = home / "catalogs"
    return sorted(p.name for p in catalogs.iterdir() if p.name.startswith(f".{NAME}.")) if catalogs.exists() else []


def error_lines(proc) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line.startswith("Error:")]


# --- add, list, use ----------------------------------------------------------------------------


def test_add_clones_checks_and_lists_the_apps_of_the_remote_catalog(upstream, run_ksad, home):
    proc = run_ksad("catalog", "add", NAME, upstream.bare, check=True)
    assert f"Added catalog '{NAME}'" in proc.stderr and upstream.first[:12] in proc.stderr
    [row] = remotes(run_ksad)
    assert (row["name"], row["url"], row["ref"], row["path"], row["commit"]) == (
        NAME, str(upstream.bare), "main", "catalog", upstream.first)
    assert row["snapshot_version"] == json.loads((upstream.builder.catalog / "snapshot.json").read_text())["version"]
    assert row["default"] is False and row["in_use"] is False  # added, not chosen: the bundled one stays
    assert "uji-web" not in app_ids(run_ksad)
    assert app_ids(run_ksad, "--catalog", row["catalog"]) == {"uji-web"}

    run_ksad("catalog", "use", NAME, check=True)
    assert app_ids(run_ksad) == {"uji-web"}
    assert remotes(run_ksad)[0]["in_use"] is True
    # --catalog and KSAD_CATALOG still come first
    bundled = str(Path(__file__).resolve().parent.parent / "catalog")
    assert "e-budgeting" in app_ids(run_ksad, "--catalog", bundled)
    assert "e-budgeting" in {a["id"] for a in json_data(run_ksad("catalog", "list", "--json", env={"KSAD_CATALOG": bundled},
                                                                  check=True))}
    run_ksad("catalog", "use", "bundled", check=True)
    assert "e-budgeting" in app_ids(run_ksad)
    assert leftovers(home) == []


def test_add_with_use_and_a_ref_follows_that_tag(upstream, run_ksad):
    _git("tag", "v1", upstream.first, cwd=upstream.root)
    _git("push", "-q", "origin", "v1", cwd=upstream.root)
    upstream.release("1.1.0")  # main moves on; the tag stays
    run_ksad("catalog", "add", NAME, f"file://{upstream.bare}", "--ref", "v1", "--use", check=True)
    [row] = remotes(run_ksad)
    assert (row["ref"], row["commit"], row["default"]) == ("v1", upstream.first, True)
    assert versions(run_ksad) == ["1.0.0"]


def test_add_of_a_catalog_whose_snapshot_signature_is_tampered_is_refused_and_leaves_nothing(upstream, run_ksad, home):
    snapshot = upstream.builder.catalog / "snapshot.json"
    doc = json.loads(snapshot.read_text())
    sig = bytearray(base64.b64decode(doc["signatures"][0]["sig"]))
    sig[0] ^= 1
    doc["signatures"][0]["sig"] = base64.b64encode(bytes(sig)).decode()
    snapshot.write_text(json.dumps(doc, indent=2))
    upstream.push(upstream.commit("snapshot: one bit of the signature flipped"))

    proc = run_ksad("catalog", "add", NAME, upstream.bare, "--use", check=6)
    assert len(error_lines(proc)) == 1 and "failed the trust check" in proc.stderr
    assert remotes(run_ksad) == []
    assert not (home / "catalogs" / NAME).exists() and leftovers(home) == []
    assert "e-budgeting" in app_ids(run_ksad)  # --use did not take effect either


# --- update --------------------------------------------------------------------------------------


def test_update_brings_a_new_release_and_says_which(upstream, run_ksad, home):
    run_ksad("catalog", "add", NAME, upstream.bare, "--use", check=True)
    same = run_ksad("catalog", "update", NAME, check=True)
    assert "is up to date" in same.stderr

    new = upstream.release("1.1.0")
    proc = run_ksad("catalog", "update", NAME, check=True)
    assert f"{upstream.first[:12]} -> {new[:12]}" in proc.stderr
    assert "New releases: uji-web 1.1.0" in proc.stderr
    assert versions(run_ksad) == ["1.1.0", "1.0.0"]
    assert remotes(run_ksad)[0]["commit"] == new
    assert leftovers(home) == []

    newer = upstream.release("1.2.0")
    data = json_data(run_ksad("catalog", "update", "--json", check=True))  # no NAME: every remote catalog
    assert data == [{**data[0], "name": NAME, "old_commit": new, "new_commit": newer, "changed": True,
                     "new_releases": {"uji-web": ["1.2.0"]}, "new_apps": [], "removed_apps": []}]
    assert data[0]["new_snapshot_version"] == data[0]["old_snapshot_version"] + 1


def test_update_dry_run_shows_the_change_and_moves_nothing(upstream, run_ksad, home):
    run_ksad("catalog", "add", NAME, upstream.bare, "--use", check=True)
    live = home / "catalogs" / NAME
    before = tree_digest(live)
    new = upstream.release("1.1.0")
    proc = run_ksad("catalog", "update", NAME, "--dry-run", check=True)
    assert f"Would update catalog '{NAME}': {upstream.first[:12]} -> {new[:12]}" in proc.stderr
    assert "New releases: uji-web 1.1.0" in proc.stderr and "nothing was changed" in proc.stderr
    assert tree_digest(live) == before
    assert versions(run_ksad) == ["1.0.0"] and remotes(run_ksad)[0]["commit"] == upstream.first
    run_ksad("catalog", "update", NAME, check=True)  # the dry run recorded nothing that stops the real one
    assert versions(run_ksad) == ["1.1.0", "1.0.0"]


def test_update_to_a_commit_with_a_tampered_file_is_refused_and_the_catalog_stays_usable(upstream, run_ksad, home):
    run_ksad("catalog", "add", NAME, upstream.bare, "--use", check=True)
    live = home / "catalogs" / NAME
    before = tree_digest(live)
    flip_byte(upstream.builder.catalog / "apps" / "uji-web.yaml", "Aplikasi uji", "Aplikasi palsu")
    bad = upstream.commit("uji-web: description changed without signing")
    upstream.push(bad)

    proc = run_ksad("catalog", "update", NAME, check=6)
    assert len(error_lines(proc)) == 1
    assert f"'{NAME}' at commit {bad[:12]} failed the trust check" in proc.stderr
    assert "apps/uji-web.yaml" in proc.stderr and "differs from the signed snapshot" in proc.stderr
    assert tree_digest(live) == before and leftovers(home) == []
    assert remotes(run_ksad)[0]["commit"] == upstream.first
    assert versions(run_ksad) == ["1.0.0"]
    run_ksad("catalog", "validate", live / "catalog", check=True)  # the snapshot check install runs still passes


def test_update_to_an_older_snapshot_is_refused_as_a_rollback(upstream, run_ksad, home):
    run_ksad("catalog", "add", NAME, upstream.bare, "--use", check=True)
    new = upstream.release("1.1.0")
    run_ksad("catalog", "update", NAME, check=True)
    upstream.push(upstream.first, force=True)  # the server now serves the old, validly signed catalog

    proc = run_ksad("catalog", "update", NAME, check=6)
    assert len(error_lines(proc)) == 1 and "older than" in proc.stderr.lower()
    assert remotes(run_ksad)[0]["commit"] == new and versions(run_ksad) == ["1.1.0", "1.0.0"]

    # Without the trust state (deleted, a new disk), the live copy's own snapshot is still the floor.
    for file in (home / "trust").glob("*.json"):
        file.unlink()
    run_ksad("catalog", "update", NAME, check=6)
    assert remotes(run_ksad)[0]["commit"] == new


def test_update_to_another_snapshot_of_the_same_version_is_refused_as_a_fork(upstream, run_ksad, home):
    """Only the trust state of the live catalog knows which content version N+1 had: the copy being
    checked must be judged against it, not against a state of its own (there is none)."""
    run_ksad("catalog", "add", NAME, upstream.bare, "--use", check=True)
    trusted = upstream.release("1.1.0")
    run_ksad("catalog", "update", NAME, check=True)
    _git("reset", "-q", "--hard", upstream.first, cwd=upstream.root)
    upstream.builder.add_release("uji-web", "1.2.0", two_service())  # signed again: version N+1, other content
    fork = upstream.commit("catalog: another N+1")
    upstream.push(fork, force=True)

    proc = run_ksad("catalog", "update", NAME, check=6)
    assert f"commit {fork[:12]} failed the trust check" in proc.stderr and "its content differs" in proc.stderr
    assert remotes(run_ksad)[0]["commit"] == trusted and versions(run_ksad) == ["1.1.0", "1.0.0"]


def test_update_to_an_expired_snapshot_is_refused(upstream, run_ksad, home):
    run_ksad("catalog", "add", NAME, upstream.bare, "--use", check=True)
    upstream.builder.world.snapshot(expires=NOW - timedelta(days=1))
    upstream.push(upstream.commit("snapshot: signed, but expired"))
    proc = run_ksad("catalog", "update", NAME, check=6)
    assert "expired" in proc.stderr
    assert remotes(run_ksad)[0]["commit"] == upstream.first


def test_an_update_killed_between_its_two_renames_is_put_back_by_the_next_command(upstream, run_ksad, home):
    """Where renameat2 cannot exchange, the switch is two renames; a crash between them leaves no
    live copy and `.NAME.old-*`: the next command on the catalog puts the old one back first."""
    run_ksad("catalog", "add", NAME, upstream.bare, "--use", check=True)
    live = home / "catalogs" / NAME
    live.rename(live.with_name(f".{NAME}.old-0a0b0c"))
    (home / "catalogs" / f".{NAME}.new-0d0e0f").mkdir()  # the half-made clone being checked
    new = upstream.release("1.1.0")
    proc = run_ksad("catalog", "update", NAME, check=True)
    assert f"{upstream.first[:12]} -> {new[:12]}" in proc.stderr
    assert leftovers(home) == [] and versions(run_ksad) == ["1.1.0", "1.0.0"]


def test_a_second_update_while_one_holds_the_catalog_is_refused(upstream, run_ksad, home):
    run_ksad("catalog", "add", NAME, upstream.bare, check=True)
    lock = home / "state" / "locks" / f"catalog--{NAME}.lock"
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, b"4242", 0)
        proc = run_ksad("catalog", "update", NAME, check=9)
        assert f"Another ksad (pid 4242) is changing catalog '{NAME}'" in proc.stderr
    finally:
        os.close(fd)
    run_ksad("catalog", "update", NAME, check=True)


# --- what goes wrong on the way ----------------------------------------------------------------


@pytest.mark.parametrize("url, code, said", [
    ("https://deploy:s3cret-token@127.0.0.1:9/katalog.git", 7, "Cannot fetch the catalog from https://***:***@127.0.0.1:9"),
    ("https://ghp_s3cret-token@127.0.0.1:9/katalog.git", 7, "Cannot fetch the catalog from https://***@127.0.0.1:9"),
    ("{tmp}/no-such-repo.git", 7, "does not exist"),
    ("{tmp}/plain-dir", 7, "Cannot fetch the catalog from"),
    ("ext::sh -c touch% /tmp/pwned", 3, "is not a git URL"),
    ("--upload-pack=touch /tmp/pwned", 3, "is not a git URL"),
])
def test_an_unreachable_or_bad_url_is_one_message_and_leaves_nothing(url, code, said, run_ksad, home, tmp_path):
    (tmp_path / "plain-dir").mkdir()
    url = url.format(tmp=tmp_path)
    proc = run_ksad("catalog", "add", NAME, "--", url, check=code)
    assert len(error_lines(proc)) == 1 and said in proc.stderr
    assert "s3cret" not in proc.stderr + proc.stdout
    as_json = run_ksad("catalog", "add", "--json", NAME, "--", url, check=code)
    assert json.loads(as_json.stdout)["error"]["exit_code"] == code and "s3cret" not in as_json.stdout
    assert remotes(run_ksad) == [] and leftovers(home) == [] and not (home / "catalogs" / NAME).exists()
    assert not Path("/tmp/pwned").exists()


def test_a_branch_or_tag_that_does_not_exist_is_not_found(upstream, run_ksad, home):
    proc = run_ksad("catalog", "add", NAME, upstream.bare, "--ref", "rilis-2030", check=4)
    assert f"has no branch or tag 'rilis-2030'" in proc.stderr and len(error_lines(proc)) == 1
    run_ksad("catalog", "add", NAME, upstream.bare, "--ref", "-x", check=3)
    assert remotes(run_ksad) == []


def test_a_repository_without_a_catalog_is_refused(tmp_path, run_ksad, home):
    repo = tmp_path / "not-a-catalog"
    repo.mkdir()
    (repo / "README.md").write_text("# nothing here\n")
    _git("init", "-q", "-b", "main", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "readme", cwd=repo)
    proc = run_ksad("catalog", "add", NAME, repo, check=3)
    assert "holds no ksad catalog" in proc.stderr and leftovers(home) == []


def test_names_are_checked_and_an_existing_name_is_a_conflict(upstream, run_ksad):
    run_ksad("catalog", "add", "Bandung!", upstream.bare, check=3)
    run_ksad("catalog", "add", "bundled", upstream.bare, check=3)
    run_ksad("catalog", "add", NAME, upstream.bare, check=True)
    assert "already exists" in run_ksad("catalog", "add", NAME, upstream.bare, check=9).stderr
    run_ksad("catalog", "update", "tangerang", check=4)
    run_ksad("catalog", "use", "tangerang", check=4)


# --- remove ---------------------------------------------------------------------------------------


def test_remove_deletes_the_clone_forgets_its_trust_and_goes_back_to_the_bundled_catalog(upstream, run_ksad, home):
    run_ksad("catalog", "add", NAME, upstream.bare, "--use", check=True)
    live = home / "catalogs" / NAME
    assert any(str(live) in f.read_text() for f in (home / "trust").glob("*.json"))

    dry = run_ksad("catalog", "remove", NAME, "--dry-run", check=True)
    assert "Would remove" in dry.stderr and live.is_dir() and app_ids(run_ksad) == {"uji-web"}

    proc = run_ksad("catalog", "remove", NAME, check=True)
    assert "was the default catalog" in proc.stderr
    assert not live.exists() and leftovers(home) == [] and remotes(run_ksad) == []
    assert not any(str(live) in f.read_text() for f in (home / "trust").glob("*.json"))
    assert "e-budgeting" in app_ids(run_ksad)
    run_ksad("catalog", "remove", NAME, check=4)
    run_ksad("catalog", "add", NAME, upstream.bare, check=True)  # the name is free again


# --- cost of the command line ---------------------------------------------------------------------


def test_help_and_remotes_import_neither_docker_nor_yaml_nor_git(upstream, run_ksad, ksad_env, tmp_path):
    run_ksad("catalog", "add", NAME, upstream.bare, "--use", check=True)
    code = ("import sys\nfrom ksad.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
            "print(sorted(m for m in ('docker', 'yaml', 'git') if m in sys.modules), file=sys.stderr)\n")
    for args in (["--help"], ["catalog", "--help"], ["catalog", "remotes"]):
        proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=tmp_path,
                              env=ksad_env)
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr.strip().splitlines()[-1] == "[]", (args, proc.stderr)


# --- the URL shown to the user --------------------------------------------------------------------


@pytest.mark.parametrize("text, shown", [
    ("https://user:pa55@host/x.git", "https://***:***@host/x.git"),
    ("https://ghp_token@host/x.git", "https://***@host/x.git"),
    ("fatal: unable to access 'http://a:b@h/': refused", "fatal: unable to access 'http://***:***@h/': refused"),
    ("ssh://git@host/x.git", "ssh://git@host/x.git"),
    ("ssh://git:pa55@host/x.git", "ssh://git:***@host/x.git"),
    ("git@host:x.git", "git@host:x.git"),
    ("/srv/katalog.git", "/srv/katalog.git"),
])
def test_shown_url_masks_secrets_only(text, shown):
    from ksad.remote import shown_url

    assert shown_url(text) == shown


# --- installing from it, on a real engine --------------------------------------------------------


@pytest.mark.docker
def test_install_from_a_remote_catalog(upstream, run_ksad, docker_engine, ksad_cleanup, app_name):
    run_ksad("catalog", "add", NAME, upstream.bare, "--use", check=True)
    run_ksad(*INIT, check=True)
    name = app_name("Sabalong")
    proc = run_ksad("install", "uji-web", "--name", name, check=True, timeout=300)
    url = proc.stdout.strip().splitlines()[-1]
    assert name in get(url, name) and "Kabupaten Sumbawa" in get(url)
    row = next(r for r in json_data(run_ksad("status", "--json", check=True)) if r["name"] == name)
    assert (row["app"], row["version"], row["health"]) == ("uji-web", "1.0.0", "healthy")


# --- over ssh ------------------------------------------------------------------------------------


@pytest.mark.docker  # the loopback sshd comes with the engine fixtures
def test_add_and_update_over_ssh_from_the_pioneers_server(upstream, run_ksad, home, ssh_target):
    """The pioneer's git server as an ssh:// URL (a real sshd); the user's ssh setup via GIT_SSH_COMMAND."""
    url = f"ssh://{infra.SSH_USER}@{infra.SSH_HOST}:{infra.SSH_PORT}{upstream.bare}"
    env = {"GIT_SSH_COMMAND": f"ssh -F {ssh_target.home / '.ssh' / 'config'}"}
    run_ksad("catalog", "add", NAME, url, "--use", env=env, check=True)
    assert versions(run_ksad) == ["1.0.0"] and remotes(run_ksad)[0]["url"] == url
    new = upstream.release("1.1.0")
    data = json_data(run_ksad("catalog", "update", NAME, "--json", env=env, check=True))
    assert data["new_commit"] == new and data["new_releases"] == {"uji-web": ["1.1.0"]}
    assert versions(run_ksad) == ["1.1.0", "1.0.0"] and leftovers(home) == []

    # a host whose key this user's ssh does not know: one message, never a question on the terminal
    strange = ssh_target.home.parent / "strange-ssh"
    strange.mkdir()
    (strange / "config").write_text((ssh_target.home / ".ssh" / "config").read_text().replace(
        str(ssh_target.home / ".ssh" / "known_hosts"), str(strange / "known_hosts")))
    (strange / "known_hosts").write_text("")
    proc = run_ksad("catalog", "add", "lain", url, env={"GIT_SSH_COMMAND": f"ssh -F {strange / 'config'} -o BatchMode=yes"},
                    check=7)
    assert len(error_lines(proc)) == 1 and "Host key verification failed" in proc.stderr
    assert [r["name"] for r in remotes(run_ksad)] == [NAME] and leftovers(home) == []


def _fake_ssh(tmp_path: Path) -> tuple[Path, Path]:
    """An `ssh` on PATH that writes down how git called it, then fails as an unknown host does."""
    bin_dir, said = tmp_path / "bin", tmp_path / "ssh-args"
    bin_dir.mkdir()
    fake = bin_dir / "ssh"
    fake.write_text(f"#!/bin/sh\necho \"$@\" >> {said}\necho 'Host key verification failed.' >&2\nexit 255\n")
    fake.chmod(0o755)
    return bin_dir, said


@pytest.mark.parametrize("setting", ["none", "GIT_SSH_COMMAND", "core.sshCommand", "the current repository's",
                                     "included for the remote", "included for another remote"])
def test_ssh_is_told_never_to_ask_unless_the_user_chose_how_git_runs_it(setting, run_ksad, ksad_env, home, tmp_path):
    """ssh asks for a passphrase or about a new host key on /dev/tty, which GIT_TERMINAL_PROMPT
    does not stop: a cron job would hang. ksad runs it with BatchMode, unless the user set it up.

    Also for an https URL that the user's git rewrites to ssh (``url.<base>.insteadOf``), and
    whatever repository ksad is run from: a clone does not read that repository's settings."""
    bin_dir, said = _fake_ssh(tmp_path)
    env = {"PATH": f"{bin_dir}{os.pathsep}{ksad_env['PATH']}",
           "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig")}
    config = '[url "git@katalog.bandung.example:"]\n\tinsteadOf = https://katalog.bandung.example/\n'
    cwd = tmp_path
    if setting == "GIT_SSH_COMMAND":
        env["GIT_SSH_COMMAND"] = "ssh -o Pilihan=sendiri"
    elif setting == "core.sshCommand":
        config += "[core]\n\tsshCommand = ssh -o Pilihan=sendiri\n"
    elif setting.startswith("included for"):
        # A user's own ssh command for one pioneer's catalog only, as git lets a clone pick it
        # once it has written its remote; ksad reading the global setting alone replaced it.
        (tmp_path / "bandung.gitconfig").write_text("[core]\n\tsshCommand = ssh -o Pilihan=sendiri\n")
        host = "katalog.bandung.example" if setting.endswith("the remote") else "katalog.tangerang.example"
        for pattern in (f"ssh://deploy@{host}/**", f"https://{host}/**", f"*{host}:*"):
            config += f'[includeIf "hasconfig:remote.*.url:{pattern}"]\n\tpath = {tmp_path / "bandung.gitconfig"}\n'
    elif setting == "the current repository's":
        cwd = tmp_path / "proyek"
        cwd.mkdir()
        _git("init", "-q", cwd=cwd)
        _git("config", "core.sshCommand", "ssh -o Pilihan=proyek", cwd=cwd)
    (tmp_path / "gitconfig").write_text(config)
    urls = ("ssh://deploy@katalog.bandung.example/katalog.git", "deploy@katalog.bandung.example:katalog.git",
            "katalog.bandung.example:katalog.git", "https://katalog.bandung.example/katalog.git")
    for url in urls:
        proc = run_ksad("catalog", "add", NAME, url, env=env, check=7, cwd=cwd)
        assert len(error_lines(proc)) == 1 and "Host key verification failed" in proc.stderr
    calls = said.read_text().splitlines()
    assert len(calls) == len(urls) and all("katalog.bandung.example" in c for c in calls)
    if setting in ("none", "the current repository's", "included for another remote"):
        assert all("BatchMode=yes" in c and "Pilihan" not in c for c in calls)
    else:
        assert all("Pilihan=sendiri" in c and "BatchMode" not in c for c in calls)
    assert remotes(run_ksad) == [] and leftovers(home) == []


def test_the_spinner_waits_for_gits_progress_so_a_question_from_ssh_stays_readable(ksad_env, tmp_path):
    """With the user's own ssh command, ssh may ask for a passphrase: a spinner drawn from the
    start wrote over the question ten times a second, and the run looked hung."""
    bin_dir, _said = _fake_ssh(tmp_path)
    asking = bin_dir / "ssh-asking"
    asking.write_text("#!/bin/sh\necho \"Enter passphrase for key '/root/.ssh/id_ed25519': \" > /dev/tty\n"
                      "sleep 1\necho 'Permission denied (publickey).' >&2\nexit 255\n")
    asking.chmod(0o755)
    env = {**ksad_env, "GIT_SSH_COMMAND": str(asking)}
    code, _out, shown = _on_a_terminal([sys.executable, "-m", "ksad", "catalog", "add", NAME,
                                        "deploy@katalog.bandung.example:katalog.git"], env)
    assert code == 7 and "Permission denied (publickey)" in shown.replace("\r\n", " ")
    after = shown[shown.index("Enter passphrase"):]
    assert not any(frame in after for frame in "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"), after


# --- over https ----------------------------------------------------------------------------------


class _HttpsGitServer:
    """The pioneer's catalog over https, as git's "dumb" HTTP protocol serves it (static files after
    `git update-server-info`), behind Basic authentication, with a certificate from a test CA."""

    USER, TOKEN = "pengelola", "tok-rahasia-5b9e"

    def __init__(self, repo: Path, certs: Path) -> None:
        import base64 as b64
        import functools
        import http.server
        import ssl
        import threading

        expected = "Basic " + b64.b64encode(f"{self.USER}:{self.TOKEN}".encode()).decode()

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self):
                if self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="katalog"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                     functools.partial(Handler, directory=str(repo)))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certs / "server.pem")
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, userinfo: str = "") -> str:
        return f"https://{userinfo + '@' if userinfo else ''}127.0.0.1:{self.port}/"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def https_upstream(upstream, tmp_path):
    from helpers import tls_certificates

    tls_certificates(tmp_path / "certs")
    _git("update-server-info", cwd=upstream.bare)
    server = _HttpsGitServer(upstream.bare, tmp_path / "certs")
    yield server, {"GIT_SSL_CAINFO": str(tmp_path / "certs" / "ca.pem")}
    server.close()


def test_add_and_update_over_https_with_a_token_that_is_never_shown(upstream, https_upstream, run_ksad, home):
    server, env = https_upstream
    url = server.url(f"{server.USER}:{server.TOKEN}")
    outputs = [run_ksad("catalog", "add", NAME, url, "--use", env=env, check=True)]
    assert versions(run_ksad) == ["1.0.0"]
    outputs.append(run_ksad("catalog", "remotes", env=env, check=True))
    assert remotes(run_ksad)[0]["url"] == f"https://***:***@127.0.0.1:{server.port}/"

    new = upstream.release("1.1.0")
    _git("update-server-info", cwd=upstream.bare)
    outputs.append(run_ksad("catalog", "update", NAME, env=env, check=True))
    assert remotes(run_ksad)[0]["commit"] == new and versions(run_ksad) == ["1.1.0", "1.0.0"]
    assert leftovers(home) == []
    assert all(server.TOKEN not in p.stdout + p.stderr for p in outputs)


@pytest.mark.parametrize("case, said", [
    ("no credentials", "terminal prompts disabled"),  # git would ask for a user name: ksad never asks
    ("wrong token", "Authentication failed"),
    ("untrusted certificate", "certificate"),  # git with GnuTLS or OpenSSL words it differently
])
def test_https_refusals_are_one_message_and_leave_nothing(case, said, https_upstream, run_ksad, home):
    server, env = https_upstream
    url = {"no credentials": server.url(), "wrong token": server.url(f"{server.USER}:salah-tok-0000"),
           "untrusted certificate": server.url(f"{server.USER}:{server.TOKEN}")}[case]
    if case == "untrusted certificate":
        env = {}  # the test CA is not one git trusts
    proc = run_ksad("catalog", "add", NAME, url, env=env, check=7, timeout=60)
    assert len(error_lines(proc)) == 1 and said in proc.stderr
    assert "salah-tok" not in proc.stderr and server.TOKEN not in proc.stderr
    assert remotes(run_ksad) == [] and leftovers(home) == [] and not (home / "catalogs" / NAME).exists()


def _on_a_terminal(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal, as a person at a console sees it: (exit, stdout, the terminal's text)."""
    import pty
    import re

    main, sub = pty.openpty()
    name = os.ttyname(sub)

    def own_terminal():  # the pty becomes its controlling terminal: /dev/tty, where ssh asks
        os.setsid()
        os.close(os.open(name, os.O_RDWR))

    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=sub, stdin=subprocess.DEVNULL,
                            preexec_fn=own_terminal)
    os.close(sub)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the last writer is gone
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    out = proc.stdout.read().decode()
    code = proc.wait(timeout=60)
    return code, out, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode(errors="replace"))


def test_add_and_update_show_the_clones_progress_on_a_terminal(upstream, ksad_env):
    """A large catalog over a regency's slow link takes a while: a terminal sees git's progress in the
    spinner, in the user's language; a pipe or a log gets only the result."""
    add = [sys.executable, "-m", "ksad", "catalog", "add", NAME, f"file://{upstream.bare}"]
    code, out, shown = _on_a_terminal(add, ksad_env)
    assert code == 0 and out == ""
    # a spinner draws a few times a second, and this clone is quick: some of its lines show
    assert ("Fetching the catalog: " in shown or "Checking the catalog: " in shown) and f"Added catalog '{NAME}'" in shown

    upstream.release("1.1.0")
    code, _out, shown = _on_a_terminal([sys.executable, "-m", "ksad", "catalog", "update", NAME],
                                       {**ksad_env, "KSAD_LANG": "id"})
    assert code == 0 and ("Mengambil katalog: " in shown or "Memeriksa katalog: " in shown)

    # git's reason still reaches the message when its stderr feeds the progress
    code, _out, shown = _on_a_terminal([sys.executable, "-m", "ksad", "catalog", "add", "lain",
                                        f"file://{upstream.bare}-tidak-ada"], ksad_env)
    assert code == 7 and "does not appear to be a git repository" in shown.replace("\r\n", " ").replace("\n", " ")

    plain = subprocess.run([sys.executable, "-m", "ksad", "catalog", "update", NAME], env=ksad_env,
                           capture_output=True, text=True, timeout=60)
    assert plain.returncode == 0 and "Fetching" not in plain.stderr + plain.stdout


def test_progress_lines_are_gits_stages_then_the_trust_check(upstream, ksad_env, monkeypatch):
    """What the spinner is given, in order: git's stages with counts, then the check (in-process)."""
    from ksad.remote import add_remote, update_remote
    from ksad.settings import Settings

    for key in ("KSAD_HOME", "KSAD_LANG"):
        monkeypatch.setenv(key, ksad_env[key])
    settings = Settings.from_env()
    lines: list[str] = []
    add_remote(settings, NAME, f"file://{upstream.bare}", progress=lines.append)
    assert any(line.startswith("Fetching the catalog: receiving objects ") and "/" in line for line in lines)
    assert lines[-1] == "Checking the catalog: signatures and every file's hash"
    assert lines.index(lines[-1]) > max(i for i, line in enumerate(lines) if line.startswith("Fetching"))

    upstream.release("1.1.0")
    lines.clear()
    update_remote(settings, NAME, progress=lines.append)
    assert lines and lines[-1].startswith("Checking the catalog")


def test_a_git_failure_says_gits_reason_without_the_servers_progress_or_a_token():
    """What a failed clone's message keeps: git's and ssh's reasons. Not the server's progress lines
    (a terminal's clone reads git's stderr through the progress handler), and no token, even
    where the 400-character cut would fall inside the URL."""
    import git

    from ksad.remote import _git_failed

    class Seen:  # what gitpython's RemoteProgress keeps of the lines that were not progress
        other_lines = ["remote: Enumerating objects: 4, done.", "remote: Total 4 (delta 0), reused 0 (delta 0)"]
        error_lines = ["fatal: unable to checkout working tree"]

    exc = git.exc.GitCommandError(["git", "clone"], 128, stderr="")
    message = _git_failed(exc, "https://host/katalog.git", None, Seen()).message
    assert "unable to checkout working tree" in message and "remote:" not in message

    url = "https://pengelola:tok-rahasia-5b9e@host/katalog.git"
    for tail in range(400 - len(url), 399):  # the last 400 characters begin inside the URL, at each place
        exc = git.exc.GitCommandError(["git", "clone"], 128, stderr=f"fatal: {url} " + "y" * tail)
        assert "rahasia" not in _git_failed(exc, url, None).message
