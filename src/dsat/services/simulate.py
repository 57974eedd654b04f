"""A synthetic workforce that sits the real bank, for demonstrations and benchmarks.

People get a province (of the 34 since 1 July 2025), a unit in a ministry or provincial
tree, a position, and a true ability on each area's scale that varies by unit and position
and grows a little each year. Each year a share of them (varying by unit) sits the full
assessment, fixed or adaptive as its blueprint says: forms are drawn by the real
assembler or the real adaptive selection, answers follow the item response model with the
bank's parameters, and everything is scored by the real scoring path. The true abilities
are stored (marked simulated) so reports can be compared with the truth; everything
written is marked simulated: the people, the attempts and the database.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from dsat.domain.adaptive import Given, PoolItem, next_item
from dsat.domain.attempts import Attempt, Mode
from dsat.domain.forms import VersionedItem, assemble_form, entry_for, time_limit_seconds
from dsat.domain.framework import Framework
from dsat.domain.irt import ItemParams, normal_prior, prior_params, probabilities
from dsat.domain.items import Item
from dsat.domain.measure import proficient_cut
from dsat.domain.places import DEPARTMENTS, MINISTRIES, MINISTRY_PARTS, OFFICES, PROVINCES
from dsat.domain.results import Answered, score_attempt
from dsat.domain.tasks import concrete
from dsat.services.adaptive import params_of
from dsat.services.assessment import FULL_SCOPE
from dsat.services.errors import ServiceError
from dsat.store import Store
from dsat.store.base import now_iso
from dsat.store.results import Finished

POSITIONS = (("Cán sự", -0.3), ("Chuyên viên", 0.0), ("Chuyên viên chính", 0.3),
             ("Chuyên viên cao cấp", 0.5), ("Lãnh đạo phòng", 0.2))  # fmt: skip
SIM_PREFIX = "SIM"
GROWTH_PER_YEAR = 0.25  # training helps


@dataclass
class Simulated:
    people: int
    attempts: int
    results: int


def _unit_tree(rng: random.Random, province: str) -> str:
    if province == "Hà Nội" and rng.random() < 0.5:
        return f"{rng.choice(MINISTRIES)}/{rng.choice(MINISTRY_PARTS)}/{rng.choice(OFFICES)}"
    return f"UBND {province}/{rng.choice(DEPARTMENTS)}/{rng.choice(OFFICES)}"


def answer_for(item: Item, cat: int, steps: int, rng: random.Random, scale: int) -> Any:
    """An answer of the item's own shape earning category `cat` of `steps` (or as close)."""
    share = cat / steps
    match item.type:
        case "single":
            wrong = [o.id for o in item.options if o.id != item.key]
            return item.key if cat else rng.choice(wrong)
        case "multiple":
            right = list(item.key)
            k = round(share * len(right))
            picked = rng.sample(right, k) if k < len(right) else right
            if not picked:
                others = [o.id for o in item.options if o.id not in item.key]
                return [rng.choice(others)] if others else []
            return picked
        case "true_false":
            return item.key if cat else not item.key
        case "short_answer":
            if cat == steps:
                return item.answers[0]
            partial = sorted(item.partial, key=lambda p: p.fraction)
            return partial[0].text if cat and partial else "không rõ"
        case "numerical":
            return f"{item.answer:g}" if cat else f"{item.answer + item.tolerance + 1:g}"
        case "matching":
            n = len(item.pairs)
            rights = [item.right_index(i) for i in range(n)]
            k = round(share * n)
            answer: list[int | None] = list(rights)
            misplaced = rng.sample(range(n), n - k)
            for i in misplaced:
                other_rights = [j for j in range(len(item.rights())) if j != rights[i]]
                answer[i] = rng.choice(other_rights) if other_rights else None
            return answer
        case "ordering":
            n = len(item.steps)
            order = list(range(n))
            if cat < steps:
                swaps = max(1, round((1 - share) * n / 2))
                for _ in range(swaps):
                    i = rng.randrange(n - 1)
                    order[i], order[i + 1] = order[i + 1], order[i]
                if order == list(range(n)):
                    order[0], order[1] = order[1], order[0]
            return order
        case "self_rating":
            return max(0, min(scale - 1, round(1.5 + (cat - 0.5) * 2 + rng.gauss(0, 0.7))))
        case "task":
            return _task_answer(item, share, rng)
    return None


