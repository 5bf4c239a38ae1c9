"""GET /api/v1/openapi.json: OpenAPI 3.1 generated from the URL map and the marshmallow schemas.

Paths come from the blueprint's routes, so a route cannot be missing from the document; each route's operation (what
it takes and returns) is in `OPERATIONS`: the core's from core_operations.py, each feature's from the `OPERATIONS` of
its own module of this package, gathered here so that a new module needs no line in this file. Form bodies are JSON
Schemas of the deployed process version, copied in as they are.
"""
import importlib
import pkgutil
import re
import sys

from flask import current_app
from marshmallow import fields, missing, validate

from ...models import ROLES
from ...services import processes
from ...services.hazards import REGISTRATION_FORM
from ...services.uow import UnitOfWork
from . import api, core_operations, iot, schemas as s

_SIMPLE_TYPES = [(fields.Boolean, "boolean"), (fields.Integer, "integer"), (fields.Number, "number"),
                 (fields.String, "string"), (fields.Dict, "object"), (fields.List, "array")]
_ERROR_STATUSES = {"400": "invalid input", "401": "missing, invalid or expired token", "403": "not allowed",
                   "404": "not found or not visible to the caller", "409": "conflict with the task's or case's state"}


def _feature_modules():
    """Every other module of this package (each imported by the package's __init__ already), by name."""
    package = sys.modules[__package__]
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name not in ("openapi", "core_operations"):
            yield importlib.import_module(f"{__package__}.{info.name}")


# endpoint -> (summary, tag, request body, query schema, {status: response schema or description})
OPERATIONS = dict(core_operations.OPERATIONS)
# endpoints anyone may call without a token
PUBLIC = {"create_token", "openapi_document", "public_spot_checks", "public_spot_check", "public_hazards_list",
          "public_hazard"}
for _module in _feature_modules():
    _clash = set(getattr(_module, "OPERATIONS", {})) & set(OPERATIONS)
    assert not _clash, f"{_module.__name__} describes endpoints described before: {sorted(_clash)}"
    OPERATIONS.update(getattr(_module, "OPERATIONS", {}))
    PUBLIC |= getattr(_module, "PUBLIC", set())


def _name(schema_cls):
    return schema_cls.__name__.removesuffix("Schema")


class _Converter:
    """marshmallow schema classes -> JSON Schema (2020-12, as OpenAPI 3.1 uses), collecting components."""

    def __init__(self):
        self.components = {}

    def ref(self, schema_cls):
        name = _name(schema_cls)
        if name not in self.components:
            self.components[name] = {}  # placeholder first: schemas may refer to themselves
            self.components[name] = self.object(schema_cls)
        return {"$ref": f"#/components/schemas/{name}"}

    def object(self, schema_cls):
        instance = schema_cls() if isinstance(schema_cls, type) else schema_cls
        props, required = {}, []
        for name, field in instance.fields.items():
            key = field.data_key or name
            props[key] = self.field(field)
            if field.required:
                required.append(key)
        result = {"type": "object", "properties": props}
        return {**result, "required": required} if required else result

    def field(self, field):
        if isinstance(field, fields.Nested):
            nested = field.nested if isinstance(field.nested, type) else type(field.nested)
            result = self.ref(nested)
            return {"anyOf": [result, {"type": "null"}]} if field.allow_none else result
        result = {}
        if isinstance(field, fields.Date):
            result = {"type": "string", "format": "date"}
        elif isinstance(field, fields.DateTime):
            result = {"type": "string", "format": "date-time"}
        else:
            kind = next((t for cls, t in _SIMPLE_TYPES if isinstance(field, cls)), field.metadata.get("type"))
            if kind:
                result["type"] = kind
        if isinstance(field, fields.List):
            result["items"] = self.field(field.inner)
        if isinstance(field, fields.Dict) and field.value_field is not None:
            result["additionalProperties"] = self.field(field.value_field)
        for validator in field.validators:
            result.update(_validator(validator))
        for key in ("description", "enum"):
            if key in field.metadata:
                result[key] = field.metadata[key]
        if field.load_default not in (None, missing) and not callable(field.load_default):
            result["default"] = field.load_default
        if field.allow_none and "type" in result:
            result["type"] = [result["type"], "null"]
        return result

    def parameters(self, schema_cls):
        return [{"name": field.data_key or name, "in": "query", "required": field.required,
                 "schema": self.field(field)} for name, field in schema_cls().fields.items()]


def _validator(v):
    if isinstance(v, validate.OneOf):
        return {"enum": list(v.choices)}
    if isinstance(v, validate.Range):
        out = {}
        if v.min is not None:
            out["minimum" if v.min_inclusive else "exclusiveMinimum"] = v.min
        if v.max is not None:
            out["maximum" if v.max_inclusive else "exclusiveMaximum"] = v.max
        return out
    if isinstance(v, validate.Length):
        return {k: n for k, n in (("minLength", v.min), ("maxLength", v.max)) if n is not None}
    if isinstance(v, validate.Regexp):
        return {"pattern": v.regex.pattern}
    return {}


