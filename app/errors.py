"""Domain exceptions raised by services; the web layer maps each to an HTTP status."""


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(DomainError):
    status = 400
    code = "validation_failed"


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class StaleCase(Conflict):
    code = "stale_case"


class TaskNotReady(Conflict):
    code = "task_not_ready"


class AccountLocked(DomainError):
    status = 429
    code = "account_locked"


class CalendarError(DomainError):
    status = 400
    code = "calendar_error"


class ProcessError(DomainError):
    status = 400
    code = "process_error"
