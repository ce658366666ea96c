"""`ksad catalog validate` remembers what passed, and never hides what changed since.

A second run over an unchanged catalog checks no recipe again (9,900 of them take
tens of seconds at national scale); any edit to what a check read (the entry, the
recipe's tree, a build context, a template outside the recipe, a directory turned
into a link) is checked again and reported, and problems are reported on every run.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from catalog_factory import CatalogBuilder, two_service
from ksad import recipe as recipe_mod
from ksad import yamlio
from ksad.hashing import tree_sha256
from ksad.validate import validate_catalog

TEMPLATED = two_service().replace(
    "  secrets:\n", "  files:\n    - {service: web, target: /www/ksad.json, template: ../../standin/web/ksad.json}\n  secrets:\n")


@pytest.fixture
def built(tmp_path) -> CatalogBuilder:
    b = CatalogBuilder(tmp_path, grant=False)
    # a template outside the recipe's directory must lie in one of its build contexts (pinned too)
    (b.src / "recipes" / "standin" / "web" / "ksad.json").write_text('{"name": "${name}"}\n', encoding="utf-8")
    b.add_release("uji-web", "1.0.0", TEMPLATED)
    b.add_release("uji-lain", "2.0.0", two_service(), templates={"docs/NOTES.txt": "Catatan rilis.\n"})
    return b


def _problems(b: CatalogBuilder, cache: Path | None) -> list[str]:
    return [str(p) for p in validate_catalog(b.catalog, cache_dir=cache)[1]]


def _counting_loads(monkeypatch) -> list[Path]:
    loaded: list[Path] = []
    real = recipe_mod.load_recipe

    def counting(path, **kw):
        loaded.append(Path(path))
        return real(path, **kw)

    monkeypatch.setattr(recipe_mod, "load_recipe", counting)
    return loaded


def _repin(b: CatalogBuilder, service: str) -> None:
    """Pin every release's build context of *service* to its content now, and sign again."""
    for app_id, releases in b.apps.items():
        for rel in releases:
            if service in rel["builds"]:
                rel["builds"][service] = tree_sha256(b.src / "recipes" / "standin" / service)
        from catalog_factory import entry

        (b.catalog / "apps" / f"{app_id}.yaml").write_text(yamlio.dump(entry(app_id, releases)), encoding="utf-8")
    b.resign()


def test_an_unchanged_catalog_is_not_checked_twice(built, tmp_path, monkeypatch):
    loaded = _counting_loads(monkeypatch)
    assert _problems(built, tmp_path / "cache") == []
    assert len(loaded) == 2
    assert _problems(built, tmp_path / "cache") == []
    assert len(loaded) == 2  # nothing loaded again
    assert _problems(built, None) == []  # without a cache, everything is checked
    assert len(loaded) == 4


def test_an_unchanged_entry_is_settled_by_stat_alone(built, tmp_path, monkeypatch):
    """Files old enough to be remembered: a second run hashes no release's recipe tree and loads
    no recipe, and only the build contexts and the template the recipes read are checked."""
    from ksad import validate
    from ksad.parsecache import StatDigests

    monkeypatch.setattr(StatDigests, "RACY_NS", 0)
    assert _problems(built, tmp_path / "cache") == []
    hashed: list[str] = []
    real = validate.tree_sha256
    monkeypatch.setattr(validate, "tree_sha256", lambda path, *a, **kw: hashed.append(path) or real(path, *a, **kw))
    loaded = _counting_loads(monkeypatch)
    scanned: list[str] = []
    scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path=".": scanned.append(path) or scandir(path))
    assert _problems(built, tmp_path / "cache") == []
    monkeypatch.setattr(os, "scandir", scandir)
    assert loaded == []
    assert sorted(Path(p).name for p in hashed) == ["db", "web"]  # the two build contexts, once each
    recipes = {str(built.recipe_dir("uji-web", "1.0.0")), str(built.recipe_dir("uji-lain", "2.0.0"))}
    recipes.add(str(built.recipe_dir("uji-lain", "2.0.0") / "docs"))
    assert not recipes & {os.path.realpath(p) for p in scanned if not isinstance(p, int)}  # looked up, not listed
    hashed.clear()
    assert _problems(built, None) == []  # nothing remembered: every release's tree is hashed
    assert {built.recipe_dir("uji-web", "1.0.0"), built.recipe_dir("uji-lain", "2.0.0")} <= {Path(p) for p in hashed}


