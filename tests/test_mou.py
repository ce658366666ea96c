"""MoU manifests: draft, sign by both sides, verify, list, revoke, and the install gate.

Each refusal is checked for its exact reason; several run through ``python -m ksad``
to show the exit code (6) and that no traceback reaches the user.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from ksad import yamlio
from ksad.errors import TrustError
from ksad.mou import check_mou, find_grant, load_mou, load_revocations, revoke_mou, sign_mou, verify_mou
from ksad.trust import KEYRING_FILE, content_sha256, load_keyring, make_signature
from trust_factory import LAST_MONTH, NEXT_MONTH, TODAY, World, flip_byte

MOU = "3273-5204-119-2026"


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    w.write_app()
    w.write_app("sakip")
    return w


def keyring(world):
    return load_keyring(world.root / KEYRING_FILE)


def grant(world, app="e-budgeting", version="1.0.0", publisher="32.73", partner="52.04"):
    return find_grant(world.root, keyring(world), publisher=publisher, partner=partner, app=app, version=version)


def refused(world, **kw) -> str:
    with pytest.raises(TrustError) as exc:
        grant(world, **kw)
    assert exc.value.exit_code == 6
    return exc.value.message


# --- the whole flow through the CLI --------------------------------------------------------


def test_draft_sign_countersign_verify_list(world, run_ksad, tmp_path):
    pdf = tmp_path / "mou-signed.pdf"
    pdf.write_bytes(b"%PDF-1.7 the legally signed MoU")
    cat = ("--catalog", world.root)
    out = run_ksad(*cat, "mou", "draft", "--pioneer", "32.73", "--partner", "5204", "--app", "e-budgeting>=1,<2",
                   "--app", "sakip", "--valid-until", (TODAY + timedelta(days=700)).isoformat(),
                   "--pioneer-number", "119/2026", "--partner-number", "45/2026", "--document", pdf,
                   "--training", "Pelatihan 3 hari", check=True)
    mou_file = world.root / "mous" / f"{MOU}.yaml"
    mou_file.write_text(out.stdout)
    data = load_mou(mou_file)
    as_json = run_ksad(*cat, "mou", "draft", "--pioneer", "32.73", "--partner", "5204", "--app", "e-budgeting>=1,<2",
                       "--app", "sakip", "--valid-until", (TODAY + timedelta(days=700)).isoformat(),
                       "--pioneer-number", "119/2026", "--partner-number", "45/2026", "--document", pdf,
                       "--training", "Pelatihan 3 hari", "--json", check=True)
    assert json.loads(as_json.stdout)["data"] == yamlio.parse(out.stdout).data
    assert data["id"] == MOU
    assert data["document_sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert data["apps"] == [{"app": "e-budgeting", "versions": ">=1,<2"}, {"app": "sakip", "versions": ">=0"}]
    assert data["partner"]["office"] == "Dinas Komunikasi dan Informatika Kabupaten Sumbawa"

    first = run_ksad(*cat, "mou", "sign", mou_file, "--key", world.files["bandung"], check=True)
    assert "as the pioneer (32.73)" in first.stderr and "Still missing: the partner's signature." in first.stderr
    one = run_ksad(*cat, "mou", "verify", mou_file)
    assert one.returncode == 6
    assert (f"MoU {MOU} has only the pioneer's signature; the partner (52.04, Dinas Komunikasi dan Informatika "
            "Kabupaten Sumbawa) has not signed it.") in one.stderr

    both = run_ksad(*cat, "mou", "sign", mou_file, "--key", world.files["sumbawa"], check=True)
    # what to do next, by name: where the file goes, and who signs what so that it holds
    assert (f"Both sides have signed. Put the file in the catalog as mous/{MOU}.yaml; the catalog's maintainers "
            "then sign its snapshot again (ksad catalog index --snapshot-key KEY)") in " ".join(both.stderr.split())
    ok = run_ksad(*cat, "mou", "verify", mou_file, "--document", pdf, check=True)
    assert "Kepala Diskominfo Kota Bandung" in ok.stderr and "Kepala Diskominfo Kabupaten Sumbawa" in ok.stderr
    assert "e-budgeting >=1,<2" in ok.stderr and data["document_sha256"] in ok.stderr
    assert f"MoU {MOU} is valid." in ok.stderr

    world.snapshot()
    listed = run_ksad(*cat, "mou", "list", "--json", check=True)
    rows = yamlio.parse(listed.stdout).data["data"]
    assert [(r["id"], r["valid"]) for r in rows] == [(MOU, True)]
    assert {s["side"] for s in rows[0]["signers"]} == {"pioneer", "partner"}
    assert grant(world, app="sakip", version="7.0").id == MOU


def test_draft_refuses_what_could_never_be_granted(world, run_ksad, tmp_path):
    pdf = tmp_path / "m.pdf"
    pdf.write_bytes(b"x")
    base = ("--catalog", world.root, "mou", "draft", "--partner", "52.04", "--valid-until", "2030-01-01",
            "--pioneer-number", "1", "--partner-number", "2", "--document", pdf)
    other = run_ksad(*base, "--pioneer", "36.71", "--app", "e-budgeting")
    assert other.returncode == 3
    assert "e-budgeting is published by region 32.73, not by the pioneer 36.71" in other.stderr
    bad = run_ksad(*base, "--pioneer", "32.73", "--app", "e-budgeting>=banana")
    assert bad.returncode == 3 and "'>=banana' is not a valid version range" in bad.stderr
    same = run_ksad(*base, "--pioneer", "52.04", "--app", "e-budgeting")
    assert same.returncode == 3 and "same region (52.04)" in same.stderr
    for spec in (">=2,<1", ">=2,<2", ">2,<=2", "==1.0,!=1.0", "==1.0,>=2"):
        empty = run_ksad(*base, "--pioneer", "32.73", "--app", f"e-budgeting{spec}")
        assert empty.returncode == 3, (spec, empty.stderr)
        assert f"The range '{spec}' for e-budgeting contains no version at all" in empty.stderr
    ended = run_ksad(*base[:6], "--valid-from", "2020-01-01", "--valid-until", "2021-01-01", *base[8:],
                     "--pioneer", "32.73", "--app", "e-budgeting")
    assert ended.returncode == 3 and "The MoU would have ended already (2021-01-01; today is" in ended.stderr
    assert not (tmp_path / "mous").exists()
    # a range that holds versions is drafted, however it is written
    for spec in (">=2,<=2", ">=1,<2", "~=1.2,<1.3", "==1.*,>=1.5"):
        ok = run_ksad(*base, "--pioneer", "32.73", "--app", f"e-budgeting{spec}")
        assert ok.returncode == 0, (spec, ok.stderr)


def test_document_must_match(world, run_ksad, tmp_path):
    path = world.write_mou(where=tmp_path / "mou.yaml")
    pdf = tmp_path / "other.pdf"
    pdf.write_bytes(b"not the MoU")
    out = run_ksad("mou", "verify", path, "--keyring", world.root / KEYRING_FILE, "--document", pdf)
    assert out.returncode == 6 and "not the signed MoU document" in out.stderr


# --- signing rules ----------------------------------------------------------------------------


def test_same_side_cannot_sign_twice(world, tmp_path, run_ksad):
    path = world.write_mou(where=tmp_path / "mou.yaml", signers=(("bandung", "pioneer"),))
    out = run_ksad("mou", "sign", path, "--key", world.files["bandung2"], "--keyring", world.root / KEYRING_FILE)
    assert out.returncode == 6
    assert (f"The pioneer (32.73) has already signed MoU {MOU} (key {world.infos['bandung'].keyid}, "
            "Kepala Diskominfo Kota Bandung); each side signs once.") in out.stderr
    assert len(load_mou(path)["signatures"]) == 1


def test_mou_signed_twice_by_one_side_is_not_valid(world, tmp_path):
    path = world.write_mou(where=tmp_path / "mou.yaml", signers=(("bandung", "pioneer"), ("bandung2", "pioneer")))
    with pytest.raises(TrustError) as exc:
        verify_mou(load_mou(path), keyring(world))
    assert exc.value.message == (f"MoU {MOU} is signed twice by the pioneer (32.73); each side signs once, "
                                 "and the other side's signature is what counts.")


def test_key_of_neither_party_cannot_sign(world, tmp_path):
    path = world.write_mou(where=tmp_path / "mou.yaml", signers=())
    with pytest.raises(TrustError, match="belongs to region 73.73, which is neither the pioneer"):
        sign_mou(path, world.key("palopo"), keyring(world))


def test_key_cannot_sign_for_the_other_region(world, tmp_path):
    path = world.write_mou(where=tmp_path / "mou.yaml", signers=(("bandung", "pioneer"), ("palopo", "partner")))
    with pytest.raises(TrustError) as exc:
        verify_mou(load_mou(path), keyring(world))
    assert "belongs to region 73.73, so it cannot sign as the partner (52.04)" in exc.value.message


def test_a_snapshot_key_of_the_pioneers_region_cannot_sign_for_it(world, tmp_path):
    path = world.write_mou(where=tmp_path / "mou.yaml", signers=(("maintainer", "pioneer"), ("sumbawa", "partner")))
    with pytest.raises(TrustError) as exc:
        verify_mou(load_mou(path), keyring(world))
    assert "lacks the 'region' role in the keyring, so it cannot sign as the pioneer (32.73)" in exc.value.message
    with pytest.raises(TrustError, match="lacks the 'region' role"):
        sign_mou(world.write_mou(where=tmp_path / "unsigned.yaml", signers=()), world.key("maintainer"),
                 keyring(world))


def test_countersigning_a_changed_mou_is_refused(world, tmp_path):
    path = world.write_mou(where=tmp_path / "mou.yaml", signers=(("bandung", "pioneer"),))
    flip_byte(path, ">=1,<2", ">=1,<3")
    with pytest.raises(TrustError, match="was changed after it was signed"):
        sign_mou(path, world.key("sumbawa"), keyring(world))


def test_unsigned_and_one_sided_mous(world):
    world.write_mou(signers=())
    assert refused(world) == f"MoU {MOU} is signed by neither side."
    world.write_mou(signers=(("sumbawa", "partner"),))
    assert "has only the partner's signature; the pioneer (32.73" in refused(world)


# --- tampering and validity -----------------------------------------------------------------


def test_one_byte_changed_in_mou_is_refused(world, run_ksad):
    path = world.write_mou()
    flip_byte(path, ">=1,<2", ">=1,<3")
    msg = refused(world, version="2.5.0")
    assert msg.startswith(f"MoU {MOU}: the signature of Kepala Diskominfo Kota Bandung")
    assert msg.endswith("does not match the content: it was changed after it was signed.")
    out = run_ksad("mou", "verify", path, "--keyring", world.root / KEYRING_FILE)
    assert out.returncode == 6 and "changed after it was signed" in out.stderr


def test_expired_and_not_yet_valid(world, run_ksad):
    world.write_mou(world.mou_doc(valid_from="2026-01-01", valid_until=LAST_MONTH))
    assert refused(world) == f"MoU {MOU} expired on {LAST_MONTH}."
    path = world.write_mou(world.mou_doc(valid_from=NEXT_MONTH))
    assert refused(world) == f"MoU {MOU} is not valid until {NEXT_MONTH}."
    out = run_ksad("mou", "verify", path, "--keyring", world.root / KEYRING_FILE, "--json")
    assert out.returncode == 6
    data = yamlio.parse(out.stdout).data["data"]
    assert data["valid"] is False and data["problem"] == f"MoU {MOU} is not valid until {NEXT_MONTH}."


def test_version_outside_range(world):
    world.write_mou()
    assert grant(world, version="1.9.3").ok
    assert refused(world, version="2.0.0") == f"MoU {MOU} grants e-budgeting >=1,<2; version 2.0.0 is outside that range."


@pytest.mark.parametrize("key, side, expected", [
    ("stranger", "partner", "which is not in the keyring"),
    ("revoked", "pioneer", f"Mantan Kepala Diskominfo Kota Bandung (32.73) was revoked on {LAST_MONTH}."),
    ("expired", "partner", f"Mantan Kepala Diskominfo Kabupaten Sumbawa (52.04) expired on {LAST_MONTH}."),
])
def test_signer_key_must_be_in_keyring_unrevoked_and_unexpired(world, run_ksad, key, side, expected):
    other = ("sumbawa", "partner") if side == "pioneer" else ("bandung", "pioneer")
    path = world.write_mou(signers=(other, (key, side)))
    msg = refused(world)
    assert msg.startswith(f"MoU {MOU}: ") and expected in msg
    out = run_ksad("mou", "verify", path, "--keyring", world.root / KEYRING_FILE)
    assert out.returncode == 6 and expected in out.stderr and "Traceback" not in out.stderr


def test_revoked_mou(world, run_ksad):
    world.write_mou()
    out = run_ksad("--catalog", world.root, "mou", "revoke", MOU, "--key", world.files["sumbawa"],
                   "--reason", "Perjanjian diakhiri", check=True)
    assert "revoked from" in out.stderr
    rev = world.root / "revocations" / f"{MOU}.yaml"
    assert rev.is_file()
    # the date the revocation took (not TODAY of the session: a run may cross midnight)
    revoked_on = str(yamlio.load(rev).data["revoked_on"])
    assert revoked_on in (TODAY.isoformat(), (TODAY + timedelta(days=1)).isoformat())
    expected = f"MoU {MOU} was revoked on {revoked_on} by the partner (52.04): Perjanjian diakhiri"
    assert refused(world) == expected
    verify = run_ksad("--catalog", world.root, "mou", "verify", world.root / "mous" / f"{MOU}.yaml")
    assert verify.returncode == 6 and expected in verify.stderr
    again = run_ksad("--catalog", world.root, "mou", "revoke", MOU, "--key", world.files["bandung"], "--reason", "x")
    assert again.returncode == 9 and "already revoked" in again.stderr


def test_dry_runs_of_sign_revoke_and_key_generate_check_everything_and_write_nothing(world, run_ksad, tmp_path,
                                                                                    ksad_env):
    cat = ("--catalog", world.root)
    path = world.write_mou(signers=())
    before = path.read_bytes()
    plan = run_ksad(*cat, "mou", "sign", path, "--key", world.files["bandung"], "--dry-run", "--json", check=True)
    data = json.loads(plan.stdout)["data"]
    assert (data["id"], data["file"], data["dry_run"], data["missing"]) == (MOU, str(path), True, ["partner"])
    assert (data["signer"]["side"], data["signer"]["keyid"], data["signer"]["region"]) == (
        "pioneer", world.key("bandung").keyid, "32.73")
    said = run_ksad(*cat, "mou", "sign", path, "--key", world.files["bandung"], "--dry-run", check=True)
    assert "Dry run: would sign MoU" in said.stderr and "nothing was changed" in said.stderr
    assert path.read_bytes() == before
    # a dry run refuses what the real command would, with the same message and code
    real = run_ksad(*cat, "mou", "sign", path, "--key", world.files["tangerang"])
    dry = run_ksad(*cat, "mou", "sign", path, "--key", world.files["tangerang"], "--dry-run")
    assert (dry.returncode, dry.stderr) == (real.returncode, real.stderr) and real.returncode == 6
    assert path.read_bytes() == before

    signed = run_ksad(*cat, "mou", "sign", path, "--key", world.files["bandung"], "--json", check=True)
    assert json.loads(signed.stdout)["data"]["dry_run"] is False and path.read_bytes() != before
    last = run_ksad(*cat, "mou", "sign", path, "--key", world.files["sumbawa"], "--dry-run", "--json", check=True)
    assert json.loads(last.stdout)["data"]["missing"] == []

    world.write_mou()
    rev = world.root / "revocations" / f"{MOU}.yaml"
    plan = run_ksad(*cat, "mou", "revoke", MOU, "--key", world.files["sumbawa"], "--reason", "selesai",
                    "--dry-run", "--json", check=True)
    data = json.loads(plan.stdout)["data"]
    assert (data["mou"], data["side"], data["file"], data["dry_run"]) == (MOU, "partner", str(rev), True)
    assert not rev.exists() and not rev.parent.exists()
    said = run_ksad(*cat, "mou", "revoke", MOU, "--key", world.files["sumbawa"], "--reason", "selesai", "--dry-run",
                    env={"KSAD_LANG": "id"}, check=True)
    assert "Uji coba: MoU" in said.stderr and not rev.exists()
    run_ksad(*cat, "mou", "revoke", MOU, "--key", world.files["sumbawa"], "--reason", "selesai", check=True)
    again = run_ksad(*cat, "mou", "revoke", MOU, "--key", world.files["bandung"], "--reason", "x", "--dry-run")
    assert again.returncode == 9 and "already revoked" in again.stderr

    key = tmp_path / "new.key"
    plan = run_ksad("key", "generate", "--region", "52.04", "--signer", "Bupati", "--output", key, "--dry-run",
                    "--json", check=True)
    data = json.loads(plan.stdout)["data"]
    assert (data["private_key_file"], data["public_key_file"], data["region"], data["keyid"]) == (
        str(key), str(tmp_path / "new.pub.yaml"), "52.04", None)
    assert not key.exists() and not (tmp_path / "new.pub.yaml").exists()
    default = run_ksad("key", "generate", "--region", "52.04", "--signer", "Bupati", "--dry-run", check=True)
    assert "Dry run: would write a new private key" in default.stderr and default.stdout == ""
    assert not list(Path(ksad_env["KSAD_HOME"]).glob("**/*.key"))
    run_ksad("key", "generate", "--region", "52.04", "--signer", "Bupati", "--output", key, check=True)
    taken = run_ksad("key", "generate", "--region", "52.04", "--signer", "Bupati", "--output", key, "--dry-run")
    assert taken.returncode == 9 and str(key) in taken.stderr


def test_key_generate_dry_run_refuses_a_place_the_real_run_cannot_write(run_ksad, tmp_path):
    """A file where a directory must be: the dry run said it would write, the real run failed
    with an internal error (a parent that is a file) or after writing the private key (its
    public file a directory)."""
    (tmp_path / "berkas").write_text("bukan direktori")
    (tmp_path / "kunci.pub.yaml").mkdir()
    for key, why in ((tmp_path / "berkas" / "sub" / "kunci.key", "Not a directory"),
                     (tmp_path / "kunci.key", "Is a directory")):
        base = ("key", "generate", "--region", "52.04", "--signer", "Bupati", "--output", key)
        dry, real = run_ksad(*base, "--dry-run"), run_ksad(*base)
        for proc in (dry, real):
            assert proc.returncode == 3 and f"cannot write ({why})" in proc.stderr, proc.stderr
        assert not key.exists()


def test_a_revoke_dry_run_refuses_what_the_real_run_cannot_write(world, run_ksad):
    world.write_mou()
    (world.root / "revocations").write_text("not a directory\n")
    args = ("--catalog", world.root, "mou", "revoke", MOU, "--key", world.files["sumbawa"], "--reason", "selesai")
    dry = run_ksad(*args, "--dry-run")
    real = run_ksad(*args)
    assert (dry.returncode, real.returncode) == (3, 3), (dry.stderr, real.stderr)
    assert f"revocations/{MOU}.yaml" in dry.stderr and "Not a directory" in dry.stderr
    assert (world.root / "revocations").read_text() == "not a directory\n"


def test_a_signed_revocation_that_is_deleted_is_not_signed_away(world, run_ksad):
    world.write_mou()
    revoke_mou(world.root, MOU, world.key("sumbawa"), keyring(world), reason="selesai")
    world.snapshot()
    rev = world.root / "revocations" / f"{MOU}.yaml"
    rev.unlink()
    out = run_ksad("--catalog", world.root, "catalog", "index", "--snapshot-key", world.files["maintainer"])
    assert out.returncode == 6, out.stderr
    assert f"revocations/{MOU}.yaml is gone from the catalog" in out.stderr
    assert "the MoU it revokes would be valid again" in out.stderr and "draft and sign a new MoU" in out.stderr
    listed = json.loads((world.root / "snapshot.json").read_text())["files"]
    assert f"revocations/{MOU}.yaml" in listed  # the signed snapshot still holds the revocation


def test_revocation_must_be_signed_by_a_party(world):
    world.write_mou()
    revoke_mou(world.root, MOU, world.key("sumbawa"), keyring(world), reason="selesai")
    flip_byte(world.root / "revocations" / f"{MOU}.yaml", "selesai", "selesaj")
    assert "the revocation" in refused(world) and "is not validly signed by either party" in refused(world)
    with pytest.raises(TrustError, match="neither the pioneer"):
        revoke_mou(world.root, MOU, world.key("palopo"), keyring(world), reason="x")


def test_a_revocation_signed_with_a_snapshot_key_revokes_nothing_and_is_reported(world, run_ksad):
    # 'maintainer' is bound to 32.73, the pioneer's region, but only with the snapshot role:
    # holding the catalog's snapshot key must not let one revoke the agreements of a region.
    path = world.write_mou()
    doc = {"revokes": MOU, "mou_sha256": content_sha256(load_mou(path)), "side": "pioneer",
           "revoked_on": TODAY.isoformat(), "reason": "dicabut oleh pengelola"}
    doc["signatures"] = [make_signature(doc, "revocation", world.key("maintainer"), "pioneer", "Pengelola")]
    rev = world.root / "revocations" / f"{MOU}.yaml"
    rev.parent.mkdir()
    rev.write_text(yamlio.dump(doc), encoding="utf-8")
    keyid = world.infos["maintainer"].keyid
    msg = refused(world)
    assert "was revoked" not in msg
    assert msg.startswith(f"MoU {MOU}: the revocation {rev} is not validly signed by either party")
    assert f"key {keyid}" in msg and "'region' role" in msg
    out = run_ksad("--catalog", world.root, "mou", "verify", path, "--keyring", world.root / KEYRING_FILE)
    assert out.returncode == 6 and msg in out.stderr
    assert f"ksad mou revoke {MOU} --key" in out.stderr  # the hint: what a party does to revoke it
    with pytest.raises(TrustError, match="'region' role") as exc:  # the same rule refuses to sign one
        revoke_mou(world.root, MOU, world.key("maintainer"), keyring(world), reason="x")
    assert exc.value.exit_code == 6


def test_future_revocation_takes_effect_on_its_date(world):
    world.write_mou()
    revoke_mou(world.root, MOU, world.key("bandung"), keyring(world), reason="berakhir",
               revoked_on=date.fromisoformat(NEXT_MONTH))
    status = check_mou(load_mou(world.root / "mous" / f"{MOU}.yaml"), keyring(world), load_revocations(world.root))
    assert status.ok and status.revocation.revoked_on.isoformat() == NEXT_MONTH


# --- the gate picks and explains ---------------------------------------------------------------


def test_no_mou_for_the_pair(world):
    world.write_mou()
    assert refused(world, partner="73.73") == (
        f"No MoU between the publisher 32.73 and region 73.73 grants e-budgeting (catalog {world.root}).")


def test_closest_candidate_explains(world):
    # An expired MoU that grants the app is closer than a valid one that does not.
    world.write_mou(world.mou_doc("3273-5204-old", valid_from="2024-01-01", valid_until=LAST_MONTH))
    world.write_mou(world.mou_doc("3273-5204-new", apps=(("sakip", ">=1"),)))
    assert refused(world) == f"MoU 3273-5204-old expired on {LAST_MONTH}."
    assert refused(world, app="little-bandung") == "MoU 3273-5204-new between 32.73 and 52.04 does not grant little-bandung."
    assert grant(world, app="sakip", version="1.2").id == "3273-5204-new"
    # A valid MoU wins over an expired one for the same app.
    world.write_mou(world.mou_doc("3273-5204-renewed"))
    assert grant(world).id == "3273-5204-renewed"


def test_messages_in_bahasa_indonesia(world, run_ksad, tmp_path):
    path = world.write_mou(where=tmp_path / "mou.yaml", signers=(("bandung", "pioneer"),))
    out = run_ksad("mou", "verify", path, "--keyring", world.root / KEYRING_FILE, env={"KSAD_LANG": "id"})
    assert out.returncode == 6
    assert f"MoU {MOU} baru ditandatangani daerah perintis; daerah mitra (52.04" in out.stderr


def test_bundled_catalog_signing_script(tmp_path):
    """scripts/sign_bundled.py on a copy of the bundled catalog: every bundled app is granted to
    52.04 and 73.73 by a demo MoU, and a re-run keeps the keyring (so clients keep trusting it)."""
    import shutil
    import subprocess
    import sys

    from ksad.settings import BUNDLED_CATALOG
    from ksad.trust import verify_app_entry, verify_snapshot

    catalog = tmp_path / "catalog"
    shutil.copytree(BUNDLED_CATALOG, catalog, ignore=shutil.ignore_patterns("snapshot.json", "keys", "mous",
                                                                          "revocations"))
    script = BUNDLED_CATALOG.parent / "scripts" / "sign_bundled.py"
    for _ in range(2):
        subprocess.run([sys.executable, script, "--catalog", catalog], check=True, capture_output=True)
        snap = verify_snapshot(catalog, tmp_path / "trust")
    assert snap.version == 2 and snap.keyring.version == 1 and snap.keyring.demo
    apps = sorted(catalog.glob("apps/*.yaml"))
    assert len(apps) >= 6
    for path in apps:
        data = yamlio.load_mapping(path).data
        assert verify_app_entry(data, snap.keyring).region == data["publisher"]["code"]
        version = str(data["releases"][0]["version"])
        for partner in ("52.04", "73.73"):
            found = find_grant(catalog, snap.keyring, publisher=data["publisher"]["code"], partner=partner,
                               app=data["id"], version=version)
            assert found.ok and found.demo


# --- the parse cache and the verified-signature memo -----------------------------------------


def test_an_mou_edited_after_it_was_cached_is_refused(world):
    path = world.write_mou()
    assert grant(world, version="1.5.0").ok  # parsed, checked and cached
    flip_byte(path, ">=1,<2", ">=1,<3")
    assert "changed after it was signed" in refused(world, version="2.5.0")


def test_an_edited_parse_cache_cannot_make_a_forged_grant_pass(world):
    import json
    import os

    from ksad.settings import Settings

    world.write_mou()
    assert grant(world).ok
    # every cached copy of the MoU (the whole catalog's, and the partner region's the gate reads)
    caches = [c for c in Settings.from_env().cache_dir.glob("parsed-*mou-*.json") if "parties" not in c.name]
    assert any("region-mou" in c.name for c in caches)
    for cache in caches:
        blob = json.loads(cache.read_bytes())
        for data in blob["entries"].values():  # an attacker widens the grant in the cached copy
            data["apps"][0]["versions"] = ">=1,<9"
        cache.write_text(json.dumps(blob))
    assert "changed after it was signed" in refused(world, version="5.0.0")
    assert all(os.stat(c).st_size > 0 for c in caches)


@pytest.mark.parametrize("entries", [[], None, "x"])
def test_a_parse_cache_not_as_ksad_writes_it_is_ignored(world, entries):
    import json

    from ksad.settings import Settings

    world.write_mou()
    assert grant(world).ok
    caches = list(Settings.from_env().cache_dir.glob("parsed-*.json"))
    assert caches
    for cache in caches:
        blob = json.loads(cache.read_bytes())
        cache.write_text(json.dumps({**blob, "entries": entries}))
    assert grant(world).ok


def test_the_cache_drops_mous_that_are_gone(world):
    import json

    from ksad.settings import Settings

    first = world.write_mou()
    world.write_mou(world.mou_doc("3273-5204-120-2026"))
    grant(world)
    cache = next(Settings.from_env().cache_dir.glob("parsed-mou-*.json"))
    assert len(json.loads(cache.read_bytes())["entries"]) == 2
    first.unlink()
    grant(world)
    assert [d["id"] for d in json.loads(cache.read_bytes())["entries"].values()] == ["3273-5204-120-2026"]


def test_mou_list_shows_the_identity_regions_mous_unless_asked_for_all(world, run_ksad):
    import json

    world.write_mou()  # 32.73 -> 52.04
    world.write_mou(world.mou_doc("3273-7373-1-2026", partner="73.73"),
                    signers=(("bandung", "pioneer"), ("palopo", "partner")))
    world.snapshot()
    cat = ("--catalog", world.root)

    def ids(*args: str) -> list[str]:
        return [r["id"] for r in json.loads(run_ksad(*cat, "mou", "list", "--json", *args, check=True).stdout)["data"]]

    both = ["3273-5204-119-2026", "3273-7373-1-2026"]
    assert ids() == both  # no identity pack: a catalog maintainer's machine
    run_ksad("init", "--region", "73.73", "--domain", "palopokota.go.id", "--office", "Diskominfo", check=True)
    assert ids() == ["3273-7373-1-2026"]
    assert ids("--all") == both
    assert ids("--region", "52.04") == ["3273-5204-119-2026"]
    assert ids("--region", "32.73") == both  # the pioneer is a party to both
    shown = run_ksad(*cat, "mou", "list", check=True).stderr
    assert "MoUs of 73.73" in shown and "--all" in shown and "3273-5204-119-2026" not in shown
    assert "No MoUs of 99.99" in run_ksad(*cat, "mou", "list", "--region", "99.99", check=True).stderr
    refused = run_ksad(*cat, "mou", "list", "--all", "--region", "52.04", check=3)
    assert "--region and --all" in refused.stderr


# --- a region's list reads only that region's MoUs, and still judges each in full ------------------


def _region_world(world):
    """32.73 -> 52.04 valid, revoked and tampered; 32.73 -> 73.73 and 36.71 -> 73.73 valid."""
    world.write_mou()
    world.write_mou(world.mou_doc("3273-5204-revoked"))
    revoke_mou(world.root, "3273-5204-revoked", world.key("sumbawa"), keyring(world), reason="Diakhiri")
    tampered = world.write_mou(world.mou_doc("3273-5204-tampered"))
    flip_byte(tampered, ">=1,<2", ">=1,<9")
    world.write_mou(world.mou_doc("3273-7373-1-2026", partner="73.73"), signers=(("bandung", "pioneer"),
                                                                              ("palopo", "partner")))
    world.write_mou(world.mou_doc("3671-7373-1-2026", pioneer="36.71", partner="73.73"),
                    signers=(("tangerang", "pioneer"), ("palopo", "partner")))


def _listed(run_ksad, world, *args) -> dict[str, str | None]:
    import json

    out = run_ksad("--catalog", world.root, "mou", "list", "--json", *args, check=True)
    return {r["id"]: r["problem"] for r in json.loads(out.stdout)["data"]}


EXPECTED_52_04 = {
    "3273-5204-119-2026": None,
    "3273-5204-revoked": "MoU 3273-5204-revoked was revoked on {today} by the partner (52.04): Diakhiri",
    "3273-5204-tampered": ("MoU 3273-5204-tampered: the signature of Kepala Diskominfo Kota Bandung (key {keyid}) "
                           "does not match the content: it was changed after it was signed."),
}


def _expected_52_04(world) -> dict[str, str | None]:
    revoked_on = str(yamlio.load(world.root / "revocations" / "3273-5204-revoked.yaml").data["revoked_on"])
    return {k: v and v.format(today=revoked_on, keyid=world.infos["bandung"].keyid) for k, v in EXPECTED_52_04.items()}


@pytest.mark.parametrize("index", ["none", "fresh", "stale"])
def test_a_regions_list_shows_and_judges_exactly_its_mous(world, run_ksad, index):
    from ksad.catalog import write_index

    _region_world(world)
    if index != "none":
        write_index(world.root)
    if index == "stale":  # an MoU moved to 52.04 after the index was written: the index names 73.73
        world.write_mou(world.mou_doc("3273-7373-1-2026", partner="52.04"))
    world.snapshot()
    expected = _expected_52_04(world)
    if index == "stale":
        expected["3273-7373-1-2026"] = None
    for _ in range(2):  # a first run, and one from what it remembered
        assert _listed(run_ksad, world, "--region", "52.04") == expected
        assert _listed(run_ksad, world, "--region", "36.71") == {"3671-7373-1-2026": None}
    everything = _listed(run_ksad, world, "--all")
    assert {k: v for k, v in everything.items() if k in expected} == expected
    assert len(everything) == 5
    shown = run_ksad("--catalog", world.root, "mou", "list", "--region", "52.04", check=True).stderr
    assert "changed after it was signed" in shown and "Diakhiri" in shown and "3671-7373-1-2026" not in shown


def _forge_party(world, *, document: bool, table: bool) -> None:
    """Make the index say MoU 3671-7373 (36.71 with 73.73) is 52.04's: in the MoU it holds, its parties table."""
    import json

    from ksad.catalog import DOCUMENTS_FILE, write_index

    write_index(world.root)
    blob = json.loads((world.root / DOCUMENTS_FILE).read_text())
    doc = blob["documents"]["mous/3671-7373-1-2026.yaml"]
    assert blob["parties"][doc["sha256"]] == ["3671-7373-1-2026", "36.71", "73.73"]
    if document:
        doc["data"]["partner"]["code"] = "52.04"
    if table:
        blob["parties"][doc["sha256"]][2] = "52.04"
    (world.root / DOCUMENTS_FILE).write_text(json.dumps(blob))
    world.snapshot()


