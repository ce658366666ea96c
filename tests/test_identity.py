"""The identity pack: `ksad init`, `ksad identity show`, and reading the pack back."""

from __future__ import annotations

import json
import re
import stat
import struct
import zlib
from pathlib import Path

import pytest

from ksad import yamlio
from ksad.errors import ConflictError, InputError, NotFoundError
from ksad.fsutil import atomic_write, write_secret
from ksad.identity import create_identity, load_identity
from ksad.region import load_for
from ksad.settings import BUNDLED_CATALOG, Settings

REPO = Path(__file__).resolve().parent.parent
SCHEMA = BUNDLED_CATALOG / "schema" / "identity.schema.json"
SUMBAWA = ["init", "--region", "52.04", "--domain", "sumbawakab.go.id",
           "--office", "Dinas Komunikasi dan Informatika Kabupaten Sumbawa", "--contact", "diskominfo@sumbawakab.go.id"]


def png_bytes() -> bytes:
    """A real 1x1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x0b\x53\x94")) + chunk(b"IEND", b""))


SVG = b'<?xml version="1.0"?>\n<!-- lambang -->\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n'


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def settings(home, monkeypatch) -> Settings:
    monkeypatch.setenv("KSAD_LANG", "en")
    return Settings.from_env(home=home)


@pytest.fixture
def regions(settings):
    return load_for(settings)


def data_of(proc) -> dict:
    return json.loads(proc.stdout)["data"]


# --- ksad init ---------------------------------------------------------------------


def test_init_sumbawa_writes_the_pack(run_ksad, home):
    proc = run_ksad(*SUMBAWA, check=True)
    assert "Kabupaten Sumbawa" in proc.stderr and "WITA" in proc.stderr
    assert str(home / "identity.yaml") in proc.stderr
    data = yamlio.load_mapping(home / "identity.yaml").data
    assert data["region_code"] == "52.04"
    assert data["name"] == "Kabupaten Sumbawa"
    assert data["type"] == "kab"
    assert data["province_name"] == "Nusa Tenggara Barat"
    assert (data["timezone"], data["tz_abbr"]) == ("Asia/Makassar", "WITA")
    assert data["head_title"] == "Bupati"
    assert data["domain"] == "sumbawakab.go.id"
    assert (data["colour_primary"], data["colour_secondary"]) == ("#0B5394", "#F1C232")
    assert data["language"] == "id" and data["emblem"] is None

    shown = data_of(run_ksad("identity", "show", "--json", check=True))
    assert shown["name"] == "Kabupaten Sumbawa" and shown["office"].startswith("Dinas Komunikasi")
    assert shown["contact"] == "diskominfo@sumbawakab.go.id"
    human = run_ksad("identity", "show", check=True)
    assert "Bupati" in human.stderr and "sumbawakab.go.id" in human.stderr


def test_identity_show_prints_square_brackets_as_written(run_ksad):
    """rich took "[TI]" in an office or contact for a style and dropped it from the table."""
    run_ksad("init", "--region", "52.04", "--domain", "sumbawakab.go.id", "--office", "Diskominfo [TI] [bold]Sumbawa",
             "--contact", "[red]layanan@sumbawakab.go.id", check=True)
    human = run_ksad("identity", "show", check=True).stderr
    assert "Diskominfo [TI] [bold]Sumbawa" in human and "[red]layanan@sumbawakab.go.id" in human, human


def test_init_json_and_indonesian_summary(run_ksad):
    proc = run_ksad(*SUMBAWA, "--json", check=True)
    out = data_of(proc)
    assert out["action"] == "create" and out["dry_run"] is False
    assert out["identity"]["region_code"] == "52.04" and out["identity"]["tz_abbr"] == "WITA"
    shown = run_ksad("identity", "show", env={"KSAD_LANG": "id"}, check=True)
    assert "Kepala daerah" in shown.stderr and "Zona waktu" in shown.stderr


def test_domain_is_stored_never_derived(run_ksad):
    # Kota Bandung is bandung.go.id, Kabupaten Bandung bandungkab.go.id: no rule gives either.
    kota = data_of(run_ksad("init", "--region", "32.73", "--domain", "bandung.go.id", "--office", "Diskominfo",
                            "--json", "--dry-run", check=True))["identity"]
    kab = data_of(run_ksad("init", "--region", "32.04", "--domain", "bandungkab.go.id", "--office", "Diskominfo",
                           "--json", "--dry-run", check=True))["identity"]
    assert (kota["name"], kota["head_title"], kota["domain"]) == ("Kota Bandung", "Wali Kota", "bandung.go.id")
    assert (kab["name"], kab["head_title"], kab["domain"]) == ("Kabupaten Bandung", "Bupati", "bandungkab.go.id")


def test_unknown_region_code(run_ksad, home):
    proc = run_ksad("init", "--region", "99.99", "--domain", "x.go.id", "--office", "X", check=4)
    assert "99.99" in proc.stderr and "ksad region search" in proc.stderr
    assert not (home / "identity.yaml").exists()


@pytest.mark.parametrize(
    ("args", "field", "says"),
    [
        (["--domain", "sumbawa.com"], "domain", "must end in .go.id"),
        (["--domain", "https://sumbawakab.go.id"], "domain", "without https://"),
        (["--domain", "go.id"], "domain", "must end in .go.id"),
        (["--domain", "sumbawa_kab.go.id"], "domain", "not a valid DNS label"),
        (["--domain", "-sumbawa.go.id"], "domain", "not a valid DNS label"),
        (["--colour-primary", "blue"], "colour_primary", "not a colour"),
        (["--colour-secondary", "#12345"], "colour_secondary", "not a colour"),
        (["--timezone", "Asia/Singapore"], "timezone", "Asia/Makassar"),
        (["--language", "fr"], "language", "id, en"),
        (["--office", " "], "office", "must not be empty"),
        (["--office", "x" * 121], "office", "at most 120"),
        # shown on every app's page: no direction override, zero-width space, line separator or C1 control
        (["--office", "Diskominfo \u202eapaloP"], "office", "invisible"),
        (["--head-title", "Wali\u200bKota"], "head_title", "invisible"),
        (["--contact", "a@b.go.id\u2028x"], "contact", "invisible"),
        (["--office", "Disko\u0085minfo"], "office", "invisible"),
    ],
)
def test_invalid_arguments_name_the_field(run_ksad, home, args, field, says):
    base = {"--region": "52.04", "--domain": "sumbawakab.go.id", "--office": "Diskominfo"}
    base.update(dict(zip(args[::2], args[1::2])))
    proc = run_ksad("init", *[x for kv in base.items() for x in kv], check=3)
    assert field in proc.stderr and says in proc.stderr
    assert not (home / "identity.yaml").exists()


def test_colours_and_case_are_normalised(run_ksad):
    out = data_of(run_ksad("init", "--region", "52.04", "--domain", "SumbawaKab.go.id.", "--office", "Diskominfo",
                           "--colour-primary", "1a2b3c", "--colour-secondary", "#abcdef", "--timezone", "asia/jakarta",
                           "--head-title", "Bupati Sumbawa", "--language", "en", "--json", check=True))["identity"]
    assert (out["colour_primary"], out["colour_secondary"]) == ("#1A2B3C", "#ABCDEF")
    assert out["domain"] == "sumbawakab.go.id"
    assert (out["timezone"], out["tz_abbr"]) == ("Asia/Jakarta", "WIB")
    assert out["head_title"] == "Bupati Sumbawa" and out["language"] == "en"


def test_existing_pack_needs_force(run_ksad, home):
    run_ksad(*SUMBAWA, check=True)
    before = (home / "identity.yaml").read_text()
    proc = run_ksad("init", "--region", "52.04", "--domain", "sumbawakab.go.id", "--office", "Bagian Umum", check=9)
    assert "already exists" in proc.stderr and "--force" in proc.stderr
    assert (home / "identity.yaml").read_text() == before

    run_ksad("init", "--region", "52.04", "--domain", "sumbawakab.go.id", "--office", "Bagian Umum", "--force",
             check=True)
    assert data_of(run_ksad("identity", "show", "--json", check=True))["office"] == "Bagian Umum"


def test_rerunning_the_same_init_changes_nothing(run_ksad, home):
    run_ksad(*SUMBAWA, check=True)
    before = (home / "identity.yaml").stat().st_mtime_ns
    proc = run_ksad(*SUMBAWA, check=True)
    assert "nothing changed" in proc.stderr
    assert (home / "identity.yaml").stat().st_mtime_ns == before


def test_dry_run_writes_nothing(run_ksad, home):
    proc = run_ksad(*SUMBAWA, "--dry-run", check=True)
    assert "Dry run" in proc.stderr and "Kabupaten Sumbawa" in proc.stderr
    assert not home.exists() or not any(home.iterdir())


def test_show_without_a_pack(run_ksad):
    proc = run_ksad("identity", "show", check=4)
    assert "no identity pack" in proc.stderr and "ksad init --region" in proc.stderr
    proc = run_ksad("identity", "show", env={"KSAD_LANG": "id"}, check=4)
    assert "belum punya paket identitas" in proc.stderr


# --- the emblem ----------------------------------------------------------------------


def test_png_emblem_is_copied_into_home(run_ksad, home, tmp_path):
    source = tmp_path / "lambang-sumbawa.png"
    source.write_bytes(png_bytes())
    out = data_of(run_ksad(*SUMBAWA, "--emblem", source, "--json", check=True))["identity"]
    assert out["emblem"] == str(home / "emblem.png")
    assert (home / "emblem.png").read_bytes() == png_bytes()
    source.unlink()  # the pack keeps its own copy
    assert data_of(run_ksad("identity", "show", "--json", check=True))["emblem"] == str(home / "emblem.png")

    svg = tmp_path / "lambang.svg"
    svg.write_bytes(SVG)
    run_ksad(*SUMBAWA, "--emblem", svg, "--force", check=True)
    assert (home / "emblem.svg").read_bytes() == SVG
    assert not (home / "emblem.png").exists()  # the old one is not left behind


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"GIF89a\x01\x00\x01\x00", "neither a PNG nor an SVG"),
        (b"\xff\xd8\xff\xe0 JFIF", "neither a PNG nor an SVG"),
        (b"<html><body>not an svg</body></html>", "neither a PNG nor an SVG"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024), "at most 1048576 bytes"),
        # a PNG's signature alone is no picture: a browser shows a broken image
        (b"\x89PNG\r\n\x1a\nnot really", "not a whole PNG image"),
        (png_bytes()[:-12], "not a whole PNG image"),  # a download cut short: no IEND
        # served from the region's own site, an SVG's script would run there
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
         "active content (<script)"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "active content (onload=)"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="JavaScript:alert(1)"><rect/></a></svg>',
         "active content (JavaScript:)"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
         "active content (<foreignObject)"),
        (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
         "active content (<!ENTITY)"),
    ],
)
def test_bad_emblems(run_ksad, home, tmp_path, content, says):
    source = tmp_path / "lambang.png"
    source.write_bytes(content)
    proc = run_ksad(*SUMBAWA, "--emblem", source, check=3)
    assert "emblem" in proc.stderr and says in proc.stderr
    assert not (home / "identity.yaml").exists()


def test_missing_emblem(run_ksad, tmp_path):
    proc = run_ksad(*SUMBAWA, "--emblem", tmp_path / "nowhere.png", check=3)
    assert "does not exist" in proc.stderr


# --- reading back a hand-edited pack ------------------------------------------------------


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_unknown_key_is_refused_with_its_line(run_ksad, home):
    run_ksad(*SUMBAWA, check=True)
    file = home / "identity.yaml"
    file.write_text(file.read_text().replace("office:", "ofice_hours: 08-16\noffice:"))
    proc = run_ksad("identity", "show", check=3)
    assert "ofice_hours" in proc.stderr
    assert f"line {_line_of(file, 'ofice_hours')}" in proc.stderr
    assert str(file) in proc.stderr


def _init_then_edit(run_ksad, home, old: str, new: str):
    """A pack `init` wrote, then edited by hand: *old* replaced by *new*."""
    run_ksad(*SUMBAWA, check=True)
    file = home / "identity.yaml"
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new))
    return file


@pytest.mark.parametrize(
    ("old", "new", "field", "says"),
    [
        ("tz_abbr: WITA", "tz_abbr: WIB", "tz_abbr", "WITA"),
        ("region_code: '52.04'", "region_code: 52.04", "region_code", "in quotes"),
        ("domain: sumbawakab.go.id", "domain: sumbawa.id", "domain", ".go.id"),
        ("colour_primary: '#0B5394'", "colour_primary: #0B5394", "colour_primary", "quote it"),
        ("language: id", "language: jv", "language", "id, en"),
        ("type: kab", "type: kabupaten", "type", "kab, kota, prov"),
        ("emblem: null", "emblem: emblem.png", "emblem", "does not exist"),
        ("format: 1", "format: 2", "format", "format 2"),
        ("format: 1", "format: true", "format", "format true is not known"),  # Python's True == 1
        ("format: 1", "format: '1'", "format", 'format "1" is not known'),
        ("domain: sumbawakab.go.id", "domain: 12", "domain", "domain must be text, not '12'"),
    ],
)
def test_tampered_values_name_file_line_field(run_ksad, home, old, new, field, says):
    file = _init_then_edit(run_ksad, home, old, new)
    proc = run_ksad("identity", "show", check=3)
    assert f"line {_line_of(file, new.split(':')[0] + ':')}" in proc.stderr
    assert f"'{field}'" in proc.stderr and says in proc.stderr


@pytest.mark.parametrize(("old", "new", "field", "expected"), [
    ("name: Kabupaten Sumbawa", "name: Kota Palopo", "name", "Kabupaten Sumbawa"),
    ("name: Kabupaten Sumbawa", "name: Kabupaten Sumbawa Barat", "name", "Kabupaten Sumbawa"),
    ("name: Kabupaten Sumbawa", "name: Kota Sumbawa", "name", "Kabupaten Sumbawa"),
    ("type: kab", "type: kota", "type", "kab"),
    ("province_name: Nusa Tenggara Barat", "province_name: Nusa Tenggara Timur", "province_name",
     "Nusa Tenggara Barat"),
])
def test_a_name_that_is_not_the_codes_is_refused(run_ksad, home, old, new, field, expected):
    file = _init_then_edit(run_ksad, home, old, new)
    proc = run_ksad("identity", "show", check=3)
    assert f"{file}, line {_line_of(file, new)}, field '{field}'" in proc.stderr
    value = new.split(": ", 1)[1]
    assert f"'{value}' does not match region 52.04, which the region data gives as {expected}" in proc.stderr
    assert f"Region 52.04 is Kabupaten Sumbawa: write {field}: {expected}" in proc.stderr
    assert "ksad region search" in proc.stderr
    proc = run_ksad("identity", "show", env={"KSAD_LANG": "id"}, check=3)
    assert f"'{value}' tidak cocok dengan wilayah 52.04, yang menurut data wilayah adalah {expected}" in proc.stderr


@pytest.mark.parametrize("name", ["KABUPATEN SUMBAWA", "Kab. Sumbawa", "kab sumbawa", "Sumbawa",
                                  "  Kabupaten  Sumbawa "])
def test_the_codes_name_however_it_is_written_is_accepted(run_ksad, home, name):
    run_ksad(*SUMBAWA, check=True)
    file = home / "identity.yaml"
    file.write_text(file.read_text().replace("name: Kabupaten Sumbawa", f"name: '{name}'"))
    assert data_of(run_ksad("identity", "show", "--json", check=True))["name"] == name.strip()


@pytest.mark.parametrize("code, name", [
    ("31.01", "Kab. Adm. Kep. Seribu"),           # Kabupaten Administrasi Kepulauan Seribu
    ("31.71", "Kota Jakarta Pusat"),              # Kota Administrasi Jakarta Pusat
    ("71.09", "Kabupaten Kepulauan Siau Tagulandang Biaro"),  # Kabupaten Kep. Siau Tagulandang Biaro
    ("32.73", "Kota Bandung"),
])
def test_names_the_region_data_abbreviates_are_accepted_spelled_out(settings, regions, code, name):
    create_identity(settings, regions, region=code, domain="contoh.go.id", office="Diskominfo")
    text = settings.identity_file.read_text()
    settings.identity_file.write_text(re.sub(r"(?m)^name: .*$", f"name: {name}", text))
    assert load_identity(settings).name == name


def test_a_code_the_region_data_does_not_know_is_refused(run_ksad, home):
    run_ksad(*SUMBAWA, check=True)
    file = home / "identity.yaml"
    file.write_text(file.read_text().replace("region_code: '52.04'", "region_code: '52.99'"))
    proc = run_ksad("identity", "show", check=3)
    assert f"{file}, line {_line_of(file, '52.99')}, field 'region_code'" in proc.stderr
    assert "Unknown region code '52.99'" in proc.stderr and "ksad region search" in proc.stderr


def test_missing_key_and_broken_yaml(run_ksad, home):
    run_ksad(*SUMBAWA, check=True)
    file = home / "identity.yaml"
    text = file.read_text()
    file.write_text(re.sub(r"(?m)^domain:.*\n", "", text))
    proc = run_ksad("identity", "show", check=3)
    assert "'domain' is missing" in proc.stderr
    file.write_text(text.replace("office: ", "office: [unclosed "))
    proc = run_ksad("identity", "show", check=3)
    assert "not valid YAML" in proc.stderr


# --- the core API others call --------------------------------------------------------------


def test_fields_cover_the_recipe_localisation_fields(settings, regions):
    identity = create_identity(settings, regions, region="52.04", domain="sumbawakab.go.id", office="Diskominfo")
    fields = identity.fields()
    readme = (REPO / "recipes" / "README.md").read_text()
    listed = set(re.findall(r"`([a-z_]+)`", readme.split("Localisation fields:")[1].split("Templates")[0]))
    from_name_or_deploy = {"name", "name_slug", "name_meaning", "name_language", "emblem", "url", "public_url",
                           "app_id", "app_version"}
    assert set(fields) == listed - from_name_or_deploy
    assert fields["region_name"] == "Kabupaten Sumbawa" and fields["contact"] == ""
    assert all(isinstance(v, str) for v in fields.values())
    assert load_identity(settings) == identity


def test_core_errors(settings, regions):
    with pytest.raises(NotFoundError) as err:
        load_identity(settings)
    assert "ksad init --region" in err.value.hint
    with pytest.raises(NotFoundError):
        create_identity(settings, regions, region="52.99", domain="x.go.id", office="X")
    create_identity(settings, regions, region="5204", domain="sumbawakab.go.id", office="Diskominfo")
    assert load_identity(settings).region_code == "52.04"
    with pytest.raises(ConflictError):
        create_identity(settings, regions, region="52.04", domain="sumbawakab.go.id", office="Diskominfo",
                        colours=("#000000", None))
    with pytest.raises(InputError):
        create_identity(settings, regions, region="52.04", domain="sumbawakab.go.id", office="Diskominfo",
                        colours=("#000000", "#111111", "#222222"), force=True)


def test_written_packs_satisfy_the_published_schema(settings, regions, tmp_path):
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(json.loads(SCHEMA.read_text()))
    Draft202012Validator.check_schema(validator.schema)
    svg = tmp_path / "l.svg"
    svg.write_bytes(SVG)
    for code, domain in [("52.04", "sumbawakab.go.id"), ("73.73", "palopokota.go.id"), ("61.71", "pontianak.go.id"),
                         ("91.71", "jayapurakota.go.id")]:
        create_identity(settings, regions, region=code, domain=domain, office="Diskominfo", emblem=svg, force=True)
        data = yamlio.load_mapping(settings.identity_file).data
        assert list(validator.iter_errors(data)) == [], code
        # and the schema refuses what load_identity refuses
        for key, bad in [("tz_abbr", "WIB" if data["tz_abbr"] != "WIB" else "WIT"), ("extra", 1),
                         ("domain", "palopo.id"), ("colour_primary", "red"), ("type", "kabupaten")]:
            broken = {**data, key: bad}
            assert list(validator.iter_errors(broken)), (code, key)
            atomic_write(settings.identity_file, yamlio.dump(broken))
            with pytest.raises(InputError):
                load_identity(settings)


# --- fsutil ------------------------------------------------------------------------------


def test_atomic_write_and_secrets(tmp_path):
    target = atomic_write(tmp_path / "a" / "f.txt", "één")
    assert target.read_text(encoding="utf-8") == "één"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    atomic_write(target, b"two", mode=0o640)
    assert target.read_bytes() == b"two" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]  # no temporary file left

    secret = write_secret(tmp_path / "secrets" / "prod" / "app.json", '{"db": "x"}')
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE(secret.parent.stat().st_mode) == 0o700


def test_an_edited_pack_is_read_again_and_errors_still_name_the_line(settings, regions, tmp_path):
    create_identity(settings, regions, region="52.04", domain="sumbawakab.go.id", office="Diskominfo")
    assert load_identity(settings).domain == "sumbawakab.go.id"  # parsed once, then served from the cache
    assert load_identity(settings).domain == "sumbawakab.go.id"
    text = settings.identity_file.read_text()
    settings.identity_file.write_text(text.replace("sumbawakab.go.id", "sumbawa.go.id"))
    assert load_identity(settings).domain == "sumbawa.go.id"
    settings.identity_file.write_text(text.replace("sumbawakab.go.id", "sumbawa.example"))
    line = next(i for i, s in enumerate(settings.identity_file.read_text().splitlines(), 1) if "domain:" in s)
    with pytest.raises(InputError) as err:
        load_identity(settings)
    assert f"line {line}" in err.value.message and "domain" in err.value.message


def test_a_cached_pack_whose_emblem_disappeared_is_refused_with_its_line(settings, regions, tmp_path):
    svg = tmp_path / "lambang.svg"
    svg.write_bytes(SVG)
    create_identity(settings, regions, region="52.04", domain="sumbawakab.go.id", office="Diskominfo", emblem=svg)
    assert load_identity(settings).emblem is not None
    stored = Path(load_identity(settings).emblem)
    stored.unlink()  # the pack did not change, but what it points to is gone
    with pytest.raises(InputError) as err:
        load_identity(settings)
    line = next(i for i, s in enumerate(settings.identity_file.read_text().splitlines(), 1) if "emblem:" in s)
    assert f"line {line}" in err.value.message
