"""Locale choice: an explicit switch (stored in the session) wins, Simplified Chinese is the default."""
from flask import current_app, request, session


def select_locale():
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"] if not request else \
        (request.args.get("lang") if request.args.get("lang") in current_app.config["LANGUAGES"] else "zh")
