"""Every flow of `qingfeng chat` walked against `qingfeng demo` (real processes, real HTTP): no dead end.

Each villager line is sent by the real CLI (`qingfeng chat --say …`, signed and encrypted as WeChat does) to the
demo server; staff act through the panel over HTTP. Every answer must be Chinese (no English words, no stack
trace, no unfilled placeholder) and either complete what was asked or say what to reply next.
"""
from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.processes import free_port, start_demo, stop_group

REPO = Path(__file__).resolve().parents[3]
ASK, DONE = "ask", "done"  # an answer that asks for the next reply / one that completes the flow
NEXT_STEP = re.compile(r"回复|发送|请|[??]\s*$|[??]\n")
BROKEN = re.compile(r"Traceback|Error|Exception|\bNone\b|\bnull\b|\{[a-z_]+\}|<class|staff:|villager:")
ALLOWED_LATIN = re.compile(r"<a [^>]*>|</a>|QF(?:\d{10})?|\b\d+(?:\.\d+)?\b")


def check(answer: str, kind: str, said: str) -> None:
    where = f"after {said!r}: {answer!r}"
    assert answer.strip(), f"no answer {where}"
    assert not BROKEN.search(answer), f"broken text {where}"
    assert not re.search(r"[A-Za-z]{2,}", ALLOWED_LATIN.sub(" ", answer)), f"English {where}"
    if kind == ASK:
        assert NEXT_STEP.search(answer), f"dead end (nothing says what to reply) {where}"


class Walk:
    def __init__(self, tmp: Path, port: int, fake_port: int) -> None:
        self.tmp, self.port, self.fake_port = tmp, port, fake_port
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        self.env.update(QINGFENG_VAR=str(tmp / "var"), PYTHONPATH=str(REPO))

    def chat(self, user: str, lines: list[str], *, group: str = "", wait: float = 0.3) -> list[list[str]]:
        """The bot's messages after each line (late ones included), as the CLI printed them."""
        args = [sys.executable, "-m", "bot.cli", "chat", "--url", f"http://127.0.0.1:{self.port}",
                "--fake-api", f"http://127.0.0.1:{self.fake_port}", "--user", user, "--wait", str(wait)]
        if group:
            args += ["--group", group]
        for line in lines:
            args += ["--say", line]
        out = subprocess.run(args, cwd=self.tmp, env=self.env, capture_output=True, text=True, timeout=180)
        assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
        turns = out.stdout.split("你> ")[1:]
        assert len(turns) == len(lines), out.stdout
        return [[m.strip() for m in t.split("清风> ")[1:]] for t in turns]

    def script(self, user: str, steps: list[tuple[str, str, str]], *, group: str = "") -> list[str]:
        """Steps of (line, ASK | DONE, a text the answer must hold); returns the answers joined per line."""
        answers = self.chat(user, [s[0] for s in steps], group=group)
        joined = []
        for (said, kind, expect), got in zip(steps, answers):
            text = "\n".join(got)
            check(text, kind, said)
            assert expect in text, f"after {said!r} expected {expect!r}, got {text!r}"
            joined.append(text)
        return joined


@pytest.fixture
def demo(tmp_path: Path) -> Any:
    port, fake_port = free_port(), free_port()
    walk = Walk(tmp_path, port, fake_port)
    proc, banner = start_demo(tmp_path, walk.env, port, fake_port)
    person = re.search(r"查补贴 (\d{17}[\dX]) (\S+)", banner)
    assert person, banner
    walk.person = (person.group(1), person.group(2))  # type: ignore[attr-defined]
    try:
        yield walk
    finally:
        stop_group(proc)


async def sent_to(walk: Walk, user: str, holding: str, seconds: float = 60) -> str:
    """A message the server sent this villager later (customer-service API), read from the fake WeChat."""
    from bot.cli.chat import openid_for

    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            async with http.get(f"http://127.0.0.1:{walk.fake_port}/_fake/records") as r:
                for rec in await r.json():
                    body = rec.get("body", {})
                    if body.get("touser") == openid_for(user) and holding in body.get("text", {}).get("content", ""):
                        return str(body["text"]["content"])
            await asyncio.sleep(0.5)
    raise AssertionError(f"nothing holding {holding!r} was sent to {user}")


async def resolve_in_panel(walk: Walk, number: str) -> None:
    """nanba_staff (the demo's township account) accepts and resolves the case, as in a browser."""
    from tests.admin.conftest import Panel

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        panel = Panel(f"http://127.0.0.1:{walk.port}", http)
        status, body = await panel.sign_in("nanba_staff", "demo-nanba-staff")
        assert status == 200, body[:300]
        status, body = await panel.get(f"/admin/cases?q={number}")
        case_id = re.search(r'href="/admin/cases/(\d+)"[^>]*>\s*' + number, body)
        assert case_id, body[:2000]
        path = f"/admin/cases/{case_id.group(1)}"
        await panel.get(path)
        for form in ({"action": "accept"}, {"action": "resolve", "result": "经核实,已责令退还承包费"}):
            status, body = await panel.post(path + "/action", form)
            assert status == 200, body[:500]


