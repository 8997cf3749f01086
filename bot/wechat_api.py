"""Outbound calls to WeChat (公众号, mini-program) and WeCom (SPEC "Channels: Outbound").

All clients share one `aiohttp.ClientSession` and talk to a configurable base URL, so
`bot.fake_wechat` can stand in. The access token lives in Redis and is refreshed under
a Redis lock by one process at a time (`TokenCache`).

Privacy: openids, userids, tokens, secrets, webhook keys and session keys travel in
query strings and bodies; logs carry only the method, the path and the errcode.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from redis.exceptions import LockError

from storage import keys

log = logging.getLogger(__name__)

# Transport failures have no WeChat errcode; these negative codes cannot collide.
ERR_NETWORK = -900
ERR_TIMEOUT = -901
ERR_HTTP = -902
ERR_TOKEN_LOCK = -903

# -1 system busy; 45009/45011 rate limits: the same call may succeed later.
RETRYABLE_ERRCODES = frozenset({-1, 45009, 45011, ERR_NETWORK, ERR_TIMEOUT, ERR_TOKEN_LOCK})
# Invalid (40001, 40014) or expired (42001) token: drop the cache, refresh, retry once.
TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
# WeChat's definitive refusals of one message: trying it again cannot help (the outbox ends the row
# and shows it in the panel with the name below). Every other failure is retried until the API answers.
REFUSALS: dict[int, str] = {
    43004: "收件人未关注公众号", 40003: "收件人 openid 无效", 43101: "收件人拒收订阅消息",
    43019: "收件人已被拉黑", 40037: "模板 ID 无效", 47003: "模板参数不正确", 40008: "消息类型无效",
    44004: "消息内容为空", 45002: "消息内容超长", 40013: "AppID 无效", 48001: "接口未授权",
    81013: "企业微信成员不存在", 60011: "企业微信应用无权限", 82001: "企业微信收件人均无效",
    93000: "群机器人地址无效",
}
CS_QUOTA = 45047  # customer-service messages over quota: a template message instead

Json = dict[str, Any]


class WeChatAPIError(Exception):
    """A call failed. `retryable` tells a worker whether trying again later may help."""

    def __init__(self, errcode: int, errmsg: str, *, retryable: bool | None = None) -> None:
        super().__init__(f"WeChat API error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
        self.retryable = errcode in RETRYABLE_ERRCODES if retryable is None else retryable

    @property
    def refusal(self) -> str | None:
        """The Chinese name of a definitive refusal, None for anything a later try may get through."""
        return REFUSALS.get(self.errcode)


class TokenCache:
    """One access token per (api, appid), shared by every process through Redis."""

    # Deletes the cached token only if it is still the stale one: another process
    # may already have stored a fresh token that must survive.
    _DROP_IF_SAME = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"

    def __init__(
        self,
        redis: aioredis.Redis,
        api: str,
        appid: str,
        fetch: Callable[[], Awaitable[tuple[str, int]]],
        *,
        margin: int = 300,
        lock_ttl: float = 30.0,
        wait: float = 30.0,
    ) -> None:
        self._redis = redis
        self._api = api
        self._key = keys.access_token(api, appid)
        self._lock_key = keys.access_token_lock(api, appid)
        self._fetch = fetch
        self._margin = margin
        self._lock_ttl = lock_ttl  # a crashed holder frees the lock after this
        self._wait = wait
        self._drop = redis.register_script(self._DROP_IF_SAME)

    async def _cached(self) -> str | None:
        raw = await self._redis.get(self._key)
        return raw.decode() if isinstance(raw, bytes) else raw

    async def get(self) -> str:
        return await self._cached() or await self._refresh()

    async def invalidate(self, stale: str) -> None:
        await self._drop(keys=[self._key], args=[stale])

    async def _refresh(self) -> str:
        lock = self._redis.lock(self._lock_key, timeout=self._lock_ttl, sleep=0.02, blocking_timeout=self._wait)
        try:
            async with lock:
                # Whoever held the lock before us has probably stored a token already.
                token = await self._cached()
                if token:
                    return token
                token, expires_in = await self._fetch()
                from bot import metrics

                metrics.token_refreshed(self._api)
                ttl = max(expires_in - self._margin, expires_in // 2, 1)
                await self._redis.set(self._key, token, ex=ttl)
                return token
        except LockError:
            raise WeChatAPIError(ERR_TOKEN_LOCK, "timed out waiting for the token refresh lock") from None


class _Client:
    """HTTP + JSON + errcode handling shared by every client."""

    def __init__(self, session: aiohttp.ClientSession, base: str, *, timeout: float = 5.0) -> None:
        self._session = session
        self._base = base.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def _request(self, method: str, path: str, *, params: dict[str, str], body: Json | None = None) -> Json:
        # ensure_ascii=False: WeChat counts the UTF-8 bytes of a text, as we send them.
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"} if data is not None else None
        started = time.monotonic()
        try:
            async with self._session.request(
                method, self._base + path, params=params, data=data, headers=headers, timeout=self._timeout
            ) as resp:
                status, raw = resp.status, await resp.read()
        except TimeoutError:
            raise self._fail(method, path, WeChatAPIError(ERR_TIMEOUT, "timeout")) from None
        except aiohttp.ClientError as exc:
            # `from None`: aiohttp's messages may quote the URL, token included.
            raise self._fail(method, path, WeChatAPIError(ERR_NETWORK, type(exc).__name__)) from None
        if status >= 500:
            raise self._fail(method, path, WeChatAPIError(ERR_HTTP, f"HTTP {status}", retryable=True))
        try:
            payload: Json = json.loads(raw)
            errcode = int(payload.get("errcode", 0))
        except (ValueError, AttributeError, TypeError):
            raise self._fail(method, path, WeChatAPIError(ERR_HTTP, f"HTTP {status}, not a JSON object")) from None
        if status != 200 and not errcode:
            raise self._fail(method, path, WeChatAPIError(ERR_HTTP, f"HTTP {status}"))
        if errcode:
            raise self._fail(method, path, WeChatAPIError(errcode, str(payload.get("errmsg", ""))))
        log.debug("%s %s ok in %.0f ms", method, path, (time.monotonic() - started) * 1000)
        return payload

    async def _download(self, url: str) -> tuple[bytes, str]:
        """A file WeChat points to (a video's `video_url`): no token, the address is the credential."""
        try:
            async with self._session.get(url, timeout=self._timeout) as resp:
                status, ctype, raw = resp.status, resp.content_type, await resp.read()
        except TimeoutError:
            raise self._fail("GET", "video_url", WeChatAPIError(ERR_TIMEOUT, "timeout")) from None
        except aiohttp.ClientError as exc:
            raise self._fail("GET", "video_url", WeChatAPIError(ERR_NETWORK, type(exc).__name__)) from None
        if status != 200:
            raise self._fail("GET", "video_url", WeChatAPIError(ERR_HTTP, f"HTTP {status}", retryable=status >= 500))
        return raw, ctype

    @staticmethod
    def _fail(method: str, path: str, err: WeChatAPIError) -> WeChatAPIError:
        log.warning("%s %s failed: errcode %d (%s)", method, path, err.errcode, "retryable" if err.retryable else "final")
        return err


class _TokenClient(_Client):
    """A client whose calls carry an access token obtained from `token_path`."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        redis: aioredis.Redis,
        base: str,
        *,
        api: str,
        appid: str,
        token_path: str,
        token_params: dict[str, str],
        timeout: float,
        token_margin: int,
    ) -> None:
        super().__init__(session, base, timeout=timeout)
        self._token_path = token_path
        self._token_params = token_params
        self._tokens = TokenCache(redis, api, appid, self._fetch_token, margin=token_margin, lock_ttl=timeout * 2 + 5)

    async def _fetch_token(self) -> tuple[str, int]:
        payload = await self._request("GET", self._token_path, params=self._token_params)
        log.info("%s: fetched a new access token", self._token_path)
        return str(payload["access_token"]), int(payload.get("expires_in", 7200))

    async def access_token(self) -> str:
        return await self._tokens.get()

    async def _post(self, path: str, body: Json) -> Json:
        token = await self._tokens.get()
        try:
            return await self._request("POST", path, params={"access_token": token}, body=body)
        except WeChatAPIError as err:
            if err.errcode not in TOKEN_ERRCODES:
                raise
        # Token revoked or expired early (e.g. refreshed elsewhere by another tool).
        await self._tokens.invalidate(token)
        token = await self._tokens.get()
        try:
            return await self._request("POST", path, params={"access_token": token}, body=body)
        except WeChatAPIError as err:
            if err.errcode in TOKEN_ERRCODES:  # refreshed and refused again: a later try, not the end
                await self._tokens.invalidate(token)
                raise WeChatAPIError(err.errcode, err.errmsg, retryable=True) from None
            raise


def _template_data(data: dict[str, Any]) -> dict[str, Any]:
    """WeChat wants {"field": {"value": ...}}; accept plain values too."""
    return {k: v if isinstance(v, dict) else {"value": v} for k, v in data.items()}


class MpClient(_TokenClient):
    """Official account (公众号): customer-service, template and subscribe messages."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        redis: aioredis.Redis,
        base: str,
        appid: str,
        secret: str,
        *,
        timeout: float = 5.0,
        token_margin: int = 300,
    ) -> None:
        super().__init__(
            session, redis, base, api="mp", appid=appid, token_path="/cgi-bin/token",
            token_params={"grant_type": "client_credential", "appid": appid, "secret": secret},
            timeout=timeout, token_margin=token_margin,
        )

    async def send_text(self, openid: str, text: str) -> Json:
        """Customer-service text: only within 48 h of the villager's last message (else 45015)."""
        body = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        return await self._post("/cgi-bin/message/custom/send", body)

    async def send_template(self, openid: str, template_id: str, data: dict[str, Any], url: str | None = None) -> Json:
        body: Json = {"touser": openid, "template_id": template_id, "data": _template_data(data)}
        if url:
            body["url"] = url
        return await self._post("/cgi-bin/message/template/send", body)

    async def create_qrcode(self, scene: str) -> Json:
        """A permanent parametric QR code (码上监督): scanning it sends `scene` with the follow or SCAN event."""
        body = {"action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": scene}}}
        return await self._post("/cgi-bin/qrcode/create", body)

    async def qrcode_image(self, ticket: str, qr_base: str) -> bytes:
        """The QR code's image (`showqrcode?ticket=`, on mp.weixin.qq.com; no token: the ticket is the key)."""
        from urllib.parse import quote

        data, _ctype = await self._download(f"{qr_base.rstrip('/')}/cgi-bin/showqrcode?ticket={quote(ticket)}")
        return data

    async def create_menu(self, menu: Json) -> Json:
        return await self._post("/cgi-bin/menu/create", menu)

    async def get_menu(self) -> Json:
        token = await self._tokens.get()
        return await self._request("GET", "/cgi-bin/menu/get", params={"access_token": token})

    async def get_media(self, media_id: str) -> tuple[bytes, str]:
        """A temporary media file (photo, voice, video) a villager sent: (bytes, content type).

        WeChat answers the file itself, JSON with an errcode, or — for a video — JSON with the
        `video_url` to download it from; kept 3 days on its side.
        """
        path = "/cgi-bin/media/get"
        for attempt in (1, 2):
            token = await self._tokens.get()
            try:
                async with self._session.get(self._base + path, params={"access_token": token, "media_id": media_id},
                                             timeout=self._timeout) as resp:
                    status, ctype, raw = resp.status, resp.content_type, await resp.read()
            except TimeoutError:
                raise self._fail("GET", path, WeChatAPIError(ERR_TIMEOUT, "timeout")) from None
            except aiohttp.ClientError as exc:
                raise self._fail("GET", path, WeChatAPIError(ERR_NETWORK, type(exc).__name__)) from None
            if status >= 400:
                raise self._fail("GET", path, WeChatAPIError(ERR_HTTP, f"HTTP {status}", retryable=status >= 500))
            if ctype not in ("application/json", "text/plain"):
                return raw, ctype
            try:
                answer = json.loads(raw)
                errcode, errmsg = int(answer.get("errcode", 0)), str(answer.get("errmsg", ""))
            except (ValueError, AttributeError, TypeError):
                raise self._fail("GET", path, WeChatAPIError(ERR_HTTP, "neither media nor JSON")) from None
            if not errcode and isinstance(answer.get("video_url"), str):
                return await self._download(answer["video_url"])
            if errcode in TOKEN_ERRCODES and attempt == 1:
                await self._tokens.invalidate(token)
                continue
            raise self._fail("GET", path, WeChatAPIError(errcode or ERR_HTTP, errmsg or "no media in the answer"))
        raise AssertionError("unreachable")


