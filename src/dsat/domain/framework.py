"""The competency framework: areas, competencies, item levels, result bands and blueprints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from dsat.domain.text import LocalizedText

Ident = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Competency(_Model):
    id: Ident
    name: LocalizedText
    description: LocalizedText


class Area(_Model):
    id: Ident
    name: LocalizedText
    description: LocalizedText
    competencies: list[Competency] = Field(min_length=1)


class Stage(_Model):
    """A group of item levels, e.g. Foundation = levels 1-2."""

    id: Ident
    name: LocalizedText
    levels: list[Annotated[int, Field(ge=1, le=8)]] = Field(min_length=1)


class Band(_Model):
    """A result band: a percentage from `min_percent` up to the next band's start."""

    id: Ident
    name: LocalizedText
    min_percent: float = Field(ge=0, le=100)
    feedback: LocalizedText


class SelfRatingStep(_Model):
    """One step of the self-rating scale and the band it corresponds to."""

    label: LocalizedText
    band: Ident


class AdaptiveRules(_Model):
    """How an adaptive test chooses items and when it stops (docs/levels.md)."""

    se_target: Annotated[float, Field(gt=0.05, le=2)] = 0.4  # per area in the full assessment
    max_items: Annotated[int, Field(ge=1, le=500)] = 30  # per area
    min_per_competency: Annotated[int, Field(ge=0, le=20)] = 2
    randomesque: Annotated[int, Field(ge=1, le=20)] = 5  # a random pick among the best k
    exposure_cap: Annotated[float, Field(gt=0, le=1)] = 0.35  # share of tests an item may be in
    pretest: Annotated[int, Field(ge=0, le=2)] = 2  # new items shown unscored, per test
    avoid_seen_days: Annotated[int, Field(ge=0, le=3650)] = 365
    # an area also stops, once its competencies have their minimum, when the level is clear:
    # P(proficient) below this or above 1 - this (0: never)
    clear: Annotated[float, Field(ge=0, lt=0.5)] = 0.05


class Blueprint(_Model):
    """How a test of one scope is built: a fixed form drawing items per stage (for each
    competency in scope), or an adaptive test; and what its result screen shows."""

    per_stage: dict[Ident, Annotated[int, Field(ge=0)]]
    self_rating: Annotated[int, Field(ge=0)] = 1
    seconds_per_item: Annotated[int, Field(ge=10)] = 90
    mode: Literal["fixed", "adaptive"] = "fixed"
    adaptive: AdaptiveRules = AdaptiveRules()
    # practice: right answers and explanations after the test; assessment: level, precision
    # and what to study, no keys of the items seen
    feedback: Literal["practice", "assessment"] = "practice"
    # a retake of the same scope within this many hours is refused (None: 24 h in assessment
    # mode, none in practice mode)
    retake_cooldown_hours: Annotated[float, Field(ge=0, le=8760)] | None = None

    def cooldown_hours(self, feedback: str | None = None) -> float:
        """Hours before the same scope may be taken again, for a test given with `feedback`
        (the blueprint's own when None; a sitting may give another): the blueprint's
        `retake_cooldown_hours` when set, else 24 h in assessment mode and none in practice."""
        if self.retake_cooldown_hours is not None:
            return self.retake_cooldown_hours
        return 24.0 if (feedback or self.feedback) == "assessment" else 0.0


class Blueprints(_Model):
    competency: Blueprint
    area: Blueprint
    full: Blueprint


class CrosswalkTarget(_Model):
    """A unit of another framework (a DigComp 2.2 competence, an IT-skill module, ...)."""

    id: Ident
    name: LocalizedText


class Crosswalk(_Model):
    """How this framework's competencies map onto another framework's units.

    Every competency must be listed; an empty list says it has no counterpart there.
    """

    id: Ident
    name: LocalizedText
    source: str
    targets: list[CrosswalkTarget] = Field(min_length=1)
    map: dict[str, list[Ident]]


# the version of the rules that turn an item and the scale into its prior parameters
# (`irt.steps_of`, `irt.prior_params`): a database whose priors were made by other rules
# gets new prior rows at its next bank import, even of unchanged files
PRIOR_RULES = "2"


