"""PostgreSQL plumbing the benchmarks share: statements run on the server's `postgres` database."""

from __future__ import annotations

from urllib.parse import urlparse


def admin_sql(server: str, sql: str) -> None:
    """Run `sql` with autocommit on the `postgres` database of `server` (a postgres:// URL), e.g. CREATE DATABASE."""
    import psycopg2

    parts = urlparse(server)
    connection = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()