def test_a_forged_party_in_the_index_cannot_make_an_mou_pass_in_another_regions_list(world, run_ksad):
    _region_world(world)
    _forge_party(world, document=True, table=True)
    listed = _listed(run_ksad, world, "--region", "52.04")
    assert "changed after it was signed" in listed.pop("3671-7373-1-2026")  # judged on what it claims, like --all
    assert listed == _expected_52_04(world)


def test_a_forged_parties_table_alone_only_chooses_an_mou_that_its_own_content_then_leaves_out(world, run_ksad):
    _region_world(world)
    _forge_party(world, document=False, table=True)
    assert _listed(run_ksad, world, "--region", "52.04") == _expected_52_04(world)
    assert _listed(run_ksad, world, "--region", "36.71") == {"3671-7373-1-2026": None}


def test_an_index_without_a_parties_table_still_gives_each_region_its_mous(world, run_ksad):
    """documents.json written before it had one (an older ksad): the MoUs it holds give the parties."""
    import json

    from ksad.catalog import DOCUMENTS_FILE, write_index

    _region_world(world)
    write_index(world.root)
    blob = json.loads((world.root / DOCUMENTS_FILE).read_text())
    del blob["parties"]
    (world.root / DOCUMENTS_FILE).write_text(json.dumps(blob))
    world.snapshot()
    assert _listed(run_ksad, world, "--region", "52.04") == _expected_52_04(world)
    assert _listed(run_ksad, world, "--region", "73.73").keys() == {"3273-7373-1-2026", "3671-7373-1-2026"}


