"""The scenario format: pydantic v2 models (docs/design.md, the scenario file).

Every field documents its meaning and unit; defaults are the model's defaults and, unless a
scenario documents otherwise, assumptions. Units: money in USD million, time in months, issue
positions on 0-100, saliences, shares and probabilities on 0-1.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from pactsim.scenario.claims import ClaimList, ReportField, ReportSettings
from pactsim.scenario.migrate import FORMAT_VERSION
from pactsim.scenario.numbers import Int, Num

Position = Annotated[Num, Field(ge=0, le=100)]
Share = Annotated[Num, Field(ge=0, le=1)]
NonNegative = Annotated[Num, Field(ge=0)]


class Strict(BaseModel):
    """Base of every section: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=False)


# --------------------------------------------------------------------------------------- meta
class Meta(Strict):
    name: str = Field(description="Short identifier of the scenario, e.g. 'toy-3-factions'.")
    title: str = Field("", description="One-line title.")
    description: str = Field("", description="What the scenario represents and asks.")
    question: str = Field("", description="The policy question the scenario is built to answer.")
    start: str = Field(
        "2023-07", pattern=r"^\d{4}-\d{2}$", description="First simulated month (YYYY-MM)."
    )
    months: Int = Field(60, ge=1, le=600, description="Simulated horizon [months].")
    sources: dict[str, str] = Field(
        default_factory=dict, description="Bibliography: short key -> full citation."
    )


