"""`ksad catalog list/search/show/validate`."""

from __future__ import annotations

from pathlib import Path

import click

from ksad.cli.app import State, cli, dry_run_option, emit_json, json_option, pass_state
from ksad.cli.trust import passphrase_option
from ksad.messages import current_language, t


def _open(state: State):
    from ksad.catalog import open_catalog

    return open_catalog(state.settings.catalog, cache_dir=state.settings.cache_dir)


@cli.group()
def catalog() -> None:
    """Browse and check the app catalog."""


def _render_apps(state: State, apps, as_json: bool) -> None:
    lang = current_language()
    rows = [app.summary(lang) for app in apps]
    if as_json:
        emit_json(rows)
        return
    from ksad.cli.listing import print_listing

    tag = f" [{t('catalog.standin_tag')}]"
    print_listing(state.styled_console, [t(k) for k in ("col.app", "col.name", "col.publisher", "col.latest", "col.category")],
                  [(r["id"], r["name"] + (tag if r["standin"] else ""), f"{r['publisher']} ({r['publisher_code']})",
                    r["latest"], r["category"]) for r in rows],
                  title=t("catalog.title", path=str(state.settings.catalog)))


@catalog.command("list")
@json_option
@pass_state
def list_(state: State, as_json: bool) -> None:
    """List the apps: publisher, latest version, category."""
    _render_apps(state, _open(state).apps(), as_json)


@catalog.command()
@click.argument("text")
@json_option
@pass_state
def search(state: State, text: str, as_json: bool) -> None:
    """Find apps by name, keyword, category or publisher."""
    _render_apps(state, _open(state).search(text, current_language()), as_json)


@catalog.command()
@click.argument("app_id", metavar="APP")
@json_option
@pass_state
def show(state: State, app_id: str, as_json: bool) -> None:
    """Metadata, releases and requirements of one app."""
    app = _open(state).app(app_id)
    lang = current_language()
    d = app.view
    releases = app.releases(d)
    if as_json:
        emit_json({**app.summary(lang), "metadata": d, "releases": [r.to_json() for r in releases]})
        return
    from ksad.cli.listing import print_listing

    desc = d["description"].get(lang) or d["description"]["en"]
    lines = [
        f"{app.text('name', lang)} ({app.id})",
        desc.get("long") or desc["short"],
        "",
        f"{t('col.publisher')}: {d['publisher']['name']} ({d['publisher']['code']})",
        f"{t('col.category')}: {d['category']}    {t('col.license')}: {d['license']}",
    ]
    if d.get("source"):
        lines.append(f"{t('col.source')}: {d['source']}")
    if app.is_standin:
        lines.append(f"[{t('catalog.standin_tag')}] {app.text('standin', lang)}")
    state.say("\n".join(lines))
    rows = []
    for r in releases:
        needs = ", ".join(f"{k}={v}" for k, v in r.resources.items()) or "-"
        rows.append((r.version, r.date, needs, ", ".join(r.upgrades_from) or "-",
                     r.changelog.get(lang) or r.changelog.get("en") or ""))
    print_listing(state.styled_console, [t(k) for k in ("col.version", "col.date", "col.needs", "col.upgrades_from",
                                                 "col.changelog")], rows, title=t("catalog.releases"))


@catalog.command()
@click.argument("path", required=False, type=click.Path(file_okay=False))
@click.option("--no-cache", is_flag=True, help="Check everything, without using or keeping what passed before.")
@json_option
@pass_state
def validate(state: State, path: str | None, no_cache: bool, as_json: bool) -> None:
    """Check every file of a catalog and report every problem at once."""
    from ksad.validate import validate_catalog
    from ksad.errors import EXIT_INPUT, InputError

    from ksad.trust import trust_state_dir

    root = Path(path) if path else state.settings.catalog
    checked, found = validate_catalog(root, trust_state_dir(state.settings), None if no_cache else state.settings.cache_dir)
    problems = [p for p in found if not p.warning]
    if as_json:
        emit_json({"path": str(root), "checked": checked, "problems": [p.to_json() for p in found]})
        raise click.exceptions.Exit(EXIT_INPUT if problems else 0)
    for p in found:
        if p.warning:
            state.say(f"{t('validation.warning')}: {p}")
    if problems:
        raise InputError("validation.failed", count=len(problems), problems="\n".join(f"  {p}" for p in problems))
    if not as_json:
        state.say(t("validation.ok", path=str(root), count=checked))


@catalog.command("index")
@click.argument("path", required=False, type=click.Path(file_okay=False))
@click.option("--snapshot-key", "snapshot_key_files", multiple=True, type=click.Path(dir_okay=False),
              help="Key with the keyring's 'snapshot' role: sign snapshot.json again after the index changed.")
@passphrase_option
@dry_run_option
@json_option
@pass_state
def index(state: State, path: str | None, snapshot_key_files: tuple[str, ...], passphrase_env: str | None,
          dry_run: bool, as_json: bool) -> None:
    """Write the catalog's index.json, documents.json and entries/ (what a client with no cache reads
    instead of every app file and MoU), like `helm repo index`. `ksad publish` keeps them current by itself."""
    from ksad.catalog import write_index
    from ksad.cli.trust import _load_key
    from ksad.trust import SNAPSHOT_FILE, sign_snapshot, trust_state_dir, unsigned_changes

    root = Path(path) if path else state.settings.catalog
    keys = [_load_key(f, passphrase_env) for f in snapshot_key_files]
    files, count, changed = write_index(root, dry_run=dry_run, cache_dir=state.settings.cache_dir)
    file = ", ".join(map(str, files))
    signed = None
    # Signed whenever the snapshot does not list the catalog as it is, not only when this run changed
    # the index: after a plain `catalog index`, or a new regions.json, this is the command to run.
    # A dry run only shows what the index would become (looking at every file costs ~20 ms).
    unsigned = [] if changed or dry_run else unsigned_changes(root, trust_state_dir(state.settings))
    if keys and not dry_run and (changed or unsigned):
        signed = sign_snapshot(root, keys)
    if as_json:
        emit_json({"file": str(files[0]), "files": [str(f) for f in files], "apps": count, "changed": changed, "dry_run": dry_run,
                   "snapshot": str(signed) if signed else None})
        return
    key = "catalog.index_unchanged" if not changed else (
        "catalog.index_would_write" if dry_run else "catalog.index_written")
    state.say(t(key, file=file, count=count))
    if signed:
        import json

        state.say(t("catalog.snapshot_signed", file=str(signed),
                    version=json.loads(signed.read_bytes())["version"]))
    elif changed and (root / SNAPSHOT_FILE).exists():
        state.say(t("catalog.index_resign"), style="yellow")
    elif unsigned and (root / SNAPSHOT_FILE).exists():
        state.say(t("catalog.snapshot_stale", files=", ".join(unsigned)), style="yellow")
