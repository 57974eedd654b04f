"""Form assembly: stratified by stage, seeded, reproducible, options shuffled."""

from __future__ import annotations

from collections import Counter

from dsat.domain.forms import VersionedItem, assemble_form
from tests.factories import item


def _pool():
    items = []
    for level in range(1, 7):
        for n in range(4):
            items.append(VersionedItem(item("single", id=f"I{level}{n}", level=level), 1))
    items.append(VersionedItem(item("self_rating", id="SR", level=3), 1))
    items.append(VersionedItem(item("ordering", id="ORD", level=1), 1))
    return items


def test_blueprint_counts_per_stage_and_self_rating_first(fw):
    entries = assemble_form(fw, _pool(), ["4.1"], fw.blueprints.competency, seed=1)
    assert entries[0].item_id == "SR"
    stages = Counter(
        fw.stage_of_level(int(e.item_id[1])) for e in entries[1:] if e.item_id != "ORD"
    )
    ordering_stage = "foundation" if any(e.item_id == "ORD" for e in entries) else None
    if ordering_stage:
        stages[ordering_stage] += 1
    assert stages == {"foundation": 3, "intermediate": 3, "advanced": 2}


def test_same_seed_same_form_other_seed_other_form(fw):
    a = assemble_form(fw, _pool(), ["4.1"], fw.blueprints.competency, seed=42)
    b = assemble_form(fw, list(reversed(_pool())), ["4.1"], fw.blueprints.competency, seed=42)
    c = assemble_form(fw, _pool(), ["4.1"], fw.blueprints.competency, seed=43)
    assert a == b
    assert a != c


def test_items_run_easy_to_hard_and_options_are_shuffled(fw):
    entries = assemble_form(fw, _pool(), ["4.1"], fw.blueprints.competency, seed=5)
    levels = [int(e.item_id[1]) for e in entries if e.item_id.startswith("I")]
    assert levels == sorted(levels)
    orders = [e.order for e in entries if e.item_id.startswith("I")]
    assert all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert any(list(o) != [0, 1, 2, 3] for o in orders)


def test_ordering_item_never_starts_in_the_right_order(fw):
    pool = [
        VersionedItem(
            item("ordering", id="O", steps=[{"vi": "a", "en": "a"}, {"vi": "b", "en": "b"}]), 1
        )
    ]
    for seed in range(50):
        [entry] = assemble_form(fw, pool, ["4.1"], fw.blueprints.competency, seed)
        assert entry.order == (1, 0)


def test_short_stage_is_filled_from_the_rest(fw):
    pool = [VersionedItem(item("single", id=f"F{n}", level=1), 1) for n in range(10)]
    entries = assemble_form(fw, pool, ["4.1"], fw.blueprints.competency, seed=3)
    assert len(entries) == 8
    assert len({e.item_id for e in entries}) == 8


def test_no_form_of_the_shipped_bank_holds_two_enemies(fixed_fw):
    """10,000 fixed forms (400 per competence and 400 full assessments): never two items
    that give each other away, whichever of the two names the other."""
    from dsat.banks.native import load_bank
    from dsat.domain.forms import enemy_map
    from dsat.services.banks import shipped_bank_dir

    pool = [VersionedItem(it, 1) for it in load_bank([shipped_bank_dir()]).items]
    foes = enemy_map(pool)
    assert sum(len(v) for v in foes.values()) > 200  # the bank does name enemies
    scopes = [([c], fixed_fw.blueprints.competency) for c in fixed_fw.competency_ids()]
    scopes.append((fixed_fw.competency_ids(), fixed_fw.blueprints.full))
    forms = 0
    for comps, blueprint in scopes:
        for seed in range(400):
            ids = {e.item_id for e in assemble_form(fixed_fw, pool, comps, blueprint, seed)}
            assert not [(i, j) for i in ids for j in foes.get(i, ()) if j in ids], (comps, seed)
            forms += 1
    assert forms == 10_000
