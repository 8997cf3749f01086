"""The SQL dialect helpers, the one place that tells PostgreSQL from SQLite: raw SQL for set-based work
(the deadline sweep, outbox claims, bulk imports, key rotation) on both backends.

Statements use `:name` parameters; `compile_sql` turns them into `$n` (asyncpg) or `?` (SQLite).
Casts differ: PostgreSQL needs typed parameters where it cannot infer them, SQLite must not
get them (CAST(x AS DATE) would make a number of the text). On SQLite timestamps are text in tortoise's zone (Asia/Shanghai, no DST), compared as strings.
"""
from __future__ import annotations

import re
import string
from datetime import datetime
from typing import Any

_PARAM = re.compile(r"(?<![:\w]):([a-z_]\w*)")


def dialect(conn: Any) -> str:
    return str(conn.capabilities.dialect)


def is_postgres(conn: Any) -> bool:
    """Whether a tortoise connection (default: the default one) talks to PostgreSQL."""
    if conn is None:
        from tortoise import Tortoise

        conn = Tortoise.get_connection("default")
    return dialect(conn) == "postgres"


def placeholders(conn: Any, n: int, start: int = 1) -> list[str]:
    """`$1, $2…` on PostgreSQL, `?` on SQLite, for raw statements."""
    if is_postgres(conn):
        return [f"${i}" for i in range(start, start + n)]
    return ["?"] * n


def compile_sql(sql: str, params: dict[str, Any], dialect_name: str) -> tuple[str, list[Any]]:
    values: list[Any] = []
    if dialect_name == "postgres":
        index: dict[str, int] = {}

        def pg(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in index:
                values.append(params[name])
                index[name] = len(values)
            return f"${index[name]}"

        return _PARAM.sub(pg, sql), values

    def lite(m: re.Match[str]) -> str:
        values.append(_sqlite_value(params[m.group(1)]))
        return "?"

    return _PARAM.sub(lite, sql), values


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, datetime):  # the text tortoise writes (its configured zone), so timestamps compare as strings
        from tortoise.timezone import localtime

        return localtime(v).isoformat(" ", timespec="microseconds")
    return v


class Sql:
    """Dialect helpers for building statements."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.pg = is_postgres(conn)

    def date(self, name: str) -> str:
        return f"CAST(:{name} AS DATE)" if self.pg else f":{name}"

    def ts(self, name: str) -> str:
        return f"CAST(:{name} AS TIMESTAMPTZ)" if self.pg else f":{name}"

    def text(self, name: str) -> str:
        return f"CAST(:{name} AS TEXT)" if self.pg else f":{name}"

    def concat(self, template: str, fields: dict[str, str], params: dict[str, Any], prefix: str) -> str:
        """A `str.format` template as an SQL expression: its literal text bound as parameters (`prefix`0, 1…),
        each `{field}` replaced by the SQL expression `fields[field]`, joined with `||`."""
        parts: list[str] = []
        for i, (literal, field, _, _) in enumerate(string.Formatter().parse(template)):
            if literal:
                params[f"{prefix}{i}"] = literal
                parts.append(self.text(f"{prefix}{i}"))
            if field:
                parts.append(fields[field])
        return " || ".join(parts)

    @property
    def json_object(self) -> str:
        return "jsonb_build_object" if self.pg else "json_object"

    async def execute(self, sql: str, params: dict[str, Any]) -> int:
        """Run a statement; returns the rows it changed."""
        if self.pg and sql.lstrip().upper().startswith("INSERT"):
            # tortoise reads the OID of "INSERT oid rows" as the count: let PostgreSQL count instead
            rows = await self.rows(f"WITH ins AS ({sql} RETURNING 1) SELECT count(*) AS n FROM ins", params)
            return int(rows[0]["n"])
        text, values = compile_sql(sql, params, "postgres" if self.pg else "sqlite")
        count, _ = await self.conn.execute_query(text, values)
        return int(count or 0)

    async def rows(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        text, values = compile_sql(sql, params, "postgres" if self.pg else "sqlite")
        return [dict(r) for r in await self.conn.execute_query_dict(text, values)]

