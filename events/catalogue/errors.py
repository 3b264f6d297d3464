"""What goes wrong with a catalogue: a bad file, or a code it does not define."""

from __future__ import annotations


class CatalogueError(ValueError):
    """An agreement file that does not load: names the file and the bad entry."""

    def __init__(self, file: str, problem: str, where: str = "") -> None:
        self.file = file
        self.where = where
        self.problem = problem
        super().__init__(": ".join(part for part in (file, where, problem) if part))


class UnknownCode(KeyError):
    """A code the agreement does not define; a KeyError, with a readable message."""

    kind = "code"

    def __init__(self, code: object, agreement: str) -> None:
        super().__init__(code)
        self.code = code
        self.agreement = agreement

    def __str__(self) -> str:
        return f"{self.agreement} has no {self.kind} {self.code!r}"


class UnknownGoal(UnknownCode):
    """A goal code the agreement does not define."""

    kind = "goal"


class UnknownAmbition(UnknownCode):
    """An ambition number the agreement does not define."""

    kind = "ambition"


class UnknownBranch(UnknownCode):
    """A branch code the agreement does not define."""

    kind = "branch"


class UnknownDistrict(UnknownCode):
    """A district code the agreement does not define."""

    kind = "district"


class UnknownAgreement(KeyError):
    """No agreement file of that name, or none for a municipality on a date."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
