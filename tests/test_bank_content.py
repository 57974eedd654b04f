"""The shipped bank: coverage minimums, both languages everywhere, nothing given away."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from typing import Any

import pytest
from pydantic import BaseModel

from dsat.domain.items import ITEM_TYPES
from dsat.domain.presentation import describe_key, present
from dsat.domain.tasks import concrete
from dsat.domain.text import LocalizedText
from dsat.services.banks import shipped_bank_dir, validate
from tests.factories import some_answer

STAGES = ("foundation", "intermediate", "advanced")


@pytest.fixture(scope="module")
def bank():
    return validate([shipped_bank_dir()])


def _texts(value: Any):
    """Every LocalizedText inside a model, however deep."""
    if isinstance(value, LocalizedText):
        yield value
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _texts(v)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name))


def test_coverage_minimums(bank):
    fw, items = bank.framework, bank.items
    assert len(items) >= 150
    per_area = Counter(fw.area_of(i.competency).id for i in items)
    assert set(per_area) == {a.id for a in fw.areas}
    assert min(per_area.values()) >= 24, per_area
    stages: dict[str, set[str]] = defaultdict(set)
    ratings = Counter()
    for i in items:
        if i.type == "self_rating":
            ratings[i.competency] += 1
        else:
            stages[i.competency].add(fw.stage_of_level(i.level))
    for comp in fw.competency_ids():
        assert ratings[comp] == 1, comp
        assert set(STAGES) <= stages[comp], (comp, stages[comp])
    scored_types = {i.type for i in items} - {"self_rating"}
    assert len(scored_types) >= 5
    assert {i.type for i in items} == set(ITEM_TYPES)


def test_every_text_in_both_languages_and_every_scored_item_explained(bank):
    for item in bank.items:
        texts = list(_texts(item))
        assert texts, item.id
        for t in texts:
            assert t.vi.strip() and t.en.strip(), item.id
            # codes such as "site:gov.vn" or "XLOOKUP" are the same in both; sentences are not,
            # except where an item quotes a Vietnamese document line (tagged so)
            quoted = "vietnamese-form" in item.tags
            assert t.vi != t.en or len(t.en.split()) <= 3 or quoted, (
                f"{item.id}: untranslated {t.en!r}"
            )
        if item.type != "self_rating":
            assert item.explanation is not None, item.id


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_candidate_view_gives_away_the_key_or_explanation(bank, lang):
    for bank_item in bank.items:
        item = concrete(bank_item, 1)  # a practical task: one of its variants
        shown = present(item, None, bank.framework).model_dump_json()
        if bank_item.type == "task":
            assert item.key.working.get(lang) not in shown, item.id
        if item.explanation:
            assert item.explanation.get(lang) not in shown, item.id
        if item.type == "short_answer":
            assert describe_key(item, lang) not in shown, item.id
        # (a numerical item's answer may be one of the numbers it computes from: the
        # candidate view has no field that could hold the answer, see test_service)
        if item.type == "ordering":  # shown unshuffled here on purpose: the only risk left
            assert "key" not in present(item, None, bank.framework).model_dump()


def test_the_full_assessment_covers_every_competency(service, fw):
    """The yearly assessment is adaptive: a self-rating and at least one scored item for
    every competence, however the candidate answers, and fewer items than the fixed form."""
    service.identify("CB1", "A", "U")
    state = service.start("CB1", "full", "all", "vi", seed=5)
    rules = fw.blueprints.full.adaptive  # time for the self-ratings and the longest test
    assert state.adaptive and state.remaining_seconds == 60 * (24 + 6 * rules.max_items)
    rng = random.Random(5)
    while not state.finished:
        slot = state.slots[state.current]
        choices = [c.value for c in slot.item.choices]
        answer: Any = rng.choice(choices) if choices else "x"
        if slot.item.kind == "multi":
            answer = [answer]
        elif slot.item.kind == "matching":
            answer = [0] * len(slot.item.lefts)
        elif slot.item.kind == "ordering":
            answer = choices
        elif slot.item.kind == "number":
            answer = "1"
        elif slot.item.kind == "task":
            answer = some_answer(slot.item)
        service.answer(state.attempt.id, slot.position, answer)
        state = service.state(state.attempt.id)
    ratings = Counter(s.competency_id for s in state.slots if s.item.item_type == "self_rating")
    scored = Counter(
        s.competency_id for s in state.slots if s.item.item_type != "self_rating" and not s.pretest
    )
    assert set(ratings) == set(scored) == set(fw.competency_ids())
    assert all(n == 1 for n in ratings.values())
    assert sum(scored.values()) < 72  # the fixed form: 3 scored items for each competence
