"""Request parsing shared by the route modules: JSON bodies and query strings through marshmallow."""
from flask import request
from marshmallow import ValidationError


def json_body(schema=None):
    """The request's JSON object, loaded through `schema` if given. Anything but a JSON object is a 400."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError({"_body": ["请求体必须是 JSON 对象 / the body must be a JSON object "
                                         "(Content-Type: application/json)"]})
    return schema.load(data) if schema is not None else data


def query_args(schema):
    """Query parameters through `schema`; empty values (`?status=`) count as absent."""
    return schema.load({k: v for k, v in request.args.items() if v != ""})
