"""A synthetic workforce that sits the real bank, for demonstrations and benchmarks.

People get a province (of the 63), a unit in a ministry or provincial tree, a position and
an ability that varies by unit. Each year, a share of them (varying by unit) sits the full
assessment: forms are assembled from the real bank, answers are made right or wrong by a
logistic model of ability against item level, and everything is scored by the real scoring
path. Everything written is marked as simulated: the people, the attempts and the database.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from dsat.domain.forms import assemble_form, time_limit_seconds
from dsat.domain.framework import Framework
from dsat.domain.levels import ScoredResponse, competency_results
from dsat.domain.scoring import is_answered, score_fraction
from dsat.services.assessment import FULL_SCOPE
from dsat.store import catalogue, chain
from dsat.store import staff as staff_store
from dsat.store.db import local_iso, now_iso, transaction

PROVINCES = (
    "Hà Nội", "TP. Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "An Giang",
    "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre",
    "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk",
    "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam",
    "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang",
    "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định",
    "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam",
    "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình",
    "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang",
    "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)  # fmt: skip
DEPARTMENTS = ("Sở Nội vụ", "Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo",
               "Sở Khoa học và Công nghệ", "Văn phòng UBND")  # fmt: skip
MINISTRIES = ("Bộ Nội vụ", "Bộ Tài chính", "Bộ Y tế", "Bộ Khoa học và Công nghệ")
MINISTRY_PARTS = (
    "Vụ Tổ chức cán bộ",
    "Văn phòng Bộ",
    "Vụ Kế hoạch - Tài chính",
    "Cục Chuyển đổi số",
)
OFFICES = ("Phòng Tổng hợp", "Phòng Nghiệp vụ", "Phòng Hành chính")
POSITIONS = (("Cán sự", -0.3), ("Chuyên viên", 0.0), ("Chuyên viên chính", 0.3),
             ("Chuyên viên cao cấp", 0.5), ("Lãnh đạo phòng", 0.2))  # fmt: skip
SIM_PREFIX = "SIM"


@dataclass
class Simulated:
    people: int
    attempts: int
    results: int


def _unit_tree(rng: random.Random, province: str) -> str:
    if province == "Hà Nội" and rng.random() < 0.5:
        return f"{rng.choice(MINISTRIES)}/{rng.choice(MINISTRY_PARTS)}/{rng.choice(OFFICES)}"
    return f"UBND {province}/{rng.choice(DEPARTMENTS)}/{rng.choice(OFFICES)}"


def _answer(item: Any, right: bool, rng: random.Random, theta: float, scale: int) -> Any:
    """An answer of the item's own shape, right or wrong."""
    match item.type:
        case "single":
            wrong = [o.id for o in item.options if o.id != item.key]
            return item.key if right else rng.choice(wrong)
        case "multiple":
            if right:
                return list(item.key)
            others = [o.id for o in item.options if o.id not in item.key]
            picked = list(item.key[:-1]) + ([rng.choice(others)] if others else [])
            return picked or [item.options[0].id]
        case "true_false":
            return item.key if right else not item.key
        case "short_answer":
            return item.answers[0] if right else "không rõ"
        case "numerical":
            return f"{item.answer:g}" if right else f"{item.answer + item.tolerance + 1:g}"
        case "matching":
            rights = [item.right_index(i) for i in range(len(item.pairs))]
            if right:
                return rights
            wrong = rights[:]
            rng.shuffle(wrong)
            return wrong if wrong != rights else rights[::-1]
        case "ordering":
            order = list(range(len(item.steps)))
            if not right:
                i = rng.randrange(len(order) - 1)
                order[i], order[i + 1] = order[i + 1], order[i]
            return order
        case "self_rating":
            return max(0, min(scale - 1, round(1.5 + theta + rng.gauss(0, 0.7))))
    return None


