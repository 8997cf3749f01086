"""惠民资金查询 from the mini-program: the chat's lookup, with its limits and audit.

    POST /api/v1/subsidies/lookup   {"id_number", "name"}

The ID number and name travel in the body only (never a URL or a log line).
handlers.subsidies.lookup does the checksum, the matching, the masking and the
audit; this module only shapes its answer as JSON.
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from bot.api.errors import fail
from bot.api.routing import ApiRoutes, Call, In
from bot.api.session import CHANNEL

routes = ApiRoutes("subsidies")
