"""Diagram expressions run restricted: no imports, no dunder walks, no builtins that reach the host."""
import pytest

from app.engine import SandboxError
from app.engine.sandbox import RestrictedEnvironment

ESCAPES = [
    "__import__('os').system('true')",
    "().__class__.__base__.__subclasses__()",
    "(lambda: 0).__globals__",
    "getattr((), '__class__')",
    "open('/etc/passwd').read()",
    "eval('1')",
    "exec('x=1')",
    "globals()",
    "[c for c in ().__class__.__mro__]",
    "type(1).__subclasses__(int)",
]


@pytest.mark.parametrize("expression", ESCAPES)
def test_known_escapes_are_refused(expression):
    env = RestrictedEnvironment({"now": lambda: "2026-01-01"})
    with pytest.raises(Exception) as info:
        env.evaluate(expression, {})
    assert isinstance(info.value, (SandboxError, NameError, AttributeError, TypeError))


def test_script_cannot_import():
    env = RestrictedEnvironment()
    with pytest.raises(SandboxError):
        env.execute("import os\nx = os.getcwd()", {})


def test_plain_expressions_and_functions_work():
    env = RestrictedEnvironment({"add_hours": lambda m, n: f"{m}+{n}"})
    assert env.evaluate("score < 50 and not legal_major", {"score": 40, "legal_major": False}) is True
    assert env.evaluate("add_hours(t, 2)", {"t": "x"}) == "x+2"
    assert env.evaluate("max([a, b]) + len(items)", {"a": 1, "b": 3, "items": [1, 2]}) == 5


def test_script_assignments_land_in_task_data_and_helpers_do_not():
    env = RestrictedEnvironment({"now": lambda: "T"})
    data = {"round": 1, "gone": True}
    env.execute("round += 1\nstarted = now()\nnotes = [x * 2 for x in [1, 2]]\ndel gone", data)
    assert data == {"round": 2, "started": "T", "notes": [2, 4]}


def test_task_data_may_not_shadow_functions():
    env = RestrictedEnvironment({"now": lambda: "T"})
    with pytest.raises(SandboxError):
        env.execute("x = 1", {"now": "shadowed"})
