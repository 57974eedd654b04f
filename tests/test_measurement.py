"""Item analysis, calibration, adaptive tests and posterior shares through the services and
the command line, on real SQLite with simulated candidates."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from dsat.cli import main
from dsat.services.assessment import AssessmentService
from dsat.services.errors import ServiceError
from dsat.services.measurement import calibrate, statistics
from dsat.services.report import ShareOptions, share
from dsat.services.simulate import simulate
from tests.factories import some_answer
from tests.test_report import JAN, person, sit


@pytest.fixture(scope="module")
def simulated(tmp_path_factory, fw):
    """A database with 400 simulated people who sat the fixed full assessment twice."""
    from dsat.services.banks import import_bank, shipped_bank_dir
    from dsat.store import open_store

    path = tmp_path_factory.mktemp("sim") / "sim.db"
    store = open_store(path)
    import_bank(store, [shipped_bank_dir()], imported_by="test")
    simulate(store, fw, candidates=400, seed=5, mode="fixed")
    store.close()
    return path


def test_item_statistics_of_the_full_assessment(simulated, fw):
    from dsat.store import open_store

    store = open_store(simulated)
    with pytest.raises(ServiceError) as none:  # simulated attempts are left out unless asked
        statistics(store, fw, "full")
    assert none.value.code == "error.stats_no_attempts"
    report = statistics(store, fw, "full", include_simulated=True)
    assert report.attempts > 500 and not report.test.too_few
    assert 60 < report.test.cic < 100  # many items, one common ability per area
    computed = [s for _, s in report.items if not s.too_few]
    assert computed and all(0 <= s.facility <= 100 for s in computed)
    assert all(s.n >= 30 for s in computed)


def test_stats_bad_scope_and_empty_data_give_one_line(simulated):
    run = CliRunner().invoke
    bad = run(main, ["bank", "stats", "--scope", "9.9", "--db", str(simulated)])
    assert bad.exit_code == 1 and bad.output.strip().startswith("error: There is no scope")
    assert len(bad.output.strip().splitlines()) == 1


def test_calibration_adds_rows_never_overwrites_and_keeps_anchors(simulated, fw, tmp_path):
    import shutil

    from dsat.store import open_store

    copy = tmp_path / "copy.db"
    shutil.copy(simulated, copy)
    shutil.copy(str(simulated) + ".key", str(copy) + ".key")
    store = open_store(copy)
    before = store.count("item_params")
    with pytest.raises(ServiceError) as nothing:  # simulated data only with the flag
        calibrate(store, fw, area="4")
    assert nothing.value.code == "error.calibrate_nothing" and store.count("item_params") == before
    first = calibrate(store, fw, area="4", include_simulated=True, min_n=60)
    [area] = first
    done = [i for i in area.items if i.status == "calibrated"]
    assert done and area.saved and all(i.se_a and i.se_b for i in done)
    assert store.count("item_params") == before + len(done)  # added beside the priors
    assert all(i.flags for i in area.items if i.status == "too few")
    # the items calibrated now are anchors next time: fixed, and not written again
    again = calibrate(store, fw, area="4", include_simulated=True, min_n=60)
    anchors = {(i.item_id, i.version) for i in again[0].items if i.status == "anchor"}
    assert anchors == {(i.item_id, i.version) for i in done}
    assert store.count("item_params") == before + len(done)
    current = store.measurement.current([(done[0].item_id, done[0].version)])
    assert next(iter(current.values())).source == "calibrated"
    out = CliRunner().invoke(
        main, ["bank", "calibrate", "--area", "4", "--include-simulated", "--min-n", "60",
               "--dry-run", "--db", str(copy)],
    )  # fmt: skip
    assert out.exit_code == 0 and "anchor" in out.output and "not saved (dry run)" in out.output


def test_the_posterior_share_is_the_mean_probability_with_a_wider_interval(db, fw):
    for i in range(40):
        person(db, f"P{i}", "A", "U")
        sit(db, fw, f"P{i}", JAN, {"4.1": i % 4 != 0}, p=0.7 if i % 4 else 0.2)
    count = share(db, fw, ShareOptions(by=["competency"], min_group=1))
    post = share(db, fw, ShareOptions(by=["competency"], min_group=1, method="posterior"))
    [c] = [r for r in count.rows if r.group["competency"] == "4.1"]
    [p] = [r for r in post.rows if r.group["competency"] == "4.1"]
    assert c.proficient_pct == 75.0
    assert p.proficient_pct == pytest.approx(100 * (30 * 0.7 + 10 * 0.2) / 40, abs=4)
    assert (p.ci_high_pct - p.ci_low_pct) > 0 and p.measurement_se_pp > 0
    assert post.meta.method == "posterior" and "plausible values" in post.meta.method_note


def test_an_adaptive_test_is_shorter_deterministic_and_resumable(db, fw, clock, db_path):
    from dsat.store import open_store

    adaptive_fw = fw.model_copy(
        update={"blueprints": fw.blueprints.model_copy(
            update={"area": fw.blueprints.area.model_copy(update={"mode": "adaptive"})}
        )}
    )  # fmt: skip
    service = AssessmentService(db, adaptive_fw, clock)
    service.identify("CB1", "A", "U")
    state = service.start("CB1", "area", "4", "vi", seed=9)
    ratings = [s for s in state.slots if s.item.item_type == "self_rating"]
    assert state.adaptive and ratings and len(state.slots) == len(ratings)  # ratings first
    assert state.current == 0
    shown = []
    while True:
        state = service.state(state.attempt.id)
        if state.finished:
            break
        slot = state.slots[state.current]
        answer = some_answer(slot.item)
        shown.append(slot.item.stem.en)
        if len(shown) == 4:  # a new process resumes on exactly the same next item
            fresh = AssessmentService(open_store(db_path), adaptive_fw, clock)
            again = fresh.state(state.attempt.id)
            assert again.slots[again.current].item.stem.en == slot.item.stem.en
        saved = service.answer(state.attempt.id, slot.position, answer)
        if saved.finished:
            break
    with pytest.raises(ServiceError) as back:  # answers of an adaptive test are final
        service.answer(state.attempt.id, 1, state.slots[1].item.choices[0].value)
    assert back.value.code == "error.adaptive_final"
    fixed_len = 4 * 3  # the fixed area form: three scored items per competency
    assert len(shown) - len(ratings) < 4 * fixed_len
    results = service.submit(state.attempt.id)
    assert {r.competency_id for r in results} == {"4.1", "4.2", "4.3", "4.4"}
    [area] = service.result(state.attempt.id).areas
    assert area.area_id == "4" and area.se is not None and area.p_proficient is not None


def test_simulation_keeps_the_truth_and_refuses_the_same_seed_twice(simulated, fw):
    from dsat.store import open_store

    store = open_store(simulated)
    assert len(store.measurement.truth()) > 0
    with pytest.raises(ServiceError) as twice:
        simulate(store, fw, candidates=10, seed=5)
    assert twice.value.code == "error.simulated_exists"
    out = CliRunner().invoke(main, ["report", "truth", "--db", str(simulated)])
    assert out.exit_code == 0 and "posterior %" in out.output
    assert len([ln for ln in out.output.splitlines() if ln[:1].isdigit()]) == 12


def test_provinces_are_the_34_of_today():
    from dsat.services.simulate import PROVINCES

    assert len(PROVINCES) == 34 and len(set(PROVINCES)) == 34
    assert "Huế" in PROVINCES and "Hà Giang" not in PROVINCES


def _answers_for_every_credit(item):
    """Answers that reach each share of credit the item allows (ordering: every order)."""
    import itertools

    match item.type:
        case "ordering":
            return [list(p) for p in itertools.permutations(range(len(item.steps)))]
        case "matching":
            rights = item.rights()
            right = [rights.index(p.right) for p in item.pairs]
            return [right[:j] + [None] * (len(right) - j) for j in range(len(right) + 1)]
        case "multiple":
            return [[]] + [list(item.key[:j]) for j in range(1, len(item.key) + 1)]
        case "short_answer":
            return ["", item.answers[0], *(p.text for p in item.partial)]
    return []


def test_every_score_category_of_a_partial_credit_item_can_be_reached(fw):
    # a model that gives probability to a score nobody can get misleads the estimate before
    # calibration: with n steps in place, exactly n - 1 cannot be, so an ordering item of
    # 3, 4 or 5 steps has 2, 3 or 3 score steps, not 3, 4 and 4
    from dsat.banks.native import load_bank
    from dsat.domain.irt import category_in, prior_params, steps_of
    from dsat.domain.items import OrderingItem
    from dsat.domain.scoring import score_fraction
    from dsat.services.banks import shipped_bank_dir

    checked = 0
    for item in load_bank([shipped_bank_dir()]).items:
        params = prior_params(item, fw.scale)
        if not params.steps or item.type == "task" or len(getattr(item, "steps", [])) > 7:
            continue
        reached = {category_in(score_fraction(item, a), params)
                   for a in _answers_for_every_credit(item)}  # fmt: skip
        assert reached == set(range(params.categories)), item.id
        checked += 1
    assert checked > 150
    order = OrderingItem.model_validate(
        {"id": "x", "competency": "1.1", "level": 3, "type": "ordering", "scoring": "partial",
         "stem": {"vi": "Xếp", "en": "Order"}, "explanation": {"vi": "Vì", "en": "Because"},
         "steps": [{"vi": f"Bước {i}", "en": f"Step {i}"} for i in range(5)]}
    )  # fmt: skip
    assert steps_of(order) == 3


def test_a_changed_scale_gives_every_item_a_new_prior_row_and_keeps_the_old(tmp_path, fw):
    import shutil

    from dsat.services.banks import import_bank, shipped_bank_dir
    from dsat.store import open_store

    bank = tmp_path / "bank"
    shutil.copytree(shipped_bank_dir(), bank)
    store = open_store(tmp_path / "d.db")
    import_bank(store, [bank], imported_by="test")
    before = store.measurement.current()
    again = import_bank(store, [bank], imported_by="test")  # nothing changed: nothing added
    assert store.measurement.current() == before and not any(f.added for f in again.files)
    framework = bank / "framework.yaml"
    text = framework.read_text(encoding="utf-8")
    shifted = [b + 0.5 for b in fw.scale.level_difficulty]
    framework.write_text(
        text.replace("  areas:\n", f"  scale:\n    level_difficulty: {shifted}\n  areas:\n", 1),
        encoding="utf-8",
    )
    import_bank(store, [bank], imported_by="test")
    after = store.measurement.current()
    assert after.keys() == before.keys()
    for key, row in after.items():
        assert row.source == "prior" and row.id > before[key].id
        assert row.b == pytest.approx(before[key].b + 0.5), key
    some = next(iter(after))
    assert [r.b for r in store.measurement.history(some[0]) if r.version == some[1]] == [
        pytest.approx(before[some].b),
        pytest.approx(before[some].b + 0.5),
    ]
    store.close()


def test_priors_made_by_older_rules_are_redone_at_the_next_import_of_an_unchanged_bank(
    tmp_path,
):
    from dsat.domain.framework import PRIOR_RULES
    from dsat.services.banks import import_bank, shipped_bank_dir
    from dsat.store import open_store

    store = open_store(tmp_path / "d.db")
    import_bank(store, [shipped_bank_dir()], imported_by="test")
    key = sorted(store.measurement.current())[0]
    right = store.measurement.current()[key]
    with store.unit_of_work():  # a prior as other rules made it
        store.measurement.add_priors([(key[0], key[1], "2pl", 1.0, 9.9, None)], "2025-01-01")
    import_bank(store, [shipped_bank_dir()], imported_by="test")  # same rules: not looked at
    assert store.measurement.current()[key].b == 9.9
    with store.unit_of_work():
        store.set_meta("prior_rules", "1")
    import_bank(store, [shipped_bank_dir()], imported_by="test")
    now = store.measurement.current()
    assert (now[key].b, now[key].steps) == (right.b, right.steps)
    assert [r.b for r in store.measurement.history(key[0]) if r.version == key[1]] == [
        right.b, 9.9, right.b
    ]  # fmt: skip
    assert store.meta("prior_rules") == PRIOR_RULES
    store.close()