def test_a_regions_list_still_refuses_an_invalid_mou_of_another_region(world, run_ksad):
    _region_world(world)
    (world.root / "mous" / "3671-7373-1-2026.yaml").write_text("id: 3671-7373-1-2026\npioneer: 36.71\n")
    world.snapshot()
    out = run_ksad("--catalog", world.root, "mou", "list", "--region", "52.04")
    assert out.returncode == 3 and "3671-7373-1-2026.yaml" in out.stderr


def test_a_regions_list_still_refuses_another_regions_mou_under_the_wrong_name(world, run_ksad):
    _region_world(world)
    world.snapshot()
    run_ksad("--catalog", world.root, "mou", "list", "--region", "52.04", check=True)  # its parties remembered
    (world.root / "mous" / "3273-7373-1-2026.yaml").rename(world.root / "mous" / "3273-7373-renamed.yaml")
    world.snapshot()
    out = run_ksad("--catalog", world.root, "mou", "list", "--region", "52.04")
    assert out.returncode == 3
    assert "3273-7373-renamed.yaml: the MoU id '3273-7373-1-2026' must match the file name." in out.stderr


# --- the whole list, judged once a day ------------------------------------------------------------


def _judged(world, monkeypatch, now=None, judge=check_mou, region=None):
    """The catalog's MoUs (*region*'s) listed as `mou list` lists them, and how many were judged to do it."""
    from ksad import mou
    from ksad.settings import Settings
    from ksad.trust import trust_state_dir, verify_snapshot

    judged = []

    def counting(*args, **kw):
        judged.append(args[0]["id"])
        return judge(*args, **kw)

    monkeypatch.setattr(mou, "check_mou", counting)
    snapshot = verify_snapshot(world.root, trust_state_dir(Settings.from_env()))
    listed = mou.list_mous(world.root, snapshot.keyring, now, pinned=snapshot.files, region=region)
    return [r.to_json() for r in listed], len(judged)


