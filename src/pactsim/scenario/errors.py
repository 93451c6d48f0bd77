"""Scenario errors: each problem names the file, the line, the field path and what was expected."""

from __future__ import annotations

from dataclasses import dataclass

from pactsim.errors import PactsimError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class ScenarioError(PactsimError):
    """A scenario file (or override) that cannot be used; lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        head = "scenario is not valid" if len(problems) != 1 else "scenario is not valid:"
        if len(problems) == 1:
            super().__init__(f"{head} {problems[0]}")
        else:
            body = "\n".join(f"  - {p}" for p in problems)
            super().__init__(f"{head} ({len(problems)} problems):\n{body}")

    @classmethod
    def single(cls, file: str, path: str, message: str, line: int | None = None) -> ScenarioError:
        return cls([Problem(file=file, path=path, message=message, line=line)])
