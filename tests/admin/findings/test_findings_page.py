"""The findings page: counts by rule and township, scoped (IDOR) on every URL and form, drill-down masked and
audited, explain needs CSRF and a reason, export scoped and audited; no full ID number or name anywhere."""
from __future__ import annotations

import io
import json
import re
from collections import Counter
from typing import Any

from openpyxl import load_workbook

from nlp.idcard import mask_id, mask_name
from storage.models import AuditEntry, Case, Staff, SubsidyRecord, Village
from storage.models.compare import Finding, FindingStatus
from tests.admin.conftest import signed_in
from tests.admin.findings.conftest import Planted
from tests.handlers.compare.conftest import DONGLING, NANBA

ROW_RE = re.compile(r'<tr data-(rule|township)="([^"]+)"><td>.*?</td>\s*<td class="n-open">(\d+)</td>'
                    r'<td class="n-explained">(\d+)</td><td class="n-total">(\d+)</td>', re.S)


async def _township_of(key: tuple[str, ...]) -> str:
    """Where a planted finding belongs, from its payments (not from the findings table): "none" when several."""
    id_hash, village = key[0], key[1]
    if village:
        return village[:9]
    towns = {v[:9] for v in await SubsidyRecord.filter(id_hash=id_hash).values_list("village_id", flat=True)}
    return towns.pop() if len(towns) == 1 else "none"


async def _expected(p: Planted, township: str | None = None) -> tuple[Counter[str], Counter[str]]:
    """Planted findings by rule and by township; for a township's staff, those of their township that are
    not routed to the county (a village under 提级监督)."""
    elevated = set(await Village.filter(elevated=True).values_list("code", flat=True))
    by_rule: Counter[str] = Counter()
    by_town: Counter[str] = Counter()
    for rule, keys in p.want.items():
        for key in keys:
            town = await _township_of(key)
            if township is not None and (town != township or key[1] in elevated):
                continue
            by_rule[rule] += 1
            by_town[town] += 1
    return by_rule, by_town


def _counts(body: str) -> tuple[Counter[str], Counter[str]]:
    by_rule: Counter[str] = Counter()
    by_town: Counter[str] = Counter()
    for kind, key, _open, _explained, total in ROW_RE.findall(body):
        if int(total):
            (by_rule if kind == "rule" else by_town)[key] = int(total)
    return by_rule, by_town


def _listed(body: str) -> set[int]:
    table = body.split('<table id="finding-table">', 1)[1].split("</table>", 1)[0]
    return {int(x) for x in re.findall(r'<tr data-id="(\d+)">', table)}


async def _export(panel: Any, query: str = "") -> list[tuple[Any, ...]]:
    status, data, ctype = await panel.get_bytes("/admin/findings/export.xlsx" + query)
    assert status == 200 and "spreadsheet" in ctype
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True))


def _assert_nobody_named(p: Planted, text: str) -> None:
    for number, name in p.data.names.items():
        assert number not in text, "a full ID number on the page"
        assert name not in text, "a full name on the page"


async def test_county_counts_by_rule_and_township_match_the_planted_data(planted: Planted, panel_factory: Any,
                                                                         services: Any) -> None:
    panel = await signed_in(panel_factory, services, "county_staff")
    status, body = await panel.get("/admin/findings")
    assert status == 200
    assert _counts(body) == await _expected(planted)
    assert _listed(body) == set(await Finding.all().values_list("id", flat=True))
    # a filter narrows the list to one rule's findings
    _, body = await panel.get("/admin/findings?rule=after_death")
    assert len(_listed(body)) == len(planted.want["after_death"]) == 1
    # explained findings move from the open column to the explained one
    f = await Finding.filter(rule="duplicate").first()
    await panel.get(f"/admin/findings/{f.id}")
    status, _ = await panel.post(f"/admin/findings/{f.id}/explain", {"reason": "同月两笔为补发上月，有批文"})
    assert status == 200
    _, body = await panel.get("/admin/findings")
    row = re.search(r'data-rule="duplicate">.*?n-open">(\d+)</td><td class="n-explained">(\d+)<', body, re.S)
    assert row and (int(row[1]), int(row[2])) == (len(planted.want["duplicate"]) - 1, 1)
    _, body = await panel.get("/admin/findings?state=explained")
    assert _listed(body) == {f.id}


async def test_township_staff_see_and_export_only_their_townships_findings(planted: Planted, panel_factory: Any,
                                                                           services: Any) -> None:
    panel = await signed_in(panel_factory, services, "nanba_staff")
    status, body = await panel.get("/admin/findings")
    assert status == 200
    want_rule, want_town = await _expected(planted, NANBA)
    assert sum(want_rule.values()) > 0 and set(want_town) == {NANBA}
    assert _counts(body) == (want_rule, want_town)
    mine = set(await Finding.filter(case__office=NANBA).values_list("id", flat=True))
    assert _listed(body) == mine
    for query in ("?township=" + DONGLING, "?township=none", "?rule=multi_village", "?state=open"):
        _, body = await panel.get("/admin/findings" + query)
        assert _listed(body) <= mine, query
        assert {r[0] for r in await _export(panel, query)} <= mine, query
    assert {r[0] for r in await _export(panel)} == mine
    exports = await AuditEntry.filter(action="findings.export").order_by("id")
    staff = await Staff.get(username="nanba_staff")
    assert len(exports) == 5 and all(e.actor == f"staff:{staff.id}" for e in exports)
    assert exports[-1].detail["rows"] == len(mine)