def test_the_whole_list_is_judged_once_a_day_from_the_same_files(world, monkeypatch):
    from datetime import datetime, timezone

    from ksad.trust import today

    _region_world(world)
    # the date of this test's run, not TODAY (taken as the tests were collected): a run that crossed
    # midnight since would find an MoU ending TODAY expired
    ends = today().isoformat()
    world.write_mou(world.mou_doc("3273-5204-ends-today", valid_until=ends))
    world.snapshot()
    first, judged = _judged(world, monkeypatch)
    assert judged == 6
    assert _judged(world, monkeypatch) == (first, 0)  # the same, remembered: nothing judged again
    problems = {r["id"]: r["problem"] for r in first}
    assert problems["3273-5204-ends-today"] is None and problems == {**_expected_52_04(world), **{
        "3273-5204-ends-today": None, "3273-7373-1-2026": None, "3671-7373-1-2026": None}}
    assert {r["id"]: r["revocation"] for r in first}["3273-5204-revoked"]["reason"] == "Diakhiri"

    tomorrow = datetime.now(timezone.utc) + timedelta(days=1)
    later, judged = _judged(world, monkeypatch, tomorrow)  # another day: every window judged again
    assert judged == 6 and {r["id"]: r["problem"] for r in later}["3273-5204-ends-today"] == (
        f"MoU 3273-5204-ends-today expired on {ends}.")

    revoke_mou(world.root, "3273-7373-1-2026", world.key("palopo"), keyring(world), reason="Selesai")
    world.snapshot()  # a revocation the snapshot now lists
    after, judged = _judged(world, monkeypatch)
    assert judged == 6 and "Selesai" in {r["id"]: r["problem"] for r in after}["3273-7373-1-2026"]


