"""Locale choice: the language switch (kept in the session) wins, then `?lang=`; Simplified Chinese by default."""
from flask import current_app, has_request_context, request, session


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        for chosen in (session.get("lang"), request.args.get("lang")):
            if chosen in languages:
                return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
