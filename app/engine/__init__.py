"""The only package that imports SpiffWorkflow."""
from .clock_hook import install as install_clock  # noqa: F401
from .runtime import (CaseRuntime, EngineError, NotWaitingError, ReadyTask, TaskNotReadyError, ThrownEvent,  # noqa: F401
                      WaitingTimer)
from .sandbox import SandboxError, compile_expression, compile_script  # noqa: F401
from .specs import SpecError, content_hash, parse_process, spec_cache  # noqa: F401
