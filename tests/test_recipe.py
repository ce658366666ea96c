"""The recipe loader and the security policy, on recipe files written in tmp_path."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest

from ksad import yamlio
from ksad.errors import EXIT_INPUT, EXIT_POLICY, InputError, PolicyError
from ksad.policy import POLICY_KINDS, check_policy, load_policy_file, parse_allow
from ksad.recipe import (Build, Destinations, Expose, FileSpec, Healthcheck, Mount, Port, load_recipe,
                         parse_duration, parse_size)

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "catalog" / "schema" / "recipe.schema.json").read_text())
DIGEST = "sha256:" + "ab" * 32

GOOD = f"""\
name: demo
services:
  web:
    build: {{context: ../../standin/web, args: {{FLAVOUR: plain}}}}
    image: ksad-test/web:1
    command: ["serve", "--port", 8080]
    environment:
      APP_MODE: production
      GREETING: ${{GREETING:-halo}}
      PRICE: "$$5"
      DEBUG: false
    ports: ["127.0.0.1:18080:8080", {{target: 9090, protocol: udp}}, "8080"]
    volumes: ["uploads:/srv/uploads", {{type: volume, source: cache, target: /cache, read_only: true}},
              {{type: tmpfs, target: /tmp/scratch, tmpfs: {{size: 64m}}}}]
    depends_on: {{db: {{condition: service_healthy}}}}
    healthcheck: {{test: "wget -q -O- http://localhost:8080/health", interval: 1m30s, timeout: 500ms,
                   retries: 5, start_period: 10s}}
    init: true
    restart: unless-stopped
    mem_limit: 512m
    cpus: 0.5
    shm_size: 1g
    stop_grace_period: 1m
    labels: [org.example.team=kominfo]
    cap_add: [NET_BIND_SERVICE]
    security_opt: ["no-new-privileges:true"]
    container_name: ignored-by-ksad
    x-casaos: {{anything: [1, 2]}}
  db:
    image: postgres@{DIGEST}
    environment: [POSTGRES_DB=app]
    volumes: ["db-data:/var/lib/postgresql/data"]
    healthcheck: {{test: [CMD-SHELL, "pg_isready -U $$POSTGRES_USER"], interval: 5s}}
    deploy: {{resources: {{limits: {{memory: 256M, cpus: "1.5"}}, reservations: {{memory: 128M}}}}}}
volumes:
  uploads:
  cache: {{}}
  db-data:
x-ksad:
  expose: {{service: web, port: 8080, path: /app}}
  data_volumes: [db-data, uploads]
  localise:
    name: {{env: {{web: APP_NAME}}}}
    region_name: {{env: {{web: REGION_NAME}}}}
  files:
    - {{service: web, target: /www/ksad.json, template: templates/ksad.json}}
    - {{service: web, target: /www/emblem.png, field: emblem, mode: "0440"}}
  secrets:
    db_password: {{env: {{web: DB_PASSWORD, db: POSTGRES_PASSWORD}}}}
  settings:
    max_upload_mb: {{default: 10, env: {{web: MAX_UPLOAD_MB}}}}
x-other: ignored
"""

TEMPLATE = '{"name": "${name}", "region": "${region_name}", "db": "${db_password}", "mb": ${max_upload_mb}, "cost": "$$5"}\n'

MINIMAL = """\
services:
  web:
    image: ksad-test/web:1
    ports: ["8080"]
