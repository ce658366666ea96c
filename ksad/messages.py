"""Every sentence a user reads, in Bahasa Indonesia and English.

One table so that a translator (or a test) sees at once when a language is
missing a message or a placeholder. Keys are stable identifiers; the core and
the errors refer to keys, never to literal text.

Language: ``KSAD_LANG``, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, the first set;
``id_ID.UTF-8`` -> Indonesian), else English.
"""

from __future__ import annotations

import os
import string

LANGUAGES = ("id", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # --- generic -------------------------------------------------------
    "error.prefix": {"en": "Error", "id": "Galat"},
    "hint.prefix": {"en": "What to do", "id": "Yang perlu dilakukan"},
    "interrupted": {
        "en": "Interrupted. Nothing was left half-done.",
        "id": "Dihentikan. Tidak ada yang tertinggal setengah jalan.",
    },
    "internal": {
        "en": "Unexpected internal error: {detail}",
        "id": "Galat internal tak terduga: {detail}",
    },
    "internal.hint": {
        "en": "Details were written to {log}. Please report it with that file.",
        "id": "Rincian ditulis ke {log}. Laporkan beserta berkas tersebut.",
    },
    "internal.hint.no_log": {
        "en": "The details could not be written to {log} ({problem}). Please report this message as it is.",
        "id": "Rinciannya tidak dapat ditulis ke {log} ({problem}). Laporkan pesan ini apa adanya.",
    },
    # --- click's usage errors, rendered by ksad (ksad/cli/usage.py) -------
    "usage.prefix": {"en": "Usage:", "id": "Penggunaan:"},
    "usage.try_help": {
        "en": "Try '{command} {option}' for help.",
        "id": "Jalankan '{command} {option}' untuk bantuan.",
    },
    "usage.no_such_option": {"en": "No such option '{name}'.", "id": "Tidak ada opsi '{name}'."},
    "usage.no_such_command": {"en": "No such command '{name}'.", "id": "Tidak ada perintah '{name}'."},
    "usage.did_you_mean": {"en": "Did you mean {possibility}?", "id": "Maksud Anda {possibility}?"},
    "usage.did_you_mean_one_of": {
        "en": "(Did you mean one of: {possibilities}?)",
        "id": "(Maksud Anda salah satu dari: {possibilities}?)",
    },
    "usage.missing.argument": {"en": "Missing argument {name}.", "id": "Argumen {name} belum diberikan."},
    "usage.missing.option": {"en": "Missing option {name}.", "id": "Opsi {name} wajib diberikan."},
    "usage.missing.parameter": {"en": "Missing parameter {name}.", "id": "Parameter {name} belum diberikan."},
    "usage.missing_command": {"en": "Missing command.", "id": "Perintah belum diberikan."},
    "usage.invalid_value_for": {
        "en": "Invalid value for {name}: {message}",
        "id": "Nilai tidak sah untuk {name}: {message}",
    },
    "usage.invalid_value": {"en": "Invalid value: {message}", "id": "Nilai tidak sah: {message}"},
    "usage.requires_argument": {
        "en": "Option '{name}' requires an argument.",
        "id": "Opsi '{name}' memerlukan sebuah nilai.",
    },
    "usage.requires_arguments": {
        "en": "Option '{name}' requires {count} arguments.",
        "id": "Opsi '{name}' memerlukan {count} nilai.",
    },
    "usage.takes_no_value": {
        "en": "Option '{name}' does not take a value.",
        "id": "Opsi '{name}' tidak menerima nilai.",
    },
    "usage.extra_argument": {
        "en": "Got unexpected extra argument ({args})",
        "id": "Ada argumen lebih yang tidak diharapkan ({args})",
    },
    "usage.extra_arguments": {
        "en": "Got unexpected extra arguments ({args})",
        "id": "Ada argumen lebih yang tidak diharapkan ({args})",
    },
    "usage.not_integer": {"en": "'{value}' is not a valid integer.", "id": "'{value}' bukan bilangan bulat."},
    "usage.not_number": {"en": "'{value}' is not a valid float.", "id": "'{value}' bukan bilangan."},
    "usage.out_of_range": {"en": "{value} is not in the range {range}.", "id": "{value} di luar rentang {range}."},
    "usage.not_date": {
        "en": "'{value}' does not match the format {formats}.",
        "id": "'{value}' tidak sesuai format {formats}.",
    },
    # {kind} is one of usage.path.*: click's own words, which start the sentence in English
    "usage.path.file": {"en": "File", "id": "berkas"},
    "usage.path.directory": {"en": "Directory", "id": "direktori"},
    "usage.path.path": {"en": "Path", "id": "path"},
    "usage.path_missing": {"en": "{kind} '{path}' does not exist.", "id": "{kind} '{path}' tidak ada."},
    "usage.path_is_file": {"en": "{kind} '{path}' is a file.", "id": "{kind} '{path}' ternyata sebuah berkas."},
    "usage.path_is_directory": {
        "en": "{kind} '{path}' is a directory.",
        "id": "{kind} '{path}' ternyata sebuah direktori.",
    },
    # --- files ksad writes (ksad/fsutil.py) ------------------------------
    "home.unwritable": {
        "en": "{file}: cannot write ({problem}). ksad keeps its identity pack, targets, secrets and state in KSAD_HOME ({home}).",
        "id": "{file}: tidak dapat ditulis ({problem}). ksad menyimpan paket identitas, target, rahasia dan statusnya di KSAD_HOME ({home}).",
    },
    "home.unwritable.hint": {
        "en": "Make {home} writable for this user (its owner, its mode, a read-only or full file system), or set KSAD_HOME to a directory you can write.",
        "id": "Jadikan {home} dapat ditulis oleh pengguna ini (pemilik, mode, sistem berkas hanya-baca atau penuh), atau atur KSAD_HOME ke direktori yang dapat Anda tulisi.",
    },
    # --- input files ---------------------------------------------------
    "yaml.malformed": {
        "en": "{file}, line {line}: not valid YAML ({problem}).",
        "id": "{file}, baris {line}: YAML tidak sah ({problem}).",
    },
    "yaml.malformed.hint": {
        "en": "Fix the syntax at that line (indentation, a missing ':' or quote).",
        "id": "Perbaiki sintaks pada baris itu (indentasi, ':' atau tanda kutip yang hilang).",
    },
    "yaml.duplicate_key": {
        "en": "{file}, line {line}: key '{key}' appears twice.",
        "id": "{file}, baris {line}: kunci '{key}' muncul dua kali.",
    },
    "yaml.alias_bomb": {
        "en": "{file}, line {line}: its aliases (*name) repeat what they name into more than {limit} values.",
        "id": "{file}, baris {line}: alias-nya (*nama) mengulang yang dirujuknya menjadi lebih dari {limit} nilai.",
    },
    "yaml.alias_bomb.hint": {
        "en": "ksad refuses such a file (it would take all memory); write the repeated parts out, or repeat fewer.",
        "id": "ksad menolak berkas seperti ini (akan menghabiskan memori); tulis bagian yang berulang apa adanya, atau kurangi pengulangannya.",
    },
    "yaml.alias_loop": {
        "en": "{file}, line {line}: an alias (*name) refers to a value that contains it.",
        "id": "{file}, baris {line}: sebuah alias (*nama) merujuk ke nilai yang memuat alias itu sendiri.",
    },
    "yaml.problem_context": {
        "en": "{context} at line {line}: {problem}",
        "id": "{context} pada baris {line}: {problem}",
    },
    "yaml.not_mapping": {
        "en": "{file}: expected a mapping (key: value) at the top level.",
        "id": "{file}: tingkat teratas harus berupa pemetaan (kunci: nilai).",
    },
    "file.unreadable": {
        "en": "{file}: cannot read ({problem}).",
        "id": "{file}: tidak dapat dibaca ({problem}).",
    },
    "file.unreadable.hint": {
        "en": "Check that the path exists and is readable.",
        "id": "Periksa bahwa path ada dan dapat dibaca.",
    },
    "validation.failed": {
        "en": "{count} problem(s) found:\n{problems}",
        "id": "Ditemukan {count} masalah:\n{problems}",
    },
    "validation.failed.hint": {
        "en": "Fix each field listed above, then run the command again.",
        "id": "Perbaiki setiap isian di atas, lalu jalankan perintah lagi.",
    },
    "catalog.index_stale": {
        "en": "index.json, documents.json or entries/ does not match {count} file(s) ({files}): first runs parse those files instead. "
              "Run 'ksad catalog index' (ksad publish does it too), then sign the snapshot again.",
        "id": "index.json, documents.json atau entries/ tidak cocok dengan {count} berkas ({files}): perintah pertama membaca ulang berkas itu. "
              "Jalankan 'ksad catalog index' (ksad publish juga melakukannya), lalu tandatangani snapshot lagi.",
    },
    "catalog.changed_meanwhile": {
        "en": "{file} changed while the index was being written: run 'ksad catalog index' again.",
        "id": "{file} berubah saat indeks sedang ditulis: jalankan 'ksad catalog index' lagi.",
    },
    "catalog.index_written": {
        "en": "Wrote {file}: {count} app(s).",
        "id": "{file} ditulis: {count} aplikasi.",
    },
    "catalog.index_would_write": {
        "en": "Would write {file}: {count} app(s) (dry run, nothing written).",
        "id": "Akan menulis {file}: {count} aplikasi (uji coba, tidak ada yang ditulis).",
    },
    "catalog.index_unchanged": {
        "en": "{file} is up to date: {count} app(s).",
        "id": "{file} sudah mutakhir: {count} aplikasi.",
    },
    "catalog.index_resign": {
        "en": "This catalog has a signed snapshot: sign it again (ksad catalog index --snapshot-key KEY), "
              "or installs will refuse the changed index.json and documents.json.",
        "id": "Katalog ini memiliki snapshot bertanda tangan: tandatangani lagi (ksad catalog index --snapshot-key KUNCI), "
              "atau pemasangan akan menolak index.json dan documents.json yang berubah.",
    },
    "catalog.snapshot_stale": {
        "en": "The signed snapshot does not list these files as they are now: {files}. Sign it again "
              "(ksad catalog index --snapshot-key KEY), or installs will refuse this catalog.",
        "id": "Snapshot bertanda tangan tidak mencantumkan berkas ini sebagaimana adanya sekarang: {files}. "
              "Tandatangani lagi (ksad catalog index --snapshot-key KUNCI), atau pemasangan akan menolak katalog ini.",
    },
    "catalog.snapshot_signed": {
        "en": "Signed {file}: version {version}.",
        "id": "{file} ditandatangani: versi {version}.",
    },
    "validation.ok": {
        "en": "{path}: {count} file(s) checked, no problems.",
        "id": "{path}: {count} berkas diperiksa, tidak ada masalah.",
    },
    # --- versions --------------------------------------------------------
    "version.invalid": {
        "en": "'{value}' is not a valid version{where}.",
        "id": "'{value}' bukan versi yang sah{where}.",
    },
    "version.invalid.hint": {
        "en": "Use a version such as 1.2.0 (PEP 440).",
        "id": "Gunakan versi seperti 1.2.0 (PEP 440).",
    },
    "version.spec_invalid": {
        "en": "'{value}' is not a valid version range.",
        "id": "'{value}' bukan rentang versi yang sah.",
    },
    "version.spec_invalid.hint": {
        "en": "Use a range such as '>=1,<2' or '==1.1.0'.",
        "id": "Gunakan rentang seperti '>=1,<2' atau '==1.1.0'.",
    },
    "version.none_match": {
        "en": "No release of '{app}' satisfies '{spec}'. Available: {available}.",
        "id": "Tidak ada rilis '{app}' yang memenuhi '{spec}'. Tersedia: {available}.",
    },
    "version.none_match.hint": {
        "en": "Pick one of the available versions, or leave --version out for the newest.",
        "id": "Pilih salah satu versi yang tersedia, atau hilangkan --version untuk yang terbaru.",
    },
    # --- catalog -------------------------------------------------------------
    "app.unknown": {
        "en": "No app '{app}' in the catalog {catalog}.",
        "id": "Tidak ada aplikasi '{app}' di katalog {catalog}.",
    },
    "app.unknown.hint": {
        "en": "See the available apps with: ksad catalog list{suggest}",
        "id": "Lihat aplikasi yang tersedia dengan: ksad catalog list{suggest}",
    },
    "schema.required": {"en": "required field '{field}' is missing", "id": "isian wajib '{field}' tidak ada"},
    "schema.unknown_keys": {
        "en": "unknown key(s): {keys} (ksad refuses keys it does not know, to catch typos)",
        "id": "kunci tidak dikenal: {keys} (ksad menolak kunci yang tidak dikenalnya agar salah ketik ketahuan)",
    },
    "schema.enum": {"en": "'{value}' is not one of: {allowed}", "id": "'{value}' bukan salah satu dari: {allowed}"},
    "schema.pattern": {"en": "'{value}' is not in the expected form", "id": "'{value}' tidak sesuai bentuk yang diharapkan"},
    "schema.type": {"en": "must be of type {expected}", "id": "harus bertipe {expected}"},
    "schema.other": {"en": "{detail}", "id": "{detail}"},
    "yaml.not_mapping_short": {"en": "expected a mapping (key: value)", "id": "harus berupa pemetaan (kunci: nilai)"},
    "catalog.id_mismatch": {
        "en": "id '{id}' does not match the file name '{stem}.yaml'",
        "id": "id '{id}' tidak sama dengan nama berkas '{stem}.yaml'",
    },
    "catalog.duplicate_version": {"en": "version {version} is listed twice", "id": "versi {version} tercantum dua kali"},
    "catalog.pin_mismatch": {
        "en": "{what} of {app} {version} does not match its pin: expected sha256 {expected}, found {actual}",
        "id": "{what} dari {app} {version} tidak cocok dengan pin-nya: seharusnya sha256 {expected}, ternyata {actual}",
    },
    "catalog.pin_mismatch.hint": {
        "en": "The source changed after the release was published. Do not install it; ask the publisher, or re-publish.",
        "id": "Sumber berubah setelah rilis diterbitkan. Jangan dipasang; hubungi penerbit, atau terbitkan ulang.",
    },
    "catalog.image_unpinned": {
        "en": "service {service}: image '{image}' is not pinned by digest (name@sha256:...)",
        "id": "layanan {service}: image '{image}' tidak dipatok dengan digest (nama@sha256:...)",
    },
    "catalog.build_unpinned": {
        "en": "service {service} is built from source but the release pins no hash for it",
        "id": "layanan {service} dibangun dari sumber tetapi rilis tidak mematok hash-nya",
    },
    "catalog.recipe_missing": {
        "en": "recipe directory {path} does not exist",
        "id": "direktori resep {path} tidak ada",
    },
    # --- catalog commands (tables) -------------------------------------------------
    "catalog.title": {"en": "Catalog {path}", "id": "Katalog {path}"},
    "catalog.releases": {"en": "Releases", "id": "Rilis"},
    "catalog.standin_tag": {"en": "stand-in", "id": "pengganti"},
    "col.app": {"en": "App", "id": "Aplikasi"},
    "col.name": {"en": "Name", "id": "Nama"},
    "col.publisher": {"en": "Publisher", "id": "Penerbit"},
    "col.latest": {"en": "Latest", "id": "Terbaru"},
    "col.category": {"en": "Category", "id": "Kategori"},
    "col.license": {"en": "Licence", "id": "Lisensi"},
    "col.source": {"en": "Source", "id": "Sumber"},
    "col.version": {"en": "Version", "id": "Versi"},
    "col.date": {"en": "Date", "id": "Tanggal"},
    "col.needs": {"en": "Needs", "id": "Kebutuhan"},
    "col.upgrades_from": {"en": "Upgrades from", "id": "Naik dari"},
    "col.changelog": {"en": "Changes", "id": "Perubahan"},
    # --- deploy (install, status, logs, uninstall) -----------------------------------
    "step.connect": {"en": "Connecting to target {target} ({url})", "id": "Menghubungkan ke target {target} ({url})"},
    "step.build": {"en": "Building image {image}", "id": "Membangun image {image}"},
    "step.pull": {"en": "Pulling image {image}", "id": "Mengunduh image {image}"},
    "step.stop_old": {"en": "Stopping the previous {container}", "id": "Menghentikan {container} sebelumnya"},
    "step.start": {"en": "Starting {container}", "id": "Menjalankan {container}"},
    "step.healthy": {"en": "{service} is healthy", "id": "{service} sehat"},
    "step.completed": {"en": "{service} has finished its work", "id": "{service} telah menyelesaikan tugasnya"},
    "step.rollback": {"en": "Undoing the changes made so far", "id": "Membatalkan perubahan yang sudah dibuat"},
    "step.port_retry": {"en": "Host port(s) {ports} were taken by another program meanwhile; planning again with other ports",
                        "id": "Port host {ports} sementara itu dipakai program lain; menyusun ulang rencana dengan port lain"},
    "plan.title": {"en": "Plan: {app} {version} as \"{name}\" on {target}",
                   "id": "Rencana: {app} {version} sebagai \"{name}\" di {target}"},
    "plan.dry_run": {"en": "Dry run: nothing was changed.", "id": "Uji coba: tidak ada yang diubah."},
    "col.action": {"en": "Action", "id": "Tindakan"},
    "col.object": {"en": "Object", "id": "Objek"},
    "col.detail": {"en": "Detail", "id": "Rincian"},
    "col.revision": {"en": "Rev", "id": "Rev"},
    "col.health": {"en": "Health", "id": "Kesehatan"},
    # the health of an app or a service, as `ksad status` shows it (--json keeps the engine's words)
    "state.healthy": {"en": "healthy", "id": "sehat"},
    "state.running": {"en": "running", "id": "berjalan"},
    "state.completed": {"en": "completed", "id": "selesai"},
    "state.starting": {"en": "starting", "id": "sedang mulai"},
    "state.unhealthy": {"en": "unhealthy", "id": "tidak sehat"},
    "state.stopped": {"en": "stopped", "id": "berhenti"},
    "state.restarting": {"en": "restarting", "id": "mulai ulang"},
    "state.paused": {"en": "paused", "id": "dijeda"},
    "col.url": {"en": "URL", "id": "URL"},
    "col.update": {"en": "Update", "id": "Pembaruan"},
    "action.build": {"en": "build image", "id": "bangun image"},
    "action.pull": {"en": "pull image", "id": "unduh image"},
    "action.create-network": {"en": "create network", "id": "buat jaringan"},
    "action.create-volume": {"en": "create volume", "id": "buat volume"},
    "action.create": {"en": "create container", "id": "buat kontainer"},
    "action.recreate": {"en": "replace container", "id": "ganti kontainer"},
    "action.keep": {"en": "keep (unchanged)", "id": "biarkan (tidak berubah)"},
    "action.remove": {"en": "remove container", "id": "hapus kontainer"},
    "action.remove-network": {"en": "remove network", "id": "hapus jaringan"},
    "action.remove-volume": {"en": "delete volume (data)", "id": "hapus volume (data)"},
    "action.remove-snapshot": {"en": "delete saved copy of the data", "id": "hapus salinan data yang disimpan"},
    "action.remove-record": {"en": "delete revision record", "id": "hapus catatan revisi"},
    "action.snapshot": {"en": "create snapshot volume (copy of the data)", "id": "buat volume snapshot (salinan data)"},
    "action.restore-data": {"en": "overwrite with the data of a snapshot", "id": "timpa dengan data dari snapshot"},
    "install.done": {"en": "{name} ({app} {version}, revision {revision}) is running and healthy ({seconds} s).",
                     "id": "{name} ({app} {version}, revisi {revision}) berjalan dan sehat ({seconds} detik)."},
    "install.unchanged": {"en": "{name} ({app} {version}, revision {revision}) is already up to date; nothing changed.",
                          "id": "{name} ({app} {version}, revisi {revision}) sudah mutakhir; tidak ada yang diubah."},
    "status.title": {"en": "Apps on target {target}", "id": "Aplikasi di target {target}"},
    "status.empty": {"en": "No ksad apps on this target.", "id": "Belum ada aplikasi ksad di target ini."},
    "status.updates_hint": {"en": "Upgrade with: ksad upgrade NAME (or ksad upgrade --all); --dry-run shows the plan first.",
                            "id": "Perbarui dengan: ksad upgrade NAMA (atau ksad upgrade --all); --dry-run menampilkan rencananya dulu."},
    "status.updates_unknown": {"en": "Updates could not be looked up: {problem}",
                               "id": "Pembaruan tidak dapat diperiksa: {problem}"},
    "uninstall.done": {"en": "{name} ({app}) removed from {target}.", "id": "{name} ({app}) dihapus dari {target}."},
    "uninstall.only_data": {"en": "{name} ({app}) is not installed on {target}; only its kept data is left: {volumes}.",
                            "id": "{name} ({app}) tidak terpasang di {target}; hanya data yang disimpan yang tersisa: {volumes}."},
    "uninstall.only_data.hint": {"en": "Delete it with: ksad uninstall \"{name}\" --purge (or install the app again to use it).",
                                 "id": "Hapus dengan: ksad uninstall \"{name}\" --purge (atau pasang lagi aplikasinya untuk memakainya)."},
    "uninstall.kept": {"en": "Data volumes kept: {volumes} (use --purge to delete them).",
                       "id": "Volume data disimpan: {volumes} (pakai --purge untuk menghapusnya)."},
    "name.required": {"en": "Choose a local-wisdom name for {app} with --name.",
                      "id": "Pilih nama kearifan lokal untuk {app} dengan --name."},
    "name.required.hint": {"en": "For example: ksad install {app} --name \"Sabalong\" --meaning \"...\"",
                           "id": "Contoh: ksad install {app} --name \"Sabalong\" --meaning \"...\""},
    "set.unknown": {"en": "Unknown setting(s): {keys}. This app takes: {known}.",
                    "id": "Pengaturan tidak dikenal: {keys}. Aplikasi ini menerima: {known}."},
    "set.malformed": {"en": "--set '{item}' is not KEY=VALUE.", "id": "--set '{item}' bukan KUNCI=NILAI."},
    "secret.malformed": {
        "en": "--secret {name}: give the value in a file, as NAME=@FILE, or on standard input, as NAME=@-.",
        "id": "--secret {name}: berikan nilainya dalam berkas, sebagai NAMA=@BERKAS, atau lewat masukan standar, "
              "sebagai NAMA=@-.",
    },
    "secret.malformed.hint": {
        "en": "A value written on the command line itself would stay in your shell's history and show in ps. "
              "Put it in a file readable by you only (or type it after --secret {name}=@-, unseen).",
        "id": "Nilai yang ditulis langsung di baris perintah akan tersimpan di riwayat shell dan terlihat di ps. "
              "Simpan dalam berkas yang hanya dapat Anda baca (atau ketik setelah --secret {name}=@-, tanpa tampil).",
    },
    "secret.stdin_twice": {
        "en": "--secret {name}=@-: only one secret can be read from standard input; give this one in a file.",
        "id": "--secret {name}=@-: hanya satu rahasia yang dapat dibaca dari masukan standar; berikan yang ini "
              "dalam berkas.",
    },
    "secret.stdin": {"en": "standard input", "id": "masukan standar"},
    "secret.prompt": {"en": "Value of the secret {name} (not shown)", "id": "Nilai rahasia {name} (tidak ditampilkan)"},
    "secret.unreadable": {
        "en": "Cannot read {file}, given for the secret {name}: {problem}.",
        "id": "Tidak dapat membaca {file}, yang diberikan untuk rahasia {name}: {problem}.",
    },
    "secret.unreadable.hint": {
        "en": "Check the path and that you may read the file. Nothing was changed.",
        "id": "Periksa jalurnya dan apakah Anda berhak membaca berkas itu. Tidak ada yang diubah.",
    },
    "secret.empty": {
        "en": "The secret {name} given in {file} is empty.",
        "id": "Rahasia {name} yang diberikan di {file} kosong.",
    },
    "secret.empty.hint": {
        "en": "Write the value into the file (one trailing newline is dropped). Nothing was changed.",
        "id": "Tulis nilainya ke dalam berkas (satu baris baru di akhir diabaikan). Tidak ada yang diubah.",
    },
    "secret.not_text": {
        "en": "The secret {name} given in {file} is not text (UTF-8 without NUL bytes): an app reads it from "
              "an environment variable.",
        "id": "Rahasia {name} yang diberikan di {file} bukan teks (UTF-8 tanpa bita NUL): aplikasi membacanya "
              "dari variabel lingkungan.",
    },
    "secret.too_large": {
        "en": "The secret {name} given in {file} is larger than {limit} KiB: is it the right file?",
        "id": "Rahasia {name} yang diberikan di {file} lebih besar dari {limit} KiB: benarkah berkasnya?",
    },
    "secret.unknown": {
        "en": "Unknown secret(s): {names}. The secrets {app} {version} takes from you: {known}.",
        "id": "Rahasia tidak dikenal: {names}. Rahasia yang diterima {app} {version} dari Anda: {known}.",
    },
    "secret.generated": {
        "en": "The secret(s) {names} of {app} {version} are generated by ksad: --secret cannot replace them. "
              "The secrets it takes from you: {known}.",
        "id": "Rahasia {names} dari {app} {version} dibuat oleh ksad: --secret tidak dapat menggantinya. "
              "Rahasia yang diterimanya dari Anda: {known}.",
    },
    "secret.generated.hint": {
        "en": "The app's data was written with it (a database set up with that password): another value would "
              "lock the app out of its own data. Nothing was changed.",
        "id": "Data aplikasi ditulis dengannya (basis data yang disiapkan dengan kata sandi itu): nilai lain akan "
              "mengunci aplikasi dari datanya sendiri. Tidak ada yang diubah.",
    },
    "secret.missing": {
        "en": "{app} {version} needs the secret(s) {names}, which only you can supply: ksad does not generate them.",
        "id": "{app} {version} memerlukan rahasia {names}, yang hanya dapat Anda berikan: ksad tidak membuatnya.",
    },
    "secret.missing.hint": {
        "en": "Put each value in a file readable by you only and add {example} (or @- to type it unseen or pipe "
              "it in). Nothing was changed.",
        "id": "Simpan setiap nilai dalam berkas yang hanya dapat Anda baca lalu tambahkan {example} (atau @- untuk "
              "mengetiknya tanpa tampil atau mengalirkannya). Tidak ada yang diubah.",
    },
    "secret.with_all": {
        "en": "--secret cannot be used with --all: a secret belongs to one app.",
        "id": "--secret tidak dapat dipakai bersama --all: sebuah rahasia milik satu aplikasi.",
    },
    "secret.with_all.hint": {
        "en": "Upgrade that app on its own: ksad upgrade APP --secret NAME=@FILE.",
        "id": "Tingkatkan aplikasi itu sendiri: ksad upgrade APP --secret NAMA=@BERKAS.",
    },
    "template.bad": {"en": "{file}: template cannot be rendered ({detail}).",
                     "id": "{file}: templat tidak dapat dirender ({detail})."},
    "build.link_escapes": {"en": "{path}: a symbolic link in a build context points outside it.",
                           "id": "{path}: tautan simbolik dalam konteks build menunjuk ke luar."},
    "port.taken": {"en": "Host port(s) {ports} were taken by another program while installing; the change was undone.",
                   "id": "Port host {ports} dipakai program lain saat pemasangan; perubahan dibatalkan."},
    "port.taken.hint": {"en": "Run the command again: ksad will choose free ports.",
                        "id": "Jalankan lagi perintahnya: ksad akan memilih port yang bebas."},
    "port.none_free": {"en": "No free host port between {first} and {last}.",
                       "id": "Tidak ada port host bebas antara {first} dan {last}."},
    "health.exited": {"en": "Service {service} stopped (exit code {code}). Last log lines: {logs}",
                      "id": "Layanan {service} berhenti (kode keluar {code}). Baris log terakhir: {logs}"},
    "health.exited.hint": {"en": "Nothing was left half-done: the previous state was restored. See the log lines above.",
                           "id": "Tidak ada yang tertinggal setengah jalan: keadaan sebelumnya dipulihkan. Lihat baris log di atas."},
    "job.failed": {"en": "Service {service} must finish before the services that wait for it start, but it ended "
                         "with exit code {code}. Last log lines: {logs}",
                   "id": "Layanan {service} harus selesai sebelum layanan yang menunggunya dimulai, tetapi berakhir "
                         "dengan kode keluar {code}. Baris log terakhir: {logs}"},
    "job.failed.hint": {"en": "Nothing was left half-done: the previous state, with its data, was restored. "
                              "See the log lines above.",
                        "id": "Tidak ada yang tertinggal setengah jalan: keadaan sebelumnya, beserta datanya, "
                              "dipulihkan. Lihat baris log di atas."},
    "job.timeout": {"en": "Service {service} had not finished after {seconds} s; the services that wait for it "
                          "were not started.",
                    "id": "Layanan {service} belum selesai setelah {seconds} detik; layanan yang menunggunya tidak "
                          "dimulai."},
    "job.timeout.hint": {"en": "The previous state was restored. A long task may need --timeout with more seconds.",
                         "id": "Keadaan sebelumnya dipulihkan. Tugas yang panjang mungkin memerlukan --timeout "
                               "dengan detik yang lebih banyak."},
    "health.unhealthy": {"en": "Service {service} reported unhealthy. Last log lines: {logs}",
                         "id": "Layanan {service} melaporkan tidak sehat. Baris log terakhir: {logs}"},
    "health.unhealthy.hint": {"en": "The previous state was restored. Check the app's logs and the host's resources.",
                              "id": "Keadaan sebelumnya dipulihkan. Periksa log aplikasi dan sumber daya server."},
    "health.timeout": {"en": "Not healthy after {seconds} s: {services}.",
                       "id": "Belum sehat setelah {seconds} detik: {services}."},
    "health.timeout.hint": {"en": "The previous state was restored. A slow server may need --timeout with more seconds.",
                            "id": "Keadaan sebelumnya dipulihkan. Server yang lambat mungkin perlu --timeout yang lebih lama."},
    "instance.unknown": {"en": "No installed app '{app}' on target {target}.",
                         "id": "Tidak ada aplikasi terpasang '{app}' di target {target}."},
    "instance.unknown.hint": {"en": "See what is installed with: ksad status",
                              "id": "Lihat yang terpasang dengan: ksad status"},
    "instance.ambiguous": {"en": "{app} is installed more than once here: {names}. Say which, by its local name.",
                           "id": "{app} terpasang lebih dari sekali di sini: {names}. Sebutkan yang mana, dengan nama lokalnya."},
    "instance.name_or_app": {"en": "'{value}' could mean any of {choices}. Say which by its exact local name.",
                             "id": "'{value}' bisa berarti salah satu dari {choices}. Sebutkan yang mana dengan nama lokalnya yang persis."},
    "instance.no_service": {"en": "{app} has no service '{service}'.", "id": "{app} tidak punya layanan '{service}'."},
    "lock.held": {"en": "Another ksad (pid {pid}) is working on {app} on {target}.",
                  "id": "ksad lain (pid {pid}) sedang mengerjakan {app} di {target}."},
    "lock.held.hint": {"en": "Wait for it to finish, then run the command again.",
                       "id": "Tunggu sampai selesai, lalu jalankan perintah lagi."},
    # --- engine (Docker) ----------------------------------------------------------------
    "engine.unreachable": {"en": "Cannot reach the Docker engine of target {target} ({url}): {detail}",
                           "id": "Tidak dapat menjangkau Docker engine target {target} ({url}): {detail}"},
    "engine.unreachable.hint": {
        "en": "Check that the host is up, that Docker runs there (systemctl status docker), and for ssh:// that 'ssh' to it works with your key and the host key is in ~/.ssh/known_hosts.",
        "id": "Periksa bahwa server menyala, Docker berjalan di sana (systemctl status docker), dan untuk ssh:// bahwa 'ssh' ke sana berhasil dengan kunci Anda dan kunci host ada di ~/.ssh/known_hosts."},
    "engine.lost_then_restored": {
        "en": "The connection to target {target} ({url}) broke during the {op} of {app}: {detail}. ksad reached it again and put back the previous state.",
        "id": "Koneksi ke target {target} ({url}) terputus saat {op} {app}: {detail}. ksad menjangkaunya lagi dan mengembalikan keadaan sebelumnya."},
    "engine.lost_then_restored.hint": {
        "en": "Check the network to the server (and that Docker runs there), then run the same command again.",
        "id": "Periksa jaringan ke server (dan bahwa Docker berjalan di sana), lalu jalankan lagi perintah yang sama."},
    "engine.lost_in_undo": {
        "en": "The connection to target {target} ({url}) broke during the {op} of {app}, and the undo could not finish: {detail}",
        "id": "Koneksi ke target {target} ({url}) terputus saat {op} {app}, dan pembatalannya tidak dapat diselesaikan: {detail}"},
    "engine.lost_in_undo.hint": {
        "en": "The target keeps a record of the unfinished {op}. Once the server answers again, run the same command again: ksad first finishes undoing it, on the data as it was before.",
        "id": "Target menyimpan catatan {op} yang belum selesai. Setelah server menjawab lagi, jalankan lagi perintah yang sama: ksad lebih dulu menyelesaikan pembatalannya, dengan data seperti sebelumnya."},
    "engine.image_missing": {"en": "Target {target}: image not found ({detail}).",
                             "id": "Target {target}: image tidak ditemukan ({detail})."},
    "engine.not_found": {"en": "Target {target}: not found ({detail}).", "id": "Target {target}: tidak ditemukan ({detail})."},
    "engine.build_failed": {"en": "Target {target}: building the image failed: {detail}",
                            "id": "Target {target}: gagal membangun image: {detail}"},
    "engine.api_error": {"en": "Target {target}: Docker refused to {action}: {detail}",
                         "id": "Target {target}: Docker menolak {action}: {detail}"},
    "engine.pull_failed": {"en": "Target {target}: pulling {ref} failed: {detail}",
                           "id": "Target {target}: gagal mengunduh {ref}: {detail}"},
    "engine.pull_failed.hint": {"en": "Check that the registry is reachable from the target and holds exactly this digest.",
                                "id": "Periksa bahwa registry terjangkau dari target dan menyimpan digest ini persis."},
    "engine.digest_mismatch": {"en": "Image {ref} does not match its pinned digest (the engine has: {found}).",
                               "id": "Image {ref} tidak cocok dengan digest yang dipatok (engine punya: {found})."},
    "engine.digest_unavailable": {"en": "The registry has no image with the pinned digest {ref} ({detail}).",
                                  "id": "Registry tidak punya image dengan digest yang dipatok {ref} ({detail})."},
    "engine.digest_unavailable.hint": {
        "en": "The image was removed or replaced after the release was signed. Nothing was changed; ask the publisher.",
        "id": "Image dihapus atau diganti setelah rilis ditandatangani. Tidak ada yang diubah; hubungi penerbit."},
    "engine.digest_mismatch.hint": {"en": "Do not run it. The registry served different content than the publisher signed.",
                                    "id": "Jangan dijalankan. Registry menyajikan isi yang berbeda dari yang ditandatangani penerbit."},
    # --- lifecycle (upgrade, rollback, history, recovery) ------------------------------
    "install.other_version": {"en": "{app} runs {current} here (as \"{name}\"); install will not move it to {wanted}.",
                              "id": "{app} menjalankan {current} di sini (sebagai \"{name}\"); install tidak akan memindahkannya ke {wanted}."},
    "install.other_version.hint": {"en": "Use 'ksad upgrade {app} --version {wanted}' for a newer release, 'ksad rollback {app}' to go back.",
                                   "id": "Pakai 'ksad upgrade {app} --version {wanted}' untuk rilis lebih baru, 'ksad rollback {app}' untuk kembali."},
    "install.restore_unfinished": {"en": "The data volumes of {name} on target {target} ({volumes}) are those of an interrupted restore: they may be only partly filled. Nothing was changed.",
                                   "id": "Volume data {name} di target {target} ({volumes}) berasal dari pemulihan (restore) yang terputus: isinya mungkin belum lengkap. Tidak ada yang diubah."},
    "install.restore_unfinished.hint": {"en": "Run the same 'ksad restore ARCHIVE' again to finish it, or delete them: ksad uninstall {slug} --purge --target {target}",
                                        "id": "Jalankan lagi 'ksad restore ARSIP' yang sama untuk menyelesaikannya, atau hapus volume itu: ksad uninstall {slug} --purge --target {target}"},
    "all.skipped": {"en": "Skipping {name} ({app}): not in this catalog.",
                    "id": "Melewati {name} ({app}): tidak ada di katalog ini."},
    "upgrade.which": {"en": "Name one app to upgrade, or use --all.", "id": "Sebutkan satu aplikasi untuk di-upgrade, atau pakai --all."},
    "upgrade.downgrade": {"en": "{app} runs {current}; {wanted} is older. Use 'ksad rollback' to go back.",
                          "id": "{app} menjalankan {current}; {wanted} lebih lama. Pakai 'ksad rollback' untuk kembali."},
    "upgrade.no_path": {"en": "No upgrade path from {app} {current} to {wanted}: no release accepts an upgrade from {current}.",
                        "id": "Tidak ada jalur upgrade {app} dari {current} ke {wanted}: tidak ada rilis yang menerima upgrade dari {current}."},
    "upgrade.via": {"en": "{app} {wanted} cannot be reached from {current} in one step; follow the path {current} -> {path}.",
                    "id": "{app} {wanted} tidak dapat dicapai dari {current} dalam satu langkah; ikuti jalur {current} -> {path}."},
    "upgrade.via.hint": {"en": "Upgrade one step at a time: ksad upgrade {app} --version {first}",
                         "id": "Upgrade satu langkah demi satu langkah: ksad upgrade {app} --version {first}"},
    "rollback.nothing": {"en": "{app} has no earlier successful revision than {revision} to go back to.",
                         "id": "{app} tidak punya revisi berhasil sebelum {revision} untuk dikembalikan."},
    "rollback.unknown": {"en": "{app} has no successful revision {revision} to go back to. It runs revision {current}; the others it can go back to: {known}.",
                         "id": "{app} tidak punya revisi berhasil {revision} untuk dikembalikan. Yang berjalan revisi {current}; revisi lain yang dapat dikembalikan: {known}."},
    "rollback.none": {"en": "none", "id": "tidak ada"},
    "rollback.unknown.hint": {"en": "See them with: ksad history {app}", "id": "Lihat dengan: ksad history {app}"},
    "rollback.current": {"en": "{app} already runs revision {revision}.", "id": "{app} sudah menjalankan revisi {revision}."},
    "step.snapshot": {"en": "Saving a copy of {volume} (revision {revision})",
                      "id": "Menyimpan salinan {volume} (revisi {revision})"},
    "step.restore_data": {"en": "Restoring {volume} to its state at revision {revision}",
                          "id": "Memulihkan {volume} ke keadaannya pada revisi {revision}"},
    "step.image_volume": {
        "en": "service {service}: its image keeps data at {path}, which the recipe does not mount; ksad keeps it in volume {volume} across upgrades, but it is not snapshotted or backed up. Ask the publisher to declare it in x-ksad.data_volumes",
        "id": "layanan {service}: image-nya menyimpan data di {path}, yang tidak di-mount oleh resep; ksad menyimpannya di volume {volume} antarversi, tetapi tidak dibuat salinan (snapshot) maupun dicadangkan. Minta penerbit mendeklarasikannya di x-ksad.data_volumes",
    },
    "step.image_volume_copy": {"en": "Copying the data {container} kept at {path} into volume {volume}",
                               "id": "Menyalin data yang disimpan {container} di {path} ke volume {volume}"},
    "volume.image_taken": {
        "en": "The volume {volume}, where ksad would keep the data the image of service {service} keeps at {path}, already exists on this target for something else ({owner}).",
        "id": "Volume {volume}, tempat ksad akan menyimpan data yang disimpan image layanan {service} di {path}, sudah ada di target ini untuk keperluan lain ({owner}).",
    },
    "volume.image_taken.hint": {
        "en": "Install this app under another name (--name), or ask the publisher to mount {path} in the recipe.",
        "id": "Pasang aplikasi ini dengan nama lain (--name), atau minta penerbit me-mount {path} di resep.",
    },
    "step.recover_finish": {"en": "An interrupted {op} was found; finishing it (revision {revision})",
                            "id": "Ditemukan {op} yang terputus; menyelesaikannya (revisi {revision})"},
    "step.recover_undo": {"en": "An interrupted {op} was found; undoing it (back to revision {revision})",
                          "id": "Ditemukan {op} yang terputus; membatalkannya (kembali ke revisi {revision})"},
    "operation.install": {"en": "install", "id": "pemasangan"},
    "operation.upgrade": {"en": "upgrade", "id": "kenaikan versi"},
    "operation.rollback": {"en": "rollback", "id": "pengembalian versi"},
    "operation.restore": {"en": "restore", "id": "pemulihan"},
    "result.ok": {"en": "ok", "id": "berhasil"},
    "result.failed": {"en": "failed", "id": "gagal"},
    "result.interrupted": {"en": "interrupted", "id": "terputus"},
    "op.in_progress": {"en": "{app}: the {op} by {by} (pid {pid}, started {started}) is in progress.",
                       "id": "{app}: {op} oleh {by} (pid {pid}, mulai {started}) sedang berjalan."},
    "op.in_progress.hint": {"en": "Wait for it to finish, then run the command again.",
                            "id": "Tunggu sampai selesai, lalu jalankan perintah lagi."},
    "op.elsewhere": {"en": "{app}: the {op} started by {by} on {host} at {started} did not finish.",
                     "id": "{app}: {op} yang dimulai oleh {by} di {host} pada {started} belum selesai."},
    "op.elsewhere.hint": {"en": "If that ksad is no longer running, run the command again with KSAD_TAKE_OVER=1 to undo or finish it from here.",
                          "id": "Jika ksad itu sudah tidak berjalan, jalankan lagi perintah dengan KSAD_TAKE_OVER=1 untuk membatalkan atau menyelesaikannya dari sini."},
    "snapshot.failed": {"en": "Copying volume {src} to {dst} failed: {detail}",
                        "id": "Gagal menyalin volume {src} ke {dst}: {detail}"},
    "action.recover": {"en": "finish or undo an interrupted operation", "id": "selesaikan atau batalkan operasi yang terputus"},
    "upgrade.done": {"en": "{name} ({app}) upgraded to {version}, revision {revision} ({seconds} s).",
                     "id": "{name} ({app}) dinaikkan ke {version}, revisi {revision} ({seconds} detik)."},
    "rollback.done": {"en": "{name} ({app}) is back at {version} with its data, as revision {revision} ({seconds} s).",
                      "id": "{name} ({app}) kembali ke {version} beserta datanya, sebagai revisi {revision} ({seconds} detik)."},
    "history.title": {"en": "History of {name} ({app})", "id": "Riwayat {name} ({app})"},
    "col.when": {"en": "When", "id": "Waktu"},
    "col.by": {"en": "By", "id": "Oleh"},
    "col.op": {"en": "Operation", "id": "Operasi"},
    "col.result": {"en": "Result", "id": "Hasil"},
    "col.data": {"en": "Data kept", "id": "Data disimpan"},
    "upgrade.failed_note": {"en": "The upgrade failed and was undone: {name} runs {version} again, with its data as before.",
                            "id": "Upgrade gagal dan dibatalkan: {name} kembali menjalankan {version}, dengan data seperti sebelumnya."},
    "undo.start_failed": {"en": "{app}: the previous revision is back with its data, but {container} could not be started again: {detail}",
                          "id": "{app}: revisi sebelumnya sudah kembali beserta datanya, tetapi {container} tidak dapat dijalankan lagi: {detail}"},
    "undo.start_failed.hint": {"en": "Free what blocks it (for example a port another program took), then run any ksad command on this app again: it finishes restoring it.",
                               "id": "Bebaskan yang menghalanginya (misalnya port yang dipakai program lain), lalu jalankan lagi perintah ksad apa pun untuk aplikasi ini: ksad akan menyelesaikan pemulihannya."},
    "catalog.missing": {
        "en": "No catalog at {path}.",
        "id": "Tidak ada katalog di {path}.",
    },
    "catalog.sources_invalid": {
        "en": "{file}: sources must be a directory path, as text, relative to the catalog (found {got}).",
        "id": "{file}: sources harus berupa path direktori, sebagai teks, relatif terhadap katalog (ditemukan {got}).",
    },
    "catalog.sources_invalid.hint": {
        "en": "Write it as, for example, sources: \"..\" (where the recipes/ directory is), then run ksad catalog validate.",
        "id": "Tulis, misalnya, sources: \"..\" (tempat direktori recipes/ berada), lalu jalankan ksad catalog validate.",
    },
    "catalog.missing.hint": {
        "en": "Point --catalog or KSAD_CATALOG at a catalog directory (it holds apps/).",
        "id": "Arahkan --catalog atau KSAD_CATALOG ke direktori katalog (berisi apps/).",
    },
    # --- remote catalogs (ksad/remote.py, `ksad catalog add/update/remotes/use/remove`) ---
    "remote.registry_invalid": {"en": "{file}: cannot read the list of remote catalogs ({problem}).",
                                "id": "{file}: daftar katalog jarak jauh tidak dapat dibaca ({problem})."},
    "remote.registry_invalid.hint": {"en": "ksad writes this file itself. Restore it from a backup, or delete it and add the catalogs again (ksad catalog add).",
                                     "id": "ksad menulis berkas ini sendiri. Pulihkan dari cadangan, atau hapus lalu tambahkan katalognya lagi (ksad catalog add)."},
    "remote.name_invalid": {"en": "'{name}' is not a valid catalog name.",
                            "id": "'{name}' bukan nama katalog yang sah."},
    "remote.name_invalid.hint": {"en": "Use 1-30 lowercase letters, digits and '-', starting and ending with a letter or digit (for example: bandung).",
                                 "id": "Gunakan 1-30 huruf kecil, angka dan '-', diawali dan diakhiri huruf atau angka (misalnya: bandung)."},
    "remote.name_reserved": {"en": "'{name}' is reserved: it means the catalog shipped with ksad.",
                             "id": "'{name}' dicadangkan: nama itu berarti katalog bawaan ksad."},
    "remote.name_reserved.hint": {"en": "Choose another name.", "id": "Pilih nama lain."},
    "remote.url_invalid": {"en": "'{url}' is not a git URL ksad fetches from.",
                           "id": "'{url}' bukan URL git yang dapat diambil ksad."},
    "remote.url_invalid.hint": {"en": "Give https://host/path, ssh://user@host/path, user@host:path, file:///path or a local path of a git repository.",
                                "id": "Berikan https://host/path, ssh://user@host/path, user@host:path, file:///path atau path lokal repositori git."},
    "remote.ref_invalid": {"en": "'{ref}' is not a branch or tag name.",
                           "id": "'{ref}' bukan nama branch atau tag."},
    "remote.ref_invalid.hint": {"en": "Give a branch (main) or a tag (v2026.1) of the catalog's repository.",
                                "id": "Berikan branch (main) atau tag (v2026.1) dari repositori katalog."},
    "remote.path_invalid": {"en": "'{path}' is not a directory inside the repository.",
                            "id": "'{path}' bukan direktori di dalam repositori."},
    "remote.path_invalid.hint": {"en": "Give the catalog's directory relative to the repository's root, for example: catalog",
                                 "id": "Berikan direktori katalog relatif terhadap akar repositori, misalnya: catalog"},
    "remote.unknown": {"en": "There is no remote catalog named '{name}'.",
                       "id": "Tidak ada katalog jarak jauh bernama '{name}'."},
    "remote.unknown.hint": {"en": "See the names with: ksad catalog remotes",
                            "id": "Lihat nama-namanya dengan: ksad catalog remotes"},
    "remote.exists": {"en": "A remote catalog named '{name}' already exists.",
                      "id": "Katalog jarak jauh bernama '{name}' sudah ada."},
    "remote.exists.hint": {"en": "Bring it up to date with: ksad catalog update {name} (or remove it first: ksad catalog remove {name}).",
                           "id": "Perbarui dengan: ksad catalog update {name} (atau hapus dulu: ksad catalog remove {name})."},
    "remote.lock_held": {"en": "Another ksad (pid {pid}) is changing catalog '{app}'.",
                         "id": "ksad lain (pid {pid}) sedang mengubah katalog '{app}'."},
    "remote.lock_held.hint": {"en": "Wait for it to finish, then run the command again.",
                              "id": "Tunggu sampai selesai, lalu jalankan perintah lagi."},
    "remote.checking": {"en": "Checking the catalog: signatures and every file's hash",
                        "id": "Memeriksa katalog: tanda tangan dan hash setiap berkas"},
    "remote.progress": {"en": "Fetching the catalog: {stage} {done}{total}", "id": "Mengambil katalog: {stage} {done}{total}"},
    "remote.stage.counting": {"en": "counting objects", "id": "menghitung objek"},
    "remote.stage.compressing": {"en": "compressing objects", "id": "memampatkan objek"},
    "remote.stage.receiving": {"en": "receiving objects", "id": "menerima objek"},
    "remote.stage.resolving": {"en": "resolving deltas", "id": "menyusun delta"},
    "remote.stage.finding": {"en": "finding sources", "id": "mencari sumber"},
    "remote.stage.checking_out": {"en": "checking out files", "id": "menyiapkan berkas"},
    "remote.stage.writing": {"en": "writing objects", "id": "menulis objek"},
    "remote.unreachable": {"en": "Cannot fetch the catalog from {url}: {detail}",
                           "id": "Katalog tidak dapat diambil dari {url}: {detail}"},
    "remote.unreachable.hint": {"en": "Check the URL, the network, and that it is a git repository you may read (credentials come from git's credential helper or your ssh key; ksad never asks for a password). Nothing was changed.",
                                "id": "Periksa URL, jaringan, dan bahwa itu repositori git yang boleh Anda baca (kredensial diambil dari credential helper git atau kunci ssh Anda; ksad tidak pernah meminta kata sandi). Tidak ada yang diubah."},
    "remote.ref_not_found": {"en": "{url} has no branch or tag '{ref}'.",
                             "id": "{url} tidak memiliki branch atau tag '{ref}'."},
    "remote.ref_not_found.hint": {"en": "Check the name with the catalog's maintainers (git ls-remote {url} lists them). Nothing was changed.",
                                  "id": "Periksa namanya dengan pengelola katalog (git ls-remote {url} menampilkannya). Tidak ada yang diubah."},
    "remote.empty": {"en": "The repository at {url} has no commit to check out.",
                     "id": "Repositori di {url} tidak memiliki commit untuk diambil."},
    "remote.empty.hint": {"en": "Ask its maintainers which branch holds the catalog, and pass it with --ref.",
                          "id": "Tanyakan kepada pengelolanya branch mana yang berisi katalog, lalu berikan dengan --ref."},
    "remote.no_catalog": {"en": "The repository at {url} holds no ksad catalog in {path} (a directory with apps/).",
                          "id": "Repositori di {url} tidak berisi katalog ksad di {path} (direktori dengan apps/)."},
    "remote.no_catalog.hint": {"en": "If the catalog is in another directory of the repository, name it with --path. Nothing was changed.",
                               "id": "Jika katalog ada di direktori lain dalam repositori, sebutkan dengan --path. Tidak ada yang diubah."},
    "remote.sources_outside": {"en": "{sources}: sources points outside the catalog's repository.",
                               "id": "{sources}: sources menunjuk ke luar repositori katalog."},
    "remote.refused": {"en": "Catalog '{name}' at commit {commit} failed the trust check and is not used: {reason}",
                       "id": "Katalog '{name}' pada commit {commit} gagal pemeriksaan kepercayaan dan tidak dipakai: {reason}"},
    "remote.refused.hint": {"en": "Nothing was changed: an update leaves the catalog at the commit it had. Tell the catalog's maintainers; do not work around the check.",
                            "id": "Tidak ada yang diubah: pembaruan membiarkan katalog pada commit sebelumnya. Beri tahu pengelola katalog; jangan mengakali pemeriksaan ini."},
    "remote.added": {"en": "Added catalog '{name}' from {url} ({ref}, commit {commit}): snapshot version {version}, {apps} app(s), checked.",
                     "id": "Katalog '{name}' dari {url} ({ref}, commit {commit}) ditambahkan: snapshot versi {version}, {apps} aplikasi, sudah diperiksa."},
    "remote.added_dry": {"en": "Would add catalog '{name}' from {url} ({ref}, commit {commit}): snapshot version {version}, {apps} app(s); it passes the trust check. Dry run: nothing was changed.",
                         "id": "Katalog '{name}' dari {url} ({ref}, commit {commit}) akan ditambahkan: snapshot versi {version}, {apps} aplikasi; lolos pemeriksaan kepercayaan. Uji coba: tidak ada yang diubah."},
    "remote.demo": {"en": "DEMO: this catalog is signed with the bundled demonstration keys, which anyone can reproduce.",
                    "id": "DEMO: katalog ini ditandatangani dengan kunci demonstrasi bawaan yang dapat dibuat ulang siapa saja."},
    "remote.now_default": {"en": "Catalog '{name}' is now the default ({path}).",
                           "id": "Katalog '{name}' kini menjadi bawaan ({path})."},
    "remote.bundled_default": {"en": "The catalog shipped with ksad is the default again ({path}).",
                               "id": "Katalog bawaan ksad kembali menjadi bawaan ({path})."},
    "remote.overridden": {"en": "Note: KSAD_CATALOG or --catalog is set and takes precedence (now {path}).",
                          "id": "Catatan: KSAD_CATALOG atau --catalog diatur dan lebih diutamakan (sekarang {path})."},
    "remote.not_default_hint": {"en": "Use it by default with: ksad catalog use {name} (or --catalog {path}).",
                                "id": "Jadikan bawaan dengan: ksad catalog use {name} (atau --catalog {path})."},
    "remote.up_to_date": {"en": "Catalog '{name}' is up to date (commit {commit}, snapshot version {version}).",
                          "id": "Katalog '{name}' sudah terbaru (commit {commit}, snapshot versi {version})."},
    "remote.updated": {"en": "Updated catalog '{name}': {old} -> {new} (snapshot version {old_version} -> {new_version}), checked.",
                       "id": "Katalog '{name}' diperbarui: {old} -> {new} (snapshot versi {old_version} -> {new_version}), sudah diperiksa."},
    "remote.update_dry": {"en": "Would update catalog '{name}': {old} -> {new} (snapshot version {old_version} -> {new_version}); it passes the trust check. Dry run: nothing was changed.",
                          "id": "Katalog '{name}' akan diperbarui: {old} -> {new} (snapshot versi {old_version} -> {new_version}); lolos pemeriksaan kepercayaan. Uji coba: tidak ada yang diubah."},
    "remote.new_releases": {"en": "  New releases: {releases}", "id": "  Rilis baru: {releases}"},
    "remote.new_apps": {"en": "  New apps: {apps}", "id": "  Aplikasi baru: {apps}"},
    "remote.removed_apps": {"en": "  Apps no longer listed: {apps}", "id": "  Aplikasi yang tidak tercantum lagi: {apps}"},
    "remote.no_new_releases": {"en": "  No new releases.", "id": "  Tidak ada rilis baru."},
    "remote.none": {"en": "No remote catalogs. Add one with: ksad catalog add NAME URL",
                    "id": "Belum ada katalog jarak jauh. Tambahkan dengan: ksad catalog add NAMA URL"},
    "remote.list_title": {"en": "Remote catalogs (in use: {path})", "id": "Katalog jarak jauh (dipakai: {path})"},
    "remote.removed": {"en": "Removed catalog '{name}' ({url}) and what ksad trusted of it.",
                       "id": "Katalog '{name}' ({url}) dan yang dipercaya ksad darinya telah dihapus."},
    "remote.removed_dry": {"en": "Would remove catalog '{name}' ({url}). Dry run: nothing was changed.",
                           "id": "Katalog '{name}' ({url}) akan dihapus. Uji coba: tidak ada yang diubah."},
    "remote.was_default": {"en": "It was the default catalog: the catalog shipped with ksad is the default again.",
                           "id": "Katalog itu adalah bawaan: katalog bawaan ksad kembali menjadi bawaan."},
    "col.ref": {"en": "Ref", "id": "Ref"},
    "col.commit": {"en": "Commit", "id": "Commit"},
    "col.snapshot": {"en": "Snapshot", "id": "Snapshot"},
    "col.updated": {"en": "Updated", "id": "Diperbarui"},
    "col.in_use": {"en": "In use", "id": "Dipakai"},
    # --- end of remote catalogs ---
    # --- recipes and security policy (ksad/recipe.py, ksad/policy.py) -----------
    "recipe.problem": {
        "en": "{file}, line {line}: {text}.",
        "id": "{file}, baris {line}: {text}.",
    },
    "recipe.problem_line": {
        "en": "{file}:{line}: {text}",
        "id": "{file}:{line}: {text}",
    },
    "recipe.unsupported": {
        "en": "{field} is not supported by ksad",
        "id": "{field} tidak didukung oleh ksad",
    },
    "recipe.unsupported.hint": {
        "en": "Remove it, or express it another way: recipes/README.md lists the Compose keys ksad accepts.",
        "id": "Hapus, atau nyatakan dengan cara lain: recipes/README.md memuat kunci Compose yang diterima ksad.",
    },
    "recipe.type": {
        "en": "{field} must be a {expected} (found {got})",
        "id": "{field} harus berupa {expected} (ditemukan {got})",
    },
    "recipe.type.hint": {
        "en": "YAML reads unquoted yes/no/on/off as booleans and 0755 as a number: quote values meant as text.",
        "id": "YAML membaca yes/no/on/off tanpa kutip sebagai boolean dan 0755 sebagai angka: beri kutip pada nilai teks.",
    },
    "recipe.required": {
        "en": "{field} is required",
        "id": "{field} wajib diisi",
    },
    "recipe.integer": {
        "en": "{field}: '{value}' is not a whole number from {low} to {high}",
        "id": "{field}: '{value}' bukan bilangan bulat dari {low} sampai {high}",
    },
    "recipe.choice": {
        "en": "{field}: '{value}' is not one of: {choices}",
        "id": "{field}: '{value}' bukan salah satu dari: {choices}",
    },
    "recipe.name": {
        "en": "{field}: '{value}' is not a valid name (letters, digits, '_', '.', '-')",
        "id": "{field}: '{value}' bukan nama yang sah (huruf, angka, '_', '.', '-')",
    },
    "recipe.ksad_name": {
        "en": "{field}: '{value}' is not a valid name (lower-case letters, digits and '_')",
        "id": "{field}: '{value}' bukan nama yang sah (huruf kecil, angka dan '_')",
    },
    "recipe.env_name": {
        "en": "{field}: '{value}' is not a valid environment variable name",
        "id": "{field}: '{value}' bukan nama variabel lingkungan yang sah",
    },
    "recipe.duration": {
        "en": "{field}: '{value}' is not a duration (e.g. 30s, 1m30s, 500ms)",
        "id": "{field}: '{value}' bukan durasi (mis. 30s, 1m30s, 500ms)",
    },
    "recipe.size": {
        "en": "{field}: '{value}' is not a size (e.g. 512m, 1g)",
        "id": "{field}: '{value}' bukan ukuran (mis. 512m, 1g)",
    },
    "recipe.cpus": {
        "en": "{field}: '{value}' is not a number of CPUs greater than 0",
        "id": "{field}: '{value}' bukan jumlah CPU yang lebih dari 0",
    },
    "recipe.variable": {
        "en": "{field}: the variable {name} would come from the host environment, which ksad never reads",
        "id": "{field}: variabel {name} akan diambil dari lingkungan host, yang tidak pernah dibaca ksad",
    },
    "recipe.variable.hint": {
        "en": "Write the value itself, give a default (${{{name}:-value}}), or let ksad supply it through x-ksad "
              "settings or secrets. Write $$ for a literal $.",
        "id": "Tulis nilainya langsung, beri nilai bawaan (${{{name}:-nilai}}), atau biarkan ksad mengisinya lewat "
              "x-ksad settings atau secrets. Tulis $$ untuk tanda $ biasa.",
    },
    "recipe.interpolation": {
        "en": "{field}: '{value}' has a '$' that does not start a variable; write $$ for a literal $",
        "id": "{field}: '{value}' memuat '$' yang bukan awal variabel; tulis $$ untuk tanda $ biasa",
    },
    "recipe.no_services": {
        "en": "{field}: a recipe needs at least one service",
        "id": "{field}: resep memerlukan paling sedikit satu layanan",
    },
    "recipe.no_image": {
        "en": "{field}: a service needs image or build",
        "id": "{field}: layanan memerlukan image atau build",
    },
    "recipe.port": {
        "en": "{field}: '{value}' is not a port (1-65535, optionally /tcp or /udp)",
        "id": "{field}: '{value}' bukan port (1-65535, boleh dengan /tcp atau /udp)",
    },
    "recipe.port_range": {
        "en": "{field}: the port range '{value}' is not supported; list each port",
        "id": "{field}: rentang port '{value}' tidak didukung; sebutkan setiap port",
    },
    "recipe.volume_spec": {
        "en": "{field}: '{value}' is not a volume mount (name:/path[:ro])",
        "id": "{field}: '{value}' bukan pemasangan volume (nama:/path[:ro])",
    },
    "recipe.volume_anonymous": {
        "en": "{field}: the anonymous volume '{value}' is not supported; give it a name and declare it under volumes",
        "id": "{field}: volume anonim '{value}' tidak didukung; beri nama dan deklarasikan di bawah volumes",
    },
    "recipe.volume_undeclared": {
        "en": "{field}: the volume '{name}' is not declared under the top-level volumes",
        "id": "{field}: volume '{name}' tidak dideklarasikan di volumes tingkat teratas",
    },
    "recipe.path_relative": {
        "en": "{field}: '{value}' must be an absolute path",
        "id": "{field}: '{value}' harus berupa path absolut",
    },
    "recipe.path_outside": {
        "en": "{field}: '{value}' points outside {root}",
        "id": "{field}: '{value}' menunjuk ke luar {root}",
    },
    "recipe.path_missing": {
        "en": "{field}: '{value}' does not exist or cannot be read",
        "id": "{field}: '{value}' tidak ada atau tidak dapat dibaca",
    },
    "recipe.file_outside": {
        "en": "{file} is a link to {value}, outside the recipe's directory {root}; the entry's pin covers only that directory.",
        "id": "{file} adalah tautan ke {value}, di luar direktori resep {root}; patokan entri hanya mencakup direktori itu.",
    },
    "recipe.file_outside.hint": {
        "en": "Put the file itself in the recipe's directory (a link within it is fine), pin the recipe again and sign the entry.",
        "id": "Letakkan berkasnya sendiri di direktori resep (tautan di dalamnya boleh), patok ulang resep dan tanda tangani entri.",
    },
    "recipe.dockerfile_outside": {
        "en": "{field}: '{value}' is not inside the build context; ksad sends (and the entry pins) only the context",
        "id": "{field}: '{value}' tidak berada di dalam konteks build; ksad hanya mengirim (dan entri hanya mematok) konteks itu",
    },
    "recipe.template_unpinned": {
        "en": "{field}: '{value}' is neither in the recipe's directory nor in one of its build contexts; the entry pins only those, so put the template in one of them",
        "id": "{field}: '{value}' tidak berada di direktori resep maupun di salah satu konteks build-nya; entri hanya mematok keduanya, jadi letakkan templat di salah satunya",
    },
    "recipe.build_remote": {
        "en": "{field}: '{value}' is not a local directory; ksad builds only from the recipe's source tree",
        "id": "{field}: '{value}' bukan direktori lokal; ksad hanya membangun dari pohon sumber resep",
    },
    "recipe.service_unknown": {
        "en": "{field}: there is no service '{name}' in this recipe",
        "id": "{field}: tidak ada layanan '{name}' dalam resep ini",
    },
    "recipe.cycle": {
        "en": "{field}: services depend on each other in a cycle: {cycle}",
        "id": "{field}: layanan saling bergantung secara melingkar: {cycle}",
    },
    "recipe.job_restarts": {
        "en": "{field}: '{value}' restarts this service whenever it ends, but another service waits for it to finish "
              "(service_completed_successfully); use 'no' or 'on-failure'",
        "id": "{field}: '{value}' menjalankan ulang layanan ini setiap kali selesai, padahal layanan lain menunggunya "
              "selesai (service_completed_successfully); gunakan 'no' atau 'on-failure'",
    },
    "recipe.healthcheck_test": {
        "en": "{field} must be a command string or a list starting with CMD, CMD-SHELL or NONE",
        "id": "{field} harus berupa string perintah atau daftar yang diawali CMD, CMD-SHELL atau NONE",
    },
    "recipe.extra_host": {
        "en": "{field}: '{value}' is not HOST:ADDRESS",
        "id": "{field}: '{value}' bukan HOST:ALAMAT",
    },
    "recipe.network_mode": {
        "en": "{field}: '{value}' is not supported (use host, bridge, none or service:NAME)",
        "id": "{field}: '{value}' tidak didukung (gunakan host, bridge, none atau service:NAMA)",
    },
    "recipe.ports_host": {
        "en": "{field}: a service with network_mode: host publishes no ports, since it listens on the host's own "
              "ports directly; remove ports (x-ksad.expose may name the port it listens on)",
        "id": "{field}: layanan dengan network_mode: host tidak memublikasikan port, karena ia langsung mendengarkan "
              "di port milik server; hapus ports (x-ksad.expose boleh menyebut port yang didengarkannya)",
    },
    "recipe.ports_none": {
        "en": "{field}: a service with network_mode: none publishes no ports, since it has no network; remove ports",
        "id": "{field}: layanan dengan network_mode: none tidak memublikasikan port, karena ia tidak punya jaringan; "
              "hapus ports",
    },
    "recipe.ports_shared": {
        "en": "{field}: a service with network_mode: service:{service} publishes no ports of its own; remove ports "
              "and publish them in the ports of service {service}, whose network it uses",
        "id": "{field}: layanan dengan network_mode: service:{service} tidak memublikasikan port sendiri; hapus "
              "ports dan publikasikan port itu di ports layanan {service}, yang jaringannya dipakainya",
    },
    "recipe.network_unknown": {
        "en": "{field}: the network '{name}' is not declared under the top-level networks",
        "id": "{field}: jaringan '{name}' tidak dideklarasikan di networks tingkat teratas",
    },
    "recipe.networks_multiple": {
        "en": "{field}: ksad gives each app one network, but this recipe uses {count} ({names})",
        "id": "{field}: ksad memberi setiap aplikasi satu jaringan, tetapi resep ini memakai {count} ({names})",
    },
    "recipe.conflict": {
        "en": "{field} conflicts with {other}; keep one of them",
        "id": "{field} bertentangan dengan {other}; pertahankan salah satunya",
    },
    "recipe.label_reserved": {
        "en": "{field}: labels starting with 'ksad.' are reserved for ksad ('{value}')",
        "id": "{field}: label berawalan 'ksad.' dicadangkan untuk ksad ('{value}')",
    },
    "recipe.localise_field": {
        "en": "{field}: '{name}' is not a localisation field (known: {fields})",
        "id": "{field}: '{name}' bukan isian lokalisasi (yang dikenal: {fields})",
    },
    "recipe.file_only": {
        "en": "{field}: {name} can only be rendered into a file (files: field: {name})",
        "id": "{field}: {name} hanya dapat ditulis ke berkas (files: field: {name})",
    },
    "recipe.file_source": {
        "en": "{field}: a file needs either template or field, not both",
        "id": "{field}: berkas memerlukan template atau field, tidak keduanya",
    },
    "recipe.file_field": {
        "en": "{field}: '{value}' cannot be used as field (only: {fields}); use a template for text",
        "id": "{field}: '{value}' tidak dapat dipakai sebagai field (hanya: {fields}); gunakan template untuk teks",
    },
    "recipe.mode": {
        "en": "{field}: '{value}' is not a file mode (e.g. 0444)",
        "id": "{field}: '{value}' bukan mode berkas (mis. 0444)",
    },
    "recipe.expose_port": {
        "en": "{field}: port {port} is not published by service {service}; add it to its ports",
        "id": "{field}: port {port} tidak dipublikasikan oleh layanan {service}; tambahkan ke ports-nya",
    },
    "recipe.expose_none": {
        "en": "{field}: service {service} has network_mode: none, so nothing can reach it; expose a service "
              "on the app's network",
        "id": "{field}: layanan {service} memakai network_mode: none, sehingga tidak dapat dijangkau; ekspos "
              "layanan yang berada di jaringan aplikasi",
    },
    "recipe.expose_shared": {
        "en": "{field}: service {service} uses the network of service {owner}; expose service {owner}, "
              "with the port in its ports",
        "id": "{field}: layanan {service} memakai jaringan layanan {owner}; ekspos layanan {owner}, "
              "dengan port tersebut di ports-nya",
    },
    "recipe.duplicate": {
        "en": "{field}: {var} of service {service} is already set by {other}",
        "id": "{field}: {var} pada layanan {service} sudah diisi oleh {other}",
    },
    "recipe.secret_supplied": {
        "en": "{field}: '{value}' is not who supplies a secret: write 'operator' (the operator gives it with "
              "--secret), or leave the key out (ksad generates it)",
        "id": "{field}: '{value}' bukan pihak yang memberikan rahasia: tulis 'operator' (operator memberikannya "
              "dengan --secret), atau hapus kuncinya (ksad membuatnya sendiri)",
    },
    "recipe.name_clash": {
        "en": "{field}: the name '{name}' is already used in {other}; templates could not tell them apart",
        "id": "{field}: nama '{name}' sudah dipakai di {other}; template tidak dapat membedakannya",
    },
    "recipe.template_invalid": {
        "en": "{field}: template {template} has a '$' that is not a placeholder; write $$ for a literal $",
        "id": "{field}: template {template} memuat '$' yang bukan placeholder; tulis $$ untuk tanda $ biasa",
    },
    "recipe.placeholder": {
        "en": "{field}: template {template} uses ${{{name}}}, which is not a localisation field, secret or setting",
        "id": "{field}: template {template} memakai ${{{name}}}, yang bukan isian lokalisasi, rahasia atau pengaturan",
    },
    "recipe.placeholder.hint": {
        "en": "Use a localisation field (recipes/README.md), or declare {name} under x-ksad secrets or settings.",
        "id": "Gunakan isian lokalisasi (recipes/README.md), atau deklarasikan {name} di x-ksad secrets atau settings.",
    },
    "policy.refused": {
        "en": "{file}: the security policy refuses what this recipe asks for:\n{violations}",
        "id": "{file}: kebijakan keamanan menolak permintaan resep ini:\n{violations}",
    },
    "policy.violation": {
        "en": "  - service {service}: {kind} ({detail}); allow with --allow {kind}",
        "id": "  - layanan {service}: {kind} ({detail}); izinkan dengan --allow {kind}",
    },
    "policy.refused.hint": {
        "en": "Only if you trust this app: allow it for one command with {flags}, or for every command with "
              "'allow: [{kinds}]' in $KSAD_HOME/policy.yaml.",
        "id": "Hanya jika Anda memercayai aplikasi ini: izinkan untuk satu perintah dengan {flags}, atau untuk semua "
              "perintah dengan 'allow: [{kinds}]' di $KSAD_HOME/policy.yaml.",
    },
    "policy.unknown_kind": {
        "en": "{where}: '{kind}' is not a security-policy kind (known: {kinds}).",
        "id": "{where}: '{kind}' bukan jenis kebijakan keamanan (yang dikenal: {kinds}).",
    },
    "policy.file_key": {
        "en": "{file}, line {line}: '{name}' is not read from a policy file (only 'allow').",
        "id": "{file}, baris {line}: '{name}' tidak dibaca dari berkas kebijakan (hanya 'allow').",
    },
    "policy.file_allow": {
        "en": "{file}, line {line}: 'allow' must be a list of policy kinds, e.g. allow: [host-path].",
        "id": "{file}, baris {line}: 'allow' harus berupa daftar jenis kebijakan, mis. allow: [host-path].",
    },
    # --- end of recipes and security policy ---
    # --- regions ---------------------------------------------------------------
    "region.unknown": {
        "en": "Unknown region code '{code}'.",
        "id": "Kode wilayah '{code}' tidak dikenal.",
    },
    "region.unknown.hint": {
        "en": "Find the Kemendagri code with: ksad region search NAME (e.g. 52.04 for Kabupaten Sumbawa).",
        "id": "Cari kode Kemendagri dengan: ksad region search NAMA (mis. 52.04 untuk Kabupaten Sumbawa).",
    },
    "region.none_found": {
        "en": "No region matches '{text}'.",
        "id": "Tidak ada wilayah yang cocok dengan '{text}'.",
    },
    "region.none_found.hint": {
        "en": "Search part of the name without 'Kabupaten' or 'Kota' (e.g. sumbawa), or the start of a code (e.g. 52).",
        "id": "Cari sebagian nama tanpa 'Kabupaten' atau 'Kota' (mis. sumbawa), atau awal kode (mis. 52).",
    },
    "region.data_invalid": {
        "en": "{file}: region data is malformed ({problem}).",
        "id": "{file}: data wilayah rusak ({problem}).",
    },
    "region.data_invalid.hint": {
        "en": "Regenerate it with scripts/build_regions.py, or remove it to use the bundled regions.json.",
        "id": "Buat ulang dengan scripts/build_regions.py, atau hapus agar regions.json bawaan dipakai.",
    },
    "region.found": {
        "en": "{count} region(s) match '{text}'",
        "id": "{count} wilayah cocok dengan '{text}'",
    },
    "region.col.code": {"en": "Code", "id": "Kode"},
    "region.col.name": {"en": "Name", "id": "Nama"},
    "region.col.type": {"en": "Type", "id": "Jenis"},
    "region.col.province": {"en": "Province", "id": "Provinsi"},
    "region.col.where": {"en": "Province, time zone", "id": "Provinsi, zona waktu"},
    "region.col.timezone": {"en": "Time zone", "id": "Zona waktu"},
    "region.col.head": {"en": "Head of region", "id": "Kepala daerah"},
    "region.type.kab": {"en": "regency", "id": "kabupaten"},
    "region.type.kota": {"en": "city", "id": "kota"},
    "region.type.prov": {"en": "province", "id": "provinsi"},
    # --- stand-in base image (ksad/standin.py) ------------------------------
    "standin.busybox_missing": {
        "en": "Cannot make the stand-in base image: no busybox found on this machine.",
        "id": "Tidak dapat membuat image dasar stand-in: busybox tidak ditemukan di mesin ini.",
    },
    "standin.busybox_missing.hint": {
        "en": "Install a statically linked busybox: apt-get install busybox-static",
        "id": "Pasang busybox yang terhubung statis: apt-get install busybox-static",
    },
    "standin.busybox_dynamic": {
        "en": "Cannot make the stand-in base image: {path} is dynamically linked and would not run inside it.",
        "id": "Tidak dapat membuat image dasar stand-in: {path} terhubung dinamis dan tidak akan berjalan di dalamnya.",
    },
    "standin.busybox_dynamic.hint": {
        "en": "Install the static build instead: apt-get install busybox-static",
        "id": "Pasang versi statisnya: apt-get install busybox-static",
    },
    "standin.base_failed": {
        "en": "Cannot make the stand-in base image {image}: {problem}",
        "id": "Tidak dapat membuat image dasar stand-in {image}: {problem}",
    },
    "standin.base_failed.hint": {
        "en": "Check that the Docker engine is running and has free disk space, then try again.",
        "id": "Periksa bahwa Docker engine berjalan dan ruang disknya cukup, lalu coba lagi.",
    },
    # --- identity pack, local-wisdom names, target inventory (identity/naming/targets) ---
    "identity.text_empty": {"en": "{field} must not be empty.", "id": "{field} tidak boleh kosong."},
    "identity.not_text": {"en": "{field} must be text, not '{value}'.", "id": "{field} harus berupa teks, bukan '{value}'."},
    "identity.text_control": {
        "en": "{field} must be a single line without control or invisible characters (such as a direction "
              "override or a zero-width space).",
        "id": "{field} harus satu baris tanpa karakter kendali atau karakter tak terlihat (seperti pembalik arah "
              "teks atau spasi lebar nol).",
    },
    "identity.text_too_long": {
        "en": "{field} is {length} characters long; at most {max} are allowed.",
        "id": "{field} panjangnya {length} karakter; paling banyak {max}.",
    },
    "identity.domain_invalid": {
        "en": "domain '{value}' is not valid: {reason}.",
        "id": "domain '{value}' tidak sah: {reason}.",
    },
    "identity.domain_invalid.hint": {
        "en": "Give the region's own .go.id domain exactly, e.g. --domain sumbawakab.go.id (ksad never guesses it from the name).",
        "id": "Berikan domain .go.id milik daerah persis, mis. --domain sumbawakab.go.id (ksad tidak pernah menebaknya dari nama).",
    },
    "identity.domain_reason.empty": {"en": "it is empty", "id": "kosong"},
    "identity.domain_reason.url": {
        "en": "give the domain name only, without https:// or a path",
        "id": "tulis nama domainnya saja, tanpa https:// atau path",
    },
    "identity.domain_reason.go_id": {
        "en": "it must end in .go.id",
        "id": "harus berakhiran .go.id",
    },
    "identity.domain_reason.too_long": {"en": "it is longer than 253 characters", "id": "lebih dari 253 karakter"},
    "identity.domain_reason.label": {
        "en": "'{label}' is not a valid DNS label (a-z, 0-9 and '-', not at either end, at most 63)",
        "id": "'{label}' bukan label DNS yang sah (a-z, 0-9 dan '-', tidak di awal/akhir, paling banyak 63)",
    },
    "identity.colour_invalid": {
        "en": "{field} '{value}' is not a colour.",
        "id": "{field} '{value}' bukan warna.",
    },
    "identity.colour_invalid.hint": {
        "en": "Write a colour as six hex digits, e.g. #0B5394 (in a YAML file, quote it: '#0B5394').",
        "id": "Tulis warna sebagai enam digit heksadesimal, mis. #0B5394 (di berkas YAML, beri tanda kutip: '#0B5394').",
    },
    "identity.colour_unquoted": {
        "en": "{field} is empty; in YAML a value starting with # is a comment, so quote it: '#0B5394'",
        "id": "{field} kosong; di YAML nilai yang diawali # dianggap komentar, jadi beri tanda kutip: '#0B5394'",
    },
    "identity.colour_count": {
        "en": "At most two colours (primary, secondary) can be given, not {count}.",
        "id": "Paling banyak dua warna (utama, kedua) yang dapat diberikan, bukan {count}.",
    },
    "identity.timezone_invalid": {
        "en": "timezone '{value}' is not an Indonesian time zone. Allowed: {allowed}.",
        "id": "timezone '{value}' bukan zona waktu Indonesia. Yang boleh: {allowed}.",
    },
    "identity.timezone_invalid.hint": {
        "en": "Leave --timezone out to use the region's own zone.",
        "id": "Hilangkan --timezone agar zona waktu daerah itu sendiri yang dipakai.",
    },
    "identity.language_invalid": {
        "en": "language '{value}' is not supported. Allowed: {allowed}.",
        "id": "language '{value}' tidak didukung. Yang boleh: {allowed}.",
    },
    "identity.emblem_missing": {"en": "emblem {path} does not exist.", "id": "emblem {path} tidak ada."},
    "identity.emblem_too_large": {
        "en": "emblem {path} is {size} bytes; at most {max} bytes (1 MiB) are allowed.",
        "id": "emblem {path} berukuran {size} byte; paling besar {max} byte (1 MiB).",
    },
    "identity.emblem_format": {
        "en": "emblem {path} is neither a PNG nor an SVG image.",
        "id": "emblem {path} bukan gambar PNG maupun SVG.",
    },
    "identity.emblem_damaged": {
        "en": "emblem {path} starts like a PNG but is not a whole PNG image (damaged or cut short).",
        "id": "Lambang {path} diawali seperti PNG, tetapi bukan gambar PNG yang utuh (rusak atau terpotong).",
    },
    "identity.emblem_damaged.hint": {
        "en": "Export or download the region's emblem (lambang daerah) again, as PNG or SVG.",
        "id": "Ekspor atau unduh ulang lambang daerah sebagai PNG atau SVG.",
    },
    "identity.emblem_active": {
        "en": "emblem {path} is an SVG with active content ({found}); an emblem must be a picture only.",
        "id": "Lambang {path} adalah SVG yang berisi konten aktif ({found}); lambang hanya boleh berupa gambar.",
    },
    "identity.emblem_active.hint": {
        "en": "Every app serves the emblem from the region's own site, where a script in it would run. "
              "Export the emblem again as a plain SVG or as PNG.",
        "id": "Setiap aplikasi menyajikan lambang dari situs daerah sendiri, tempat skrip di dalamnya akan "
              "dijalankan. Ekspor ulang lambang sebagai SVG biasa atau PNG.",
    },
    "identity.emblem_format.hint": {
        "en": "Export the region's emblem (lambang daerah) as PNG or SVG.",
        "id": "Ekspor lambang daerah sebagai PNG atau SVG.",
    },
    "identity.exists": {
        "en": "An identity pack already exists at {file} and differs from this one.",
        "id": "Paket identitas sudah ada di {file} dan berbeda dari yang ini.",
    },
    "identity.exists.hint": {
        "en": "See it with 'ksad identity show'; add --force to replace it (installed apps get it at their next upgrade).",
        "id": "Lihat dengan 'ksad identity show'; tambahkan --force untuk menggantinya (aplikasi terpasang menerimanya saat upgrade berikutnya).",
    },
    "identity.missing": {
        "en": "This region has no identity pack yet ({file}).",
        "id": "Daerah ini belum punya paket identitas ({file}).",
    },
    "identity.missing.hint": {
        "en": "Run: ksad init --region CODE --domain DOMAIN.go.id --office \"OFFICE\" (e.g. --region 52.04 --domain sumbawakab.go.id).",
        "id": "Jalankan: ksad init --region KODE --domain DOMAIN.go.id --office \"KANTOR\" (mis. --region 52.04 --domain sumbawakab.go.id).",
    },
    "identity.file_invalid": {
        "en": "{file}, line {line}, field '{field}': {problem}",
        "id": "{file}, baris {line}, isian '{field}': {problem}",
    },
    "identity.file_invalid.hint": {
        "en": "Fix that line, or write the pack again with: ksad init ... --force",
        "id": "Perbaiki baris itu, atau tulis ulang paketnya dengan: ksad init ... --force",
    },
    "identity.unknown_key": {
        "en": "{file}, line {line}: unknown key '{entry}'. Known keys: {known}.",
        "id": "{file}, baris {line}: kunci '{entry}' tidak dikenal. Kunci yang dikenal: {known}.",
    },
    "identity.unknown_key.hint": {
        "en": "Remove or correct that key (ksad refuses keys it does not know, to catch typos).",
        "id": "Hapus atau perbaiki kunci itu (ksad menolak kunci yang tidak dikenalnya agar salah ketik ketahuan).",
    },
    "identity.missing_key": {
        "en": "{file}: required key '{entry}' is missing.",
        "id": "{file}: kunci wajib '{entry}' tidak ada.",
    },
    "identity.missing_key.hint": {
        "en": "Write the pack again with: ksad init ... --force",
        "id": "Tulis ulang paketnya dengan: ksad init ... --force",
    },
    "identity.format_unknown": {
        "en": "format {value} is not known to this ksad (it reads format {expected})",
        "id": "format {value} tidak dikenal ksad ini (yang dibaca: format {expected})",
    },
    "identity.tz_abbr_mismatch": {
        "en": "'{value}' does not match {timezone}, which is {expected}",
        "id": "'{value}' tidak cocok dengan {timezone}, yang seharusnya {expected}",
    },
    "identity.region_mismatch": {
        "en": "'{value}' does not match region {code}, which the region data gives as {expected}.",
        "id": "'{value}' tidak cocok dengan wilayah {code}, yang menurut data wilayah adalah {expected}.",
    },
    "identity.region_mismatch.hint": {
        "en": "Region {code} is {region}: write {field}: {expected} in that file. If the code is the wrong one, "
              "find yours with 'ksad region search NAME' and write the pack again: ksad init --region CODE ... --force",
        "id": "Wilayah {code} adalah {region}: tulis {field}: {expected} di berkas itu. Jika kodenya yang salah, "
              "cari kode Anda dengan 'ksad region search NAMA' lalu tulis ulang paketnya: "
              "ksad init --region KODE ... --force",
    },
    "identity.region_unknown.hint": {
        "en": "Find your region's code with 'ksad region search NAME' and write the pack again: "
              "ksad init --region CODE ... --force",
        "id": "Cari kode wilayah Anda dengan 'ksad region search NAMA' lalu tulis ulang paketnya: "
              "ksad init --region KODE ... --force",
    },
    "identity.region_code_invalid": {
        "en": "found {value}; expected a Kemendagri code written in quotes, such as '52.04'",
        "id": "tertulis {value}; seharusnya kode Kemendagri dalam tanda kutip, seperti '52.04'",
    },
    "identity.type_invalid": {
        "en": "'{value}' is not one of: {allowed}",
        "id": "'{value}' bukan salah satu dari: {allowed}",
    },
    "identity.emblem_ref_invalid": {
        "en": "'{value}' must be emblem.png or emblem.svg (the copy ksad keeps in its home)",
        "id": "'{value}' harus emblem.png atau emblem.svg (salinan yang disimpan ksad di direktori rumahnya)",
    },
    "identity.file_header": {
        "en": "# ksad identity pack, written by `ksad init`; applied to every app this region installs.",
        "id": "# Paket identitas ksad, ditulis oleh `ksad init`; diterapkan ke setiap aplikasi yang dipasang daerah ini.",
    },
    "identity.title": {"en": "Identity pack", "id": "Paket identitas"},
    "identity.created": {"en": "Identity pack written to {file}.", "id": "Paket identitas ditulis ke {file}."},
    "identity.replaced": {"en": "Identity pack replaced at {file}.", "id": "Paket identitas diganti di {file}."},
    "identity.unchanged": {
        "en": "Identity pack at {file} is already up to date; nothing changed.",
        "id": "Paket identitas di {file} sudah sesuai; tidak ada yang berubah.",
    },
    "identity.dry_run.create": {
        "en": "Dry run: would write {file} (nothing was written).",
        "id": "Uji coba: akan menulis {file} (tidak ada yang ditulis).",
    },
    "identity.dry_run.replace": {
        "en": "Dry run: would replace {file} (nothing was written).",
        "id": "Uji coba: akan mengganti {file} (tidak ada yang ditulis).",
    },
    "identity.dry_run.unchanged": {
        "en": "Dry run: {file} is already up to date; nothing would change.",
        "id": "Uji coba: {file} sudah sesuai; tidak ada yang akan berubah.",
    },
    "identity.label.region": {"en": "Region", "id": "Wilayah"},
    "identity.label.code": {"en": "Kemendagri code", "id": "Kode Kemendagri"},
    "identity.label.province": {"en": "Province", "id": "Provinsi"},
    "identity.label.head_title": {"en": "Head of region", "id": "Kepala daerah"},
    "identity.label.office": {"en": "Office", "id": "Kantor"},
    "identity.label.contact": {"en": "Contact", "id": "Kontak"},
    "identity.label.domain": {"en": "Domain", "id": "Domain"},
    "identity.label.timezone": {"en": "Time zone", "id": "Zona waktu"},
    "identity.label.emblem": {"en": "Emblem", "id": "Lambang"},
    "identity.label.colours": {"en": "Colours", "id": "Warna"},
    "identity.label.language": {"en": "Language", "id": "Bahasa"},
    "identity.none": {"en": "(none)", "id": "(tidak ada)"},
    "name.empty": {"en": "The name is empty.", "id": "Nama kosong."},
    "name.empty.hint": {
        "en": "Choose a name in the spirit of local wisdom, e.g. --name \"Sipakatau\".",
        "id": "Pilih nama bernuansa kearifan lokal, mis. --name \"Sipakatau\".",
    },
    "name.char_invalid": {
        "en": "The name '{name}' contains '{char}' ({codepoint}), which is not allowed.",
        "id": "Nama '{name}' mengandung '{char}' ({codepoint}), yang tidak diperbolehkan.",
    },
    "name.char_invalid.hint": {
        "en": "Use letters (any script), digits, spaces, '-' and apostrophes only.",
        "id": "Gunakan hanya huruf (aksara apa pun), angka, spasi, '-' dan apostrof.",
    },
    "name.length": {
        "en": "The name '{name}' is {length} character(s) long; it must be {min} to {max}.",
        "id": "Nama '{name}' panjangnya {length} karakter; harus {min} sampai {max}.",
    },
    "name.edge": {
        "en": "The name '{name}' must not start or end with '{char}'.",
        "id": "Nama '{name}' tidak boleh diawali atau diakhiri dengan '{char}'.",
    },
    "name.edge.hint": {
        "en": "Start and end the name with a letter or a digit.",
        "id": "Awali dan akhiri nama dengan huruf atau angka.",
    },
    "name.double_space": {
        "en": "The name '{name}' contains two spaces in a row.",
        "id": "Nama '{name}' mengandung dua spasi berturut-turut.",
    },
    "name.meaning_invalid": {
        "en": "The meaning must be a single line of at most {max} characters.",
        "id": "Makna harus satu baris dengan paling banyak {max} karakter.",
    },
    "name.meaning_char": {
        "en": "The meaning contains the invisible character {char}, which changes how the text around it "
              "is shown (direction, spacing or line breaks).",
        "id": "Makna mengandung karakter tak terlihat {char}, yang mengubah tampilan teks di sekitarnya "
              "(arah, spasi, atau pergantian baris).",
    },
    "name.meaning_char.hint": {
        "en": "Type the meaning again as plain text, on one line.",
        "id": "Ketik ulang maknanya sebagai teks biasa dalam satu baris.",
    },
    "name.language_invalid": {
        "en": "'{value}' is not a language tag.",
        "id": "'{value}' bukan tag bahasa.",
    },
    "name.language_invalid.hint": {
        "en": "Use a BCP 47 tag, e.g. bug (Bugis), smw (Sumbawa), su (Sunda), id.",
        "id": "Gunakan tag BCP 47, mis. bug (Bugis), smw (Sumbawa), su (Sunda), id.",
    },
    "name.taken": {
        "en": "The name '{name}' (slug {slug}) is already used by app '{app}' on this target.",
        "id": "Nama '{name}' (slug {slug}) sudah dipakai aplikasi '{app}' di target ini.",
    },
    "volume.foreign": {
        "en": "The volume {volume} belongs to {owner} ({app}) on this target, and the recipe of this app, installed as '{name}', names it too: ksad does not give one app another's data.",
        "id": "Volume {volume} milik {owner} ({app}) di target ini, dan resep aplikasi ini, yang dipasang sebagai '{name}', juga menyebutnya: ksad tidak memberikan data satu aplikasi kepada aplikasi lain.",
    },
    "volume.foreign.hint": {
        "en": "Install this app under another name (--name): its volumes are named after it.",
        "id": "Pasang aplikasi ini dengan nama lain (--name): volume-nya dinamai menurut nama itu.",
    },
    "container.foreign": {
        "en": "The container {container} belongs to {owner} ({app}) on this target, and this app, installed as '{name}', would need that name for one of its services.",
        "id": "Kontainer {container} milik {owner} ({app}) di target ini, dan aplikasi ini, yang dipasang sebagai '{name}', memerlukan nama itu untuk salah satu layanannya.",
    },
    "container.foreign.hint": {
        "en": "Install this app under another name (--name): its containers are named after it.",
        "id": "Pasang aplikasi ini dengan nama lain (--name): kontainernya dinamai menurut nama itu.",
    },
    "name.is_app_id": {
        "en": "The name '{name}' (slug {slug}) is the id of another app installed on this target: a command naming that app would find this one.",
        "id": "Nama '{name}' (slug {slug}) adalah id aplikasi lain yang terpasang di target ini: perintah yang menyebut aplikasi itu akan menemukan yang ini.",
    },
    "name.is_app_id.hint": {
        "en": "Choose another name with --name.",
        "id": "Pilih nama lain dengan --name.",
    },
    "name.taken.hint": {
        "en": "Choose another name with --name; each app on a target needs its own.",
        "id": "Pilih nama lain dengan --name; setiap aplikasi di satu target perlu nama sendiri.",
    },
    "target.name_invalid": {
        "en": "Target name '{name}' is not valid.",
        "id": "Nama target '{name}' tidak sah.",
    },
    "target.name_invalid.hint": {
        "en": "Use 1 to 30 lowercase letters, digits and '-', e.g. prod or kantor-2.",
        "id": "Gunakan 1 sampai 30 huruf kecil, angka dan '-', mis. prod atau kantor-2.",
    },
    "target.name_reserved": {
        "en": "The target name '{name}' is reserved for the local Docker engine.",
        "id": "Nama target '{name}' dicadangkan untuk mesin Docker lokal.",
    },
    "target.name_reserved.hint": {
        "en": "Choose another name; 'local' always means $DOCKER_HOST or the local socket.",
        "id": "Pilih nama lain; 'local' selalu berarti $DOCKER_HOST atau soket lokal.",
    },
    "target.url_invalid": {
        "en": "Target URL '{url}' is not valid: {reason}.",
        "id": "URL target '{url}' tidak sah: {reason}.",
    },
    "target.url_invalid.hint": {
        "en": "Examples: ssh://deploy@10.0.0.5, ssh://deploy@server.example.go.id:2222, tcp://10.0.0.5:2376, unix:///var/run/docker.sock",
        "id": "Contoh: ssh://deploy@10.0.0.5, ssh://deploy@server.example.go.id:2222, tcp://10.0.0.5:2376, unix:///var/run/docker.sock",
    },
    "target.tcp_plain": {
        "en": "Target {target} would be reached over plain tcp://: unencrypted and unauthenticated, so anyone on the network could run containers as root there and read the apps' secrets on the way.",
        "id": "Target {target} akan dihubungi lewat tcp:// polos: tanpa enkripsi dan tanpa autentikasi, sehingga siapa pun di jaringan dapat menjalankan kontainer sebagai root di sana dan membaca rahasia aplikasi di perjalanan.",
    },
    "target.tcp_plain.hint": {
        "en": "Use ssh://user@host, or give the engine's TLS client certificates: ksad target add NAME tcp://host:2376 --tls-dir DIR (ca.pem, cert.pem, key.pem), or DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH.",
        "id": "Gunakan ssh://user@host, atau berikan sertifikat klien TLS engine: ksad target add NAMA tcp://host:2376 --tls-dir DIR (ca.pem, cert.pem, key.pem), atau DOCKER_TLS_VERIFY=1 dengan DOCKER_CERT_PATH.",
    },
    "target.tls_missing": {
        "en": "{dir} does not hold the TLS files a Docker client needs: {missing} missing (ca.pem, cert.pem, key.pem).",
        "id": "{dir} tidak memuat berkas TLS yang dibutuhkan klien Docker: {missing} tidak ada (ca.pem, cert.pem, key.pem).",
    },
    "target.tls_not_tcp": {
        "en": "--tls-dir is for tcp:// targets; {url} is not one.",
        "id": "--tls-dir hanya untuk target tcp://; {url} bukan target seperti itu.",
    },
    "target.url_reason.scheme": {
        "en": "it must start with ssh://, tcp:// or unix://",
        "id": "harus diawali ssh://, tcp:// atau unix://",
    },
    "target.url_reason.space": {"en": "it contains spaces", "id": "mengandung spasi"},
    "target.url_reason.host": {"en": "the host name is missing or malformed", "id": "nama host tidak ada atau salah bentuk"},
    "target.url_reason.port": {"en": "the port must be a number from 1 to 65535", "id": "port harus angka 1 sampai 65535"},
    "target.url_reason.extra": {
        "en": "it has a part ksad does not use (path, query, or a user on tcp://)",
        "id": "ada bagian yang tidak dipakai ksad (path, query, atau pengguna pada tcp://)",
    },
    "target.url_reason.unix": {
        "en": "a unix:// URL needs an absolute socket path, as in unix:///var/run/docker.sock",
        "id": "URL unix:// perlu path soket absolut, seperti unix:///var/run/docker.sock",
    },
    "target.url_reason.password": {
        "en": "do not put a password in the URL; ksad uses your SSH keys",
        "id": "jangan menaruh kata sandi di URL; ksad memakai kunci SSH Anda",
    },
    "target.url_reason.user": {
        "en": "an ssh:// URL needs a user, as in ssh://deploy@10.0.0.5",
        "id": "URL ssh:// perlu pengguna, seperti ssh://deploy@10.0.0.5",
    },
    "target.url_reason.tcp_port": {
        "en": "a tcp:// URL needs a port, as in tcp://10.0.0.5:2376",
        "id": "URL tcp:// perlu port, seperti tcp://10.0.0.5:2376",
    },
    "target.inventory_invalid": {
        "en": "{file}, line {line}, field '{field}': {problem}",
        "id": "{file}, baris {line}, isian '{field}': {problem}",
    },
    "target.inventory_invalid.hint": {
        "en": "Fix that line, or remove the entry and add it again with: ksad target add NAME URL",
        "id": "Perbaiki baris itu, atau hapus entrinya lalu tambahkan lagi dengan: ksad target add NAMA URL",
    },
    "target.problem.unknown_key": {
        "en": "unknown key '{entry}' (known: {known})",
        "id": "kunci '{entry}' tidak dikenal (yang dikenal: {known})",
    },
    "target.problem.format": {
        "en": "format {value} is not known to this ksad (it reads format {expected})",
        "id": "format {value} tidak dikenal ksad ini (yang dibaca: format {expected})",
    },
    "target.file_header": {
        "en": "# ksad target inventory; edit with `ksad target add/remove`.",
        "id": "# Inventaris target ksad; ubah dengan `ksad target add/remove`.",
    },
    "target.exists": {
        "en": "Target '{name}' already exists with URL {url}.",
        "id": "Target '{name}' sudah ada dengan URL {url}.",
    },
    "target.exists.hint": {
        "en": "Add --force to point it at the new URL, or choose another name.",
        "id": "Tambahkan --force untuk mengarahkannya ke URL baru, atau pilih nama lain.",
    },
    "target.local_not_removable": {
        "en": "The target 'local' is built in and cannot be removed.",
        "id": "Target 'local' bawaan dan tidak dapat dihapus.",
    },
    "target.local_not_removable.hint": {
        "en": "Set DOCKER_HOST to change which engine 'local' means.",
        "id": "Atur DOCKER_HOST untuk mengubah mesin yang dimaksud 'local'.",
    },
    "target.unknown": {
        "en": "No target named '{name}'. Known targets: {known}.",
        "id": "Tidak ada target bernama '{name}'. Target yang dikenal: {known}.",
    },
    "target.unknown.hint": {
        "en": "Add it with: ksad target add NAME URL (or pass a URL such as ssh://user@host).",
        "id": "Tambahkan dengan: ksad target add NAMA URL (atau berikan URL seperti ssh://user@host).",
    },
    "target.added": {"en": "Added target '{name}' ({url}).", "id": "Target '{name}' ({url}) ditambahkan."},
    "target.replaced": {
        "en": "Target '{name}' now points at {url}.",
        "id": "Target '{name}' sekarang mengarah ke {url}.",
    },
    "target.unchanged": {
        "en": "Target '{name}' already points at {url}; nothing changed.",
        "id": "Target '{name}' sudah mengarah ke {url}; tidak ada yang berubah.",
    },
    "target.removed": {
        "en": "Removed target '{name}' ({url}). Nothing on that engine was touched.",
        "id": "Target '{name}' ({url}) dihapus. Tidak ada yang diubah di mesin tersebut.",
    },
    "target.dry_run.add": {
        "en": "Dry run: would add target '{name}' ({url}) to {file}.",
        "id": "Uji coba: akan menambahkan target '{name}' ({url}) ke {file}.",
    },
    "target.dry_run.replace": {
        "en": "Dry run: would point target '{name}' at {url} in {file}.",
        "id": "Uji coba: akan mengarahkan target '{name}' ke {url} di {file}.",
    },
    "target.dry_run.unchanged": {
        "en": "Dry run: target '{name}' already points at {url}; nothing would change.",
        "id": "Uji coba: target '{name}' sudah mengarah ke {url}; tidak ada yang akan berubah.",
    },
    "target.dry_run.remove": {
        "en": "Dry run: would remove target '{name}' ({url}) from {file}.",
        "id": "Uji coba: akan menghapus target '{name}' ({url}) dari {file}.",
    },
    "target.list.title": {"en": "Targets", "id": "Target"},
    "target.col.name": {"en": "Name", "id": "Nama"},
    "target.col.url": {"en": "URL", "id": "URL"},
    "target.col.kind": {"en": "Kind", "id": "Jenis"},
    "target.builtin": {"en": "(built in)", "id": "(bawaan)"},
    # --- end of identity / naming / targets ---
    # --- trust: keys, keyring, signatures, snapshot, MoU (ksad/trust.py, ksad/mou.py, ksad/cli/trust.py) ---
    "file.unwritable": {
        "en": "{file}: cannot write ({problem}).",
        "id": "{file}: tidak dapat ditulis ({problem}).",
    },
    "file.unwritable.hint": {
        "en": "Check that its directory exists and that you may write there (its owner, its mode, a read-only or full file system), or choose another place.",
        "id": "Periksa bahwa direktorinya ada dan Anda boleh menulis di sana (pemilik, mode, sistem berkas hanya-baca atau penuh), atau pilih tempat lain.",
    },
    "trust.date_invalid": {
        "en": "'{value}' is not a date (YYYY-MM-DD){what}.",
        "id": "'{value}' bukan tanggal (YYYY-MM-DD){what}.",
    },
    "trust.canonical_bad_value": {
        "en": "Cannot sign a document holding {kind} at '{where}': only text, whole and finite numbers, true/false, dates, lists and mappings can be signed.",
        "id": "Dokumen yang memuat {kind} pada '{where}' tidak dapat ditandatangani: hanya teks, bilangan bulat dan hingga, true/false, tanggal, daftar dan pemetaan yang dapat ditandatangani.",
    },
    "trust.kind_unknown": {
        "en": "{file}: cannot tell what kind of document this is (app entry, MoU, revocation, keyring or snapshot).",
        "id": "{file}: jenis dokumen tidak dapat ditentukan (entri aplikasi, MoU, pencabutan, keyring atau snapshot).",
    },
    "trust.key.exists": {
        "en": "{file} already exists; a key is never overwritten.",
        "id": "{file} sudah ada; kunci tidak pernah ditimpa.",
    },
    "trust.key.exists.hint": {
        "en": "Choose another file with --output, or remove the old key yourself if you are sure it is no longer needed.",
        "id": "Pilih berkas lain dengan --output, atau hapus sendiri kunci lama bila Anda yakin tidak diperlukan lagi.",
    },
    "trust.key.permissions": {
        "en": "{file} can be read or changed by other users (mode {mode}); a private key must be its owner's alone, so it was not used.",
        "id": "{file} dapat dibaca atau diubah pengguna lain (mode {mode}); kunci privat hanya boleh milik pemiliknya, jadi tidak digunakan.",
    },
    "trust.key.permissions.hint": {
        "en": "Run: chmod 600 {file}  (and consider the key exposed if others could read it: ask for it to be revoked).",
        "id": "Jalankan: chmod 600 {file}  (dan anggap kunci bocor bila orang lain sempat membacanya: minta agar dicabut).",
    },
    "trust.key.passphrase_needed": {
        "en": "{file} is protected by a passphrase.",
        "id": "{file} dilindungi frasa sandi.",
    },
    "trust.key.passphrase_needed.hint": {
        "en": "Put the passphrase in an environment variable and pass its name: --passphrase-env VAR.",
        "id": "Simpan frasa sandi di variabel lingkungan dan berikan namanya: --passphrase-env VAR.",
    },
    "trust.key.passphrase_wrong": {
        "en": "{file}: wrong passphrase.",
        "id": "{file}: frasa sandi salah.",
    },
    "trust.key.not_a_key": {
        "en": "{file} is not a ksad private key (PEM, PKCS#8) or public key file.",
        "id": "{file} bukan berkas kunci privat ksad (PEM, PKCS#8) atau kunci publik.",
    },
    "trust.key.not_a_key.hint": {
        "en": "Create one with: ksad key generate --region CODE --signer NAME",
        "id": "Buat dengan: ksad key generate --region KODE --signer NAMA",
    },
    "trust.key.not_ed25519": {
        "en": "{file} is not an Ed25519 key; ksad signs with Ed25519 only.",
        "id": "{file} bukan kunci Ed25519; ksad hanya menandatangani dengan Ed25519.",
    },
    "trust.key.not_in_keyring": {
        "en": "Key {keyid} is not in the keyring {keyring}.",
        "id": "Kunci {keyid} tidak ada di keyring {keyring}.",
    },
    "trust.key.not_in_keyring.hint": {
        "en": "Send the public key (ksad key show FILE) to the catalog's maintainers; it counts once a new keyring version signed by the root keys lists it.",
        "id": "Kirim kunci publik (ksad key show BERKAS) ke pengelola katalog; kunci berlaku setelah versi keyring baru yang ditandatangani kunci root mencantumkannya.",
    },
    "trust.key.revoked": {
        "en": "{what}: the key {keyid} of {signer} ({region}) was revoked on {date}.",
        "id": "{what}: kunci {keyid} milik {signer} ({region}) dicabut pada {date}.",
    },
    "trust.key.revoked.hint": {
        "en": "Signatures by a revoked key count for nothing: the signer signs again with their new key.",
        "id": "Tanda tangan dengan kunci yang dicabut tidak berlaku: penanda tangan menandatangani ulang dengan kunci barunya.",
    },
    "trust.key.expired": {
        "en": "{what}: the key {keyid} of {signer} ({region}) expired on {date}.",
        "id": "{what}: kunci {keyid} milik {signer} ({region}) habis masa berlakunya pada {date}.",
    },
    "trust.key.expired.hint": {
        "en": "The signer signs again with a key that is valid today (a new keyring version can add one).",
        "id": "Penanda tangan menandatangani ulang dengan kunci yang berlaku hari ini (versi keyring baru dapat menambahkannya).",
    },
    "trust.key.not_yet_valid": {
        "en": "{what}: the key {keyid} of {signer} ({region}) is not valid until {date}.",
        "id": "{what}: kunci {keyid} milik {signer} ({region}) baru berlaku mulai {date}.",
    },
    "trust.sig.malformed": {
        "en": "{what}: signature entry {index} is malformed (it needs keyid, role and sig).",
        "id": "{what}: entri tanda tangan ke-{index} rusak (harus memuat keyid, role dan sig).",
    },
    "trust.sig.unknown_key": {
        "en": "{what}: signed by key {keyid} ({signer}), which is not in the keyring {keyring}.",
        "id": "{what}: ditandatangani dengan kunci {keyid} ({signer}) yang tidak ada di keyring {keyring}.",
    },
    "trust.sig.unknown_key.hint": {
        "en": "Only keys the catalog's keyring binds to a region count. Ask the catalog's maintainers to add the key, or sign with a listed key.",
        "id": "Hanya kunci yang diikat keyring katalog ke suatu daerah yang berlaku. Minta pengelola katalog menambahkan kunci itu, atau tanda tangani dengan kunci yang terdaftar.",
    },
    "trust.sig.mismatch": {
        "en": "{what}: the signature of {signer} (key {keyid}) does not match the content: it was changed after it was signed.",
        "id": "{what}: tanda tangan {signer} (kunci {keyid}) tidak cocok dengan isinya: isinya diubah setelah ditandatangani.",
    },
    "trust.sig.mismatch.hint": {
        "en": "Do not use it. Get the original file from its signers, or have them review the change and sign again.",
        "id": "Jangan gunakan. Ambil berkas asli dari penanda tangannya, atau minta mereka memeriksa perubahan dan menandatangani ulang.",
    },
    "trust.app.unsigned": {
        "en": "{what}: not signed by its publisher ({region}).",
        "id": "{what}: tidak ditandatangani penerbitnya ({region}).",
    },
    "trust.app.unsigned.hint": {
        "en": "The publisher signs the entry: ksad publish ... --key KEYFILE",
        "id": "Penerbit menandatangani entri: ksad publish ... --key BERKASKUNCI",
    },
    "trust.app.wrong_region": {
        "en": "{what}: signed by {signer} (key {keyid}) of region {key_region}, but its publisher is region {region}.",
        "id": "{what}: ditandatangani {signer} (kunci {keyid}) dari daerah {key_region}, padahal penerbitnya daerah {region}.",
    },
    "trust.app.index_mismatch": {
        "en": "App {app}: its file {file} holds the signed entry of {id}; the catalog's index says otherwise.",
        "id": "Aplikasi {app}: berkas {file} berisi entri bertanda tangan milik {id}; indeks katalog menyebut lain.",
    },
    "trust.app.index_mismatch.hint": {
        "en": "Delete ksad's cache ($KSAD_HOME/cache) and rebuild the index (ksad catalog index), or ask the publisher.",
        "id": "Hapus cache ksad ($KSAD_HOME/cache) dan bangun ulang indeks (ksad catalog index), atau tanyakan penerbit.",
    },
    "trust.app.not_snapshot": {
        "en": "App {app}: the entry ksad read is not the file {file} the catalog's signed snapshot lists "
              "(the file changed while ksad ran, or ksad's cache holds another copy).",
        "id": "Aplikasi {app}: entri yang dibaca ksad bukan berkas {file} yang tercantum di snapshot "
              "bertanda tangan katalog (berkas berubah saat ksad berjalan, atau cache ksad menyimpan salinan lain).",
    },
    "trust.app.not_snapshot.hint": {
        "en": "Run the command again; if this repeats, delete ksad's cache ($KSAD_HOME/cache).",
        "id": "Jalankan perintah itu lagi; bila terulang, hapus cache ksad ($KSAD_HOME/cache).",
    },
    "trust.app.wrong_role": {
        "en": "{what}: key {keyid} may not sign app entries (it lacks the 'region' role in the keyring).",
        "id": "{what}: kunci {keyid} tidak boleh menandatangani entri aplikasi (tidak memiliki peran 'region' di keyring).",
    },
    "trust.keyring.missing": {
        "en": "The catalog has no keyring: {file} does not exist.",
        "id": "Katalog tidak memiliki keyring: {file} tidak ada.",
    },
    "trust.keyring.invalid": {
        "en": "The keyring {file} is malformed:\n{problems}",
        "id": "Keyring {file} rusak:\n{problems}",
    },
    "trust.keyring.bad_keyid": {
        "en": "The keyring {file} lists key {keyid} with a public key that does not hash to that id.",
        "id": "Keyring {file} mencantumkan kunci {keyid} dengan kunci publik yang hash-nya tidak sama dengan id itu.",
    },
    "trust.snapshot.revocation_removed": {
        "en": "{file} is gone from the catalog {catalog}, but the signed snapshot lists it: signed again without "
              "it, the MoU it revokes would be valid again.",
        "id": "{file} hilang dari katalog {catalog}, padahal snapshot bertanda tangan mencantumkannya: bila "
              "ditandatangani lagi tanpa berkas itu, MoU yang dicabutnya akan sah kembali.",
    },
    "trust.snapshot.revocation_removed.hint": {
        "en": "Restore the file (git checkout -- {file}). A revocation is final: to grant the apps again, draft "
              "and sign a new MoU.",
        "id": "Pulihkan berkas itu (git checkout -- {file}). Pencabutan bersifat final: untuk memberi aplikasi "
              "lagi, susun dan tandatangani MoU baru.",
    },
    "trust.keyring.duplicate_key": {
        "en": "The keyring {file} lists key {keyid} more than once: which entry holds (its window, its revocation) "
              "would be a guess.",
        "id": "Keyring {file} mencantumkan kunci {keyid} lebih dari sekali: entri mana yang berlaku (masa berlaku, "
              "pencabutannya) hanya akan jadi tebakan.",
    },
    "trust.keyring.threshold": {
        "en": "The keyring {file} is signed by {count} of the {threshold} root keys it needs: it was changed or not signed by the catalog's roots.",
        "id": "Keyring {file} ditandatangani {count} dari {threshold} kunci root yang diperlukan: isinya diubah atau tidak ditandatangani root katalog.",
    },
    "trust.keyring.threshold.hint": {
        "en": "Do not use this catalog until its maintainers publish a keyring signed by the root keys.",
        "id": "Jangan gunakan katalog ini sampai pengelolanya menerbitkan keyring yang ditandatangani kunci root.",
    },
    "trust.keyring.not_pinned": {
        "en": "The keyring {file} is signed by {count} of the {threshold} root keys pinned in {pins}.",
        "id": "Keyring {file} ditandatangani {count} dari {threshold} kunci root yang disematkan di {pins}.",
    },
    "trust.keyring.rollback": {
        "en": "The keyring {file} is version {version}, older than version {seen} already trusted for this catalog: an old keyring is being replayed.",
        "id": "Keyring {file} versi {version}, lebih lama dari versi {seen} yang sudah dipercaya untuk katalog ini: keyring lama diputar ulang.",
    },
    "trust.keyring.rollback.hint": {
        "en": "Update the catalog (git pull) from its real source; an old keyring may still list revoked keys.",
        "id": "Perbarui katalog (git pull) dari sumber aslinya; keyring lama mungkin masih memuat kunci yang telah dicabut.",
    },
    "trust.keyring.forked": {
        "en": "The keyring {file} is version {version}, but its content differs from the version {version} already trusted.",
        "id": "Keyring {file} versi {version}, tetapi isinya berbeda dari versi {version} yang sudah dipercaya.",
    },
    "trust.keyring.not_chained": {
        "en": "The keyring {file} (version {version}) is signed by {count} of the {threshold} root keys of version {seen} trusted before; a new keyring must be signed by the previous roots.",
        "id": "Keyring {file} (versi {version}) ditandatangani {count} dari {threshold} kunci root versi {seen} yang dipercaya sebelumnya; keyring baru harus ditandatangani root sebelumnya.",
    },
    "trust.keyring.expired": {
        "en": "The keyring {file} expired on {date}.",
        "id": "Keyring {file} habis masa berlakunya pada {date}.",
    },
    "trust.keyring.expired.hint": {
        "en": "Update the catalog (git pull); its maintainers publish a new keyring version before the old one expires.",
        "id": "Perbarui katalog (git pull); pengelolanya menerbitkan versi keyring baru sebelum yang lama habis.",
    },
    "trust.pins_invalid": {
        "en": "{file}: '{value}' is not a root key id (16 or 64 hexadecimal digits).",
        "id": "{file}: '{value}' bukan id kunci root (16 atau 64 digit heksadesimal).",
    },
    "trust.state.corrupt": {
        "en": "The trust record {file} is damaged ({problem}).",
        "id": "Catatan kepercayaan {file} rusak ({problem}).",
    },
    "trust.state.corrupt.hint": {
        "en": "It holds the catalog versions you have trusted. Restore it from a backup; deleting it means trusting the catalog afresh.",
        "id": "Berkas ini memuat versi katalog yang sudah Anda percayai. Pulihkan dari cadangan; menghapusnya berarti mempercayai katalog dari awal.",
    },
    "trust.state.unwritable": {
        "en": "Cannot record the trusted catalog version in {file} ({problem}); without it an old catalog could be replayed.",
        "id": "Versi katalog yang dipercaya tidak dapat dicatat di {file} ({problem}); tanpa itu katalog lama dapat diputar ulang.",
    },
    "trust.snapshot.missing": {
        "en": "The catalog is not signed: {file} does not exist.",
        "id": "Katalog tidak ditandatangani: {file} tidak ada.",
    },
    "trust.snapshot.missing.hint": {
        "en": "Use a signed catalog; its maintainers sign it with ksad publish.",
        "id": "Gunakan katalog yang ditandatangani; pengelolanya menandatanganinya dengan ksad publish.",
    },
    "trust.snapshot.invalid": {
        "en": "The catalog snapshot {file} is malformed: {problem}.",
        "id": "Snapshot katalog {file} rusak: {problem}.",
    },
    "trust.snapshot.threshold": {
        "en": "The catalog snapshot {file} is signed by {count} of the {threshold} snapshot keys it needs.",
        "id": "Snapshot katalog {file} ditandatangani {count} dari {threshold} kunci snapshot yang diperlukan.",
    },
    "trust.snapshot.key_not_snapshot": {
        "en": "Key {keyid} ({signer}) may not sign the catalog snapshot: the keyring does not give it the 'snapshot' role.",
        "id": "Kunci {keyid} ({signer}) tidak boleh menandatangani snapshot katalog: keyring tidak memberinya peran 'snapshot'.",
    },
    "trust.snapshot.version_not_increasing": {
        "en": "Snapshot version {version} is not above the current version {seen}; versions only ever increase.",
        "id": "Versi snapshot {version} tidak lebih tinggi dari versi sekarang {seen}; versi hanya boleh naik.",
    },
    "trust.snapshot.rollback": {
        "en": "The catalog snapshot {file} is version {version}, older than version {seen} already trusted: an old catalog is being replayed.",
        "id": "Snapshot katalog {file} versi {version}, lebih lama dari versi {seen} yang sudah dipercaya: katalog lama diputar ulang.",
    },
    "trust.snapshot.rollback.hint": {
        "en": "Update the catalog (git pull) from its real source. An old catalog may grant what has since been revoked.",
        "id": "Perbarui katalog (git pull) dari sumber aslinya. Katalog lama mungkin memberikan hal yang sudah dicabut.",
    },
    "trust.snapshot.forked": {
        "en": "The catalog snapshot {file} is version {version}, but its content differs from the version {version} already trusted.",
        "id": "Snapshot katalog {file} versi {version}, tetapi isinya berbeda dari versi {version} yang sudah dipercaya.",
    },
    "trust.snapshot.expired": {
        "en": "The catalog snapshot {file} expired on {date}: the catalog may be frozen at an old state.",
        "id": "Snapshot katalog {file} habis masa berlakunya pada {date}: katalog mungkin dibekukan pada keadaan lama.",
    },
    "trust.snapshot.expired.hint": {
        "en": "Update the catalog (git pull); its maintainers re-sign it before it expires.",
        "id": "Perbarui katalog (git pull); pengelolanya menandatangani ulang sebelum habis masa berlakunya.",
    },
    "trust.snapshot.file_changed": {
        "en": "{file} in the catalog {catalog} differs from the signed snapshot: it was changed after signing.",
        "id": "{file} di katalog {catalog} berbeda dari snapshot yang ditandatangani: berkas diubah setelah ditandatangani.",
    },
    "trust.snapshot.file_changed.hint": {
        "en": "Restore the catalog from its source (git checkout / git pull); a changed file is never used.",
        "id": "Pulihkan katalog dari sumbernya (git checkout / git pull); berkas yang diubah tidak pernah digunakan.",
    },
    "trust.snapshot.file_missing": {
        "en": "{file} is listed in the signed snapshot but missing from the catalog {catalog}.",
        "id": "{file} tercantum di snapshot yang ditandatangani tetapi tidak ada di katalog {catalog}.",
    },
    "trust.snapshot.file_unlisted": {
        "en": "{file} in the catalog {catalog} is not in the signed snapshot: it was added after signing.",
        "id": "{file} di katalog {catalog} tidak ada di snapshot yang ditandatangani: berkas ditambahkan setelah penandatanganan.",
    },
    "trust.snapshot.file_unlisted.hint": {
        "en": "Remove the file, or have the catalog's maintainers sign the snapshot again (ksad catalog index --snapshot-key KEY, or ksad publish).",
        "id": "Hapus berkas itu, atau minta pengelola katalog menandatangani ulang snapshot (ksad catalog index --snapshot-key KUNCI, atau ksad publish).",
    },
    # MoU
    "mou.side.pioneer": {"en": "pioneer", "id": "daerah perintis"},
    "mou.side.partner": {"en": "partner", "id": "daerah mitra"},
    "mou.kind.mou": {"en": "an MoU", "id": "MoU"},
    "mou.kind.revocation": {"en": "an MoU revocation", "id": "pencabutan MoU"},
    "mou.wrong_kind": {
        "en": "{file} is {kind}, not what this command expects.",
        "id": "{file} adalah {kind}, bukan yang diharapkan perintah ini.",
    },
    "mou.id_mismatch": {
        "en": "{file}: the MoU id '{id}' must match the file name.",
        "id": "{file}: id MoU '{id}' harus sama dengan nama berkas.",
    },
    "mou.unknown": {
        "en": "No MoU '{id}' in the catalog {catalog}.",
        "id": "Tidak ada MoU '{id}' di katalog {catalog}.",
    },
    "mou.unknown.hint": {"en": "See the MoUs with: ksad mou list", "id": "Lihat daftar MoU dengan: ksad mou list"},
    "mou.app_invalid": {
        "en": "'{value}' is not an app with an optional version range (such as e-budgeting or \"e-budgeting>=1,<2\").",
        "id": "'{value}' bukan aplikasi dengan rentang versi opsional (misalnya e-budgeting atau \"e-budgeting>=1,<2\").",
    },
    "mou.grant_empty": {
        "en": "The range '{spec}' for {app} contains no version at all (its bounds cross).",
        "id": "Rentang '{spec}' untuk {app} tidak memuat versi apa pun (batas-batasnya bersilangan).",
    },
    "mou.draft.ended": {
        "en": "The MoU would have ended already ({valid_until}; today is {today}): signed, it would grant nothing.",
        "id": "MoU ini sudah berakhir ({valid_until}; hari ini {today}): bila ditandatangani, tidak memberi apa pun.",
    },
    "mou.draft.same_party": {
        "en": "The pioneer and the partner are the same region ({code}).",
        "id": "Daerah perintis dan daerah mitra adalah daerah yang sama ({code}).",
    },
    "mou.draft.window": {
        "en": "The MoU would end ({valid_until}) before it starts ({valid_from}).",
        "id": "MoU akan berakhir ({valid_until}) sebelum dimulai ({valid_from}).",
    },
    "mou.draft.no_apps": {
        "en": "An MoU must grant at least one app (--app).",
        "id": "MoU harus memberikan sedikitnya satu aplikasi (--app).",
    },
    "mou.draft.duplicate_app": {
        "en": "App {app} is listed more than once; give one version range per app.",
        "id": "Aplikasi {app} dicantumkan lebih dari sekali; berikan satu rentang versi per aplikasi.",
    },
    "mou.draft.not_publisher": {
        "en": "{app} is published by region {publisher}, not by the pioneer {pioneer}: this MoU could never grant it.",
        "id": "{app} diterbitkan oleh daerah {publisher}, bukan oleh daerah perintis {pioneer}: MoU ini tidak akan pernah dapat memberikannya.",
    },
    "mou.draft.number_missing": {
        "en": "The {side}'s document number is empty.",
        "id": "Nomor dokumen {side} kosong.",
    },
    "mou.draft.id_invalid": {
        "en": "'{id}' is not a valid MoU id (lower-case letters, digits and '-', 3 to 80 characters).",
        "id": "'{id}' bukan id MoU yang sah (huruf kecil, angka dan '-', 3 sampai 80 karakter).",
    },
    "mou.sign.not_party": {
        "en": "Key {keyid} ({signer}) belongs to region {region}, which is neither the pioneer ({pioneer}) nor the partner ({partner}) of MoU {id}.",
        "id": "Kunci {keyid} ({signer}) milik daerah {region}, yang bukan daerah perintis ({pioneer}) maupun daerah mitra ({partner}) dalam MoU {id}.",
    },
    "mou.sign.wrong_role": {
        "en": "Key {keyid} ({signer}) of region {region} may not sign or revoke MoU {id}: it lacks the 'region' role in the keyring (a snapshot key only signs the catalog's snapshot).",
        "id": "Kunci {keyid} ({signer}) dari daerah {region} tidak boleh menandatangani atau mencabut MoU {id}: kunci itu tidak memiliki peran 'region' di keyring (kunci snapshot hanya menandatangani snapshot katalog).",
    },
    "mou.sign.wrong_role.hint": {
        "en": "Use the key of your region's official, which the keyring lists with the 'region' role.",
        "id": "Gunakan kunci pejabat daerah Anda, yang tercantum di keyring dengan peran 'region'.",
    },
    "mou.sign.already": {
        "en": "The {side} ({code}) has already signed MoU {id} (key {keyid}, {signer}); each side signs once.",
        "id": "Pihak {side} ({code}) sudah menandatangani MoU {id} (kunci {keyid}, {signer}); setiap pihak menandatangani satu kali.",
    },
    "mou.revoke.exists": {
        "en": "MoU {id} is already revoked ({file}).",
        "id": "MoU {id} sudah dicabut ({file}).",
    },
    "mou.revoke.reason_missing": {
        "en": "Give the reason for revoking (--reason).",
        "id": "Berikan alasan pencabutan (--reason).",
    },
    "mou.revocation_invalid": {
        "en": "MoU {id}: the revocation {file} is not validly signed by either party ({detail}).",
        "id": "MoU {id}: pencabutan {file} tidak ditandatangani secara sah oleh salah satu pihak ({detail}).",
    },
    "mou.revocation_invalid.hint": {
        "en": "The MoU grants nothing while {file} is in the catalog: tell the catalog's maintainers. Only an official of the pioneer or the partner revokes an MoU, with their region's key: ksad mou revoke {id} --key KEYFILE --reason TEXT",
        "id": "MoU ini tidak memberikan apa pun selama {file} ada di katalog: beri tahu pengelola katalog. Hanya pejabat daerah perintis atau daerah mitra yang mencabut MoU, dengan kunci daerahnya: ksad mou revoke {id} --key BERKASKUNCI --reason ALASAN",
    },
    "mou.revocation_unsigned": {"en": "no signature", "id": "tanpa tanda tangan"},
    "mou.revocation_wrong_role": {
        "en": "key {keyid} ({signer}) lacks the 'region' role in the keyring, so it cannot revoke for the {side} ({code})",
        "id": "kunci {keyid} ({signer}) tidak memiliki peran 'region' di keyring, jadi tidak dapat mencabut atas nama {side} ({code})",
    },
    "mou.revocation_wrong_region": {
        "en": "key {keyid} ({signer}) belongs to region {region}, not to the {side} ({code})",
        "id": "kunci {keyid} ({signer}) milik daerah {region}, bukan milik {side} ({code})",
    },
    "mou.no_pair": {
        "en": "No MoU between the publisher {publisher} and region {partner} grants {app} (catalog {catalog}).",
        "id": "Tidak ada MoU antara penerbit {publisher} dan daerah {partner} yang memberikan {app} (katalog {catalog}).",
    },
    "mou.no_pair.hint": {
        "en": "Both sides draft and sign one: ksad mou draft --pioneer {publisher} --partner {partner} --app {app} ... (see ksad mou draft --help).",
        "id": "Kedua pihak menyusun dan menandatangani MoU: ksad mou draft --pioneer {publisher} --partner {partner} --app {app} ... (lihat ksad mou draft --help).",
    },
    "mou.app_not_granted": {
        "en": "MoU {id} between {publisher} and {partner} does not grant {app}.",
        "id": "MoU {id} antara {publisher} dan {partner} tidak memberikan {app}.",
    },
    "mou.versions_invalid": {
        "en": "MoU {id} ({file}) grants {app} for '{value}', which is not a version range.",
        "id": "MoU {id} ({file}) memberikan {app} untuk '{value}', yang bukan rentang versi.",
    },
    "mou.versions_invalid.hint": {
        "en": "Ask both sides for a corrected MoU with a range such as '>=1,<2', signed again.",
        "id": "Mintalah kedua pihak MoU yang diperbaiki dengan rentang seperti '>=1,<2', lalu ditandatangani ulang.",
    },
    "mou.version_outside": {
        "en": "MoU {id} grants {app} {range}; version {version} is outside that range.",
        "id": "MoU {id} memberikan {app} {range}; versi {version} di luar rentang itu.",
    },
    "mou.version_outside.hint": {
        "en": "Install a version inside the range, or agree a new MoU that grants this one.",
        "id": "Pasang versi di dalam rentang itu, atau sepakati MoU baru yang memberikan versi ini.",
    },
    "mou.expired": {
        "en": "MoU {id} expired on {date}.",
        "id": "MoU {id} habis masa berlakunya pada {date}.",
    },
    "mou.expired.hint": {
        "en": "Both sides agree and sign a new MoU (ksad mou draft).",
        "id": "Kedua pihak menyepakati dan menandatangani MoU baru (ksad mou draft).",
    },
    "mou.not_yet_valid": {
        "en": "MoU {id} is not valid until {date}.",
        "id": "MoU {id} baru berlaku mulai {date}.",
    },
    "mou.revoked": {
        "en": "MoU {id} was revoked on {date} by the {side} ({code}): {reason}",
        "id": "MoU {id} dicabut pada {date} oleh {side} ({code}): {reason}",
    },
    "mou.unsigned": {
        "en": "MoU {id} is signed by neither side.",
        "id": "MoU {id} belum ditandatangani kedua pihak.",
    },
    "mou.unsigned.hint": {
        "en": "One official of each side signs it: ksad mou sign FILE --key KEYFILE",
        "id": "Satu pejabat dari setiap pihak menandatanganinya: ksad mou sign BERKAS --key BERKASKUNCI",
    },
    "mou.missing_side": {
        "en": "MoU {id} has only the {side}'s signature; the {missing} ({code}, {office}) has not signed it.",
        "id": "MoU {id} baru ditandatangani {side}; {missing} ({code}, {office}) belum menandatanganinya.",
    },
    "mou.missing_side.hint": {
        "en": "The other side's official countersigns the same file: ksad mou sign FILE --key KEYFILE",
        "id": "Pejabat pihak lainnya menandatangani berkas yang sama: ksad mou sign BERKAS --key BERKASKUNCI",
    },
    "mou.duplicate_side": {
        "en": "MoU {id} is signed twice by the {side} ({code}); each side signs once, and the other side's signature is what counts.",
        "id": "MoU {id} ditandatangani dua kali oleh {side} ({code}); setiap pihak menandatangani satu kali, dan yang diperlukan adalah tanda tangan pihak lainnya.",
    },
    "mou.wrong_side": {
        "en": "MoU {id}: key {keyid} ({signer}) belongs to region {region}, so it cannot sign as the {side} ({code}).",
        "id": "MoU {id}: kunci {keyid} ({signer}) milik daerah {region}, jadi tidak dapat menandatangani sebagai {side} ({code}).",
    },
    "mou.wrong_role": {
        "en": "MoU {id}: key {keyid} ({signer}) lacks the 'region' role in the keyring, so it cannot sign as the {side} ({code}).",
        "id": "MoU {id}: kunci {keyid} ({signer}) tidak memiliki peran 'region' di keyring, jadi tidak dapat menandatangani sebagai {side} ({code}).",
    },
    # CLI (ksad key / ksad mou)
    "key.written": {
        "en": "Private key written to {file} (readable by you only). Keep it secret; it is never printed.",
        "id": "Kunci privat ditulis ke {file} (hanya dapat dibaca Anda). Rahasiakan; kunci ini tidak pernah ditampilkan.",
    },
    "key.dry_run": {
        "en": "Dry run: would write a new private key for {signer} ({region}) to {file} and its public key to {public} (nothing was written).",
        "id": "Uji coba: kunci privat baru untuk {signer} ({region}) akan ditulis ke {file} dan kunci publiknya ke {public} (tidak ada yang ditulis).",
    },
    "key.public_written": {
        "en": "Public key: {file} (send it to the catalog's maintainers for the keyring).",
        "id": "Kunci publik: {file} (kirim ke pengelola katalog untuk dimasukkan ke keyring).",
    },
    "key.passphrase_env_missing": {
        "en": "The environment variable {var} (--passphrase-env) is not set.",
        "id": "Variabel lingkungan {var} (--passphrase-env) tidak diatur.",
    },
    "key.passphrase_prompt": {"en": "Passphrase for {file}", "id": "Frasa sandi untuk {file}"},
    "key.col.keyid": {"en": "Key id", "id": "Id kunci"},
    "key.col.public": {"en": "Public key", "id": "Kunci publik"},
    "key.col.region": {"en": "Region", "id": "Daerah"},
    "key.col.signer": {"en": "Signer", "id": "Penanda tangan"},
    "key.col.position": {"en": "Position", "id": "Jabatan"},
    "mou.signed": {
        "en": "Signed MoU {id} as the {side} ({region}) with key {keyid} ({signer}): {file}",
        "id": "MoU {id} ditandatangani sebagai {side} ({region}) dengan kunci {keyid} ({signer}): {file}",
    },
    "mou.dry_run.sign": {
        "en": "Dry run: would sign MoU {id} as the {side} ({region}) with key {keyid} ({signer}): {file}",
        "id": "Uji coba: MoU {id} akan ditandatangani sebagai {side} ({region}) dengan kunci {keyid} ({signer}): {file}",
    },
    "mou.signed.waiting": {
        "en": "Still missing: the {side}'s signature.",
        "id": "Masih kurang: tanda tangan {side}.",
    },
    "mou.signed.complete": {
        "en": "Both sides have signed. Put the file in the catalog as mous/{id}.yaml; the catalog's maintainers then "
              "sign its snapshot again (ksad catalog index --snapshot-key KEY), and the MoU holds from then on.",
        "id": "Kedua pihak sudah menandatangani. Letakkan berkas di katalog sebagai mous/{id}.yaml; pengelola katalog "
              "lalu menandatangani ulang snapshot-nya (ksad catalog index --snapshot-key KUNCI), dan sejak itu MoU berlaku.",
    },
    "mou.dry_run.revoke": {
        "en": "Dry run: would revoke MoU {id} from {date} for the {side} by writing {file} (nothing was written).",
        "id": "Uji coba: MoU {id} akan dicabut mulai {date} atas nama {side} dengan menulis {file} (tidak ada yang ditulis).",
    },
    "mou.revoked_written": {
        "en": "MoU {id} revoked from {date} by the {side}: {file}. Clients see it once the catalog snapshot is re-signed (ksad catalog index --snapshot-key KEY).",
        "id": "MoU {id} dicabut mulai {date} oleh {side}: {file}. Klien melihatnya setelah snapshot katalog ditandatangani ulang (ksad catalog index --snapshot-key KUNCI).",
    },
    "mou.valid": {"en": "MoU {id} is valid.", "id": "MoU {id} sah."},
    "mou.demo_note": {
        "en": "DEMO: signed with the bundled demonstration keys, which anyone can reproduce; it proves nothing.",
        "id": "DEMO: ditandatangani dengan kunci demonstrasi bawaan yang dapat dibuat ulang siapa saja; tidak membuktikan apa pun.",
    },
    "mou.none": {"en": "No MoUs in {catalog}.", "id": "Tidak ada MoU di {catalog}."},
    "mou.none_region": {"en": "No MoUs of {region} in {catalog} (--all lists every MoU).",
                        "id": "Tidak ada MoU milik {region} di {catalog} (--all menampilkan semua MoU)."},
    "mou.list.title": {"en": "MoUs in {catalog}", "id": "MoU di {catalog}"},
    "mou.list.title_region": {"en": "MoUs of {region} in {catalog} (--all lists every MoU)",
                              "id": "MoU milik {region} di {catalog} (--all menampilkan semua MoU)"},
    "mou.list.scope_conflict": {"en": "--region and --all exclude each other: give one of them.",
                                "id": "--region dan --all tidak bisa dipakai bersamaan: pilih salah satu."},
    "mou.field.pioneer": {"en": "Pioneer", "id": "Daerah perintis"},
    "mou.field.partner": {"en": "Partner", "id": "Daerah mitra"},
    "mou.field.window": {"en": "Valid", "id": "Berlaku"},
    "mou.field.apps": {"en": "Apps", "id": "Aplikasi"},
    "mou.field.document": {"en": "Document sha256", "id": "sha256 dokumen"},
    "mou.field.signed": {"en": "Signed by", "id": "Ditandatangani"},
    "mou.field.terms": {"en": "Terms", "id": "Ketentuan"},
    "mou.field.revoked": {"en": "Revoked", "id": "Dicabut"},
    "mou.field.status": {"en": "Status", "id": "Status"},
    "mou.field.id": {"en": "MoU", "id": "MoU"},
    "mou.status.valid": {"en": "valid", "id": "sah"},
    "mou.status.invalid": {"en": "invalid", "id": "tidak sah"},
    "mou.document_mismatch": {
        "en": "{file} has sha256 {actual}, but MoU {id} names the document {expected}: not the signed MoU document.",
        "id": "{file} ber-sha256 {actual}, tetapi MoU {id} menyebut dokumen {expected}: bukan dokumen MoU yang ditandatangani.",
    },
    # --- end of trust / MoU ---
    # --- publish and publiccode.yml (ksad/publish.py, ksad/publiccode.py, ksad/cli/publish.py) ---
    "publish.image_invalid": {
        "en": "'{image}' is not an image reference ksad can pin (name[:tag], lower-case).",
        "id": "'{image}' bukan rujukan image yang dapat disematkan ksad (nama[:tag], huruf kecil).",
    },
    "publish.tag_unknown": {
        "en": "Registry {registry} has no image {image} (tag '{tag}', HTTP {status}).",
        "id": "Registry {registry} tidak memiliki image {image} (tag '{tag}', HTTP {status}).",
    },
    "publish.tag_unknown.hint": {
        "en": "Push the image with that tag first (docker push), or correct the image line in compose.yaml.",
        "id": "Unggah dulu image dengan tag itu (docker push), atau perbaiki baris image di compose.yaml.",
    },
    "publish.registry_auth": {
        "en": "Registry {registry} wants a login to read {image}; ksad publish supports only registries that can be read anonymously.",
        "id": "Registry {registry} meminta login untuk membaca {image}; ksad publish hanya mendukung registry yang dapat dibaca tanpa login.",
    },
    "publish.registry_error": {
        "en": "Registry {registry} refused to give the digest of {image} ({status}).",
        "id": "Registry {registry} menolak memberikan digest {image} ({status}).",
    },
    "publish.registry_unreachable": {
        "en": "Cannot reach registry {registry} to pin {image}: {detail}",
        "id": "Registry {registry} tidak dapat dihubungi untuk menyematkan {image}: {detail}",
    },
    "publish.registry_unreachable.hint": {
        "en": "Check the address and that the registry runs; nothing was changed.",
        "id": "Periksa alamatnya dan bahwa registry berjalan; tidak ada yang diubah.",
    },
    "publish.image_line": {
        "en": "{file}: could not rewrite the image lines to their digests without changing anything else.",
        "id": "{file}: baris image tidak dapat ditulis ulang ke digest-nya tanpa mengubah hal lain.",
    },
    "publish.image_line.hint": {
        "en": "Write each image as 'image: name:tag' on its own line, or pin it yourself (name@sha256:...).",
        "id": "Tulis setiap image sebagai 'image: nama:tag' pada barisnya sendiri, atau sematkan sendiri (nama@sha256:...).",
    },
    "publish.no_compose": {
        "en": "{dir} holds no compose.yaml.",
        "id": "{dir} tidak berisi compose.yaml.",
    },
    "publish.outside_sources": {
        "en": "{dir} is outside the catalog's sources root {sources}.",
        "id": "{dir} berada di luar akar sumber katalog {sources}.",
    },
    "publish.outside_sources.hint": {
        "en": "Put the recipe at <sources>/recipes/<app-id>/<version>/ (catalog.yaml 'sources' names the root), or choose the catalog with --catalog.",
        "id": "Letakkan resep di <sources>/recipes/<id-aplikasi>/<versi>/ ('sources' di catalog.yaml menyebut akarnya), atau pilih katalog dengan --catalog.",
    },
    "publish.app_id_invalid": {
        "en": "'{app}' (the parent directory of {dir}) is not a valid app id.",
        "id": "'{app}' (direktori induk {dir}) bukan id aplikasi yang sah.",
    },
    "publish.app_id_invalid.hint": {
        "en": "The recipe directory is <sources>/recipes/<app-id>/<version>/; the app id is lower-case letters, digits and '-'.",
        "id": "Direktori resep adalah <sources>/recipes/<id-aplikasi>/<versi>/; id aplikasi berisi huruf kecil, angka dan '-'.",
    },
    "publish.wrong_region": {
        "en": "Key {keyid} ({signer}) belongs to region {key_region}, but {app} is published by region {region}.",
        "id": "Kunci {keyid} ({signer}) milik daerah {key_region}, padahal {app} diterbitkan daerah {region}.",
    },
    "publish.wrong_region.hint": {
        "en": "Only the publisher's own key can publish its apps; use a key the keyring binds to {region}.",
        "id": "Hanya kunci penerbit sendiri yang dapat menerbitkan aplikasinya; gunakan kunci yang terikat ke {region} di keyring.",
    },
    "publish.no_snapshot_key": {
        "en": "No key to re-sign the catalog snapshot: key {keyid} lacks the 'snapshot' role in {keyring}.",
        "id": "Tidak ada kunci untuk menandatangani ulang snapshot katalog: kunci {keyid} tidak memiliki peran 'snapshot' di {keyring}.",
    },
    "publish.no_snapshot_key.hint": {
        "en": "Add --snapshot-key KEYFILE with a key of the catalog maintainers that has the 'snapshot' role.",
        "id": "Tambahkan --snapshot-key BERKASKUNCI dengan kunci pengelola katalog yang berperan 'snapshot'.",
    },
    "publish.no_entry": {
        "en": "The catalog has no entry for {app} ({file}).",
        "id": "Katalog tidak memiliki entri untuk {app} ({file}).",
    },
    "publish.no_entry.hint": {
        "en": "Write the first entry by hand, or: ksad catalog import-publiccode publiccode.yml --id {app}",
        "id": "Tulis entri pertama secara manual, atau: ksad catalog import-publiccode publiccode.yml --id {app}",
    },
    "publish.version_exists": {
        "en": "{app} {version} is already published in {file}.",
        "id": "{app} {version} sudah diterbitkan di {file}.",
    },
    "publish.version_exists.hint": {
        "en": "Publish a new version; --force replaces the release (clients that installed it keep the old one).",
        "id": "Terbitkan versi baru; --force mengganti rilis itu (klien yang sudah memasangnya tetap memakai yang lama).",
    },
    "publish.tag_exists": {
        "en": "Tag {tag} already exists in {repo}.",
        "id": "Tag {tag} sudah ada di {repo}.",
    },
    "publish.tag_exists.hint": {
        "en": "Publish a new version, or use --force to replace the release and move the tag.",
        "id": "Terbitkan versi baru, atau gunakan --force untuk mengganti rilis dan memindahkan tag.",
    },
    "publish.git_failed": {
        "en": "git in {repo} failed: {detail}. The catalog files were restored.",
        "id": "git di {repo} gagal: {detail}. Berkas katalog sudah dipulihkan.",
    },
    "publish.git_failed.hint": {
        "en": "Fix the repository (e.g. git config user.name / user.email), then publish again; or use --no-git.",
        "id": "Perbaiki repositorinya (mis. git config user.name / user.email), lalu terbitkan lagi; atau gunakan --no-git.",
    },
    "publish.changelog_both": {
        "en": "Give the changelog in both languages: --changelog-id and --changelog-en.",
        "id": "Berikan catatan perubahan dalam dua bahasa: --changelog-id dan --changelog-en.",
    },
    "publish.plan": {
        "en": "Would publish {app} {version} into {file} (dry run: nothing changed).",
        "id": "Akan menerbitkan {app} {version} ke {file} (uji coba: tidak ada yang diubah).",
    },
    "publish.done": {
        "en": "Published {app} {version} in {file}.",
        "id": "{app} {version} diterbitkan di {file}.",
    },
    "publish.pinned": {
        "en": "  image of {service}: {image} -> {pinned}",
        "id": "  image {service}: {image} -> {pinned}",
    },
    "publish.build_pinned": {
        "en": "  build source of {service}: tree sha256 {sha}",
        "id": "  sumber build {service}: sha256 pohon {sha}",
    },
    "publish.recipe_pinned": {
        "en": "  recipe {path}: tree sha256 {sha}",
        "id": "  resep {path}: sha256 pohon {sha}",
    },
    "publish.snapshot": {
        "en": "  snapshot version {version}, signed by {keys}",
        "id": "  snapshot versi {version}, ditandatangani {keys}",
    },
    "publish.other_changes": {
        "en": "  the new snapshot also covers these changed files: {files}",
        "id": "  snapshot baru juga mencakup berkas yang berubah ini: {files}",
    },
    "publish.other_changes_git": {
        "en": "  the new snapshot also covers these changed files, so they are committed with the release: {files}",
        "id": "  snapshot baru juga mencakup berkas yang berubah ini, jadi berkas itu di-commit bersama rilis ini: {files}",
    },
    "publish.git_plan": {
        "en": "  git: commit in {repo} and tag {tag}",
        "id": "  git: commit di {repo} dan tag {tag}",
    },
    "publish.git_done": {
        "en": "  git: commit {commit} in {repo}, tag {tag}",
        "id": "  git: commit {commit} di {repo}, tag {tag}",
    },
    "publish.no_git": {
        "en": "  the catalog is not in a git repository: nothing committed.",
        "id": "  katalog tidak berada di repositori git: tidak ada yang di-commit.",
    },
    "publiccode.missing": {
        "en": "publiccode.yml lacks {field}.",
        "id": "publiccode.yml tidak memiliki {field}.",
    },
    "publiccode.wrong_type": {
        "en": "{where}publiccode.yml's {field} must be {expected}, not {got}.",
        "id": "{where}{field} di publiccode.yml harus berupa {expected}, bukan {got}.",
    },
    "publiccode.wrong_type.hint": {
        "en": "Fix it as the publiccode.yml standard says (https://yml.publiccode.tools), then import again.",
        "id": "Perbaiki sesuai standar publiccode.yml (https://yml.publiccode.tools), lalu impor lagi.",
    },
    "publiccode.kind.text": {"en": "text", "id": "teks"},
    "publiccode.kind.mapping": {"en": "a mapping (key: value)", "id": "pemetaan (kunci: nilai)"},
    "publiccode.kind.list": {"en": "a list", "id": "daftar"},
    "publiccode.id_invalid": {
        "en": "'{id}' is not a valid app id.",
        "id": "'{id}' bukan id aplikasi yang sah.",
    },
    "publiccode.id_invalid.hint": {
        "en": "Choose one with --id: lower-case letters, digits and '-', 2 to 40 characters, starting with a letter.",
        "id": "Pilih dengan --id: huruf kecil, angka dan '-', 2 sampai 40 karakter, diawali huruf.",
    },
    "publiccode.category_default": {
        "en": "no ksad category matches the publiccode categories ({categories}); category set to {category}, edit it if needed.",
        "id": "tidak ada kategori ksad yang cocok dengan kategori publiccode ({categories}); kategori diisi {category}, ubah bila perlu.",
    },
    "publiccode.url_skipped": {
        "en": "url {url} is not an http(s) or git URL; no source written.",
        "id": "url {url} bukan URL http(s) atau git; source tidak ditulis.",
    },
    "publiccode.exists": {
        "en": "The catalog already has {app}: {file}.",
        "id": "Katalog sudah memiliki {app}: {file}.",
    },
    "publiccode.exists.hint": {
        "en": "Choose another id with --id, or edit the existing entry.",
        "id": "Pilih id lain dengan --id, atau ubah entri yang ada.",
    },
    "publiccode.no_publisher": {
        "en": "publiccode.yml does not say which region publishes the app.",
        "id": "publiccode.yml tidak menyebut daerah yang menerbitkan aplikasi.",
    },
    "publiccode.no_publisher.hint": {
        "en": "Give its Kemendagri code: --publisher-code 32.73 (or describe your region once with ksad init).",
        "id": "Berikan kode Kemendagri-nya: --publisher-code 32.73 (atau jelaskan daerah Anda sekali dengan ksad init).",
    },
    "publiccode.plan": {
        "en": "Would write {file} ({app}; dry run: nothing changed).",
        "id": "Akan menulis {file} ({app}; uji coba: tidak ada yang diubah).",
    },
    "publiccode.written": {
        "en": "Wrote {file}: {app} is a draft until its first release (ksad publish).",
        "id": "{file} ditulis: {app} masih draf sampai rilis pertamanya (ksad publish).",
    },
    "catalog.draft": {
        "en": "{app} has no release yet (a draft): publish one with ksad publish",
        "id": "{app} belum memiliki rilis (draf): terbitkan dengan ksad publish",
    },
    "validation.warning": {"en": "Warning", "id": "Peringatan"},
    # --- end of publish and publiccode.yml ---
    # --- backup and restore (ksad/backup.py, ksad/cli/backup.py) ---
    "backup.output_is_dir": {"en": "{path} is a directory; give the name of the archive file to write.",
                             "id": "{path} adalah direktori; berikan nama berkas arsip yang akan ditulis."},
    "backup.which": {"en": "Name one app to back up, or use --all for every app on the target.",
                     "id": "Sebutkan satu aplikasi untuk dicadangkan, atau pakai --all untuk semua aplikasi di target."},
    "backup.all_output": {"en": "--output names one file, and --all writes one archive per app: they go to {dir}.",
                          "id": "--output menyebut satu berkas, sedangkan --all menulis satu arsip per aplikasi: semuanya masuk ke {dir}."},
    "backup.all_output.hint": {"en": "Leave --output out, or back up one app at a time with --output.",
                               "id": "Hilangkan --output, atau cadangkan satu aplikasi demi satu dengan --output."},
    "backup.output_no_dir": {"en": "Cannot write {path}: the directory {dir} does not exist.",
                             "id": "Tidak dapat menulis {path}: direktori {dir} tidak ada."},
    "logs.tail_invalid": {"en": "'{value}' is neither a number of lines (0 or more) nor 'all'.",
                          "id": "'{value}' bukan jumlah baris (0 atau lebih) dan bukan 'all'."},
    "backup.output_exists": {"en": "{path} already exists; a backup does not replace a file unless told to.",
                             "id": "{path} sudah ada; cadangan tidak menimpa berkas kecuali diminta."},
    "backup.output_exists.hint": {"en": "Choose another file with --output, or add --force to replace it.",
                                  "id": "Pilih berkas lain dengan --output, atau tambahkan --force untuk menimpanya."},
    "backup.output_not_file": {"en": "{path} exists and is not a regular file (a link, a device or a pipe); a backup is never written in its place.",
                               "id": "{path} sudah ada dan bukan berkas biasa (tautan, perangkat atau pipa); cadangan tidak pernah ditulis menggantikannya."},
    "backup.output_not_file.hint": {"en": "Choose another file with --output.", "id": "Pilih berkas lain dengan --output."},
    "backup.output_unwritable": {"en": "Cannot write the backup {path}: the directory {dir} refused it ({problem}).",
                                 "id": "Cadangan {path} tidak dapat ditulis: direktori {dir} menolaknya ({problem})."},
    "backup.output_unwritable.hint": {"en": "Choose a directory you can write, with room for the app's data, with --output.",
                                      "id": "Pilih direktori yang dapat Anda tulisi dan cukup ruang untuk data aplikasi, dengan --output."},
    "backup.volume_missing": {"en": "The data volume {volume} is missing on target {target}; nothing to back up from it.",
                              "id": "Volume data {volume} tidak ada di target {target}; tidak ada yang dapat dicadangkan darinya."},
    "backup.done": {"en": "Backed up {name} ({app} {version}, revision {revision}) to {file}: {size}, sha256 {sha256} ({seconds} s).",
                    "id": "{name} ({app} {version}, revisi {revision}) dicadangkan ke {file}: {size}, sha256 {sha256} ({seconds} detik)."},
    "backup.keep_safe": {"en": "The archive holds the app's secrets: it is readable by you only (0600); keep it like a password.",
                         "id": "Arsip ini memuat rahasia aplikasi: hanya dapat dibaca oleh Anda (0600); simpan seperti kata sandi."},
    "backup.plan": {"en": "Would back up {name} ({app} {version}, revision {revision}) from target {target} to {file}:",
                    "id": "Akan mencadangkan {name} ({app} {version}, revisi {revision}) dari target {target} ke {file}:"},
    "backup.plan.identity": {"en": "identity pack: {files}", "id": "paket identitas: {files}"},
    "backup.plan.no_identity": {"en": "no identity pack in this KSAD_HOME", "id": "tidak ada paket identitas di KSAD_HOME ini"},
    "backup.plan.secrets": {"en": "secrets: {names}", "id": "rahasia: {names}"},
    "backup.plan.volume": {"en": "data volume {volume} -> {member}", "id": "volume data {volume} -> {member}"},
    "backup.plan.pause": {"en": "paused while its data is read: {containers}",
                          "id": "dijeda selama datanya dibaca: {containers}"},
    "backup.unpause_failed": {"en": "Target {target}: could not resume {containers} after reading its data; the app is paused.",
                              "id": "Target {target}: {containers} tidak dapat dilanjutkan setelah datanya dibaca; aplikasi sedang dijeda."},
    "backup.unpause_failed.hint": {"en": "Resume it with: docker unpause {containers}",
                                   "id": "Lanjutkan dengan: docker unpause {containers}"},
    "step.backup_pause": {"en": "Pausing {container} while its data is read", "id": "Menjeda {container} selama datanya dibaca"},
    "step.backup_volume": {"en": "Reading data volume {volume}", "id": "Membaca volume data {volume}"},
    "step.backup_write": {"en": "Writing {file}", "id": "Menulis {file}"},
    "step.restore_verify": {"en": "Checking every member of {file}", "id": "Memeriksa setiap anggota {file}"},
    "step.restore_identity": {"en": "This KSAD_HOME had no identity pack: writing the archive's to {file}",
                              "id": "KSAD_HOME ini belum punya paket identitas: menulis paket dari arsip ke {file}"},
    "step.restore_identity_local": {"en": "Keeping this KSAD_HOME's identity pack ({file}); it differs from the archive's",
                                    "id": "Tetap memakai paket identitas KSAD_HOME ini ({file}); berbeda dari yang ada di arsip"},
    "step.restore_volume_empty": {"en": "Creating empty data volume {volume} (not in the archive)",
                                  "id": "Membuat volume data kosong {volume} (tidak ada di arsip)"},
    "step.restore_volume": {"en": "Creating and filling data volume {volume}", "id": "Membuat dan mengisi volume data {volume}"},
    "restore.no_file": {"en": "{file}: no such file. Nothing was changed.", "id": "{file}: berkas tidak ada. Tidak ada yang diubah."},
    "restore.archive_unreadable": {"en": "{file} cannot be read: {problem}. Nothing was changed.",
                                   "id": "{file} tidak dapat dibaca: {problem}. Tidak ada yang diubah."},
    "restore.archive_empty": {"en": "{file} is empty: it is no ksad backup, or its copy was never written. Nothing was changed.",
                              "id": "{file} kosong: bukan cadangan ksad, atau salinannya tidak pernah tertulis. Tidak ada yang diubah."},
    "restore.archive_truncated": {"en": "{file} ends too early: the archive is truncated, as an interrupted copy or a full disk leaves it (tar: {detail}). Nothing was changed.",
                                  "id": "{file} berakhir terlalu cepat: arsip terpotong, seperti akibat penyalinan yang terputus atau disk yang penuh (tar: {detail}). Tidak ada yang diubah."},
    "restore.archive_damaged": {"en": "{file} is not a ksad backup, or it is damaged: its tar headers cannot be read (tar: {detail}). Nothing was changed.",
                                "id": "{file} bukan cadangan ksad, atau rusak: header tar-nya tidak dapat dibaca (tar: {detail}). Tidak ada yang diubah."},
    "restore.damaged.hint": {"en": "Copy the archive again from where it is kept and compare its size and sha256 with what `ksad backup` printed, or restore another backup of the app.",
                             "id": "Salin ulang arsip dari tempat penyimpanannya dan bandingkan ukuran serta sha256-nya dengan yang dicetak `ksad backup`, atau pulihkan cadangan lain dari aplikasi itu."},
    "restore.member_missing": {"en": "{file}: member {member} is missing; the archive is truncated or not a ksad backup. Nothing was changed.",
                               "id": "{file}: anggota {member} tidak ada; arsip terpotong atau bukan cadangan ksad. Tidak ada yang diubah."},
    "restore.truncated": {"en": "{file}: member {member} is truncated: expected {expected} bytes, found {actual}. Nothing was changed.",
                          "id": "{file}: anggota {member} terpotong: seharusnya {expected} bita, ditemukan {actual}. Tidak ada yang diubah."},
    "restore.size_mismatch": {"en": "{file}: member {member} has the wrong size: the manifest says {expected} bytes, the archive holds {actual}. Nothing was changed.",
                              "id": "{file}: ukuran anggota {member} salah: manifes menyebut {expected} bita, arsip berisi {actual}. Tidak ada yang diubah."},
    "restore.checksum_mismatch": {"en": "{file}: member {member} is corrupted: sha256 expected {expected}, found {actual}. Nothing was changed.",
                                  "id": "{file}: anggota {member} rusak: sha256 seharusnya {expected}, ditemukan {actual}. Tidak ada yang diubah."},
    "restore.checksums_malformed": {"en": "{file}: checksums.sha256, line {line}, is not '<sha256>  <member>'. Nothing was changed.",
                                    "id": "{file}: checksums.sha256 baris {line} bukan '<sha256>  <anggota>'. Tidak ada yang diubah."},
    "restore.manifest_invalid": {"en": "{file}: manifest.json is not valid at '{field}': {problem}. Nothing was changed.",
                                 "id": "{file}: manifest.json tidak sah pada '{field}': {problem}. Tidak ada yang diubah."},
    "restore.manifest_type": {"en": "{file}: manifest.json is not valid at '{field}': expected {expected}, found {found}. Nothing was changed.",
                              "id": "{file}: manifest.json tidak sah pada '{field}': seharusnya {expected}, ternyata {found}. Tidak ada yang diubah."},
    "restore.format_unknown": {"en": "{file}: backup format {value} is unknown (this ksad reads format {expected}). Nothing was changed.",
                               "id": "{file}: format cadangan {value} tidak dikenal (ksad ini membaca format {expected}). Tidak ada yang diubah."},
    "restore.format_unknown.hint": {"en": "Restore it with the ksad version that made it, or a newer one.",
                                    "id": "Pulihkan dengan versi ksad yang membuatnya, atau yang lebih baru."},
    "restore.volume_malformed": {"en": "{file}: member {member} is not a volume archive ({detail}). Nothing was changed.",
                                 "id": "{file}: anggota {member} bukan arsip volume ({detail}). Tidak ada yang diubah."},
    "restore.volume_unknown": {"en": "{file}: volume {volume} is not a data volume of {app} {version} in this catalog. Nothing was changed.",
                               "id": "{file}: volume {volume} bukan volume data {app} {version} di katalog ini. Tidak ada yang diubah."},
    "restore.volumes_missing": {"en": "{file} holds no copy of {count} data volume(s) that {app} {version} declares: {volumes}. A restore would create them empty. Nothing was changed.",
                                "id": "{file} tidak memuat salinan {count} volume data yang dideklarasikan {app} {version}: {volumes}. Pemulihan akan membuatnya kosong. Tidak ada yang diubah."},
    "restore.volumes_missing.hint": {"en": "The archive is incomplete (`ksad backup` copies every data volume the release declares): restore from a complete backup. If the app may start without that data, say so and they are created empty: ksad restore \"{file}\" --allow-missing-volumes --target {target}",
                                     "id": "Arsip ini tidak lengkap (`ksad backup` menyalin setiap volume data yang dideklarasikan rilis): pulihkan dari cadangan yang lengkap. Jika aplikasi boleh berjalan tanpa data itu, nyatakan demikian dan volume itu dibuat kosong: ksad restore \"{file}\" --allow-missing-volumes --target {target}"},
    "backup.release_missing": {"en": "{name} runs {app} {version}, which the catalog {catalog} does not publish (it has: {available}); a backup reads from that release's recipe which volumes hold the data. Nothing was changed.",
                               "id": "{name} menjalankan {app} {version}, yang tidak diterbitkan katalog {catalog} (yang ada: {available}); cadangan membaca dari resep rilis itu volume mana yang berisi data. Tidak ada yang diubah."},
    "backup.release_missing.hint": {"en": "Back it up with the catalog it was installed from: ksad --catalog DIR backup ..., or choose it with ksad catalog use NAME.",
                                    "id": "Cadangkan dengan katalog tempat aplikasi itu dipasang: ksad --catalog DIR backup ..., atau pilih dengan ksad catalog use NAMA."},
    "restore.release_missing": {"en": "{file} was made from {app} {version}, which the catalog {catalog} does not publish (it has: {available}); a restore installs that same release. Nothing was changed.",
                                "id": "{file} dibuat dari {app} {version}, yang tidak diterbitkan katalog {catalog} (yang ada: {available}); pemulihan memasang rilis yang sama itu. Tidak ada yang diubah."},
    "restore.release_missing.hint": {"en": "Restore with a catalog that publishes it: ksad --catalog DIR restore ..., or ksad catalog use NAME (ksad catalog update, if yours may have it by now); upgrade afterwards for a newer release.",
                                     "id": "Pulihkan dengan katalog yang menerbitkannya: ksad --catalog DIR restore ..., atau ksad catalog use NAMA (ksad catalog update, jika katalog Anda mungkin sudah memuatnya); tingkatkan sesudahnya untuk rilis yang lebih baru."},
    "restore.exists": {"en": "{name} ({app}) is already installed on target {target}. Nothing was changed.",
                       "id": "{name} ({app}) sudah terpasang di target {target}. Tidak ada yang diubah."},
    "restore.exists.hint": {"en": "Restore onto another target (--target), or remove it first: ksad uninstall \"{name}\" --purge --target {target}",
                            "id": "Pulihkan ke target lain (--target), atau hapus dulu: ksad uninstall \"{name}\" --purge --target {target}"},
    "restore.data_exists": {"en": "Data volumes of this name are still on target {target}: {volumes}. Nothing was changed.",
                            "id": "Volume data dengan nama ini masih ada di target {target}: {volumes}. Tidak ada yang diubah."},
    "restore.data_exists.hint": {"en": "They hold data of an earlier installation (or of an unfinished restore of another archive). Restore onto another target (--target), or delete that data with its snapshots and history, then restore again: ksad uninstall {slug} --purge --target {target}",
                                 "id": "Volume itu berisi data pemasangan sebelumnya (atau pemulihan arsip lain yang belum selesai). Pulihkan ke target lain (--target), atau hapus data itu beserta snapshot dan riwayatnya, lalu pulihkan lagi: ksad uninstall {slug} --purge --target {target}"},
    "restore.done": {"en": "{name} ({app} {version}) restored on target {target} as revision {revision}, with {volumes} data volume(s) from revision {from_revision} on {from_target} ({seconds} s).",
                     "id": "{name} ({app} {version}) dipulihkan di target {target} sebagai revisi {revision}, dengan {volumes} volume data dari revisi {from_revision} di {from_target} ({seconds} detik)."},
    "restore.plan.volume": {"en": "data volume {volume} <- {member} ({size})", "id": "volume data {volume} <- {member} ({size})"},
    "restore.plan.volume_empty": {"en": "data volume {volume}: not in the archive, created empty (--allow-missing-volumes)",
                                  "id": "volume data {volume}: tidak ada di arsip, dibuat kosong (--allow-missing-volumes)"},
    "restore.done_missing": {"en": "Not in the archive, created empty (--allow-missing-volumes): {volumes}.",
                             "id": "Tidak ada di arsip, dibuat kosong (--allow-missing-volumes): {volumes}."},
    "restore.plan.identity.written": {"en": "identity pack: written from the archive (this KSAD_HOME has none)",
                                      "id": "paket identitas: ditulis dari arsip (KSAD_HOME ini belum punya)"},
    "restore.plan.identity.local": {"en": "identity pack: this KSAD_HOME's, the same as the archive's",
                                    "id": "paket identitas: milik KSAD_HOME ini, sama dengan yang di arsip"},
    "restore.plan.identity.local-differs": {"en": "identity pack: this KSAD_HOME's, which differs from the archive's",
                                            "id": "paket identitas: milik KSAD_HOME ini, berbeda dari yang di arsip"},
    "restore.verified": {"en": "{file}: every member present and its checksum correct.",
                         "id": "{file}: semua anggota ada dan checksum-nya benar."},
    # --- end of backup and restore ---
}


