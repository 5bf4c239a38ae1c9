"""Every configuration key, declared once with its default and its environment override."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def _bool(name, default=False):
    return str(_env(name, "1" if default else "0")).lower() in ("1", "true", "yes", "on")


# The tender's project KPIs (项目绩效指标, seed 000 lines 96–112), as shares of 1: 排查覆盖率 ≥ 85 %, 隐患识别准确率 ≥ 90 %,
# 整改完成率 ≥ 95 %, 二次核查通过率 ≥ 98 %, 人员持证率 100 %, 设备校准合格率 100 % (services/kpi.py); and the online initial
# review within its 48 hours (线上初审按时率, seed 000 L559–575: 48 小时内组织线上初审) 100 %, not a tender KPI but its rule.
KPI_DEFAULTS = {"coverage": "0.85", "accuracy": "0.90", "rectification": "0.95", "verification": "0.98",
                "initial_review": "1", "certification": "1", "calibration": "1"}


def kpi_targets(environ):
    """{key: target} from KPI_DEFAULTS, each overridable by KPI_TARGET_<KEY> (e.g. KPI_TARGET_COVERAGE=0.9); a
    value that is no share of 1 (0 < x ≤ 1; "85" is not 0.85) stops the start."""
    targets = {}
    for key, default in KPI_DEFAULTS.items():
        name = f"KPI_TARGET_{key.upper()}"
        text = environ.get(name) or default
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None or not 0 < value <= 1:
            raise RuntimeError(f"{name} must be a share of 1 (0 < x <= 1), e.g. 0.85; got {text!r}")
        targets[key] = value
    return targets



def ping_after_idle(environ):
    """DATABASE_PING_AFTER_IDLE_SECONDS: how long a pooled connection to a database server may rest before it is
    pinged at checkout (extensions.configure_pool_ping); 0 pings at every checkout. A value that is no number of
    seconds (0 to 3600) stops the start."""
    text = (environ.get("DATABASE_PING_AFTER_IDLE_SECONDS") or "0.5").strip()
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0 <= value <= 3600:
        raise RuntimeError(f"DATABASE_PING_AFTER_IDLE_SECONDS must be seconds from 0 to 3600, e.g. 0.5; got {text!r}")
    return value


# Where an inspector's day starts (智能调度 路径规划, services/dispatch_routes.py): the contractor's office, WGS-84
# "latitude,longitude". The default is the county seat (辉县市城区, by the municipal government); "first" starts each
# day at its first plan instead. A malformed value stops the start.
DISPATCH_OFFICE_DEFAULT = "35.4617,113.8054"


def dispatch_office(environ):
    """(latitude, longitude) from DISPATCH_OFFICE (or its default), or None for "first"."""
    text = (environ.get("DISPATCH_OFFICE") or DISPATCH_OFFICE_DEFAULT).strip()
    if text.lower() == "first":
        return None
    try:
        latitude, longitude = (float(part) for part in text.split(","))
    except ValueError:
        latitude = longitude = None
    if latitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise RuntimeError(f'DISPATCH_OFFICE must be "latitude,longitude" (WGS-84) or "first"; got {text!r}')
    return latitude, longitude


# The staff scorecard's weights (绩效考核, seed 000 line 219; services/performance.py), in points of 100: each figure is
# scored 0–100 and the score is their weighted mean. The quality figures — 报告合格率 (registrations neither re-graded
# nor found wanting by a quality sample), 整改闭环 (verifications done in time) and 客户满意度 — must weigh at least
# 30 % together (seed 000 line 925: 质量指标…权重不低于总评分的 30%). Each weight is overridable by
# PERFORMANCE_WEIGHT_<KEY> (e.g. PERFORMANCE_WEIGHT_WORKLOAD=15); the start fails unless they are whole numbers ≥ 0
# summing to 100 with the quality ones ≥ 30.
PERFORMANCE_DEFAULTS = {"workload": 20, "accuracy": 25, "timeliness": 20, "satisfaction": 20, "discipline": 15}
PERFORMANCE_QUALITY_KEYS = ("accuracy", "timeliness", "satisfaction")
PERFORMANCE_QUALITY_MIN = 30


def check_performance_weights(weights):
    """The weights as given, or RuntimeError saying what is wrong (called at start on the final configuration)."""
    if set(weights) != set(PERFORMANCE_DEFAULTS):
        raise RuntimeError(f"PERFORMANCE_WEIGHTS must have exactly the keys {sorted(PERFORMANCE_DEFAULTS)}")
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in weights.values()):
        raise RuntimeError(f"PERFORMANCE_WEIGHTS must be whole numbers of points, 0 or more; got {weights}")
    if sum(weights.values()) != 100:
        raise RuntimeError(f"PERFORMANCE_WEIGHTS must add up to 100 points; got {sum(weights.values())}")
    quality = sum(weights[k] for k in PERFORMANCE_QUALITY_KEYS)
    if quality < PERFORMANCE_QUALITY_MIN:
        raise RuntimeError(f"the quality weights ({', '.join(PERFORMANCE_QUALITY_KEYS)}) must weigh at least "
                           f"{PERFORMANCE_QUALITY_MIN} points together (seed 000: 权重不低于总评分的 30%); got {quality}")
    return weights


def performance_weights(environ):
    weights = {}
    for key, default in PERFORMANCE_DEFAULTS.items():
        name = f"PERFORMANCE_WEIGHT_{key.upper()}"
        text = (environ.get(name) or str(default)).strip()
        if not (text.isascii() and text.isdigit()):
            raise RuntimeError(f"{name} must be a whole number of points, e.g. 20; got {text!r}")
        weights[key] = int(text)
    return check_performance_weights(weights)

class Config:
    INSTANCE_DIR = Path(_env("INSTANCE_DIR", str(BASE_DIR / "instance")))
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'hazards.sqlite3'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    DATABASE_PING_AFTER_IDLE_SECONDS = ping_after_idle(os.environ)
    SECRET_KEY = _env("SECRET_KEY", "dev-only-not-secret")
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")  # set to 1 behind HTTPS
    SENTRY_DSN = _env("SENTRY_DSN")
    SENTRY_ENVIRONMENT = _env("SENTRY_ENVIRONMENT", "production")
    # Attachments live outside the web root, under random names.
    UPLOAD_DIR = Path(_env("UPLOAD_DIR", str(INSTANCE_DIR / "uploads")))
    MAX_UPLOAD_BYTES = int(_env("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
    # On-site videos (MP4 / MOV / WebM) may be larger; the upload endpoints accept a request body this big.
    MAX_VIDEO_BYTES = int(_env("MAX_VIDEO_BYTES", str(100 * 1024 * 1024)))
    MAX_CONTENT_LENGTH = int(_env("MAX_CONTENT_LENGTH", str(50 * 1024 * 1024)))
    # The 一企一档 dossier ZIP (services/enterprise_dossier.py) is built in memory: its files add up to at most this.
    MAX_DOSSIER_BYTES = int(_env("MAX_DOSSIER_BYTES", str(200 * 1024 * 1024)))
    # Per uploaded .bpmn / .dmn / form file in the process editor.
    MAX_DIAGRAM_BYTES = int(_env("MAX_DIAGRAM_BYTES", str(2 * 1024 * 1024)))
    BPMN_DIR = Path(_env("BPMN_DIR", str(BASE_DIR / "bpmn")))
    FORMS_DIR = Path(_env("FORMS_DIR", str(BASE_DIR / "forms")))
    PASSWORD_HASH_METHOD = _env("PASSWORD_HASH_METHOD", "scrypt")
    DEMO_PASSWORD = _env("DEMO_PASSWORD", "demo-pass-2026")
    API_TOKEN_MAX_AGE = int(_env("API_TOKEN_MAX_AGE", str(12 * 3600)))
    # 等保 login failure handling: this many wrong passwords in a row lock the account for LOGIN_LOCK_MINUTES;
    # a browser session ends after SESSION_IDLE_MINUTES without a request.
    PUBLIC_REPORTS_PER_HOUR = int(_env("PUBLIC_REPORTS_PER_HOUR", "5"))  # 隐患举报 from one address
    LOGIN_MAX_FAILURES = int(_env("LOGIN_MAX_FAILURES", "5"))
    LOGIN_LOCK_MINUTES = int(_env("LOGIN_LOCK_MINUTES", "15"))
    SESSION_IDLE_MINUTES = int(_env("SESSION_IDLE_MINUTES", "30"))
    # Roles whose users must turn on two-factor login (authenticator-app codes) before using the system, e.g.
    # "admin,bureau,process_owner"; anyone may turn it on for themselves.
    TWO_FACTOR_ROLES = tuple(r.strip() for r in _env("TWO_FACTOR_ROLES", "").split(",") if r.strip())
    TWO_FACTOR_ISSUER = _env("TWO_FACTOR_ISSUER", "隐患排查治理")
    # The hazard map's base layer: a tile URL template with {z}/{x}/{y} (and {s} subdomains), e.g. 天地图's WMTS
    # with the county's key; empty: the points are drawn on a blank map. Center "lat,lng" and zoom of the county.
    MAP_TILE_URL = _env("MAP_TILE_URL", "")
    MAP_TILE_ATTRIBUTION = _env("MAP_TILE_ATTRIBUTION", "")
    MAP_CENTER = _env("MAP_CENTER", "35.46,113.80")
    MAP_ZOOM = int(_env("MAP_ZOOM", "11"))
    ALLOW_CLOCK_OVERRIDE = _bool("ALLOW_CLOCK_OVERRIDE")
    TIMEZONE = "Asia/Shanghai"
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh", "en")
    NOTIFY_CHANNELS = tuple(c for c in _env("NOTIFY_CHANNELS", "email,sms,wechat").split(",") if c)
    SMTP_HOST = _env("SMTP_HOST")
    SMTP_PORT = int(_env("SMTP_PORT", "25"))
    SMTP_USER = _env("SMTP_USER")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_FROM = _env("SMTP_FROM", "hazards@localhost")
    SMTP_STARTTLS = _bool("SMTP_STARTTLS")
    SMS_WEBHOOK_URL = _env("SMS_WEBHOOK_URL")  # the county's SMS bridge: POST {"phone", "text"}
    WECHAT_WEBHOOK_URL = _env("WECHAT_WEBHOOK_URL")  # a WeCom group robot's webhook URL
    OUTBOX_DISPATCH_SECONDS = int(_env("OUTBOX_DISPATCH_SECONDS", "30"))
    SCHEDULER_SWEEP_SECONDS = int(_env("SCHEDULER_SWEEP_SECONDS", "15"))
    SQLITE_CHECKPOINT_SECONDS = int(_env("SQLITE_CHECKPOINT_SECONDS", "60"))
    # Backups (app/services/backup.py): with BACKUP_DIR set (a second disk or a network share, ideally) the
    # scheduler writes one archive a day there and keeps the newest BACKUP_KEEP; the CLI writes there by default.
    BACKUP_DIR = _env("BACKUP_DIR")
    BACKUP_KEEP = int(_env("BACKUP_KEEP", "14"))
    # IoT monitoring (services/iot_*.py): a device silent this long is marked offline; an alarm nobody acknowledged
    # this long urges the bureau; the scheduler checks both this often.
    IOT_OFFLINE_MINUTES = int(_env("IOT_OFFLINE_MINUTES", "30"))
    IOT_ESCALATE_MINUTES = int(_env("IOT_ESCALATE_MINUTES", "30"))
    IOT_CHECK_SECONDS = int(_env("IOT_CHECK_SECONDS", "60"))
    # Raw readings are kept this many full days before today (at least 31: readings may arrive 30 days late), then
    # rolled up into daily rows for good and deleted, nightly (services/iot_retention.py).
    IOT_READINGS_KEEP_DAYS = int(_env("IOT_READINGS_KEEP_DAYS", "90"))
    # Training targets (services/training_targets.py): on-site trainings per served enterprise per quarter (seed 000
    # "每季度安排不少于 2 次现场培训") and each staff member's training hours a year ("全年培训学时不少于 40 课时").
    TRAINING_ONSITE_PER_QUARTER = int(_env("TRAINING_ONSITE_PER_QUARTER", "2"))
    TRAINING_STAFF_HOURS_PER_YEAR = float(_env("TRAINING_STAFF_HOURS_PER_YEAR", "40"))
    # Return visits each key enterprise is due per quarter (services/key_enterprises.py; seed 000 "定期回访重点企业").
    RETURN_VISITS_PER_QUARTER = int(_env("RETURN_VISITS_PER_QUARTER", "1"))
    KPI_TARGETS = kpi_targets(os.environ)  # see KPI_DEFAULTS
    # The least share of the visits finished in a period the quality supervisor draws (services/visit_quality.py; seed
    # 000 "单次抽查比例不低于总任务量的15%"), rounded up.
    QUALITY_VISIT_SAMPLE_RATE = float(_env("QUALITY_VISIT_SAMPLE_RATE", "0.15"))
    PERFORMANCE_WEIGHTS = performance_weights(os.environ)  # see PERFORMANCE_DEFAULTS
    # The scorecard's workload figure is full at this many visits and verifications in a month.
    PERFORMANCE_MONTHLY_WORKLOAD = int(_env("PERFORMANCE_MONTHLY_WORKLOAD", "8"))
    # Points taken off a month's score: each 不合格 supervision record of the person, each one that also brought a
    # public criticism (通报批评, on top), and each upheld complaint about a visit of theirs.
    PERFORMANCE_DEDUCT_FAILED_CHECK = int(_env("PERFORMANCE_DEDUCT_FAILED_CHECK", "10"))
    PERFORMANCE_DEDUCT_CRITICISM = int(_env("PERFORMANCE_DEDUCT_CRITICISM", "5"))
    PERFORMANCE_DEDUCT_COMPLAINT = int(_env("PERFORMANCE_DEDUCT_COMPLAINT", "5"))
    DISPATCH_OFFICE = dispatch_office(os.environ)  # (latitude, longitude) or None: see dispatch_office
    INBOX_PAGE_SIZE = 50
    TESTING = False
    PRODUCTION = _bool("PRODUCTION")


def check_performance(config):
    """The scorecard's weights and numbers as finally configured (also when create_app is given them)."""
    check_performance_weights(config["PERFORMANCE_WEIGHTS"])
    for name in ("PERFORMANCE_MONTHLY_WORKLOAD", "PERFORMANCE_DEDUCT_FAILED_CHECK", "PERFORMANCE_DEDUCT_CRITICISM",
                 "PERFORMANCE_DEDUCT_COMPLAINT"):
        value, least = config[name], 1 if name.endswith("WORKLOAD") else 0
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise RuntimeError(f"{name} must be a whole number, at least {least}; got {value!r}")


def check_production(config):
    """Refuse to start a production deployment that runs on the development secret."""
    if config.get("PRODUCTION") and config.get("SECRET_KEY") == "dev-only-not-secret":
        raise RuntimeError("SECRET_KEY must be set when PRODUCTION=1")
