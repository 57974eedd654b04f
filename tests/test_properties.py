"""Property tests: scores stay in [0, 1] whatever the answer; any bytes given as a bank
file end in located problems (BankError), never another exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsat.banks.errors import BankError
from dsat.banks.native import load_bank
from dsat.domain.items import ITEM_TYPES
from dsat.domain.scoring import AnswerError, check_answer, score_fraction
from dsat.domain.tasks import concrete
from dsat.domain.text import parse_number
from tests.factories import item

ITEMS = [concrete(item(t), 7) for t in ITEM_TYPES]  # a task: as one candidate sees it
ANY_ANSWER = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 10)
    | st.text(max_size=20)
    | st.sampled_from(["a", "b", "c", "d", "10", "10,5"]),
    lambda inner: st.lists(inner, max_size=6),
    max_leaves=10,
)


@given(st.sampled_from(ITEMS), ANY_ANSWER)
def test_any_answer_is_refused_cleanly_or_scored_between_0_and_1(it, answer):
    try:
        value = check_answer(it, answer)
    except AnswerError:
        return
    assert 0.0 <= score_fraction(it, value) <= 1.0


@given(st.text(max_size=30))
def test_parse_number_returns_a_finite_number_or_none(text):
    value = parse_number(text)
    assert value is None or (value == value and abs(value) != float("inf"))


@pytest.fixture(scope="module")
def framework_file() -> Path:
    return Path(__file__).resolve().parents[1] / "question_banks" / "framework.yaml"


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_garbage_bank_files_give_located_problems_only(tmp_path_factory, framework_file, data):
    path = tmp_path_factory.mktemp("bank") / "garbage.yaml"
    path.write_bytes(data)
    try:
        load_bank([framework_file, path])
    except BankError as exc:
        assert exc.issues
        assert all(str(i).startswith(f"{path}:") for i in exc.issues), exc.issues
