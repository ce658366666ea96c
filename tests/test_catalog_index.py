"""The catalog's own index.json: what a client with no cache reads instead of every app file.

It must only ever cost speed when it is wrong: an entry is used only for a file whose
bytes it hashes, so an edited app file is read again, and a broken index is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from catalog_factory import CatalogBuilder, two_service
from ksad import catalog as catalog_mod
from ksad.catalog import DOCUMENTS_FILE, ENTRIES_DIR, INDEX_FILE, open_catalog, write_index
from ksad.errors import ConflictError
from ksad.parsecache import StatDigests
from ksad.validate import validate_catalog


@pytest.fixture
def built(tmp_path) -> CatalogBuilder:
    b = CatalogBuilder(tmp_path, grant=False)
    b.add_release("uji-web", "1.0.0", two_service())
    b.add_release("uji-web", "1.1.0", two_service())
    b.add_release("uji-lain", "2.0.0", two_service())
    return b


def _listing(root: Path, cache: Path) -> dict[str, tuple[str, ...]]:
    return {a.id: a.versions for a in open_catalog(root, cache_dir=cache).apps()}


def test_a_cold_cache_reads_the_index_not_the_entries(built, tmp_path, monkeypatch):
    write_index(built.catalog)
    expected = _listing(built.catalog, tmp_path / "warm")

    def no_parsing(*_a, **_k):
        raise AssertionError("an app file was parsed although the index covers it")

    monkeypatch.setattr(catalog_mod, "_parse_entry", no_parsing)
    assert _listing(built.catalog, tmp_path / "cold") == expected == {"uji-lain": ("2.0.0",),
                                                                      "uji-web": ("1.1.0", "1.0.0")}


def test_an_app_file_changed_after_indexing_is_read_again(built, tmp_path):
    write_index(built.catalog)
    built.add_release("uji-web", "1.2.0", two_service())  # the index still says 1.1.0 is the newest
    assert _listing(built.catalog, tmp_path / "cold")["uji-web"] == ("1.2.0", "1.1.0", "1.0.0")
    _, problems = validate_catalog(built.catalog)
    stale = [p for p in problems if p.file.endswith(INDEX_FILE)]
    assert len(stale) == 1 and stale[0].warning and "uji-web.yaml" in stale[0].message


def _read_files(monkeypatch) -> list[str]:
    """The app files the catalog's cache reads (hashes) from now on, by name."""
    read: list[str] = []
    real = Path.read_bytes

    def counted(self):
        if self.parent.name == "apps":
            read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counted)
    return read


def test_a_warm_list_reads_no_app_file_whose_stat_is_unchanged(built, tmp_path, monkeypatch):
    monkeypatch.setattr(StatDigests, "RACY_NS", 0)  # the files were written just now
    cache = tmp_path / "cache"
    _listing(built.catalog, cache)
    read = _read_files(monkeypatch)
    assert _listing(built.catalog, cache)["uji-web"] == ("1.1.0", "1.0.0") and read == []


