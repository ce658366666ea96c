"""`ksad publish`: pin, sign, re-sign the snapshot, commit and tag; and what `catalog validate` says.

Real files in tmp_path, a real git repository made with gitpython, the real loopback
registry for digest pinning; the gate is checked through `ksad install --dry-run`.
"""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest

from catalog_factory import CatalogBuilder, two_service
from trust_factory import LAST_MONTH, KEY_FROM, flip_byte

INIT = ["init", "--domain", "sumbawakab.go.id", "--office", "Diskominfotik", "--region", "52.04"]
CHANGELOG = ["--changelog-id", "Rilis baru", "--changelog-en", "New release"]


def data(proc):
    return json.loads(proc.stdout)["data"]


class Pub:
    """A signed test catalog inside a git repository, and how to run ksad against it."""

    def __init__(self, base: Path, run_ksad, *, use_git: bool = True) -> None:
        self.builder = CatalogBuilder(base)
        self.builder.add_release("uji-web", "1.0.0", two_service())
        self.catalog, self.world, self.run_ksad = self.builder.catalog, self.builder.world, run_ksad
        self.env = {"KSAD_CATALOG": str(self.catalog)}
        self.repo = None
        if use_git:
            self.repo = git.Repo.init(base)
            with self.repo.config_writer() as cfg:
                cfg.set_value("user", "name", "Diskominfo Bandung")
                cfg.set_value("user", "email", "diskominfo@bandung.example")
            self.repo.git.add("-A", "catalog", "src")
            self.repo.index.commit("catalog as it was")

    def key(self, name: str) -> str:
        return str(self.world.files[name])

    def recipe(self, version: str, compose: str) -> Path:
        d = self.builder.recipe_dir("uji-web", version)
        d.mkdir(parents=True)
        (d / "compose.yaml").write_text(compose, encoding="utf-8")
        return d

    def publish(self, recipe: Path, *args: str, key: str = "bandung", check=None):
        return self.run_ksad("publish", recipe, "--key", self.key(key), "--snapshot-key", self.key("maintainer"),
                             *args, env=self.env, check=check)

    def files(self) -> dict[str, bytes]:
        """Every file of the catalog and the sources, to show that nothing changed."""
        base = self.catalog.parent
        return {str(p.relative_to(base)): p.read_bytes() for p in sorted(base.rglob("*"))
                if p.is_file() and ".git" not in p.parts and "keys" not in p.parts[:1]}


@pytest.fixture
def pub(tmp_path, run_ksad) -> Pub:
    return Pub(tmp_path / "cat", run_ksad)


def registry_image(docker_engine, registry, tiny_image, unique_name, tag: str = "1.1") -> tuple[str, str]:
    repo = f"{registry}/{unique_name('pub')}"
    docker_engine.images.get(tiny_image).tag(repo, tag)
    for _ in docker_engine.images.push(repo, tag=tag, stream=True, decode=True):
        pass
    digest = docker_engine.images.get_registry_data(f"{repo}:{tag}").id
    docker_engine.images.remove(f"{repo}:{tag}")
    return repo, digest


def image_compose(image: str) -> str:
    return f"""\
# Uji web 1.1.0: one image from the registry (this comment must survive pinning).
services:
  web:
    image: "{image}"   # pinned by ksad publish
    init: true
    command: ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/"]
    ports: ["8080"]
x-ksad:
  expose: {{service: web, port: 8080, path: /}}
"""


@pytest.mark.registry
def test_publish_pins_the_registry_digest_signs_commits_tags_and_install_accepts_it(
        pub, run_ksad, docker_engine, registry, tiny_image, unique_name):
    repo, digest = registry_image(docker_engine, registry, tiny_image, unique_name)
    recipe = pub.recipe("1.1.0", image_compose(f"{repo}:1.1"))
    entry_before = (pub.catalog / "apps" / "uji-web.yaml").read_text()

    proc = pub.publish(recipe, *CHANGELOG, "--upgrades-from", ">=1.0,<1.1", "--memory-mb", "64", check=True)
    assert f"{repo}@{digest}" in proc.stderr and "uji-web-1.1.0" in proc.stderr

    compose = (recipe / "compose.yaml").read_text()
    assert f'image: "{repo}@{digest}"   # pinned by ksad publish' in compose
    assert compose.startswith("# Uji web 1.1.0: one image from the registry")
    entry = (pub.catalog / "apps" / "uji-web.yaml").read_text()
    assert entry.startswith(entry_before.split("releases:")[0])  # the text above the releases is untouched
    assert "version: 1.1.0" in entry and "New release" in entry

    head = pub.repo.head.commit
    assert head.message.strip() == "publish uji-web 1.1.0"
    assert pub.repo.tags["uji-web-1.1.0"].commit == head
    committed = {d.a_path for d in head.diff(head.parents[0])}
    assert committed == {"catalog/apps/uji-web.yaml", "catalog/index.json", "catalog/documents.json", "catalog/snapshot.json",
                         "catalog/entries/uji-web.json", "src/recipes/uji-web/1.1.0/compose.yaml"}
    index = json.loads((pub.catalog / "index.json").read_text())["apps"]["uji-web.yaml"]
    assert index["versions"][0] == "1.1.0"  # clients with no cache see the new release at once
    shipped = json.loads((pub.catalog / "entries" / "uji-web.json").read_text())
    assert shipped["sha256"] == index["sha256"] and shipped["data"]["releases"][-1]["version"] == "1.1.0"
    assert pub.repo.git.status("--porcelain", "catalog", "src") == ""  # everything published is committed

    run_ksad(*INIT, env=pub.env, check=True)
    plan = data(run_ksad("install", "uji-web", "--name", "Uji", "--version", "1.1.0", "--dry-run", "--json",
                         env=pub.env, check=True))
    assert plan["version"] == "1.1.0" and plan["mou"] == "uji-3273-5204"

    # A changed byte in the published entry: the snapshot no longer matches, and even a
    # snapshot re-signed over it cannot make the publisher's signature match.
    flip_byte(pub.catalog / "apps" / "uji-web.yaml", "New release", "Evil release")
    proc = run_ksad("install", "uji-web", "--name", "Uji", "--version", "1.1.0", "--dry-run", env=pub.env, check=6)
    assert "apps/uji-web.yaml" in proc.stderr
    pub.world.snapshot()
    proc = run_ksad("install", "uji-web", "--name", "Uji", "--version", "1.1.0", "--dry-run", env=pub.env, check=6)
    assert "signature" in proc.stderr.lower()


