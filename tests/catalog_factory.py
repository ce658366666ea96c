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
    def __init__(self, root: Path) -> None:
        self.root = root
        self.catalog = root / "catalog"
        self.src = root / "src"
        (self.catalog / "apps").mkdir(parents=True, exist_ok=True)
        shutil.copytree(REPO / "recipes" / "standin", self.src / "recipes" / "standin", dirs_exist_ok=True)
        (self.catalog / "catalog.yaml").write_text("name: test catalog\nsources: ../src\n", encoding="utf-8")
        self.apps: dict[str, list[dict]] = {}

    def recipe_dir(self, app_id: str, version: str) -> Path:
        return self.src / "recipes" / app_id / version

    def add_release(self, app_id: str, version: str, compose: str, *, templates: dict[str, str] | None = None,
                    upgrades_from: list[str] | None = None, publisher: str = "32.73") -> Path:
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
        release = {"version": version, "date": "2026-01-15",
                   "recipe": {"path": f"recipes/{app_id}/{version}", "sha256": tree_sha256(d)},
                   "builds": builds, "changelog": {"id": f"Rilis {version}", "en": f"Release {version}"}}
        if upgrades_from is not None:
            release["upgrades_from"] = upgrades_from
        self.apps.setdefault(app_id, []).append(release)
        (self.catalog / "apps" / f"{app_id}.yaml").write_text(
            yamlio.dump(entry(app_id, self.apps[app_id], publisher)), encoding="utf-8")
        return d
