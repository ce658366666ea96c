"""Keys, canonical signing, the keyring and the signed snapshot: every tampering case is refused.

Catalogs, keys and trust state are real files under tmp_path (see trust_factory).
"""

from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest

from ksad import yamlio
from ksad.errors import ConflictError, InputError, TrustError
from ksad.trust import (KEYRING_FILE, SNAPSHOT_FILE, canonical_bytes, generate_key, load_keyring, load_private_key,
                        sign_document, verify_app_entry, verify_snapshot)
from trust_factory import NOW, World, flip_byte


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    w.write_app()
    w.write_mou()
    w.snapshot()
    return w


@pytest.fixture
def state_dir(tmp_path):
    return tmp_path / "home" / "trust"


def keyring_of(world):
    return load_keyring(world.root / KEYRING_FILE)


def app_data(world, app="e-budgeting"):
    return yamlio.load_mapping(world.root / "apps" / f"{app}.yaml").data


# --- keys ---------------------------------------------------------------------------------


def test_generated_key_is_owner_only_and_never_overwritten(tmp_path):
    info = generate_key(tmp_path / "bdg.key", region="32.73", signer="Kepala Diskominfo")
    assert (tmp_path / "bdg.key").stat().st_mode & 0o777 == 0o600
    assert len(info.keyid) == 16
    pub = yamlio.load_mapping(tmp_path / "bdg.pub.yaml").data
    assert pub["keyid"] == info.keyid and pub["region"] == "32.73"
    assert "PRIVATE" not in (tmp_path / "bdg.pub.yaml").read_text()
    with pytest.raises(ConflictError) as exc:
        generate_key(tmp_path / "bdg.key", region="32.73", signer="x")
    assert exc.value.exit_code == 9
    assert load_private_key(tmp_path / "bdg.key").keyid == info.keyid


def test_private_key_readable_by_others_is_refused(tmp_path):
    generate_key(tmp_path / "k.key", region="32.73", signer="x")
    os.chmod(tmp_path / "k.key", 0o640)
    with pytest.raises(TrustError) as exc:
        load_private_key(tmp_path / "k.key")
    assert exc.value.exit_code == 6
    assert "can be read or changed by other users (mode 640)" in exc.value.message
    assert f"chmod 600 {tmp_path / 'k.key'}" in exc.value.hint


def test_passphrase_protected_key(tmp_path):
    generate_key(tmp_path / "k.key", region="32.73", signer="x", passphrase="rahasia")
    assert "ENCRYPTED" in (tmp_path / "k.key").read_text()
    with pytest.raises(InputError, match="wrong passphrase"):
        load_private_key(tmp_path / "k.key", "salah")
    with pytest.raises(InputError, match="protected by a passphrase"):
        load_private_key(tmp_path / "k.key")
    assert load_private_key(tmp_path / "k.key", "rahasia").keyid


def test_key_generate_cli_prints_public_half_only(run_ksad, tmp_path):
    out = run_ksad("key", "generate", "--region", "5204", "--signer", "Kepala Diskominfo Sumbawa",
                   "--output", tmp_path / "s.key", check=True)
    assert "PRIVATE" not in out.stdout + out.stderr
    data = yamlio.parse(out.stdout).data
    assert data["region"] == "52.04" and len(data["keyid"]) == 16
    assert (tmp_path / "s.key").stat().st_mode & 0o777 == 0o600
    shown = run_ksad("key", "show", tmp_path / "s.key", check=True)
    assert data["keyid"] in shown.stdout and "Kepala Diskominfo Sumbawa" in shown.stdout
    again = run_ksad("key", "generate", "--region", "52.04", "--signer", "x", "--output", tmp_path / "s.key")
    assert again.returncode == 9 and "never overwritten" in again.stderr


def test_key_generate_cli_refuses_unknown_region(run_ksad, tmp_path):
    out = run_ksad("key", "generate", "--region", "99.99", "--signer", "x", "--output", tmp_path / "k.key")
    assert out.returncode == 4
    assert not (tmp_path / "k.key").exists()


# --- canonical form and app entries ---------------------------------------------------------