"""


def minimal_with(extra: str) -> str:
    """MINIMAL with *extra* keys added to its web service (without its ports if it leaves the app's
    network: a service in the host's or another service's network publishes none)."""
    text = MINIMAL + extra
    return text.replace('    ports: ["8080"]\n', "") if "    network_mode: " in extra.split("\n  db:")[0] else text


def make_tree(tmp_path: Path, compose: str, template: str = TEMPLATE) -> Path:
    """A repository-like tree: recipes/standin/web and recipes/demo/1.0/compose.yaml."""
    standin = tmp_path / "recipes" / "standin" / "web"
    standin.mkdir(parents=True)
    (standin / "Dockerfile").write_text("FROM scratch\n")
    recipe_dir = tmp_path / "recipes" / "demo" / "1.0"
    (recipe_dir / "templates").mkdir(parents=True)
    (recipe_dir / "templates" / "ksad.json").write_text(template)
    compose_file = recipe_dir / "compose.yaml"
    compose_file.write_text(compose)
    return compose_file


def write(tmp_path: Path, compose: str) -> Path:
    path = tmp_path / "compose.yaml"
    path.write_text(textwrap.dedent(compose))
    return path


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(textwrap.dedent(text).splitlines(), 1) if needle in line)


# --- a good recipe --------------------------------------------------------------------------

def test_good_recipe_loads_into_normalised_objects(tmp_path):
    path = make_tree(tmp_path, GOOD)
    recipe = load_recipe(path, source_root=tmp_path)

    assert recipe.path == path
    assert recipe.start_order() == ["db", "web"]  # dependency order, not file order
    assert recipe.volumes == ["uploads", "cache", "db-data"]
    assert recipe.allowed == frozenset()

    web, db = recipe.services["web"], recipe.services["db"]
    assert web.build == Build((tmp_path / "recipes" / "standin" / "web").resolve(), "Dockerfile", {"FLAVOUR": "plain"})
    assert web.image == "ksad-test/web:1" and not web.pinned
    assert db.pinned
    assert web.command == ["serve", "--port", "8080"]
    assert web.environment == {"APP_MODE": "production", "GREETING": "halo", "PRICE": "$5", "DEBUG": "false"}
    assert web.ports == [Port(8080), Port(9090, "udp")]
    assert web.mounts == [Mount("uploads", "/srv/uploads"), Mount("cache", "/cache", True)]
    assert web.tmpfs == [f"/tmp/scratch:size={64 * 2**20}"]
    assert web.binds == []
    assert web.depends_on == {"db": "service_healthy"}
    assert web.healthcheck == Healthcheck(["CMD-SHELL", "wget -q -O- http://localhost:8080/health"], 90.0, 0.5, 5, 10.0)
    assert web.init and web.restart == "unless-stopped"
    assert web.mem_limit_bytes == 512 * 2**20 and web.cpus == 0.5 and web.shm_size_bytes == 2**30
    assert web.stop_grace_period_s == 60.0
    assert web.labels == {"org.example.team": "kominfo"}

    assert db.environment == {"POSTGRES_DB": "app"}
    assert db.mounts == [Mount("db-data", "/var/lib/postgresql/data")]
    assert db.healthcheck == Healthcheck(["CMD-SHELL", "pg_isready -U $POSTGRES_USER"], 5.0, 30.0, 3, 0.0)
    assert db.mem_limit_bytes == 256 * 2**20 and db.cpus == 1.5  # from deploy.resources.limits

    k = recipe.ksad
    assert k.expose == Expose("web", 8080, "/app")
    assert k.data_volumes == ["db-data", "uploads"]
    assert k.wait_for == ["db", "web"]  # default: every service with a healthcheck
    assert k.localise == {"name": Destinations({"web": "APP_NAME"}), "region_name": Destinations({"web": "REGION_NAME"})}
    assert k.files == [
        FileSpec("web", "/www/ksad.json", (path.parent / "templates" / "ksad.json").resolve(), None, 0o444),
        FileSpec("web", "/www/emblem.png", None, "emblem", 0o440),
    ]
    assert k.secrets == {"db_password": Destinations({"web": "DB_PASSWORD", "db": "POSTGRES_PASSWORD"})}
    assert k.settings == {"max_upload_mb": ("10", Destinations({"web": "MAX_UPLOAD_MB"}))}


def test_good_recipe_matches_the_published_schema(tmp_path):
    data = yamlio.load_mapping(make_tree(tmp_path, GOOD)).data
    jsonschema.Draft202012Validator(SCHEMA).validate(data)


def test_plain_compose_file_gets_defaults(tmp_path):
    recipe = load_recipe(write(tmp_path, MINIMAL))
    assert recipe.ksad.expose == Expose("web", 8080, "/")
    assert recipe.ksad.wait_for == [] and recipe.ksad.localise == {}


def test_a_recipe_loaded_before_is_not_parsed_again_until_it_changes(tmp_path, monkeypatch):
    """Install's re-runs take the parse from the cache (its speed is measured in bench/, not here)."""
    path = make_tree(tmp_path, GOOD)
    first = load_recipe(path, source_root=tmp_path)
    real = yamlio.load_mapping
    parsed: list[Path] = []

    def counting(p, **kw):
        parsed.append(Path(p))
        return real(p, **kw)

    monkeypatch.setattr(yamlio, "load_mapping", counting)
    assert load_recipe(path, source_root=tmp_path) == first and parsed == []
    path.write_text(path.read_text(encoding="utf-8").replace("APP_MODE: production", "APP_MODE: staging", 1),
                    encoding="utf-8")
    assert load_recipe(path, source_root=tmp_path) != first and parsed == [path]


# --- unsupported keys: refused by name, with file and line ------------------------------

@pytest.mark.parametrize("snippet, needle, field", [
    ("    deploy: {replicas: 3}\n", "deploy:", "services.web.deploy.replicas"),
    ("    env_file: .env\n", "env_file", "services.web.env_file"),
    ("    volumes_from: [other]\n", "volumes_from", "services.web.volumes_from"),
    ("    cpu_shares: 90\n", "cpu_shares", "services.web.cpu_shares"),
    ("    runtime: nvidia\n", "runtime", "services.web.runtime"),
    ("    userns_mode: host\n", "userns_mode", "services.web.userns_mode"),
    ("    configs: [nginx]\n", "configs", "services.web.configs"),
    ("    healthcheck: {test: [CMD, true], start_interval: 1s}\n", "healthcheck", "services.web.healthcheck.start_interval"),
    ("    depends_on: {db: {condition: service_started, restart: true}}\n", "depends_on", "services.web.depends_on.db.restart"),
    ("    build: {context: ., target: prod}\n", "build", "services.web.build.target"),
])
def test_unsupported_service_key_is_refused_by_name_with_line(tmp_path, snippet, needle, field):
    text = MINIMAL + snippet + "  db:\n    image: ksad-test/db:1\n"
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, text))
    assert err.value.exit_code == EXIT_INPUT
    line = line_of(text, needle)
    assert f"compose.yaml, line {line}: {field} is not supported by ksad" in err.value.message


