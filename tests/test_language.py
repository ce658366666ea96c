"""What a reader of Bahasa Indonesia sees when a command line or a YAML file is mistyped.

ksad's own messages are in both languages (test_messages.py); these are the ones
click and PyYAML compose, which ksad renders itself so they follow KSAD_LANG too.
"""

from __future__ import annotations

import json
import re

import pytest

from ksad import yamlio
from ksad.errors import InputError
from ksad.messages import YAML_PROBLEMS, placeholders, yaml_problem

# click's own English, which must not reach a reader of Bahasa Indonesia
CLICK_ENGLISH = ("Usage:", "Try '", "for help", "Error:", "No such", "Missing", "Invalid value", "unexpected extra",
                 "Did you mean", "requires an argument", "does not take a value", "is not a valid", "does not exist",
                 "is not in the range", "does not match the format", "is a file", "is a directory")


def _indonesian(proc) -> str:
    assert proc.returncode == 2, proc.stderr
    for phrase in CLICK_ENGLISH:
        assert phrase not in proc.stderr, proc.stderr
    return proc.stderr


@pytest.mark.parametrize("args, expected", [
    (["--bogus"], ["Penggunaan: ksad [OPTIONS] COMMAND [ARGS]...", "Jalankan 'ksad --help' untuk bantuan.",
                   "Galat: Tidak ada opsi '--bogus'."]),
    (["install", "--alow", "host-path"], ["Penggunaan: ksad install [OPTIONS] APP",
                                          "Jalankan 'ksad install --help' untuk bantuan.",
                                          "Galat: Tidak ada opsi '--alow'. Maksud Anda '--allow'?"]),
    (["instal"], ["Galat: Tidak ada perintah 'instal'. (Maksud Anda salah satu dari: 'init', 'install', "
                  "'uninstall'?)"]),
    (["catalog", "lst"], ["Penggunaan: ksad catalog [OPTIONS] COMMAND [ARGS]...",
                          "Galat: Tidak ada perintah 'lst'. Maksud Anda 'list'?"]),
    (["install"], ["Galat: Argumen 'APP' belum diberikan."]),
    (["target", "add", "prod"], ["Penggunaan: ksad target add [OPTIONS] NAME URL", "Argumen 'URL' belum diberikan."]),
    (["key", "generate", "--signer", "x"], ["Galat: Opsi '--region' wajib diberikan."]),
    (["status", "satu", "dua"], ["Galat: Ada argumen lebih yang tidak diharapkan (satu dua)"]),
    (["status", "satu"], ["Galat: Ada argumen lebih yang tidak diharapkan (satu)"]),
    (["install", "uji", "--name"], ["Galat: Opsi '--name' memerlukan sebuah nilai."]),
    (["install", "uji", "--dry-run=ya"], ["Galat: Opsi '--dry-run' tidak menerima nilai."]),
    (["logs", "uji", "--tail", "abc"], ["Galat: Nilai tidak sah untuk '--tail': 'abc' bukan jumlah baris"]),
    (["rollback", "uji", "--to", "dua"], ["Galat: Nilai tidak sah untuk '--to': 'dua' bukan bilangan bulat."]),
    (["publish", "/tidak/ada", "--key", "k"], ["Galat: Nilai tidak sah untuk 'RECIPE_DIR': direktori '/tidak/ada' "
                                               "tidak ada."]),
    (["--target", "x"], ["Galat: Perintah belum diberikan."]),
])
def test_click_usage_errors_are_in_indonesian(run_ksad, args, expected):
    stderr = _indonesian(run_ksad(*args, env={"KSAD_LANG": "id"}))
    for text in expected:
        assert text in stderr