class MiniProgramClient(_TokenClient):
    """Mini-program: `wx.login` codes, and subscribe messages with the mini-program's own token.

    Its openids belong to the mini-program: the official account's token cannot reach them.
    """

    def __init__(self, session: aiohttp.ClientSession, redis: aioredis.Redis, base: str, appid: str, secret: str,
                 *, timeout: float = 5.0, token_margin: int = 300) -> None:
        super().__init__(
            session, redis, base, api="miniapp", appid=appid, token_path="/cgi-bin/token",
            token_params={"grant_type": "client_credential", "appid": appid, "secret": secret},
            timeout=timeout, token_margin=token_margin,
        )
        self._appid = appid
        self._secret = secret

    async def send_subscribe(self, openid: str, template_id: str, data: dict[str, Any], page: str | None = None) -> Json:
        """Needs the user's acceptance of `template_id` in the mini-program (else 43101)."""
        body: Json = {"touser": openid, "template_id": template_id, "data": _template_data(data)}
        if page:
            body["page"] = page
        return await self._post("/cgi-bin/message/subscribe/send", body)

    async def code2session(self, code: str) -> Json:
        """Returns openid, session_key and, when the account is bound, unionid."""
        params = {"appid": self._appid, "secret": self._secret, "js_code": code, "grant_type": "authorization_code"}
        payload = await self._request("GET", "/sns/jscode2session", params=params)
        return {k: payload[k] for k in ("openid", "session_key", "unionid") if k in payload}