class Scale(_Model):
    """The IRT scale of every area: where item levels sit before calibration, and where a
    person's level starts (docs/levels.md). Each area may override the cuts."""

    # prior difficulty of an item of each declared level 1-8 (logit scale, N(0,1) people)
    level_difficulty: list[float] = Field(
        default=[-2.1, -1.5, -0.9, -0.3, 0.3, 0.9, 1.5, 2.1], min_length=8, max_length=8
    )
    prior_discrimination: Annotated[float, Field(gt=0.1, le=4)] = 1.0
    # a person is at level L when they answer level-L items right with this probability
    response_probability: Annotated[float, Field(gt=0.5, lt=0.95)] = 0.67
    # explicit cuts per area (8 values: where levels 1..8 start); derived when absent
    area_cuts: dict[Ident, list[float]] = Field(default_factory=dict)
    # above this standard error a level is "not enough evidence yet"
    max_se: Annotated[float, Field(gt=0, le=5)] = 0.75


class Framework(_Model):
    id: Ident
    version: str = "1"
    name: LocalizedText
    stages: list[Stage] = Field(min_length=1)
    bands: list[Band] = Field(min_length=2)
    proficient_band: Ident
    self_rating_scale: list[SelfRatingStep] = Field(min_length=2)
    blueprints: Blueprints
    scale: Scale = Scale()
    areas: list[Area] = Field(min_length=1)
    crosswalks: list[Crosswalk] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Framework:
        band_ids = [b.id for b in self.bands]
        if self.bands[0].min_percent != 0:
            raise ValueError("bands: the first band must start at min_percent 0")
        starts = [b.min_percent for b in self.bands]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise ValueError("bands: min_percent must strictly increase")
        if self.proficient_band not in band_ids:
            raise ValueError(f"proficient_band: {self.proficient_band!r} is not a band id")
        for step in self.self_rating_scale:
            if step.band not in band_ids:
                raise ValueError(f"self_rating_scale: band {step.band!r} is not a band id")
        stage_ids = {s.id for s in self.stages}
        for kind in ("competency", "area", "full"):
            for sid in getattr(self.blueprints, kind).per_stage:
                if sid not in stage_ids:
                    raise ValueError(f"blueprints.{kind}: {sid!r} is not a stage id")
        levels = [lv for s in self.stages for lv in s.levels]
        if len(levels) != len(set(levels)):
            raise ValueError("stages: a level belongs to more than one stage")
        ids = [a.id for a in self.areas] + [c.id for a in self.areas for c in a.competencies]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"areas: duplicate ids {', '.join(dupes)}")
        self._check_crosswalks()
        for area_id, cuts in self.scale.area_cuts.items():
            if self.area(area_id) is None:
                raise ValueError(f"scale.area_cuts: {area_id!r} is not an area id")
            if len(cuts) != 8 or cuts != sorted(cuts) or len(set(cuts)) != 8:
                raise ValueError(f"scale.area_cuts.{area_id}: 8 strictly increasing values")
        return self

    def _check_crosswalks(self) -> None:
        comps = self.competency_ids()
        for n, cw in enumerate(self.crosswalks):
            where = f"crosswalks.{n}.map"
            targets = {t.id for t in cw.targets}
            unknown = sorted(set(cw.map) - set(comps))
            if unknown:
                raise ValueError(f"{where}: unknown competencies {', '.join(unknown)}")
            missing = [c for c in comps if c not in cw.map]
            if missing:
                raise ValueError(
                    f"{where}: {cw.id} leaves out {', '.join(missing)} (use [] for none)"
                )
            for comp, units in cw.map.items():
                bad = sorted(set(units) - targets)
                if bad:
                    raise ValueError(f"{where}: {comp} maps to unknown units {', '.join(bad)}")

    def crosswalk(self, crosswalk_id: str) -> Crosswalk | None:
        return next((c for c in self.crosswalks if c.id == crosswalk_id), None)

    # --- look-ups -------------------------------------------------------------------------
    def competency(self, competency_id: str) -> Competency | None:
        for area in self.areas:
            for comp in area.competencies:
                if comp.id == competency_id:
                    return comp
        return None

    def area_of(self, competency_id: str) -> Area | None:
        for area in self.areas:
            if any(c.id == competency_id for c in area.competencies):
                return area
        return None

    def area(self, area_id: str) -> Area | None:
        return next((a for a in self.areas if a.id == area_id), None)

    def competency_ids(self) -> list[str]:
        return [c.id for a in self.areas for c in a.competencies]

    def stage_of_level(self, level: int) -> str | None:
        return next((s.id for s in self.stages if level in s.levels), None)

    def band(self, band_id: str) -> Band:
        return next(b for b in self.bands if b.id == band_id)

    def band_index(self, band_id: str) -> int:
        return [b.id for b in self.bands].index(band_id)
