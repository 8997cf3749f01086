"""Binding a staff account to a WeChat / WeCom identity with a one-time code.

    panel or `qingfeng staff bind-code NAME` ──> 6-digit code in Redis (10 min, one use)
    staff sends 【绑定 123456】 from the WeChat or WeCom account ──> StaffBinding
        (subject_hash: the dispatcher's subject of that sender; external_enc: the sealed openid/userid)

Wrong codes count per sender: after 5 in an hour the sender must wait, so the
million codes cannot be walked through.
"""
from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from storage import audit, keys
from storage.models import Staff, StaffBinding

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from bot.services import Services

CODE_TTL_S = 600
MAX_FAILURES_PER_HOUR = 5


class BindingRefused(Exception):
    pass


async def issue_binding_code(staff_id: int, redis: "Redis") -> str:
    """A fresh one-time code for `staff_id` (valid CODE_TTL_S seconds)."""
    staff = await Staff.get_or_none(id=staff_id)
    if staff is None or not staff.is_active:
        raise ValueError(f"no active staff account with id {staff_id}")
    for _ in range(20):
        code = f"{secrets.randbelow(10**6):06d}"
        if await redis.set(keys.binding_code(code), str(staff.id), nx=True, ex=CODE_TTL_S):
            await audit.append("system", "staff.bindcode", staff.username, {"ttl_s": CODE_TTL_S})
            return code
    raise RuntimeError("no free binding code; try again")


async def bind(code: str, channel: str, sender: str, subject: str, services: "Services") -> Staff:
    """Bind the sender (its dispatcher `subject`) to the code's staff account; the code is then spent."""
    window = int(services.clock()) // 3600
    fail_key = keys.rate("bindcode", subject, window)
    failures = int(await services.redis.get(fail_key) or 0)
    if failures >= MAX_FAILURES_PER_HOUR:
        raise BindingRefused("绑定码错误次数太多,请一小时后再试。")
    raw = await services.redis.getdel(keys.binding_code(code.strip()))
    staff = await Staff.get_or_none(id=int(raw), is_active=True) if raw else None
    if staff is None:
        async with services.redis.pipeline(transaction=True) as pipe:
            pipe.incr(fail_key)
            pipe.expire(fail_key, 3700)
            await pipe.execute()
        raise BindingRefused("绑定码不正确或已过期,请在工作台重新获取。")
    await StaffBinding.filter(subject_hash=subject).delete()  # one account per WeChat identity
    await StaffBinding.create(staff=staff, channel=channel, subject_hash=subject,
                              external_enc=services.cipher.seal(sender))
    await services.redis.incr(keys.staff_bindings_version())  # every process's list of bound staff reloads
    await audit.append(f"staff:{staff.id}", "staff.bind", staff.username, {"channel": channel})
    return staff
