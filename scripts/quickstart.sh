#!/usr/bin/env bash
# The main job in one command, on a fresh machine: set up (virtualenv, Docker engine),
# describe the region once, install a localised app from the bundled catalog onto the
# local Docker engine, and print its URL.
#
#   bash scripts/quickstart.sh                         # e-budgeting as "Sabalong" for Kab. Sumbawa
#   bash scripts/quickstart.sh antrean-daring "Tau Samawa"
#
# Region defaults (override with env): KSAD_REGION=52.04 KSAD_DOMAIN=sumbawakab.go.id
# KSAD_OFFICE="Dinas Komunikasi dan Informatika Kabupaten Sumbawa"
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

app=${1:-e-budgeting}
name=${2:-Sabalong}
meaning=${3:-"Sabalong Samalewa: bersatu membangun bersama (semboyan Tana Samawa)"}

# shellcheck source=scripts/setup.sh
source scripts/setup.sh

if ! ksad identity show >/dev/null 2>&1; then
    ksad init --region "${KSAD_REGION:-52.04}" --domain "${KSAD_DOMAIN:-sumbawakab.go.id}" \
        --office "${KSAD_OFFICE:-Dinas Komunikasi dan Informatika Kabupaten Sumbawa}"
fi
ksad install "$app" --name "$name" --meaning "$meaning"
