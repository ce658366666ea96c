"""`ksad catalog list/search/show/validate/index`, and remote catalogs: `add/update/remotes/use/remove`."""

from __future__ import annotations

from pathlib import Path

import click

from ksad.cli import usage
from ksad.cli.app import State, cli, dry_run_option, emit_json, for_each, json_option, pass_state
from ksad.cli.deploy import ConsoleReporter
from ksad.cli.trust import passphrase_option
from ksad.messages import current_language, t


def _open(state: State):
    from ksad.catalog import open_catalog

    return open_catalog(state.settings.catalog, cache_dir=state.settings.cache_dir)


@cli.group()
def catalog() -> None:
    """Browse and check the app catalog; add, update and choose remote catalogs."""


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
@click.argument("path", required=False, type=usage.Path(file_okay=False))
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
@click.argument("path", required=False, type=usage.Path(file_okay=False))
@click.option("--snapshot-key", "snapshot_key_files", multiple=True, type=usage.Path(dir_okay=False),
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


# --- remote catalogs: add, update, remotes, use, remove (core: ksad.remote) ----------------------


def _say_default(state: State, name: str | None, path: Path) -> None:
    import os

    state.say(t("remote.now_default", name=name, path=str(path)) if name else
              t("remote.bundled_default", path=str(path)), style="green")
    if os.environ.get("KSAD_CATALOG") or click.get_current_context().find_root().params.get("catalog"):
        state.say(t("remote.overridden", path=str(state.settings.catalog)), style="yellow")


@catalog.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--ref", help="Branch or tag to follow (default: the repository's default branch).")
@click.option("--path", "subdir", metavar="DIR",
              help="The catalog's directory inside the repository (default: its root, else catalog/).")
@click.option("--use", is_flag=True, help="Make it the default catalog (as `ksad catalog use NAME`).")
@dry_run_option
@json_option
@pass_state
def add(state: State, name: str, url: str, ref: str | None, subdir: str | None, use: bool, dry_run: bool,
        as_json: bool) -> None:
    """Clone a catalog repository (https://, ssh, file:// or a path) as NAME, and keep it only if it
    passes the trust check install runs (signed snapshot, keyring, every file's hash, expiry)."""
    from ksad.remote import add_remote, shown_url

    with ConsoleReporter(state, quiet=as_json, lazy=True) as reporter:
        added = add_remote(state.settings, name, url, ref=ref, path=subdir, use=use, dry_run=dry_run,
                           progress=reporter.details)
    if as_json:
        emit_json(added.to_json())
        return
    r = added.remote
    fields = dict(name=r.name, url=shown_url(r.url), ref=r.ref, commit=r.commit[:12], version=added.snapshot_version,
                  apps=added.apps)
    state.say(t("remote.added_dry" if dry_run else "remote.added", **fields), style="yellow" if dry_run else "green")
    if added.demo:
        state.say(t("remote.demo"), style="yellow")
    if dry_run:
        return
    if use:
        _say_default(state, r.name, added.catalog)
    else:
        state.say(t("remote.not_default_hint", name=r.name, path=str(added.catalog)))


def _say_update(state: State, result) -> None:
    short = {"old": result.old_commit[:12], "new": result.new_commit[:12]}
    if not result.changed:
        state.say(t("remote.up_to_date", name=result.name, commit=short["new"], version=result.new_version))
        return
    state.say(t("remote.update_dry" if result.dry_run else "remote.updated", name=result.name, **short,
                old_version=result.old_version if result.old_version is not None else "-",
                new_version=result.new_version), style="yellow" if result.dry_run else "green")
    if result.new_releases:
        state.say(t("remote.new_releases", releases="; ".join(f"{app} {', '.join(versions)}"
                                                              for app, versions in result.new_releases.items())))
    if result.new_apps:
        state.say(t("remote.new_apps", apps=", ".join(result.new_apps)))
    if result.gone_apps:
        state.say(t("remote.removed_apps", apps=", ".join(result.gone_apps)))
    if not (result.new_releases or result.new_apps or result.gone_apps):
        state.say(t("remote.no_new_releases"))


@catalog.command("update")
@click.argument("name", required=False)
@dry_run_option
@json_option
@pass_state
def update(state: State, name: str | None, dry_run: bool, as_json: bool) -> None:
    """Fetch the newest commit of NAME (default: every remote catalog). It is checked in a copy
    beside the catalog and replaces it only if it passes; a refused, older or expired catalog
    leaves it exactly as it was."""
    from ksad.remote import registry, update_remote

    def one(each: str):
        with ConsoleReporter(state, quiet=as_json, lazy=True) as reporter:
            return update_remote(state.settings, each, dry_run=dry_run, progress=reporter.details)

    if name is not None:
        result = one(name)
        emit_json(result.to_json()) if as_json else _say_update(state, result)
        return
    names = [r.name for r in registry(state.settings).remotes()]
    if not names and not as_json:
        state.say(t("remote.none"))
    # one catalog refused or unreachable does not keep the others old
    for_each(state, names, one, lambda result: _say_update(state, result), as_json)


@catalog.command("remotes")
@json_option
@pass_state
def remotes(state: State, as_json: bool) -> None:
    """List the remote catalogs: URL, ref, commit, snapshot version, last update, which is in use."""
    from ksad.remote import list_remotes

    rows = list_remotes(state.settings)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        state.say(t("remote.none"))
        return
    from ksad.cli.listing import print_listing

    print_listing(state.styled_console,
                  [t(k) for k in ("col.name", "col.url", "col.ref", "col.commit", "col.snapshot", "col.updated",
                                  "col.in_use")],
                  [(r["name"] + (" *" if r["default"] else ""), r["url"], r["ref"], (r["commit"] or "-")[:12],
                    str(r["snapshot_version"] if r["snapshot_version"] is not None else "-"), r["updated"] or "-",
                    "✓" if r["in_use"] else "") for r in rows],
                  title=t("remote.list_title", path=str(state.settings.catalog)))


@catalog.command("use")
@click.argument("name")
@dry_run_option
@json_option
@pass_state
def use(state: State, name: str, dry_run: bool, as_json: bool) -> None:
    """Make remote catalog NAME the default ('bundled': the catalog shipped with ksad).
    --catalog and KSAD_CATALOG still take precedence."""
    from ksad.remote import BUNDLED, require, use_remote
    from ksad.settings import BUNDLED_CATALOG

    if dry_run:
        path = BUNDLED_CATALOG if name == BUNDLED else require(state.settings, name).catalog_dir(state.settings)
    else:
        path = use_remote(state.settings, name)
    if as_json:
        emit_json({"name": name, "catalog": str(path), "dry_run": dry_run})
        return
    _say_default(state, None if name == BUNDLED else name, path)


@catalog.command("remove")
@click.argument("name")
@dry_run_option
@json_option
@pass_state
def remove(state: State, name: str, dry_run: bool, as_json: bool) -> None:
    """Delete remote catalog NAME's clone and forget it (apps installed from it keep running)."""
    from ksad.remote import remove_remote, shown_url, view

    remote, was_default = remove_remote(state.settings, name, dry_run=dry_run)
    if as_json:
        emit_json({**view(remote, None), "was_default": was_default, "dry_run": dry_run})
        return
    state.say(t("remote.removed_dry" if dry_run else "remote.removed", name=name, url=shown_url(remote.url)),
              style="yellow" if dry_run else "green")
    if was_default and not dry_run:
        state.say(t("remote.was_default"))