def test_click_usage_errors_naming_values_are_in_indonesian(run_ksad, tmp_path):
    recipe = tmp_path / "resep"
    recipe.mkdir()
    key = tmp_path / "key"
    key.mkdir()
    common = ["publish", recipe, "--key", tmp_path / "k"]
    stderr = _indonesian(run_ksad(*common, "--memory-mb", "0", env={"KSAD_LANG": "id"}))
    assert "Nilai tidak sah untuk '--memory-mb': 0 di luar rentang x>=1." in stderr
    stderr = _indonesian(run_ksad(*common, "--cpus", "banyak", env={"KSAD_LANG": "id"}))
    assert "Nilai tidak sah untuk '--cpus': 'banyak' bukan bilangan." in stderr
    stderr = _indonesian(run_ksad(*common, "--date", "24/11/2026", env={"KSAD_LANG": "id"}))
    assert "Nilai tidak sah untuk '--date': '24/11/2026' tidak sesuai format 'YYYY-MM-DD'." in stderr
    stderr = _indonesian(run_ksad("publish", recipe, "--key", key, env={"KSAD_LANG": "id"}))
    assert f"Nilai tidak sah untuk '--key': berkas '{key}' ternyata sebuah direktori." in stderr


def test_click_usage_errors_read_as_click_words_them_in_english(run_ksad):
    proc = run_ksad("install", "--alow", "host-path", check=2)
    assert proc.stderr == ("Usage: ksad install [OPTIONS] APP\nTry 'ksad install --help' for help.\n\n"
                           "Error: No such option '--alow'. Did you mean '--allow'?\n")
    assert "Error: Got unexpected extra arguments (a b)" in run_ksad("status", "a", "b", check=2).stderr
    assert "Error: Option '--name' requires an argument." in run_ksad("install", "x", "--name", check=2).stderr
    assert "Error: Invalid value for '--to': 'x' is not a valid integer." in run_ksad("rollback", "a", "--to", "x",
                                                                                      check=2).stderr


def test_every_parameter_type_that_can_refuse_a_value_refuses_in_ksads_words():
    import click

    from ksad.cli import cli

    def commands(command):
        yield command
        for sub in getattr(command, "commands", {}).values():
            yield from commands(sub)

    # click's text and flag types refuse nothing a shell can pass (a flag given a value is a usage error)
    harmless = (click.types.StringParamType, click.types.BoolParamType, click.types.UnprocessedParamType)
    for command in commands(cli):
        for param in command.params:
            if type(param.type).__module__.startswith("click") and not isinstance(param.type, harmless):
                pytest.fail(f"{command.name} {param.name}: click's {type(param.type).__name__}; use ksad.cli.usage's")


# --- PyYAML's problem texts ----------------------------------------------------------------

@pytest.mark.parametrize("text, line, indonesian", [
    ("a: b: c\n", 1, "nilai pemetaan (kunci: nilai) tidak diperbolehkan dalam konteks ini"),
    ("a:\n\tb: 1\n", 2, "ditemukan karakter yang tidak dapat mengawali token apa pun"),
    ("a:\n  b: 1\n\t c: 2\n", 3, "saat memindai skalar biasa pada baris 2: ditemukan karakter tab yang melanggar "
                                "indentasi"),
    ("a: \x01\n", 1, "karakter #x0001 tidak dapat diterima: karakter kontrol tidak diperbolehkan"),
    ("a:\n  b: 1\n c: 2\n", 3, "saat mengurai pemetaan blok pada baris 1: kunci yang diharapkan tidak ditemukan"),
    ("a: 1\nb\nc: 2\n", 3, "saat memindai kunci sederhana pada baris 2: ':' yang diharapkan tidak ditemukan"),
    ("a: 'x\n", 2, "saat memindai skalar berkutip pada baris 1: berkas berakhir sebelum waktunya"),
    ("a: *x\n", 1, "ditemukan alias yang belum didefinisikan"),
    ("a: 1\n---\nb: 2\n", 2, "diharapkan satu dokumen saja di berkas ini pada baris 1: tetapi ditemukan dokumen lain"),
    ("a: [1, 2\nb: 3\n", 2, "saat mengurai urutan alir pada baris 1: ',' atau ']' yang diharapkan tidak ditemukan"),
    ("when: 2026-02-30\n", 1, "tanggal di luar rentang bulan itu"),
])
def test_yaml_problems_are_in_the_readers_language(monkeypatch, text, line, indonesian):
    with pytest.raises(InputError) as err:
        yamlio.parse(text, "f.yaml")
    monkeypatch.setenv("KSAD_LANG", "id")
    assert err.value.message == f"f.yaml, baris {line}: YAML tidak sah ({indonesian})."
    monkeypatch.setenv("KSAD_LANG", "en")
    assert "YAML tidak sah" not in err.value.message and "not valid YAML" in err.value.message