def test_canonical_form_ignores_layout_and_refuses_non_finite_numbers():
    a = yamlio.parse("b: 1\na: [2026-01-01, 0.25, 'é']\nsignatures: [x]\n").data
    b = yamlio.parse("a:\n  - '2026-01-01'\n  - 0.250\n  - é\nb: 1\n").data
    assert canonical_bytes(a) == canonical_bytes(b) == '{"a":["2026-01-01",0.25,"é"],"b":1}'.encode()
    with pytest.raises(InputError, match="Cannot sign a document holding nan at 'cpus'"):
        canonical_bytes({"cpus": float("nan")})


def test_signing_keeps_comments_and_survives_reformatting(world):
    path = world.root / "apps" / "e-budgeting.yaml"
    assert path.read_text().startswith("# e-budgeting: a test entry; comments must survive signing.")
    keyring = keyring_of(world)
    assert verify_app_entry(app_data(world), keyring).region == "32.73"
    # Re-laying out the same content keeps the signature valid.
    path.write_text(yamlio.dump(app_data(world)))
    assert verify_app_entry(app_data(world), keyring).signer == "Kepala Diskominfo Kota Bandung"
    # Signing again with the same key replaces its signature instead of adding one.
    sign_document(path, world.key("bandung"), "publisher")
    assert len(app_data(world)["signatures"]) == 1


def test_one_byte_changed_in_app_entry_is_refused(world):
    flip_byte(world.root / "apps" / "e-budgeting.yaml", "memory_mb: 64", "memory_mb: 65")
    with pytest.raises(TrustError) as exc:
        verify_app_entry(app_data(world), keyring_of(world))
    assert exc.value.exit_code == 6
    assert "app e-budgeting: the signature of Kepala Diskominfo Kota Bandung" in exc.value.message
    assert "was changed after it was signed" in exc.value.message


@pytest.mark.parametrize("signer, expected", [
    ("tangerang", "but its publisher is region 32.73"),
    ("revoked", "was revoked on"),
    ("stranger", "which is not in the keyring"),
    (None, "not signed by its publisher (32.73)"),
])
def test_app_entry_needs_a_valid_key_of_its_publisher(world, signer, expected):
    world.write_app("sakip", signer=signer)
    with pytest.raises(TrustError) as exc:
        verify_app_entry(app_data(world, "sakip"), keyring_of(world))
    assert expected in exc.value.message


def test_app_entry_signed_by_expired_key(world):
    world.write_app("sakip", publisher="52.04", signer="expired")
    with pytest.raises(TrustError) as exc:
        verify_app_entry(app_data(world, "sakip"), keyring_of(world))
    assert "Mantan Kepala Diskominfo Kabupaten Sumbawa (52.04) expired on" in exc.value.message


# --- keyring ---------------------------------------------------------------------------------


def test_one_byte_changed_in_keyring_is_refused(world):
    flip_byte(world.root / KEYRING_FILE, "Kepala Diskominfo Kota Palopo", "Kepala Diskominfo Kota Palopa")
    with pytest.raises(TrustError) as exc:
        load_keyring(world.root / KEYRING_FILE)
    assert "is signed by 0 of the 2 root keys it needs" in exc.value.message


def test_a_key_listed_twice_in_the_keyring_is_refused(world):
    doc = world.keyring_doc()
    revoked = dict(doc["keys"][0], revoked="2026-01-20")
    doc["keys"] = [revoked, *doc["keys"]]  # revoked first, then the same key unrevoked: which one holds?
    world.write_keyring(doc=doc)
    with pytest.raises(TrustError) as exc:
        load_keyring(world.root / KEYRING_FILE)
    assert f"lists key {doc['keys'][0]['keyid']} more than once" in exc.value.message


def test_keyring_needs_threshold_of_roots(world):
    world.write_keyring(signers=("root0",))
    with pytest.raises(TrustError, match="signed by 1 of the 2 root keys"):
        load_keyring(world.root / KEYRING_FILE)