def test_a_regions_list_is_remembered_apart_from_other_regions_and_the_whole_list(world, monkeypatch):
    _region_world(world)
    world.snapshot()
    mine, judged = _judged(world, monkeypatch, region="52.04")
    assert judged == 3 and {r["id"]: r["problem"] for r in mine} == _expected_52_04(world)
    theirs, judged = _judged(world, monkeypatch, region="36.71")
    assert judged == 1 and [r["id"] for r in theirs] == ["3671-7373-1-2026"]
    everything, judged = _judged(world, monkeypatch)
    assert judged == 5
    for region, listed in (("52.04", mine), ("36.71", theirs), (None, everything)):
        assert _judged(world, monkeypatch, region=region) == (listed, 0)
    # An MoU that now names 52.04 (re-signed, in a new snapshot): the region's list is chosen again.
    world.write_mou(world.mou_doc("3273-7373-1-2026", partner="52.04"))
    world.snapshot()
    again, judged = _judged(world, monkeypatch, region="52.04")
    assert judged == 4 and {r["id"]: r["problem"] for r in again} == {**_expected_52_04(world), "3273-7373-1-2026": None}


def test_remembered_verdicts_are_owner_only_in_the_runs_language_and_never_trusted_when_broken(world, run_ksad):
    import json
    import stat

    _region_world(world)
    world.snapshot()

    def listed(lang="en"):
        out = run_ksad("--catalog", world.root, "mou", "list", "--all", "--json", env={"KSAD_LANG": lang}, check=True)
        return {r["id"]: r["problem"] for r in json.loads(out.stdout)["data"]}

    english = listed()
    memo = next((world.base / "home" / "cache").glob("mou-verdicts-*.json"))
    assert stat.S_IMODE(memo.stat().st_mode) == 0o600
    indonesian = listed("id")  # not what the English run remembered: its fields name sides in English
    assert "oleh daerah mitra (52.04)" in indonesian["3273-5204-revoked"]
    assert listed("id") == indonesian and listed() == english
    for broken in ("", "{", '{"format": 1, "key": "x", "mous": []}', json.dumps(
            {**json.loads(memo.read_text()), "mous": [["3273-5204-tampered"]]})):
        memo.write_text(broken)
        assert listed() == english


