"""The extremist organisation: strength, recruitment, attrition and attacks (DESIGN.md 6, 7.1)."""

from pactsim.models.extremists.organisation import (
    ExtremistParams,
    ExtremistStep,
    interdiction,
    step,
)

__all__ = ["ExtremistParams", "ExtremistStep", "interdiction", "step"]
