#!/usr/bin/env bash
# Makes sure the PostgreSQL that the tests use is reachable. It starts the
# machine's cluster when it is installed but stopped; it never stops it.
# Tests read GINJWT_TEST_POSTGRES_DSN; without PostgreSQL they skip loudly,
# except under CI=true, where they fail.
set -u
dsn_host=127.0.0.1
dsn_port=5432
ready() { (exec 3<>"/dev/tcp/$dsn_host/$dsn_port") 2>/dev/null; }

if [ -n "${GINJWT_TEST_POSTGRES_DSN:-}" ]; then
  echo "ensure-postgres: using GINJWT_TEST_POSTGRES_DSN as given"
  exit 0
fi
if ready; then
  echo "ensure-postgres: PostgreSQL is up at $dsn_host:$dsn_port"
  exit 0
fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "ensure-postgres: starting PostgreSQL $version cluster 'main'"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do
    ready && { echo "ensure-postgres: PostgreSQL is up"; exit 0; }
    sleep 1
  done
  echo "ensure-postgres: PostgreSQL did not come up" >&2
else
  echo "ensure-postgres: PostgreSQL is not installed here; its tests will skip (or fail under CI=true)" >&2
fi
exit 0
