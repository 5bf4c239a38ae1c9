"""Filters and globals for templates: local times, role/grade/status names in the current language."""
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import SHANGHAI, clock
from ..extensions import db
from ..models import ROLES
from ..models.hazard_case import GRADES, SOURCES, STATUSES
from ..services.photo_metadata import FAR_METERS, STALE_DAYS
from .names import label


# What a verifier should look at twice about a photo (services/photo_metadata.assess); lambdas: translated per request.
_PHOTO_WARNINGS = {
    "far": lambda: _("拍摄地点离隐患位置超过 %(m)s 米", m=FAR_METERS),
    "before_registration": lambda: _("整改后照片的拍摄时间早于隐患登记"),
    "stale": lambda: _("拍摄于上传 %(d)s 天以前", d=STALE_DAYS),
    "no_position": lambda: _("照片没有定位信息"),
    # a visit's photos (services/visit_files.assess)
    "far_from_site": lambda: _("拍摄地点离企业位置超过 %(m)s 米", m=FAR_METERS),
    "not_visit_day": lambda: _("拍摄日期不是排查当天"),
}


def distance_text(metres):
    """A distance in metres or kilometres, as people say it."""
    return _("%(n)s 米", n=round(metres)) if metres < 1000 else _("%(n)s 公里", n=f"{metres / 1000:.1f}")


def register(app):
    @app.template_filter("local")
    def local_time(moment, fmt="%Y-%m-%d %H:%M"):
        return moment.astimezone(SHANGHAI).strftime(fmt) if moment else ""

    @app.template_filter("grade_name")
    def grade_name(code):
        return label(GRADES, code)

    @app.template_filter("status_name")
    def status_name(code):
        return label(STATUSES, code)

    @app.template_filter("source_name")
    def source_name(code):
        return label(SOURCES, code)

    @app.template_filter("role_name")
    def role_name(code):
        return label(ROLES, code)

    app.add_template_filter(distance_text, "distance")

    @app.template_global()
    def photo_warning(code):
        return _PHOTO_WARNINGS[code]() if code in _PHOTO_WARNINGS else code

    @app.template_global()
    def is_locked(user):
        """Locked out after too many failed logins (services/users.authenticate), for the admin pages."""
        return user.locked_until is not None and user.locked_until > clock.now()

    @app.context_processor
    def globals_for_templates():
        from ..services.notifications import unread_count
        unread = unread_count(db.session, current_user) if current_user.is_authenticated else 0
        return {"now": clock.now(), "unread_notifications": unread, "locale": str(get_locale()),
                "titled": lambda obj: (obj.get("title_en") if str(get_locale()) == "en" and obj.get("title_en")
                                       else obj.get("title", ""))}
