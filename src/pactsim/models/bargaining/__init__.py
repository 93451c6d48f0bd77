"""Stakeholder bargaining on issue dimensions (docs/design.md, Bargaining; docs/bargaining.md).

- :mod:`~pactsim.models.bargaining.baselines`: compromise, weighted median, Nash bargaining;
- :mod:`~pactsim.models.bargaining.eum`: Bueno de Mesquita's expected utility model (Scholz,
  Calbert & Smith 2011), vectorised over batches; ``eum_reference`` is its plain-Python reading;
- :mod:`~pactsim.models.bargaining.csv_io`: the literature's actor CSV;
- :func:`forecast`: one forecast for one problem, by model name.
"""

from pactsim.models.bargaining.baselines import compromise, nash, weighted_median
from pactsim.models.bargaining.csv_io import ActorsInput, read_actors_csv
from pactsim.models.bargaining.eum import OFFER_KINDS, EUMResult, eum
from pactsim.models.bargaining.scalar import MODELS, forecast

__all__ = [
    "MODELS",
    "OFFER_KINDS",
    "ActorsInput",
    "EUMResult",
    "compromise",
    "eum",
    "forecast",
    "nash",
    "read_actors_csv",
    "weighted_median",
]
