# Sourced by scripts/setup.sh (with --test) and scripts/bench.sh: makes sure
# a PostgreSQL server answers at PORTAL_TEST_POSTGRES_URL, and exports it.
#
#   use_test_postgres [DATA_DIR]
#
# - PORTAL_TEST_POSTGRES_URL set: that server is used as it is; if it does not
#   answer, that is an error (it is yours, we do not replace it).
# - Unset: postgres://postgres@127.0.0.1:5432 is used if a server there lets
#   us in. Otherwise a throwaway cluster is started for this run: Debian's
#   `postgresql` is installed if missing, the cluster lives in DATA_DIR (a new
#   temporary folder by default), listens on a free loopback port with trust
#   authentication, runs as the `postgres` system user when we are root, and
#   is stopped when the calling script exits, on failure too.
#
# Needs `step`, `as_root`, `apt_install` and `at_exit` from scripts/setup.sh.

POSTGRES_DEFAULT_URL="postgres://postgres@127.0.0.1:5432"

postgres_answers() { # URL without a database name
  command -v psql >/dev/null 2>&1 &&
    PGCONNECT_TIMEOUT=3 psql "$1/postgres" -XtAqc 'SELECT 1' >/dev/null 2>&1
}

postgres_bin_dir() { # newest installed server's bin folder, or nothing
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

install_postgres_server() {
  # Only the programs: no `main` cluster started on 5432 behind our back.
  as_root mkdir -p /etc/postgresql-common
  if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
    echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  step "installing postgresql (Debian package)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    -o Dpkg::Options::=--force-confold postgresql >/dev/null
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_postgres() { # runs a server program as the user that may own the cluster
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_throwaway_postgres() { # DATA_DIR (optional)
  local bin dir port
  bin="$(postgres_bin_dir)" || true
  if [ -z "$bin" ]; then
    install_postgres_server
    bin="$(postgres_bin_dir)" || { echo "PostgreSQL's initdb not found after installing it" >&2; return 1; }
  fi
  command -v psql >/dev/null 2>&1 || apt_install postgresql-client

  dir="${1:-}"
  if [ -z "$dir" ]; then
    dir="$(mktemp -d "${TMPDIR:-/tmp}/portal-postgres.XXXXXX")"
    at_exit "rm -rf '$dir'"
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; return 1; }
  fi
  port="$(free_port)"
  step "starting PostgreSQL ($("$bin/postgres" --version | awk '{print $3}')) for this run on 127.0.0.1:$port, data in $dir"
  # A test server: durability is worth nothing here, speed is.
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "-p $port -k $dir \
    -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off \
    -c synchronous_commit=off -c full_page_writes=off" start >/dev/null ||
    { cat "$dir/server.log" >&2; return 1; }
  at_exit "$(printf '%q ' as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop) >/dev/null 2>&1"
  export PORTAL_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port"
}

use_test_postgres() { # DATA_DIR (optional)
  if [ -n "${PORTAL_TEST_POSTGRES_URL:-}" ]; then
    command -v psql >/dev/null 2>&1 || apt_install postgresql-client
    if ! postgres_answers "$PORTAL_TEST_POSTGRES_URL"; then
      echo "PostgreSQL does not answer at PORTAL_TEST_POSTGRES_URL=$PORTAL_TEST_POSTGRES_URL" >&2
      return 1
    fi
  elif postgres_answers "$POSTGRES_DEFAULT_URL"; then
    export PORTAL_TEST_POSTGRES_URL="$POSTGRES_DEFAULT_URL"
  else
    start_throwaway_postgres "${1:-}"
  fi
}