class WeComClient(_TokenClient):
    """WeCom (企业微信): app messages to staff and monitors, group-robot webhooks."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        redis: aioredis.Redis,
        base: str,
        corpid: str,
        secret: str,
        agentid: str | int,
        *,
        timeout: float = 5.0,
        token_margin: int = 300,
    ) -> None:
        super().__init__(
            session, redis, base, api="work", appid=corpid, token_path="/cgi-bin/gettoken",
            token_params={"corpid": corpid, "corpsecret": secret}, timeout=timeout, token_margin=token_margin,
        )
        self._agentid = int(agentid)

    async def send_text(self, userid: str, text: str) -> Json:
        body = {"touser": userid, "msgtype": "text", "agentid": self._agentid, "text": {"content": text}}
        return await self._post("/cgi-bin/message/send", body)

    async def send_card(self, userid: str, card: dict[str, Any]) -> Json:
        """A template card (bot/wecom_card.py builds the staff notice's text_notice card)."""
        body = {"touser": userid, "msgtype": "template_card", "agentid": self._agentid, "template_card": card}
        return await self._post("/cgi-bin/message/send", body)

    async def webhook_send(self, key: str, text: str) -> Json:
        """Village group robot: the key in the URL is the only credential (no token)."""
        body = {"msgtype": "text", "text": {"content": text}}
        return await self._request("POST", "/cgi-bin/webhook/send", params={"key": key}, body=body)


__all__ = [
    "CS_QUOTA", "ERR_HTTP", "ERR_NETWORK", "REFUSALS", "ERR_TIMEOUT", "ERR_TOKEN_LOCK", "MiniProgramClient", "MpClient",
    "TokenCache", "WeChatAPIError", "WeComClient",
]
