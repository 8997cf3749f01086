"""The similar-report check (issue 20 item 8): a caller probing with guessed texts learns only that a similar
report exists and may add their voice; nothing else of the case, a limited number of times, audited."""
from __future__ import annotations

from typing import Any

from storage.models import AuditEntry, Case
from tests.bot.api.conftest import HUJIAZHUANG

AVOIDED = "南坝镇副镇长把胡家庄村的低保款扣下了,不要转给镇上,镇上和他是一伙的"
GUESS = "南坝镇副镇长把胡家庄村的低保钱扣下了,镇上和他们一伙"


async def test_similar_check_reveals_no_other_case_and_is_limited_and_audited(make_user: Any, api_config: Any) -> None:
    reporter, prober = make_user(), make_user()
    await reporter.login()
    await prober.login()
    number = (await reporter.report(AVOIDED, village=HUJIAZHUANG, category="subsidy_fraud")).body["case_number"]
    county_case = await Case.get(number=number)
    assert county_case.office != county_case.township_id  # a county-only case: the worst to leak
    offer = await prober.report(GUESS, village=HUJIAZHUANG, category="subsidy_fraud")
    assert offer.status == 200 and offer.body["filed"] is False and offer.body["similar_found"] is True
    dump = repr(offer.body)
    for leak in (number, "县纪委", "副镇长", "一伙", "胡家庄"):
        assert leak not in dump, leak
    # the caller may add their voice (附议) without learning which case it is
    joined = await prober.post("/api/v1/reports/follow", {"token": offer.body["follow_token"]})
    assert joined.status == 200 and joined.body["case"] is None and number not in repr(joined.body)
    assert (await Case.get(id=county_case.id)).priority == 1
    # someone else's token is worth nothing
    stranger = make_user()
    await stranger.login()
    assert (await stranger.post("/api/v1/reports/follow", {"token": offer.body["follow_token"]})).code == "case_not_found"
    # each check is audited, and a session cannot check on and on
    checks = await AuditEntry.filter(action="reports.similar_check").order_by("id")
    assert [e.detail["found"] for e in checks] == [False, True]  # the reporter's own filing, then the probe
    assert checks[1].target == f"case:{county_case.id}"
    api_config.similar_per_hour = 3
    codes = [(await prober.report(GUESS + str(i), village=HUJIAZHUANG, category="subsidy_fraud")).code
             for i in range(4)]
    assert codes[-1] == "rate_limited"
