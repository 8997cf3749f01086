"""What WeChat's servers post to us: verified, decrypted, deduplicated, answered in time.

Order matters (SPEC "Inbound"): signature first, then the timestamp window,
then the body size cap, then XML parsing without DTDs or entities. Only then is
the message decrypted and dispatched. Every rejection is a 4xx that writes
nothing: no Redis key, no row.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import xml.etree.ElementTree as PlainET
from dataclasses import dataclass
from typing import Any, Callable

import defusedxml.ElementTree as SafeET
from aiohttp import web
from redis.exceptions import RedisError
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from bot.dispatch import Dispatcher, Inbound, QueueBehind, Reply
from bot.dispatch.dispatcher import DEDUP_TTL_S, FAILED, PENDING
from bot.dispatch.message import from_wechatpy
from bot.inbound_queue import QUEUED, SHED, backlog_of
from bot.services import Services
from storage import keys

log = logging.getLogger("qingfeng.inbound")



class Rejected(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class ChannelSpec:
    name: str  # "mp" | "work"
    token: str
    crypto: Any  # wechatpy WeChatCrypto (mp) or enterprise WeChatCrypto (work)
    parse: Callable[[str], Any]
    render_text: Callable[[str, Any], str]
    encrypted: bool  # an AES key is configured: safe mode only (SPEC "Contracts")


def check_fresh(timestamp: str, now: float, tolerance: int) -> None:
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        raise Rejected(400, "timestamp missing or not a number") from None
    if abs(now - ts) > tolerance:
        raise Rejected(403, "timestamp outside the accepted window")


_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def safe_xml(body: str) -> Any:
    """Refuse DTDs, entities and external references before any other parser sees the text.

    Without a DTD no entity can be declared nor anything external referenced, so a body with no
    `<!DOCTYPE` / `<!ENTITY` (every message WeChat sends) goes to the standard parser directly; any other
    is defusedxml's to judge (building its parser cost more than the rest of the envelope's checks)."""
    try:
        if _DTD.search(body):
            return SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        return PlainET.fromstring(body)
    except (SafeET.ParseError, PlainET.ParseError):
        raise Rejected(400, "malformed XML") from None
    except Exception:  # defusedxml's DTDForbidden / EntitiesForbidden / ExternalReferenceForbidden
        raise Rejected(400, "XML with a DTD or entities is refused") from None


def no_dtd(xml: str) -> None:
    """For the decrypted payload: without a DTD no entity can be declared, so this is enough."""
    if _DTD.search(xml):
        raise Rejected(400, "XML with a DTD or entities is refused")


async def finished_within(task: "asyncio.Future[Any]", seconds: float) -> bool:
    """Wait for `task` at most `seconds`, leaving it running when time is up (wait_for would cancel it)."""
    if task.done():
        return True
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()

    def wake(_: object = None) -> None:
        if not waiter.done():
            waiter.set_result(None)

    task.add_done_callback(wake)
    timer = loop.call_later(seconds, wake)
    try:
        await waiter
    finally:
        timer.cancel()
        task.remove_done_callback(wake)
    return task.done()


async def read_capped(request: web.Request, cap: int) -> bytes:
    if request.content_length is not None and request.content_length > cap:
        raise Rejected(413, "body too large")
    body = await request.content.read(cap + 1)
    if len(body) > cap:
        raise Rejected(413, "body too large")
    if not body:
        raise Rejected(400, "empty body")
    return body


class InboundEndpoint:
    def __init__(self, spec: ChannelSpec, dispatcher: Dispatcher, services: Services) -> None:
        if services.settings.timestamp_tolerance_s >= DEDUP_TTL_S:
            # a replay inside the window must still find the first delivery's stored reply
            raise ValueError("the timestamp window must be shorter than the dedup keys' lifetime")
        self.spec = spec
        self.dispatcher = dispatcher
        self.services = services
        self.backlog = backlog_of(services, dispatcher)  # the in-flight limit, shared by both endpoints

    # -- GET: the handshake WeChat does when the URL is configured
    async def handshake(self, request: web.Request) -> web.Response:
        q = request.query
        try:
            check_fresh(q.get("timestamp", ""), self.services.clock(), self.services.settings.timestamp_tolerance_s)
            if self.spec.name == "work":  # WeCom verifies the URL with an encrypted echostr
                echo = self.spec.crypto.check_signature(q.get("msg_signature", ""), q["timestamp"], q.get("nonce", ""), q.get("echostr", ""))
                return web.Response(text=echo if isinstance(echo, str) else echo.decode())
            check_signature(self.spec.token, q.get("signature", ""), q["timestamp"], q.get("nonce", ""))
            return web.Response(text=q.get("echostr", ""))
        except Rejected as r:
            return web.Response(status=r.status, text=r.reason)
        except (InvalidSignatureException, InvalidAppIdException, KeyError, ValueError):
            return web.Response(status=403, text="invalid signature")

    # -- POST: a message or event
    async def receive(self, request: web.Request) -> web.Response:
        arrival = time.monotonic()  # WeChat's 5 s run from here, not from the dispatch
        try:
            msg, encrypted, wmsg = await self._verify_and_parse(request)
        except Rejected as r:
            log.info("inbound %s rejected: %s", self.spec.name, r.reason)
            return web.Response(status=r.status, text=r.reason)
        reply = await self._process(msg, arrival)
        if not reply.texts:
            return web.Response(text="success")
        if len(reply.texts) > 1:
            self.services.spawn(self._send_rest(msg, reply.texts[1:]))
        xml = self.spec.render_text(reply.texts[0], wmsg)
        if encrypted:  # the reply is encrypted as the message was
            xml = self.spec.crypto.encrypt_message(xml, request.query.get("nonce", ""), str(int(self.services.clock())))
        return web.Response(text=xml, content_type="application/xml")

    async def _verify_and_parse(self, request: web.Request) -> tuple[Inbound, bool, Any]:
        q = request.query
        s = self.services.settings
        # With a key, only safe mode: the plain signature covers no body, so a request
        # without encrypt_type (or with a plain body) is refused, never read as plain.
        encrypted = self.spec.encrypted
        if encrypted and self.spec.name == "mp" and q.get("encrypt_type") != "aes":
            raise Rejected(403, "an AES key is configured: only encrypted messages (encrypt_type=aes) are accepted")
        if self.spec.name == "mp":
            try:
                check_signature(self.spec.token, q.get("signature", ""), q.get("timestamp", ""), q.get("nonce", ""))
            except InvalidSignatureException:
                raise Rejected(403, "invalid signature") from None
        check_fresh(q.get("timestamp", ""), self.services.clock(), s.timestamp_tolerance_s)
        body = await read_capped(request, s.max_body_bytes)
        try:
            xml = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Rejected(400, "body is not UTF-8") from None
        outer = safe_xml(xml)  # parsed as text: what the DTD check read is what the parser reads
        if encrypted:
            encrypt = outer.findtext("Encrypt")
            if not encrypt:
                raise Rejected(403, "an AES key is configured: only encrypted messages are accepted")
            if not q.get("msg_signature"):
                raise Rejected(403, "msg_signature missing")
            try:
                # wechatpy takes the parsed envelope, so the XML is parsed once
                xml = self.spec.crypto.decrypt_message({"Encrypt": encrypt}, q.get("msg_signature", ""),
                                                       q["timestamp"], q.get("nonce", ""))
            except InvalidSignatureException:
                raise Rejected(403, "invalid message signature") from None
            except Exception:
                raise Rejected(400, "cannot decrypt message") from None
            no_dtd(xml)
        try:
            wmsg = self.spec.parse(xml)
            msg = from_wechatpy(self.spec.name, wmsg)
        except Exception:
            raise Rejected(400, "not a WeChat message") from None
        if not msg.sender or not msg.create_time or not wmsg.target:
            raise Rejected(400, "message lacks FromUserName, ToUserName or CreateTime")
        return msg, encrypted, wmsg

    async def _process(self, msg: Inbound, arrival: float | None = None) -> Reply:
        """Exactly once per WeChat message, answered within the deadline (counted from arrival)."""
        from bot import metrics

        metrics.message_in(msg.channel, msg.kind)
        subject = self.dispatcher.subject_of(msg.channel, msg.sender)
        key = keys.inbound_dedup(msg.channel, f"{subject}:{msg.dedup_key}")

        def left() -> float:
            spent = time.monotonic() - arrival if arrival is not None else 0.0
            return max(self.services.settings.reply_deadline_s - spent, 0.05)

        if self.backlog.full():
            queued = await self._queue(msg, key, subject)
            if queued is not None:
                return queued
        deadline = left()
        task = asyncio.ensure_future(self._dispatch(msg, key, subject))
        if not await finished_within(task, deadline):
            # Too slow for a passive reply: answer later by customer-service message.
            metrics.reply_late(msg.channel)
            self.services.spawn(self._finish_late(msg, task))
            return Reply.empty()
        reply = task.result()
        if reply is not None:
            return reply
        replayed = await self._replay(key, left())
        if replayed is not None:
            return replayed
        # The first attempt's owner is gone (its lease lapsed, nothing stored): this retry takes over.
        log.info("inbound %s: a retry takes over a message whose first attempt died", msg.channel)
        task = asyncio.ensure_future(self._dispatch(msg, key, subject))
        if not await finished_within(task, left()):
            self.services.spawn(self._finish_late(msg, task))
            return Reply.empty()
        return task.result() or Reply.empty()

    def _seal(self, reply: Reply) -> bytes:
        return self.services.cipher.seal(json.dumps(reply.texts, ensure_ascii=False)).encode()

    async def _queue(self, msg: Inbound, key: str, subject: str) -> Reply | None:
        """Queued (its passive reply SHED); None when Redis cannot queue it, or it was seen before."""
        try:
            return await self.backlog.enqueue(msg, key, subject)
        except RedisError:  # cannot queue: dispatched now, where a Redis failure meets its apology
            return None

    async def _dispatch(self, msg: Inbound, key: str, subject: str) -> Reply | None:
        try:
            return await self.backlog.counted(
                self.dispatcher.handle(msg, dedup_key=key, seal_reply=self._seal, subject=subject,
                                       queue_key=keys.inbound_waiting(subject)))
        except QueueBehind:  # an earlier message of this sender waits in the queue: in order, behind it
            try:
                return await self.backlog.enqueue(msg, key, subject)  # None: seen before, the replay answers
            except RedisError:
                return Reply.text(FAILED)
        except Exception:
            log.exception("handler failed on a %s %s message", msg.channel, msg.kind)
            return Reply.text(FAILED)

    async def _replay(self, key: str, deadline: float) -> Reply | None:
        """A retry: wait for the first delivery's answer and give the same one; None when the claim
        vanished without an answer (its owner died and the lease lapsed)."""
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            value = await self.services.redis.get(key)
            if value is None:
                return None
            if value == QUEUED:  # waiting in the backlog: its answer comes by customer-service message
                return Reply.text(SHED)
            if value != PENDING:
                return Reply(json.loads(self.services.cipher.open(value.decode())))
            await asyncio.sleep(0.05)
        return Reply.empty()

    async def _finish_late(self, msg: Inbound, task: "asyncio.Future[Reply | None]") -> None:
        reply = await task
        if reply is None:  # a retry of a message answered already
            return
        await self.services.reply_later(msg.channel, msg.sender, reply.texts)

    async def _send_rest(self, msg: Inbound, texts: list[str]) -> None:
        await asyncio.sleep(0.3)  # after the passive reply, so the villager reads them in order
        await self.services.reply_later(msg.channel, msg.sender, texts)
