#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, then runs pytest.
# Browser tests need Debian's chromium (Playwright cannot download its own browser here); the multi-process test
# needs Debian's haproxy (the proxy `python -m navdash serve` puts in front of the Streamlit processes).
# The application-database tests run against SQLite and PostgreSQL: a throwaway PostgreSQL cluster (Debian's
# package) is started for the run and removed at the end; its URL is passed to the tests as NAVDASH_TEST_PG_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python -m pip install -q --disable-pip-version-check -r requirements.txt -r requirements-dev.txt

if [ -z "${NAVDASH_TEST_PG_URL:-}" ]; then
  source scripts/pg_cluster.sh
  pg_cluster_start
  trap pg_cluster_stop EXIT
fi
python -m pytest -q "$@"