def test_keyring_rotation_must_be_signed_by_previous_roots(world, state_dir):
    verify_snapshot(world.root, state_dir)  # trusts keyring v1 with roots 0, 1, 2
    # v2 replaces the roots by attacker-chosen ones (the old 'maintainer'/'palopo' keys here).
    doc = world.keyring_doc(2)
    doc["roots"] = [{"keyid": world.infos[n].keyid, "public": world.infos[n].public, "name": n}
                    for n in ("palopo", "tangerang")]
    from ksad.trust import make_signature

    doc["signatures"] = [make_signature(doc, "keyring", world.key(n), "root") for n in ("palopo", "tangerang")]
    (world.root / KEYRING_FILE).write_text(yamlio.dump(doc))
    world.snapshot()
    with pytest.raises(TrustError) as exc:
        verify_snapshot(world.root, state_dir)
    assert "signed by 0 of the 2 root keys of version 1 trusted before" in exc.value.message
    # A proper rotation (v2 signed by the v1 roots, dropping root2) is accepted.
    world.write_keyring(2, roots=("root0", "root1"), signers=("root0", "root1"))
    world.snapshot()
    assert verify_snapshot(world.root, state_dir).keyring.version == 2


def test_replayed_older_keyring_is_refused(world, state_dir):
    old = (world.root / KEYRING_FILE).read_text()
    world.write_keyring(2)
    world.snapshot()
    verify_snapshot(world.root, state_dir)
    (world.root / KEYRING_FILE).write_text(old)
    world.snapshot()
    with pytest.raises(TrustError) as exc:
        verify_snapshot(world.root, state_dir)
    assert "is version 1, older than version 2 already trusted" in exc.value.message


def test_pinned_roots(world, state_dir):
    state_dir.mkdir(parents=True)
    (state_dir / "roots.txt").write_text(f"# ours\n{world.infos['palopo'].keyid}\n")
    with pytest.raises(TrustError, match="signed by 0 of the 2 root keys pinned"):
        verify_snapshot(world.root, state_dir)
    (state_dir / "roots.txt").write_text(f"{world.infos['root0'].keyid}\n{world.infos['root2'].keyid}\n")
    world.write_keyring(signers=("root0", "root2"))
    world.snapshot()
    assert verify_snapshot(world.root, state_dir).version == 2


# --- snapshot --------------------------------------------------------------------------------


def test_signed_catalog_verifies_and_records_versions(world, state_dir):
    snap = verify_snapshot(world.root, state_dir)
    assert snap.version == 1
    assert set(snap.files) == {KEYRING_FILE, "apps/e-budgeting.yaml", "mous/3273-5204-119-2026.yaml"}
    recorded = json.loads(next(state_dir.glob("*.json")).read_text())
    assert recorded["snapshot"]["version"] == 1 and recorded["keyring"]["version"] == 1
    assert next(state_dir.glob("*.json")).stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("rel, old, new", [
    ("apps/e-budgeting.yaml", "cpus: 0.25", "cpus: 0.26"),
    ("mous/3273-5204-119-2026.yaml", "45/2026", "46/2026"),
])
def test_one_byte_changed_after_snapshot_is_refused(world, state_dir, rel, old, new):
    flip_byte(world.root / rel, old, new)
    with pytest.raises(TrustError) as exc:
        verify_snapshot(world.root, state_dir)
    assert exc.value.message == f"{rel} in the catalog {world.root} differs from the signed snapshot: it was changed after signing."


def test_one_byte_changed_in_snapshot_is_refused(world, state_dir):
    path = world.root / SNAPSHOT_FILE
    data = json.loads(path.read_text())
    data["expires"] = data["expires"].replace(data["expires"][:4], str(int(data["expires"][:4]) + 5))
    path.write_text(json.dumps(data))
    with pytest.raises(TrustError) as exc:
        verify_snapshot(world.root, state_dir)
    assert "does not match the content: it was changed after it was signed" in exc.value.message


def test_unlisted_file_is_refused(world, state_dir):
    world.write_mou(world.mou_doc("3273-7373-1-2026", partner="73.73"),
                    signers=(("bandung", "pioneer"), ("palopo", "partner")))
    with pytest.raises(TrustError) as exc:
        verify_snapshot(world.root, state_dir)
    assert "mous/3273-7373-1-2026.yaml in the catalog" in exc.value.message
    assert "is not in the signed snapshot" in exc.value.message


def _digests_kept(state_dir) -> dict:
    (memo,) = state_dir.glob("*.digests.json")
    assert memo.stat().st_mode & 0o777 == 0o600
    return json.loads(memo.read_text())["files"]


