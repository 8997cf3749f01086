"""Encryption of personal data (SPEC: Privacy).

- `lookup_hash`: HMAC-SHA256 under the current HMAC key, for equality lookups
  (ID numbers, openids, receipts) without storing the value.
- `seal` / `open`: AES-GCM with a random nonce; the key id travels with the
  ciphertext so old rows still open after the keys are rotated.

Token layout: ``kid.base64url(nonce|ciphertext|tag)`` — text, so it fits any
column type on SQLite and PostgreSQL.
"""
from __future__ import annotations

import base64
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class DecryptionError(Exception):
    """A sealed value could not be opened (unknown key id or tampered data)."""


def _b64e(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def _b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


@lru_cache(maxsize=64)
def _aead(key: bytes) -> AESGCM:
    """AESGCM objects are reusable and thread-safe; building one per call costs more than a short seal."""
    return AESGCM(key)


@dataclass(frozen=True)
class PersonalDataCipher:
    hmac_keys: dict[str, bytes]
    data_keys: dict[str, bytes]

    @property
    def current_hmac_kid(self) -> str:
        return next(iter(self.hmac_keys))

    @property
    def current_data_kid(self) -> str:
        return next(iter(self.data_keys))

    def lookup_hash(self, value: str, *, purpose: str, kid: str | None = None) -> str:
        """Hex HMAC of `value`; `purpose` separates domains (an ID hash is never a receipt hash)."""
        key = self.hmac_keys[kid or self.current_hmac_kid]
        return hmac.digest(key, f"{purpose}\x00{value}".encode(), "sha256").hex()  # one-shot C path

    def subject_hash(self, channel: str, sender: str, *, kid: str | None = None) -> str:
        """The one name of a WeChat sender in Redis keys, staff bindings and audit actors: never the openid."""
        return self.lookup_hash(f"{channel}:{sender}", purpose="subject", kid=kid)[:32]

    def all_subject_hashes(self, channel: str, sender: str) -> list[str]:
        """`subject_hash` under every key: stored bindings and subscriptions still match while a rotation runs."""
        return [self.lookup_hash(f"{channel}:{sender}", purpose="subject", kid=k)[:32] for k in self.hmac_keys]

    def all_lookup_hashes(self, value: str, *, purpose: str) -> list[str]:
        """Hashes under every key, for lookups while a rotation is under way."""
        return [self.lookup_hash(value, purpose=purpose, kid=k) for k in self.hmac_keys]

    def seal(self, value: str, *, aad: str = "") -> str:
        kid = self.current_data_kid
        nonce = os.urandom(12)
        ct = _aead(self.data_keys[kid]).encrypt(nonce, value.encode(), aad.encode() or None)
        return f"{kid}.{_b64e(nonce + ct)}"

    def open(self, token: str, *, aad: str = "") -> str:
        kid, _, body = token.partition(".")
        key = self.data_keys.get(kid)
        if key is None:
            raise DecryptionError(f"unknown data key id {kid!r}")
        raw = _b64d(body)
        try:
            return _aead(key).decrypt(raw[:12], raw[12:], aad.encode() or None).decode()
        except Exception as exc:  # InvalidTag: tampered or wrong key
            raise DecryptionError("ciphertext does not authenticate") from exc

    def seal_bytes(self, data: bytes) -> bytes:
        """Attachments: kid length byte, kid, nonce, ciphertext."""
        kid = self.current_data_kid.encode()
        nonce = os.urandom(12)
        return bytes([len(kid)]) + kid + nonce + _aead(self.data_keys[kid.decode()]).encrypt(nonce, data, None)

    def open_bytes(self, blob: bytes) -> bytes:
        n = blob[0]
        kid = blob[1 : 1 + n].decode()
        key = self.data_keys.get(kid)
        if key is None:
            raise DecryptionError(f"unknown data key id {kid!r}")
        nonce = blob[1 + n : 13 + n]
        try:
            return _aead(key).decrypt(nonce, blob[13 + n :], None)
        except Exception as exc:
            raise DecryptionError("attachment does not authenticate") from exc

    def needs_rotation(self, token: str) -> bool:
        return token.partition(".")[0] != self.current_data_kid