def test_a_list_against_a_keyring_file_remembers_nothing(world, run_ksad):
    world.write_mou()
    world.snapshot()
    run_ksad("--catalog", world.root, "mou", "list", "--all", "--keyring", world.root / KEYRING_FILE, check=True)
    assert not list((world.base / "home" / "cache").glob("mou-verdicts-*.json"))
    run_ksad("--catalog", world.root, "mou", "list", "--all", check=True)
    assert list((world.base / "home" / "cache").glob("mou-verdicts-*.json"))


@pytest.mark.parametrize("field", [date(2026, 1, 1), ("32.73", "52.04")])
def test_a_verdict_json_would_not_give_back_as_it_was_is_not_remembered(world, monkeypatch, field):
    from ksad.settings import Settings

    world.write_mou()
    world.snapshot()

    def odd(*args, **kw):  # a problem whose field is a date or a tuple: JSON gives a string or a list
        return check_mou(*args, **kw)._replace(problem=TrustError("mou.expired", id="x", date=field))

    for _ in range(2):
        listed, judged = _judged(world, monkeypatch, judge=odd)
        assert judged == 1 and listed[0]["problem"] == f"MoU x expired on {field}."
    assert not list(Settings.from_env().cache_dir.glob("mou-verdicts-*.json"))


# --- a national list, judged in two threads ---------------------------------------------------------