def simulate(
    db: sqlite_utils.Database,
    fw: Framework,
    *,
    candidates: int,
    seed: int,
    years: tuple[int, ...] = (2025, 2026),
    progress: Callable[[int, int], None] | None = None,
) -> Simulated:
    """Create `candidates` simulated people and their yearly full assessments."""
    rng = random.Random(seed)
    comps = [c for c in fw.competency_ids() if catalogue.item_counts(db).get(c)]
    pool = catalogue.active_items(db, comps)
    blueprint = fw.blueprints.full
    scale = len(fw.self_rating_scale)
    unit_effect: dict[str, float] = {}
    unit_turnout: dict[str, float] = {}
    comp_difficulty = {c: rng.gauss(0, 0.35) for c in comps}
    now = now_iso(datetime.now(UTC))
    people = []
    for n in range(candidates):
        province = rng.choice(PROVINCES)
        unit = _unit_tree(rng, province)
        top = unit.split("/")[0]
        unit_effect.setdefault(top, rng.gauss(0, 0.6))
        unit_turnout.setdefault(unit, rng.uniform(0.55, 0.98))
        position, bonus = rng.choice(POSITIONS)
        people.append(
            {
                "employee_id": f"{SIM_PREFIX}{seed}-{n:07d}",
                "full_name": f"Người mô phỏng {n}",
                "unit_path": unit,
                "province": province,
                "position": position,
                "active": True,
                "theta": unit_effect[top] + bonus + rng.gauss(0.3, 0.9),
            }
        )
    attempts = results = 0
    with transaction(db):
        staff_store.upsert_staff(
            db, [{k: v for k, v in p.items() if k != "theta"} for p in people], now, True
        )
        db.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('simulated', ?)",
            [f"{candidates} people, seed {seed}"],
        )
    batch: list[tuple[dict[str, Any], list[tuple[Any, ...]], list[dict[str, Any]]]] = []
    for done, person in enumerate(people, 1):
        theta = person["theta"]
        for year in years:
            if rng.random() > unit_turnout[person["unit_path"]]:
                continue
            theta_year = theta + 0.25 * (year - years[0])  # training helps
            form = assemble_form(fw, pool, comps, blueprint, rng.randrange(2**31))
            started = datetime(year, 1, 1, tzinfo=UTC) + timedelta(
                days=rng.randrange(360), hours=rng.randrange(1, 10)
            )
            attempt_id = str(uuid.UUID(int=rng.getrandbits(128)))
            responses, scored = [], []
            for pos, entry in enumerate(form):
                item = _item(db, entry.item_id, entry.version)
                b = (item.level - 3.5) * 0.6 + comp_difficulty[entry.competency_id]
                right = rng.random() < 1 / (1 + math.exp(-(theta_year - b)))
                answer = _answer(item, right, rng, theta_year, scale)
                fraction = score_fraction(item, answer)
                weight = item.weight if item.scored else 0.0
                responses.append(
                    (attempt_id, pos, entry.item_id, entry.version, entry.competency_id,
                     answer, round(fraction * weight, 6), weight)
                )  # fmt: skip
                rating = answer if item.type == "self_rating" else None
                scored.append(
                    ScoredResponse(entry.competency_id, item.scored, item.weight, fraction,
                                   is_answered(answer), rating)
                )  # fmt: skip
            comp_results = competency_results(fw, scored, comps)
            seconds = time_limit_seconds(blueprint, len(form))
            attempt = {
                "id": attempt_id,
                "employee_id": person["employee_id"],
                "start": started,
                "deadline": started + timedelta(seconds=seconds),
                "submitted": started + timedelta(seconds=rng.randrange(seconds // 3, seconds)),
            }
            batch.append((attempt, responses, comp_results))
            attempts += 1
            results += len(comp_results)
        if len(batch) >= 200 or done == len(people):
            _write(db, fw, batch)
            batch = []
            if progress:
                progress(done, len(people))
    return Simulated(len(people), attempts, results)


_ITEMS: dict[tuple[str, int], Any] = {}


def _item(db: sqlite_utils.Database, item_id: str, version: int) -> Any:
    key = (item_id, version)
    if key not in _ITEMS:
        _ITEMS[key] = catalogue.item_version(db, item_id, version)
    return _ITEMS[key]


def _write(db: sqlite_utils.Database, fw: Framework, batch: list[Any]) -> None:
    import json

    ids = [(a["employee_id"],) for a, _, _ in batch]
    with transaction(db):
        db.conn.executemany(
            "INSERT OR IGNORE INTO units (name) SELECT unit_path FROM staff WHERE employee_id = ?",
            ids,
        )
        db.conn.executemany(
            """INSERT INTO candidates (employee_id, full_name, unit_id, created_at, updated_at)
               SELECT s.employee_id, s.full_name, u.id, s.updated_at, s.updated_at
               FROM staff s JOIN units u ON u.name = s.unit_path WHERE s.employee_id = ?
               ON CONFLICT (employee_id) DO NOTHING""",
            ids,
        )
        db.conn.executemany(
            """INSERT INTO attempts (id, employee_id, framework_id, scope_kind, scope_id,
                 form_seed, lang, started_at, deadline, submitted_at, status, position, origin)
               VALUES (?, ?, ?, 'full', ?, 0, 'vi', ?, ?, ?, 'submitted', 0, 'simulated')""",
            [
                (
                    a["id"],
                    a["employee_id"],
                    fw.id,
                    FULL_SCOPE,
                    now_iso(a["start"]),
                    now_iso(a["deadline"]),
                    now_iso(a["submitted"]),
                )
                for a, _, _ in batch
            ],
        )
        db.conn.executemany(
            """INSERT INTO responses (attempt_id, position, item_id, item_version,
                 competency_id, answer, answered_at, flagged, score, max_score)
               VALUES (?, ?, ?, ?, ?, ?, NULL, 0, ?, ?)""",
            [
                (r[0], r[1], r[2], r[3], r[4], json.dumps(r[5], ensure_ascii=False), r[6], r[7])
                for _, rows, _ in batch
                for r in rows
            ],
        )
        db.conn.executemany(
            """INSERT INTO results (attempt_id, competency_id, raw, max, percent, band,
                 proficient, self_band, employee_id, submitted_local)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    a["id"],
                    r.competency_id,
                    r.raw,
                    r.max,
                    r.percent,
                    r.band,
                    int(r.proficient),
                    r.self_band,
                    a["employee_id"],
                    local_iso(a["submitted"]),
                )
                for a, _, res in batch
                for r in res
            ],
        )
        chain.append(db, [a["id"] for a, _, _ in batch])
