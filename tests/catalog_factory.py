"""Build real catalogs in tmp_path for tests: recipes, stand-in sources, pinned releases.

A test catalog is laid out like the bundled one: ``<root>/catalog`` (catalog.yaml,
apps/) and ``<root>/src`` (the sources root: recipes/standin copied from the repo,
plus the recipes the test writes). Pins are computed with the same tree hash as
publishing uses, so a test that changes a byte afterwards sees a real mismatch.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from ksad import yamlio
from ksad.hashing import tree_sha256

REPO = Path(__file__).resolve().parent.parent

# A web + db stand-in whose pages show the localisation; {extra_web} lets a test add keys.
TWO_SERVICE = """\
services:
  web:
    build: ../../standin/web
    init: true
    environment: {{APP_TITLE: "Test App", DB_URL: "http://db:8081", RECORDS_LABEL: "Records"}}
    ports: ["8080"]
    depends_on: {{db: {{condition: service_healthy}}}}
    healthcheck:
      test: {web_health}
      interval: 200ms
      timeout: 2s
      retries: {retries}
    stop_grace_period: 1s
{extra_web}
  db:
    build: ../../standin/db
    init: true
    volumes: ["db-data:/data"]
    healthcheck:
      test: ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8081/health"]
      interval: 200ms
      timeout: 2s
      retries: 100
    stop_grace_period: 1s
volumes:
  db-data: {{}}
x-ksad:
  expose: {{service: web, port: 8080, path: /}}
  data_volumes: [db-data]
  localise:
    name:          {{env: {{web: APP_NAME}}}}
    name_meaning:  {{env: {{web: NAME_MEANING}}}}
    region_name:   {{env: {{web: REGION_NAME}}}}
    region_code:   {{env: {{web: REGION_CODE}}}}
    domain:        {{env: {{web: DOMAIN}}}}
    timezone:      {{env: {{web: TIMEZONE}}}}
    tz_abbr:       {{env: {{web: TZ_ABBR}}}}
    app_version:   {{env: {{web: APP_VERSION}}}}
  secrets:
    db_password: {{env: {{web: DB_PASSWORD, db: DB_PASSWORD}}}}
  settings:
    greeting: {{default: "Selamat datang", env: {{web: GREETING}}}}
