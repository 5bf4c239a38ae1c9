"""Two-factor login (双因素认证, the tender's 启用双因素认证登录方式): a time-based one-time code (TOTP, RFC 6238:
HMAC-SHA1, 30-second steps, 6 digits) from an authenticator app, asked after the password.

A user turns it on in two moves — a new secret is shown (QR code and text), then a first code from the app
confirms it — so a mistyped secret never locks anybody out. A code is accepted one step early or late (phone
clocks drift) and only once (`totp_last_step`). Wrong codes count toward the same lock as wrong passwords.
An administrator can reset a user who lost their phone; TWO_FACTOR_ROLES names roles that must use it.
Every change is audited on the user's record. Time is the app's clock, so tests move it."""
import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

from ..clock import clock
from ..errors import Conflict, NotAllowed, ValidationFailed
from . import audit, users
from .user_admin import _user_named, require_admin

STEP_SECONDS, DIGITS, DRIFT_STEPS = 30, 6, 1
PENDING_SECONDS = 300  # how long the login page waits for the code after a right password


# ---- the algorithm ------------------------------------------------------------------------------------------
def new_secret():
    """160 random bits (RFC 4226's recommended length) in base32, as authenticator apps take them."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def code_at(secret, step):
    """The code for one 30-second `step` (RFC 4226 dynamic truncation)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10 ** DIGITS).zfill(DIGITS)


def current_step(now=None):
    return int((now or clock.now()).timestamp()) // STEP_SECONDS


def matching_step(secret, code, now=None):
    """The step whose code `code` is (the current one or a neighbour), or None. Spaces typed are ignored."""
    code = "".join((code or "").split())
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    step = current_step(now)
    for candidate in (step, step - DRIFT_STEPS, step + DRIFT_STEPS):
        if hmac.compare_digest(code_at(secret, candidate), code):
            return candidate
    return None


def provisioning_uri(secret, username, issuer):
    """otpauth:// as the Key URI format has it; the QR code carries this."""
    label = quote(f"{issuer}:{username}")
    return f"otpauth://totp/{label}?" + urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1",
                                                   "digits": DIGITS, "period": STEP_SECONDS})


def grouped(secret):
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


# ---- policy ---------------------------------------------------------------------------------------------------
def required_for(user, required_roles):
    """Must this user set it up before using the system (a role listed in TWO_FACTOR_ROLES)?"""
    return not user.two_factor_enabled and user.has_role(*required_roles)


# ---- the user's own setting -----------------------------------------------------------------------------------
def begin_enrollment(uow, user):
    """A new secret, kept unconfirmed until a code from it arrives; starting again replaces an unconfirmed one."""
    if user.two_factor_enabled:
        raise Conflict("双因素认证已开启 / two-factor login is already on")
    user.totp_secret = new_secret()
    return user.totp_secret


def confirm_enrollment(uow, user, code):
    if user.two_factor_enabled:
        raise Conflict("双因素认证已开启 / two-factor login is already on")
    if not user.totp_secret:
        raise Conflict("请先生成密钥 / start the setup first")
    step = matching_step(user.totp_secret, code)
    if step is None:
        raise ValidationFailed(_WRONG_CODE, fields={"code": _WRONG_CODE})
    user.totp_enabled_at, user.totp_last_step = clock.now(), step
    audit.record(uow, None, user, "two_factor_enabled", details=_who(user), subject=("user", user.id))


def disable(uow, user, password, code):
    """Turning it off asks for both factors: a borrowed unlocked session alone cannot."""
    if not user.two_factor_enabled:
        raise Conflict("双因素认证未开启 / two-factor login is not on")
    errors = {}
    if not user.check_password(password or ""):
        errors["password"] = "密码不正确 / the password is wrong"
    if _accept(user, code) is None:
        errors["code"] = _WRONG_CODE
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    _clear(user)
    audit.record(uow, None, user, "two_factor_disabled", details=_who(user), subject=("user", user.id))


def reset(uow, actor, username):
    """An administrator turns it off for a user who lost the device; the user sets it up again."""
    require_admin(actor)
    user = _user_named(uow, username)
    if user.totp_secret is None and not user.two_factor_enabled:
        raise Conflict(f"{username} 未开启双因素认证 / {username} has no two-factor login")
    _clear(user)
    audit.record(uow, None, actor, "two_factor_reset", details=_who(user), subject=("user", user.id))
    return user


# ---- logging in -------------------------------------------------------------------------------------------------
def verify_login(uow, user, code, max_failures, lock_minutes, channel="web"):
    """The second step of a login: True and the login audited, or False and a failure counted (AccountLocked
    once the account is locked, as for passwords). The caller commits either way."""
    users.raise_if_locked(user, clock.now())
    if not user.active or not user.two_factor_enabled:
        raise NotAllowed("账号不可用 / the account cannot log in")
    details = {"username": user.username, "user_id": user.id, "channel": channel, "two_factor": True}
    if _accept(user, code) is None:
        users.count_failure(uow, user, dict(details, reason="code"), max_failures, lock_minutes)
        return False
    users.record_login(uow, user, details)
    return True


def _accept(user, code):
    """The step of a right, not yet used code (and remember it), or None."""
    step = matching_step(user.totp_secret, code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return None
    user.totp_last_step = step
    return step


def _clear(user):
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None


def _who(user):
    return {"username": user.username, "user_id": user.id}


_WRONG_CODE = "验证码不正确或已使用 / the code is wrong or was already used"
