"""Subsidy lookup lockout (issue 20 item 10), through /wechat/mp as WeChat sends it."""
from __future__ import annotations

from typing import Any

from handlers.subsidies.lookup import FAILED_LIMIT, NO_MATCH_TEXT
from storage.models import AuditEntry
from tests.admin.conftest import _cheap_argon2, accounts, panel_factory, signed_in  # noqa: F401  (fixtures)
from tests.handlers.subsidies.conftest import HU
from tests.handlers.subsidies.test_subsidy_chat import say


async def test_strangers_guessing_names_on_an_id_do_not_lock_its_owner_out(imported: Any, wechat: Any, http: Any,
                                                                          accounts: Any, panel_factory: Any) -> None:
    for i in range(FAILED_LIMIT + 2):  # one wrong name each, from seven accounts
        stranger = f"oStranger{i:017d}"
        await say(wechat, http, "查补贴", openid=stranger)
        assert await say(wechat, http, f"{HU.id_number} 王{'一二三四五六七'[i]}", openid=stranger) == [NO_MATCH_TEXT]
    owner = "oOwnerOfTheId000000000001"
    await say(wechat, http, "查补贴", openid=owner)
    [reply] = await say(wechat, http, f"{HU.id_number} {HU.name}", openid=owner)
    assert "胡*山" in reply and "分钟后再试" not in reply
    # the probing is visible to the county's staff on the subsidy page, without the ID number
    assert await AuditEntry.filter(action="subsidy.id_probed").count() == 1
    panel = await signed_in(panel_factory, imported, "county_admin")
    status, body = await panel.get("/admin/subsidies")
    assert status == 200 and 'id="probed-ids"' in body
    probed = body.split('id="probed-ids"', 1)[1].split("</table>", 1)[0]
    assert HU.id_number[:4] + "*" * 10 + HU.id_number[-4:] in probed and HU.id_number not in body