# PyYAML's problem and context texts (libyaml's, which ksad reads with, and the pure-Python
# loader's), English -> Indonesian, as format strings: {name} stands for a part PyYAML fills in
# (a character, a token, a tag), kept as PyYAML wrote it; a literal brace is doubled. A text not
# in the table is shown as PyYAML wrote it.
YAML_PROBLEMS: dict[str, str] = {
    # problems
    "mapping values are not allowed here": "nilai pemetaan (kunci: nilai) tidak diperbolehkan di sini",
    "mapping values are not allowed in this context":
        "nilai pemetaan (kunci: nilai) tidak diperbolehkan dalam konteks ini",
    "block sequence entries are not allowed here": "butir urutan blok (- ...) tidak diperbolehkan di sini",
    "block sequence entries are not allowed in this context":
        "butir urutan blok (- ...) tidak diperbolehkan dalam konteks ini",
    "found character that cannot start any token": "ditemukan karakter yang tidak dapat mengawali token apa pun",
    "found character {char} that cannot start any token":
        "ditemukan karakter {char} yang tidak dapat mengawali token apa pun",
    "found a tab character that violates indentation": "ditemukan karakter tab yang melanggar indentasi",
    "found a tab character where an indentation space is expected":
        "ditemukan karakter tab di tempat yang seharusnya spasi indentasi",
    "did not find expected key": "kunci yang diharapkan tidak ditemukan",
    "expected <block end>, but found {token}": "diharapkan <block end> (akhir blok), tetapi ditemukan {token}",
    "did not find expected '-' indicator": "indikator '-' yang diharapkan tidak ditemukan",
    "did not find expected node content": "isi simpul yang diharapkan tidak ditemukan",
    "expected the node content, but found {token}": "diharapkan isi simpul, tetapi ditemukan {token}",
    "could not find expected ':'": "':' yang diharapkan tidak ditemukan",
    "found unexpected end of stream": "berkas berakhir sebelum waktunya",
    "found unexpected ':'": "ditemukan ':' yang tidak diharapkan",
    "found unknown escape character": "ditemukan karakter escape yang tidak dikenal",
    "found unknown escape character {char}": "ditemukan karakter escape yang tidak dikenal {char}",
    "found undefined alias": "ditemukan alias yang belum didefinisikan",
    "found undefined alias {name}": "ditemukan alias yang belum didefinisikan {name}",
    "found duplicate anchor; first occurrence": "anchor ganda; kemunculan pertama",
    "found duplicate anchor {name}; first occurrence": "anchor ganda {name}; kemunculan pertama",
    "second occurrence": "kemunculan kedua",
    "expected a single document in the stream": "diharapkan satu dokumen saja di berkas ini",
    "but found another document": "tetapi ditemukan dokumen lain",
    "did not find expected ',' or ']'": "',' atau ']' yang diharapkan tidak ditemukan",
    "did not find expected ',' or '}}'": "',' atau '}}' yang diharapkan tidak ditemukan",
    "expected ',' or ']', but got {token}": "diharapkan ',' atau ']', tetapi ditemukan {token}",
    "expected ',' or '}}', but got {token}": "diharapkan ',' atau '}}', tetapi ditemukan {token}",
    "did not find expected <document start>": "<document start> (awal dokumen, ---) yang diharapkan tidak ditemukan",
    "expected '<document start>', but found {token}":
        "diharapkan '<document start>' (awal dokumen, ---), tetapi ditemukan {token}",
    "did not find expected comment or line break": "komentar atau akhir baris yang diharapkan tidak ditemukan",
    "expected chomping or indentation indicators, but found {char}":
        "diharapkan indikator chomping atau indentasi, tetapi ditemukan {char}",
    "did not find expected alphabetic or numeric character": "huruf atau angka yang diharapkan tidak ditemukan",
    "expected alphabetic or numeric character, but found {char}":
        "diharapkan huruf atau angka, tetapi ditemukan {char}",
    "found unknown directive name": "ditemukan nama direktif yang tidak dikenal",
    "found unhashable key": "ditemukan kunci yang tidak dapat dipakai sebagai kunci (daftar atau pemetaan)",
    "could not determine a constructor for the tag {tag}": "tidak ada konstruktor untuk tag {tag}",
    "unacceptable character {code}: {reason}": "karakter {code} tidak dapat diterima: {reason}",
    "control characters are not allowed": "karakter kontrol tidak diperbolehkan",
    "special characters are not allowed": "karakter khusus tidak diperbolehkan",
    "invalid leading UTF-8 octet": "oktet awal UTF-8 tidak sah",
    "invalid trailing UTF-8 octet": "oktet lanjutan UTF-8 tidak sah",
    "incomplete UTF-8 octet sequence": "urutan oktet UTF-8 tidak lengkap",
    "nested too deeply": "bersarang terlalu dalam",  # ksad's own, beside PyYAML's
    # what Python's own constructors say of a date or number the YAML type cannot hold
    "day is out of range for month": "tanggal di luar rentang bulan itu",
    "month must be in 1..12": "bulan harus 1..12",
    "year {year} is out of range": "tahun {year} di luar rentang",
    "invalid literal for int() with base 10: {value}": "bukan bilangan bulat (basis 10): {value}",
    # contexts: where the parser was when it found the problem
    "while scanning for the next token": "saat memindai token berikutnya",
    "while scanning a simple key": "saat memindai kunci sederhana",
    "while scanning a quoted scalar": "saat memindai skalar berkutip",
    "while parsing a quoted scalar": "saat mengurai skalar berkutip",
    "while scanning a double-quoted scalar": "saat memindai skalar berkutip ganda",
    "while scanning a block scalar": "saat memindai skalar blok",
    "while scanning a plain scalar": "saat memindai skalar biasa",
    "while scanning an anchor": "saat memindai anchor",
    "while scanning an alias": "saat memindai alias",
    "while scanning a tag": "saat memindai tag",
    "while parsing a tag": "saat mengurai tag",
    "while scanning a directive": "saat memindai direktif",
    "while parsing a block mapping": "saat mengurai pemetaan blok",
    "while parsing a block collection": "saat mengurai koleksi blok",
    "while parsing a block node": "saat mengurai simpul blok",
    "while parsing a flow node": "saat mengurai simpul alir",
    "while parsing a flow sequence": "saat mengurai urutan alir",
    "while parsing a flow mapping": "saat mengurai pemetaan alir",
    "while parsing a node": "saat mengurai simpul",
    "while constructing a mapping": "saat menyusun pemetaan",
}

