"""The extremist organisation: strength, recruitment, attrition and attacks (docs/design.md)."""

from pactsim.models.extremists.organisation import (
    ExtremistParams,
    ExtremistStep,
    interdiction,
    step,
)

__all__ = ["ExtremistParams", "ExtremistStep", "interdiction", "step"]
