"""Who is staff, asked on every 帮助: a villager's answer needs no database, a new binding is seen at once."""
from __future__ import annotations

from typing import Any

import pytest
from tortoise import Tortoise

from bot.fake_wechat import fake_openid
from handlers.help import HELP_TEXT
from handlers.staff import staff_help
from storage import keys
from storage.models import Role, Staff
from storage.sql import placeholders


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the app sends from now on (the ORM's and the plain ones)."""
    seen: list[str] = []
    client = type(Tortoise.get_connection("default"))
    for name in ("execute_query", "execute_query_dict"):
        real = getattr(client, name)

        async def counted(self: Any, sql: str, *args: Any, _real: Any = real, **kw: Any) -> Any:
            seen.append(sql)
            return await _real(self, sql, *args, **kw)

        monkeypatch.setattr(client, name, counted)
    return seen


async def test_a_villagers_help_asks_the_database_nothing(wechat: Any, http: Any, queries: list[str]) -> None:
    assert HELP_TEXT in (await wechat.send(http, fake_openid("directory-first"), "帮助")).texts[0]  # list loaded
    queries.clear()
    for i in range(3):
        reply = await wechat.send(http, fake_openid(f"directory-villager-{i}"), "帮助")
        assert HELP_TEXT in reply.texts[0]
    assert queries == []


async def test_a_binding_written_by_another_process_gives_the_staff_menu_on_the_next_message(
        wechat: Any, http: Any, services: Any) -> None:
    openid = fake_openid("directory-clerk")
    assert HELP_TEXT in (await wechat.send(http, openid, "帮助")).texts[0]  # not staff yet; the list is loaded
    staff = await Staff.create(username="directory_clerk", display_name="目录测试", role=Role.TOWNSHIP_STAFF,
                               scope_code="130102001")
    # Written as `qingfeng keys rotate` or another server would: no ORM save in this process, only the version
    conn = Tortoise.get_connection("default")
    await conn.execute_query(
        f"INSERT INTO staff_binding (staff_id, channel, subject_hash, external_enc, created_at) "
        f"VALUES ({', '.join(placeholders(conn, 4))}, CURRENT_TIMESTAMP)",
        [staff.id, "mp", services.cipher.subject_hash("mp", openid), services.cipher.seal(openid)])
    await services.redis.incr(keys.staff_bindings_version())
    assert staff_help() in (await wechat.send(http, openid, "帮助")).texts[0]