_yaml_table: list = []  # [exact texts, patterns], built on first use (only a YAML error needs it)


def _yaml_lookup() -> tuple[dict[str, str], list]:
    if not _yaml_table:
        import re

        exact, patterns = {}, []
        for english, translated in YAML_PROBLEMS.items():
            parsed = list(string.Formatter().parse(english))
            if not placeholders(english):
                exact["".join(lit for lit, _, _, _ in parsed)] = translated.format()
                continue
            regex = "".join(re.escape(lit) + (f"(?P<{name}>.+?)" if name else "") for lit, name, _, _ in parsed)
            patterns.append((re.compile(regex, re.DOTALL), translated))
        _yaml_table.extend((exact, patterns))
    return _yaml_table[0], _yaml_table[1]


def yaml_problem(text: str) -> str:
    """PyYAML's English *text* in the reader's language, where :data:`YAML_PROBLEMS` knows it."""
    if current_language() == "en":
        return text
    exact, patterns = _yaml_lookup()
    if text in exact:
        return exact[text]
    for pattern, translated in patterns:
        match = pattern.fullmatch(text)
        if match:
            # a filled-in part may be a text of the table itself (the reason of an unacceptable character)
            return translated.format(**{k: yaml_problem(v) for k, v in match.groupdict().items()})
    return text


