"""`<int:...>` in every route: a whole number an integer column can hold. A larger one is no record's id, so the
routing answers 404, instead of the query overflowing inside the database (PostgreSQL: a 500)."""
from werkzeug.routing import IntegerConverter

from .query_args import ID_LIMIT


class DatabaseIdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", ID_LIMIT)
        super().__init__(map, *args, **kwargs)


def install(app):
    """Before any blueprint is registered: a rule takes its converters when it is added to the map."""
    app.url_map.converters["int"] = DatabaseIdConverter
