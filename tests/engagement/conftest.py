"""Small, fast versions of the bundled scenarios for the engagement tests."""

from __future__ import annotations

import pactsim

SMALL = {"population.width": 30, "population.height": 30, "population.ticks_per_month": 3}
AFG = pactsim.load("afghanistan-2023").with_overrides(SMALL)
TOY = pactsim.load("toy-3-factions").with_overrides(SMALL)
