"""What the 查补贴 chat says: short plain Chinese, masked names and ID numbers only."""
from __future__ import annotations

from handlers.subsidies.lookup import LookedUp, LookupResult
from storage.china_time import CHINA_TZ

START = ("请发送您的18位身份证号和姓名,可以一条发,也可以分两条发。\n"
         "例如:身份证号 空格 姓名\n"
         "您的身份证号只用于本次查询,加密处理,不会保存原文。回复【取消】退出。")
ASK_NAME = "收到身份证号。请再发送您的姓名(与身份证上一致)。"
ASK_ID = "收到姓名。请再发送您的18位身份证号。"
NOT_UNDERSTOOD = "请发送18位身份证号和姓名,例如“身份证号 姓名”。回复【取消】退出查询。"
LISTED_HINT = ("如某条记录您没有收到或金额不对,请回复【我没收到 编号】或【金额不对 编号】,例如:我没收到 1\n"
               "回复【谁查过我】看本人记录被查询的时间,回复【订阅】在有新发放时提醒您。")
NEED_LOOKUP = "请先回复【查补贴】,用身份证号和姓名查到本人的记录后,再回复【{word}】。"
NO_SUCH_NUMBER = "没有第{no}条记录。请回复列表中的编号,例如:我没收到 1"
WHICH_RECORD = "请说明是第几条记录,例如:我没收到 1"
ALREADY_DISPUTED = "第{no}条记录您已经反映过了,案件编号 {number}。可以回复【查询进度】查看办理情况。"
ALREADY_DISPUTED_ANONYMOUS = "第{no}条记录您已经匿名反映过了。凭回执码回复【查询进度】可以查看办理情况。"
DISPUTE_WHAT = {"not_received": "没有收到", "wrong_amount": "金额不对"}
CONFIRM_DISPUTE = "您要反映第{no}条记录{what}:\n{line}\n对吗?\n1 对\n2 不对"
NOT_UNDERSTOOD_CONFIRM = "请回复1(对)或2(不对)。"
DISPUTE_DROPPED = "好的,没有提交。"
ASK_DISPUTE_IDENTITY = ("您想实名还是匿名反映?\n"
                        "1 实名:办理单位可以联系您、告诉您结果,您的身份加密保存,被反映的人看不到\n"
                        "2 匿名:不留您的微信身份,凭回执码查进度\n"
                        "(两种方式下,办理单位核查时都会看到是哪一笔发放记录)")
NOT_UNDERSTOOD_IDENTITY = "请回复1(实名)或2(匿名)。"
ASK_RECEIVED = {
    "not_received": "这笔钱您收到过一部分吗?收到多少请回复金额(例如 500);一分没收到请回复0;不清楚请回复【跳过】。",
    "wrong_amount": "您实际收到了多少钱?请回复金额(例如 1200);不清楚请回复【跳过】。",
}
BAD_RECEIVED = "请回复收到的金额(只写数字,例如 800);一分没收到回复0;不清楚回复【跳过】。"
DISPUTE_TEXT = {"not_received": "群众反映没有收到以下惠民资金", "wrong_amount": "群众反映以下惠民资金金额不对"}
SUBSCRIBED = "已订阅。以后导入新的发放记录时,如果有您名下的,会发消息提醒您。回复【取消订阅】可以取消。"
ALREADY_SUBSCRIBED = "您已经订阅过了。有新的发放记录时会提醒您。"
UNSUBSCRIBED = "已取消订阅,以后不再提醒。"
NOT_SUBSCRIBED = "您没有订阅提醒。"
NOBODY_LOOKED = "除了您这次查询,没有查到其他查询记录。"


def records_text(result: LookupResult) -> str:
    lines = [f"{result.name_masked}({result.id_masked})的惠民资金发放记录,共{len(result.records)}条,最新的在前:"]
    for r in result.records:
        lines.append(f"{r.no}. {r.paid_on:%Y-%m-%d} {r.program} {r.amount:.2f}元({r.village})")
    totals = ";".join(f"{y}年 {t:.2f}元" for y, t in result.totals.items())
    lines.append(f"按年合计:{totals}")
    lines.append(LISTED_HINT)
    return "\n".join(lines)


def lookups_text(looked: list[LookedUp]) -> str:
    if len(looked) <= 1:
        return NOBODY_LOOKED
    shown = [f"{x.at.astimezone(CHINA_TZ):%Y-%m-%d %H:%M} {x.by}" for x in looked]
    return ("您的补贴记录被查询的情况(最新的在前,含本次;只说是哪个单位或哪个渠道,不说是谁):\n" + "\n".join(shown)
            + "\n纪检监察机关工作人员核查是办理工作的一部分。如果有不是您本人的公众号或小程序查询,"
              "说明有人知道了您的身份证号和姓名,请留意。")