def test_an_app_file_edited_in_place_with_its_mtime_put_back_is_read_again(built, tmp_path, monkeypatch):
    """Same size, same inode, the old mtime restored (touch -r, cp -p): only the ctime shows the
    edit, and the install gate would otherwise have resolved a release the file no longer holds."""
    monkeypatch.setattr(StatDigests, "RACY_NS", 0)
    cache = tmp_path / "cache"
    assert _listing(built.catalog, cache)["uji-lain"] == ("2.0.0",)
    path = built.catalog / "apps" / "uji-lain.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "version: 2.0.0" in text
    with open(path, "r+", encoding="utf-8") as fh:  # in place: the inode stays
        fh.write(text.replace("version: 2.0.0", "version: 2.0.1"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_mtime_ns, after.st_size, after.st_ino) == (before.st_mtime_ns, before.st_size, before.st_ino)
    app = open_catalog(built.catalog, cache_dir=cache).app("uji-lain")
    assert app.versions == ("2.0.1",) and [str(r["version"]) for r in app.data["releases"]] == ["2.0.1"]


def test_an_app_file_changed_just_now_is_not_taken_from_the_cache_by_its_stat(built, tmp_path, monkeypatch):
    """Within StatDigests.RACY_NS of its last change, a file could change again in the same
    timestamp tick with nothing in its stat to show it: it is read on every run until it settles."""
    cache = tmp_path / "cache"
    _listing(built.catalog, cache)
    read = _read_files(monkeypatch)
    _listing(built.catalog, cache)
    assert sorted(read) == ["uji-lain.yaml", "uji-web.yaml"]


@pytest.mark.parametrize("content", ["null", "[]", '{"format": 3, "files": []}', '{"format": 3, "files": {"uji-web.yaml": 1}}',
                                     '{"format": 3, "files": {"uji-web.yaml": {"id": "uji-web"}}}'])
def test_a_cache_index_not_as_ksad_writes_it_is_ignored(built, tmp_path, monkeypatch, content):
    monkeypatch.setattr(StatDigests, "RACY_NS", 0)
    cache = tmp_path / "cache"
    expected = _listing(built.catalog, cache)
    (catalog_mod._catalog_cache(built.catalog, cache) / "index.json").write_text(content, encoding="utf-8")
    assert _listing(built.catalog, cache) == expected


@pytest.mark.parametrize("content", ["null", "[]", '{"sha256": "0", "meta": {}}', "{}", "this file's sha256, no mapping"])
def test_a_cached_catalog_yaml_not_as_ksad_writes_it_is_ignored(built, tmp_path, content):
    cache = tmp_path / "cache"
    meta = open_catalog(built.catalog, cache_dir=cache).meta
    kept = catalog_mod._catalog_cache(built.catalog, cache) / "meta.json"
    assert json.loads(kept.read_text())["meta"] == meta != {}
    kept.write_text(content, encoding="utf-8")
    if content.startswith("this file's"):
        digest = hashlib.sha256((built.catalog / "catalog.yaml").read_bytes()).hexdigest()
        kept.write_text(json.dumps({"sha256": digest, "meta": []}))
    assert open_catalog(built.catalog, cache_dir=cache).meta == meta


def test_catalog_yaml_edited_with_its_stat_put_back_is_read_again(built, tmp_path):
    cache = tmp_path / "cache"
    path = built.catalog / "catalog.yaml"
    assert open_catalog(built.catalog, cache_dir=cache).meta["name"] == "test catalog"
    before, text = path.stat(), path.read_text(encoding="utf-8")
    with open(path, "r+", encoding="utf-8") as fh:  # in place, the same size
        fh.write(text.replace("test catalog", "test katalog"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert open_catalog(built.catalog, cache_dir=cache).meta["name"] == "test katalog"


@pytest.mark.parametrize("content", ["{not json", '{"format": 3, "apps": []}', '[]',
                                     '{"format": 3, "apps": {"uji-web.yaml": {"sha256": 1}}}'])
def test_a_broken_index_is_ignored(built, tmp_path, content):
    (built.catalog / INDEX_FILE).write_text(content, encoding="utf-8")
    assert _listing(built.catalog, tmp_path / "cold")["uji-web"] == ("1.1.0", "1.0.0")


def test_catalog_index_command_dry_run_then_write_and_resign(built, run_ksad):
    cat = ("--catalog", built.catalog)
    dry = run_ksad(*cat, "catalog", "index", "--dry-run", check=True)
    assert "Would write" in dry.stderr and not (built.catalog / INDEX_FILE).exists()
    wrote = run_ksad(*cat, "catalog", "index", check=True)
    assert "Wrote" in wrote.stderr and "sign it again" in wrote.stderr
    listed = json.loads((built.catalog / INDEX_FILE).read_text())["apps"]
    assert sorted(listed) == ["uji-lain.yaml", "uji-web.yaml"]
    shipped = json.loads((built.catalog / DOCUMENTS_FILE).read_text())["documents"]
    assert "keys/keyring.yaml" in shipped
    refused = run_ksad(*cat, "catalog", "validate")  # the snapshot does not list the new files yet
    assert refused.returncode != 0 and ("index.json" in refused.stderr or "documents.json" in refused.stderr)
    # what the message above says to run: the index is current, the snapshot is not, so it is signed
    again = run_ksad(*cat, "catalog", "index", "--snapshot-key", built.world.files["maintainer"], "--json",
                     check=True)
    data = json.loads(again.stdout)["data"]
    assert data["changed"] is False and data["snapshot"].endswith("snapshot.json")
    run_ksad(*cat, "catalog", "validate", check=True)
    # once it lists the catalog as it is, a re-run signs nothing
    data = json.loads(run_ksad(*cat, "catalog", "index", "--snapshot-key", built.world.files["maintainer"],
                               "--json", check=True).stdout)["data"]
    assert data["changed"] is False and data["snapshot"] is None
    (built.catalog / INDEX_FILE).unlink()
    signed = json.loads(run_ksad(*cat, "catalog", "index", "--snapshot-key", built.world.files["maintainer"],
                                 "--json", check=True).stdout)["data"]
    assert signed["changed"] is True and signed["snapshot"].endswith("snapshot.json")
    run_ksad(*cat, "catalog", "validate", check=True)


def test_catalog_index_signs_a_snapshot_that_lists_a_covered_file_changed_outside_the_index(built, run_ksad):
    cat = ("--catalog", built.catalog)
    run_ksad(*cat, "catalog", "index", "--snapshot-key", built.world.files["maintainer"], check=True)
    run_ksad(*cat, "catalog", "validate", check=True)
    # new region data (a Kepmendagri update): not part of the index, but covered by the snapshot
    shutil.copy(Path(__file__).parent.parent / "catalog" / "regions.json", built.catalog / "regions.json")
    proc = run_ksad(*cat, "catalog", "index", check=True)
    assert "up to date" in proc.stderr and "regions.json" in proc.stderr and "--snapshot-key" in proc.stderr
    proc = run_ksad(*cat, "catalog", "index", env={"KSAD_LANG": "id"}, check=True)
    assert "regions.json" in proc.stderr and "Tandatangani lagi" in proc.stderr
    run_ksad(*cat, "catalog", "validate", check=3)
    proc = run_ksad(*cat, "catalog", "index", "--snapshot-key", built.world.files["maintainer"], check=True)
    assert "Signed" in proc.stderr
    run_ksad(*cat, "catalog", "validate", check=True)
    run_ksad(*cat, "mou", "list", "--all", check=True)


def test_the_bundled_index_is_current():
    from ksad.settings import BUNDLED_CATALOG

    _, problems = validate_catalog(BUNDLED_CATALOG)
    assert not [p for p in problems if p.file.endswith(INDEX_FILE)]
    assert (BUNDLED_CATALOG / INDEX_FILE).exists()


def _widen_shipped_grant(root: Path) -> None:
    blob = json.loads((root / DOCUMENTS_FILE).read_text())
    docs = [d for rel, d in blob["documents"].items() if rel.startswith("mous/")]
    assert docs
    for d in docs:
        d["data"]["apps"] = [{"app": a["app"], "versions": ">=0"} for a in d["data"]["apps"]]
    (root / DOCUMENTS_FILE).write_text(json.dumps(blob))


def test_shipped_mous_are_still_checked_by_signature(tmp_path):
    from trust_factory import World

    from ksad.errors import TrustError
    from ksad.mou import find_grant
    from ksad.trust import KEYRING_FILE, load_keyring

    world = World(tmp_path)
    world.write_app()
    world.write_mou()
    write_index(world.root)
    keyring = load_keyring(world.root / KEYRING_FILE)  # read from the shipped index: no cache yet
    assert find_grant(world.root, keyring, publisher="32.73", partner="52.04", app="e-budgeting",
                      version="1.5.0").ok
    _widen_shipped_grant(world.root)  # someone widens the grant in the index, not in the signed file
    from ksad.settings import Settings

    shutil.rmtree(Settings.from_env().cache_dir)
    with pytest.raises(TrustError, match="changed after it was signed"):
        find_grant(world.root, keyring, publisher="32.73", partner="52.04", app="e-budgeting", version="7.0.0")


def test_documents_no_snapshot_vouched_for_are_never_kept_for_a_later_check(tmp_path):
    """A command that checks no snapshot (export, validate) reads a documents.json from a bad
    mirror that gives revocation A's file the content of revocation B (both validly signed).
    Once the signed documents.json is back, A must be revoked again: what was taken from the
    unvouched file served that command only, and was not kept by the file's digest."""
    from trust_factory import World

    from ksad.mou import load_revocations, revoke_mou
    from ksad.trust import KEYRING_FILE, load_keyring, verify_snapshot

    world = World(tmp_path)
    world.write_app()
    a, b = "3273-5204-119-2026", "3273-5204-120-2026"
    world.write_mou(world.mou_doc(a))
    world.write_mou(world.mou_doc(b))
    keyring = load_keyring(world.root / KEYRING_FILE)
    revoke_mou(world.root, a, world.key("sumbawa"), keyring, reason="diakhiri")
    revoke_mou(world.root, b, world.key("bandung"), keyring, reason="diganti")
    write_index(world.root)
    world.snapshot()
    signed = (world.root / DOCUMENTS_FILE).read_bytes()
    blob = json.loads(signed)
    docs = blob["documents"]
    docs[f"revocations/{a}.yaml"]["data"] = docs[f"revocations/{b}.yaml"]["data"]
    (world.root / DOCUMENTS_FILE).write_text(json.dumps(blob))
    assert a not in load_revocations(world.root)  # that command was misled, as it checks nothing

    (world.root / DOCUMENTS_FILE).write_bytes(signed)
    verify_snapshot(world.root, tmp_path / "trust")  # what install and mou list do first
    revoked = load_revocations(world.root)
    assert [d["revokes"] for _, d in revoked[a]] == [a] and [d["revokes"] for _, d in revoked[b]] == [b]


def test_a_shipped_document_that_fails_its_schema_is_parsed_instead(tmp_path):
    from trust_factory import World

    from ksad.mou import find_grant
    from ksad.trust import KEYRING_FILE, load_keyring

    world = World(tmp_path)
    world.write_app()
    world.write_mou()
    write_index(world.root)
    blob = json.loads((world.root / DOCUMENTS_FILE).read_text())
    for d in blob["documents"].values():
        d["data"] = {"broken": True}
    (world.root / DOCUMENTS_FILE).write_text(json.dumps(blob))
    keyring = load_keyring(world.root / KEYRING_FILE)
    assert find_grant(world.root, keyring, publisher="32.73", partner="52.04", app="e-budgeting",
                      version="1.5.0").ok


def test_a_file_the_snapshot_check_hashed_is_taken_from_the_index_unread_unless_the_index_fails(
        tmp_path, monkeypatch):
    from trust_factory import World

    from ksad import parsecache
    from ksad.mou import load_mous
    from ksad.settings import Settings
    from ksad.trust import verify_snapshot

    world = World(tmp_path)
    world.write_app()
    path = world.write_mou()
    write_index(world.root)
    world.snapshot()
    read: list[str] = []
    real = parsecache.read_hashed
    monkeypatch.setattr(parsecache, "read_hashed", lambda p: read.append(Path(p).name) or real(p))
    verify_snapshot(world.root, tmp_path / "trust")  # hashes every catalog file, after reading the keyring
    read.clear()
    assert load_mous(world.root)[0][1]["partner"]["code"] == "52.04"
    assert read == []  # its content came from documents.json, by the digest the snapshot check took
    blob = json.loads((world.root / DOCUMENTS_FILE).read_text())
    for d in blob["documents"].values():
        d["data"] = {"broken": True}
    (world.root / DOCUMENTS_FILE).write_text(json.dumps(blob))
    shutil.rmtree(Settings.from_env().cache_dir)
    assert load_mous(world.root)[0][1]["partner"]["code"] == "52.04"
    assert read == [path.name]  # parsed from what was read, and hashed as read


def test_an_unwritable_catalog_gets_a_message_not_a_traceback(built, run_ksad):
    import os

    if os.geteuid() == 0:
        (built.catalog / INDEX_FILE).mkdir()  # root may write anywhere: a directory in the way fails for all
    else:
        built.catalog.chmod(0o555)
    try:
        out = run_ksad("--catalog", built.catalog, "catalog", "index")
    finally:
        built.catalog.chmod(0o755)
    assert out.returncode == 3 and "cannot write" in out.stderr and "Traceback" not in out.stderr


def test_a_first_run_takes_the_trusted_keyring_from_the_index_and_checks_any_other(tmp_path):
    import shutil

    from trust_factory import World

    from ksad.settings import Settings
    from ksad.trust import KEYRING_FILE, verify_snapshot

    world = World(tmp_path)
    world.write_app()
    world.write_mou()
    write_index(world.root)
    world.snapshot()
    state = tmp_path / "trust"
    assert verify_snapshot(world.root, state).keyring.threshold == 2  # now trusted by this client
    shutil.rmtree(Settings.from_env().cache_dir)
    assert verify_snapshot(world.root, state).keyring.threshold == 2  # the same keyring, from the index
    blob = json.loads((world.root / DOCUMENTS_FILE).read_text())
    blob["documents"][KEYRING_FILE]["data"]["threshold"] = "two"  # not what was trusted, and not schema-valid
    (world.root / DOCUMENTS_FILE).write_text(json.dumps(blob))
    world.snapshot()
    shutil.rmtree(Settings.from_env().cache_dir)
    assert verify_snapshot(world.root, state).keyring.threshold == 2  # checked, refused, read from the YAML


# --- the parsed entries shipped beside the index (entries/<id>.json): shown, never installed ---


def _shipped(root: Path, app_id: str) -> Path:
    return root / ENTRIES_DIR / f"{app_id}.json"


def _replace_shipped(root: Path, app_id: str, blob: dict, *, pin: str = "new") -> None:
    """Write *blob* as the app's shipped entry. *pin*: "new" updates the index's pin on it (as the
    publisher's tool would), "stale" leaves the old one, "none" removes it (an older index)."""
    path = _shipped(root, app_id)
    path.write_text(json.dumps(blob))
    index = json.loads((root / INDEX_FILE).read_text())
    app = index["apps"][f"{app_id}.yaml"]
    if pin == "new":
        app["entry"] = hashlib.sha256(path.read_bytes()).hexdigest()
    elif pin == "none":
        del app["entry"]
    (root / INDEX_FILE).write_text(json.dumps(index))


def test_a_cold_show_reads_the_shipped_entry_not_the_yaml(built, tmp_path, monkeypatch):
    write_index(built.catalog)
    expected = open_catalog(built.catalog, cache_dir=tmp_path / "warm").app("uji-web").data

    def no_parsing(*_a, **_k):
        raise AssertionError("the app file was parsed although entries/ holds it")

    monkeypatch.setattr(catalog_mod, "_parse_entry", no_parsing)
    app = open_catalog(built.catalog, cache_dir=tmp_path / "cold").app("uji-web")
    assert app.view == expected
    assert [r.version for r in app.releases(app.view)] == ["1.1.0", "1.0.0"]


def test_one_app_of_a_catalog_nobody_indexed_is_parsed_once_then_edited_parsed_again(built, tmp_path, monkeypatch):
    """No index, shipped or cached (nothing listed every app yet): the parse kept of the same bytes is used."""
    cache = tmp_path / "cache"
    parsed: list[str] = []
    parse = catalog_mod._parse_entry
    monkeypatch.setattr(catalog_mod, "_parse_entry", lambda path, raw: parsed.append(path.name) or parse(path, raw))
    first = open_catalog(built.catalog, cache_dir=cache).app("uji-web").view
    again = open_catalog(built.catalog, cache_dir=cache).app("uji-web")
    assert again.view == first and again.versions == ("1.1.0", "1.0.0")
    assert parsed == ["uji-web.yaml"] and not (cache / "index.json").exists()
    built.add_release("uji-web", "1.2.0", two_service())
    assert open_catalog(built.catalog, cache_dir=cache).app("uji-web").versions == ("1.2.0", "1.1.0", "1.0.0")
    assert parsed == ["uji-web.yaml"] * 2


def test_an_app_file_copied_under_another_name_is_refused_though_its_bytes_were_parsed_before(built, tmp_path):
    """The parse kept by the bytes' sha256 is the original's: the copy's id names another file.
    Listed from the cache as from nothing, the copy is refused (before the fifteenth session's
    review, the kept parse stood for it and the list went on without it)."""
    from ksad.errors import InputError

    cache = tmp_path / "cache"
    open_catalog(built.catalog, cache_dir=cache).app("uji-web").view  # keeps the parse of its bytes
    shutil.copyfile(built.catalog / "apps" / "uji-web.yaml", built.catalog / "apps" / "uji-copy.yaml")
    for kept in (cache, None):
        with pytest.raises(InputError, match="id 'uji-web' does not match the file name 'uji-copy.yaml'"):
            open_catalog(built.catalog, cache_dir=kept).apps()


def test_an_app_file_copied_under_another_name_is_refused_though_an_index_lists_it(built, tmp_path):
    """An index entry naming another id is no entry of the file: a cache index.json kept by a
    ksad before the fifteenth session's review, or a publisher's index.json written by hand, that
    lists the copy with the original's id (and the copy's own stat and sha256) hides nothing."""
    from ksad.errors import InputError

    cache = tmp_path / "cache"
    write_index(built.catalog)
    open_catalog(built.catalog, cache_dir=cache).apps()  # the cache's index.json
    copy = built.catalog / "apps" / "uji-copy.yaml"
    shutil.copyfile(built.catalog / "apps" / "uji-web.yaml", copy)
    for name in (catalog_mod._catalog_cache(built.catalog, cache) / "index.json", built.catalog / "index.json"):
        blob = json.loads(name.read_text())
        files = blob["files"] if "files" in blob else blob["apps"]
        files["uji-copy.yaml"] = dict(files["uji-web.yaml"])
        if "stat" in files["uji-copy.yaml"]:
            files["uji-copy.yaml"]["stat"] = catalog_mod._stat_sig(copy)
        name.write_text(json.dumps(blob))
    for kept in (cache, None):
        with pytest.raises(InputError, match="id 'uji-web' does not match the file name 'uji-copy.yaml'"):
            open_catalog(built.catalog, cache_dir=kept).apps()


def test_show_json_is_the_same_from_the_shipped_entry_as_from_the_yaml(built, run_ksad, tmp_path):
    cat = ("--catalog", built.catalog)
    write_index(built.catalog)
    shipped = run_ksad(*cat, "catalog", "show", "uji-web", "--json", check=True).stdout
    shutil.rmtree(built.catalog / ENTRIES_DIR)
    parsed = run_ksad(*cat, "catalog", "show", "uji-web", "--json", env={"KSAD_HOME": str(tmp_path / "other")},
                      check=True).stdout
    assert shipped == parsed and '"1.1.0"' in shipped


def test_an_older_signed_entry_in_entries_is_never_what_install_reads(built, tmp_path):
    """Someone puts an older entry, validly signed by the publisher, in place of the shipped one."""
    from ksad.errors import TrustError
    from ksad.trust import KEYRING_FILE, load_keyring, verify_app_entry, verify_snapshot

    write_index(built.catalog)
    older = json.loads(_shipped(built.catalog, "uji-web").read_text())["data"]
    yaml_file = built.catalog / "apps" / "uji-web.yaml"
    yaml_file.write_text(yaml_file.read_text().replace("Release 1.1.0", "Release 1.1.0, revised"))
    built.resign()
    write_index(built.catalog)
    built.world.snapshot()
    blob = json.loads(_shipped(built.catalog, "uji-web").read_text())
    _replace_shipped(built.catalog, "uji-web", {**blob, "data": older})
    keyring = load_keyring(built.catalog / KEYRING_FILE)

    cache = tmp_path / "cache"
    shown = open_catalog(built.catalog, cache_dir=cache).app("uji-web").view
    assert verify_app_entry(shown, keyring)  # the stand-in is validly signed: only its place gives it away
    assert shown["releases"][1]["changelog"]["en"] == "Release 1.1.0"
    for _ in range(2):  # the same process after a show, then a later command with the same cache
        installed = open_catalog(built.catalog, cache_dir=cache).app("uji-web").data
        assert installed["releases"][1]["changelog"]["en"] == "Release 1.1.0, revised"
    with pytest.raises(TrustError, match="index.json"):  # which pins the entry: install refuses the catalog
        verify_snapshot(built.catalog, tmp_path / "trust")


def _other_bytes(blob: dict) -> dict:
    return {**blob, "sha256": "0" * 64}


def _older_format(blob: dict) -> dict:
    return {**blob, "format": blob["format"] - 1}


def _breaks_the_schema(blob: dict) -> dict:
    blob["data"]["releases"][0]["recipe"]["sha256"] = "not a digest"
    return blob


def _drops_a_release(blob: dict) -> dict:
    blob["data"]["releases"] = blob["data"]["releases"][:1]
    return blob


def _names_another_app(blob: dict) -> dict:
    blob["data"]["id"] = "uji-lain"
    return blob


def _as_is(blob: dict) -> dict:
    return blob


@pytest.mark.parametrize(("tamper", "pin"), [
    (_other_bytes, "new"), (_older_format, "new"), (_breaks_the_schema, "new"), (_drops_a_release, "new"),
    (_names_another_app, "new"), (_as_is, "stale"), (_as_is, "none")])
def test_an_unsound_shipped_entry_is_ignored_for_the_yaml(built, tmp_path, tamper, pin):
    write_index(built.catalog)
    cache = tmp_path / "cache"
    assert open_catalog(built.catalog, cache_dir=cache).app("uji-web").view  # a sound one first: its verdict is kept
    expected = open_catalog(built.catalog, cache_dir=tmp_path / "parsed").app("uji-web").data
    path = _shipped(built.catalog, "uji-web")
    blob = json.loads(path.read_text())
    blob["data"]["name"]["en"] = "Shown only if the unsound entry were used"
    _replace_shipped(built.catalog, "uji-web", tamper(blob), pin=pin)
    app = open_catalog(built.catalog, cache_dir=cache).app("uji-web")
    assert app.view == expected and [r.version for r in app.releases(app.view)] == ["1.1.0", "1.0.0"]


def test_show_reads_an_app_file_changed_after_indexing(built, tmp_path):
    write_index(built.catalog)
    built.add_release("uji-web", "1.2.0", two_service())  # the shipped entry still stops at 1.1.0
    app = open_catalog(built.catalog, cache_dir=tmp_path / "cold").app("uji-web")
    assert [r.version for r in app.releases(app.view)] == ["1.2.0", "1.1.0", "1.0.0"]


def test_entries_follow_the_app_files_and_validate_names_a_stale_one(built):
    write_index(built.catalog)
    assert sorted(p.name for p in (built.catalog / ENTRIES_DIR).iterdir()) == ["uji-lain.json", "uji-web.json"]
    (built.catalog / "apps" / "uji-lain.yaml").unlink()
    _, _, changed = write_index(built.catalog)
    assert changed and [p.name for p in (built.catalog / ENTRIES_DIR).iterdir()] == ["uji-web.json"]
    path = _shipped(built.catalog, "uji-web")
    path.write_text(json.dumps(json.loads(path.read_text()), indent=2))  # same content, other bytes
    _, problems = validate_catalog(built.catalog)
    stale = [p for p in problems if p.file.endswith(INDEX_FILE)]
    assert len(stale) == 1 and stale[0].warning and "entries/uji-web.json" in stale[0].message


def test_cache_files_cut_short_are_ignored(built, tmp_path):
    """Cache files are written without fsync: after a crash one may hold only its first bytes."""
    cache = tmp_path / "cache"
    expected = {a.id: (a.versions, a.data) for a in open_catalog(built.catalog, cache_dir=cache).apps()}
    kept = sorted(p for p in cache.rglob("*.json"))
    assert kept  # the index, the catalog's metadata and each parsed entry
    for path in kept:
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    assert {a.id: (a.versions, a.data) for a in open_catalog(built.catalog, cache_dir=cache).apps()} == expected


def test_show_reads_only_its_own_app_file(built, run_ksad):
    (built.catalog / "apps" / "uji-lain.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    cat = ("--catalog", built.catalog)
    shown = run_ksad(*cat, "catalog", "show", "uji-web", check=True)
    assert "1.1.0" in shown.stderr
    listed = run_ksad(*cat, "catalog", "list")  # listing needs every file, so the broken one stops it
    assert listed.returncode != 0 and "uji-lain.yaml" in listed.stderr


def _outputs(root: Path) -> dict[str, bytes]:
    files = [root / INDEX_FILE, root / DOCUMENTS_FILE, *sorted((root / ENTRIES_DIR).glob("*.json"))]
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def _edit_entry_file(b: CatalogBuilder) -> None:
    _shipped(b.catalog, "uji-web").write_text('{"format": 3}', encoding="utf-8")


def _edit_documents(b: CatalogBuilder) -> None:
    _widen_shipped_grant(b.catalog)


def _new_release(b: CatalogBuilder) -> None:
    b.add_release("uji-web", "1.2.0", two_service())


def _entry_file_gone(b: CatalogBuilder) -> None:
    _shipped(b.catalog, "uji-lain").unlink()


def _hidden_app_edit(b: CatalogBuilder) -> None:
    """The app file's short description changed, its size and mtime kept (only the ctime shows it)."""
    path = b.catalog / "apps" / "uji-web.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "A test app" in text
    path.write_text(text.replace("A test app", "A best app", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.mark.parametrize("remember_fresh_files", [False, True], ids=["racy-second", "remembered"])
@pytest.mark.parametrize("edit", [_edit_entry_file, _edit_documents, _new_release, _entry_file_gone,
                                  _hidden_app_edit])
def test_a_remembering_index_writes_what_a_fresh_one_writes(tmp_path, monkeypatch, edit, remember_fresh_files):
    """`catalog index` remembers each content's index entry and documents.json's digest, and each
    file's sha256 by its stat signature; whatever changed since (an output edited by hand, or an
    input, even with its size and mtime put back), it writes what a run with nothing remembered
    writes. The files here are seconds old, so a second parametrisation remembers them anyway."""
    if remember_fresh_files:
        monkeypatch.setattr(StatDigests, "RACY_NS", 0)
    b = CatalogBuilder(tmp_path, grant=True)
    b.add_release("uji-web", "1.0.0", two_service())
    b.add_release("uji-lain", "2.0.0", two_service())
    write_index(b.catalog, cache_dir=tmp_path / "warm")
    before = _outputs(b.catalog)
    edit(b)
    assert write_index(b.catalog, cache_dir=tmp_path / "warm")[2] is True
    warm = _outputs(b.catalog)
    assert write_index(b.catalog, cache_dir=tmp_path / "fresh")[2] is False  # nothing left to change
    assert _outputs(b.catalog) == warm
    if edit in (_new_release, _hidden_app_edit):
        assert warm != before
    else:
        assert warm == before
    if remember_fresh_files:
        kept = json.loads(next((tmp_path / "warm").glob("catalog-*/digests.json")).read_text())["files"]
        assert {"apps/uji-web.yaml", "index.json", "mous/" + next((b.catalog / "mous").glob("*.yaml")).name} <= set(kept)


def test_an_app_file_not_what_was_hashed_when_its_entry_is_made_stops_the_index(built, tmp_path, monkeypatch):
    """The app file changed between its hashing and its parse (doctored here through the digest memo):
    the index would pin bytes it did not read, so it stops with a message instead."""
    monkeypatch.setattr(StatDigests, "RACY_NS", 0)
    write_index(built.catalog, cache_dir=tmp_path / "cache")
    (memo,) = (tmp_path / "cache").glob("catalog-*/digests.json")
    blob = json.loads(memo.read_text())
    blob["files"]["apps/uji-web.yaml"][5] = "0" * 64
    memo.write_text(json.dumps(blob))
    with pytest.raises(ConflictError) as exc:
        write_index(built.catalog, cache_dir=tmp_path / "cache")
    assert exc.value.message == (f"{built.catalog / 'apps' / 'uji-web.yaml'} changed while the index was being "
                                 "written: run 'ksad catalog index' again.")


def test_documents_json_is_never_built_from_what_install_and_list_keep(tmp_path):
    """Their MoU caches may hold content decoded from documents.json itself; the index is built
    from the files (a cache of its own), so a wrong cached MoU cannot be published."""
    from ksad.mou import load_mous
    from ksad.settings import Settings

    b = CatalogBuilder(tmp_path, grant=True)
    b.add_release("uji-web", "1.0.0", two_service())
    write_index(b.catalog, cache_dir=tmp_path / "fresh")
    expected = (b.catalog / DOCUMENTS_FILE).read_bytes()
    (b.catalog / DOCUMENTS_FILE).unlink()
    load_mous(b.catalog)  # parses the files into the MoU parse cache
    caches = list(Settings.from_env().cache_dir.glob("parsed-mou-*.json"))
    assert caches
    for cache in caches:
        blob = json.loads(cache.read_text())
        for data in blob["entries"].values():
            data["apps"] = [{"app": "uji-web", "versions": ">=0"}, {"app": "bukan-milik", "versions": ">=0"}]
        cache.write_text(json.dumps(blob))
    assert any(d["apps"][1]["app"] == "bukan-milik" for _, d in load_mous(b.catalog))  # what they now say
    write_index(b.catalog)
    assert (b.catalog / DOCUMENTS_FILE).read_bytes() == expected


def _many_apps(tmp_path: Path) -> CatalogBuilder:
    b = CatalogBuilder(tmp_path, grant=True)
    for n in range(7):
        b.add_release(f"uji-{n}", "1.0.0", two_service())
    return b


def _dying_parse_batch(items):
    os._exit(3)  # what the kernel's OOM killer leaves of a worker


@pytest.mark.parametrize("workers", ["in worker processes", "no processes", "a worker dies"])
def test_app_files_parsed_in_worker_processes_index_the_same(tmp_path, monkeypatch, workers):
    """A cold index of a national catalog parses its app files in one process per CPU; what it
    writes is byte for byte what one process writes, and workers that cannot start or die only
    cost speed."""
    import concurrent.futures

    b = _many_apps(tmp_path / "catalog")
    write_index(b.catalog, cache_dir=tmp_path / "single")
    expected = _outputs(b.catalog)
    for p in _outputs(b.catalog):
        (b.catalog / p).unlink()
    monkeypatch.setattr(catalog_mod, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(catalog_mod, "PARSE_BATCH", 2)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    started = []
    from ksad import workers as workers_mod

    real_submit = workers_mod.Workers.submit

    def counting_submit(self, batch):
        took = real_submit(self, batch)
        started.append(took)
        return took

    monkeypatch.setattr(workers_mod.Workers, "submit", counting_submit)
    if workers == "no processes":
        def no_fork(*_a, **_k):
            raise OSError(11, "Resource temporarily unavailable")

        monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_fork)
    elif workers == "a worker dies":
        monkeypatch.setattr(catalog_mod, "_parse_batch", _dying_parse_batch)
    assert write_index(b.catalog, cache_dir=tmp_path / "workers")[2] is True
    assert _outputs(b.catalog) == expected
    assert started and all(started) == (workers != "no processes")


def test_an_invalid_app_file_parsed_in_a_worker_stops_the_index_as_in_one_process(tmp_path, monkeypatch):
    from ksad.errors import InputError

    b = _many_apps(tmp_path / "catalog")
    path = b.catalog / "apps" / "uji-3.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("version: 1.0.0", "version: satu"), encoding="utf-8")
    with pytest.raises(InputError) as single:
        write_index(b.catalog, cache_dir=tmp_path / "single")
    assert "uji-3.yaml" in single.value.message and "satu" in single.value.message
    monkeypatch.setattr(catalog_mod, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(catalog_mod, "PARSE_BATCH", 2)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    with pytest.raises(InputError) as parallel:
        write_index(b.catalog, cache_dir=tmp_path / "workers")
    assert (parallel.value.key, parallel.value.message) == (single.value.key, single.value.message)


def _two_mous_indexed(tmp_path):
    from trust_factory import World

    world = World(tmp_path)
    world.write_app()
    world.write_mou()
    world.write_mou(world.mou_doc("3273-7373-1-2026", partner="73.73"), signers=(("bandung", "pioneer"),
                                                                              ("palopo", "partner")))
    write_index(world.root)
    return world


def test_documents_json_read_by_its_lines_gives_what_decoding_it_whole_gives(tmp_path):
    from ksad.catalog import ShippedDocuments

    world = _two_mous_indexed(tmp_path)
    raw = (world.root / DOCUMENTS_FILE).read_bytes()
    blob = json.loads(raw)
    by_lines, whole = ShippedDocuments(raw), ShippedDocuments(json.dumps(blob).encode())  # one line: decoded whole
    assert sorted(blob["documents"]) == ["keys/keyring.yaml", "mous/3273-5204-119-2026.yaml",
                                         "mous/3273-7373-1-2026.yaml"]
    parties = {"mous/3273-5204-119-2026.yaml": ["3273-5204-119-2026", "32.73", "52.04"],
               "mous/3273-7373-1-2026.yaml": ["3273-7373-1-2026", "32.73", "73.73"]}
    for rel, doc in blob["documents"].items():
        assert by_lines.get(doc["sha256"]) == whole.get(doc["sha256"]) == doc["data"]
        assert by_lines.parties(doc["sha256"]) == whole.parties(doc["sha256"]) == parties.get(rel)
    assert by_lines.get("0" * 64) is whole.get("0" * 64) is None


def test_a_document_is_read_from_its_own_line_whatever_another_line_holds(tmp_path):
    """One MoU's line broken (the layout kept): the others are still given, and it is parsed from its file."""
    from ksad.catalog import ShippedDocuments
    from ksad.mou import load_mous

    world = _two_mous_indexed(tmp_path)
    path = world.root / DOCUMENTS_FILE
    blob = json.loads(path.read_bytes())
    lines = path.read_bytes().split(b"\n")
    broken = next(i for i, line in enumerate(lines) if line.startswith(b'"mous/3273-7373-1-2026.yaml"'))
    lines[broken] = lines[broken].replace(b'{"data":{', b'{"data":{,', 1)
    path.write_bytes(b"\n".join(lines))
    docs = ShippedDocuments(path.read_bytes())
    for rel, doc in blob["documents"].items():
        assert docs.get(doc["sha256"]) == (None if rel == "mous/3273-7373-1-2026.yaml" else doc["data"])
    assert {data["id"]: data["partner"]["code"] for _, data in load_mous(world.root)} == {
        "3273-5204-119-2026": "52.04", "3273-7373-1-2026": "73.73"}


@pytest.mark.parametrize("edit", ["row", "dropped"])
def test_validate_names_documents_json_stale_when_its_parties_table_is_not_the_mous(tmp_path, edit):
    world = _two_mous_indexed(tmp_path)
    assert not [p for p in validate_catalog(world.root)[1] if DOCUMENTS_FILE in p.message]
    blob = json.loads((world.root / DOCUMENTS_FILE).read_text())
    if edit == "row":
        next(iter(blob["parties"].values()))[2] = "11.01"
    else:  # as an older ksad wrote it
        del blob["parties"]
    (world.root / DOCUMENTS_FILE).write_text(json.dumps(blob))
    stale = [p for p in validate_catalog(world.root)[1] if DOCUMENTS_FILE in p.message]
    assert len(stale) == 1 and stale[0].warning
    write_index(world.root)
    assert not [p for p in validate_catalog(world.root)[1] if DOCUMENTS_FILE in p.message]


def test_documents_json_edited_at_random_gives_by_its_lines_what_decoding_it_whole_gives(tmp_path):
    """Bytes inserted, removed or replaced (newlines, commas, quotes, brackets), 1,500 times:
    whatever a JSON parser finds for a sha256 is what is given; anything else given is what
    one line of the file holds under that sha256."""
    import random

    from ksad.catalog import ShippedDocuments

    world = _two_mous_indexed(tmp_path)
    raw = (world.root / DOCUMENTS_FILE).read_bytes()
    rng = random.Random(14)
    bytes_ = [b"\n", b",", b'"', b"{", b"}", b"[", b"]", b" ", b"\\", b":", b"a", b"0"]
    ends = [i for i, c in enumerate(raw) if c == ord("\n")]  # half the edits at a line's end: lines run together
    compared = 0
    for _ in range(1500):
        edited = bytearray(raw)
        for _ in range(rng.randint(1, 3)):
            i = rng.choice(ends) - rng.randint(0, 1) if rng.random() < 0.5 else rng.randrange(len(edited))
            i = min(i, len(edited) - 1)
            edited[i:i + rng.randint(0, 1)] = rng.choice(bytes_) if rng.random() < 0.6 else b""
        edited = bytes(edited)
        try:
            blob = json.loads(edited)
        except ValueError:
            continue
        by_lines, whole = ShippedDocuments(edited), ShippedDocuments(json.dumps(blob).encode())
        docs = blob.get("documents") if isinstance(blob, dict) else None
        shas = {d["sha256"] for d in docs.values() if isinstance(d, dict) and isinstance(d.get("sha256"), str)
                } if isinstance(docs, dict) else set()
        for line in edited.split(b"\n"):
            if len(line) > 70 and line.rstrip(b",")[-2:] == b'"}':
                shas.add(line.rstrip(b",")[-66:-2].decode(errors="replace"))
        for sha in shas:
            given, parsed = by_lines.get(sha), whole.get(sha)
            if parsed is not None:
                assert given == parsed, sha
            elif given is not None:
                assert any(f'"sha256":"{sha}"}}'.encode() in line and json.loads(line.partition(b": ")[2].rstrip(b","))
                           == {"data": given, "sha256": sha} for line in edited.split(b"\n")), sha
            compared += 1
    assert compared > 1000


def test_what_another_ksad_kept_is_neither_used_nor_left_behind(built, tmp_path, monkeypatch):
    """An entry kept as checked was checked by the schema and code of the ksad that kept it:
    an upgrade (a new version, a tightened schema) starts a cache of its own, and drops the old one."""
    import ksad
    from ksad import hashing

    monkeypatch.setattr(StatDigests, "RACY_NS", 0)
    cache = tmp_path / "cache"
    app = next(a for a in open_catalog(built.catalog, cache_dir=cache).apps() if a.id == "uji-web")
    assert sorted(r["version"] for r in app.data["releases"]) == ["1.0.0", "1.1.0"]
    (old,) = cache.glob("catalog-*")
    kept = old / f"{app.data_sha256}.json"
    assert kept.is_file()
    # what an older ksad, whose schema let a number through as a version, could have kept
    kept.write_text(json.dumps({"id": "uji-web", "releases": [{"version": 5}]}), encoding="utf-8")
    monkeypatch.setattr(ksad, "__version__", ksad.__version__ + ".post1")
    monkeypatch.setattr(hashing, "_stamp", [], raising=False)  # taken once a process
    app = next(a for a in open_catalog(built.catalog, cache_dir=cache).apps() if a.id == "uji-web")
    assert sorted(r["version"] for r in app.data["releases"]) == ["1.0.0", "1.1.0"]
    (new,) = cache.glob("catalog-*")
    assert new != old and not old.exists()
