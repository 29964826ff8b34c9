#!/bin/sh
# Wait for PostgreSQL, then run the given command. Migrations run in the one-shot `migrate` service only.
set -e
if [ -n "$DATABASE_URL" ]; then
    i=0
    until python -c "import os, psycopg2; psycopg2.connect(os.environ['DATABASE_URL'], connect_timeout=3).close()" 2>/dev/null; do
        i=$((i + 1))
        [ "$i" -ge 60 ] && { echo "database not reachable" >&2; exit 1; }
        sleep 2
    done
fi
exec "$@"
