"""The competency framework: areas, competencies, item levels, result bands and blueprints."""

from __future__ import annotations

from typing import Annotated

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


class Blueprint(_Model):
    """How many items a form draws per stage (for each competency in scope)."""

    per_stage: dict[Ident, Annotated[int, Field(ge=0)]]
    self_rating: Annotated[int, Field(ge=0)] = 1
    seconds_per_item: Annotated[int, Field(ge=10)] = 90


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


class Framework(_Model):
    id: Ident
    version: str = "1"
    name: LocalizedText
    stages: list[Stage] = Field(min_length=1)
    bands: list[Band] = Field(min_length=2)
    proficient_band: Ident
    self_rating_scale: list[SelfRatingStep] = Field(min_length=2)
    blueprints: Blueprints
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
