# A throwaway PostgreSQL cluster for tests (source this file, then `pg_cluster_start`; `pg_cluster_stop` at the end).
# initdb runs as the `postgres` user when we are root (PostgreSQL refuses to run as root); the cluster listens
# only on a unix socket in its own directory, on a port of its own, with trust authentication.
pg_cluster_start() {
  local bindir
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  PG_TEST_DIR="$(mktemp -d /tmp/navdash-pg.XXXXXX)"
  PG_TEST_PORT="${PG_TEST_PORT:-$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$PG_TEST_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bindir/initdb" -D "$PG_TEST_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run[@]}" "$bindir/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/log" -w \
    -o "-k $PG_TEST_DIR -p $PG_TEST_PORT -c listen_addresses='' -c fsync=off" start >/dev/null
  PG_CTL_STOP=("${run[@]}" "$bindir/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w stop)
  export NAVDASH_TEST_PG_URL="postgresql+psycopg://postgres@/postgres?host=$PG_TEST_DIR&port=$PG_TEST_PORT"
  echo "PostgreSQL for tests: $NAVDASH_TEST_PG_URL"
}

pg_cluster_stop() {
  if [ -n "${PG_TEST_DIR:-}" ]; then
    "${PG_CTL_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_TEST_DIR"
  fi
}
