"""Login, sessions, errors and rate limits of /api/v1, as the mini-program meets them."""
from __future__ import annotations

import asyncio
import hashlib
from typing import Any

from bot.fake_wechat import FailurePlan, fake_openid
from storage import keys
from tests.bot.api.conftest import MiniProgram
from tests.handlers.conftest import all_redis


async def test_login_returns_opaque_token_and_never_the_openid(make_user: Any, services: Any, api_config: Any,
                                                               sensitive_log: Any) -> None:
    u: MiniProgram = make_user("code-alice")
    r = await u.call("POST", "/api/v1/session", json={"code": "code-alice"}, auth=False)
    assert r.status == 200 and set(r.body) == {"token", "expires_in"}
    openid = fake_openid("code-alice")
    assert openid not in repr(r.body) and openid not in repr(r.headers)
    token = r.body["token"]
    key = keys.api_session(hashlib.sha256(token.encode()).hexdigest())
    assert 0 < await services.redis.ttl(key) <= api_config.session_ttl_s == r.body["expires_in"]
    dump = b"\n".join(await all_redis(services))
    assert openid.encode() not in dump and token.encode() not in dump  # stored hashed, openid sealed
    assert openid not in sensitive_log.text and token not in sensitive_log.text
    u.token = token
    assert (await u.get("/api/v1/reports")).status == 200


async def test_login_with_invalid_code_is_refused_in_chinese(make_user: Any, services: Any) -> None:
    u = make_user("invalid")
    r = await u.call("POST", "/api/v1/session", json={"code": "invalid"}, auth=False)
    assert r.status == 401 and r.code == "login_failed"
    assert set(r.body["error"]) == {"code", "message"} and "登录" in r.body["error"]["message"]
    assert [k async for k in services.redis.scan_iter(keys.api_session("*"))] == []


async def test_login_when_wechat_is_down_is_503_not_a_crash(make_user: Any, fake_wechat: Any) -> None:
    fake_wechat.state.plan = FailurePlan(1, "http500", frozenset({"/sns/jscode2session"}))
    try:
        r = await make_user().call("POST", "/api/v1/session", json={"code": "abc"}, auth=False)
    finally:
        fake_wechat.state.plan = None
    assert r.status == 503 and r.code == "login_unavailable"


async def test_malformed_login_requests_are_4xx_with_stable_codes(make_user: Any) -> None:
    u = make_user()
    cases = [
        ({"json": {}}, 422, "invalid_request"),
        ({"json": {"code": ""}}, 422, "invalid_request"),
        ({"json": {"code": 123}}, 422, "invalid_request"),  # strict: a number is not a code
        ({"json": {"code": "x", "extra": 1}}, 422, "invalid_request"),
        ({"json": ["code"]}, 400, "bad_json"),
        ({"data": b"{not json", "headers": {"Content-Type": "application/json"}}, 400, "bad_json"),
        ({"data": b"code=x", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 415, "unsupported_type"),
    ]
    for kw, status, code in cases:
        r = await u.call("POST", "/api/v1/session", auth=False, **kw)
        assert (r.status, r.code) == (status, code), (kw, r.body)
        assert "Traceback" not in repr(r.body)


async def test_missing_or_unknown_token_is_401(make_user: Any) -> None:
    u = make_user()
    assert (await u.get("/api/v1/reports")).code == "unauthorized"
    r = await u.get("/api/v1/reports", headers={"Authorization": "Bearer not-a-session"})
    assert (r.status, r.code) == (401, "session_expired")
    r = await u.get("/api/v1/reports", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert (r.status, r.code) == (401, "unauthorized")


async def test_session_expires_after_its_ttl(make_user: Any, api_config: Any) -> None:
    api_config.session_ttl_s = 1
    u = make_user()
    await u.login()
    assert (await u.get("/api/v1/reports")).status == 200
    await asyncio.sleep(2.1)
    r = await u.get("/api/v1/reports")
    assert (r.status, r.code) == (401, "session_expired") and "重新" in r.body["error"]["message"]
    await u.login()  # logging in again is all it takes
    assert (await u.get("/api/v1/reports")).status == 200


async def test_logout_ends_the_session(user: MiniProgram) -> None:
    assert (await user.call("DELETE", "/api/v1/session")).body == {"ok": True}
    assert (await user.get("/api/v1/reports")).code == "session_expired"


async def test_unknown_path_and_method_are_json_errors(user: MiniProgram) -> None:
    r = await user.get("/api/v1/nothing-here")
    assert (r.status, r.code) == (404, "not_found")
    r = await user.call("PUT", "/api/v1/session")
    assert (r.status, r.code) == (405, "method_not_allowed")


async def test_internal_failure_is_generic_500_without_details(user: MiniProgram, services: Any,
                                                               sensitive_log: Any, monkeypatch: Any) -> None:
    async def broken() -> Any:
        raise RuntimeError("database said 110101199003074514 张三")

    monkeypatch.setattr(services, "registry", broken)
    r = await user.get("/api/v1/townships")
    assert (r.status, r.code) == (500, "internal")
    assert "110101199003074514" not in repr(r.body) and "Traceback" not in repr(r.body)
    assert "110101199003074514" not in sensitive_log.text and "张三" not in sensitive_log.text


async def test_session_rate_limit_is_per_session(make_user: Any, api_config: Any) -> None:
    api_config.session_per_minute = 3
    a, b = make_user(), make_user()
    await a.login()
    await b.login()
    statuses = [(await a.get("/api/v1/reports")).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    r = await a.get("/api/v1/reports")
    assert r.code == "rate_limited" and int(r.headers["Retry-After"]) >= 1
    assert (await b.get("/api/v1/reports")).status == 200


async def test_ip_rate_limit_covers_unauthenticated_endpoints(make_user: Any, api_config: Any, services: Any) -> None:
    api_config.ip_per_minute = 5
    u = make_user()
    statuses = [(await u.get("/api/v1/categories")).status for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    rate_keys = [k async for k in services.redis.scan_iter("qf:rate:api-ip*")]
    assert rate_keys and all(b"127.0.0.1" not in k for k in rate_keys)  # the address is hashed


async def test_login_attempts_have_their_own_tighter_limit(make_user: Any, api_config: Any) -> None:
    api_config.login_per_minute = 2
    u = make_user("invalid")
    codes = [(await u.call("POST", "/api/v1/session", json={"code": "invalid"}, auth=False)).code for _ in range(3)]
    assert codes == ["login_failed", "login_failed", "rate_limited"]
    assert (await u.get("/api/v1/categories")).status == 200  # other endpoints still answer


async def test_oversized_json_body_is_413_json(user: MiniProgram) -> None:
    r = await user.report("举" * 40000)  # over the app's body cap before any parsing
    assert (r.status, r.code) == (413, "too_large")
