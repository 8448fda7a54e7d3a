"""Validation of the model against theory and against history.

* :mod:`sim.validation.analytic`: closed-form cases, one mechanism each (Poisson tips, channel
  delays and hops, forgetting, loss, the night rule, the translator pool as an M/M/c queue, a
  two-house Markov fugitive, stops before and after a flag), compared by statistical tests.
* :mod:`sim.validation.coverage`: do the 95 % intervals of :mod:`sim.experiments.stats` cover 95 %
  of the time?
* :mod:`sim.validation.replay`: the 2015-16 manhunt replayed with its dated itinerary and events.
* :mod:`sim.validation.report`: writes ``docs/validation.md`` (``python -m sim.validation``).
"""
