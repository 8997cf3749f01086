"""Binding village groups: by code or unique name, precise refusals, the robot key sealed and never shown."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from handlers.cases.announce import announce
from handlers.village_groups import GroupBindError, bind_group, groups_overview
from storage.key_rotation import rotate_all
from storage.models import AuditEntry, OutboxMessage, WechatGroup
from storage.models.operator import GroupRobot
from tests.processes import cli

REPO = Path(__file__).resolve().parents[2]
KEY = "693a91f6-7b0e-4bc4-97a0-0ec2a1fa5aaa"
ROBOT_URL = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}"


async def test_group_binds_by_code_or_unique_name_and_an_ambiguous_name_is_refused(registry_loaded: Any) -> None:
    cipher = registry_loaded.cipher
    g = await bind_group("wrHujia01", "胡家庄村", actor="test", cipher=cipher)
    assert (g.village_code, g.key_hint) == ("610798101201", "")
    with pytest.raises(GroupBindError) as err:
        await bind_group("wrStone01", "石桥村", actor="test", cipher=cipher)
    assert "610798101202" in str(err.value) and "610798102202" in str(err.value)
    assert await WechatGroup.filter(chat_id="wrStone01").count() == 0, "nothing half-written"
    moved = await bind_group("wrHujia01", "610798102202", actor="test", cipher=cipher)
    assert moved.village_code == "610798102202"
    with pytest.raises(GroupBindError, match="no such registry code"):
        await bind_group("wrX", "610798999999", actor="test", cipher=cipher)
    with pytest.raises(GroupBindError, match="chat id"):
        await bind_group("bad id with spaces", "胡家庄村", actor="test", cipher=cipher)
    entry = await AuditEntry.filter(action="group.bind").order_by("-id").first()
    assert entry is not None and entry.detail["from"] == "610798101201"


async def test_robot_key_is_sealed_masked_and_reaches_the_announcement(registry_loaded: Any) -> None:
    services = registry_loaded
    g = await bind_group("wrHujia02", "610798101201", webhook_key=ROBOT_URL, name="胡家庄村民群", actor="test",
                         cipher=services.cipher)
    assert g.key_hint == "••••5aaa"
    robot = await GroupRobot.get(group_id="wrHujia02")
    assert KEY not in robot.key_enc and (await WechatGroup.get(chat_id="wrHujia02")).webhook_key == ""
    assert KEY not in str([e.detail for e in await AuditEntry.all()])
    assert await announce("本村2026年低保名单已公示。", ["wrHujia02"], "test", services) == 1
    [msg] = await OutboxMessage.filter(kind="webhook")
    assert services.cipher.open(msg.recipient_enc) == KEY
    with pytest.raises(GroupBindError, match="webhook key"):
        await bind_group("wrHujia02", "610798101201", webhook_key="short", actor="test", cipher=services.cipher)
    await bind_group("wrHujia02", "610798101201", webhook_key="", actor="test", cipher=services.cipher)
    assert (await groups_overview("wrHujia02"))[0].key_hint == ""


async def test_key_rotation_seals_a_legacy_plain_robot_key(registry_loaded: Any) -> None:
    services = registry_loaded
    hujia = await bind_group("wrLegacy", "610798101201", actor="test", cipher=services.cipher)
    await WechatGroup.filter(chat_id=hujia.chat_id).update(webhook_key=KEY)  # as an older version stored it
    results = await rotate_all(services.cipher, var_dir=services.settings.var_dir)
    assert results["operator"]["legacy_sealed"] == 1
    assert (await WechatGroup.get(chat_id="wrLegacy")).webhook_key == ""
    assert (await groups_overview("wrLegacy"))[0].key_hint == "••••5aaa"


def test_groups_bind_cli(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return cli(tmp_path, *args)

    assert run("migrate").returncode == 0
    assert run("registry", "import", str(REPO / "docs" / "contracts" / "registry.example.json")).returncode == 0
    ambiguous = run("groups", "bind", "wrStone", "石桥村")
    assert ambiguous.returncode == 2 and "610798101202" in ambiguous.stderr and "610798102202" in ambiguous.stderr
    ok = run("groups", "bind", "wrHujia", "胡家庄村", "--webhook-key", KEY, "--name", "胡家庄村民群")
    assert ok.returncode == 0 and "610798101201" in ok.stdout and "5aaa" in ok.stdout
    listed = run("groups", "list")
    assert "wrHujia" in listed.stdout and "胡家庄村" in listed.stdout
    assert all(KEY not in p.stdout + p.stderr for p in (ok, listed))
