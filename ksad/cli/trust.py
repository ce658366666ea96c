"""`ksad key ...` and `ksad mou ...`: keys for officials, and the MoU manifests they sign.

Parse, call :mod:`ksad.trust` / :mod:`ksad.mou`, render. The keyring is the
selected catalog's (``keys/keyring.yaml``) unless ``--keyring`` names another.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ksad.cli import usage
from ksad.cli.app import State, cli, dry_run_option, emit_json, json_option, pass_state
from ksad.messages import t

_date = usage.DateTime(formats=["%Y-%m-%d"])
passphrase_option = click.option("--passphrase-env", "passphrase_env", metavar="VAR",
                                 help="Name of an environment variable holding the key's passphrase.")
keyring_option = click.option("--keyring", "keyring_file", type=usage.Path(dir_okay=False),
                              help="Keyring file (default: the catalog's keys/keyring.yaml).")


def _passphrase(var: str | None) -> str | None:
    from ksad.errors import InputError

    if var is None:
        return None
    value = os.environ.get(var)
    if value is None:
        raise InputError("key.passphrase_env_missing", var=var)
    return value


def _load_key(path: str, passphrase_env: str | None):
    """Load a signing key; ask for a passphrase on a terminal when the key needs one and none was given."""
    from ksad.errors import InputError
    from ksad.trust import load_private_key

    passphrase = _passphrase(passphrase_env)
    try:
        return load_private_key(path, passphrase)
    except InputError as exc:
        if exc.key != "trust.key.passphrase_needed" or not sys.stdin.isatty():
            raise
    return load_private_key(path, click.prompt(t("key.passphrase_prompt", file=path), hide_input=True))


def _keyring(state: State, keyring_file: str | None):
    from ksad.trust import KEYRING_FILE, TrustStore, load_keyring, trust_state_dir

    if keyring_file:
        return load_keyring(keyring_file)
    # The catalog's own keyring is held to what this client already trusted (no rollback).
    return load_keyring(state.settings.catalog / KEYRING_FILE,
                        store=TrustStore(trust_state_dir(state.settings), state.settings.catalog))


# --- ksad key ---------------------------------------------------------------------


@cli.group("key")
def key() -> None:
    """Signing keys (Ed25519) for publishers and the officials who sign MoUs."""


@key.command("generate")
@click.option("--region", required=True, help="Kemendagri code of the signer's region, e.g. 32.73.")
@click.option("--signer", required=True, help='Who signs, e.g. "Kepala Diskominfo Kota Bandung".')
@click.option("--position", default="", help="The signer's position (jabatan).")
@click.option("--output", "output", type=usage.Path(dir_okay=False),
              help="Private key file (default: $KSAD_HOME/keys/<code>-<signer>.key).")
@passphrase_option
@dry_run_option
@json_option
@pass_state
def generate(state: State, region: str, signer: str, position: str, output: str | None,
             passphrase_env: str | None, dry_run: bool, as_json: bool) -> None:
    """Create a key pair. The private key is written with mode 0600 and never printed;
    the public key (and its keyring entry) is printed on stdout."""
    from ksad import yamlio
    from ksad.mou import _slug
    from ksad.region import load_for
    from ksad.trust import check_new_key_path, generate_key, public_key_file

    code = load_for(state.settings).get(region).code
    passphrase = _passphrase(passphrase_env)
    if output is None:
        keys_dir = state.settings.keys_dir
        if not dry_run:
            keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        output = str(keys_dir / f"{code.replace('.', '')}-{_slug(signer) or 'key'}.key")
    if dry_run:
        public = check_new_key_path(output)
        if as_json:
            emit_json({"keyid": None, "public": None, "region": code, "signer": signer, "position": position,
                       "private_key_file": output, "public_key_file": str(public), "dry_run": True})
            return
        state.say(t("key.dry_run", file=output, public=str(public), region=code, signer=signer), style="yellow")
        return
    info = generate_key(output, region=code, signer=signer, position=position, passphrase=passphrase)
    if as_json:
        emit_json({**info.to_json(), "private_key_file": output, "public_key_file": str(public_key_file(Path(output))),
                   "dry_run": False})
        return
    state.say(t("key.written", file=output))
    state.say(t("key.public_written", file=str(public_key_file(Path(output)))))
    click.echo(yamlio.dump(info.to_json()), nl=False)


@key.command("show")
@click.argument("file", type=usage.Path(dir_okay=False))
@passphrase_option
@json_option
@pass_state
def show(state: State, file: str, passphrase_env: str | None, as_json: bool) -> None:
    """Show the key id and public key of FILE (a private key or its .pub.yaml)."""
    from ksad.errors import InputError
    from ksad.trust import key_info, public_key_file

    try:
        info = key_info(file, _passphrase(passphrase_env))
    except InputError as exc:
        # An encrypted key without its passphrase: its public half is still shown from the sidecar.
        sidecar = public_key_file(Path(file))
        if exc.key != "trust.key.passphrase_needed" or not sidecar.is_file():
            raise
        info = key_info(sidecar)
    if as_json:
        emit_json(info.to_json())
        return
    for field in ("keyid", "public", "region", "signer", "position"):
        value = getattr(info, field)
        if value:
            click.echo(f"{t(f'key.col.{field}')}: {value}")


# --- ksad mou ---------------------------------------------------------------------


@cli.group("mou")
def mou() -> None:
    """MoU manifests: draft, sign by both sides, verify, list, revoke."""


@mou.command("draft")
@click.option("--pioneer", required=True, help="Kemendagri code of the pioneer (the publishing region).")
@click.option("--partner", required=True, help="Kemendagri code of the partner region.")
@click.option("--app", "apps", multiple=True, required=True,
              help='An app, optionally with a version range: --app "e-budgeting>=1,<2". Repeat for more.')
@click.option("--valid-from", type=_date, help="First day of validity (default: today).")
@click.option("--valid-until", type=_date, required=True, help="Last day of validity.")
@click.option("--pioneer-number", required=True, help="The pioneer's document number of the MoU.")
@click.option("--partner-number", required=True, help="The partner's document number of the MoU.")
@click.option("--document", type=usage.Path(dir_okay=False), required=True,
              help="The legally signed MoU document (PDF); its sha256 goes into the manifest.")
@click.option("--pioneer-office", help="The pioneer's office (default: its Diskominfo).")
@click.option("--partner-office", help="The partner's office (default: its Diskominfo).")
@click.option("--training", help="Training the pioneer provides.")
@click.option("--support", help="Support contact.")
@click.option("--id", "mou_id", help="MoU id (default: <pioneer>-<partner>-<pioneer number>).")
@json_option
@pass_state
def draft(state: State, pioneer: str, partner: str, apps: tuple[str, ...], valid_from, valid_until,
          pioneer_number: str, partner_number: str, document: str, pioneer_office: str | None,
          partner_office: str | None, training: str | None, support: str | None, mou_id: str | None,
          as_json: bool) -> None:
    """Write a new, unsigned MoU manifest (YAML) to stdout."""
    from ksad import yamlio
    from ksad.catalog import open_catalog
    from ksad.mou import draft_mou
    from ksad.region import load_for
    from ksad.trust import today

    catalog = open_catalog(state.settings.catalog, state.settings.cache_dir)
    data = draft_mou(
        regions=load_for(state.settings), pioneer=pioneer, partner=partner, apps=apps,
        valid_from=valid_from.date() if valid_from else today(), valid_until=valid_until.date(),
        pioneer_number=pioneer_number, partner_number=partner_number, document=document,
        pioneer_office=pioneer_office, partner_office=partner_office, training=training, support=support,
        mou_id=mou_id, publisher_of=lambda app: catalog.app(app).publisher_code)
    if as_json:
        emit_json(data)
        return
    click.echo(yamlio.dump(data), nl=False)


@mou.command("sign")
@click.argument("file", type=usage.Path(dir_okay=False))
@click.option("--key", "key_file", required=True, type=usage.Path(dir_okay=False), help="Your private key file.")
@passphrase_option
@keyring_option
@dry_run_option
@json_option
@pass_state
def sign(state: State, file: str, key_file: str, passphrase_env: str | None, keyring_file: str | None,
         dry_run: bool, as_json: bool) -> None:
    """Sign the MoU in FILE for your side (which side follows from your key's region)."""
    from ksad.mou import check_mou, load_mou, side_name, sign_mou

    keyring = _keyring(state, keyring_file)
    signer = sign_mou(file, _load_key(key_file, passphrase_env), keyring, dry_run=dry_run)
    data = load_mou(file)
    # after a dry run the file lacks this side's signature: count it as if it were there
    sides = {s.side for s in check_mou(data, keyring).signers} | {signer.side}
    missing = [s for s in ("pioneer", "partner") if s not in sides]
    if as_json:
        emit_json({"id": data["id"], "file": file, "signer": signer.to_json(), "missing": missing,
                   "dry_run": dry_run})
        return
    state.say(t("mou.dry_run.sign" if dry_run else "mou.signed", id=data["id"], side=side_name(signer.side),
                region=signer.region, keyid=signer.keyid, signer=signer.signer, file=file),
              style="yellow" if dry_run else None)
    state.say(t("mou.signed.waiting", side=side_name(missing[0])) if missing else t("mou.signed.complete", id=data["id"]))
    if dry_run:
        state.say(t("plan.dry_run"))


@mou.command("verify")
@click.argument("file", type=usage.Path(dir_okay=False))
@click.option("--document", type=usage.Path(dir_okay=False), help="Also check that this PDF is the MoU's document.")
@keyring_option
@json_option
@pass_state
def verify(state: State, file: str, document: str | None, keyring_file: str | None, as_json: bool) -> None:
    """Show who signed FILE, its window, apps and ranges and document hash; exit 6 if it is not valid."""
    from ksad.errors import TrustError
    from ksad.hashing import file_sha256
    from ksad.mou import check_mou, load_mou, load_revocations

    data = load_mou(file)
    result = check_mou(data, _keyring(state, keyring_file), load_revocations(state.settings.catalog),
                       file=Path(file))
    problem = result.problem
    if problem is None and document:
        actual = file_sha256(Path(document))
        if actual != result.document_sha256:
            problem = TrustError("mou.document_mismatch", file=document, actual=actual, id=result.id,
                                 expected=result.document_sha256)
    if as_json:
        emit_json({**result.to_json(), "valid": problem is None, "problem": problem.message if problem else None})
        if problem:
            raise click.exceptions.Exit(problem.exit_code)
        return
    _render_mou(state, result)
    if problem:
        raise problem
    state.say(t("mou.valid", id=result.id), style="green")


@mou.command("list")
@click.option("--region", "region", metavar="CODE",
              help="Only MoUs this region (Kemendagri code) is a party to. Default: the identity pack's region.")
@click.option("--all", "show_all", is_flag=True, help="Every MoU of the catalog.")
@keyring_option
@json_option
@pass_state
def list_(state: State, region: str | None, show_all: bool, keyring_file: str | None, as_json: bool) -> None:
    """Your region's MoUs (--all: the catalog's) and whether each is valid today."""
    from ksad.mou import list_mous, verify_catalog_ahead
    from ksad.trust import trust_state_dir, verify_snapshot

    if region and show_all:
        from ksad.errors import InputError

        raise InputError("mou.list.scope_conflict")
    if not region and not show_all and state.settings.identity_file.exists():
        # like kubectl's current namespace: a regency's staff asks about their own agreements
        from ksad.identity import load_identity

        region = load_identity(state.settings).region_code
    pinned = None
    ahead = verify_catalog_ahead(state.settings.catalog) if region is None else None
    try:
        if keyring_file:
            keyring = _keyring(state, keyring_file)
        else:
            # Listing the catalog's MoUs means trusting the catalog: check its signed snapshot first.
            snapshot = verify_snapshot(state.settings.catalog, trust_state_dir(state.settings))
            keyring, pinned = snapshot.keyring, snapshot.files
        results = list_mous(state.settings.catalog, keyring, region=region, pinned=pinned, ahead=ahead)
    finally:
        if ahead is not None:
            ahead.close()  # already collected, unless an error came first
    catalog = str(state.settings.catalog)
    if as_json:
        emit_json([r.to_json() for r in results])
        return
    if not results:
        state.say(t("mou.none_region", region=region, catalog=catalog) if region else t("mou.none", catalog=catalog))
        return
    from ksad.cli.listing import print_listing

    rows, styles = [], []
    for r in results:
        status = t("mou.status.valid") if r.ok else f"{t('mou.status.invalid')}: {r.problem.message}"
        rows.append((r.id, r.pioneer.code, r.partner.code, f"{r.valid_from} .. {r.valid_until}", status,
                     ", ".join(f"{g.app} {g.versions}" for g in r.grants)))
        styles.append(None if r.ok else "red")
    print_listing(state.styled_console, [t(f"mou.field.{c}") for c in ("id", "pioneer", "partner", "window", "status", "apps")],
                  rows, styles=styles, title=t("mou.list.title_region", region=region, catalog=catalog) if region
                  else t("mou.list.title", catalog=catalog))


@mou.command("revoke")
@click.argument("mou_id")
@click.option("--key", "key_file", required=True, type=usage.Path(dir_okay=False), help="Your private key file.")
@click.option("--reason", required=True, help="Why the MoU ends.")
@click.option("--date", "revoked_on", type=_date, help="First day the MoU no longer holds (default: today).")
@passphrase_option
@keyring_option
@dry_run_option
@json_option
@pass_state
def revoke(state: State, mou_id: str, key_file: str, reason: str, revoked_on, passphrase_env: str | None,
           keyring_file: str | None, dry_run: bool, as_json: bool) -> None:
    """Revoke MOU_ID (or its file in the catalog's mous/) in the catalog, signed by your side (pioneer or partner)."""
    from ksad.mou import revoke_mou, side_name

    rev = revoke_mou(state.settings.catalog, mou_id, _load_key(key_file, passphrase_env),
                     _keyring(state, keyring_file), reason=reason,
                     revoked_on=revoked_on.date() if revoked_on else None, dry_run=dry_run)
    if as_json:
        emit_json({**rev.to_json(), "dry_run": dry_run})
        return
    state.say(t("mou.dry_run.revoke" if dry_run else "mou.revoked_written", id=rev.mou,
                date=rev.revoked_on.isoformat(), side=side_name(rev.side), file=str(rev.file)),
              style="yellow" if dry_run else None)


def _render_mou(state: State, r) -> None:
    from ksad.mou import side_name

    rows = [
        ("id", r.id),
        ("pioneer", f"{r.pioneer.code}  {r.pioneer.office}  (No. {r.pioneer.number})"),
        ("partner", f"{r.partner.code}  {r.partner.office}  (No. {r.partner.number})"),
        ("window", f"{r.valid_from} .. {r.valid_until}"),
        ("apps", ", ".join(f"{g.app} {g.versions}" for g in r.grants)),
        ("document", r.document_sha256),
        ("terms", ", ".join(f"{k}: {v}" for k, v in r.terms.items())),
    ]
    for s in r.signers:
        rows.append(("signed", f"{side_name(s.side)} {s.region}: {s.signer}"
                               f"{', ' + s.position if s.position else ''} (key {s.keyid})"))
    if r.revocation:
        rows.append(("revoked", f"{r.revocation.revoked_on} ({side_name(r.revocation.side)}): {r.revocation.reason}"))
    width = max(len(t(f"mou.field.{k}")) for k, _ in rows)
    for k, v in rows:
        state.say(f"{t(f'mou.field.{k}'):<{width}}  {v}")
    if r.demo or any(s.demo for s in r.signers):
        state.say(t("mou.demo_note"), style="yellow")
