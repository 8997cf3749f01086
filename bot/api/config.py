"""The mini-program API's limits: `Settings.api` (bot/config.py, `QINGFENG_API_*`), kept on the app.

Each app holds its own copy (`app[API_CONFIG]`) so tests can adjust the limits of a running app.
"""
from __future__ import annotations

from aiohttp import web

from bot.config import ApiSettings as ApiConfig

API_CONFIG = web.AppKey("api_config", ApiConfig)

__all__ = ["API_CONFIG", "ApiConfig"]
