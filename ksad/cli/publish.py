"""`ksad publish` and `ksad catalog import-publiccode / export-publiccode`: parse, call, render."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ksad.cli import usage
from ksad.cli.app import State, allow_option, cli, dry_run_option, emit_json, json_option, pass_state
from ksad.cli.catalog import catalog as catalog_group
from ksad.cli.trust import _load_key, passphrase_option
from ksad.messages import t

_date = usage.DateTime(formats=["%Y-%m-%d"])


@cli.command()
@click.argument("recipe_dir", metavar="RECIPE_DIR", type=usage.Path(file_okay=False, exists=True))
@click.option("--key", "key_file", required=True, type=usage.Path(dir_okay=False),
              help="The publisher's private key; its region must be the app's publisher.")
@click.option("--snapshot-key", "snapshot_key_files", multiple=True, type=usage.Path(dir_okay=False),
              help="Key with the keyring's 'snapshot' role that re-signs snapshot.json (default: --key, if it has that role).")
@passphrase_option
@click.option("--date", "release_date", type=_date, help="Release date (default: today).")
@click.option("--changelog-id", help="What changed, in Bahasa Indonesia.")
@click.option("--changelog-en", help="What changed, in English.")
@click.option("--upgrades-from", multiple=True, metavar="SPEC",
              help='Versions this release upgrades from, e.g. ">=1.0,<1.2" (repeatable; default: any older).')
@click.option("--memory-mb", type=usage.IntRange(min=1), help="Minimum memory in MB.")
@click.option("--cpus", type=usage.FloatRange(min=0, min_open=True), help="Minimum CPUs.")
@click.option("--disk-mb", type=usage.IntRange(min=0), help="Minimum disk space in MB.")
@click.option("--force", is_flag=True, help="Replace a release with the same version (and move its git tag).")
@click.option("--no-git", is_flag=True, help="Do not commit or tag, even inside a git repository.")
@allow_option("Allow a policy kind the recipe needs.")
@dry_run_option
@json_option
@pass_state
def publish(state: State, recipe_dir: str, key_file: str, snapshot_key_files: tuple[str, ...],
            passphrase_env: str | None, release_date, changelog_id: str | None, changelog_en: str | None,
            upgrades_from: tuple[str, ...], memory_mb: int | None, cpus: float | None, disk_mb: int | None,
            force: bool, no_git: bool, allow: tuple[str, ...], dry_run: bool, as_json: bool) -> None:
    """Publish RECIPE_DIR (<sources>/recipes/<app>/<version>) as a signed release: pin image digests
    and build sources, sign the entry, re-sign the snapshot, commit and tag in the catalog's git repo."""
    from ksad.errors import InputError
    from ksad.publish import ReleaseInfo, publish as do_publish
    from ksad.trust import trust_state_dir

    if bool(changelog_id) != bool(changelog_en):
        raise InputError("publish.changelog_both")
    key = _load_key(key_file, passphrase_env)
    snapshot_keys = [_load_key(f, passphrase_env) for f in snapshot_key_files]
    resources = {k: v for k, v in (("memory_mb", memory_mb), ("cpus", cpus), ("disk_mb", disk_mb)) if v is not None}
    info = ReleaseInfo(date=release_date.date() if release_date else None,
                       changelog={"id": changelog_id, "en": changelog_en} if changelog_id else None,
                       upgrades_from=tuple(upgrades_from) if upgrades_from else None, resources=resources)
    result = do_publish(state.settings.catalog, Path(recipe_dir), key=key, snapshot_keys=snapshot_keys, info=info,
                        force=force, dry_run=dry_run, allow=frozenset(allow) | state.settings.allow,
                        trust_dir=trust_state_dir(state.settings), use_git=not no_git)
    if as_json:
        emit_json(result.to_json())
        return
    head = "publish.plan" if dry_run else "publish.done"
    state.say(t(head, app=result.app, version=result.version, file=str(result.entry_file)))
    for pin in result.images:
        state.say(t("publish.pinned", service=pin.service, image=pin.image, pinned=pin.pinned))
    for service, digest in (result.release.get("builds") or {}).items():
        state.say(t("publish.build_pinned", service=service, sha=digest[:12]))
    state.say(t("publish.recipe_pinned", path=result.release["recipe"]["path"],
                sha=result.release["recipe"]["sha256"][:12]))
    state.say(t("publish.snapshot", version=result.snapshot_version, keys=", ".join(result.snapshot_keys)))
    if result.other_changes:
        key_ = "publish.other_changes_git" if result.git_root else "publish.other_changes"
        state.say(t(key_, files=", ".join(result.other_changes)))
    if result.git_root:
        key_ = "publish.git_plan" if dry_run else "publish.git_done"
        state.say(t(key_, repo=str(result.git_root), tag=result.tag, commit=(result.commit or "")[:12]))
    elif not no_git:
        state.say(t("publish.no_git"))


@catalog_group.command("import-publiccode")
@click.argument("file", type=usage.Path(dir_okay=False, exists=True))
@click.option("--id", "app_id", help="App id (default: from the publiccode name).")
@click.option("--publisher-code", help="Kemendagri code of the publisher (default: the identity pack's region).")
@dry_run_option
@json_option
@pass_state
def import_publiccode(state: State, file: str, app_id: str | None, publisher_code: str | None, dry_run: bool,
                      as_json: bool) -> None:
    """Write apps/<id>.yaml from a publiccode.yml: a draft without releases until `ksad publish`."""
    from ksad.errors import InputError, NotFoundError
    from ksad.publiccode import import_publiccode as do_import
    from ksad.region import load_for

    if publisher_code is None:
        from ksad.identity import load_identity

        try:
            publisher_code = load_identity(state.settings).region_code
        except NotFoundError:
            raise InputError("publiccode.no_publisher") from None
    result = do_import(state.settings.catalog, file, app_id=app_id, publisher_code=publisher_code,
                       regions=load_for(state.settings), dry_run=dry_run)
    if as_json:
        emit_json(result.to_json())
        return
    for warning in result.warnings:
        state.say(f"{t('validation.warning')}: {warning}")
    if dry_run:
        click.echo(result.text, nl=False)
    state.say(t("publiccode.plan" if dry_run else "publiccode.written", file=str(result.file), app=result.app))


@catalog_group.command("export-publiccode")
@click.argument("app_id", metavar="APP")
@click.option("--target", "target_name", help="Name the app by its local-wisdom name on this target (localisedName).")
@json_option
@pass_state
def export_publiccode(state: State, app_id: str, target_name: str | None, as_json: bool) -> None:
    """Print publiccode.yml (version 0.4) for APP on stdout."""
    from ksad.publiccode import export_publiccode as do_export
    from ksad.region import load_for
    from ksad.trust import trust_state_dir

    local_name = None
    if target_name:
        from ksad.deploy import status

        for row in status(state.settings, target_name):
            if row.app == app_id and row.name:
                local_name = (row.name, None)
                break
    data = do_export(state.settings.catalog, app_id, regions=load_for(state.settings), local_name=local_name,
                     cache_dir=state.settings.cache_dir, trust_dir=trust_state_dir(state.settings))
    if as_json:
        emit_json(data)
        return
    from ksad.parsecache import RenderedYaml

    def dump(doc: dict) -> str:
        from ksad import yamlio  # PyYAML's import is ~30 ms: only for YAML not written before

        return yamlio.dump(doc)

    sys.stdout.write(RenderedYaml(state.settings.cache_dir).dump(data, dump))