def test_a_long_list_is_verified_in_two_threads_as_in_one(world, monkeypatch):
    """Ed25519 verification releases the GIL, so a long list's signatures are verified in two
    threads before the MoUs are judged: the verdicts, and their order, are what one thread gives,
    a tampered MoU is caught whichever thread verified it, and a failure in the second thread
    reaches the caller."""
    from ksad import mou, trust, workers

    assert workers.THREADED_LEAST <= 140
    ids = [f"3273-5204-{i:03d}" for i in range(70)]
    for i, mou_id in enumerate(ids):
        path = world.write_mou(world.mou_doc(mou_id))
        if i in (8, 41):  # signatures 16-17 and 82-83: the first thread takes even ones, the second odd ones
            flip_byte(path, ">=1,<2", ">=1,<9")
    world.snapshot()
    threads = []
    real_verified = trust._verified

    def noting(*args):
        import threading

        threads.append(threading.current_thread().name)
        return real_verified(*args)

    def nothing_verified_yet():
        monkeypatch.setattr(trust, "_memo", None)
        trust._verified_memo().tokens.clear()
        ring = keyring(world)
        threads.clear()  # the keyring's own signatures are not counted
        return ring

    monkeypatch.setattr(trust, "_verified", noting)
    monkeypatch.setattr(workers, "cpus", lambda: 2)  # as on the machines CI runs on, whatever this one has
    both = [r.to_json() for r in mou.list_mous(world.root, nothing_verified_yet())]
    # 140 ahead, 70 in each thread; the 4 of the tampered MoUs that failed, once more as they are judged
    assert threads.count("ksad-threaded-map") == 70 and len(threads) == 144
    monkeypatch.setattr(workers, "cpus", lambda: 1)
    one = [r.to_json() for r in mou.list_mous(world.root, nothing_verified_yet())]
    assert "ksad-threaded-map" not in threads and len(threads) == 144
    assert both == one and [r["id"] for r in both] == ids
    tampered = {r["id"] for r in both if r["problem"] is not None}
    assert tampered == {ids[8], ids[41]}
    assert all("does not match the content" in r["problem"] for r in both if r["id"] in tampered)
    from ksad.validate import trust_problems  # catalog validate judges them the same way

    for cpus in (2, 1):
        nothing_verified_yet()
        monkeypatch.setattr(workers, "cpus", lambda: cpus)
        found = trust_problems(world.root)
        assert [Path(p.file).stem for p in found] == [ids[8], ids[41]]
        assert all("does not match the content" in p.message for p in found)

    monkeypatch.setattr(workers, "cpus", lambda: 2)
    odd = mou.canonical_bytes(world.mou_doc(ids[40]), string_keys=True)

    def failing_on_an_odd_one(raw, sig, message):
        import threading

        if message.endswith(odd) and threading.current_thread().name == "ksad-threaded-map":
            raise RuntimeError("a bug in verifying")
        return real_verified(raw, sig, message)

    monkeypatch.setattr(trust, "_verified", failing_on_an_odd_one)
    with pytest.raises(RuntimeError, match="a bug in verifying"):
        mou.list_mous(world.root, nothing_verified_yet())


# --- a first national list, verified by a child from the index while the snapshot is checked ----------


def _wait_unreaped(pid: int) -> None:
    """Until the child has exited, leaving it for its owner to collect (and its pipe unread)."""
    import os

    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)


