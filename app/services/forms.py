"""Form schemas (JSON Schema + UI hints): coercion of submitted strings and server-side validation."""
import json
from functools import lru_cache

from jsonschema import Draft202012Validator, FormatChecker

from ..errors import ValidationFailed

_FORMATS = FormatChecker()


def fields(form):
    """[(name, property schema, ui hints)] in display order."""
    schema, ui = form.get("schema", {}), form.get("ui", {})
    props = schema.get("properties", {})
    order = ui.get("order") or list(props)
    names = [n for n in order if n in props] + [n for n in props if n not in order]
    return [(name, props[name], ui.get(name, {})) for name in names]


def coerce(form, multidict):
    """Turn HTML form values (dict name -> list of strings) into JSON types by the schema.

    Values that do not convert are kept as given so validation reports them next to their field.
    """
    result = {}
    for name, prop, _ui in fields(form):
        values = [v for v in multidict.get(name, []) if v is not None]
        kind = prop.get("type")
        if kind == "array":
            result[name] = [v for v in values if v != ""]
            continue
        value = values[-1] if values else None
        if kind == "boolean":
            result[name] = value in ("true", "on", "1", "yes") if value is not None else False
        elif value in (None, ""):
            continue
        elif kind == "integer":
            result[name] = _number(value, int)
        elif kind == "number":
            result[name] = _number(value, float)
        else:
            result[name] = value.strip()
    return result


def _number(value, kind):
    try:
        return kind(value)
    except ValueError:
        return value


def validate(form, data):
    """Raise ValidationFailed with one message per field; return only the fields the schema knows."""
    schema = form.get("schema", {})
    errors = {}
    for error in _validator_for(schema).iter_errors(data):
        if error.validator == "required":
            field = error.message.split("'")[1] if "'" in error.message else "_form"
            errors.setdefault(field, "必填项 / required")
        else:
            field = str(error.path[0]) if error.path else "_form"
            errors.setdefault(field, error.message)
    if errors:
        raise ValidationFailed("表单有错误，请修改后再提交 / the form has errors", fields=errors)
    known = schema.get("properties", {})
    return {k: v for k, v in data.items() if k in known}


def validate_draft(form, data):
    """A draft (保存草稿) of the form: what is filled in must be valid, but nothing is required yet (no required
    fields, no `const` such as "rectification completed", no minimum number of photos)."""
    return validate({"schema": _draft_schema(form.get("schema", {}))}, data)


_DRAFT_SCHEMAS = {}  # id(schema) -> (schema, its draft schema)


def _draft_schema(schema):
    entry = _DRAFT_SCHEMAS.get(id(schema))
    if entry is None or entry[0] is not schema:
        if len(_DRAFT_SCHEMAS) >= _MAX_BY_IDENTITY:
            _DRAFT_SCHEMAS.clear()
        relaxed = {k: v for k, v in schema.items() if k not in ("required", "allOf", "anyOf", "oneOf", "if",
                                                                    "then", "else", "dependentRequired")}
        relaxed["properties"] = {name: {k: v for k, v in prop.items() if k not in ("const", "minItems")}
                                 for name, prop in schema.get("properties", {}).items()}
        entry = _DRAFT_SCHEMAS[id(schema)] = (schema, relaxed)
    return entry[1]


_BY_IDENTITY = {}  # id(schema) -> (schema, validator); a deployed form's schema is one object, never changed
_MAX_BY_IDENTITY = 512


def _validator_for(schema):
    """The compiled validator of a schema: by the schema object's identity (every step validates a deployed
    form), else by its content."""
    entry = _BY_IDENTITY.get(id(schema))
    if entry is None or entry[0] is not schema:
        if len(_BY_IDENTITY) >= _MAX_BY_IDENTITY:
            _BY_IDENTITY.clear()
        entry = _BY_IDENTITY[id(schema)] = (schema, _validator(json.dumps(schema, sort_keys=True)))
    return entry[1]


@lru_cache(maxsize=256)
def _validator(schema_json):
    return Draft202012Validator(json.loads(schema_json), format_checker=_FORMATS)


def attachment_fields(form):
    return [name for name, prop, ui in fields(form)
            if prop.get("type") == "array" and ui.get("widget") in ("photos", "files")]