@pytest.mark.parametrize("snippet, field", [
    ("configs: {nginx: {content: x}}\n", "configs"),
    ("secrets: {pw: {file: ./pw.txt}}\n", "secrets"),
    ("include: [other.yaml]\n", "include"),
    ("volumes: {data: {driver_opts: {type: none, o: bind, device: /srv}}}\n", "volumes.data.driver_opts"),
    ("volumes: {data: {external: true}}\n", "volumes.data.external"),
    ("networks: {front: {internal: true}}\n", "networks.front.internal"),
    ("x-ksad: {backup_cron: daily}\n", "x-ksad.backup_cron"),
])
def test_unsupported_top_level_key_is_refused_by_name(tmp_path, snippet, field):
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, MINIMAL + snippet))
    assert f"{field} is not supported by ksad" in err.value.message
    assert [(p.field, p.line) for p in err.value.problems] == [(field, 5)]


def test_x_extensions_are_ignored_at_any_level(tmp_path):
    text = "x-top: {a: 1}\n" + MINIMAL + "    x-mine: {deploy: {replicas: 3}}\n    ports: []\n"
    text = text.replace("    ports: []\n", "")
    recipe = load_recipe(write(tmp_path, text))
    assert list(recipe.services) == ["web"]


def test_all_problems_of_a_file_are_reported_at_once(tmp_path):
    text = """\
    services:
      web:
        image: ksad-test/web:1
        deploy: {replicas: 2}
        ports: ["3000-3005"]
        volumes: ["data:/data", "/scratch"]
        depends_on: [cache]
        stop_grace_period: soon
    """
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, text))
    message = err.value.message
    assert message.startswith("6 problem(s) found:")
    for line, text_part in [
        (4, "services.web.deploy.replicas is not supported by ksad"),
        (5, "services.web.ports[0]: the port range '3000-3005' is not supported"),
        (6, "services.web.volumes[0]: the volume 'data' is not declared"),
        (6, "services.web.volumes[1]: the anonymous volume '/scratch' is not supported"),
        (7, "services.web.depends_on.cache: there is no service 'cache'"),
        (8, "services.web.stop_grace_period: 'soon' is not a duration"),
    ]:
        assert f"compose.yaml:{line}: {text_part}" in message
    assert sorted(err.value.reasons) == sorted(["deploy.replicas", "port-range", "volume.undeclared",
                                                "volume.anonymous", "depends_on.unknown", "duration"])
    assert err.value.to_json()["problems"][0]["line"] == 4


# --- values: variables, ports, volumes, durations, sizes ---------------------------------

def test_variables_never_come_from_the_host_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KSAD_TEST_VAR", "from-host")
    text = MINIMAL + "    environment: {A: '${KSAD_TEST_VAR:-dflt}', B: 'x${KSAD_TEST_VAR-}y', C: '${KSAD_TEST_VAR:+alt}'}\n"
    web = load_recipe(write(tmp_path, text)).services["web"]
    assert web.environment == {"A": "dflt", "B": "xy", "C": ""}

    text = MINIMAL + "    environment: {A: $KSAD_TEST_VAR, B: '${NEEDED:?set it}'}\n"
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, text))
    assert "the variable KSAD_TEST_VAR would come from the host environment" in err.value.message
    assert "the variable NEEDED would come from the host environment" in err.value.message


@pytest.mark.parametrize("env", ["[KEY]", "{KEY: null}"])
def test_environment_pass_through_from_the_host_is_refused(tmp_path, env):
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, MINIMAL + f"    environment: {env}\n"))
    assert "the variable KEY would come from the host environment" in err.value.message
    assert "x-ksad settings or secrets" in err.value.hint


@pytest.mark.parametrize("ports, expected", [
    ('["8080"]', [Port(8080)]),
    ('["18080:80"]', [Port(80)]),
    ('["127.0.0.1:18080:80"]', [Port(80)]),
    ('["[::1]:18080:80/tcp"]', [Port(80)]),
    ('["53/udp", "53/tcp"]', [Port(53, "udp"), Port(53)]),
    ("[8080, 8080]", [Port(8080)]),
    ("[{target: 80, published: '8000', protocol: tcp, host_ip: 0.0.0.0, mode: host}]", [Port(80)]),
    ("[{target: 5000, protocol: UDP}]", [Port(5000, "udp")]),
])
def test_ports_keep_only_the_container_port(tmp_path, ports, expected):
    text = MINIMAL.replace('ports: ["8080"]', f"ports: {ports}")
    assert load_recipe(write(tmp_path, text)).services["web"].ports == expected


@pytest.mark.parametrize("ports, reason", [
    ('["8000-8010:8000-8010"]', "port-range"),
    ('["70000"]', "port"),
    ('["80/sctp"]', "port.protocol"),
    ("[{published: 80}]", "port"),
])
def test_bad_ports_are_refused(tmp_path, ports, reason):
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, MINIMAL.replace('ports: ["8080"]', f"ports: {ports}")))
    assert err.value.reasons == [reason]
    assert "services.web.ports[0]" in err.value.message


@pytest.mark.parametrize("value, seconds", [
    ("1s", 1.0), ("500ms", 0.5), ("1m30s", 90.0), ("2h", 7200.0), ("1.5s", 1.5), ("0", 0.0), (0, 0.0),
    ("1h1m1s", 3661.0), ("250us", 0.00025),
])
def test_parse_duration(value, seconds):
    assert parse_duration(value) == pytest.approx(seconds)


@pytest.mark.parametrize("value", ["", "10", 10, "1d", "s", "-1s", "1 s", "soon", True])
def test_parse_duration_refuses(value):
    with pytest.raises(ValueError):
        parse_duration(value)