@pytest.mark.registry
def test_unknown_tag_is_refused_and_nothing_changes(pub, docker_engine, registry, tiny_image, unique_name):
    repo, _ = registry_image(docker_engine, registry, tiny_image, unique_name)
    recipe = pub.recipe("1.1.0", image_compose(f"{repo}:no-such-tag"))
    before, head = pub.files(), pub.repo.head.commit
    proc = pub.publish(recipe, check=4)
    assert f"{repo}:no-such-tag" in proc.stderr and "no-such-tag" in proc.stderr and "docker push" in proc.stderr
    assert pub.files() == before and pub.repo.head.commit == head and not pub.repo.tags


def test_unreachable_registry_is_refused(pub):
    recipe = pub.recipe("1.1.0", image_compose("127.0.0.1:5999/uji/web:1.1"))
    before = pub.files()
    proc = pub.publish(recipe, check=7)
    assert "127.0.0.1:5999" in proc.stderr
    assert pub.files() == before


def test_build_sources_are_pinned_and_dry_run_changes_nothing(pub):
    recipe = pub.recipe("1.1.0", two_service())
    before = pub.files()
    plan = data(pub.publish(recipe, "--dry-run", "--json", check=True))
    assert pub.files() == before and not pub.repo.tags
    assert set(plan["release"]["builds"]) == {"web", "db"} and plan["tag"] == "uji-web-1.1.0"
    seen = json.loads((pub.catalog / "snapshot.json").read_text())["version"]
    assert plan["snapshot_version"] == seen + 1 and plan["other_changes"] == []

    done = data(pub.publish(recipe, "--json", check=True))
    assert done["release"] == plan["release"] and done["commit"] == pub.repo.head.commit.hexsha
    assert pub.repo.tags["uji-web-1.1.0"]
    assert json.loads((pub.catalog / "snapshot.json").read_text())["version"] == seen + 1


def test_key_of_another_region_is_refused(pub):
    recipe = pub.recipe("1.1.0", two_service())
    before = pub.files()
    proc = pub.publish(recipe, key="tangerang", check=6)
    assert "36.71" in proc.stderr and "32.73" in proc.stderr
    assert pub.files() == before and not pub.repo.tags


def test_same_version_twice_is_refused(pub):
    recipe = pub.recipe("1.1.0", two_service())
    pub.publish(recipe, check=True)
    after_first = pub.files()
    proc = pub.publish(recipe, check=9)
    assert "already published" in proc.stderr and "--force" in proc.stderr
    assert pub.files() == after_first
    proc = pub.publish(pub.builder.recipe_dir("uji-web", "1.0.0"), check=9)
    assert "uji-web 1.0.0" in proc.stderr


def test_force_replaces_the_release_and_moves_the_tag(pub):
    recipe = pub.recipe("1.1.0", two_service())
    pub.publish(recipe, *CHANGELOG, check=True)
    first = pub.repo.head.commit
    pub.publish(recipe, "--changelog-id", "Perbaikan", "--changelog-en", "Fixed", "--force", check=True)
    entry = (pub.catalog / "apps" / "uji-web.yaml").read_text()
    assert entry.count("version: 1.1.0") == 1 and "Fixed" in entry and "New release" not in entry
    assert pub.repo.tags["uji-web-1.1.0"].commit == pub.repo.head.commit != first


def test_a_snapshot_key_is_needed(pub):
    recipe = pub.recipe("1.1.0", two_service())
    before = pub.files()
    proc = pub.run_ksad("publish", recipe, "--key", pub.key("bandung"), env=pub.env, check=3)
    assert "snapshot" in proc.stderr and "--snapshot-key" in proc.stderr
    assert pub.files() == before


