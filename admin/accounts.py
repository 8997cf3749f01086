"""Staff accounts: argon2id password hashes, TOTP secrets sealed at rest, account creation.

    create_user(username, role, scope_code, password, display_name="") -> Staff
    verify_password(staff, password) -> bool      (re-hashes when the parameters changed)
    change_password(staff, new) -> None
    totp_required(staff) -> bool                  (county roles)

Passwords are never stored or logged; the TOTP secret is sealed with the data key
so a database dump alone does not give the second factor.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pyotp
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from storage.crypto import PersonalDataCipher
from storage.models import COUNTY_ROLES, ROLE_NAMES, Role, Staff

MIN_PASSWORD = 10
# argon2id with the RFC 9106 "low memory" profile: ~50 ms on one core here.
HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=1, type=Type.ID)
# A hash of a random password: checking an unknown username costs the same as a known one.
_DUMMY_HASH = HASHER.hash("qingfeng-no-such-user-timing-pad")


class AccountError(ValueError):
    """Bad input for an account (precise, for admins)."""


def check_password_rules(password: str, username: str = "") -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符")
    if username and password.lower() == username.lower():
        raise AccountError("密码不能与用户名相同")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


async def verify_password(staff: Staff | None, password: str) -> bool:
    """Constant work whether or not the account exists; upgrades outdated hashes."""
    if staff is None or not staff.password_hash:
        try:
            HASHER.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        return False
    try:
        HASHER.verify(staff.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if HASHER.check_needs_rehash(staff.password_hash):
        staff.password_hash = HASHER.hash(password)
        await staff.save(update_fields=["password_hash"])
    return True


async def validate_scope(role: Role, scope_code: str) -> None:
    """County roles need the county code, township staff a township, a monitor a village."""
    from storage.models import County, Township, Village

    model = {Role.TOWNSHIP_STAFF: Township, Role.MONITOR: Village}.get(role, County)
    kind = {Township: "乡镇", Village: "村"}.get(model, "县")  # type: ignore[call-overload]
    if not scope_code:
        raise AccountError(f"{ROLE_NAMES[role]}须指定管辖范围：{kind}代码（命令行 --scope）")
    if not await model.exists(code=scope_code):
        raise AccountError(f"管辖代码 {scope_code!r} 不是行政区划中的{kind}代码")


async def create_user(username: str, role: str, scope_code: str, password: str, display_name: str = "") -> Staff:
    """A new active account; raises AccountError for a taken name, bad role, scope or password."""
    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise AccountError("用户名须为 1-64 个字符，不含空格")
    try:
        role_ = Role(role)
    except ValueError:
        raise AccountError(f"没有角色 {role!r}；可选：{', '.join(r.value for r in Role)}") from None
    check_password_rules(password, username)
    await validate_scope(role_, scope_code)
    if await Staff.exists(username=username):
        raise AccountError(f"用户名 {username!r} 已被使用")
    return await Staff.create(username=username, role=role_, scope_code=scope_code,
                              password_hash=hash_password(password), display_name=display_name or username,
                              password_changed_at=datetime.now(timezone.utc))


async def change_password(staff: Staff, new: str) -> None:
    check_password_rules(new, staff.username)
    staff.password_hash = hash_password(new)
    staff.password_changed_at = datetime.now(timezone.utc)
    await staff.save(update_fields=["password_hash", "password_changed_at"])


def totp_required(staff: Staff) -> bool:
    return Role(staff.role) in COUNTY_ROLES


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(staff: Staff, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=staff.username, issuer_name="qingfeng")


def totp_qr_svg(uri: str) -> str:
    """The otpauth address as an inline SVG QR code (segno: drawn here, no image service, no request out)."""
    import segno

    return segno.make(uri, error="m").svg_inline(scale=5, border=4, svgid="totp-qr", title="身份验证器二维码")


def totp_digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def check_totp(secret: str, code: str) -> bool:
    code = totp_digits(code)
    return len(code) == 6 and pyotp.TOTP(secret).verify(code, valid_window=1)


def staff_totp_secret(staff: Staff, cipher: PersonalDataCipher) -> str | None:
    return cipher.open(staff.totp_secret_enc, aad=f"totp:{staff.id}") if staff.totp_secret_enc else None


async def set_totp_secret(staff: Staff, secret: str, cipher: PersonalDataCipher) -> None:
    staff.totp_secret_enc = cipher.seal(secret, aad=f"totp:{staff.id}")
    await staff.save(update_fields=["totp_secret_enc"])
