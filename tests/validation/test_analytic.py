"""The model against closed-form theory: one mechanism per case, a statistical test at a fixed seed.

Each case fails on a correct model with probability ALPHA (0.001) over random seeds; at the
suite's fixed seed the outcome is deterministic. The second test runs each case with a deliberate
fault (a rate 25 % off, a ban an hour too long...) and requires the case to fail: a test that
cannot fail proves nothing.
"""

from __future__ import annotations

import pytest

from sim.validation.analytic import CASES, Case

pytestmark = pytest.mark.validation


def test_there_are_at_least_eight_cases():
    assert len(CASES) >= 8
    assert len({case.key for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.key)
def test_simulation_matches_theory(case: Case):
    result = case.check()
    assert result.passed, result.describe()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.key)
def test_case_detects_its_wrong_model(case: Case):
    result = case.check(wrong=True)
    assert not result.passed, f"the case did not see the fault ({case.wrong}):\n{result.describe()}"