@pytest.mark.parametrize("rel, old, new", [
    ("apps/e-budgeting.yaml", "cpus: 0.25", "cpus: 0.26"),
    ("mous/3273-5204-119-2026.yaml", "45/2026", "46/2026"),
])
def test_an_edit_keeping_size_and_mtime_is_refused_after_a_check_that_remembered_digests(
        world, state_dir, monkeypatch, rel, old, new):
    from ksad.trust import DigestMemo

    monkeypatch.setattr(DigestMemo, "RACY_NS", 0)  # the files were written just now
    verify_snapshot(world.root, state_dir)
    assert rel in _digests_kept(state_dir)
    assert verify_snapshot(world.root, state_dir).version == 1  # from what was remembered
    path = world.root / rel
    before = path.stat()
    flip_byte(path, old, new)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # a tamperer hiding the edit
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    with pytest.raises(TrustError) as exc:
        verify_snapshot(world.root, state_dir)
    assert exc.value.message == f"{rel} in the catalog {world.root} differs from the signed snapshot: it was changed after signing."


def test_a_file_changed_within_the_last_second_is_not_remembered(world, state_dir):
    verify_snapshot(world.root, state_dir)  # every file was written just now
    assert not list(state_dir.glob("*.digests.json")) or _digests_kept(state_dir) == {}


def test_a_torn_or_foreign_digest_memo_only_costs_a_read(world, state_dir, monkeypatch):
    from ksad.trust import DigestMemo

    monkeypatch.setattr(DigestMemo, "RACY_NS", 0)
    verify_snapshot(world.root, state_dir)
    (memo,) = state_dir.glob("*.digests.json")
    for junk in ("{", "[]", '{"format": 1, "files": {"apps/e-budgeting.yaml": {"a": 1}}}',
                 '{"format": 1, "files": {"apps/e-budgeting.yaml": [1, 2]}}'):
        memo.write_text(junk)
        assert verify_snapshot(world.root, state_dir).version == 1
        assert "apps/e-budgeting.yaml" in _digests_kept(state_dir)


def test_replayed_older_snapshot_is_refused(world, state_dir):
    old = (world.root / SNAPSHOT_FILE).read_text()
    world.snapshot()
    assert verify_snapshot(world.root, state_dir).version == 2
    (world.root / SNAPSHOT_FILE).write_text(old)
    with pytest.raises(TrustError) as exc:
        verify_snapshot(world.root, state_dir)
    assert "is version 1, older than version 2 already trusted: an old catalog is being replayed" in exc.value.message


def test_same_version_with_other_content_is_refused(world, state_dir):
    verify_snapshot(world.root, state_dir)
    world.write_app("sakip")
    with pytest.raises(TrustError, match="not above the current version 1"):
        world.snapshot(version=1)
    # A forger would start from scratch: a different catalog under the same version number.
    (world.root / SNAPSHOT_FILE).unlink()
    world.snapshot(version=1)
    with pytest.raises(TrustError, match="content differs from the version 1 already trusted"):
        verify_snapshot(world.root, state_dir)


def test_expired_snapshot_is_refused(world, state_dir):
    world.snapshot(expires=NOW - timedelta(days=1))
    with pytest.raises(TrustError) as exc:
        verify_snapshot(world.root, state_dir)
    assert "expired on" in exc.value.message and "frozen" in exc.value.message


def test_snapshot_needs_a_snapshot_key(world, state_dir):
    with pytest.raises(TrustError, match="may not sign the catalog snapshot"):
        world.snapshot(signers=("bandung",))
    # A snapshot written by a region key (not a snapshot key) is refused by clients.
    from ksad.trust import make_signature

    path = world.root / SNAPSHOT_FILE
    data = json.loads(path.read_text())
    data["signatures"] = [make_signature(data, "snapshot", world.key("bandung"), "snapshot")]
    path.write_text(json.dumps(data))
    with pytest.raises(TrustError, match="signed by 0 of the 1 snapshot keys"):
        verify_snapshot(world.root, state_dir)


