"""The demo county's publication data for `qingfeng demo`: the 小微权力清单 (storage/data/powers_demo.yaml),
one quarter's 财务公开 for its villages (one village late, one not at all), one 群众点题 round and one 公示.

Idempotent: a second run adds nothing. The finance tables are synthetic, with the columns a township's
财务公开 table has (日期, 摘要, 收入, 支出).
"""
from __future__ import annotations

import io
import random
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from storage.china_time import today as china_today

if TYPE_CHECKING:
    from bot.services import Services

DEMO_POWERS = Path(__file__).resolve().parents[2] / "storage" / "data" / "powers_demo.yaml"
INCOME = ("村集体鱼塘承包费", "集体林地租金", "村部门面房租金", "上级村级运转经费", "光伏发电收益")
SPENDING = ("村道路灯维修", "水渠清淤", "办公用品", "村部电费", "垃圾清运", "村务公开栏更新")
TOPICS = [("低保评定", "低保对象评定是否公平、有没有优亲厚友"), ("村级工程项目", "村里修路、水利等工程的发包和质量"),
          ("集体“三资”管理", "集体土地、鱼塘、山林的承包和收入"), ("惠民补贴发放", "各类补贴是否按时足额发到户")]


def last_due_quarter(today: date) -> tuple[int, int]:
    """The latest quarter whose disclosure due date has passed."""
    from handlers.publication.disclosures import quarter_bounds

    y, q = today.year, (today.month - 1) // 3 + 1
    while True:
        q -= 1
        if q == 0:
            y, q = y - 1, 4
        if quarter_bounds(y, q)[2] < today:
            return y, q


def finance_xlsx(village: str, start: date, seed: int) -> bytes:
    from openpyxl import Workbook

    rnd = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    ws.title = "财务公开"
    ws.append([f"{village}村级财务收支公开表"])
    ws.append(["日期", "摘要", "收入", "支出"])
    for i in range(12):
        day = start + timedelta(days=rnd.randrange(0, 88))
        if i % 3 == 0:
            ws.append([day.isoformat(), rnd.choice(INCOME), rnd.randrange(2000, 30000), None])
        else:
            ws.append([day.isoformat(), rnd.choice(SPENDING), None, round(rnd.uniform(80, 6000), 2)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def load_publication_demo(services: "Services", today: date | None = None) -> list[str]:
    from handlers.publication import archive, disclosures, topics
    from handlers.publication.power_import import import_powers, read_rows
    from storage.models import Village, WechatGroup
    from storage.models.publication import Announcement, Disclosure, DisclosureKind, RoundStatus, TopicRound

    today = today or china_today()
    done = []
    result = await import_powers(read_rows(DEMO_POWERS), services.redis, actor="demo")
    done.append(f"小微权力清单: {result.created + result.updated + result.unchanged} items "
                f"(ask 低保怎么申请, 宅基地审批要多久, or 权力清单)")
    year, quarter = last_due_quarter(today)
    period = await disclosures.quarter_period(DisclosureKind.FINANCE, year, quarter)
    villages = await Village.all().order_by("code")
    for n, v in enumerate(villages):
        if n == len(villages) - 1 or await Disclosure.exists(village_id=v.code, period_id=period.id):
            continue  # the last village never disclosed: it shows as late and raises a clue
        late = n == len(villages) - 2
        on = period.due_on + timedelta(days=6) if late else period.due_on - timedelta(days=3 + n % 9)
        await disclosures.publish(disclosures.Upload(v.code, period.id, "", "", f"{v.code}-{period.label}.xlsx",
                                                     finance_xlsx(v.name, period.starts_on, n)),
                                  actor="demo", today=on)
    done.append(f"村务公开: {period.label} finance for {len(villages) - 1} of {len(villages)} villages "
                f"(one late, one missing: 村务公开 in chat, /admin/disclosures)")
    if not await TopicRound.exists():
        r = await topics.create_round(f"{today.year}年群众点题：您最希望监督什么", today - timedelta(days=3),
                                      today + timedelta(days=14), TOPICS, actor="demo")
        await topics.set_status(r, RoundStatus.OPEN, actor="demo")
        tops = await topics.topics_of(r)
        for i, v in enumerate(villages * 3):  # synthetic voters, so the panel has results per township
            subject = services.cipher.subject_hash("demo", f"voter-{i}")
            await topics.vote(r, tops[(i * 7) % 3].id, subject, township=v.township_id, channel="demo")  # type: ignore[attr-defined]
    done.append("群众点题: one open round (回复【点题】)")
    if not await Announcement.exists():
        groups = await WechatGroup.all()
        registry = await services.registry()
        await archive.record("关于2026年度农村低保对象评议结果的公示\n评议结果已在各村公开栏张贴，公示期7天，"
                             "有异议的可私聊本公众号回复【举报】反映，可以匿名。", groups, sender="demo",
                             office_code=registry.county_code, office_name=registry.county_commission)
    done.append("公示 archive: one announcement (回复【公示】)")
    return done
