#!/bin/sh
# Stand-in database: one record per line in /data/records.txt, read and
# appended through /cgi-bin/records, which requires the shared DB_PASSWORD.
set -eu

if [ -z "${DB_PASSWORD:-}" ]; then
	echo "stand-in db: DB_PASSWORD is empty; refusing to start / DB_PASSWORD kosong; tidak dijalankan" >&2
	exit 1
fi

records=/data/records.txt
if [ ! -f "$records" ]; then
	# First start on an empty volume: a few sample records so the page has data.
	stamp=$(date -u '+%Y-%m-%dT%H:%M:%SZ')
	printf '%s\n' "${DB_SEED:-Catatan contoh pertama|Catatan contoh kedua|Catatan contoh ketiga}" |
		tr '|' '\n' | while read -r line; do
		[ -z "$line" ] || printf '%s\t%s\n' "$stamp" "$line"
	done >"$records.new"
	mv "$records.new" "$records"
fi

# Basic auth on /cgi-bin with a token derived from the secret (any characters
# in the secret stay safe in httpd.conf and in the client's URL).
token=$(printf '%s' "$DB_PASSWORD" | sha256sum | cut -c1-32)
mkdir -p /ksad/run
printf '/cgi-bin:ksad:%s\n' "$token" >/ksad/run/httpd.conf
chmod 600 /ksad/run/httpd.conf
printf ok >/www/health

echo "stand-in db: $(wc -l < /data/records.txt 2>/dev/null || echo 0) records in /data / catatan di /data; port ${DB_PORT:-8081}"
exec httpd -f -p "${DB_PORT:-8081}" -h /www -c /ksad/run/httpd.conf