def _form_schema(conv, form_key):
    """The deployed version's JSON Schema of a form (the live contract), or a plain object if none is deployed."""
    with UnitOfWork() as uow:
        version = processes.deployed_version(uow, required=False)
        form = processes.forms_of(version).get(form_key) if version else None
    schema = dict((form or {}).get("schema") or {"type": "object"})
    schema.pop("$schema", None)
    if form_key == REGISTRATION_FORM:  # taken beside the form's fields (services/hazards.register_hazard)
        schema["properties"] = dict(schema.get("properties") or {}, inspection_visit_id={
            "type": ["integer", "null"], "description": "the inspection visit (排查记录) that found the hazard: "
            "one at the same enterprise; the hazard's found_at, when given, on the visit's day"},
            checklist_item_id={"type": ["integer", "null"], "description": "the checklist item recorded as "
                               "nonconform at that visit which the hazard is registered from (once per item)"},
            risk_point_id={"type": ["integer", "null"], "description": "the enterprise's risk point (风险点) the "
                           "hazard was found at: an active one of the same enterprise"},
            **conv.object(s.RegistrationRefSchema)["properties"])
    return schema


def _body(conv, body):
    if body is None:
        return None
    if body == "multipart":
        content = {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream"},
                           "field": {"type": "string", "description": "the form field it is meant for"},
                           "device_latitude": {"type": "number", "minimum": -90, "maximum": 90,
                                               "description": "where the device is (a photo's place when its "
                                                              "EXIF has none)"},
                           "device_longitude": {"type": "number", "minimum": -180, "maximum": 180}}}}}
    elif isinstance(body, str):
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}}
    else:
        content = {"application/json": {"schema": conv.ref(body)}}
    return {"required": True, "content": content}


def _operation(conv, endpoint, rule):
    summary, tag, body, query, responses = OPERATIONS[endpoint]
    op = {"operationId": endpoint, "summary": summary, "tags": [tag], "responses": {}}
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "integer" if converter == "int" else "string"}}
              for converter, name in re.findall(r"<(?:([^:<>]+):)?([^<>]+)>", rule.rule)]
    if query is not None:
        params += conv.parameters(query)
    if params:
        op["parameters"] = params
    if (request_body := _body(conv, body)) is not None:
        op["requestBody"] = request_body
    for status, schema in responses.items():
        if isinstance(schema, str):
            op["responses"][status] = {"description": schema}
        else:
            op["responses"][status] = {"description": summary,
                                       "content": {"application/json": {"schema": conv.ref(schema)}}}
    for status, text in _ERROR_STATUSES.items():
        op["responses"][status] = {"description": text, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}
    if endpoint in PUBLIC:
        op["security"] = []
    elif endpoint in iot.KEY_AUTHENTICATED:
        op["security"] = [{"deviceKey": []}]
    return op


def build_document():
    conv = _Converter()
    conv.ref(s.ErrorSchema)
    paths = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        endpoint = rule.endpoint.split(".", 1)[1]
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(conv, endpoint, rule)
    conv.components["HazardRegistration"] = _form_schema(conv, REGISTRATION_FORM)
    return {
        "openapi": "3.1.0",
        "info": {"title": "隐患排查治理 API / Hazard case management API", "version": "1",
                 "description": _roles_description(), "x-roles": list(ROLES)},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": conv.components, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "itsdangerous signed token",
                       "description": "POST /api/v1/auth/token, then `Authorization: Bearer <token>`"},
            "deviceKey": {"type": "apiKey", "in": "header", "name": "X-Device-Key",
                          "description": "a monitoring device's or an edge gateway's ingest key, shown once when "
                                         "it is made or rotated (IoT monitoring pages)"}}},
    }


def _roles_description():
    """The roles a token may carry, and which cases each sees (services/access.py)."""
    names = ", ".join(f"`{code}` ({zh} / {en})" for code, (zh, en) in ROLES.items())
    return (f"Roles: {names}. Enterprise staff see their own enterprise's cases; township / park safety offices "
            "(`township`, 属地监管) see the cases of the enterprises in the townships / parks they cover, read-only, "
            "and none while they cover none; other departments' users (`department`, 部门用户) see no case, only the "
            "referrals addressed to their department (GET /referrals, GET /referrals/{id}, POST /referrals/{id}/sign "
            "and /replies, POST /attachments; any other call is 403); every other role sees all cases. A case the "
            "caller may not see is 404.")


@api.get("/openapi.json")
def openapi_document():
    """Public, like any API description: it holds the shapes of requests, never data."""
    return build_document()

