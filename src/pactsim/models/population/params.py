"""Parameters of Epstein's civil-violence Model I and the semantics of each published variant.

Reference: J. M. Epstein, "Modeling civil violence: An agent-based computational approach",
PNAS 99 (suppl. 3), 7243-7250 (2002). The three variants differ in small rules that change the
dynamics; each rule is a named field of :class:`Semantics` so a user can switch one at a time.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

from pactsim.errors import InputError

Variant = Literal["paper", "netlogo", "mesa"]
VARIANTS: tuple[str, ...] = ("paper", "netlogo", "mesa")
Neighbourhood = Literal["von_neumann", "euclidean", "moore"]
Rounding = Literal["none", "floor", "round"]
#: counts within vision are packed in 16 bits: (2 * 100 + 1)^2 < 65536
MAX_VISION = 100
#: jail terms are stored in 32 bits
MAX_JAIL = 2**31 - 2
#: cells and agents are indexed in 32 bits
MAX_CELLS = 2**31 - 1


@dataclass(frozen=True)
class Semantics:
    """The rules in which the published versions of Model I differ (docs/population.md)."""

    #: how C/A enters P = 1 - exp(-k g(C/A)): "none" (paper), "floor" (NetLogo),
    #: "round" (Mesa: Python's round, half to even)
    rounding: Rounding
    #: shape of the vision: "von_neumann" (|dx| + |dy| <= v), "euclidean" (dx^2 + dy^2 <= v^2),
    #: "moore" (max(|dx|, |dy|) <= v)
    neighbourhood: Neighbourhood
    #: True: a citizen moves, then decides (NetLogo); False: decides, then moves (Mesa)
    move_first: bool
    #: how jail works: "mesa" (jailed keep and block their cell, the term is served one tick per
    #: own activation, a term of 0 still waits for the next activation), "netlogo" (jailed stay
    #: on their cell without blocking it, all terms fall by one at the end of every tick, the
    #: arresting cop moves onto the arrestee's cell), "paper" (jailed leave the grid and come back
    #: on a random empty cell when the term is over)
    jail: Literal["mesa", "netlogo", "paper"]
    #: jail terms are uniform on 0..J (inclusive, paper and Mesa) or 0..J-1 (NetLogo `random J`)
    jail_inclusive: bool
    #: True: the citizen's own cell is scanned, so an active citizen counts itself twice
    #: (1 + actives on the patches in radius, NetLogo); False: A = 1 + other actives
    count_own_cell: bool
    #: agents are placed by a Bernoulli draw per cell (Mesa, counts vary) or exact counts
    #: round(density * cells) on random cells (NetLogo, paper)
    bernoulli_placement: bool


SEMANTICS: dict[str, Semantics] = {
    "paper": Semantics("none", "von_neumann", True, "paper", True, False, False),
    "netlogo": Semantics("floor", "euclidean", True, "netlogo", False, True, False),
    "mesa": Semantics("round", "von_neumann", False, "mesa", True, False, True),
}


def _check_number(name: str, value: Any, lo: float, hi: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"population parameter {name!r}: expected a number, got {value!r}")
    if value < lo or (hi is not None and value > hi):
        rng = f"in [{lo}, {hi}]" if hi is not None else f">= {lo}"
        raise InputError(f"population parameter {name!r}: must be {rng} (got {value})")


def _check_int(name: str, value: Any, lo: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"population parameter {name!r}: expected an integer, got {value!r}")
    if value < lo:
        raise InputError(f"population parameter {name!r}: must be >= {lo} (got {value})")


@dataclass(frozen=True)
class CivilViolenceParams:
    """Every parameter of Model I (Epstein 2002), with its unit, default and source.

    Attributes:
        width: grid columns (cells). Default 40, Epstein (2002) Table 2 (40 x 40 lattice).
        height: grid rows (cells). Default 40, Epstein (2002) Table 2.
        citizen_density: share of cells holding a citizen ("agent density"), 0-1.
            Default 0.7, Epstein (2002) Table 2.
        cop_density: share of cells holding a cop, 0-1. Default 0.04, Epstein (2002) run 1;
            0.074 in run 2 and in Mesa's example.
        vision: how far citizens and cops see (cells; the shape depends on the variant).
            Default 7, Epstein (2002) Table 2.
        cop_vision: cops' vision (cells) if it differs from ``vision``; None means ``vision``.
            Default None, Epstein (2002) uses the same value for both.
        legitimacy: L, the regime legitimacy every citizen perceives, 0-1 (dimensionless).
            Default 0.8, Mesa's example default; the paper's runs use 0.82-0.9.
        max_jail: J_max, the longest jail term (ticks). Default 30, Epstein (2002) run 2.
        threshold: T, how far grievance must exceed net risk to go active (dimensionless).
            Default 0.1, Epstein (2002).
        k: arrest constant in P = 1 - exp(-k C/A) (dimensionless). Default 2.3, Epstein
            (2002), chosen so that P = 0.9 when C = A = 1.
        variant: which published rule set to follow: "paper", "netlogo" or "mesa"
            (see :data:`SEMANTICS`). Default "paper".
        movement: whether citizens move (cops always move). Default True, Epstein (2002).
        rounding: override the variant's treatment of C/A ("none", "floor", "round");
            None keeps the variant's. Default None.
        neighbourhood: override the variant's vision shape ("von_neumann", "euclidean",
            "moore"); None keeps the variant's. Default None.
    """

    width: int = 40
    height: int = 40
    citizen_density: float = 0.7
    cop_density: float = 0.04
    vision: int = 7
    cop_vision: int | None = None
    legitimacy: float = 0.8
    max_jail: int = 30
    threshold: float = 0.1
    k: float = 2.3
    variant: str = "paper"
    movement: bool = True
    rounding: str | None = None
    neighbourhood: str | None = None

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise :class:`InputError` naming the first field that is out of range."""
        _check_int("width", self.width, 1)
        _check_int("height", self.height, 1)
        if self.width * self.height > MAX_CELLS:
            raise InputError(
                f"population parameters 'width' x 'height': at most {MAX_CELLS} cells "
                f"(got {self.width} x {self.height})"
            )
        _check_number("citizen_density", self.citizen_density, 0.0, 1.0)
        _check_number("cop_density", self.cop_density, 0.0, 1.0)
        if self.citizen_density + self.cop_density > 1.0 + 1e-12:
            raise InputError(
                "population parameters 'citizen_density' + 'cop_density' must not exceed 1 "
                f"(got {self.citizen_density} + {self.cop_density})"
            )
        _check_int("vision", self.vision, 1)
        if self.cop_vision is not None:
            _check_int("cop_vision", self.cop_vision, 1)
        for name, v in (("vision", self.vision), ("cop_vision", self.cops_vision)):
            check_vision_fits(name, v, self.width, self.height)
        _check_number("legitimacy", self.legitimacy, 0.0, 1.0)
        _check_int("max_jail", self.max_jail, 0)
        if self.max_jail > MAX_JAIL:
            raise InputError(
                f"population parameter 'max_jail': must be <= {MAX_JAIL} ticks "
                f"(got {self.max_jail})"
            )
        _check_number("threshold", self.threshold, -1.0, 1.0)
        _check_number("k", self.k, 0.0)
        if self.variant not in VARIANTS:
            raise InputError(
                f"population parameter 'variant': expected one of {', '.join(VARIANTS)} "
                f"(got {self.variant!r})"
            )
        if not isinstance(self.movement, bool):
            raise InputError(
                f"population parameter 'movement': expected true or false, got {self.movement!r}"
            )
        if self.rounding is not None and self.rounding not in ("none", "floor", "round"):
            raise InputError(
                "population parameter 'rounding': expected none, floor or round "
                f"(got {self.rounding!r})"
            )
        if self.neighbourhood is not None and self.neighbourhood not in (
            "von_neumann",
            "euclidean",
            "moore",
        ):
            raise InputError(
                "population parameter 'neighbourhood': expected von_neumann, euclidean or moore "
                f"(got {self.neighbourhood!r})"
            )

    @property
    def cops_vision(self) -> int:
        """The cops' vision in cells (``cop_vision`` or, if unset, ``vision``)."""
        return self.vision if self.cop_vision is None else self.cop_vision

    @property
    def semantics(self) -> Semantics:
        """The variant's rules with any override applied."""
        base = SEMANTICS[self.variant]
        fields = asdict(base)
        if self.rounding is not None:
            fields["rounding"] = self.rounding
        if self.neighbourhood is not None:
            fields["neighbourhood"] = self.neighbourhood
        return Semantics(**fields)

    def as_dict(self) -> dict[str, Any]:
        """Every parameter by name (for JSON output and provenance)."""
        d = asdict(self)
        d["cop_vision"] = self.cops_vision
        return d


def check_vision_fits(name: str, vision: int, width: int, height: int) -> None:
    """The torus must be at least 2 v + 1 cells wide so that no cell is seen twice."""
    if vision > MAX_VISION:
        raise InputError(
            f"population parameter {name!r} = {vision} exceeds the largest supported vision "
            f"({MAX_VISION} cells)"
        )
    need = 2 * vision + 1
    if width < need or height < need:
        raise InputError(
            f"population parameter {name!r} = {vision} needs a grid of at least {need} x {need} "
            f"cells (got {width} x {height}); lower the vision or enlarge the grid"
        )
