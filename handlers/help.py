"""帮助 / 菜单, and the welcome text sent when someone follows the account.

    (any state) --帮助/菜单/help/?--> help text (the flow in progress is kept);
                                      a bound staff member gets the staff menu (handlers.staff)
    (the welcome itself is sent by handlers.follow)
"""
from __future__ import annotations

from bot.dispatch import Flow, Inbound, Keyword, Reply, on_click, on_text
from bot.dispatch.dispatcher import Sender
from handlers import vocabulary

HELP_TEXT = (
    "清风 · 群众监督平台\n"
    "您可以回复以下词语:\n"
    "【举报】反映村、镇干部的违纪违法问题(可实名,也可匿名)\n"
    "【查询进度】用案件编号或16位回执码查办理进度\n"
    "【查补贴】输入身份证号和姓名,查本人领取的惠民补贴\n"
    "【我没收到】查补贴后,反映某条补贴没收到或金额不对(可匿名)\n"
    "【谁查过我】查补贴后,看本人的记录什么时候、被哪类单位查过\n"
    "【我的举报】查看您实名提交的举报\n"
    "【权力清单】村里办事的流程和时限(也可以直接问,如“低保怎么申请”)\n"
    "【村务公开】【公示】本村公开的账目和公示;【点题】投票选出监督重点\n"
    "【取消】随时退出当前操作\n"
    "您的身份信息会被加密保存,被反映的干部看不到。"
)

GROUP_HELP_TEXT = (
    "清风 · 群众监督平台\n"
    "本群只解答一般问题、发布公示。举报或查补贴涉及个人信息,"
    "请不要在群里发,请私聊本公众号,回复【举报】或【查补贴】。"
)

WELCOME_TEXT = (
    "欢迎关注清风!这里可以反映身边干部吃拿卡要、优亲厚友、克扣补贴等问题,"
    "也可以查询本人领取的惠民补贴。\n\n" + HELP_TEXT
)


async def _private_help(user: Sender) -> str:
    if await user.staff() is None:
        return HELP_TEXT
    from handlers.staff import staff_help  # the case desk's menu: only a bound account gets this far

    return staff_help()


async def show_help(msg: Inbound, user: Sender) -> Reply:
    return Reply.text(GROUP_HELP_TEXT if msg.in_group else await _private_help(user))


async def help_click(user: Sender) -> Reply:
    return Reply.text(await _private_help(user))


NOT_UNDERSTOOD = "没太明白您的意思。回复【帮助】查看可以做什么。"
CANNOT_READ = "这类消息暂时看不了。请发文字、语音、照片或视频;回复【帮助】查看可以做什么。"


async def fallback(msg: Inbound) -> Reply:
    """Nothing matched. An event nobody handles gets no reply (`success`): WeChat sends many
    (subscribe_msg_popup_event, templatesendjobfinish, WeCom change_contact, …) and none is a question."""
    if msg.kind == "event" or msg.in_group:
        return Reply.empty()
    if msg.kind in ("text", "voice"):
        return Reply.text(NOT_UNDERSTOOD)
    return Reply.text(CANNOT_READ)


FLOW = Flow(
    "help",
    entry_points=[on_text(show_help, Keyword(*vocabulary.HELP)), on_click("HELP", help_click)],
    states={},
    fallbacks=[],  # `fallback` above is the dispatcher's, after every router (handlers.fallback)
    exits=(),
    timeout=None,
)
help_router = FLOW.router()