async def test_every_chat_flow_against_the_demo_has_no_dead_end(demo: Walk) -> None:
    id_number, name = demo.person  # type: ignore[attr-defined]
    demo.script("walk-help", [
        ("帮助", DONE, "【举报】"), ("asdf", ASK, "【帮助】"), ("你好", ASK, "【举报】"), ("谢谢", DONE, "")])
    filed = demo.script("walk-anonymous", [
        ("举报", ASK, "【好了】"), ("胡家庄村的会计把集体鱼塘的承包费揣进了自己腰包", ASK, "【好了】"),
        ("好了", ASK, "对吗"), ("1", ASK, "哪项集体资产"), ("鱼塘", ASK, "多少钱"), ("跳过", ASK, "实名还是匿名"),
        ("2", DONE, "回执码")])
    receipt = re.search(r"回执码:([\d ]{19})", filed[-1]).group(1)  # type: ignore[union-attr]
    demo.script("walk-elsewhere", [("查询进度", ASK, "回执码"), (receipt, DONE, "状态:"),
                                   (f"查询进度 {receipt}", DONE, "南坝镇纪委")])
    first = re.search(r"QF\d{10}", filed[-1]).group(0)  # type: ignore[union-attr]
    demo.script("walk-anonymous", [  # after filing: add to it, a lost receipt, a follow-up report naming the first
        ("补充", ASK, "回执码"), (receipt, ASK, "【好了】"), ("会计家里刚买了新车", ASK, "【好了】"),
        ("好了", DONE, "【查询进度】"), ("回执丢了", DONE, "【续报 案件编号】"), ("续报", ASK, "案件编号"),
        (f"续报 {first}", ASK, "【好了】"), ("胡家庄村的会计还把鱼塘转包给了自己的亲戚", ASK, "【好了】"), ("好了", ASK, "对吗"),
        ("1", ASK, "【跳过】"), ("跳过", ASK, "【跳过】"), ("跳过", ASK, "实名还是匿名"), ("2", DONE, "回执码")])
    demo.script("walk-cancel", [("举报", ASK, ""), ("村里的事", ASK, ""), ("取消", DONE, "已取消"),
                                ("好了", ASK, "")])
    demo.script("walk-subsidy", [
        ("查补贴", ASK, "身份证号"), (id_number, ASK, "姓名"), (name, ASK, "【我没收到 编号】"),
        ("谁查过我", DONE, ""), ("订阅", DONE, "已订阅"), ("取消订阅", DONE, "已取消订阅"),
        ("我没收到 1", ASK, "对吗"), ("1", ASK, "实名还是匿名"), ("2", ASK, "【跳过】"), ("跳过", DONE, "回执码"),
        ("我没收到 1", ASK, "已经匿名反映过了"), ("金额不对 2", ASK, "对吗"), ("不对", ASK, "没有提交"),
        ("金额不对 2", ASK, "对吗"), ("1", ASK, "实名还是匿名"), ("1", ASK, "实际收到了多少"), ("大概一千", ASK, "金额"),
        ("800", DONE, "【我的举报】"),
        ("金额不对 9", ASK, "没有第9条")])
    demo.script("walk-before-lookup", [("我没收到", ASK, "【查补贴】"), ("谁查过我", ASK, "【查补贴】"),
                                       ("订阅", ASK, "【查补贴】"), ("我的举报", ASK, "")])
    demo.script("walk-publication", [
        ("权力清单", ASK, "共24项"), ("低保怎么申请", ASK, "【举报】"), ("村务公开", ASK, "村"), ("胡家庄村", DONE, "村务公开"),
        ("公示", ASK, "村"), ("胡家庄村", DONE, "公示"), ("点题", ASK, "投票"), ("1", ASK, "【跳过】"),
        ("跳过", DONE, "投票成功")])
    # 实名, then staff resolve it in the panel: the 办结 notice's question is answered after another flow ran
    real = demo.script("walk-real-name", [
        ("举报", ASK, ""), ("胡家庄村的会计把村集体的承包费装进了自己口袋", ASK, ""), ("好了", ASK, "对吗"),
        ("1", ASK, "【跳过】"), ("跳过", ASK, "【跳过】"), ("跳过", ASK, "实名还是匿名"), ("1", ASK, "姓名"),
        ("张秀英", ASK, "手机号"), ("跳过", DONE, "【我的举报】"), ("我的举报", ASK, "查询进度")])
    number = re.search(r"QF\d{10}", real[-2]).group(0)  # type: ignore[union-attr]
    demo.script("walk-real-name", [("查补贴", ASK, "身份证号")])
    await resolve_in_panel(demo, number)
    demo.script("walk-real-name", [(f"{id_number} {name}", ASK, "【我没收到 编号】")])
    notice = await sent_to(demo, "walk-real-name", "已办结")  # the demo's worker sends the 办结 notice
    check(notice, DONE, "(the 办结 notice)")
    assert number in notice and "回复1" in notice, notice
    demo.script("walk-real-name", [("1", DONE, "谢谢您的评价"), (f"查询进度 {number}", DONE, "您的评价:满意")])
    demo.script("walk-group", [
        ("帮助", ASK, "私聊"), ("举报", ASK, "私聊"), ("有没有公示?", ASK, "公示"),
        ("举报会不会被村干部知道是我?", ASK, "看不到是谁反映的"), ("低保怎么申请", ASK, ""),
        (f"{id_number} {name}", ASK, "不要在群里发")], group="wrDemoGroupHujiazhuang")
