"""The client's address behind reverse proxies (SPEC "Contracts": QINGFENG_TRUSTED_PROXIES).

Only a request whose peer is a trusted proxy may name the client through X-Forwarded-For, and only
as far as the chain of trusted proxies goes: the header is read from the right (the hop our proxy
added) and the first address that is not a trusted proxy is the client. Anything a client wrote
further left is its own claim and ignored. With no proxy trusted (the default) the header is
ignored entirely, so per-address limits (panel sign-in, the mini-program API) cannot be dodged by
sending a new X-Forwarded-For each time.
"""
from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Awaitable, Callable

from aiohttp import web

if TYPE_CHECKING:
    from bot.config import Network
    from bot.services import Services

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _trusted(address: str, proxies: "tuple[Network, ...]") -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def resolve(peer: str | None, forwarded_for: str, proxies: "tuple[Network, ...]") -> str | None:
    """The client address: `peer`, or what trusted proxies in front of it say it is."""
    if not peer or not proxies or not forwarded_for or not _trusted(peer, proxies):
        return peer
    client = peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage in the header: keep the last hop a trusted proxy vouched for
        client = hop
        if not _trusted(hop, proxies):
            break
    return client


def middleware(services: "Services") -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    @web.middleware
    async def client_address(request: web.Request, handler: Handler) -> web.StreamResponse:
        proxies = services.settings.trusted_proxies
        if not proxies:
            return await handler(request)
        remote = resolve(request.remote, request.headers.get("X-Forwarded-For", ""), proxies)
        return await handler(request if remote == request.remote else request.clone(remote=remote))

    return client_address
