"""The neighbours: threat perception, tension and reactions (DESIGN.md 6, 7.1)."""

from pactsim.models.region.neighbours import NeighbourParams, RegionStep, split_attacks, step

__all__ = ["NeighbourParams", "RegionStep", "split_attacks", "step"]