class YamlProblem(str):
    """A YAML error's problem as PyYAML words it in English (this ``str``), shown in the reader's
    language when a message is formatted with it: an error is raised once and may be read later,
    after the language was chosen (the tests switch KSAD_LANG on a raised error)."""

    def __new__(cls, problem: str, context: str | None = None, line: int | None = None) -> "YamlProblem":
        problem = str(problem)  # plain English, not another YamlProblem's reader-language rendering
        english = problem if context is None else MESSAGES["yaml.problem_context"]["en"].format(
            context=context, line=line, problem=problem)
        self = super().__new__(cls, english)
        self.parts = (problem, context, line)
        return self

    def __format__(self, spec: str) -> str:
        problem, context, line = self.parts
        text = yaml_problem(problem)
        if context is not None:
            text = t("yaml.problem_context", context=yaml_problem(context), line=line, problem=text)
        return format(text, spec)


def current_language() -> str:
    """KSAD_LANG, else the locale as gettext reads it: the first of LC_ALL, LC_MESSAGES and LANG
    that is set decides (LC_ALL=id_ID.UTF-8 is Indonesian whatever LANG says; LC_ALL=C is English)."""
    explicit = os.environ.get("KSAD_LANG", "").strip().lower()
    if explicit:
        return "id" if explicit.startswith(("id", "in_", "ind")) else "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "").strip().lower()
        if value:
            return "id" if value.startswith(("id", "in_", "ind")) else "en"
    return "en"


def word(kind: str, value: str) -> str:
    """A label ksad stores in English (an operation, a result) in the reader's language; a label
    this ksad does not know (written by a newer one) as it is."""
    key = f"{kind}.{value}"
    return t(key) if key in MESSAGES else value


def op_word(kind: str) -> str:
    """The name of an operation (install, upgrade, rollback, restore) to put inside a sentence."""
    return word("operation", kind)


def decimal(value: float, places: int = 1) -> str:
    """*value* with *places* decimals, written as the reader writes numbers: 3.4 in English,
    3,4 in Bahasa Indonesia (where the comma is the decimal mark)."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if current_language() == "id" else text


def t(key: str, /, **fields: object) -> str:
    """The message *key* in the user's language, with *fields* filled in."""
    entry = MESSAGES[key]
    return entry.get(current_language(), entry["en"]).format(**fields)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
