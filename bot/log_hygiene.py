"""Log filters that keep personal data out of third-party libraries' log lines.

    install()    idempotent; called by the CLI and by create_app

- tortoise.db_client logs every SQL statement with its parameters at DEBUG
  (`qingfeng -v`): report texts, sealed values, hashes. The statement stays,
  the parameters become their count. Its connection lines carry the database
  password: the parameters go there too.
- aiosqlite logs every call it runs at DEBUG, the statement's parameters inside
  the call's repr: the call is named, its arguments are not.
- aiohttp.server logs a malformed request with the offending bytes (an
  over-long or bad header's value: a cookie, a token, an ID number). The line
  keeps the error's kind and status, never the bytes or the traceback.
"""
from __future__ import annotations

import logging

_MARK = "_qingfeng_hygiene"


class SqlParametersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 2:
            values = args[-1]
            n = len(values) if isinstance(values, (list, tuple, dict)) else 1
            record.args = (*args[:-1], f"<{n} parameters not logged>")
        return True


class SqliteCallFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple("<call, arguments not logged>" for _ in (record.args if isinstance(record.args, tuple)
                                                                         else (record.args,)))
        return True


class BadRequestFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from aiohttp.http_exceptions import HttpProcessingError

        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            record.msg = "malformed request refused: %s (HTTP %s)"
            record.args = (type(exc).__name__, exc.code)
            record.exc_info = None
            record.exc_text = None
        return True


def install() -> None:
    for name, flt in (("tortoise.db_client", SqlParametersFilter()), ("aiosqlite", SqliteCallFilter()),
                      ("aiohttp.server", BadRequestFilter())):
        logger = logging.getLogger(name)
        if not any(getattr(f, _MARK, False) for f in logger.filters):
            setattr(flt, _MARK, True)
            logger.addFilter(flt)
