"""One mapping from domain exceptions to responses: JSON for the API, flash + redirect/page for HTML."""
from flask import jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..errors import DomainError
from .names import N_


def _wants_json():
    return request.path.startswith("/api/")


def register_error_handlers(app):
    @app.errorhandler(DomainError)
    def domain_error(exc):
        if _wants_json():
            body = {"error": exc.code, "message": exc.message}
            if exc.fields:
                body["fields"] = exc.fields
            return jsonify(body), exc.status
        return render_template("error.html", status=exc.status, message=exc.message), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if _wants_json():
            return jsonify({"error": exc.name.lower().replace(" ", "_"), "message": exc.description}), exc.code
        return render_template("error.html", status=exc.code, message=page_message(exc)), exc.code


# Werkzeug's own descriptions are English sentences meant for developers: a page says it in the user's language.
_PAGE_MESSAGES = {
    400: N_("请求有误，请返回上一页检查后重试"), 403: N_("您没有权限访问此页面"),
    404: N_("页面不存在，或者您无权查看它"), 405: N_("此页面不接受这种请求方式"),
    413: N_("上传的内容太大"), 429: N_("请求过于频繁，请稍后再试"),
    500: N_("系统出错了，请稍后再试；问题已记录"), 503: N_("系统暂时不可用，请稍后再试"),
}


def page_message(exc):
    """The message an error page shows: the one the code gave (`abort(403, _("..."))`), else a translated
    sentence for the status instead of Werkzeug's default English description."""
    if exc.description and exc.description != type(exc).description:
        return exc.description
    message = _PAGE_MESSAGES.get(exc.code)
    return _(message) if message else exc.description
