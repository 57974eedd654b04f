"""The next adaptive item is a pure function of seed, answers and pool; enemies never meet;
every competency gets its minimum; the test stops when the level is known well enough."""

from __future__ import annotations

import numpy as np

from dsat.domain.adaptive import Given, PoolItem, area_done, next_item
from dsat.domain.framework import AdaptiveRules
from dsat.domain.irt import ItemParams, normal_prior

RULES = AdaptiveRules(se_target=0.35, max_items=12, min_per_competency=2, randomesque=3,
                      pretest=0)  # fmt: skip
COMPS = {"4": ["4.1", "4.2", "4.3"]}
CUTS = {"4": -0.2}
PRIORS = {"4": normal_prior()}


def _pool(n=60, seed=1, enemies=()):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        foes = frozenset(e for pair in enemies for e in pair if i in [int(p[1:]) for p in pair]
                         and e != f"P{i}")  # fmt: skip
        out.append(
            PoolItem(f"P{i}", 1, COMPS["4"][i % 3], "4",
                     ItemParams(float(np.exp(rng.normal(0, 0.3))), float(rng.normal(0, 1))), foes)
        )  # fmt: skip
    return out


def _run(pool, seed, theta, rng, rules=RULES):
    given: list[Given] = []
    shown = []
    while True:
        pick = next_item(seed=seed, pool=pool, given=given, areas=["4"], competencies=COMPS,
                         rules=rules, cuts=CUTS, priors=PRIORS)  # fmt: skip
        if pick is None:
            return shown, given
        p = pick.item.params
        right = rng.random() < 1 / (1 + np.exp(-p.a * (theta - p.b)))
        given.append(Given(pick.item.item_id, int(right)))
        shown.append(pick.item)


def test_the_next_item_depends_only_on_seed_answers_and_pool():
    pool = _pool()
    a = _run(pool, 42, 0.3, np.random.default_rng(0))
    b = _run(list(pool), 42, 0.3, np.random.default_rng(0))
    assert [i.item_id for i in a[0]] == [i.item_id for i in b[0]]
    # resuming half way gives the same next item as the uninterrupted run
    half = a[1][:5]
    again = next_item(seed=42, pool=pool, given=half, areas=["4"], competencies=COMPS,
                      rules=RULES, cuts=CUTS, priors=PRIORS)  # fmt: skip
    assert again.item.item_id == a[0][5].item_id
    other = _run(pool, 43, 0.3, np.random.default_rng(0))
    assert [i.item_id for i in other[0]] != [i.item_id for i in a[0]]  # randomesque


def test_enemies_never_meet_and_minimums_come_first():
    pool = _pool(enemies=[("P0", "P3"), ("P1", "P4"), ("P2", "P5")])
    for seed in range(40):
        shown, _ = _run(pool, seed, 0.0, np.random.default_rng(seed))
        ids = {i.item_id for i in shown}
        assert not ({"P0", "P3"} <= ids or {"P1", "P4"} <= ids or {"P2", "P5"} <= ids)
        first = [i.competency_id for i in shown[:6]]
        assert all(first.count(c) == 2 for c in COMPS["4"])  # each competency's minimum


def test_a_test_stops_when_the_level_is_known_well_enough():
    pool = _pool(120)
    lengths = []
    for seed in range(30):
        theta = [-2.5, 0.0, 2.5][seed % 3]
        shown, given = _run(pool, seed, theta, np.random.default_rng(seed))
        items = shown
        assert len(items) <= RULES.max_items
        assert area_done(items, [g.category for g in given], COMPS["4"], RULES, CUTS["4"],
                         PRIORS["4"])  # fmt: skip
        lengths.append((theta, len(items)))
    far = [n for t, n in lengths if abs(t) > 2]
    near = [n for t, n in lengths if t == 0.0]
    assert np.mean(far) < np.mean(near)  # people far from the cut are classified sooner


def test_the_classification_stop_is_a_rule_that_shortens_tests_far_from_the_cut():
    # SE target out of reach and no minimum: only `clear` and the length stop an area
    pool = _pool(120)
    strict = RULES.model_copy(update={"se_target": 0.06, "min_per_competency": 0, "clear": 0.0})
    loose = strict.model_copy(update={"clear": 0.10})
    for seed in range(12):
        theta = [-2.5, 2.5][seed % 2]
        never, _ = _run(pool, seed, theta, np.random.default_rng(seed), rules=strict)
        soon, given = _run(pool, seed, theta, np.random.default_rng(seed), rules=loose)
        assert len(never) == strict.max_items  # clear 0: nothing but the length stops it
        assert len(soon) < len(never)
        # it stopped because P(proficient) left [0.10, 0.90], and not before
        assert area_done(soon, [g.category for g in given], COMPS["4"], loose, CUTS["4"],
                         PRIORS["4"])  # fmt: skip
        assert not area_done(soon[:-1], [g.category for g in given[:-1]], COMPS["4"], loose,
                             CUTS["4"], PRIORS["4"])  # fmt: skip
