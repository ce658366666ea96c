# Helpers shared by the stand-in's start script and CGI scripts (busybox sh).

# esc TEXT: TEXT made safe for HTML element content and quoted attributes.
esc() {
	printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
		-e 's/"/\&quot;/g' -e "s/'/\&#39;/g"
}

# hex_colour VALUE FALLBACK: VALUE if it is #rgb or #rrggbb, else FALLBACK.
# Colours go into CSS, where escaping is not enough, so only hex passes.
hex_colour() {
	case "$1" in
	\#[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]) printf '%s' "$1" ;;
	\#[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]) printf '%s' "$1" ;;
	*) printf '%s' "$2" ;;
	esac
}

# db_token PASSWORD: the Basic-auth password both stand-ins derive from the
# shared secret, so any characters in the secret are safe in a URL and in httpd.conf.
db_token() {
	printf '%s' "$1" | sha256sum | cut -c1-32
}
