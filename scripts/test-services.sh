#!/usr/bin/env bash
# What the tests need besides the .NET SDK, installed and started by the project itself
# (a fresh machine has none of it). Sourced by scripts/test.sh.

PG_PORT="${DATAHUB_PG_PORT:-55432}"
PG_DATA="${DATAHUB_PG_DATA:-/tmp/datahub-test-pg-$PG_PORT}"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_apt_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# A throw-away PostgreSQL cluster on a port of its own (so a system cluster does not matter),
# trust authentication on loopback only. Reused if it is already running.
ensure_postgres() {
  ensure_apt_packages postgresql
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [ -z "$bin" ]; then echo "PostgreSQL binaries not found after install" >&2; return 1; fi
  if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
    as_root rm -rf "$PG_DATA"
    as_root mkdir -p "$PG_DATA"
    as_root chown postgres:postgres "$PG_DATA"
    as_root su postgres -s /bin/sh -c "'$bin/initdb' -D '$PG_DATA' -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null"
    as_root su postgres -s /bin/sh -c "'$bin/pg_ctl' -D '$PG_DATA' -l '$PG_DATA/server.log' -w -o \"-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start >/dev/null"
  fi
  # One role must log in with a password (the rest is trust), so the database connector's
  # "wrong password" test meets a real authentication failure. Added once, before the trust lines.
  if ! as_root grep -q datahub_login_test "$PG_DATA/pg_hba.conf"; then
    as_root sed -i '1i host all datahub_login_test 127.0.0.1/32 scram-sha-256' "$PG_DATA/pg_hba.conf"
    as_root su postgres -s /bin/sh -c "'$bin/pg_ctl' -D '$PG_DATA' reload >/dev/null"
  fi
  export DATAHUB_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
  echo "PostgreSQL for tests: 127.0.0.1:$PG_PORT"
}

# The browser tests (tests/DataHub.Host.UiTests) drive Debian's chromium through Playwright; the
# browser is never downloaded. CJK fonts so the zh-CN pages (and their screenshots) render.
ensure_chromium() {
  ensure_apt_packages chromium fonts-noto-cjk
  export DATAHUB_CHROMIUM="${DATAHUB_CHROMIUM:-/usr/bin/chromium}"
  echo "Chromium for browser tests: $DATAHUB_CHROMIUM"
}

ensure_test_services() {
  ensure_apt_packages tzdata
  ensure_postgres
  ensure_chromium
}
