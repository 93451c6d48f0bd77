"""The regime's internal decision: weighted voting, power indices, buying a winning coalition.

- :mod:`~pactsim.models.factions.game`: validated weighted voting games over integer weights.
- :mod:`~pactsim.models.factions.power`: exact Shapley–Shubik and Banzhaf indices (generating
  functions), with vetoes.
- :mod:`~pactsim.models.factions.buyoff`: the cheapest winning coalition for a reform level and
  the largest level a side-payment budget buys (knapsack DP + bisection), batchable.

See docs/factions.md and docs/design.md, Factions.
"""

from pactsim.models.factions.buyoff import (
    BuyoffBatch,
    BuyoffResult,
    max_affordable_reform,
    max_affordable_reform_batch,
    min_budget,
    min_budget_batch,
    payment_needed,
)
from pactsim.models.factions.game import IntegerGame, integer_game
from pactsim.models.factions.power import PowerIndices, banzhaf, power_indices, shapley_shubik

__all__ = [
    "BuyoffBatch",
    "BuyoffResult",
    "IntegerGame",
    "PowerIndices",
    "banzhaf",
    "integer_game",
    "max_affordable_reform",
    "max_affordable_reform_batch",
    "min_budget",
    "min_budget_batch",
    "payment_needed",
    "power_indices",
    "shapley_shubik",
]