# ------------------------------------------------------------------------------------- issues
class Issue(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Identifier used by references.")
    name: str = Field(description="Readable name of the issue dimension.")
    low: str = Field(description="What position 0 means, in words.")
    high: str = Field(description="What position 100 means, in words.")
    status_quo: Num = Field(0.0, ge=0, le=100, description="Current policy on the issue [0-100].")
    reform: bool = Field(
        True, description="A reform the regime's council adopts (and the package may demand)."
    )
    legitimacy: Num = Field(
        0.0,
        ge=0,
        description="lambda_i: legitimacy gained when the adopted level rises 100 points above "
        "the status quo [-].",
    )


# ------------------------------------------------------------------------------------- actors
ActorRole = Literal[
    "regime",
    "faction",
    "patron",
    "neighbour",
    "great_power",
    "extremist",
    "opposition",
    "mediator",
    "other",
]


class Actor(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Identifier used by references.")
    name: str = Field(description="Readable name.")
    role: ActorRole = Field("other", description="The actor's part in the scenario.")
    capability: Num = Field(
        gt=0, description="Capability (resources it can bring to bear on the issues) [relative]."
    )
    risk: Num | None = Field(
        None, ge=0.5, le=2.0, description="Fixed risk exponent for EUM; none = computed [0.5-2]."
    )
    positions: dict[str, Position] = Field(
        default_factory=dict, description="Issue id -> the actor's position [0-100]."
    )
    salience: dict[str, Share] = Field(
        default_factory=dict, description="Issue id -> how much the issue matters to it [0-1]."
    )
    notes: str = Field("", description="Reasoning behind the coding of this actor.")


class ActorTable(BaseModel):
    """The actors that have a position on one issue, as arrays for the bargaining models."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    issue: str
    ids: list[str]
    names: list[str]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray


# ----------------------------------------------------------------------------------- factions
class Faction(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Identifier.")
    name: str = Field(description="Readable name.")
    actor: str | None = Field(None, description="The actor (id) that represents it in bargaining.")
    weight: Int = Field(ge=1, description="Voting weight in the leadership council [integer].")
    veto: bool = Field(False, description="Every winning coalition must contain it.")
    ideal: dict[str, Position] = Field(
        default_factory=dict,
        description="Issue id -> highest reform level it accepts without payment [0-100].",
    )
    kappa: dict[str, NonNegative] = Field(
        default_factory=dict,
        description="Issue id -> ideological cost of reform beyond its ideal "
        "[USD million per month per (reform point)^alpha].",
    )
    principled_share: Num = Field(
        0.0, ge=0, le=1, description="Share that resists on principle and defects if bought [0-1]."
    )


class Council(Strict):
    quota: Int = Field(ge=1, description="Weight a coalition needs to decide [integer].")
    alpha: Num = Field(2.0, ge=1, le=4, description="Exponent of the ideological cost [-].")
    leader: str | None = Field(
        None,
        description="Faction id of the leading faction, which chooses the reform levels; none = "
        "the faction with the largest weight.",
    )
    revenue: NonNegative = Field(
        0.0,
        description="The leadership's own income that it can spend on side payments "
        "[USD million per month].",
    )
    discount: Num = Field(
        0.95,
        gt=0,
        lt=1,
        description="delta: the leadership's monthly discount factor when it weighs tranches "
        "against the monthly cost of a coalition [-].",
    )
    members: list[Faction] = Field(min_length=1, description="The council's factions.")

    @model_validator(mode="after")
    def _quota(self) -> Council:
        total = sum(m.weight for m in self.members)
        if self.quota > total:
            raise ValueError(f"quota {self.quota} is above the total weight {total}")
        return self


# ------------------------------------------------------------------------------------ package
InstrumentKind = Literal[
    "reconstruction",
    "energy_food",
    "military_repair",
    "military_modern",
    "recognition",
    "side_payment",
    "sanctions_relief",
]
Mode = Literal["unconditional", "milestone", "reciprocal"]


class Milestone(Strict):
    issue: str = Field(description="Reform issue id whose adopted level is the condition.")
    level: Num = Field(ge=0, le=100, description="Adopted level at which the tranche is due.")
    share: Num = Field(gt=0, le=1, description="Share of the instrument's value in this tranche.")
    due: Int = Field(
        1,
        ge=1,
        le=600,
        description="First month the tranche can be paid; at this month an unmet condition "
        "still releases the share (1 - credibility) of the tranche [month].",
    )


class Instrument(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Identifier.")
    kind: InstrumentKind = Field(description="What the instrument delivers.")
    enabled: bool = Field(True, description="Switch the instrument on or off.")
    value: Num = Field(ge=0, description="Total value offered over the horizon [USD million].")
    months: Int = Field(36, ge=1, description="Months over which a reciprocal flow is paid.")
    mode: Mode = Field("milestone", description="How and when the value is paid.")
    upfront_months: Int = Field(
        3, ge=1, description="Unconditional mode: months over which the whole value is paid."
    )
    start: Int = Field(
        1,
        ge=1,
        le=600,
        description="First month of the unconditional and reciprocal schedules (an event that "
        "switches an instrument on later sets it) [month].",
    )
    milestones: list[Milestone] = Field(
        default_factory=list, description="Milestone mode: tranches and their conditions."
    )
    targets: dict[str, Position] = Field(
        default_factory=dict,
        description="Reciprocal mode: issue id -> reform level that earns the full flow [0-100].",
    )
    money: bool = Field(
        True, description="Counts as a cost to the patron (recognition, say, does not)."
    )
    leadership_share: Share | None = Field(
        None,
        description="Share of each payment that reaches the leadership's side-payment budget; "
        "none = the package's side_payment_share for money instruments, none of a non-money "
        "one (set it for relief that frees revenue the leadership controls) [0-1].",
    )
    source: str = Field("", description="Where the instrument is described.")

    @model_validator(mode="after")
    def _mode_needs(self) -> Instrument:
        if self.mode == "milestone" and not self.milestones:
            raise ValueError("mode 'milestone' needs at least one milestone")
        if self.mode == "reciprocal" and not self.targets:
            raise ValueError("mode 'reciprocal' needs targets (issue -> level)")
        total = sum(m.share for m in self.milestones)
        if total > 1 + 1e-9:
            raise ValueError(f"milestone shares sum to {total:.3g}, above 1")
        return self


class Penalty(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Identifier.")
    issue: str = Field(description="Issue id whose adopted level is the condition.")
    level: Position = Field(description="Adopted level below which the penalty is in force.")
    due: Int = Field(1, ge=1, le=600, description="First month the condition is enforced [month].")
    hardship: NonNegative = Field(
        0.0, description="Rise of the hardship multiplier while in force (sanctions) [-]."
    )
    cost: NonNegative = Field(
        0.0,
        description="What the penalty costs the regime while in force: the leadership's "
        "incentive to comply [USD million per month].",
    )
    snapback: list[str] = Field(
        default_factory=list,
        description="Instrument ids whose remaining value is withdrawn when the penalty is "
        "imposed.",
    )
    source: str = Field("", description="Where the penalty is described.")


class Package(Strict):
    patron: str = Field(description="Actor id of the outside power offering the package.")
    instruments: list[Instrument] = Field(default_factory=list, description="What is offered.")
    penalties: list[Penalty] = Field(
        default_factory=list,
        description="Sticks: sanctions imposed or re-imposed, scaled by the patron's "
        "credibility, in every month from its due month that its condition is not met.",
    )
    side_payment_share: Num = Field(
        0.3,
        ge=0,
        le=1,
        description="sigma: share of each money instrument's payments that reaches the "
        "leadership's side-payment budget, for instruments that set no leadership_share [0-1].",
    )
    credibility: Num = Field(
        1.0,
        ge=0,
        le=1,
        description="How sure the regime is that an unmet condition means no money: at a "
        "tranche's due month, the share (1 - credibility) is paid whatever the reform [0-1].",
    )
    leverage: Num = Field(
        1.0,
        ge=0,
        description="gamma: rise of the patron's effective capability per V_ref of value still "
        "promised against an issue's milestones [-].",
    )
    salience_boost: Num = Field(
        0.3,
        ge=0,
        le=1,
        description="Rise of the patron's salience on conditioned issues while value is "
        "contingent [0-1].",
    )
    value_ref: Num = Field(
        1000.0, gt=0, description="V_ref, the value that scales leverage [USD million]."
    )


# --------------------------------------------------------------------------------- population
class Population(Strict):
    width: Int = Field(100, ge=3, le=4000, description="Grid width [cells].")
    height: Int = Field(100, ge=3, le=4000, description="Grid height [cells].")
    citizen_density: Num = Field(0.7, ge=0, le=1, description="Share of cells with a citizen.")
    cop_density: Num = Field(0.04, ge=0, le=1, description="Share of cells with a cop.")
    vision: Int = Field(7, ge=1, description="Radius agents see [cells].")
    legitimacy: Num = Field(0.8, ge=0, le=1, description="L0, perceived regime legitimacy [0-1].")
    max_jail: Int = Field(30, ge=0, description="Longest jail term [ticks].")
    threshold: Num = Field(0.1, ge=0, le=1, description="T, activation threshold [-].")
    k: Num = Field(2.3, ge=0, description="Arrest-probability constant k0 [-].")
    variant: Literal["paper", "netlogo", "mesa"] = Field(
        "netlogo", description="Published semantics of the civil-violence model."
    )
    model: Literal["civil_violence", "ethnic"] = Field(
        "civil_violence",
        description="Epstein's Model I (citizens against the regime) or Model II (two groups "
        "and peacekeepers: inter-group violence, the cops standing for peacekeepers).",
    )
    blue_share: Share = Field(
        0.5, description="Model II: share of the citizens in the first group [0-1]."
    )
    ticks_per_month: Int = Field(10, ge=1, le=1000, description="Model ticks per month.")
    country_population: Num = Field(
        1.0e6, gt=0, description="People the grid's citizens stand for [persons]."
    )

    @model_validator(mode="after")
    def _densities(self) -> Population:
        total = self.citizen_density + self.cop_density
        if total > 1:
            raise ValueError(
                f"citizen_density + cop_density = {total:.3g}: the densities must sum to at most 1"
            )
        if 2 * self.vision + 1 > min(self.width, self.height):
            raise ValueError(
                f"vision {self.vision} needs a grid of at least {2 * self.vision + 1} cells a side"
            )
        return self


# --------------------------------------------------------------------------------- extremists
class Extremists(Strict):
    name: str = Field(
        "extremists",
        pattern=r"^[a-z][a-z0-9_]*$",
        description="Short name of the organisation, used in output names (<name>_strength).",
    )
    actor: str | None = Field(None, description="Actor id of the extremist organisation.")
    initial_strength: Num = Field(1000.0, ge=0, description="S(0), fighters [persons].")
    recruits_per_active: Num = Field(
        0.01,
        ge=0,
        description="rho_rec: fighters per newly active citizen, scaled to the country [-].",
    )
    spoiler_recruits: Num = Field(
        20.0, ge=0, description="Fighters per unit of council weight that defects [persons]."
    )
    foreign_inflow: Num = Field(20.0, ge=0, description="Foreign fighters arriving [per month].")
    sponsor_inflow: Num = Field(
        0.0, ge=0, description="External sponsor's fighters or equivalent [per month]."
    )
    attrition: Num = Field(
        0.03, ge=0, le=1, description="mu: monthly attrition per unit CT capacity [1/month]."
    )
    natural_attrition: Num = Field(
        0.01, ge=0, le=1, description="Monthly losses without counter-terrorism [1/month]."
    )
    interdiction: Num = Field(
        0.5, ge=0, description="eta: interdiction d = 1 - exp(-eta kappa) [-]."
    )
    attack_rate: Num = Field(
        0.005, ge=0, description="alpha: attack attempts at home per fighter [1/month]."
    )
    attack_rate_abroad: Num = Field(
        0.001, ge=0, description="alpha_x: attack attempts abroad per fighter [1/month]."
    )
    interdiction_abroad: Num = Field(
        0.5, ge=0, le=1, description="d_x: share of attacks abroad stopped [0-1]."
    )
    conventional_threshold: Num = Field(
        8000.0, gt=0, description="S_conv: strength above which it is semi-conventional [persons]."
    )
    deaths_per_attack: Num = Field(3.0, ge=0, description="Deaths per attack [persons].")
    conventional_lethality: Num = Field(
        3.0, ge=1, description="Deaths multiplier of semi-conventional attacks [-]."
    )


# ------------------------------------------------------------------------------------- region
class Neighbour(Strict):
    actor: str = Field(description="Actor id of the neighbouring state.")
    scope_sensitivity: Num = Field(
        1.0, ge=0, description="a_j: threat felt from military-technical scope [per month]."
    )
    attack_sensitivity: Num = Field(
        0.2, ge=0, description="b_j: threat per attack on its soil [per attack]."
    )
    ct_reassurance: Num = Field(
        0.3, ge=0, description="c_j: threat relief from CT cooperation [per month]."
    )
    decay: Num = Field(0.2, gt=0, le=1, description="delta_j: tension decay [1/month].")
    threshold: Num = Field(3.0, ge=0, description="Tension at which it reacts [-].")
    reform_sensitivity: dict[str, Num] = Field(
        default_factory=dict,
        description="Issue id -> threat a month per 100 points of that issue's adopted level "
        "above its status quo (negative: reassured) [per month].",
    )
    reaction: Literal["none", "restrict_trade", "support_opposition", "strike_equipment"] = Field(
        "none", description="What it does above the threshold."
    )
    reaction_strength: Num = Field(
        0.05,
        ge=0,
        description="Hardship multiplier rise (trade), inflow [fighters/month] (support) or "
        "readiness destroyed a month (strike) [-].",
    )
    attack_share: Num = Field(
        0.0, ge=0, le=1, description="Share of the attacks abroad that fall on it [0-1]."
    )


class Region(Strict):
    neighbours: list[Neighbour] = Field(default_factory=list, description="Neighbouring states.")

    @model_validator(mode="after")
    def _shares(self) -> Region:
        total = sum(n.attack_share for n in self.neighbours)
        if total > 1 + 1e-9:
            raise ValueError(f"neighbours' attack_share sum to {total:.3g}, above 1")
        return self


# --------------------------------------------------------------------------------- engagement
class Mechanisms(Strict):
    """Each coupling channel of the engagement loop, on by default; off isolates the others."""

    leverage: bool = Field(
        True, description="Value still contingent raises the patron's weight in bargaining."
    )
    conditionality: bool = Field(
        True,
        description="The leadership weighs the tranches a reform unlocks (off: it ignores them).",
    )
    relief: bool = Field(True, description="Reconstruction and supplies lower hardship.")
    restrictions: bool = Field(True, description="Neighbours' trade restrictions raise hardship.")
    reform_legitimacy: bool = Field(True, description="Adopted reforms raise legitimacy.")
    services_legitimacy: bool = Field(True, description="Relieved hardship raises legitimacy.")
    spoiler_legitimacy: bool = Field(True, description="Defecting spoilers lower legitimacy.")
    spoiler_recruitment: bool = Field(True, description="Defecting spoilers join the extremists.")
    recruitment: bool = Field(
        True, description="Newly active citizens feed the extremists' recruitment."
    )
    equipment_ct: bool = Field(True, description="Equipment readiness raises CT capacity.")
    equipment_arrest: bool = Field(
        True, description="Equipment readiness raises the arrest constant of the police."
    )
    cooperation_ct: bool = Field(True, description="CT cooperation raises CT capacity.")
    sponsor: bool = Field(True, description="An external sponsor's inflow reaches the extremists.")
    opposition_support: bool = Field(
        True, description="Neighbours' support to the armed opposition adds to the inflow."
    )
    strikes: bool = Field(True, description="Neighbours' strikes destroy equipment readiness.")
    reform_threat: bool = Field(
        True, description="Neighbours' threat reads the adopted reforms (reform_sensitivity)."
    )
    penalties: bool = Field(True, description="Penalties are imposed when conditions fail.")


class Engagement(Strict):
    """Parameters of the monthly loop that couples the models (docs/design.md)."""

    bargaining_model: Literal["eum", "compromise", "median", "nash"] = Field(
        "eum", description="Model that forecasts the leadership's proposal."
    )
    bargaining_period: Int = Field(6, ge=1, description="Months between bargaining rounds.")
    bargaining_rounds: Int = Field(6, ge=1, le=100, description="EUM rounds per bargaining.")
    eum_q: Num = Field(1.0, ge=0, le=1, description="Q of the EUM [0-1].")
    ct_issue: str | None = Field(
        None,
        description="Issue id measuring CT cooperation; the council decides it like a reform.",
    )
    council_inertia: Num = Field(
        0.2, gt=0, le=1, description="Share of the gap to the adopted target closed a month."
    )
    pressure: NonNegative = Field(
        0.0,
        description="pi: what meeting the stakeholders' bargaining forecast is worth to the "
        "leadership, per point up to the forecast [USD million per month per point].",
    )
    reversal_rate: Num = Field(
        0.0,
        ge=0,
        le=1,
        description="Share of the gap between the adopted level and what the leadership still "
        "pays for that closes a month when payments stop (0: adopted reforms never slide back) "
        "[1/month].",
    )
    institutionalisation: Int = Field(
        0,
        ge=0,
        le=600,
        description="Months after which a level held throughout no longer needs paying: it "
        "becomes every faction's new status quo (0: never) [months].",
    )
    forecast_spread: Num = Field(
        5.0,
        ge=0,
        le=50,
        description="Standard deviation of the actors' positions over which the bargaining "
        "forecast is averaged, so that it is smooth in the patron's leverage [points].",
    )
    forecast_draws: Int = Field(
        16, ge=1, le=256, description="Position draws the bargaining forecast is averaged over."
    )
    assess_at: Int = Field(
        36,
        ge=1,
        le=600,
        description="Month at which reforms are assessed (reform_<issue>_<m>m, "
        "reached_<issue>_<m>m) [month].",
    )
    mechanisms: Mechanisms = Field(
        default_factory=lambda: Mechanisms(),
        description="Switches that turn one coupling channel off at a time.",
    )
    legitimacy_services: Num = Field(0.2, ge=0, description="lambda_S [-].")
    legitimacy_spoilers: Num = Field(0.1, ge=0, description="lambda_X [per unit spoiler share].")
    hardship_floor: Num = Field(0.5, ge=0, le=1, description="h_min, hardship left at most aid.")
    reconstruction_scale: Num = Field(
        500.0,
        gt=0,
        description="A_scale, felt stock that removes 63% of relievable hardship [USD million].",
    )
    reconstruction_decay: Num = Field(
        0.02, ge=0, le=1, description="delta_A, depreciation of the stock [1/month]."
    )
    reconstruction_lag: Num = Field(
        6.0, gt=0, description="tau_A, time constant before aid is felt [months]."
    )
    energy_food_weight: Num = Field(
        0.5, ge=0, description="Relief per USD of fuel and wheat relative to reconstruction [-]."
    )
    sanctions_relief_weight: Num = Field(
        1.0,
        ge=0,
        description="Relief per USD million equivalent of sanctions relief relative to "
        "reconstruction [-].",
    )
    readiness_initial: Num = Field(0.3, ge=0, le=1, description="E(0), equipment readiness.")
    readiness_baseline: Num = Field(
        0.4,
        ge=0,
        le=1,
        description="Readiness target the regime's own maintenance sustains without a package.",
    )
    readiness_per_repair: Num = Field(
        0.002, ge=0, description="Target readiness gained per USD million of repair [1/USD M]."
    )
    readiness_per_modern: Num = Field(
        0.003, ge=0, description="Target readiness per USD million of modern systems [1/USD M]."
    )
    readiness_decay: Num = Field(
        0.02, ge=0, le=1, description="Loss of readiness target without maintenance [1/month]."
    )
    readiness_rate: Num = Field(
        0.2, gt=0, le=1, description="Share of the gap to the target closed a month."
    )
    ct_capacity: Num = Field(1.0, ge=0, description="kappa_0, baseline CT capacity [-].")
    ct_equipment: Num = Field(1.0, ge=0, description="beta_E, CT gain from readiness [-].")
    ct_cooperation: Num = Field(0.5, ge=0, description="beta_C, CT gain from cooperation [-].")
    arrest_equipment: Num = Field(0.5, ge=0, description="beta_k, arrest constant gain [-].")
    success_levels: dict[str, Position] = Field(
        default_factory=dict,
        description="Issue id -> adopted level that counts as success (reached_<issue>_<m>m, "
        "m = assess_at).",
    )
    scope_repair: Num = Field(
        50.0, ge=0, le=100, description="Military-technical scope of repair [0-100]."
    )
    scope_modern: Num = Field(
        100.0, ge=0, le=100, description="Military-technical scope of modern systems [0-100]."
    )


# -------------------------------------------------------------------- experiments and policies
class Uncertainty(Strict):
    path: str = Field(description="Dotted path of the uncertain numeric field.")
    low: float = Field(description="Lower end of the range.")
    high: float = Field(description="Upper end of the range.")
    dist: Literal["uniform", "triangular", "loguniform", "integer"] = Field(
        "uniform", description="Distribution over [low, high]."
    )
    mode: float | None = Field(None, description="Triangular: the most likely value.")
    source: str = Field("", description="Why this range: the sources that disagree.")
    assumption: str = Field("", description="Why this range, when no source gives it.")

    @model_validator(mode="after")
    def _range(self) -> Uncertainty:
        if not self.high > self.low:
            raise ValueError(f"empty range: high ({self.high}) must exceed low ({self.low})")
        if self.dist == "loguniform" and self.low <= 0:
            raise ValueError("a loguniform range needs low > 0")
        if self.dist == "triangular" and (
            self.mode is None or not self.low <= self.mode <= self.high
        ):
            raise ValueError("a triangular range needs a mode within [low, high]")
        return self


class Lever(Strict):
    path: str = Field(description="Dotted path of the package design variable.")
    low: float | None = Field(None, description="Lower bound (numeric levers).")
    high: float | None = Field(None, description="Upper bound (numeric levers).")
    values: list[Any] | None = Field(None, description="Allowed values (categorical levers).")
    integer: bool = Field(False, description="Numeric lever that takes whole numbers.")
    description: str = Field("", description="What the lever means.")

    @model_validator(mode="after")
    def _kind(self) -> Lever:
        if self.values is None:
            if self.low is None or self.high is None:
                raise ValueError("a lever needs either low and high, or values")
            if not self.high > self.low:
                raise ValueError(f"empty range: high ({self.high}) must exceed low ({self.low})")
        elif len(self.values) == 0:
            raise ValueError("values must not be empty")
        return self


class Policy(Strict):
    description: str = Field("", description="What the policy is.")
    levers: dict[str, Any] = Field(
        default_factory=dict, description="Lever path -> value; unset levers keep the file's."
    )


class Outcome(Strict):
    name: str = Field(description="Name of a summary metric of a run.")
    direction: Literal["maximize", "minimize", "info"] = Field(
        "info", description="Which way is better."
    )
    description: str = Field("", description="What it measures, with its unit.")


class Target(Strict):
    name: str = Field(description="Name of the observed quantity.")
    metric: str = Field(description="Run series column it is compared with.")
    start: str = Field(pattern=r"^\d{4}-\d{2}$", description="First month of the period.")
    end: str = Field(pattern=r"^\d{4}-\d{2}$", description="Last month of the period.")
    reduce: Literal["sum", "mean", "max", "last"] = Field(
        "sum", description="How the months are combined."
    )
    low: float = Field(description="Lowest value the sources support.")
    high: float = Field(description="Highest value the sources support.")
    source: str = Field("", description="Where the figure comes from.")

    @model_validator(mode="after")
    def _range(self) -> Target:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) is below low ({self.low})")
        return self


class Calibration(Strict):
    start: str = Field(pattern=r"^\d{4}-\d{2}$", description="First month of the calibration run.")
    policy: str = Field(description="Policy simulated for calibration (usually no package).")
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="Dotted path -> value for the calibration start state."
    )
    targets: list[Target] = Field(default_factory=list, description="Observed targets.")


class Event(Strict):
    month: Int = Field(ge=1, le=600, description="Month of the run it happens in [month].")
    set: dict[str, Any] = Field(
        default_factory=dict, description="Dotted path -> value set at the start of the month."
    )
    add: dict[str, float] = Field(
        default_factory=dict, description="Dotted path -> amount added to a numeric field."
    )
    note: str = Field("", description="What happens, in words, with its source.")

    @model_validator(mode="after")
    def _something(self) -> Event:
        if not self.set and not self.add:
            raise ValueError("an event needs 'set' or 'add'")
        return self


# ----------------------------------------------------------------------------------- scenario
class Scenario(Strict):
    """A whole scenario. Build it with :func:`pactsim.load`, not directly."""

    format_version: int = Field(
        FORMAT_VERSION,
        ge=FORMAT_VERSION,
        le=FORMAT_VERSION,
        description="Version of the scenario format the file is written for; a file without it "
        "is version 1 and is migrated when loaded.",
    )
    meta: Meta
    issues: list[Issue] = Field(min_length=1)
    actors: list[Actor] = Field(min_length=1)
    factions: Council | None = None
    package: Package | None = None
    packages: list[Package] = Field(
        default_factory=list,
        description="Several patrons' packages, each with its own instruments, credibility and "
        "stake in the bargaining (addressed by patron id).",
    )
    population: Population = Field(default_factory=Population)
    extremists: Extremists = Field(default_factory=Extremists)
    region: Region = Field(default_factory=Region)
    engagement: Engagement = Field(default_factory=Engagement)
    uncertainties: list[Uncertainty] = Field(default_factory=list)
    levers: list[Lever] = Field(default_factory=list)
    policies: dict[str, Policy] = Field(default_factory=dict)
    outcomes: list[Outcome] = Field(default_factory=list)
    calibration: Calibration | None = None
    events: list[Event] = Field(
        default_factory=list, description="Dated shocks and policy changes, in any order."
    )
    report: ReportField = Field(default_factory=ReportSettings)
    claims: ClaimList = Field(default_factory=list)

    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)
    _provenance: dict[str, dict[str, str]] = PrivateAttr(default_factory=dict)
    _source_text: str = PrivateAttr("")
    _origin: str = PrivateAttr("<memory>")
    _migration_notes: list[str] = PrivateAttr(default_factory=list)

    # ---- accessors used by the models and interfaces
    @property
    def raw(self) -> dict[str, Any]:
        """The document with documented numbers reduced to their values (a deep copy)."""
        import copy

        return copy.deepcopy(self._raw)

    @property
    def provenance(self) -> dict[str, dict[str, str]]:
        """Dotted path -> {'source': ..., 'assumption': ...} for every documented number."""
        return dict(self._provenance)

    @property
    def source_text(self) -> str:
        """The scenario file's text as loaded (for provenance records)."""
        return self._source_text

    @property
    def origin(self) -> str:
        """Where the scenario came from: a path or a bundled name."""
        return self._origin

    @property
    def migration_notes(self) -> list[str]:
        """What loading changed to bring an older file to the current format (one per change)."""
        return list(self._migration_notes)

    @property
    def hash(self) -> str:
        """SHA-256 of the validated content (overrides included), stable across formatting."""
        import hashlib
        import json

        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def all_packages(self) -> list[Package]:
        """Every patron's package: ``package`` first, then ``packages``."""
        return ([self.package] if self.package else []) + list(self.packages)

    def issue(self, issue_id: str) -> Issue:
        for issue in self.issues:
            if issue.id == issue_id:
                return issue
        raise KeyError(issue_id)

    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(actor_id)

    def actor_table(self, issue_id: str) -> ActorTable:
        """Actors with a position on ``issue_id``, in file order, as arrays."""
        from pactsim.scenario.errors import ScenarioError

        if issue_id not in {i.id for i in self.issues}:
            known = ", ".join(i.id for i in self.issues)
            raise ScenarioError.single(
                self._origin, "issues", f"no issue '{issue_id}' (known: {known})"
            )
        rows = [a for a in self.actors if issue_id in a.positions]
        return ActorTable(
            issue=issue_id,
            ids=[a.id for a in rows],
            names=[a.name for a in rows],
            capability=np.array([a.capability for a in rows], dtype=float),
            position=np.array([a.positions[issue_id] for a in rows], dtype=float),
            salience=np.array([a.salience.get(issue_id, 0.0) for a in rows], dtype=float),
        )

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """A new scenario with values set by dotted path, validated like the file itself."""
        from pactsim.scenario.loader import apply_overrides

        return apply_overrides(self, overrides)

    def with_policy(self, name: str) -> Scenario:
        """A new scenario with a named policy's lever values applied."""
        from pactsim.scenario.errors import ScenarioError

        if name not in self.policies:
            known = ", ".join(self.policies) or "none"
            raise ScenarioError.single(
                self._origin, "policies", f"no policy '{name}' (known: {known})"
            )
        return (
            self.with_overrides(self.policies[name].levers) if self.policies[name].levers else self
        )
