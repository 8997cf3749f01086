"""China's time zone, the one definition: deadlines, dates shown to villagers and staff, the database's zone."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")  # no daylight saving: a fixed UTC+8


def local_time(dt: datetime) -> datetime:
    """Times as people in China read them, whatever the database returned (naive values are China time)."""
    return dt.astimezone(CHINA_TZ) if dt.tzinfo else dt.replace(tzinfo=CHINA_TZ)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