"""

HEALTH_OK = '["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]'
HEALTH_NEVER = '["CMD", "/bin/busybox", "false"]'


def two_service(*, web_health: str = HEALTH_OK, retries: int = 150, extra_web: str = "") -> str:
    extra = textwrap.indent(textwrap.dedent(extra_web).strip("\n"), "    ") if extra_web else ""
    return TWO_SERVICE.format(web_health=web_health, retries=retries, extra_web=extra)


def with_operator_secret(compose: str) -> str:
    """*compose* (from two_service) whose web also needs a secret only the operator has: ksad
    generates db_password, the operator gives smtp_password with ``--secret smtp_password=@FILE``."""
    generated = "  secrets:\n    db_password:"
    assert generated in compose
    return compose.replace(generated, "  secrets:\n    smtp_password: {supplied: operator, env: {web: SMTP_PASSWORD}}\n"
                                      "    db_password:")


def entry(app_id: str, releases: list[dict], publisher: str = "32.73") -> dict:
    return {
        "id": app_id,
        "name": {"id": f"Uji {app_id}", "en": f"Test {app_id}"},
        "description": {"id": {"short": "Aplikasi uji"}, "en": {"short": "A test app"}},
        "publisher": {"code": publisher, "name": "Pemerintah Kota Bandung"},
        "category": "layanan-publik",
        "license": "MIT",
        "standin": {"id": "Pengganti untuk uji", "en": "Stand-in for tests"},
        "releases": releases,
    }


class CatalogBuilder:
    """A signed test catalog: every change re-signs the entry, the MoU and the snapshot.

    Keys come from tests/trust_factory.World (made fresh per catalog). By default one
    MoU from each publisher grants all its apps (any version) to Kabupaten Sumbawa
    (52.04), the region the install tests describe with ``ksad init``; pass
    ``grant=False`` to build a catalog without MoUs.
    """

    PUBLISHER_KEYS = {"32.73": "bandung", "36.71": "tangerang"}

    def __init__(self, root: Path, *, grant: bool = True, partner: str = "52.04") -> None:
        from trust_factory import World

        self.root = root
        self.world = World(root)
        self.catalog = root / "catalog"
        self.src = root / "src"
        self.grant, self.partner = grant, partner
        shutil.copytree(REPO / "recipes" / "standin", self.src / "recipes" / "standin", dirs_exist_ok=True)
        (self.catalog / "catalog.yaml").write_text("name: test catalog\nsources: ../src\n", encoding="utf-8")
        self.apps: dict[str, list[dict]] = {}
        self.publishers: dict[str, str] = {}
        self.resign()

    def resign(self) -> None:
        """Sign entries, write the MoUs and a new snapshot: call after editing files by hand."""
        from ksad.trust import sign_document

        for app_id, publisher in self.publishers.items():
            path = self.catalog / "apps" / f"{app_id}.yaml"
            if path.exists():
                sign_document(path, self.world.key(self.PUBLISHER_KEYS[publisher]), "publisher")
        if self.grant:
            for publisher, key in self.PUBLISHER_KEYS.items():
                apps = sorted(a for a, p in self.publishers.items() if p == publisher)
                if not apps:
                    continue
                doc = self.world.mou_doc(f"uji-{publisher.replace('.', '')}-{self.partner.replace('.', '')}",
                                         pioneer=publisher, partner=self.partner, apps=[(a, ">=0") for a in apps])
                partner_key = {"52.04": "sumbawa", "73.73": "palopo"}[self.partner]
                self.world.write_mou(doc, signers=((key, "pioneer"), (partner_key, "partner")))
        self.world.snapshot()

    def recipe_dir(self, app_id: str, version: str) -> Path:
        return self.src / "recipes" / app_id / version

    def add_release(self, app_id: str, version: str, compose: str, *, templates: dict[str, str] | None = None,
                    upgrades_from: list[str] | None = None, publisher: str = "32.73",
                    contexts: dict[str, Path] | None = None) -> Path:
        """*contexts*: {service: build context} to pin besides the stand-ins the compose names."""
        d = self.recipe_dir(app_id, version)
        d.mkdir(parents=True, exist_ok=True)
        (d / "compose.yaml").write_text(compose, encoding="utf-8")
        for rel, text in (templates or {}).items():
            (d / rel).parent.mkdir(parents=True, exist_ok=True)
            (d / rel).write_text(text, encoding="utf-8")
        builds = {}
        for service in ("web", "db"):
            if f"../../standin/{service}" in compose:
                builds[service] = tree_sha256(self.src / "recipes" / "standin" / service)
        builds.update({service: tree_sha256(context) for service, context in (contexts or {}).items()})
        release = {"version": version, "date": "2026-01-15",
                   "recipe": {"path": f"recipes/{app_id}/{version}", "sha256": tree_sha256(d)},
                   "builds": builds, "changelog": {"id": f"Rilis {version}", "en": f"Release {version}"}}
        if upgrades_from is not None:
            release["upgrades_from"] = upgrades_from
        self.apps.setdefault(app_id, []).append(release)
        self.publishers[app_id] = publisher
        (self.catalog / "apps" / f"{app_id}.yaml").write_text(
            yamlio.dump(entry(app_id, self.apps[app_id], publisher)), encoding="utf-8")
        self.resign()
        return d


# --- releases that fail in each way, and what a user can observe of an app's data ----------

# The new db "migrates" its data once, on its first start, by appending a line, so a test sees
# whether an undo really brought the data back (the line would stay, or show up twice).
MIGRATE_DB = ('command: ["/bin/sh", "-c", "grep -qx migrated-{version} /data/records.txt '
              '|| echo migrated-{version} >> /data/records.txt; exec /ksad/start.sh"]')
# A migration that is not idempotent: each start appends, so data that an undo failed to bring
# back shows up as a second line after the next run.
APPEND_DB = 'command: ["/bin/sh", "-c", "echo migrated-{version} >> /data/records.txt; exec /ksad/start.sh"]'
WEB_EXITS = 'command: ["/bin/busybox", "false"]'
WEB_SLOW = 'command: ["/bin/sh", "-c", "sleep 60; exec /ksad/start.sh"]'


def with_db(compose: str, extra_db: str) -> str:
    """*compose* (from two_service) with *extra_db* keys added to the db service."""
    head = "  db:\n    build: ../../standin/db\n"
    extra = textwrap.indent(textwrap.dedent(extra_db).strip("\n"), "    ") + "\n"
    assert head in compose
    return compose.replace(head, head + extra)


def migrating(version: str, *, every_start: bool = False, **kw) -> str:
    return with_db(two_service(**kw), (APPEND_DB if every_start else MIGRATE_DB).format(version=version))


def lifecycle_catalog(builder: "CatalogBuilder", app_id: str) -> None:
    """1.0.0 good; 1.1.0 never healthy; 1.1.1 web exits; 1.1.2 slow start; 1.2.0 good;
    1.3.0 never healthy but keeps trying for a long time (for Ctrl-C and concurrency tests)."""
    builder.add_release(app_id, "1.0.0", two_service())
    builder.add_release(app_id, "1.1.0", migrating("1.1.0", web_health=HEALTH_NEVER, retries=3))
    builder.add_release(app_id, "1.1.1", migrating("1.1.1", extra_web=WEB_EXITS))
    builder.add_release(app_id, "1.1.2", migrating("1.1.2", extra_web=WEB_SLOW))
    builder.add_release(app_id, "1.2.0", migrating("1.2.0"))
    builder.add_release(app_id, "1.3.0", migrating("1.3.0", web_health=HEALTH_NEVER, retries=100000))


def volume_files(client, volume: str, labels: dict[str, str] | None = None) -> dict[str, str]:
    """{relative path: sha256} of every file in a volume, read by a throw-away container."""
    from ksad.standin import BASE_IMAGE

    out = client.containers.run(BASE_IMAGE, ["sh", "-c", "cd /v && find . -type f -exec sha256sum {} +"],
                                volumes={volume: {"bind": "/v", "mode": "ro"}}, remove=True, labels=labels or {},
                                network_mode="none")
    files = {}
    for line in out.decode().splitlines():
        digest, _, path = line.partition("  ")
        files[path] = digest
    return files


def volume_text(client, volume: str, path: str, labels: dict[str, str] | None = None) -> str:
    from ksad.standin import BASE_IMAGE

    return client.containers.run(BASE_IMAGE, ["cat", f"/v/{path}"], volumes={volume: {"bind": "/v", "mode": "ro"}},
                                 remove=True, labels=labels or {}, network_mode="none").decode()