def test_git_failure_restores_every_file(tmp_path, run_ksad):
    pub = Pub(tmp_path / "cat", run_ksad)
    with pub.repo.config_writer() as cfg:  # no identity: git refuses to commit
        cfg.remove_option("user", "name")
        cfg.remove_option("user", "email")
        cfg.set_value("user", "useConfigOnly", "true")
    recipe = pub.recipe("1.1.0", two_service())
    before, head = pub.files(), pub.repo.head.commit
    env = {**pub.env, "GIT_CONFIG_GLOBAL": str(tmp_path / "no-gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}
    proc = run_ksad("publish", recipe, "--key", pub.key("bandung"), "--snapshot-key", pub.key("maintainer"),
                    env=env, check=3)
    assert "git" in proc.stderr and "restored" in proc.stderr
    assert pub.files() == before and pub.repo.head.commit == head
    assert not pub.repo.index.diff("HEAD")  # nothing left staged


def test_publish_outside_git_only_writes_files(tmp_path, run_ksad):
    pub = Pub(tmp_path / "cat", run_ksad, use_git=False)
    recipe = pub.recipe("1.1.0", two_service())
    proc = pub.publish(recipe, check=True)
    assert "not in a git repository" in proc.stderr
    run_ksad(*INIT, env=pub.env, check=True)
    plan = data(run_ksad("install", "uji-web", "--name", "Uji", "--dry-run", "--json", env=pub.env, check=True))
    assert plan["version"] == "1.1.0"


def test_recipe_outside_the_sources_is_refused(pub, tmp_path):
    other = tmp_path / "elsewhere" / "uji-web" / "1.1.0"
    other.mkdir(parents=True)
    (other / "compose.yaml").write_text(two_service())
    proc = pub.publish(other, check=3)
    assert "sources" in proc.stderr


# --- ksad catalog validate on a signed catalog -------------------------------------------------


def test_validate_reports_a_bad_signature_with_its_file(pub, run_ksad, ksad_env):
    run_ksad("catalog", "validate", env=pub.env, check=True)
    flip_byte(pub.catalog / "apps" / "uji-web.yaml", "Test uji-web", "Evil uji-web")
    pub.world.snapshot()  # the snapshot blesses the change: only the publisher's signature catches it
    proc = run_ksad("catalog", "validate", env=pub.env, check=3)
    assert "apps/uji-web.yaml" in proc.stderr and "signatures" in proc.stderr
    assert "does not match" in proc.stderr or "signature" in proc.stderr.lower()
    # validating trusts nothing: no trust state (a memo of file digests may be kept, once the files are
    # older than StatDigests.RACY_NS, which a slow machine reaches within this test)
    assert not list((Path(ksad_env["KSAD_HOME"]) / "trust").glob("????????????????.json"))


def test_validate_reports_a_changed_file_and_warns_about_an_expired_mou(pub, run_ksad):
    doc = pub.world.mou_doc("uji-lama", valid_from=KEY_FROM.isoformat(), valid_until=LAST_MONTH)
    pub.world.write_mou(doc)
    pub.world.snapshot()
    proc = run_ksad("catalog", "validate", env=pub.env, check=True)
    assert "Warning" in proc.stderr and "uji-lama" in proc.stderr
    (pub.catalog / "catalog.yaml").write_text("name: changed\nsources: ../src\n")  # a file no one signed
    proc = run_ksad("catalog", "validate", "--json", env=pub.env, check=3)
    problems = data(proc)["problems"]
    assert any(p["file"].endswith("snapshot.json") and not p["warning"] for p in problems)
    assert any("uji-lama" in p["file"] and p["warning"] for p in problems)


def test_files_the_new_snapshot_blesses_are_committed_with_the_release(pub, run_ksad, tmp_path):
    # A countersigned MoU (and a revoked one's file gone) waiting in the working copy: the new
    # snapshot lists what is on disk, so the commit and tag must hold exactly that.
    doc = pub.world.mou_doc("uji-baru", apps=[("uji-web", ">=1")])
    pub.world.write_mou(doc)
    gone = pub.catalog / "mous" / "uji-3273-5204.yaml"
    gone.unlink()
    proc = pub.publish(pub.recipe("1.1.0", two_service()), check=True)
    # a partner who clones the tag gets a catalog that verifies, with the new MoU and without the old one
    clone = git.Repo.clone_from(pub.repo.working_tree_dir, tmp_path / "clone", branch="uji-web-1.1.0")
    env = {"KSAD_CATALOG": str(Path(clone.working_tree_dir) / "catalog")}
    listed = data(run_ksad("mou", "list", "--all", "--json", env=env, check=True))
    assert [m["id"] for m in listed] == ["uji-baru"]
    run_ksad("catalog", "validate", env=env, check=True)
    assert not pub.repo.git.status("--porcelain", "--", "catalog")  # nothing the snapshot covers left out
    assert "mous/uji-baru.yaml" in proc.stderr and "committed" in proc.stderr
