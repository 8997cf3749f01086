"""Synthetic disbursement tables for the demo and the benchmark: made-up people with valid ID checksums.

    people = write_demo_csv(Path("var/demo-subsidies.csv"), registry_dict, rows=200)
    people[0].id_number, people[0].name   # someone to try 查补贴 with

Nobody in these files exists: names are drawn from common characters, ID
numbers are built with `nlp.idcard.make_id` under the county's region code.
Deterministic for a given seed, so a demo shows the same people every time.
"""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from nlp.idcard import make_id
from storage.china_time import today as china_today

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国秀英桂兰玉珍大山小红明华志强海燕文杰春梅振华德福宝林淑芬金凤永红国庆丽娟红霞俊峰家豪雪梅长青树林水生月娥"
# program -> (typical amount, spread): amounts vary around the standard, as real tables do
PROGRAMS: dict[str, tuple[int, int]] = {
    "农村低保": (1560, 400), "特困人员供养": (2400, 300), "临时救助": (800, 500), "高龄补贴": (600, 0),
    "残疾人两项补贴": (960, 120), "耕地地力保护补贴": (850, 300), "退耕还林补助": (1200, 400),
    "危房改造补助": (20000, 5000), "产业发展补助": (3000, 1500), "城乡居民养老金": (1800, 200),
}
SOURCES = {"农村低保": "县民政局", "特困人员供养": "县民政局", "临时救助": "县民政局", "高龄补贴": "县民政局",
           "残疾人两项补贴": "县残联", "耕地地力保护补贴": "县农业农村局", "退耕还林补助": "县林业局",
           "危房改造补助": "县住建局", "产业发展补助": "县乡村振兴局", "城乡居民养老金": "县人社局"}
HEADER = ["name", "id_number", "program", "amount", "paid_on", "village", "source"]


@dataclass(frozen=True)
class DemoPerson:
    id_number: str
    name: str
    village: str  # registry code


def villages_of(registry: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(code, name, name is unique in the registry) for every village."""
    all_v = [(v["code"], v["name"]) for t in registry.get("townships", []) for v in t.get("villages", [])]
    counts: dict[str, int] = {}
    for _, name in all_v:
        counts[name] = counts.get(name, 0) + 1
    return [(code, name, counts[name] == 1) for code, name in all_v]


def make_people(registry: dict[str, Any], n: int, rng: random.Random) -> list[DemoPerson]:
    region = str(registry["county"]["code"])[:6].ljust(6, "0")
    villages = villages_of(registry)
    people: list[DemoPerson] = []
    used: set[str] = set()
    while len(people) < n:
        born = date(1935, 1, 1) + timedelta(days=rng.randrange(0, 365 * 70))
        number = make_id(region, born, rng.randrange(0, 1000))
        if number in used:
            continue
        used.add(number)
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        people.append(DemoPerson(number, rng.choice(SURNAMES) + given, rng.choice(villages)[0]))
    return people


def write_demo_csv(path: Path | str, registry: dict[str, Any], rows: int = 200, *, seed: int = 6,
                   today: date | None = None) -> list[DemoPerson]:
    """Write `rows` records (about three per person) and return the people, for trying lookups."""
    rng = random.Random(seed)
    today = today or china_today()
    people = make_people(registry, max(1, rows // 3), rng)
    names = {code: (name, unique) for code, name, unique in villages_of(registry)}
    programs = list(PROGRAMS)
    seen: set[tuple[str, str, str]] = set()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        written = 0
        while written < rows:
            p = people[written % len(people)] if written < len(people) else rng.choice(people)
            program = rng.choice(programs)
            paid = today - timedelta(days=rng.randrange(1, 730))
            if (p.id_number, program, paid.isoformat()) in seen:
                continue
            seen.add((p.id_number, program, paid.isoformat()))
            base, spread = PROGRAMS[program]
            amount = base + (rng.randrange(-spread, spread + 1) if spread else 0) + rng.choice((0, 0, 0.5))
            vname, unique = names[p.village]
            village = vname if unique and rng.random() < 0.3 else p.village  # codes mostly, unique names too
            out.writerow([p.name, p.id_number, program, f"{amount:.2f}", paid.isoformat(), village, SOURCES[program]])
            written += 1
    return people


__all__ = ["DemoPerson", "make_people", "write_demo_csv"]
