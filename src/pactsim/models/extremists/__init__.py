"""The extremist organisation: strength, recruitment, attrition and attacks.

See docs/design.md, extremists.
"""

from pactsim.models.extremists.organisation import (
    ExtremistParams,
    ExtremistStep,
    interdiction,
    step,
)

__all__ = ["ExtremistParams", "ExtremistStep", "interdiction", "step"]
