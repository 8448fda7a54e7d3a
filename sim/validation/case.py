"""An analytic case: one mechanism of the model, its closed form, and the test between them.

A case runs a tiny scenario that isolates its mechanism for a number of replications at a fixed
seed and returns one or more :class:`~sim.validation.checks.Check` s. Its significance level
:data:`ALPHA` is split evenly (Bonferroni) among its statistical checks, so that a correct model
fails a case with probability at most ``ALPHA`` over random seeds.

Every case also names a **wrong model**: the same scenario with one number changed the way a bug
would change it (a rate 25 % off, a ban an hour too long, one translator too many). Run with
``wrong=True`` the simulation uses that number while the theory keeps the right one; the case
must then fail, which shows that its test has the power to see such a fault.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim.validation.checks import Check

#: Chance that a case fails on a correct model (over random seeds), split among its checks.
ALPHA = 0.001

#: The master seed of the validation suite.
SEED = 20151113

Simulate = Callable[[int, int, bool, float], list[Check]]
"""(seed, runs, wrong, alpha per check) -> the case's checks."""


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case at one seed."""

    key: str
    title: str
    checks: list[Check]
    wrong: bool

    @property
    def passed(self) -> bool:
        """True when every check of the case passes."""
        return all(c.passed for c in self.checks)

    def describe(self) -> str:
        """Readable lines for an assertion message."""
        kind = "wrong model" if self.wrong else "model"
        lines = [f"{self.title} ({kind}):", *(f"  {c.describe()}" for c in self.checks)]
        return "\n".join(lines)


@dataclass(frozen=True)
class Case:
    """One closed-form check of one mechanism.

    Attributes:
        key: short identifier (used in test ids and the docs).
        title: what is checked, in a few words.
        mechanism: what the tiny scenario isolates and how.
        formula: the closed form, in plain text with Unicode symbols.
        wrong: the perturbation the test must detect.
        runs: replications run by default.
        tests: how many statistical checks share :data:`ALPHA` (exact checks excluded).
        simulate: runs the scenario and compares with theory.
    """

    key: str
    title: str
    mechanism: str
    formula: str
    wrong: str
    runs: int
    tests: int
    simulate: Simulate

    @property
    def alpha_per_check(self) -> float:
        """The significance level of each statistical check of the case."""
        return ALPHA / max(self.tests, 1)

    def check(self, seed: int = SEED, runs: int | None = None, wrong: bool = False) -> CaseResult:
        """Run the case at ``seed`` and compare with theory (``wrong``: simulate the bug)."""
        checks = self.simulate(seed, runs or self.runs, wrong, self.alpha_per_check)
        return CaseResult(self.key, self.title, checks, wrong)