def _task_answer(task: Any, share: float, rng: random.Random) -> Any:
    """An answer to one generated task earning about `share` of its credit."""
    view, key = task.view, task.key
    match view.answer_kind:
        case "number":
            return f"{key.number:g}" if share >= 1 else f"{key.number + key.tolerance + 1:g}"
        case "text":
            return key.texts[0] if share >= 1 else "không rõ"
        case "marks":
            n = len(key.marks)
            right = set(rng.sample(range(n), round(share * n)))
            return [
                mark if i in right else ("safe" if mark != "safe" else "phishing")
                for i, mark in enumerate(key.marks)
            ]
        case "pick":
            genuine = list(key.picks)
            fakes = [site.id for site in view.sites if site.id not in genuine]
            if share >= 1:
                return genuine
            return [rng.choice(fakes)] if share == 0 else [genuine[0], rng.choice(fakes)]
    return None


def _respond(params: ItemParams, theta: float, rng: random.Random) -> int:
    """A score category drawn from the model at θ."""
    probs = probabilities(params, [theta])[0]  # type: ignore[arg-type]
    u, acc = rng.random(), 0.0
    for k, p in enumerate(probs):
        acc += float(p)
        if u < acc:
            return k
    return len(probs) - 1


def simulate(
    store: Store,
    fw: Framework,
    *,
    candidates: int,
    seed: int,
    years: tuple[int, ...] = (2025, 2026),
    mode: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Simulated:
    """Create `candidates` simulated people and their yearly full assessments."""
    prefix = f"{SIM_PREFIX}{seed}-"
    if store.staff.find(f"{prefix}{0:07d}") is not None:
        raise ServiceError("error.simulated_exists", seed=seed)
    rng = random.Random(seed)
    counts = store.items.counts()
    comps = [c for c in fw.competency_ids() if counts.get(c)]
    pool = store.items.active(comps)
    blueprint = fw.blueprints.full
    mode = mode or blueprint.mode
    upto = store.measurement.head()
    current = store.measurement.current([(v.item.id, v.version) for v in pool], upto)
    params = {k: params_of(row) for k, row in current.items()}
    calibrated = {k for k, row in current.items() if row.source == "calibrated"}
    area_of = {c.id: a.id for a in fw.areas for c in a.competencies}
    areas = list(dict.fromkeys(area_of[c] for c in comps))
    scale = len(fw.self_rating_scale)
    unit_effect: dict[str, float] = {}
    unit_turnout: dict[str, float] = {}
    people: list[dict[str, Any]] = []
    for n in range(candidates):
        province = rng.choice(PROVINCES)
        unit = _unit_tree(rng, province)
        top = unit.split("/")[0]
        unit_effect.setdefault(top, rng.gauss(0, 0.5))
        unit_turnout.setdefault(unit, rng.uniform(0.55, 0.98))
        position, bonus = rng.choice(POSITIONS)
        general = unit_effect[top] + bonus + rng.gauss(0.0, 0.8)
        people.append(
            {
                "employee_id": f"{prefix}{n:07d}",
                "full_name": f"Người mô phỏng {n}",
                "unit_path": unit,
                "province": province,
                "position": position,
                "active": True,
                "theta": {a: general + rng.gauss(0, 0.5) for a in areas},
            }
        )
    now = now_iso(datetime.now(UTC))
    with store.unit_of_work():
        store.staff.upsert(
            [{k: v for k, v in p.items() if k != "theta"} for p in people], now, True
        )
        store.set_meta("simulated", f"{candidates} people, seed {seed}")
    attempts = results = 0
    batch: list[
        tuple[Attempt, list[Any], list[Any], list[Any], Any, list[tuple[str, str, str, float]]]
    ] = []
    adaptive_pool = [
        PoolItem(v.item.id, v.version, v.item.competency, area_of[v.item.competency],
                 params.get((v.item.id, v.version), prior_params(v.item, fw.scale)),
                 frozenset(v.item.enemies))
        for v in pool if v.item.scored
    ]  # fmt: skip
    by_key = {(v.item.id, v.version): v for v in pool}
    populations = store.measurement.populations(upto)
    priors = {a: normal_prior(*populations.get(a, (0.0, 1.0))) for a in areas}
    cuts = {a: proficient_cut(fw, a) for a in areas}
    by_area = {a: [c for c in comps if area_of[c] == a] for a in areas}
    for done, person in enumerate(people, 1):
        for year in years:
            if rng.random() > unit_turnout[person["unit_path"]]:
                continue
            thetas = {
                a: t + GROWTH_PER_YEAR * (year - years[0]) for a, t in person["theta"].items()
            }
            form_seed = rng.randrange(2**31)
            form_rng = random.Random(form_seed)
            if mode == "adaptive":
                ratings = [v for v in pool if not v.item.scored]
                entries = [entry_for(v, v.item.competency, form_rng) for v in ratings]
                chosen: list[VersionedItem] = []
                given: list[Given] = []
                while True:
                    pick = next_item(
                        seed=form_seed, pool=adaptive_pool, given=given, areas=areas,
                        competencies=by_area, rules=blueprint.adaptive, cuts=cuts, priors=priors,
                    )  # fmt: skip
                    if pick is None:
                        break
                    vi = by_key[(pick.item.item_id, pick.item.version)]
                    category = _respond(pick.item.params, thetas[pick.area_id], rng)
                    given.append(Given(vi.item.id, category))
                    chosen.append(vi)
                entries += [entry_for(v, v.item.competency, form_rng) for v in chosen]
                cats: list[int | None] = [None] * len(ratings)
                cats += [g.category for g in given]
            else:
                entries = assemble_form(fw, pool, comps, blueprint, form_seed)
                cats = []
                for e in entries:
                    item = by_key[(e.item_id, e.version)].item
                    p = params.get((e.item_id, e.version), prior_params(item, fw.scale))
                    cats.append(
                        _respond(p, thetas[area_of[e.competency_id]], rng) if item.scored else None
                    )
            answers, rows = [], []
            for pos, (e, cat) in enumerate(zip(entries, cats, strict=True)):
                item = concrete(by_key[(e.item_id, e.version)].item, e.variant)
                used = params.get((e.item_id, e.version), prior_params(item, fw.scale))
                steps = len(used.steps) if used.steps else 1  # the categories of its model
                if cat is None:  # a self-rating, in line with the person's ability
                    cat = 1 if thetas[area_of[e.competency_id]] > 0 else 0
                    steps = 1
                answer = answer_for(item, cat, steps, rng, scale)
                answers.append(answer)
                fitted = params.get((e.item_id, e.version))
                key = (e.item_id, e.version)
                rows.append(
                    Answered(pos, e.competency_id, item, answer, False, fitted, key in calibrated)
                )
            scored = score_attempt(fw, rows, whole_areas=areas, populations=populations)
            started = datetime(year, 1, 1, tzinfo=UTC) + timedelta(
                days=rng.randrange(360), hours=rng.randrange(1, 10)
            )
            seconds = time_limit_seconds(blueprint, len(entries))
            submitted = started + timedelta(seconds=rng.randrange(seconds // 3, seconds))
            attempt = Attempt(
                id=str(uuid.UUID(int=rng.getrandbits(128))), employee_id=person["employee_id"],
                scope_kind="full", scope_id=FULL_SCOPE, form_seed=form_seed, lang="vi",
                started_at=started, deadline=started + timedelta(seconds=seconds),
                submitted_at=submitted, status="submitted",
                mode=cast(Mode, mode),  # the blueprint's, or --mode (fixed or adaptive)
                feedback=blueprint.feedback, origin="simulated",
            )  # fmt: skip
            truth = [(person["employee_id"], a, str(year), round(t, 4)) for a, t in thetas.items()]
            batch.append((attempt, entries, answers, scored.scores, scored, truth))
            attempts += 1
            results += len(scored.results)
        if len(batch) >= 200 or done == len(people):
            _write(store, fw, batch, upto)
            batch = []
            if progress:
                progress(done, len(people))
    return Simulated(len(people), attempts, results)


def _write(store: Store, fw: Framework, batch: list[Any], upto: int) -> None:
    with store.unit_of_work():
        for attempt, entries, answers, scores, _, _ in batch:
            cand = store.staff.get(attempt.employee_id)
            if cand is not None:
                from dsat.domain.attempts import Candidate

                store.candidates.upsert(
                    Candidate(employee_id=cand.employee_id, full_name=cand.full_name,
                              unit=cand.unit_path),
                    now_iso(attempt.started_at),
                )  # fmt: skip
            store.attempts.create_finished(attempt, fw.id, entries, answers, scores, upto)
        store.results.record(
            [
                Finished(a.id, a.employee_id, a.submitted_at, s.results, s.areas)
                for a, _, _, _, s, _ in batch
            ]
        )
        store.measurement.add_truth(t for *_, truth in batch for t in truth)
