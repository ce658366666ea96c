"""Shared fixtures: a real engine, a real registry, a real sshd, and ksad as a subprocess.

Integration fixtures never skip: when the engine or a loopback service is missing the
test fails and says why, because CI must not go green by skipping. Run
``bash scripts/test.sh`` (or ``source scripts/setup.sh`` once, then plain ``pytest``).

Engine hygiene: name what you create on the engine with ``test_prefix`` (or
``unique_name``), or label it ``{TEST_LABEL: test_session}``; the session removes all
of it at the end. Containers made from ``tiny_image`` inherit that label by themselves.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

import infra

REPO = Path(__file__).resolve().parent.parent

# A non-interactive shell starts a background command (`bash .ci/run &`) with SIGINT ignored, and
# every ksad a test starts would inherit that: the Ctrl-C tests' SIGINT would then do nothing
# (ksad, like any program, keeps an ignored SIGINT ignored). A handled signal is reset to its
# default in a child, so the children get Ctrl-C as from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


# --- isolation -------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _home_in_tmp(tmp_path_factory, monkeypatch):
    """In-process calls write caches under KSAD_HOME: never the developer's own home."""
    monkeypatch.setenv("KSAD_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def read_only_dir(tmp_path: Path):
    """``read_only_dir("name")``: a new directory under tmp_path that nobody can write into.

    As root a mode is no obstacle, so it is bind-mounted read-only on itself (EROFS, as on a
    read-only mount); as another user, mode 0555 does it (EACCES). Files put in it before the
    call stay readable. Unmounted at the end.
    """
    made: list[Path] = []

    def make(name: str, files: dict[str, str] | None = None) -> Path:
        path = tmp_path / name
        path.mkdir()
        for rel, text in (files or {}).items():
            (path / rel).write_text(text, encoding="utf-8")
        if os.geteuid() == 0:
            subprocess.run(["mount", "--bind", str(path), str(path)], check=True)
            made.append(path)
            subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True)
        else:
            path.chmod(0o555)
        return path

    yield make
    for path in made:
        subprocess.run(["umount", str(path)], check=False)


# --- naming ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def test_session() -> str:
    """A short id for this pytest session; the value of the TEST_LABEL label."""
    return secrets.token_hex(3)


@pytest.fixture(scope="session")
def test_prefix(test_session: str) -> str:
    """Prefix for every container, volume, network and image name this session creates."""
    return f"{infra.TEST_PREFIX_ROOT}{test_session}"


@pytest.fixture
def unique_name(test_prefix: str) -> Callable[[str], str]:
    """``unique_name("web")`` -> "ksadtest-1a2b3c-web-9f8e": valid for any Docker object."""
    return lambda stem: f"{test_prefix}-{stem}-{secrets.token_hex(2)}"


# --- engine and services ---------------------------------------------------------------

@pytest.fixture(scope="session")
def docker_engine(test_prefix: str, test_session: str):
    """A docker.DockerClient for the local engine (DOCKER_HOST or the socket).

    Cleans up everything named with test_prefix or labelled with test_session at the end,
    and at the start what killed sessions left (infra.sweep_dead_sessions).
    """
    import docker
    import docker.errors

    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except (docker.errors.DockerException, OSError) as exc:
        pytest.fail(f"the Docker engine is not reachable ({exc}); run `bash scripts/setup.sh`", pytrace=False)
    lease = infra.hold_session_lease(test_session)
    infra.sweep_dead_sessions(client, test_session)
    yield client
    failures = infra.cleanup_engine(client, test_prefix, test_session)
    client.close()
    if lease is not None:
        (infra.LEASES / test_session).unlink(missing_ok=True)
        lease.close()
    if failures:
        pytest.fail("could not clean up after the tests:\n" + "\n".join(failures), pytrace=False)


