"""What villagers read in the chat about publication (公开), in one place."""
from __future__ import annotations

from datetime import date

from handlers.publication.disclosures import Late, period_name
from storage.china_time import today as china_today
from storage.models.publication import Announcement, Disclosure, Topic, TopicRound

ASK_VILLAGE = "请回复您所在的村（如“胡家庄村”；同名的村请带上乡镇，如“东岭镇石桥村”）。回复【取消】退出。"
AMBIGUOUS = "有几个村叫这个名字，请带上乡镇名再说一次，比如：{examples}。"
UNKNOWN_VILLAGE = "没有找到这个村。请回复村名（如“胡家庄村”），或回复【取消】退出。"
NO_ROUND = "目前没有进行中的群众点题。"
ASK_VOTER_VILLAGE = ("您选的是“{topic}”。请回复您所在的村，便于按乡镇统计（只记录乡镇，不记录您是谁）；"
                     "不想填请回复【跳过】。")
VOTED = "投票成功，感谢参与！您选的是“{topic}”。截止后会公布选出的监督重点。"
ALREADY = "您已经在本轮点题中投过票了，每人每轮只能投一票。"
CLOSED = "本轮点题已经截止，不能再投票了。"
NOT_A_TOPIC = "请回复题目前面的编号（1到{n}）。回复【取消】退出。"
NO_OUTCOMES = "最近还没有公开的查处结果。反映问题请私聊本公众号，回复【举报】，可以匿名。"
GROUP_OUTCOMES_FOOT = "以上为县纪委监委公开的查处结果。反映问题请私聊本公众号，回复【举报】，可以匿名。"
MINIAPP_LINK = '<a data-miniprogram-appid="{appid}" data-miniprogram-path="{path}">{label}</a>'


def miniapp_link(appid: str, path: str, label: str) -> str:
    """A text link that opens the mini-program page (WeChat's data-miniprogram-* attributes)."""
    return MINIAPP_LINK.format(appid=appid, path=path, label=label)


def disclosures_text(village_name: str, items: list[Disclosure], late: list[Late], link: str) -> str:
    lines = [f"【{village_name}村务公开】"]
    if not items:
        lines.append("本村还没有上传公开内容。")
    for d in items:
        lines.append(f"· {period_name(d.period)}（{d.published_on:%Y-%m-%d}公开）：{d.summary}")
    for x in late:
        when = f"{x.disclosed_on:%Y-%m-%d}才公开" if x.disclosed_on else "至今未公开"
        lines.append(f"· {period_name(x.period)}：应于{x.period.due_on:%Y-%m-%d}前公开，{when}。")
    if late:
        lines.append("村务不按时公开的，可以回复【举报】反映。")
    lines.append(link)
    return "\n".join(lines)


def announcements_text(village_name: str, items: list[Announcement], link: str) -> str:
    if not items:
        return f"{village_name}还没有公示记录。\n{link}"
    lines = [f"【{village_name}最近的公示】"]
    for a in items:
        lines.append(f"· {a.sent_at:%Y-%m-%d} {a.office_name}：{a.title}")
    lines.append(link)
    return "\n".join(lines)


def round_text(r: TopicRound, topics: list[Topic]) -> str:
    lines = [f"【群众点题】{r.title}（{r.opens_on:%m月%d日}至{r.closes_on:%m月%d日}）",
             "您最希望纪委监委重点监督哪方面的问题？"]
    for i, t in enumerate(topics, 1):
        lines.append(f"{i}. {t.title}" + (f"：{t.description}" if t.description else ""))
    lines.append("回复编号投票，每人每轮一票。")
    return "\n".join(lines)


def chosen_text(r: TopicRound, topics: list[Topic]) -> str:
    chosen = [t.title for t in topics if t.chosen]
    if not chosen:
        return NO_ROUND
    return (f"{NO_ROUND}上一轮（{r.title}，{r.closes_on:%Y年%m月%d日}截止）群众选出的监督重点是："
            + "、".join(chosen) + "。县纪委监委将对这些方面开展专项监督。")


def today() -> date:
    return china_today()
