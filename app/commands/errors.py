"""A command's refusals: each names what to fix, and maps to one HTTP status."""

from __future__ import annotations


class Refused(Exception):
    """A command that was not carried out; nothing was written."""

    status = 400
    kind: str | None = None

    def __init__(self, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind or self.kind


class Invalid(Refused):
    """Input that breaks a rule, per field: {field: detail}."""

    status = 422
    kind = "validation"

    def __init__(self, field: str, detail: str, **more: str) -> None:
        self.fields = {field: detail, **more}
        super().__init__(f"Invalid input: {', '.join(sorted(self.fields))}")


class NotFound(Refused):
    """An unknown record, or one out of the caller's reach (never told apart)."""

    status = 404

    def __init__(self, message: str = "No such record.", field: str = "id") -> None:
        super().__init__(message)
        self.field = field


class Conflict(Refused):
    """The record's state forbids it now: closed, cancelled, retracted already."""

    status = 409

    def __init__(self, message: str, kind: str, field: str | None = None) -> None:
        super().__init__(message, kind)
        self.field = field


class Forbidden(Refused):
    """The caller's role may not do this."""

    status = 403
