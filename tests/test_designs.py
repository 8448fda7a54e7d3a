"""The design and analysis code on SALib's own test functions, whose indices are known.

The exploration samples the unit hypercube and maps each column through a factor's distribution;
here the same :mod:`sim.experiments.designs` code samples and analyses the Ishigami function (on
[-π, π]³) and the Sobol G function, whose Sobol indices have closed forms.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiments.designs import (
    Space,
    make_design,
    monte_carlo_share,
    morris_noise_floor,
    ranked,
)

pytest.importorskip("SALib", reason="the optional extra 'explore' is not installed")
from SALib.test_functions import Ishigami, Sobol_G

ISHIGAMI = Space(("x1", "x2", "x3"), ("x1", "x2", "x3"))
#: Ishigami (a = 7, b = 0.1): first-order and total indices in closed form.
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)
G_A = (0.0, 1.0, 4.5, 9.0, 99.0, 99.0)
G_SPACE = Space(tuple(f"x{i}" for i in range(6)), tuple(f"x{i}" for i in range(6)))


def _ishigami(unit: np.ndarray) -> np.ndarray:
    return Ishigami.evaluate(-math.pi + 2 * math.pi * unit)


def test_sobol_recovers_the_ishigami_indices():
    design = make_design("sobol")
    unit = design.sample(ISHIGAMI, 4096, seed=1)
    assert unit.shape == (4096 * 5, 3) and unit.min() >= 0 and unit.max() <= 1
    indices = design.indices(ISHIGAMI, unit, _ishigami(unit), seed=2)
    for index, s1, st in zip(indices, ISHIGAMI_S1, ISHIGAMI_ST, strict=True):
        assert index.values["s1"] == pytest.approx(s1, abs=0.04), index
        assert index.values["st"] == pytest.approx(st, abs=0.04), index
        low, high = index.intervals["st"]
        assert low < index.values["st"] < high
    assert [i.unit for i in ranked(indices)] == ["x1", "x2", "x3"]


def test_sobol_recovers_the_g_function_indices():
    design = make_design("sobol")
    unit = design.sample(G_SPACE, 2048, seed=3)
    indices = design.indices(G_SPACE, unit, Sobol_G.evaluate(unit, np.array(G_A)), seed=4)
    truth_s1 = Sobol_G.sensitivity_index(np.array(G_A))
    truth_st = Sobol_G.total_sensitivity_index(np.array(G_A))
    for index, s1, st in zip(indices, truth_s1, truth_st, strict=True):
        assert index.values["s1"] == pytest.approx(s1, abs=0.05), index
        assert index.values["st"] == pytest.approx(st, abs=0.05), index


def test_morris_screens_the_g_function_in_order_of_importance():
    design = make_design("morris")
    unit = design.sample(G_SPACE, 60, seed=5)
    assert unit.shape == (60 * 7, 6)
    indices = design.indices(G_SPACE, unit, Sobol_G.evaluate(unit, np.array(G_A)), seed=6)
    order = [i.unit for i in ranked(indices)]
    assert order[:4] == ["x0", "x1", "x2", "x3"], order
    # a = 99: almost no effect.
    assert max(i.values["mu_star"] for i in indices if i.unit in ("x4", "x5")) < 0.1


def test_grouped_morris_gives_one_unit_per_group():
    space = Space(("x1", "x2", "x3"), ("a", "a", "b"))
    design = make_design("morris")
    unit = design.sample(space, 20, seed=7)
    assert unit.shape == (20 * 3, 3)
    indices = design.indices(space, unit, _ishigami(unit), seed=8)
    assert [(i.unit, i.factors) for i in indices] == [("a", ("x1", "x2")), ("b", ("x3",))]


def test_the_latin_hypercube_is_stratified_and_rbd_fast_finds_ishigami_first_orders():
    design = make_design("lhs")
    unit = design.sample(ISHIGAMI, 2000, seed=9)
    for column in unit.T:  # one point in each of the 2000 strata of every factor
        assert sorted(np.floor(column * 2000).astype(int)) == list(range(2000))
    indices = design.indices(ISHIGAMI, unit, _ishigami(unit), seed=10)
    for index, s1 in zip(indices, ISHIGAMI_S1, strict=True):
        assert index.values["s1"] == pytest.approx(s1, abs=0.06), index


def test_the_same_seed_gives_the_same_design_and_another_seed_another():
    for name in ("morris", "sobol", "lhs"):
        design = make_design(name)
        a, b = design.sample(ISHIGAMI, 8, seed=1), design.sample(ISHIGAMI, 8, seed=1)
        assert np.array_equal(a, b), name
        assert not np.array_equal(a, design.sample(ISHIGAMI, 8, seed=2)), name


def test_the_monte_carlo_share_separates_real_differences_from_luck():
    rng = np.random.Generator(np.random.PCG64(1))
    real = (rng.uniform(size=(50, 400)) < np.linspace(0.1, 0.9, 50)[:, None]) * 1.0
    luck = (rng.uniform(size=(50, 400)) < 0.5) * 1.0
    assert monte_carlo_share(real) < 0.05
    assert monte_carlo_share(luck) > 0.5
    assert monte_carlo_share(np.ones((5, 10))) is None


def test_the_morris_noise_floor_is_what_pure_noise_gives():
    space = Space(("a", "b"), ("a", "b"))
    design = make_design("morris")
    unit = design.sample(space, 200, seed=11)
    rng = np.random.Generator(np.random.PCG64(12))
    noise = (rng.uniform(size=(unit.shape[0], 200)) < 0.5) * 1.0  # no factor matters
    indices = design.indices(space, unit, noise.mean(axis=1), seed=13)
    floor = morris_noise_floor(space, unit, noise)
    for index in indices:
        assert index.values["mu_star"] == pytest.approx(floor[index.unit], rel=0.2), (
            index,
            floor,
        )


def test_an_unknown_design_is_refused():
    with pytest.raises(ValueError, match="use one of morris, sobol, lhs"):
        make_design("factorial")