def test_unsigned_catalog_is_refused_through_the_cli(world, run_ksad):
    (world.root / SNAPSHOT_FILE).unlink()
    out = run_ksad("--catalog", world.root, "mou", "list")
    assert out.returncode == 6
    assert f"The catalog is not signed: {world.root / SNAPSHOT_FILE} does not exist." in out.stderr


def test_replay_through_the_cli(world, run_ksad):
    old = (world.root / SNAPSHOT_FILE).read_text()
    world.snapshot()
    run_ksad("--catalog", world.root, "mou", "list", check=True)
    (world.root / SNAPSHOT_FILE).write_text(old)
    out = run_ksad("--catalog", world.root, "mou", "list")
    assert out.returncode == 6
    assert "older than version 2 already trusted" in out.stderr


def test_each_of_200_files_is_checked_on_every_run(world, state_dir, monkeypatch):
    """However the check is made fast (bench/ measures it), no listed file goes unchecked."""
    from ksad.trust import DigestMemo

    monkeypatch.setattr(DigestMemo, "RACY_NS", 0)
    for i in range(200):
        world.write_app(f"app-{i:03d}", signer=None)
    world.snapshot()
    verify_snapshot(world.root, state_dir)
    assert len(_digests_kept(state_dir)) == 203
    assert verify_snapshot(world.root, state_dir).version == 2  # the fixture signed version 1
    flip_byte(world.root / "apps" / "app-199.yaml", "app-199", "app-198")
    with pytest.raises(TrustError, match="apps/app-199.yaml in the catalog .* differs from the signed snapshot"):
        verify_snapshot(world.root, state_dir)


def test_a_keyring_edited_after_it_was_cached_is_refused(world):
    assert load_keyring(world.root / KEYRING_FILE).version == 1  # parsed, verified and cached
    flip_byte(world.root / KEYRING_FILE, "Kepala Diskominfo Kota Palopo", "Kepala Diskominfo Kota Palopa")
    with pytest.raises(TrustError, match="is signed by 0 of the 2 root keys"):
        load_keyring(world.root / KEYRING_FILE)


def test_verified_signatures_are_remembered_only_for_the_exact_bytes(tmp_path):
    from ksad.trust import SigningKey, _verified_memo, verify_raw

    key = SigningKey.from_seed(b"m" * 32)
    message = b"ksad memo test " + tmp_path.name.encode()
    sig = key.sign(message)
    assert verify_raw(key.public, message, sig)
    assert len(_verified_memo().tokens) >= 1
    assert not verify_raw(key.public, message + b"!", sig)  # other bytes: verified again, and fail
    other = SigningKey.from_seed(b"n" * 32)
    assert not verify_raw(other.public, message, sig)  # another key: fails
    _verified_memo().save()
    import json
    import stat

    kept = _verified_memo().file
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert len(json.loads(kept.read_bytes())) == len(_verified_memo().tokens)


def test_a_catalog_reached_through_a_link_keeps_one_history(world, state_dir, tmp_path):
    """A replay through another path to the same catalog meets the history, not a fresh state."""
    link = tmp_path / "via-link"
    link.symlink_to(world.root)
    old = (world.root / SNAPSHOT_FILE).read_text()
    world.snapshot()
    assert verify_snapshot(world.root, state_dir).version == 2
    (world.root / SNAPSHOT_FILE).write_text(old)
    with pytest.raises(TrustError, match="older than version 2 already trusted"):
        verify_snapshot(link, state_dir)


def test_a_state_kept_under_the_unresolved_path_is_adopted(world, state_dir, tmp_path):
    """Before links were resolved, the state of a linked catalog was named by the link's path."""
    import hashlib

    link = tmp_path / "via-link"
    link.symlink_to(world.root)
    old = (world.root / SNAPSHOT_FILE).read_text()
    world.snapshot()
    assert verify_snapshot(link, state_dir).version == 2
    (kept,) = state_dir.glob("????????????????.json")
    legacy = state_dir / (hashlib.sha256(str(link).encode()).hexdigest()[:16] + ".json")
    kept.rename(legacy)  # as an older ksad left it
    (world.root / SNAPSHOT_FILE).write_text(old)
    with pytest.raises(TrustError, match="older than version 2 already trusted"):
        verify_snapshot(link, state_dir)
