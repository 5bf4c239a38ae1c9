"""Pages for a few roles only: one guard for every route of a blueprint, and the navigation's question."""
from flask import abort
from flask_babel import gettext as _
from flask_login import current_user


def restrict(blueprint, global_name, may, message):
    """Every route of `blueprint` admits the signed-in users `may(user)` accepts; any other signed-in user gets
    403 with `message` (a msgid, translated per request); anonymous requests are left to `login_required`.
    Registers the template global `global_name()`, which tells the navigation whether to show the link."""
    def allowed():
        return current_user.is_authenticated and may(current_user)
    blueprint.add_app_template_global(allowed, global_name)

    @blueprint.before_request
    def guard():
        if current_user.is_authenticated and not may(current_user):
            abort(403, _(message))
    return allowed
