"""Bearer tokens: signed (itsdangerous), time-limited, revoked by a password change; `token_required`.

The API never reads Flask-Login's session cookie: every request names its user by its token.
"""
import hashlib
import hmac
from functools import wraps

from flask import current_app, g, jsonify, request
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from ...errors import DomainError
from ...extensions import db
from ...models import User
from ...services import two_factor, users
from ...services.uow import UnitOfWork
from ..department_gate import check_api_call
from . import api
from .helpers import json_body
from .schemas import TokenRequestSchema, TokenSchema

SALT = "api-token"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthorized"

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code or self.code


@api.errorhandler(Unauthenticated)
def _unauthenticated(exc):
    response = jsonify({"error": exc.code, "message": exc.message})
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response, 401


def serializer(signer=TimestampSigner):
    """`signer` lets a test sign with a timestamp in the past instead of sleeping."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT, signer=signer)


def password_fingerprint(user):
    """Changes whenever the password does; keyed so the token does not carry a hash of the hash."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:16]


def issue_token(user, signer=TimestampSigner):
    return serializer(signer).dumps({"uid": user.id, "pwf": password_fingerprint(user)})


def user_for_token(token):
    try:
        payload = serializer().loads(token, max_age=current_app.config["API_TOKEN_MAX_AGE"])
    except SignatureExpired as exc:
        raise Unauthenticated("令牌已过期 / the token has expired") from exc
    except BadSignature as exc:
        raise Unauthenticated("令牌无效 / invalid token") from exc
    user = db.session.get(User, payload.get("uid")) if isinstance(payload, dict) else None
    if user is None or not user.active or \
            not hmac.compare_digest(str(payload.get("pwf", "")), password_fingerprint(user)):
        raise Unauthenticated("令牌无效 / invalid token")
    return user


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("需要登录令牌 / a bearer token is required")
        g.api_user = user_for_token(token.strip())
        check_api_call()  # a department's token reaches its referrals only
        return view(*args, **kwargs)
    return wrapper


class SecondFactorNeeded(DomainError):
    status = 403
    code = "two_factor_setup_required"


def _check_credentials(username, password, otp):
    """The user, or None; a failure is counted (and may lock the account: AccountLocked, 429) as on the login page.
    A user with two-factor login also needs the authenticator's code (`otp`), checked and counted the same way."""
    config = current_app.config
    with UnitOfWork() as uow:
        user = users.authenticate(uow, username, password, config["LOGIN_MAX_FAILURES"], config["LOGIN_LOCK_MINUTES"],
                                  channel="api")
        if user is not None and user.two_factor_enabled:
            if otp is None:
                uow.commit()
                raise Unauthenticated("该账号已开启双因素认证，请同时提供验证码 otp / this account uses two-factor "
                                      "login: send the authenticator's code as otp", code="otp_required")
            if not two_factor.verify_login(uow, user, otp, config["LOGIN_MAX_FAILURES"],
                                           config["LOGIN_LOCK_MINUTES"], channel="api"):
                uow.commit()
                raise Unauthenticated("验证码不正确或已使用 / the code is wrong or was already used",
                                      code="otp_invalid")
        uow.commit()
    if user is not None and two_factor.required_for(user, config["TWO_FACTOR_ROLES"]):
        raise SecondFactorNeeded("您的角色要求开启双因素认证，请先在网页上完成设置 / your role requires two-factor "
                                 "login: set it up on the web page first")
    return user


@api.post("/auth/token")
def create_token():
    body = json_body(TokenRequestSchema())
    user = _check_credentials(body["username"].strip(), body["password"], body.get("otp"))
    if user is None:
        raise Unauthenticated("用户名或密码错误 / wrong username or password")
    return TokenSchema().dump({"token": issue_token(user), "expires_in": current_app.config["API_TOKEN_MAX_AGE"]})
