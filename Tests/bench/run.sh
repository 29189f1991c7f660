#!/usr/bin/env bash
# make bench: figures for the closing notes (DESIGN §12). Prints, never asserts.
set -euo pipefail
cd "$(dirname "$0")"
: "${THRUM_BIN:?set THRUM_BIN to a release build of thrum}"
python3 bench.py
echo
python3 upgrade.py
echo
python3 partition.py
echo
python3 chain.py
echo
python3 delivery.py
echo
python3 claims.py
echo
python3 retention.py
echo
python3 fleet.py
echo
python3 metrics_scrape.py
echo
bash security.sh
