"""Every error householder raises on purpose.

::

    HouseholderError
     ├── InputError(ValueError)      the household file or a command's arguments are wrong
     │    └── HouseholdFileError     one or more problems in a household file, each with its path
     └── PlanError                   no plan could be made
          ├── InfeasibleError        the constraints cannot all hold; says which one binds
          └── SolverError            every solver failed on a well-posed problem

The CLI turns each into a message and exit code 1; nothing else should reach a user as a
traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class HouseholderError(Exception):
    """Base of every error householder raises on purpose."""


class InputError(HouseholderError, ValueError):
    """Bad input: a file, a field or an argument. The message names the place and the fix."""


@dataclass(frozen=True)
class Problem:
    """One problem in a household file: where (a dotted path) and what (with the fix)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class HouseholdFileError(InputError):
    """A household file with one or more problems; all of them, not just the first."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        n = len(problems)
        super().__init__(f"{source}: {n} problem{'s' if n != 1 else ''}\n{lines}")


class PlanError(HouseholderError):
    """No plan could be made."""


class InfeasibleError(PlanError):
    """The constraints cannot all hold. The message names the one that binds."""


class SolverError(PlanError):
    """Every solver tried failed on the problem."""