@pytest.mark.parametrize("english, indonesian", [
    ("found character '\\t' that cannot start any token", "ditemukan karakter '\\t' yang tidak dapat mengawali "
                                                           "token apa pun"),
    ("expected <block end>, but found '<block mapping start>'",
     "diharapkan <block end> (akhir blok), tetapi ditemukan '<block mapping start>'"),
    ("mapping values are not allowed here", "nilai pemetaan (kunci: nilai) tidak diperbolehkan di sini"),
    ("while parsing a block mapping", "saat mengurai pemetaan blok"),
    ("something PyYAML may say one day", "something PyYAML may say one day"),  # unknown: as PyYAML says it
])
def test_the_pure_python_loaders_problems_translate_too(monkeypatch, english, indonesian):
    monkeypatch.setenv("KSAD_LANG", "id")
    assert yaml_problem(english) == indonesian
    monkeypatch.setenv("KSAD_LANG", "en")
    assert yaml_problem(english) == english


@pytest.mark.parametrize("english", sorted(YAML_PROBLEMS))
def test_every_yaml_problem_keeps_its_placeholders(english):
    assert placeholders(english) == placeholders(YAML_PROBLEMS[english]), english
    assert YAML_PROBLEMS[english].strip()


def test_a_broken_yaml_file_given_to_a_command_is_reported_in_indonesian(run_ksad, tmp_path):
    bad = tmp_path / "publiccode.yml"
    bad.write_text("name: Aplikasi\ndescription: x: y\n")
    proc = run_ksad("catalog", "import-publiccode", bad, "--publisher-code", "52.04", "--dry-run",
                    env={"KSAD_LANG": "id"}, check=3)
    assert f"{bad}, baris 2: YAML tidak sah (nilai pemetaan (kunci: nilai) tidak diperbolehkan" in proc.stderr
    assert not re.search(r"mapping values|not allowed", proc.stderr)


# --- a mistyped command line under --json -------------------------------------------------


@pytest.mark.parametrize("args, lang, code, message", [
    # --json comes after the mistake: click stops at '--alow' before it has read it
    (["install", "--alow", "host-path", "--json", "uji"], "en", "usage.no_such_option",
     "No such option '--alow'. Did you mean '--allow'?"),
    (["catalog", "show", "--json"], "en", "usage.missing.argument", "Missing argument 'APP'."),
    (["rollback", "uji", "--to", "dua", "--json"], "id", "usage.invalid_value",
     "Nilai tidak sah untuk '--to': 'dua' bukan bilangan bulat."),
    (["status", "--json", "satu"], "en", "usage.extra_arguments", "Got unexpected extra argument (satu)"),
])
def test_a_usage_error_under_json_prints_the_error_envelope(run_ksad, args, lang, code, message):
    proc = run_ksad(*args, env={"KSAD_LANG": lang}, check=2)
    command = "ksad " + " ".join(args[:2] if args[0] == "catalog" else args[:1])
    try_help = {"en": f"Try '{command} --help' for help.", "id": f"Jalankan '{command} --help' untuk bantuan."}[lang]
    assert json.loads(proc.stdout) == {"ksad": 1, "error": {"error": "UsageError", "code": code, "exit_code": 2,
                                                            "message": message, "hint": try_help}}
    assert message in proc.stderr  # the reader at a terminal still sees the usage text


def test_a_json_after_double_dash_is_an_argument_not_a_request_for_json(run_ksad):
    proc = run_ksad("status", "--", "--json", check=2)
    assert proc.stdout == "" and "unexpected extra argument (--json)" in proc.stderr
    assert run_ksad("status", "--bogus", check=2).stdout == ""