@pytest.fixture(scope="session")
def registry() -> str:
    """"127.0.0.1:5000": a plain-HTTP distribution v2 registry on loopback (no auth)."""
    try:
        return infra.ensure_registry()
    except (infra.ServiceError, OSError) as exc:
        pytest.fail(f"loopback registry unavailable: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def ssh_target(docker_engine, tmp_path_factory) -> infra.SshTarget:
    """The loopback sshd as a ksad target: ``.url`` and ``.env`` (HOME with a ready ~/.ssh).

    Run ksad with ``run_ksad(..., env=ssh_target.env)`` and ``--target ssh_target.url``.
    It reaches the same engine as docker_engine, through `docker system dial-stdio`.
    """
    try:
        server = infra.ensure_sshd()
    except (infra.ServiceError, OSError, subprocess.CalledProcessError) as exc:
        pytest.fail(f"loopback sshd unavailable: {exc}", pytrace=False)
    home = infra.make_ssh_home(tmp_path_factory.mktemp("ssh-home"), server)
    return infra.SshTarget(url=server.url, env={"HOME": str(home)}, home=home, server=server)


@pytest.fixture(scope="session")
def tiny_image(docker_engine, test_prefix: str, test_session: str) -> str:
    """A local FROM-scratch busybox image ("<prefix>-busybox:latest"), CMD /bin/sh.

    Containers made from it carry the session label, so the session removes them.
    """
    ref = f"{test_prefix}-busybox"
    infra.build_busybox_image(docker_engine, ref, labels={infra.TEST_LABEL: test_session})
    return f"{ref}:latest"


@pytest.fixture(scope="session")
def standin_base(docker_engine):
    """The stand-in apps' base image, from ksad.standin.ensure_base_image(client)."""
    if importlib.util.find_spec("ksad.standin") is None:
        pytest.fail("ksad.standin does not exist yet, so there is no stand-in base image", pytrace=False)
    standin = importlib.import_module("ksad.standin")
    return standin.ensure_base_image(docker_engine)


# --- ksad as a user runs it ------------------------------------------------------------

def _venv_bins() -> list[str]:
    bins = [str(Path(sys.executable).parent), str(REPO / ".venv" / "bin")]
    return list(dict.fromkeys(bins))


@pytest.fixture
def ksad_env(tmp_path: Path) -> dict[str, str]:
    """The environment for a ksad subprocess: its own KSAD_HOME, English, venv on PATH.

    The developer's own KSAD_* settings and ssh agent are left out so runs are isolated.
    COLUMNS is wide so that rich does not wrap messages that tests look for.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("KSAD_") and k != "SSH_AUTH_SOCK"}
    path = [*_venv_bins(), *env.get("PATH", "/usr/local/bin:/usr/bin:/bin").split(os.pathsep)]
    env.update(
        KSAD_HOME=str(tmp_path / "home"),
        KSAD_LANG="en",
        PATH=os.pathsep.join(dict.fromkeys(path)),
        COLUMNS="200",
        NO_COLOR="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@pytest.fixture
def run_ksad(ksad_env: dict[str, str], tmp_path: Path):
    """``run_ksad(*args, env=None, check=None, timeout=120, input=None, cwd=None)``.

    Runs ``python -m ksad *args`` with ksad_env updated by *env* and returns the
    CompletedProcess (text). *check*: True means exit 0, an int means that exit code,
    None checks nothing. A traceback on stderr always fails the test.
    """

    def run(*args: str | os.PathLike, env: dict[str, str] | None = None, check: bool | int | None = None,
            timeout: float = 120, input: str | None = None, cwd: str | os.PathLike | None = None):
        full_env = {**ksad_env, **(env or {})}
        argv = [sys.executable, "-m", "ksad", *map(str, args)]
        proc = subprocess.run(argv, env=full_env, cwd=cwd or tmp_path, input=input,
                              capture_output=True, text=True, timeout=timeout)
        shown = f"$ ksad {' '.join(map(str, args))}\n--- exit {proc.returncode}\n--- stdout:\n{proc.stdout}\n--- stderr:\n{proc.stderr}"
        assert "Traceback" not in proc.stderr, shown
        if check is True:
            assert proc.returncode == 0, shown
        elif check is not None and check is not False:
            assert proc.returncode == check, shown
        return proc

    return run


# --- ksad installations made by tests -----------------------------------------------------

@pytest.fixture
def ksad_cleanup(docker_engine, test_session: str):
    """Remove every object ksad created for a local name containing this session's id.

    Tests name their apps with ``test_session`` in the local name (hence in the slug);
    the containers, networks and volumes ksad creates carry ``ksad.slug``. The test holds the
    engine's apps lock until they are gone, so another session's tests (a developer's run
    beside CI) wait instead of finding a second uji-web.
    """
    with infra.apps_lock():
        yield
        infra.cleanup_ksad(docker_engine, test_session)


@pytest.fixture
def app_name(test_session: str) -> Callable[[str], str]:
    """``app_name("Sabalong")`` -> "Sabalong x1y2z3-ab12": a valid local name, unique per call."""
    return lambda stem: f"{stem} {test_session}{secrets.token_hex(2)}"


# --- a one-app test catalog, as install, gate and receipt tests use it ---------------------

@pytest.fixture
def catalog(tmp_path: Path):
    """A signed catalog with uji-web 1.0.0 (two services), granted to Kabupaten Sumbawa."""
    from catalog_factory import CatalogBuilder, two_service

    cat = CatalogBuilder(tmp_path / "cat")
    cat.add_release("uji-web", "1.0.0", two_service())
    return cat


@pytest.fixture
def env(catalog, run_ksad) -> dict[str, str]:
    """The ksad environment for `catalog`, with the Sumbawa identity pack written."""
    from helpers import INIT

    e = {"KSAD_CATALOG": str(catalog.catalog)}
    run_ksad(*INIT, env=e, check=True)
    return e