def test_a_warm_run_takes_the_entries_its_child_found_unchanged(built, tmp_path, monkeypatch):
    """The child's walk stands for this process's: with the child done first, a warm run walks no
    tree itself, and reports what a run walking them all itself reports."""
    from ksad import validate
    from ksad.parsecache import StatDigests

    monkeypatch.setattr(StatDigests, "RACY_NS", 0)
    for i in range(6):
        built.add_release(f"uji-{i}", "1.0.0", two_service())
    assert _problems(built, tmp_path / "cache") == []
    walked: list[list[str]] = []
    real = validate._hashed_trees
    for by, expected in (("child", 0), ("parent", 8)):
        _walk(monkeypatch, by)
        monkeypatch.setattr(validate, "_hashed_trees", real)  # the child forks with the real one
        start = validate._settled_ahead

        def counted(*args):
            ahead = start(*args)
            monkeypatch.setattr(validate, "_hashed_trees", lambda run, dirs, listings: walked.append(dirs) or real(
                run, dirs, listings))
            return ahead

        monkeypatch.setattr(validate, "_settled_ahead", counted)
        walked.clear()
        assert _problems(built, tmp_path / "cache") == []
        assert len(walked) == expected, by
        monkeypatch.undo()
        monkeypatch.setattr(StatDigests, "RACY_NS", 0)


@pytest.mark.parametrize("walk", ["parent", "child"])
def test_an_app_file_copied_under_another_name_is_reported_on_every_run(built, tmp_path, monkeypatch, walk):
    """The copy has the bytes of an entry that passed, and the memo is keyed by bytes: a warm
    run took the copy for that entry and no longer said its id names another file (before
    the fifteenth session)."""
    from ksad.parsecache import StatDigests

    monkeypatch.setattr(StatDigests, "RACY_NS", 0)
    shutil.copyfile(built.catalog / "apps" / "uji-web.yaml", built.catalog / "apps" / "uji-xyz.yaml")
    first = _problems(built, tmp_path / "cache")
    assert first and all("uji-xyz" in p for p in first)
    _walk(monkeypatch, walk)
    assert _problems(built, tmp_path / "cache") == first == _problems(built, None)


@pytest.mark.parametrize("move", [shutil.copyfile, os.rename])
def test_an_mou_copied_or_renamed_is_reported_on_every_run(tmp_path, move):
    """An MoU that passed is remembered by its bytes; under another name its id names another
    file, which a warm run no longer said (before the sixteenth session)."""
    b = CatalogBuilder(tmp_path)
    b.add_release("uji-web", "1.0.0", two_service())
    assert _problems(b, tmp_path / "cache") == []
    [mou] = (b.catalog / "mous").glob("*.yaml")
    move(mou, mou.with_name("salinan.yaml"))
    b.world.snapshot()
    first = _problems(b, tmp_path / "cache")
    assert first and all("salinan.yaml" in p and "must match the file name" in p for p in first)
    assert _problems(b, tmp_path / "cache") == first == _problems(b, None)


def _edit_recipe(b: CatalogBuilder) -> str:
    with open(b.recipe_dir("uji-lain", "2.0.0") / "compose.yaml", "a", encoding="utf-8") as fh:
        fh.write("# edited after pinning\n")
    return "releases[0].recipe.sha256: recipe of uji-lain 2.0.0 does not match its pin"


def _dockerfile_gone_and_repinned(b: CatalogBuilder) -> str:
    (b.src / "recipes" / "standin" / "web" / "Dockerfile").unlink()
    _repin(b, "web")
    return "services.web.build.dockerfile"


