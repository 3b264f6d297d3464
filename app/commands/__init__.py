"""Commands: one module per kind of write, holding every rule of that write.

A command is a plain function `(services, caller, input) -> Recorded`. It checks
the domain rules (the caller's reach, the agreement covering the date, goal
codes, a session's state), derives the event ids (idempotency), builds the
event from its typed input and appends it; the store screens it for personal
data. The API's schemas, the pages' forms and the CLI only parse input into the
command's input type, call the command and format its answer, so each rule is
written once. Refusals are `app.commands.errors.Refused`; `app.errors` maps them
to problem+json in one place.
"""

from app.commands.caller import Caller
from app.commands.errors import Conflict, Invalid, NotFound, Refused
from app.commands.services import Services
from app.commands.writing import Recorded

__all__ = [
    "Caller",
    "Conflict",
    "Invalid",
    "NotFound",
    "Recorded",
    "Refused",
    "Services",
]
