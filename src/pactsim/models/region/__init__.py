"""The neighbours: threat perception, tension and reactions (docs/design.md, region)."""

from pactsim.models.region.neighbours import NeighbourParams, RegionStep, split_attacks, step

__all__ = ["NeighbourParams", "RegionStep", "split_attacks", "step"]