@pytest.mark.parametrize("value, size", [
    ("512m", 512 * 2**20), ("1g", 2**30), ("1G", 2**30), ("1gb", 2**30), ("1.5G", int(1.5 * 2**30)),
    ("64M", 64 * 2**20), ("2048k", 2 * 2**20), ("100", 100), (1048576, 1048576), ("10b", 10),
])
def test_parse_size(value, size):
    assert parse_size(value) == size


@pytest.mark.parametrize("value", ["", "big", "1x", "-1m", -5, "1..5g", True, "m"])
def test_parse_size_refuses(value):
    with pytest.raises(ValueError):
        parse_size(value)


@pytest.mark.parametrize("snippet, field", [
    ("    mem_limit: lots\n", "services.web.mem_limit: 'lots' is not a size"),
    ("    shm_size: 1x\n", "services.web.shm_size: '1x' is not a size"),
    ("    stop_grace_period: 10\n", "services.web.stop_grace_period: '10' is not a duration"),
    ("    healthcheck: {test: [CMD, ok], interval: 5 minutes}\n",
     "services.web.healthcheck.interval: '5 minutes' is not a duration"),
    ("    deploy: {resources: {limits: {memory: huge}}}\n",
     "services.web.deploy.resources.limits.memory: 'huge' is not a size"),
])
def test_bad_duration_or_size_names_the_field(tmp_path, snippet, field):
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, MINIMAL + snippet))
    assert field in err.value.message


def test_unquoted_yes_in_a_command_is_refused_with_a_hint(tmp_path):
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, MINIMAL + "    command: [redis-server, --appendonly, yes]\n"))
    assert "services.web.command[2] must be a string (found boolean)" in err.value.message
    assert "quote" in err.value.hint


def test_depends_on_cycle_is_refused(tmp_path):
    text = """\
    services:
      a: {image: x, depends_on: [b]}
      b: {image: x, depends_on: [c]}
      c: {image: x, depends_on: [a]}
    """
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, text))
    assert "services depend on each other in a cycle: a -> b -> c -> a" in err.value.message


@pytest.mark.parametrize("restart, refused", [("always", True), ("unless-stopped", True), ("on-failure", False),
                                              ("no", False)])
def test_a_job_others_wait_to_finish_may_not_restart_forever(tmp_path, restart, refused):
    text = f"""\
    services:
      web: {{image: x, depends_on: {{migrate: {{condition: service_completed_successfully}}}}}}
      migrate: {{image: x, restart: "{restart}"}}
    """
    if not refused:
        recipe = load_recipe(write(tmp_path, text))
        assert recipe.jobs == {"migrate"} and recipe.start_order() == ["migrate", "web"]
        return
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, text))
    assert f"services.migrate.restart: '{restart}' restarts this service whenever it ends" in err.value.message
    assert "use 'no' or 'on-failure'" in err.value.message


def test_a_service_needs_an_image_or_build(tmp_path):
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, "services:\n  web:\n    init: true\n"))
    assert "line 3: services.web: a service needs image or build" in err.value.message


def test_build_context_must_stay_inside_the_source_root(tmp_path):
    path = make_tree(tmp_path, GOOD)
    with pytest.raises(InputError) as err:
        load_recipe(path)  # default root: the recipe's own directory
    assert "services.web.build.context: '../../standin/web' points outside" in err.value.message
    load_recipe(path, source_root=tmp_path / "recipes")


@pytest.mark.parametrize("cached", [True, False])
def test_a_compose_file_linked_from_outside_the_recipe_directory_is_refused(tmp_path, cached):
    """The entry pins the recipe directory's tree, where a link is hashed as its text: a
    compose.yaml linked from elsewhere would be read unpinned. A link within the directory is fine."""
    shared = tmp_path / "shared.yaml"
    shared.write_text(MINIMAL)
    recipe_dir = tmp_path / "recipes" / "demo" / "1.0"
    recipe_dir.mkdir(parents=True)
    (recipe_dir / "compose.yaml").symlink_to("../../../shared.yaml")
    with pytest.raises(InputError) as err:
        load_recipe(recipe_dir / "compose.yaml", cached=cached)
    assert err.value.message == (f"{recipe_dir / 'compose.yaml'} is a link to {shared}, outside the recipe's "
                                 f"directory {recipe_dir}; the entry's pin covers only that directory.")
    (recipe_dir / "compose.yaml").unlink()
    (recipe_dir / "real.yaml").write_text(MINIMAL)
    (recipe_dir / "compose.yaml").symlink_to("real.yaml")
    assert list(load_recipe(recipe_dir / "compose.yaml", cached=cached).services) == ["web"]


def test_one_network_may_be_named_but_not_several(tmp_path):
    one = MINIMAL + "    networks: [app-net]\nnetworks:\n  app-net: {driver: bridge}\n"
    assert load_recipe(write(tmp_path, one)).services["web"].network_mode is None
    two = ("services:\n  web: {image: x, networks: [front]}\n  db: {image: x, networks: [back]}\n"
           "networks: {front: , back: }\n")
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, two))
    assert "ksad gives each app one network, but this recipe uses 2 (back, front)" in err.value.message


# A service outside the app's network has no ports of its own to publish: the engine ignored them in
# the host's network (the URL pointed at a host port nothing listened on), published them for "none"
# (a URL to nothing), and refused them in another service's namespace, after the build
SHARED_WITH_DB = "  db:\n    image: x\n"


