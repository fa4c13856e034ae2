#!/usr/bin/env bash
# The whole test run: lint, Django checks, then pytest on SQLite and on PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PG_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/festival}
status=0

step() { echo; echo "== $*"; }

step "ruff"
$PY -m ruff check . || exit 1
$PY -m ruff format --check . || exit 1

step "django checks"
DJANGO_SETTINGS_MODULE=festival.settings.test $PY manage.py check || exit 1
DJANGO_SETTINGS_MODULE=festival.settings.test $PY manage.py makemigrations --check --dry-run || exit 1
PY=$PY bash scripts/prod-check.sh || exit 1

step "pytest on SQLite"
env -u DATABASE_URL $PY -m pytest "$@" || status=1

step "pytest on PostgreSQL ($PG_URL)"
if $PY - "$PG_URL" <<'PYEOF'
import sys, psycopg, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
try:
    psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username or "postgres", dbname="postgres", connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL unreachable: {exc}")
    sys.exit(1)
PYEOF
then
  DATABASE_URL=$PG_URL $PY -m pytest "$@" || status=1
elif [ "${CI:-}" = "true" ]; then
  echo "FAIL: PostgreSQL is required under CI=true"; status=1
else
  echo "!!!!! SKIPPED the PostgreSQL run: no server at $PG_URL (set TEST_POSTGRES_URL) !!!!!"
fi
exit $status
