"""China's time zone, the one definition: deadlines, dates shown to villagers and staff, the database's zone."""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")  # no daylight saving: a fixed UTC+8


def local_time(dt: datetime) -> datetime:
    """Times as people in China read them, whatever the database returned (naive values are China time)."""
    return dt.astimezone(CHINA_TZ) if dt.tzinfo else dt.replace(tzinfo=CHINA_TZ)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def today(clock: Callable[[], float] = time.time) -> date:
    """The date in China now. Never `date.today()`: that is the server's zone (UTC in a container), a day
    behind China from 00:00 to 08:00 China time."""
    return datetime.fromtimestamp(clock(), CHINA_TZ).date()