def _context_now_a_link_outside(b: CatalogBuilder) -> str:
    web = b.src / "recipes" / "standin" / "web"
    outside = b.root / "elsewhere" / "web"
    shutil.copytree(web, outside)
    shutil.rmtree(web)
    web.symlink_to(outside)  # same files, same pin: only where it resolves changed
    return "points outside"


def _template_outside_the_recipe(b: CatalogBuilder) -> str:
    (b.src / "recipes" / "standin" / "web" / "ksad.json").write_text('{"call": "${hotline}"}\n', encoding="utf-8")
    return "uses ${hotline}"


def _duplicate_key(b: CatalogBuilder) -> str:
    path = b.catalog / "apps" / "uji-lain.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "license: MIT\n", encoding="utf-8")
    return "license"


def _hidden_recipe_edit(b: CatalogBuilder) -> str:
    """A recipe's text changed with its size and mtime put back: only the ctime shows it."""
    path = b.recipe_dir("uji-lain", "2.0.0") / "compose.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "  web:" in text
    path.write_text(text.replace("  web:", "  wab:", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    return "releases[0].recipe.sha256: recipe of uji-lain 2.0.0 does not match its pin"


def _file_added_to_recipe(b: CatalogBuilder) -> str:
    (b.recipe_dir("uji-lain", "2.0.0") / "NOTES.txt").write_text("added after pinning\n", encoding="utf-8")
    return "releases[0].recipe.sha256: recipe of uji-lain 2.0.0 does not match its pin"


def _file_added_in_a_subdirectory(b: CatalogBuilder) -> str:
    (b.recipe_dir("uji-lain", "2.0.0") / "docs" / "MORE.txt").write_text("added after pinning\n", encoding="utf-8")
    return "releases[0].recipe.sha256: recipe of uji-lain 2.0.0 does not match its pin"


def _file_added_with_the_directorys_times_put_back(b: CatalogBuilder) -> str:
    """The directory's mtime restored, as if nothing was added to it: only its ctime shows it."""
    recipe = b.recipe_dir("uji-lain", "2.0.0")
    before = recipe.stat()
    (recipe / "NOTES.txt").write_text("added after pinning\n", encoding="utf-8")
    os.utime(recipe, ns=(before.st_atime_ns, before.st_mtime_ns))
    return "releases[0].recipe.sha256: recipe of uji-lain 2.0.0 does not match its pin"


def _recipe_dir_now_a_link_outside(b: CatalogBuilder) -> str:
    recipe = b.recipe_dir("uji-lain", "2.0.0")
    outside = b.root / "elsewhere" / "2.0.0"
    shutil.copytree(recipe, outside)
    shutil.rmtree(recipe)
    recipe.symlink_to(outside)  # same files: only where the release's path resolves changed
    return "points outside"


def _catalog_file_broken(b: CatalogBuilder) -> str:
    (b.catalog / "catalog.yaml").write_text("name: [unclosed\nsources: ../src\n", encoding="utf-8")
    return "catalog.yaml: (top): " + str(b.catalog / "catalog.yaml") + ", line 2: not valid YAML"


def _sources_moved(b: CatalogBuilder) -> str:
    (b.catalog / "catalog.yaml").write_text("name: test catalog\nsources: ../elsewhere\n", encoding="utf-8")
    return f"recipe directory {b.root / 'elsewhere' / 'recipes' / 'uji-lain' / '2.0.0'} does not exist"


def _walk(monkeypatch, by: str) -> None:
    """Who takes the stat walk of a warm run: this process alone (one CPU), or a child that has
    finished the whole catalog before this process starts its own walk."""
    from ksad import validate, workers

    monkeypatch.setattr(workers, "cpus", lambda: 1 if by == "parent" else 2)
    if by == "child":
        real = validate._settled_ahead

        def finished_first(*args):
            ahead = real(*args)
            assert ahead is not None
            os.waitid(os.P_PID, ahead.pid, os.WEXITED | os.WNOWAIT)  # exited, left for close() to collect
            return ahead

        monkeypatch.setattr(validate, "_settled_ahead", finished_first)


@pytest.mark.parametrize("walk", ["parent", "child"])
@pytest.mark.parametrize("remember_fresh_files", [False, True], ids=["racy-second", "remembered"])
@pytest.mark.parametrize("edit", [_edit_recipe, _dockerfile_gone_and_repinned, _context_now_a_link_outside,
                                  _template_outside_the_recipe, _duplicate_key, _hidden_recipe_edit,
                                  _file_added_to_recipe, _file_added_in_a_subdirectory,
                                  _file_added_with_the_directorys_times_put_back, _recipe_dir_now_a_link_outside,
                                  _catalog_file_broken,
                                  _sources_moved])
def test_an_edit_after_a_clean_run_is_reported(built, tmp_path, monkeypatch, edit, remember_fresh_files, walk):
    """Files hashed by a clean run are remembered by stat signature; the files here are seconds old,
    which a run does not remember (they could change again within the timestamp tick), so the
    second parametrisation remembers them anyway. The stat walk is this process's, or that of
    the child a warm run starts (:func:`ksad.validate._settled_ahead`)."""
    from ksad.parsecache import StatDigests

    _walk(monkeypatch, walk)
    if remember_fresh_files:
        monkeypatch.setattr(StatDigests, "RACY_NS", 0)
    assert _problems(built, tmp_path / "cache") == []
    if remember_fresh_files:
        assert list((tmp_path / "cache").glob("digests-validate-*.json"))
    needle = edit(built)
    found = _problems(built, tmp_path / "cache")
    assert any(needle in p for p in found), found
    assert _problems(built, None) == found  # what a run with nothing remembered reports


def test_an_unreadable_catalog_file_is_a_problem_not_a_crash(built, tmp_path):
    from ksad.catalog import write_index

    write_index(built.catalog)  # the index check compares catalog.yaml with the index's record of it
    (built.catalog / "catalog.yaml").unlink()
    (built.catalog / "catalog.yaml").mkdir()  # unreadable even for root
    found = _problems(built, tmp_path / "cache")
    assert any("catalog.yaml: (top): " in p and "cannot read" in p for p in found), found


def test_problems_are_reported_on_every_run(built, tmp_path, monkeypatch):
    _edit_recipe(built)
    first = _problems(built, tmp_path / "cache")
    assert first and first == _problems(built, tmp_path / "cache")
    loaded = _counting_loads(monkeypatch)
    (built.recipe_dir("uji-lain", "2.0.0") / "compose.yaml").write_text(two_service(), encoding="utf-8")
    assert _problems(built, tmp_path / "cache") == []  # fixed: the recipe is loaded again
    assert [p.parent.name for p in loaded] == ["2.0.0"]


@pytest.mark.parametrize("content", ["{not json", "[]", '{"format": 1, "code": "other", "clean": {}}'])
def test_a_broken_or_foreign_memory_is_ignored(built, tmp_path, content, monkeypatch):
    cache = tmp_path / "cache"
    assert _problems(built, cache) == []
    for memo in cache.glob("validated-*.json"):
        memo.write_text(content, encoding="utf-8")
    loaded = _counting_loads(monkeypatch)
    _edit_recipe(built)
    assert any("recipe.sha256" in p for p in _problems(built, cache))
    assert len(loaded) == 2


def test_a_memory_whose_values_are_gone_is_ignored(built, tmp_path, monkeypatch):
    """Values are kept once each and keys point at them: keys left pointing nowhere check again."""
    import json

    cache = tmp_path / "cache"
    assert _problems(built, cache) == []
    (memo,) = cache.glob("validated-*.json")
    blob = json.loads(memo.read_text(encoding="utf-8"))
    assert len(blob["values"]) < len(blob["clean"])  # kept once each: checks that keep no value share one
    memo.write_text(json.dumps({**blob, "values": []}), encoding="utf-8")
    loaded = _counting_loads(monkeypatch)
    assert _problems(built, cache) == []
    assert len(loaded) == 2


def test_a_remembered_recipe_reports_its_services_in_the_order_a_load_gives(tmp_path):
    """Problems found with a remembered recipe shape come in the order a fresh load gives (each
    service after what it depends on: zdb, then web), not sorted, as a memo could keep them."""
    from catalog_factory import entry

    b = CatalogBuilder(tmp_path, grant=False)
    compose = (two_service().replace("  db:\n", "  zdb:\n").replace("{db: {condition", "{zdb: {condition")
               .replace("db: DB_PASSWORD", "zdb: DB_PASSWORD"))
    b.add_release("uji-web", "1.0.0", compose)
    for rel in b.apps["uji-web"]:
        rel["builds"] = {}  # neither build context pinned: one problem per service
    (b.catalog / "apps" / "uji-web.yaml").write_text(yamlio.dump(entry("uji-web", b.apps["uji-web"])),
                                                     encoding="utf-8")
    b.resign()
    fresh = _problems(b, tmp_path / "cache")
    assert [p.split(": ")[1] for p in fresh] == ["releases[0].builds.zdb", "releases[0].builds.web"], fresh
    assert _problems(b, tmp_path / "cache") == fresh  # the shape remembered this time


def _reference_tree_sha256(root: Path) -> str:
    """The tree hash as first written (pathlib): every release pinned before keeps its pin."""
    import hashlib

    h = hashlib.sha256()
    for p in sorted(p for p in root.rglob("*") if p.is_symlink() or p.is_file()):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            h.update(f"L {rel} {p.readlink().as_posix()}\n".encode())
        else:
            mode = "x" if p.stat().st_mode & 0o111 else "-"
            h.update(f"F {rel} {mode} {hashlib.sha256(p.read_bytes()).hexdigest()}\n".encode())
    return h.hexdigest()


def test_the_tree_hash_is_the_one_releases_were_pinned_with(tmp_path):
    t = tmp_path / "tree"
    (t / "a" / "c d").mkdir(parents=True)
    (t / "a" / "b").write_text("1")
    (t / "a-b").write_text("2")  # "a-b" sorts before "a/b" as text, after it as path parts
    (t / ".hidden").write_text("h")
    (t / "a" / "x").write_text("x")
    (t / "a" / "x").chmod(0o755)
    (t / "a" / "c d" / "é").write_text("u")
    (t / "empty").mkdir()
    (t / "link").symlink_to("/etc/passwd")
    (t / "dirlink").symlink_to("a")  # hashed as a link, not followed
    assert tree_sha256(t) == _reference_tree_sha256(t)
    assert tree_sha256(t / "missing") == _reference_tree_sha256(t / "missing")
    standin = Path(__file__).resolve().parent.parent / "recipes" / "standin"
    assert tree_sha256(standin) == _reference_tree_sha256(standin)


@pytest.mark.parametrize("linked", ["1.0.0", "1.0.9"], ids=["asked-first", "asked-after-its-siblings"])
def test_a_recipe_directory_that_is_a_link_is_followed_among_many(tmp_path, linked):
    """Once enough siblings are asked about, one scan of their directory says which are links
    (an lstat each before): a link is followed as os.path.realpath follows it, wherever it comes."""
    b = CatalogBuilder(tmp_path, grant=False)
    for i in range(10):
        b.add_release("uji-web", f"1.0.{i}", two_service())
    assert _problems(b, None) == []
    d = b.recipe_dir("uji-web", linked)
    outside = tmp_path / "elsewhere" / linked
    shutil.copytree(d, outside)
    shutil.rmtree(d)
    d.symlink_to(outside)  # same files, same pin: its build contexts now resolve from elsewhere
    found = _problems(b, None)
    assert found and all(str(outside) in p for p in found), found
    assert any("points outside" in p for p in found)


def _pin_recipes(b: CatalogBuilder) -> None:
    from catalog_factory import entry

    for app_id, releases in b.apps.items():
        for rel in releases:
            rel["recipe"]["sha256"] = tree_sha256(b.src / rel["recipe"]["path"])
        (b.catalog / "apps" / f"{app_id}.yaml").write_text(yamlio.dump(entry(app_id, releases)), encoding="utf-8")
    b.resign()


@pytest.mark.parametrize("compose", ["missing", "a directory", "a link to a file"])
def test_a_recipe_directory_needs_its_compose_file(tmp_path, compose):
    """Whether compose.yaml is there is learnt from the scan that hashes the recipe's tree;
    a link to a file counts, as os.path.isfile counts it."""
    b = CatalogBuilder(tmp_path, grant=False)
    d = b.add_release("uji-web", "1.0.0", two_service())
    text = (d / "compose.yaml").read_text(encoding="utf-8")
    (d / "compose.yaml").unlink()
    if compose == "a directory":
        (d / "compose.yaml").mkdir()
    elif compose == "a link to a file":
        (d / "real.yaml").write_text(text, encoding="utf-8")
        (d / "compose.yaml").symlink_to("real.yaml")
    _pin_recipes(b)
    for cache in (tmp_path / "cache", tmp_path / "cache", None):  # cold, remembered, nothing kept
        found = _problems(b, cache)
        if compose == "a link to a file":
            assert found == []
        else:
            assert len(found) == 1 and f"recipe directory {d} does not exist" in found[0], found


def test_no_cache_checks_everything_and_keeps_nothing(built, run_ksad, ksad_env):
    home = Path(ksad_env["KSAD_HOME"])
    memos = lambda: sorted([*(p.name.split("-")[0] for p in (home / "cache").glob("validated-*.json")),  # noqa: E731
                            *(p.name.split("-")[0] for p in (home / "cache").glob("digests-validate-*.json")),
                            *("trust-digests" for _ in (home / "trust").glob("*.digests.json"))])
    time.sleep(1.1)  # files changed within the last second are never remembered by their stat
    proc = run_ksad("--catalog", built.catalog, "catalog", "validate", "--no-cache", check=True)
    assert "no problems" in proc.stderr and memos() == []
    run_ksad("--catalog", built.catalog, "catalog", "validate", check=True)
    assert memos() == ["digests", "trust-digests", "validated"]


def test_recipes_loaded_in_worker_processes_give_the_same_report(tmp_path, monkeypatch):
    """A cold check loads recipes in one process per CPU; the report must be the one a single
    process gives: the same problems (a refused recipe, a pin that no longer matches), in order."""
    from ksad import validate as validate_mod

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one CPU: validate starts no worker")
    b = CatalogBuilder(tmp_path, grant=False)
    for n in range(3):
        for minor in range(3):
            b.add_release(f"uji-{n}", f"1.{minor}.0", two_service(extra_web=f"labels: {{release: '{n}.{minor}'}}"))
    b.add_release("uji-1", "2.0.0", two_service(extra_web="privileged: true"))
    _edit_recipe_of(b, "uji-2", "1.1.0")
    single = [str(p) for p in validate_catalog(b.catalog, cache_dir=None)[1]]
    assert any("privileged" in p for p in single) and any("recipe of uji-2 1.1.0" in p for p in single)

    monkeypatch.setattr(validate_mod, "PER_WORKER", 1)
    monkeypatch.setattr(validate_mod, "BATCH", 2)
    started = []
    finish = validate_mod.Preloader.finish

    def counting_finish(self):
        finish(self)
        started.append(self.workers)

    monkeypatch.setattr(validate_mod.Preloader, "finish", counting_finish)
    assert [str(p) for p in validate_catalog(b.catalog, cache_dir=None)[1]] == single
    assert started and started[0] >= 2


def _dying_batch(directories, sources):
    os._exit(3)  # what the kernel's OOM killer leaves of a worker


@pytest.mark.parametrize("failure", ["no processes", "a worker dies"])
def test_workers_that_cannot_start_or_die_only_cost_speed(tmp_path, monkeypatch, failure):
    import concurrent.futures

    from ksad import validate as validate_mod

    b = CatalogBuilder(tmp_path, grant=False)
    for minor in range(4):
        b.add_release("uji-web", f"1.{minor}.0", two_service(extra_web=f"labels: {{release: '{minor}'}}"))
    b.add_release("uji-web", "2.0.0", two_service(extra_web="privileged: true"))
    single = [str(p) for p in validate_catalog(b.catalog, cache_dir=None)[1]]
    assert any("privileged" in p for p in single)
    monkeypatch.setattr(validate_mod, "PER_WORKER", 1)
    monkeypatch.setattr(validate_mod, "BATCH", 2)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    if failure == "no processes":
        def no_fork(*_a, **_k):
            raise OSError(11, "Resource temporarily unavailable")

        monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_fork)
    else:
        monkeypatch.setattr(validate_mod, "_load_batch", _dying_batch)
    assert [str(p) for p in validate_catalog(b.catalog, cache_dir=None)[1]] == single


def _edit_recipe_of(b: CatalogBuilder, app_id: str, version: str) -> None:
    with open(b.recipe_dir(app_id, version) / "compose.yaml", "a", encoding="utf-8") as fh:
        fh.write("# edited after pinning\n")


def test_a_broken_revocation_is_reported_with_no_mou_to_check(built, tmp_path):
    revocations = built.catalog / "revocations"
    revocations.mkdir(exist_ok=True)
    (revocations / "rusak.yaml").write_text("revokes: [unclosed\n", encoding="utf-8")
    built.resign()  # listed by the snapshot: only its own problem names it
    for _ in range(2):  # the second run has a memory of the first
        assert any("rusak.yaml" in p for p in _problems(built, tmp_path / "cache"))


def test_recipe_directories_resolve_as_realpath_does(tmp_path):
    """The batch resolution a settled entry uses gives os.path.realpath's answer for every shape
    of path: links at the end or before it, absolute paths, '.', '..', doubled and trailing slashes."""
    from ksad.validate import Memo, Run

    src = tmp_path / "src"
    (src / "recipes" / "a" / "1").mkdir(parents=True)
    (tmp_path / "other" / "x").mkdir(parents=True)
    (src / "recipes" / "a" / "2").symlink_to(tmp_path / "other" / "x")
    (src / "recipes" / "b").symlink_to(tmp_path / "other")
    rels = ["recipes/a/1", "recipes/a/2", "recipes/b/x", "/etc", str(tmp_path / "other" / "x"), "recipes/a/../a/1",
            "recipes/a/1/", "recipes//a/1", "recipes/a/.", "recipes/a/..", "x", "recipes/b/../a/1", "nope/q"]
    run = Run(Memo(tmp_path, None))
    assert run.recipe_dirs(str(src), rels) == [os.path.realpath(os.path.join(src, r)) for r in rels]


def test_releases_checked_again_come_from_what_a_clean_run_kept_not_from_the_yaml(built, tmp_path, monkeypatch):
    """A settled run decodes no release of any entry; one whose recipe was touched (same bytes) checks
    that entry's releases again from what was kept, and a torn file of them only costs a parse."""
    from ksad import validate
    from ksad import yamlio as yaml_mod
    from ksad.parsecache import StatDigests

    monkeypatch.setattr(StatDigests, "RACY_NS", 0)
    assert _problems(built, tmp_path / "cache") == []
    decoded: list[int] = []
    read = validate.Summaries._read
    monkeypatch.setattr(validate.Summaries, "_read", lambda self: decoded.append(1) or read(self))
    parsed: list[str] = []
    for name in ("load", "load_mapping"):
        real = getattr(yaml_mod, name)
        monkeypatch.setattr(yaml_mod, name, lambda *a, real=real, **kw: parsed.append(str(a[0])) or real(*a, **kw))
    assert _problems(built, tmp_path / "cache") == []
    assert decoded == [] and parsed == []
    compose = built.recipe_dir("uji-lain", "2.0.0") / "compose.yaml"
    os.utime(compose, ns=(compose.stat().st_atime_ns, compose.stat().st_mtime_ns - 10**9))  # same bytes
    assert _problems(built, tmp_path / "cache") == []
    entries = built.catalog / "apps"
    assert decoded and not [p for p in parsed if p.startswith(str(entries))]  # its releases, from what was kept
    (releases,) = (tmp_path / "cache").glob("releases-validate-*.json")
    releases.write_text("{", encoding="utf-8")
    os.utime(compose, ns=(compose.stat().st_atime_ns, compose.stat().st_mtime_ns - 10**9))
    assert _problems(built, tmp_path / "cache") == []
    assert {p for p in parsed if p.startswith(str(entries))} == {str(entries / "uji-lain.yaml")}


def _index_summary_edited(root: Path) -> str:
    blob = json.loads((root / "index.json").read_text(encoding="utf-8"))
    blob["apps"]["uji-web.yaml"]["summary"]["license"] = "GPL-3.0-only"
    (root / "index.json").write_text(json.dumps(blob), encoding="utf-8")
    return "uji-web.yaml"


def _entry_file_rewritten(root: Path) -> str:
    path = root / "entries" / "uji-web.json"
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")), indent=2), encoding="utf-8")
    return "entries/uji-web.json"


def _entry_file_left_over(root: Path) -> str:
    (root / "entries" / "uji-gone.json").write_text("{}", encoding="utf-8")
    return "entries/uji-gone.json"


def _documents_edited(root: Path) -> str:
    blob = json.loads((root / "documents.json").read_text(encoding="utf-8"))
    blob["documents"]["keys/keyring.yaml"]["data"]["expires"] = "2099-01-01"
    (root / "documents.json").write_text(json.dumps(blob), encoding="utf-8")
    return "documents.json"


@pytest.mark.parametrize("edit", [_index_summary_edited, _entry_file_rewritten, _entry_file_left_over,
                                  _documents_edited])
def test_an_index_gone_stale_after_a_clean_run_is_reported(built, tmp_path, monkeypatch, edit):
    """A clean run remembers the index's verdict by the digests of all it read; any of them
    changed, the index is judged again, and named stale as by a run with nothing remembered."""
    from ksad.catalog import write_index
    from ksad.parsecache import StatDigests

    monkeypatch.setattr(StatDigests, "RACY_NS", 0)
    write_index(built.catalog)
    built.world.snapshot()
    for _ in range(2):  # a first run, and one from what it remembered
        assert _problems(built, tmp_path / "cache") == []
    stale = edit(built.catalog)
    found = _problems(built, tmp_path / "cache")
    assert any("index.json" in p and "does not match" in p and stale in p for p in found), found
    assert found == _problems(built, None)


@pytest.mark.parametrize("text, problem", [
    ("name: test catalog\nsources: [../src]\n", "catalog.yaml:2: sources: must be of type string"),
    ("name: test catalog\nsorces: ../src\n", "catalog.yaml:1: (top): unknown key(s): sorces"),
    ("sources: ../src\n", "catalog.yaml:1: name: required field 'name' is missing"),
])
def test_catalog_yaml_is_checked_by_its_schema(built, tmp_path, text, problem):
    (built.catalog / "catalog.yaml").write_text(text, encoding="utf-8")
    for cache in (tmp_path / "cache", tmp_path / "cache"):  # and once more, remembered
        found = _problems(built, cache)
        assert any(problem in p for p in found), found


def test_a_catalog_whose_sources_is_not_a_path_is_refused_by_every_command(built, run_ksad):
    (built.catalog / "catalog.yaml").write_text("name: test catalog\nsources: 5\n", encoding="utf-8")
    for args in (["catalog", "show", "uji-web"], ["install", "uji-web", "--dry-run"]):
        proc = run_ksad("--catalog", built.catalog, *args, check=3)
        assert (f"{built.catalog / 'catalog.yaml'}: sources must be a directory path, as text, relative to the "
                "catalog (found 5).") in proc.stderr


def test_a_link_out_of_a_build_context_is_reported_as_install_would_refuse_it(built, tmp_path):
    leak = built.src / "recipes" / "standin" / "web" / "leak"
    leak.symlink_to("/etc/hostname")
    _repin(built, "web")  # pinned and signed: only the link itself is wrong
    for _ in range(2):  # and again, with the rest remembered
        found = _problems(built, tmp_path / "cache")
        assert any(f"builds.web: {leak}: a symbolic link in a build context points outside it." in p
                   for p in found), found
    leak.unlink()
    leak.symlink_to("Dockerfile")  # within the context: fine
    _repin(built, "web")
    assert _problems(built, tmp_path / "cache") == []