@pytest.mark.parametrize("mode, advice", [
    ("host", "it listens on the host's own ports directly"),
    ("none", "it has no network"),
    ("service:db", "publish them in the ports of service db, whose network it uses"),
])
def test_ports_are_refused_with_a_network_mode_outside_the_apps_network(tmp_path, mode, advice):
    text = MINIMAL + f"    network_mode: {mode}\n" + (SHARED_WITH_DB if mode.startswith("service:") else "")
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_recipe(path, allow=frozenset({"host-network"}))
    assert err.value.exit_code == EXIT_INPUT
    assert err.value.reasons == ["ports.network_mode"]
    message = err.value.message
    assert message.startswith(f"{path}, line {line_of(text, 'ports:')}: services.web.ports: ")
    assert f"network_mode: {mode}" in message and "remove ports" in message and advice in message
    # without ports it loads; bridge (the app's network) keeps its ports
    assert load_recipe(write(tmp_path, text.replace('    ports: ["8080"]\n', "")),
                       allow=frozenset({"host-network"})).services["web"].ports == []
    assert load_recipe(write(tmp_path, MINIMAL + "    network_mode: bridge\n")).services["web"].ports == [Port(8080)]


def test_a_container_network_mode_is_refused_with_or_without_ports(tmp_path):
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, MINIMAL + "    network_mode: container:other\n"))
    assert "'container:other' is not supported (use host, bridge, none or service:NAME)" in err.value.message


@pytest.mark.parametrize("mode, expose, problem", [
    ("none", "{service: web, port: 8080}", "x-ksad.expose.service: service web has network_mode: none"),
    ("service:db", "{service: web, port: 8080}",
     "x-ksad.expose.service: service web uses the network of service db; expose service db"),
])
def test_a_service_outside_any_reachable_network_of_its_own_cannot_be_exposed(tmp_path, mode, expose, problem):
    text = (MINIMAL.replace('    ports: ["8080"]\n', "") + f"    network_mode: {mode}\n"
            + (SHARED_WITH_DB if mode.startswith("service:") else "") + f"x-ksad:\n  expose: {expose}\n")
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, text))
    assert problem in err.value.message


def test_a_host_network_service_is_exposed_at_the_port_it_listens_on(tmp_path):
    text = MINIMAL.replace('    ports: ["8080"]\n', "") + "    network_mode: host\nx-ksad:\n  expose: {service: web, port: 8080}\n"
    recipe = load_recipe(write(tmp_path, text), allow=frozenset({"host-network"}))
    assert recipe.ksad.expose == Expose("web", 8080, "/")


def test_reserved_labels_are_refused(tmp_path):
    with pytest.raises(InputError) as err:
        load_recipe(write(tmp_path, MINIMAL + "    labels: {ksad.app: other}\n"))
    assert "labels starting with 'ksad.' are reserved" in err.value.message


# --- x-ksad: templates, files, destinations ------------------------------------------------

def test_unknown_template_placeholder_is_refused_naming_file_and_placeholder(tmp_path):
    path = make_tree(tmp_path, GOOD, template="Welcome to ${region_name}, call ${hotline}\n")
    with pytest.raises(InputError) as err:
        load_recipe(path, source_root=tmp_path)
    assert ("x-ksad.files[0].template: template templates/ksad.json uses ${hotline}, which is not a "
            "localisation field, secret or setting") in err.value.message
    assert "declare hotline under x-ksad secrets or settings" in err.value.hint


@pytest.mark.parametrize("template, problem", [
    ("${emblem}", "uses ${emblem}"),  # an image cannot go into text
    ("costs $5", "has a '$' that is not a placeholder"),
])
def test_bad_templates_are_refused(tmp_path, template, problem):
    with pytest.raises(InputError) as err:
        load_recipe(make_tree(tmp_path, GOOD, template=template), source_root=tmp_path)
    assert problem in err.value.message


def test_template_outside_the_source_root_is_refused(tmp_path):
    text = GOOD.replace("template: templates/ksad.json", "template: ../../../../etc/passwd")
    with pytest.raises(InputError) as err:
        load_recipe(make_tree(tmp_path, text), source_root=tmp_path)
    assert "x-ksad.files[0].template: '../../../../etc/passwd' points outside" in err.value.message


@pytest.mark.parametrize("replace, problem", [
    (("field: emblem", "field: region_name"), "'region_name' cannot be used as field (only: emblem)"),
    (("name: {env: {web: APP_NAME}}", "mayor: {env: {web: MAYOR}}"), "'mayor' is not a localisation field"),
    (("name: {env: {web: APP_NAME}}", "emblem: {env: {web: EMBLEM}}"), "emblem can only be rendered into a file"),
    (("name: {env: {web: APP_NAME}}", "name: {env: {web: REGION_NAME}}"),
     "REGION_NAME of service web is already set by localise.name"),
    (("{service: web, port: 8080, path: /app}", "{service: web, port: 9999}"),
     "port 9999 is not published by service web"),
    (("data_volumes: [db-data, uploads]", "data_volumes: [db-data, photos]"),
     "the volume 'photos' is not declared"),
    (("max_upload_mb: {default: 10,", "max_upload_mb: {"), "x-ksad.settings.max_upload_mb.default is required"),
    (("db_password: {env:", "region_name: {env:"), "the name 'region_name' is already used in localise"),
])
def test_x_ksad_mistakes_are_refused(tmp_path, replace, problem):
    text = GOOD.replace(*replace)
    assert text != GOOD
    with pytest.raises(InputError) as err:
        load_recipe(make_tree(tmp_path, text), source_root=tmp_path)
    assert problem in err.value.message


