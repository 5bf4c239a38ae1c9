"""One mapping from domain exceptions to responses: JSON for the API, flash + redirect/page for HTML."""
from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..errors import DomainError


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
        return render_template("error.html", status=exc.code, message=exc.description), exc.code
