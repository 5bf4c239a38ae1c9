"""Every blueprint registers its template filters and globals app-wide: two with one name would silently replace
each other (service reports' `iso_local(text, fmt)` was once replaced by the emergency log's one-argument filter, and
the service report page failed). Each name is registered once."""
import ast
from collections import Counter
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "app" / "web"
KINDS = ("app_template_filter", "app_template_global", "app_template_test", "template_filter", "template_global")


def registered_names():
    names = []
    for path in sorted(WEB.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                func = call.func if call else decorator
                kind = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if kind not in KINDS:
                    continue
                given = call.args[0].value if call and call.args and isinstance(call.args[0], ast.Constant) else None
                names.append((kind.replace("app_", "").replace("template_", ""), given or node.name,
                              f"{path.name}:{node.lineno}"))
    return names


def test_no_two_template_filters_or_globals_share_a_name():
    found = registered_names()
    counts = Counter((kind, name) for kind, name, _where in found)
    clashes = {key: [where for kind, name, where in found if (kind, name) == key] for key, n in counts.items() if n > 1}
    assert len(found) > 50 and clashes == {}