def test_a_secret_the_operator_supplies_is_declared_with_supplied_operator(tmp_path):
    text = GOOD.replace("  secrets:\n", "  secrets:\n    smtp_password: {supplied: operator, env: {web: SMTP_PASSWORD}}\n")
    path = make_tree(tmp_path, text)
    k = load_recipe(path, source_root=tmp_path).ksad
    assert k.secrets["smtp_password"] == Destinations({"web": "SMTP_PASSWORD"})
    assert k.supplied == {"smtp_password"}  # db_password stays generated
    jsonschema.Draft202012Validator(SCHEMA).validate(yamlio.load_mapping(path).data)


def test_a_secret_supplied_by_anyone_but_the_operator_is_refused_with_its_line(tmp_path):
    text = GOOD.replace("  secrets:\n", "  secrets:\n    smtp_password: {supplied: admin, env: {web: SMTP_PASSWORD}}\n")
    path = make_tree(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_recipe(path, source_root=tmp_path)
    assert err.value.exit_code == EXIT_INPUT
    line = line_of(text, "smtp_password")
    assert (f"compose.yaml, line {line}: x-ksad.secrets.smtp_password.supplied: 'admin' is not who supplies a "
            "secret: write 'operator'") in err.value.message
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(yamlio.load_mapping(path).data)


# --- the security policy -------------------------------------------------------------------

POLICY_CASES = {
    "privileged": ("    privileged: true\n", "privileged: true"),
    "host-network": ("    network_mode: host\n", "network_mode: host"),
    "host-pid": ("    pid: host\n", "pid: host"),
    "host-ipc": ("    ipc: host\n", "ipc: host"),
    "docker-socket": ('    volumes: ["/var/run/docker.sock:/var/run/docker.sock:ro"]\n',
                      "/var/run/docker.sock:/var/run/docker.sock:ro"),
    "host-path": ('    volumes: ["./data:/data", {type: bind, source: /srv/x, target: /x}]\n', "/srv/x:/x"),
    "devices": ('    devices: ["/dev/ttyUSB0:/dev/ttyUSB0"]\n', "/dev/ttyUSB0:/dev/ttyUSB0"),
    "capabilities": ("    cap_add: [CHOWN, SYS_ADMIN, NET_ADMIN]\n", "cap_add: SYS_ADMIN, NET_ADMIN"),
    "security-opt": ('    security_opt: ["seccomp:unconfined", "no-new-privileges:true"]\n', "seccomp:unconfined"),
    "sysctls": ('    sysctls: {net.core.somaxconn: "1024", vm.overcommit_memory: "1"}\n', "sysctls: vm.overcommit_memory=1"),
    "log-driver": ("    logging: {driver: gelf, options: {gelf-address: 'udp://logs.example.net:12201'}}\n",
                   "logging.driver: gelf"),
}


def test_every_policy_kind_has_a_case():
    assert set(POLICY_CASES) == set(POLICY_KINDS)


@pytest.mark.parametrize("kind", POLICY_KINDS)
def test_policy_kind_is_refused_by_name_and_allowed_when_asked(tmp_path, kind):
    snippet, detail = POLICY_CASES[kind]
    path = write(tmp_path, minimal_with(snippet))
    with pytest.raises(PolicyError) as err:
        load_recipe(path)
    assert err.value.exit_code == EXIT_POLICY
    assert f"service web: {kind} (" in err.value.message and detail in err.value.message
    assert f"allow with --allow {kind}" in err.value.message
    assert f"allow: [{kind}]" in err.value.hint and "policy.yaml" in err.value.hint

    recipe = load_recipe(path, allow=frozenset({kind}))
    assert recipe.allowed == {kind}


def test_allowed_bind_mounts_are_kept_resolved(tmp_path):
    path = write(tmp_path, MINIMAL + '    volumes: ["./data:/data:ro", {type: bind, source: /srv/x, target: /x}]\n')
    web = load_recipe(path, allow=frozenset({"host-path"})).services["web"]
    assert web.binds == [(str(tmp_path / "data"), "/data", True), ("/srv/x", "/x", False)]
    assert web.mounts == []


def test_a_parent_of_the_docker_socket_needs_both_exceptions(tmp_path):
    path = write(tmp_path, MINIMAL + '    volumes: ["/var/run:/host-run"]\n')
    with pytest.raises(PolicyError) as err:
        load_recipe(path, allow=frozenset({"host-path"}))
    assert "docker-socket (/var/run:/host-run)" in err.value.message
    assert load_recipe(path, allow=frozenset({"host-path", "docker-socket"})).allowed == {"host-path", "docker-socket"}


def test_every_violation_is_named_at_once(tmp_path):
    text = MINIMAL + "    privileged: true\n  db:\n    image: x\n    network_mode: host\n    cap_add: [ALL]\n"
    with pytest.raises(PolicyError) as err:
        load_recipe(write(tmp_path, text), allow=frozenset({"host-network"}))
    kinds = [(v.service, v.kind) for v in err.value.violations]
    assert kinds == [("web", "privileged"), ("db", "capabilities")]
    assert "--allow privileged --allow capabilities" in err.value.hint


def test_default_capabilities_and_safe_security_options_need_no_exception(tmp_path):
    text = MINIMAL + ("    cap_add: [CAP_CHOWN, net_bind_service, SETUID]\n"
                      '    security_opt: ["no-new-privileges:true", "label=type:container_t", "label:level:s0:c1,c2",'
                      ' "apparmor=my-profile"]\n')
    assert load_recipe(write(tmp_path, text)).allowed == frozenset()


@pytest.mark.parametrize("option", ["label=type:spc_t", "label:type:unconfined_t", "label=user:system_u",
                                    "label=role:system_r", "label=disable"])
def test_an_selinux_label_that_can_unconfine_needs_an_exception(tmp_path, option):
    path = write(tmp_path, MINIMAL + f'    security_opt: ["{option}"]\n')
    with pytest.raises(PolicyError) as err:
        load_recipe(path)
    assert f"service web: security-opt ({option})" in err.value.message


@pytest.mark.parametrize("host", ["//var/run/docker.sock", "///run//docker.sock", "/var/run/./docker.sock"])
def test_the_docker_socket_is_known_however_its_path_is_spelled(tmp_path, host):
    path = write(tmp_path, MINIMAL + f'    volumes: ["{host}:/s"]\n')
    with pytest.raises(PolicyError) as err:
        load_recipe(path, allow=frozenset({"host-path"}))
    assert "docker-socket (" in err.value.message


def test_namespaced_sysctls_need_no_exception(tmp_path):
    # Docker's documented namespaced sysctls: they change the container's own namespaces only
    text = MINIMAL + ("    sysctls:\n      net.ipv4.ip_unprivileged_port_start: 0\n      net.core.somaxconn: 1024\n"
                      "      net/ipv4/tcp_keepalive_time: 600\n      kernel.shmmax: 68719476736\n"
                      "      kernel.sem: 250 32000 100 128\n      fs.mqueue.msg_max: 100\n")
    assert load_recipe(write(tmp_path, text)).allowed == frozenset()


@pytest.mark.parametrize("extra, allow, detail", [
    ("    sysctls: [kernel.core_pattern=|/tmp/x]\n", set(), "kernel.core_pattern=|/tmp/x"),
    ("    sysctls: {fs.file-max: 100000}\n", set(), "fs.file-max=100000"),
    ("    sysctls: {vm/swappiness: 10}\n", set(), "vm/swappiness=10"),
    ("    sysctls: {kernel.hostname: x}\n", set(), "kernel.hostname=x"),
    # not a net.* or fs.mqueue.* name though it begins like one: the engine refuses it at start
    ("    sysctls: {net/../kernel/core_pattern: x}\n", set(), "net/../kernel/core_pattern=x"),
    ("    sysctls: {net.ipv4/../../kernel.core_pattern: x}\n", set(), "net.ipv4/../../kernel.core_pattern=x"),
    ("    sysctls: {fs.mqueue..msg_max: 1}\n", set(), "fs.mqueue..msg_max=1"),
    # in the host's namespaces a namespaced sysctl is the host's own
    ("    network_mode: host\n    sysctls: {net.core.somaxconn: 1024}\n", {"host-network"}, "net.core.somaxconn"),
    ("    ipc: host\n    sysctls: {kernel.shmmax: 1}\n", {"host-ipc"}, "kernel.shmmax=1"),
    ("    network_mode: service:db\n    sysctls: {net.ipv4.ip_forward: 1}\n  db:\n    image: x\n"
     "    network_mode: host\n", {"host-network"}, "net.ipv4.ip_forward=1"),
])
def test_host_wide_sysctls_need_an_exception(tmp_path, extra, allow, detail):
    path = write(tmp_path, minimal_with(extra))
    with pytest.raises(PolicyError) as err:
        load_recipe(path, allow=frozenset(allow))
    assert [v.kind for v in err.value.violations] == ["sysctls"]
    assert f"service web: sysctls (sysctls: {detail}" in err.value.message
    assert "--allow sysctls" in err.value.hint
    assert load_recipe(path, allow=frozenset(allow | {"sysctls"})).allowed == allow | {"sysctls"}


@pytest.mark.parametrize("logging", ["{driver: json-file, options: {max-size: 10m}}", "{driver: local}",
                                     "{driver: none}", "{driver: journald}", "{options: {max-file: '3'}}"])
def test_log_drivers_that_keep_logs_on_the_host_need_no_exception(tmp_path, logging):
    assert load_recipe(write(tmp_path, MINIMAL + f"    logging: {logging}\n")).allowed == frozenset()


@pytest.mark.parametrize("driver", ["syslog", "fluentd", "awslogs", "splunk", "gcplogs", "logentries", "gelf",
                                    "loki", "grafana/loki-docker-driver:latest"])
def test_log_drivers_that_ship_logs_away_need_an_exception(tmp_path, driver):
    path = write(tmp_path, MINIMAL + f'    logging: {{driver: "{driver}", options: {{tag: web}}}}\n')
    with pytest.raises(PolicyError) as err:
        load_recipe(path)
    assert f"service web: log-driver (logging.driver: {driver}); allow with --allow log-driver" in err.value.message
    assert load_recipe(path, allow=frozenset({"log-driver"})).allowed == {"log-driver"}


def test_check_policy_returns_what_was_used(tmp_path):
    recipe = load_recipe(write(tmp_path, MINIMAL + "    privileged: true\n"), allow=frozenset(POLICY_KINDS))
    assert check_policy(recipe.services, POLICY_KINDS) == {"privileged"}


def test_policy_file(tmp_path):
    assert load_policy_file(tmp_path / "missing.yaml") == frozenset()
    policy = tmp_path / "policy.yaml"
    policy.write_text("")
    assert load_policy_file(policy) == frozenset()
    policy.write_text("allow: [host-path, docker-socket]\n")
    assert load_policy_file(policy) == {"host-path", "docker-socket"}
    policy.write_text("allow: [host-path, root]\n")
    with pytest.raises(InputError) as err:
        load_policy_file(policy)
    assert "'root' is not a security-policy kind" in err.value.message
    policy.write_text("allow: [host-path]\ndeny: [privileged]\n")
    with pytest.raises(InputError) as err:
        load_policy_file(policy)
    assert "line 2: 'deny' is not read from a policy file" in err.value.message


def test_parse_allow_names_unknown_kinds():
    assert parse_allow(["host-path"]) == {"host-path"}
    with pytest.raises(InputError) as err:
        parse_allow(["host-path", "everything"])
    assert "--allow: 'everything' is not a security-policy kind" in err.value.message


# --- both languages ---------------------------------------------------------------------

def test_messages_follow_the_reader_language(tmp_path, monkeypatch):
    path = write(tmp_path, MINIMAL + "    deploy: {replicas: 2}\n")
    with pytest.raises(InputError) as err:
        load_recipe(path)
    monkeypatch.setenv("KSAD_LANG", "id")
    assert "services.web.deploy.replicas tidak didukung oleh ksad" in err.value.message
    assert "baris 5" in err.value.message
    monkeypatch.setenv("KSAD_LANG", "en")
    assert "services.web.deploy.replicas is not supported by ksad" in err.value.message

    monkeypatch.setenv("KSAD_LANG", "id")
    with pytest.raises(PolicyError) as err:
        load_recipe(write(tmp_path, MINIMAL + "    privileged: true\n"))
    assert "kebijakan keamanan menolak" in err.value.message
    assert "izinkan dengan --allow privileged" in err.value.message


# --- the recipes shipped in this repository ----------------------------------------------

@pytest.mark.parametrize("path", sorted((REPO / "recipes").glob("*/*/compose.yaml")), ids=str)
def test_bundled_recipes_load_and_match_the_schema(path):
    recipe = load_recipe(path, source_root=REPO / "recipes")
    assert recipe.services
    jsonschema.Draft202012Validator(SCHEMA).validate(yamlio.load_mapping(path).data)


def test_a_recipe_is_checked_again_each_time_even_when_its_parse_is_cached(tmp_path):
    path = write(tmp_path, """\
        services:
          web:
            image: example/web:1
            privileged: true
        """)
    assert load_recipe(path, allow=frozenset({"privileged"})).services["web"].privileged  # parsed and cached
    with pytest.raises(PolicyError) as err:  # same content, but this operator did not allow it
        load_recipe(path)
    assert "privileged" in err.value.message
    path.write_text(path.read_text().replace("image: example/web:1", "image: example/web:2"))
    assert load_recipe(path, allow=frozenset({"privileged"})).services["web"].image == "example/web:2"
    path.write_text(path.read_text().replace("privileged: true", "cpu_shares: 5"))
    with pytest.raises(InputError) as err:
        load_recipe(path)
    assert "line 4: services.web.cpu_shares" in err.value.message


@pytest.mark.parametrize("where, accepted", [
    ("../../standin/web/ksad.json", True),  # in a build context: pinned by the entry's builds
    ("../../shared/ksad.json", False),      # in the source tree, but pinned by nothing
    ("templates/link.json", False),         # a link in the recipe to that same unpinned file
])
def test_a_template_must_be_pinned_by_the_recipe_directory_or_a_build_context(tmp_path, where, accepted):
    path = make_tree(tmp_path, GOOD.replace("template: templates/ksad.json", f"template: {where}"))
    for home in (tmp_path / "recipes" / "standin" / "web", tmp_path / "recipes" / "shared"):
        home.mkdir(exist_ok=True)
        (home / "ksad.json").write_text(TEMPLATE)
    (path.parent / "templates" / "link.json").symlink_to("../../../shared/ksad.json")
    if accepted:
        recipe = load_recipe(path, source_root=tmp_path / "recipes")
        assert recipe.ksad.files[0].template == tmp_path / "recipes" / "standin" / "web" / "ksad.json"
        return
    with pytest.raises(InputError) as err:
        load_recipe(path, source_root=tmp_path / "recipes")
    assert (f"x-ksad.files[0].template: '{where}' is neither in the recipe's directory nor in one of its "
            "build contexts; the entry pins only those") in err.value.message


@pytest.mark.parametrize("command", [["install", "e-budgeting", "--dry-run"], ["restore", "missing.tar", "--dry-run"],
                                     ["publish", "missing-dir", "--dry-run"]])
def test_a_misspelt_allow_kind_is_refused_not_ignored(run_ksad, command):
    proc = run_ksad(*command, "--allow", "host_path", check=3)
    assert "--allow: 'host_path' is not a security-policy kind (known: privileged," in proc.stderr
