"""Moved to storage/sql.py (the SQL dialect helpers) and storage/china_time.py; this old name goes at the end of
the structure step."""
from storage.china_time import utcnow  # noqa: F401
from storage.sql import Sql, compile_sql, dialect  # noqa: F401
