"""The analytic suite: every closed-form case, in the order the docs present them.

Each case isolates one mechanism of the model in a tiny scenario and compares the simulation
with its textbook formula by a statistical test at a fixed seed (see :mod:`sim.validation.case`).
The same cases drive ``tests/validation`` and the tables of ``docs/validation.md``.
"""

from __future__ import annotations

from sim.validation.action_cases import ACTION_CASES
from sim.validation.case import ALPHA, SEED, Case, CaseResult
from sim.validation.flow_cases import FLOW_CASES

#: Every analytic case.
CASES: tuple[Case, ...] = FLOW_CASES + ACTION_CASES


def run_cases(seed: int = SEED, wrong: bool = False) -> list[CaseResult]:
    """Run every case at ``seed`` (``wrong``: with each case's deliberate fault)."""
    return [case.check(seed, wrong=wrong) for case in CASES]


__all__ = ["ALPHA", "CASES", "SEED", "Case", "CaseResult", "run_cases"]
