#!/bin/sh
# The page: the parts rendered at start, plus the live clock and records.
. /ksad/lib.sh
RUN=/ksad/run

records() {
	label=$(cat "$RUN/records_label")
	printf '<section class="records">\n<h2>%s <span class="en">/ records from the database</span></h2>\n' "$(esc "$label")"
	out=$(busybox timeout 5 wget -q -O - "$(cat "$RUN/db_url")/cgi-bin/records" 2>/dev/null) || out=""
	count=$(printf '%s\n' "$out" | sed -n 's/^count \([0-9][0-9]*\)$/\1/p')
	if [ -z "$count" ]; then
		printf '<p class="error">Basis data belum dapat dihubungi <span class="en">/ the database is not reachable</span>.</p>\n</section>\n'
		return 0
	fi
	printf '<p>Jumlah catatan <span class="en">/ records</span>: <strong id="record-count">%s</strong></p>\n<ol class="latest">\n' "$count"
	tab=$(printf '\t')
	printf '%s\n' "$out" | sed '1d' | while IFS="$tab" read -r when text; do
		[ -n "$when$text" ] || continue
		printf '<li><time>%s</time> %s</li>\n' "$(esc "$when")" "$(esc "$text")"
	done
	cat <<'HTML'
</ol>
<form method="post" action="/cgi-bin/add">
<label>Tambah catatan <span class="en">/ add a record</span>: <input name="text" maxlength="200" required></label>
<button type="submit">Simpan</button>
</form>
</section>
HTML
}

printf 'Content-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n\r\n'
cat "$RUN/top.html"
now=$(TZ=$(cat "$RUN/tz") date '+%d-%m-%Y %H:%M:%S')
printf '<p class="clock">Waktu setempat <span class="en">/ local time</span>: <strong>%s %s</strong></p>\n' "$now" "$(esc "$(cat "$RUN/tz_abbr")")"
[ ! -f "$RUN/db_url" ] || records
cat "$RUN/bottom.html"
