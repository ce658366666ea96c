# shellcheck shell=bash
# Set up everything the test suite needs on a Debian machine, then get out of the way.
#
#   source scripts/setup.sh      # also activates .venv in your shell
#   bash scripts/setup.sh        # just makes sure everything is there
#
# Idempotent and quick on a second run: each step first checks whether its work is
# already done (venv present, pyproject.toml unchanged since the last install,
# commands on PATH, engine answering). Progress goes to stderr.
#
# Environment knobs (all optional):
#   KSAD_STATE_DIR   where dockerd's log lives when we start it (default /tmp/ksad-ci)
#   KSAD_DOCKER_WAIT seconds to wait for a freshly started dockerd (default 60)

_ksad_say() { printf 'setup: %s\n' "$*" >&2; }

_ksad_fail() {
    printf 'setup: ERROR: %s\n' "$*" >&2
    return 1
}

_ksad_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        _ksad_fail "need root for: $*"
    fi
}

# Commands the suite uses, and the Debian package that provides each.
# docker: the CLI is also run over ssh (`docker system dial-stdio`) by the SDK's ssh transport.
_KSAD_APT_NEEDS=(
    "dockerd:docker.io"
    "docker:docker.io"
    "/usr/bin/docker-registry:docker-registry"
    "/usr/sbin/sshd:openssh-server"
    "ssh-keygen:openssh-client"
    "docker-compose:docker-compose"
    "chromium:chromium"
    "git:git"
)

_ksad_missing_packages() {
    local entry cmd pkg missing=()
    for entry in "${_KSAD_APT_NEEDS[@]}"; do
        cmd=${entry%%:*}
        pkg=${entry##*:}
        command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    done
    # The test images are built from /bin/busybox copied into a FROM-scratch image, so it
    # must be the static build; the dynamic `busybox` package would not run there.
    if [ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null)" != "install ok installed" ]; then
        missing+=(busybox-static)
    fi
    # Debian splits ensurepip out of python3; without it `python3 -m venv` fails.
    if [ ! -x "$KSAD_REPO/.venv/bin/python" ] && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
        missing+=(python3-venv)
    fi
    command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-venv)
    [ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}" | sort -u
}

_ksad_apt() {
    local pkgs
    pkgs=$(_ksad_missing_packages)
    [ -n "$pkgs" ] || return 0
    # shellcheck disable=SC2086  # one package name per word, on purpose
    _ksad_say "installing with apt: "$pkgs
    export DEBIAN_FRONTEND=noninteractive
    _ksad_as_root apt-get update -qq >&2 || _ksad_fail "apt-get update failed" || return 1
    # shellcheck disable=SC2086
    _ksad_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs >&2 \
        || _ksad_fail "apt-get install failed: $pkgs" || return 1
    pkgs=$(_ksad_missing_packages)
    [ -z "$pkgs" ] || _ksad_fail "still missing after apt-get install: $pkgs"
}

_ksad_venv() {
    local venv="$KSAD_REPO/.venv" stamp want have
    if [ ! -x "$venv/bin/python" ]; then
        _ksad_say "creating $venv"
        python3 -m venv "$venv" >&2 || _ksad_fail "python3 -m venv failed" || return 1
    fi
    stamp="$venv/.ksad-setup-stamp"
    # The stamp holds the hash of the pyproject.toml last installed: deps only change with it.
    want=$(sha256sum "$KSAD_REPO/pyproject.toml" | cut -d' ' -f1)
    have=$(cat "$stamp" 2>/dev/null || true)
    if [ "$want" != "$have" ]; then
        _ksad_say "installing ksad and its test dependencies into .venv (log: $venv/pip-install.log)"
        # pip is chatty; its log only matters when it fails. editable_mode=compat: a plain .pth
        # line instead of setuptools' import-hook finder, which costs ~18 ms at every start.
        if ! "$venv/bin/python" -m pip install --disable-pip-version-check -e "$KSAD_REPO[test]" \
            --config-settings editable_mode=compat >"$venv/pip-install.log" 2>&1; then
            tail -n 20 "$venv/pip-install.log" >&2
            _ksad_fail "pip install -e '.[test]' failed (see $venv/pip-install.log)"
            return 1
        fi
        printf '%s\n' "$want" >"$stamp"
    fi
    # Byte-compile now: with PYTHONDONTWRITEBYTECODE set (as on CI machines) every ksad start
    # would otherwise recompile its modules. Stale files are recompiled in memory, never used.
    "$venv/bin/python" -m compileall -q "$KSAD_REPO/ksad" >/dev/null 2>&1 || true
}

_ksad_engine_answers() {
    timeout 15 docker info >/dev/null 2>&1
}

# pgrep is not in a minimal Debian image (procps), so look at /proc directly.
_ksad_dockerd_running() {
    local comm
    for comm in /proc/[0-9]*/comm; do
        [ "$(cat "$comm" 2>/dev/null)" = dockerd ] && return 0
    done
    return 1
}

_ksad_docker() {
    local state="${KSAD_STATE_DIR:-/tmp/ksad-ci}" wait="${KSAD_DOCKER_WAIT:-60}" i
    _ksad_engine_answers && return 0
    mkdir -p "$state"
    if _ksad_dockerd_running; then
        # One is already starting (or stuck): a second dockerd would fight it for the
        # same /var/lib/docker and bridge, so wait for it instead.
        _ksad_say "dockerd is running but not answering yet; waiting up to ${wait}s"
    else
        _ksad_say "starting dockerd (log: $state/dockerd.log)"
        _ksad_as_root sh -c 'nohup setsid dockerd >>"$1" 2>&1 </dev/null &' sh "$state/dockerd.log" \
            || _ksad_fail "could not start dockerd" || return 1
    fi
    for ((i = 0; i < wait; i++)); do
        _ksad_engine_answers && { _ksad_say "Docker engine is up"; return 0; }
        sleep 1
    done
    if [ -s "$state/dockerd.log" ]; then
        tail -n 20 "$state/dockerd.log" >&2
        _ksad_fail "the Docker engine did not answer within ${wait}s (see $state/dockerd.log)"
    else
        _ksad_fail "the Docker engine did not answer within ${wait}s (DOCKER_HOST=${DOCKER_HOST:-unset})"
    fi
}

_ksad_setup() {
    KSAD_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || return 1
    _ksad_apt || return 1
    _ksad_venv || return 1
    _ksad_docker || return 1
}

if _ksad_setup; then
    _ksad_status=0
else
    _ksad_status=1
fi

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    # Sourced: leave the caller with the venv active, as `source .venv/bin/activate` would.
    if [ "$_ksad_status" -eq 0 ] && [ "${VIRTUAL_ENV:-}" != "$KSAD_REPO/.venv" ]; then
        # shellcheck disable=SC1091
        . "$KSAD_REPO/.venv/bin/activate"
    fi
    unset -f _ksad_say _ksad_fail _ksad_as_root _ksad_missing_packages _ksad_apt _ksad_venv \
        _ksad_engine_answers _ksad_dockerd_running _ksad_docker _ksad_setup
    unset _KSAD_APT_NEEDS
    # eval expands the status before the unset runs, so nothing of ours is left behind.
    eval "unset _ksad_status; return $_ksad_status"
fi
exit $_ksad_status
