#!/bin/sh
# Stand-in web app. Renders the localised parts of the page once, from the
# environment and /www/ksad.json (both delivered by ksad), then serves it.
# "/" is /www/cgi-bin/index.cgi (busybox httpd runs it when there is no
# index.html), so the clock and the database records are live.
set -eu
. /ksad/lib.sh

RUN=/ksad/run
mkdir -p "$RUN"
rm -f /www/index.html /www/health

# json_field KEY: the value on a '"KEY": "value"' line of /www/ksad.json.
json_field() {
	[ -f /www/ksad.json ] || return 0
	sed -n "s/^[[:space:]]*\"$1\"[[:space:]]*:[[:space:]]*\"\(.*\)\"[[:space:]]*,\{0,1\}[[:space:]]*\$/\1/p" \
		/www/ksad.json | head -n 1
}

# row LABEL_ID LABEL_EN VALUE: one line of the facts table (skipped when empty).
row() {
	[ -n "$3" ] || return 0
	printf '<tr><th>%s <span class="en">/ %s</span></th><td>%s</td></tr>\n' "$1" "$2" "$(esc "$3")"
}

title=${APP_TITLE:-Aplikasi}
name=${APP_NAME:-$title}
version=${APP_VERSION:-}
primary=$(hex_colour "${COLOUR_PRIMARY:-}" "#1d4e89")
secondary=$(hex_colour "${COLOUR_SECONDARY:-}" "#f2a900")
tz_abbr=${TZ_ABBR:-}
case "${TIMEZONE:-}" in
Asia/Jakarta | Asia/Pontianak) : "${tz_abbr:=WIB}" ;;
Asia/Makassar) : "${tz_abbr:=WITA}" ;;
Asia/Jayapura) : "${tz_abbr:=WIT}" ;;
esac
# busybox has no zoneinfo; a POSIX TZ string from the abbreviation is enough.
case "$tz_abbr" in
WIB) echo "WIB-7" >"$RUN/tz" ;;
WITA) echo "WITA-8" >"$RUN/tz" ;;
WIT) echo "WIT-9" >"$RUN/tz" ;;
*) echo "UTC0" >"$RUN/tz"; tz_abbr=${tz_abbr:-UTC} ;;
esac
echo "$tz_abbr" >"$RUN/tz_abbr"
timezone=${TIMEZONE:-}
[ -z "$timezone" ] || timezone="$timezone ($tz_abbr)"
case "${REGION_TYPE:-}" in
kab) region_type="Kabupaten (regency)" ;;
kota) region_type="Kota (city)" ;;
*) region_type=${REGION_TYPE:-} ;;
esac

emblem=""
for candidate in emblem.png emblem.svg; do
	if [ -s "/www/$candidate" ]; then emblem="/$candidate"; break; fi
done

{
	cat <<HTML
<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$(esc "$name") · $(esc "$title") · $(esc "${REGION_NAME:-}")</title>
<link rel="stylesheet" href="/standin.css">
<style>:root { --primary: $primary; --secondary: $secondary; }</style>
</head>
<body>
<div class="standin" role="note"><strong>STAND-IN</strong> Halaman ini adalah <em>pengganti</em> (stand-in) untuk aplikasi
<strong>$(esc "$title")</strong> yang sebenarnya, dibuat oleh ksad untuk uji coba pemasangan dan lokalisasi.
<span class="en">This is a stand-in for the real $(esc "$title") app, built by ksad to test installing and localising it.</span></div>
<header>
HTML
	[ -z "$emblem" ] || printf '<img class="emblem" src="%s" alt="Lambang %s">\n' "$emblem" "$(esc "${REGION_NAME:-}")"
	cat <<HTML
<div>
<h1 id="local-name">$(esc "$name")</h1>
<p class="app">$(esc "$title") <span class="version">versi $(esc "$version")</span></p>
HTML
	[ -z "${NAME_MEANING:-}" ] || printf '<p class="meaning">Makna nama <span class="en">/ meaning</span>: <q>%s</q></p>\n' "$(esc "$NAME_MEANING")"
	printf '</div>\n</header>\n<main>\n'
	[ -z "${APP_SUMMARY:-}" ] || printf '<p class="summary">%s</p>\n' "$(esc "$APP_SUMMARY")"
	[ -z "${APP_CHANGES:-}" ] || printf '<p class="changes"><strong>Baru di versi %s <span class="en">/ new in this version</span>:</strong> %s</p>\n' \
		"$(esc "$version")" "$(esc "$APP_CHANGES")"
	printf '<table class="facts">\n'
	row "Nama aplikasi di katalog" "catalog app" "$title $version"
	row "Bahasa nama" "name language" "$(json_field name_language)"
	row "Daerah" "region" "${REGION_NAME:-}"
	row "Kode Kemendagri" "Kemendagri code" "${REGION_CODE:-}"
	row "Jenis daerah" "region type" "$region_type"
	row "Provinsi" "province" "${PROVINCE_NAME:-}"
	row "Kepala daerah" "head of region" "${HEAD_TITLE:-}"
	row "Pengelola" "office" "${OFFICE:-}"
	row "Kontak" "contact" "$(json_field contact)"
	row "Domain" "domain" "${DOMAIN:-}"
	row "Alamat publik" "public URL" "$(json_field public_url)"
	row "Zona waktu" "time zone" "$timezone"
	printf '<tr><th>Warna <span class="en">/ colours</span></th><td><span class="swatch" style="background:%s"></span> <code>%s</code> <span class="swatch" style="background:%s"></span> <code>%s</code></td></tr>\n' \
		"$primary" "$primary" "$secondary" "$secondary"
	row "Dibagikan oleh" "shared by" "${APP_PUBLISHER:-}"
	printf '</table>\n'
} >"$RUN/top.html"

{
	printf '</main>\n<footer>'
	[ ! -f /www/ksad.json ] || printf '<a href="/ksad.json">ksad.json</a> · '
	printf 'ksad stand-in (MIT) · %s</footer>\n</body>\n</html>\n' "$(esc "${APP_ID:-}")"
} >"$RUN/bottom.html"

if [ -n "${DB_URL:-}" ]; then
	if [ -z "${DB_PASSWORD:-}" ]; then
		echo "stand-in web: DB_URL is set but DB_PASSWORD is empty / DB_PASSWORD kosong" >&2
		exit 1
	fi
	token=$(db_token "$DB_PASSWORD")
	printf '%s\n' "$DB_URL" | sed "s#://#://ksad:$token@#" >"$RUN/db_url"
	printf '%s\n' "${RECORDS_LABEL:-Catatan}" >"$RUN/records_label"
	# Healthy only while the database answers (with the shared secret): a
	# static /health that a watcher adds and removes, since httpd cannot
	# route /health to a CGI.
	(
		while :; do
			if busybox timeout 3 wget -q -O /dev/null "$(cat "$RUN/db_url")/cgi-bin/records" 2>/dev/null; then
				[ -f /www/health ] || { printf ok >/www/health.new && mv /www/health.new /www/health; }
			else
				rm -f /www/health
			fi
			sleep 1
		done
	) &
else
	printf ok >/www/health
fi

echo "stand-in web: serving ${APP_NAME:-?} (${APP_ID:-?} ${APP_VERSION:-?}) on port ${PORT:-8080} / melayani di port ${PORT:-8080}"
exec httpd -f -p "${PORT:-8080}" -h /www