async def test_township_staff_cannot_open_or_explain_another_townships_finding(planted: Planted,
                                                                               panel_factory: Any,
                                                                               services: Any) -> None:
    panel = await signed_in(panel_factory, services, "nanba_staff")
    await panel.get("/admin/findings")
    others = await Finding.exclude(case__office=NANBA).values_list("id", flat=True)
    assert others  # 东岭镇, several townships, and the county's 提级监督 village of 南坝镇 itself
    for fid in others:
        assert (await panel.get(f"/admin/findings/{fid}"))[0] == 404
        status, _ = await panel.post(f"/admin/findings/{fid}/explain", {"reason": "本镇核实无问题"})
        assert status == 404
    assert not await Finding.filter(id__in=others, status=FindingStatus.EXPLAINED).exists()
    assert not await AuditEntry.filter(action__in=("findings.view", "compare.explain")).exists()
    assert (await panel.get("/admin/findings/999999"))[0] == 404  # the same answer: ids cannot be probed
    for username in ("hujia_monitor", "auditor"):
        other = await signed_in(panel_factory, services, username)
        assert (await other.get("/admin/findings"))[0] == 403
        assert (await other.get_bytes("/admin/findings/export.xlsx"))[0] == 403
        assert (await other.get(f"/admin/findings/{others[0]}"))[0] == 403


async def test_explain_needs_csrf_and_a_reason_and_closes_the_clue(planted: Planted, panel_factory: Any,
                                                                   services: Any) -> None:
    panel = await signed_in(panel_factory, services, "nanba_staff")
    f = await Finding.get(rule="favoritism", note="村委会主任")
    status, body = await panel.get(f"/admin/findings/{f.id}")
    assert status == 200 and f'href="/admin/cases/{f.case_id}"' in body
    status, _ = await panel.post(f"/admin/findings/{f.id}/explain", {"reason": "经评议符合条件"}, csrf=False)
    assert status == 403
    status, _ = await panel.post(f"/admin/findings/{f.id}/explain", {"reason": "经评议符合条件", "csrf": "forged"})
    assert status == 403
    status, body = await panel.post(f"/admin/findings/{f.id}/explain", {"reason": " 无 "})
    assert status == 400 and "至少4个字" in body
    assert (await Finding.get(id=f.id)).status == FindingStatus.OPEN
    status, body = await panel.post(f"/admin/findings/{f.id}/explain", {"reason": "经村民代表会议评议，本人符合低保条件"})
    assert status == 200 and 'id="finding-state">已说明<' in body and "本人符合低保条件" in body
    staff = await Staff.get(username="nanba_staff")
    done = await Finding.get(id=f.id)
    assert done.status == FindingStatus.EXPLAINED and done.explained_by == f"staff:{staff.id}"
    assert (await Case.get(id=f.case_id)).status == "rejected"
    # a second explanation is refused, and the first one stands
    status, body = await panel.post(f"/admin/findings/{f.id}/explain", {"reason": "再说明一次看看"})
    assert status == 409 and "本人符合低保条件" in body
    assert await AuditEntry.filter(action="compare.explain", target=f"finding:{f.id}").count() == 1


async def test_drill_down_shows_records_masked_and_is_audited(planted: Planted, panel_factory: Any, services: Any,
                                                               sensitive_log: Any) -> None:
    panel = await signed_in(panel_factory, services, "county_admin")
    death = await Finding.get(rule="after_death")
    number = next(n for n in planted.data.names if planted.data.id_hash(n) == death.id_hash)
    status, body = await panel.get(f"/admin/findings/{death.id}")
    assert status == 200
    records = body.split('<table id="record-table">', 1)[1].split("</table>", 1)[0]
    assert records.count("<tr>") == 1 + 2  # header and the two payments after the death, not the one before
    assert mask_id(number) in body and mask_name(planted.data.names[number]) in body
    assert "登记死亡日期2026-02-10" in body
    staff = await Staff.get(username="county_admin")
    entry = await AuditEntry.get(action="findings.view")
    assert (entry.actor, entry.target, entry.detail["rule"]) == (f"staff:{staff.id}", f"finding:{death.id}",
                                                                "after_death")
    # every page and the export, for every finding: masked, never in full
    _, body = await panel.get("/admin/findings")
    _assert_nobody_named(planted, body)
    ids = await Finding.all().values_list("id", flat=True)
    for fid in ids:
        status, body = await panel.get(f"/admin/findings/{fid}")
        assert status == 200
        _assert_nobody_named(planted, body)
    rows = await _export(panel)
    assert len(rows) == len(ids)
    _assert_nobody_named(planted, json.dumps(rows, default=str, ensure_ascii=False))
    audit_text = json.dumps([e.detail for e in await AuditEntry.all()], ensure_ascii=False)
    _assert_nobody_named(planted, audit_text)
    assert await AuditEntry.filter(action="findings.view").count() == len(ids) + 1
    _assert_nobody_named(planted, " ".join(r.getMessage() for r in sensitive_log.records))
