"""A restricted Python environment for diagram expressions and scripts.

Diagrams are uploaded by people, so their expressions must not import modules, touch dunder attributes or
reach the interpreter. Code is compiled with RestrictedPython (which rejects `__import__`, names and
attributes starting with `_`) and runs with a small set of builtins and guarded attribute/item access.
"""
import ast
import operator
from functools import lru_cache

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence,
                                     safer_getattr)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment


class SandboxError(Exception):
    """An expression or script that the restricted environment refuses to compile."""


_INPLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "|=": operator.ior, "&=": operator.iand,
}

_EXTRA_BUILTINS = {name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
                   for name in ("min", "max", "sum", "any", "all", "enumerate", "sorted", "list", "dict",
                                "reversed", "map", "filter")}


def _inplacevar(op, x, y):
    return _INPLACE[op](x, y)


def _base_globals():
    builtins = dict(safe_builtins)
    builtins.update(limited_builtins)
    builtins.update(_EXTRA_BUILTINS)
    return {
        "__builtins__": builtins,
        "_getattr_": safer_getattr,
        "_getitem_": default_guarded_getitem,
        "_getiter_": default_guarded_getiter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        "_inplacevar_": _inplacevar,
    }


@lru_cache(maxsize=2048)
def compile_expression(source):
    result = compile_restricted_eval(source.strip(), "<expression>")
    if result.errors:
        raise SandboxError("; ".join(result.errors))
    return result.code


@lru_cache(maxsize=1024)
def compile_script(source):
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise SandboxError(f"syntax error on line {exc.lineno}: {exc.msg}") from exc
    if any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(tree)):
        raise SandboxError("import statements are not allowed in diagram scripts")
    result = compile_restricted_exec(source, "<script>")
    if result.errors:
        raise SandboxError("; ".join(result.errors))
    return result.code


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates with task data as locals over guarded globals and the given functions."""

    def __init__(self, functions=None):
        self.functions = dict(functions or {})
        base = _base_globals()
        base.update(self.functions)
        super().__init__(base)

    def evaluate(self, expression, context, external_context=None):
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        return eval(compile_expression(expression), scope)

    def execute(self, script, context, external_context=None):
        clash = set(self.functions).intersection(context)
        if clash:
            raise SandboxError(f"task data overwrites the functions {sorted(clash)}")
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        exec(compile_script(script), scope)
        # Copy back what the script assigned; drop what it deleted; never keep helpers or guards.
        for key in list(context):
            if key not in scope:
                del context[key]
        for key, value in scope.items():
            if key.startswith("_") or key in self.globals and self.globals[key] is value or callable(value):
                continue
            context[key] = value
        return True

    def call_service(self, context, **kwargs):
        raise SandboxError("service tasks are not available in hazard case diagrams")


class RestrictedScriptEngine(PythonScriptEngine):
    def __init__(self, functions=None):
        super().__init__(environment=RestrictedEnvironment(functions))

    def validate(self, expression):
        compile_expression(expression)
