"""What a department's own login (部门用户, role `department`) may open: the referrals addressed to its department,
the meetings it attended (their minutes, its receipt and its action items), the joint inspection plans its
department takes part in (to sign them), its notifications, its own account and
the public pages. Every other page and API call is 403 — deny by default, so a page added later stays closed to an
outside department until it is named here — and the home page (the task inbox) leads to its referrals. Which referrals it sees is the service's rule (services/referrals.py: another
department's is 404)."""
from flask import abort, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import NotAllowed
from ..services.referrals import is_department_user

PAGES = {"referrals.index", "referrals.export", "referrals.show", "referrals.letter", "referrals.reply_file",
         "referrals.reply", "referrals.sign",
         # the meetings its department attended (services/meetings.py scopes them): minutes, receipt, its items
         "meetings.index", "meetings.export", "meetings.show", "meetings.sign", "meetings.file", "meetings.minutes_pdf",
         "meeting_actions.index", "meeting_actions.export", "meeting_actions.done",
         # the joint inspection plans its department takes part in (services/inspection_plans.py scopes them)
         "inspection_plans.index", "inspection_plans.show", "inspection_plans.sign",
         "notifications.index", "notifications.mark_one", "notifications.mark_all"}
# Blueprints open to every signed-in user whoever they are: logging in and out, the own account, assets.
OPEN_BLUEPRINTS = {"auth", "account", "vendor", "health"}
API_CALLS = {"api.list_referrals", "api.get_referral", "api.record_referral_reply", "api.sign_referral",
             "api.upload_attachment", "api.list_meetings", "api.get_meeting",
             "api.list_inspection_plans", "api.get_inspection_plan", "api.sign_inspection_plan"}


def register(app):
    @app.before_request
    def keep_departments_to_their_referrals():
        endpoint = request.endpoint
        if endpoint is None or endpoint == "static" or request.path.startswith(("/api/", "/public/")):
            return None  # an unknown path is a 404 for everyone; the API asks `check_api_call`
        if not current_user.is_authenticated or not is_department_user(current_user):
            return None
        if endpoint in PAGES or endpoint.partition(".")[0] in OPEN_BLUEPRINTS:
            return None
        if endpoint == "inbox.index" and request.path == "/":
            return redirect(url_for("referrals.index"))
        abort(403, _("部门用户只能查看、签收和回复移送给本部门的函件"))


def check_api_call():
    """Called by `token_required` once the token named its user: a department's token reaches its referrals only."""
    if is_department_user(g.api_user) and request.endpoint not in API_CALLS:
        raise NotAllowed("部门用户只能查看、签收和回复移送给本部门的函件 / a department user reaches only the referrals "
                         "addressed to its department")
