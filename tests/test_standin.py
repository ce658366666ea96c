"""The stand-in apps: their base image, their pages, their database, their pins."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
import requests

import infra
from ksad import standin
from ksad.errors import DeployError

REPO = Path(__file__).resolve().parent.parent
STANDIN = REPO / "recipes" / "standin"
TRICKY = "O'Brien & <Co>"
TRICKY_HTML = "O&#39;Brien &amp; &lt;Co&gt;"


# --- base image pieces (no engine) -------------------------------------------------------

def test_host_busybox_is_static_and_a_dynamic_binary_is_not():
    assert standin.is_static_elf(standin.find_static_busybox())
    assert not standin.is_static_elf(Path(sys.executable).resolve())


def test_a_dynamic_busybox_is_refused_with_the_package_to_install(tmp_path, monkeypatch):
    fake = tmp_path / "busybox"
    shutil.copy(Path(sys.executable).resolve(), fake)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DeployError) as caught:
        standin.find_static_busybox()
    assert str(fake) in caught.value.message
    assert "apt-get install busybox-static" in caught.value.hint


def test_base_rootfs_has_busybox_applets_tmp_and_users():
    with tarfile.open(fileobj=io.BytesIO(standin.base_rootfs_tar(standin.find_static_busybox()))) as tar:
        members = {m.name: m for m in tar.getmembers()}
        passwd = tar.extractfile("etc/passwd").read().decode()
    assert members["bin/busybox"].isfile() and members["bin/busybox"].mode & 0o111
    for applet in ("sh", "httpd", "wget", "sed", "awk", "[", "chmod"):
        assert members[f"bin/{applet}"].issym() and members[f"bin/{applet}"].linkname == "busybox"
    assert members["tmp"].mode == 0o1777
    assert passwd.startswith("root:x:0:0:") and "\nnobody:" in passwd


@pytest.mark.parametrize("dockerfile, expected", [
    ("FROM ksad/standin-base:1\nCOPY . /x\n", True),
    ("# comment\nfrom --platform=linux/amd64 ksad/standin-base:1 AS app\n", True),
    ("FROM debian:12\n", False),
    ("FROM ksad/standin-base:2\n", False),
])
def test_is_standin_dockerfile(tmp_path, dockerfile, expected):
    (tmp_path / "Dockerfile").write_text(dockerfile)
    assert standin.is_standin_dockerfile(tmp_path) is expected


def test_is_standin_dockerfile_without_a_dockerfile_and_for_the_bundled_sources(tmp_path):
    assert standin.is_standin_dockerfile(tmp_path) is False
    assert standin.is_standin_dockerfile(STANDIN / "web")
    assert standin.is_standin_dockerfile(STANDIN / "db")


# --- pins of the bundled catalog -----------------------------------------------------------

def _pin(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "scripts" / "pin_bundled.py"), *args],
                          capture_output=True, text=True, timeout=60)


def test_bundled_pins_are_current():
    proc = _pin("--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pin_bundled_finds_and_fixes_a_stale_hash_keeping_comments(tmp_path):
    shutil.copytree(REPO / "catalog", tmp_path / "catalog", ignore=shutil.ignore_patterns("regions*", "schema"))
    shutil.copytree(REPO / "recipes", tmp_path / "recipes")
    (tmp_path / "recipes" / "standin" / "web" / "www" / "standin.css").write_text("body {}\n")
    entry = tmp_path / "catalog" / "apps" / "sakip.yaml"
    before = entry.read_text()

    stale = _pin("--check", "--catalog", str(tmp_path / "catalog"))
    assert stale.returncode == 1
    assert "apps/sakip.yaml" in stale.stdout and "builds" in stale.stdout
    assert "recipe recipes/sakip" not in stale.stdout  # only the build context changed

    assert _pin("--catalog", str(tmp_path / "catalog")).returncode == 0
    after = entry.read_text()
    assert after != before
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == \
        [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert _pin("--check", "--catalog", str(tmp_path / "catalog")).returncode == 0


# --- on a real engine ------------------------------------------------------------------------

@pytest.mark.docker
def test_ensure_base_image_is_idempotent_and_fast(docker_engine):
    first = standin.ensure_base_image(docker_engine)
    started = time.monotonic()
    second = standin.ensure_base_image(docker_engine)
    assert time.monotonic() - started < 1.0
    assert first == second
    image = docker_engine.images.get(standin.BASE_IMAGE)
    assert image.id == first and image.labels.get(standin.BASE_LABEL) == standin.BASE_TAG
    out = docker_engine.containers.run(standin.BASE_IMAGE, ["sh", "-c", "stat -c %a /tmp; id -u nobody; echo ok"],
                                       remove=True, labels={infra.TEST_LABEL: "standin"})
    assert out.decode().split() == ["1777", "65534", "ok"]


@pytest.fixture
def engine_objects(docker_engine):
    """Collects containers, networks and volumes a test makes; removes them afterwards."""
    made: list = []
    yield made
    for obj in reversed(made):
        try:
            obj.remove(force=True) if not hasattr(obj, "connect") else obj.remove()
        except Exception:  # noqa: BLE001 - the session cleanup catches what is left
            pass


@pytest.fixture(scope="module")
def standin_images(docker_engine, standin_base, test_prefix, test_session):
    """The web and db stand-ins, built from recipes/standin/ with the docker SDK."""
    tags = {}
    for part in ("web", "db"):
        tag = f"{test_prefix}-standin-{part}:test"
        docker_engine.images.build(path=str(STANDIN / part), tag=tag, rm=True, forcerm=True,
                                   labels={infra.TEST_LABEL: test_session})
        tags[part] = tag
    yield tags
    for tag in tags.values():
        try:
            docker_engine.images.remove(tag, force=True)
        except Exception:  # noqa: BLE001
            pass


def _put_file(container, target: str, content: bytes) -> None:
    """Deliver a file before start, as the deploy engine does."""
    path = Path(target)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo(path.name)
        info.size, info.mode = len(content), 0o444
        tar.addfile(info, io.BytesIO(content))
    assert container.put_archive(str(path.parent), buffer.getvalue())


def _url(container, port: int = 8080) -> str:
    container.reload()
    host_port = container.ports[f"{port}/tcp"][0]["HostPort"]
    return f"http://127.0.0.1:{host_port}"


def _wait_for(url: str, status: int = 200, timeout: float = 20) -> requests.Response:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = requests.get(url, timeout=3)
            if last.status_code == status:
                return last
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer {status} in {timeout}s (last: {last and last.status_code})")


LOCAL_ENV = {
    "APP_NAME": TRICKY, "APP_TITLE": "E-Budgeting", "APP_VERSION": "1.1.0", "APP_ID": "e-budgeting",
    "NAME_MEANING": "Saling menghargai", "REGION_NAME": "Kabupaten Sumbawa", "REGION_CODE": "52.04",
    "REGION_TYPE": "kab", "PROVINCE_NAME": "Nusa Tenggara Barat", "HEAD_TITLE": "Bupati",
    "OFFICE": "Dinas Komunikasi, Informatika dan Statistik", "DOMAIN": "sumbawakab.go.id",
    "TIMEZONE": "Asia/Makassar", "TZ_ABBR": "WITA", "COLOUR_PRIMARY": "#0a5c36",
    "COLOUR_SECONDARY": "red;}body{display:none", "APP_CHANGES": "laporan realisasi",
}


@pytest.mark.docker
def test_web_standin_shows_the_localisation(docker_engine, standin_images, unique_name, engine_objects):
    web = docker_engine.containers.create(
        standin_images["web"], name=unique_name("web"), init=True, environment=LOCAL_ENV,
        ports={"8080/tcp": ("127.0.0.1", None)})
    engine_objects.append(web)
    _put_file(web, "/www/ksad.json", b'{\n  "contact": "kominfo@sumbawakab.go.id",\n  "name_language": "sumbawa"\n}\n')
    _put_file(web, "/www/emblem.png", b"\x89PNG\r\n\x1a\nnot really")
    web.start()
    url = _url(web)

    health = _wait_for(url + "/health")
    assert health.text == "ok"
    page = requests.get(url + "/", timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = page.text
    assert f'<h1 id="local-name">{TRICKY_HTML}</h1>' in html
    assert TRICKY not in html
    for shown in ("STAND-IN", "E-Budgeting", "versi 1.1.0", "Saling menghargai", "Kabupaten Sumbawa", "52.04",
                  "Nusa Tenggara Barat", "Bupati", "sumbawakab.go.id", "Asia/Makassar (WITA)",
                  "kominfo@sumbawakab.go.id", "laporan realisasi", 'src="/emblem.png"', "#0a5c36"):
        assert shown in html, shown
    # a colour that is not hex never reaches the CSS; the default is used instead
    assert "display:none" not in html
    assert "WITA</strong>" in html  # the live local time

    started = time.monotonic()
    web.stop(timeout=10)
    assert time.monotonic() - started < 3


@pytest.mark.docker
def test_db_standin_serves_records_from_its_volume(docker_engine, standin_images, unique_name, engine_objects):
    network = docker_engine.networks.create(unique_name("net"))
    engine_objects.append(network)
    volume = docker_engine.volumes.create(unique_name("data"))
    engine_objects.append(volume)
    secret = "p@ss:w/rd with spaces"

    web = docker_engine.containers.create(
        standin_images["web"], name=unique_name("web"), init=True, network=network.name,
        environment={**LOCAL_ENV, "DB_URL": "http://db:8081", "DB_PASSWORD": secret, "RECORDS_LABEL": "Usulan"},
        ports={"8080/tcp": ("127.0.0.1", None)})
    engine_objects.append(web)
    web.start()
    url = _url(web)
    _wait_for(url + "/", 200)
    # no database yet: the page says so, and the app is not healthy
    assert "belum dapat dihubungi" in requests.get(url + "/", timeout=5).text
    assert requests.get(url + "/health", timeout=5).status_code == 404

    def start_db():
        db = docker_engine.containers.create(
            standin_images["db"], name=unique_name("db"), init=True,
            environment={"DB_PASSWORD": secret, "DB_SEED": "Belanja pegawai|Belanja modal"},
            volumes={volume.name: {"bind": "/data", "mode": "rw"}})
        engine_objects.append(db)
        network.connect(db, aliases=["db"])
        db.start()
        return db

    db = start_db()
    _wait_for(url + "/health", 200)
    html = requests.get(url + "/", timeout=5).text
    assert '<strong id="record-count">2</strong>' in html
    assert "Belanja pegawai" in html and "Belanja modal" in html

    added = requests.post(url + "/cgi-bin/add", data={"text": "<b>Gaji</b> & tunjangan"}, timeout=10,
                          allow_redirects=False)
    assert added.status_code == 303
    html = requests.get(url + "/", timeout=5).text
    assert '<strong id="record-count">3</strong>' in html
    assert "&lt;b&gt;Gaji&lt;/b&gt; &amp; tunjangan" in html

    # a new database container on the same volume keeps the records (no re-seeding)
    started = time.monotonic()
    db.stop(timeout=10)
    assert time.monotonic() - started < 3
    db.remove()
    _wait_for(url + "/health", 404)
    start_db()
    _wait_for(url + "/health", 200)
    assert '<strong id="record-count">3</strong>' in requests.get(url + "/", timeout=5).text


@pytest.mark.docker
def test_db_standin_refuses_to_start_without_a_password(docker_engine, standin_images, unique_name, engine_objects):
    db = docker_engine.containers.create(standin_images["db"], name=unique_name("db"), init=True)
    engine_objects.append(db)
    db.start()
    assert db.wait(timeout=20)["StatusCode"] == 1
    assert b"DB_PASSWORD" in db.logs()
