"""Key rotation of the operator app: group-robot keys re-sealed under the current data key.

Plain keys left in `wechat_group.webhook_key` by earlier versions are sealed here too (and the
plain column emptied), so one `qingfeng keys rotate` leaves no robot key in clear.
"""
from __future__ import annotations

from tortoise.transactions import in_transaction

from storage.crypto import PersonalDataCipher
from storage.key_rotation import Progress
from storage.models import WechatGroup
from storage.models.operator import GroupRobot


def robot_aad(chat_id: str) -> str:
    """A sealed key opens only on its own group's row."""
    return f"group-robot:{chat_id}"


async def rotate_operator(cipher: PersonalDataCipher, progress: Progress | None = None) -> dict[str, int]:
    resealed = sealed_legacy = 0
    async with in_transaction() as conn:
        for robot in await GroupRobot.all().using_db(conn).select_for_update():
            if robot.key_enc.partition(".")[0] == cipher.current_data_kid:
                continue
            robot.key_enc = cipher.seal(cipher.open(robot.key_enc, aad=robot_aad(robot.group_id)),
                                        aad=robot_aad(robot.group_id))
            await robot.save(update_fields=["key_enc", "updated_at"], using_db=conn)
            resealed += 1
        for group in await WechatGroup.exclude(webhook_key="").using_db(conn):
            await GroupRobot.update_or_create(
                group_id=group.chat_id, using_db=conn,
                defaults={"key_enc": cipher.seal(group.webhook_key, aad=robot_aad(group.chat_id)),
                          "key_hint": group.webhook_key[-4:]})
            group.webhook_key = ""
            await group.save(update_fields=["webhook_key"], using_db=conn)
            sealed_legacy += 1
    if progress:
        progress("group robots", resealed + sealed_legacy)
    return {"resealed": resealed, "legacy_sealed": sealed_legacy}