def test_a_first_whole_list_is_verified_by_a_child_from_the_index_and_judged_as_without_it(world, monkeypatch):
    """The child verifies the MoUs documents.json holds; the list takes what verified and checks
    the rest itself. A file tampered with after the index was written is judged on its own
    bytes: the child verified the index's copy, whose token cannot stand for the file's."""
    from ksad import mou, trust, workers
    from ksad.catalog import write_index

    ids = [f"3273-5204-{i:03d}" for i in range(40)]
    for i, mou_id in enumerate(ids):
        path = world.write_mou(world.mou_doc(mou_id))
        if i == 8:
            flip_byte(path, ">=1,<2", ">=1,<9")  # before the index: the index holds it tampered too
    write_index(world.root)
    flip_byte(world.root / "mous" / f"{ids[30]}.yaml", ">=1,<2", ">=1,<7")  # after it: the index holds it whole
    world.snapshot()

    def listed(cpus: int):
        monkeypatch.setattr(trust, "_memo", None)
        trust._verified_memo().tokens.clear()
        monkeypatch.setattr(workers, "cpus", lambda: cpus)
        monkeypatch.setattr(trust, "_verified", real_verified)  # as forked: the child counts nothing
        ahead = mou.verify_catalog_ahead(world.root)
        assert (ahead is not None) == (cpus > 1)
        if ahead is not None:
            _wait_unreaped(ahead.pid)  # every token sent before the list asks: what it verifies is its own
        checked.clear()
        monkeypatch.setattr(trust, "_verified", noting)
        try:
            ring = keyring(world)
            return [r.to_json() for r in mou.list_mous(world.root, ring, ahead=ahead)]
        finally:
            if ahead is not None:
                ahead.close()

    real_verified = trust._verified
    checked: list[bytes] = []

    def noting(raw, sig, message):
        checked.append(message)
        return real_verified(raw, sig, message)

    with_child = listed(2)
    in_parent = {m for m in checked if b'"id":"3273-5204-' in m}
    # only the two tampered MoUs' signatures are verified here (both fail, so again as judged)
    assert {m.split(b'"id":"')[1][:len(ids[0])].decode() for m in in_parent} == {ids[8], ids[30]}
    alone = listed(1)
    assert with_child == alone and [r["id"] for r in with_child] == ids
    assert {r["id"] for r in with_child if r["problem"]} == {ids[8], ids[30]}
    assert all("does not match the content" in r["problem"] for r in with_child if r["problem"])


def test_a_child_that_stops_or_has_nothing_leaves_the_list_to_verify_the_rest(world, monkeypatch):
    from ksad import catalog, mou, trust, workers

    for i in range(6):
        world.write_mou(world.mou_doc(f"3273-5204-{i:03d}"))
    world.snapshot()  # no index: the child finds nothing to verify
    monkeypatch.setattr(workers, "cpus", lambda: 2)

    def listed(ahead):
        monkeypatch.setattr(trust, "_memo", None)
        return [(r["id"], r["problem"]) for r in (x.to_json() for x in mou.list_mous(world.root, keyring(world),
                                                                                     ahead=ahead))]

    expected = [(f"3273-5204-{i:03d}", None) for i in range(6)]
    assert listed(mou.verify_catalog_ahead(world.root)) == expected
    catalog.write_index(world.root)
    world.snapshot()

    def broken(root):
        raise RuntimeError("a bug in the child")

    monkeypatch.setattr(catalog, "shipped_documents", broken)  # the child inherits it, and fails at once
    ahead = mou.verify_catalog_ahead(world.root)
    monkeypatch.undo()
    monkeypatch.setattr(workers, "cpus", lambda: 2)
    assert listed(ahead) == expected


def test_the_child_is_not_started_when_the_whole_lists_verdicts_are_remembered(world, monkeypatch):
    from ksad import mou, workers
    from ksad.catalog import write_index
    from ksad.settings import Settings
    from ksad.trust import trust_state_dir, verify_snapshot

    monkeypatch.setattr(workers, "cpus", lambda: 2)
    world.write_mou()
    write_index(world.root)
    world.snapshot()
    first = mou.verify_catalog_ahead(world.root)
    assert first is not None
    snapshot = verify_snapshot(world.root, trust_state_dir(Settings.from_env()))
    mou.list_mous(world.root, snapshot.keyring, pinned=snapshot.files, ahead=first)
    first.close()
    assert mou.verify_catalog_ahead(world.root) is None


def test_a_range_no_one_can_read_is_reported_by_validate_and_named_by_install(world, run_ksad):
    """Signed by both sides, but '>=banana' grants nothing: validate says which file and field,
    and the gate names the MoU instead of a bare 'not a valid version range'."""
    from ksad.errors import InputError

    path = world.write_mou(world.mou_doc(apps=(("e-budgeting", ">=banana"),)))
    world.snapshot()
    with pytest.raises(InputError) as exc:
        grant(world)
    assert exc.value.message == (f"MoU {MOU} ({path}) grants e-budgeting for '>=banana', which is not a "
                                 "version range.")
    for _ in range(2):  # and again, when the rest is remembered
        out = run_ksad("catalog", "validate", world.root, check=3)
        assert f"{path}: apps[0].versions: '>=banana' is not a valid version range." in out.stderr


def test_revoke_takes_an_id_or_its_file_and_never_writes_elsewhere(world, run_ksad, tmp_path):
    world.write_mou()
    signed = world.root / "mous" / f"{MOU}.yaml"
    before = signed.read_bytes()
    # '..' in the id: the revocation's file name pointed back at the signed MoU (no revocations/ yet)
    proc = run_ksad("--catalog", world.root, "mou", "revoke", f"../mous/{MOU}", "--key", world.files["sumbawa"],
                    "--reason", "x", check=4)
    assert "No MoU" in proc.stderr
    assert signed.read_bytes() == before and not (world.root / "revocations").exists()
    # the MoU's own file, as mou sign and mou verify take it, names it
    proc = run_ksad("--catalog", world.root, "mou", "revoke", signed, "--key", world.files["sumbawa"],
                    "--reason", "Perjanjian diakhiri", check=True)
    assert f"MoU {MOU} revoked from" in proc.stderr
    assert signed.read_bytes() == before
    assert yamlio.load(world.root / "revocations" / f"{MOU}.yaml").data["revokes"] == MOU
    assert "was revoked on" in refused(world)
    # a file of that name elsewhere is not the catalog's MoU
    other = tmp_path / f"{MOU}.yaml"
    other.write_bytes(before)
    run_ksad("--catalog", world.root, "mou", "revoke", other, "--key", world.files["bandung"], "--reason", "x",
             check=4)
