"""Every practical-task template, over 1,000 seeds: each variant is valid, the variants
differ, the same seed rebuilds the same variant, and the key agrees with an answer worked
out here from what the candidate sees (an oracle per template, written apart from the
template's own code), which scores 1 while a wrong answer scores less.

Each template's variants are built once (a module fixture) and shared by the tests.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from dsat.domain.tasks.model import MARKS, Message, Site, TaskKey, TaskView, score_task
from dsat.domain.tasks.registry import TEMPLATES, Variant, generate, names

SEEDS = 1000
LAST_DAY = "2026-11-30"
ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "question_banks" / "practical-tasks.yaml"

Oracle = Callable[[TaskView], Any]  # the answer as a candidate would type or choose it
ORACLES: dict[str, Oracle] = {}


def oracle(name: str) -> Callable[[Oracle], Oracle]:
    def register(fn: Oracle) -> Oracle:
        ORACLES[name] = fn
        return fn

    return register


# --- reading the view as a candidate does --------------------------------------------------
def shown_rows(view: TaskView) -> list[list[Any]]:
    """The table as shown in English: labels by their names, other cells as stored."""
    assert view.table is not None
    cols = view.table.columns
    return [
        [
            col.labels[cell].en if col.kind == "label" else cell
            for col, cell in zip(cols, row, strict=True)
        ]
        for row in view.table.rows
    ]


def column(view: TaskView, english: str) -> int:
    assert view.table is not None
    return [c.name.en for c in view.table.columns].index(english)


def ask(pattern: str, view: TaskView) -> re.Match[str]:
    found = re.search(pattern, view.prompt.en, re.S)
    assert found, f"{view.template}: prompt does not say {pattern!r}: {view.prompt.en}"
    return found


def iso(dmy: str) -> str:
    d, m, y = dmy.split("/")
    return f"{y}-{m}-{d}"


def number(n: float) -> str:
    return f"{n:.10g}"


def host(address: str) -> str:
    return (urlsplit(address).hostname or "").lower()


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower()


# --- the oracles ---------------------------------------------------------------------------
@oracle("data.training_count")
def _training(view: TaskView) -> str:
    m = ask(r"In quarter (\d) of (\d{4}).*? in (.+?) passed the course “(.+?)” with a score "
            r"of (\d+) or more", view)  # fmt: skip
    q, year, place, course, least = int(m[1]), m[2], m[3], m[4], int(m[5])
    months = {f"{year}-{k:02d}" for k in range(3 * q - 2, 3 * q + 1)}
    hits = [
        r for r in shown_rows(view)
        if r[2] == place and r[3] == course and r[6] == "Passed" and r[5] >= least
        and r[4][:7] in months
    ]  # fmt: skip
    return number(len(hits))


@oracle("data.budget_sum")
def _budget(view: TaskView) -> str:
    m = ask(r"approved budget lines of (.+?) (?:in quarter (\d) of 2026|for “(.+?)” over)", view)
    unit, q, item = m[1], m[2], m[3]
    group = [
        r for r in shown_rows(view)
        if r[1] == unit and (r[3] == int(q) if q else r[2] == item)
    ]  # fmt: skip
    assert any(r[5] != "Approved" for r in group), "no near miss: every line of it approved"
    total = sum(r[4] for r in group if r[5] == "Approved")
    return f"{total:,}".replace(",", ".")  # as Vietnamese types it


@oracle("data.duplicates")
def _duplicates(view: TaskView) -> str:
    ask(r"How many employee ids appear two or more times\?", view)
    counts = Counter(r[0] for r in view.table.rows)  # type: ignore[union-attr]
    return number(sum(1 for v in counts.values() if v >= 2))


@oracle("data.application_lookup")
def _lookup(view: TaskView) -> str:
    m = ask(r"^(Who is the applicant|What is the number) of the “(.+?)” application submitted "
            r"at (.+?) on (\d\d/\d\d/\d{4})\?", view)  # fmt: skip
    service, place, sent = m[2], m[3], iso(m[4])
    hits = [r for r in shown_rows(view) if r[2] == place and r[3] == service and r[4] == sent]
    assert len(hits) == 1, (view.prompt.en, hits)
    near = [r for r in shown_rows(view) if sum((r[2] == place, r[3] == service, r[4] == sent)) == 2]
    assert near, "no near miss: one filter would find it"
    return hits[0][1] if m[1].startswith("Who") else hits[0][0]


@oracle("data.overdue_count")
def _overdue(view: TaskView) -> str:
    m = ask(r"^Report of (\d\d/\d\d/\d{4}): how many applications of (.+?) are overdue\?", view)
    today, place = iso(m[1]), m[2]
    rows = shown_rows(view)
    due, status = column(view, "Due on"), column(view, "Status")
    assert all(r[column(view, "Submitted on")] <= today for r in rows)
    mine = [r for r in rows if r[2] == place]
    hits = [r for r in mine if r[status] in ("Received", "In progress") and r[due] < today]
    on_day = [r for r in mine if r[due] == today and r[status] != "Result returned"]
    assert on_day, "no near miss: nothing open is due on the report day itself"
    return number(len(hits))


@oracle("data.sharing_audit")
def _sharing(view: TaskView) -> str:
    m = ask(r"How many files of the (.+?) hold personal data", view)
    unit = m[1]
    outside = ("Anyone with the link", "Public on the web")
    rows = [r for r in shown_rows(view) if r[2] == unit]
    hits = [r for r in rows if r[4] == "Yes" and r[3] in outside]
    assert any(r[4] == "No" and r[3] in outside for r in rows), "no near miss"
    assert any(r[4] == "Yes" and r[3] not in outside for r in rows), "no near miss"
    return number(len(hits))


@oracle("data.energy")
def _energy(view: TaskView) -> str:
    m = ask(
        r"How many kWh did (?:the devices in room (\S+)|all the “(.+?)” devices of the "
        r"building) use outside working hours from (\S+) to (\S+) inclusive\?",
        view,
    )
    room, device, first, last = m[1], m[2], iso(m[3]), iso(m[4])
    mine = [r for r in shown_rows(view) if (r[1] == room if room else r[2] == device)]
    wh = sum(r[3] * r[4] for r in mine if first <= r[0] <= last)
    assert any(r[0] < first for r in mine) and any(r[0] > last for r in mine), "no near miss"
    assert "Round to 1 decimal place" in view.prompt.en
    return f"{wh / 1000:.1f}".replace(".", ",")  # as Vietnamese types it


def _excel_criterion(cell: Any, criterion: str) -> bool:
    """One COUNTIFS/SUMIFS criterion, as a spreadsheet reads it."""
    m = re.fullmatch(r"(<>|>=|<=|>|<|=)?(.*)", criterion)
    assert m
    op, value = m[1] or "=", m[2]
    try:
        target: Any = float(value)
    except ValueError:
        target = value
    if isinstance(target, float):
        if not isinstance(cell, int | float):
            return op == "<>"
        return {"=": cell == target, "<>": cell != target, ">": cell > target,
                ">=": cell >= target, "<": cell < target, "<=": cell <= target}[op]  # fmt: skip
    same = isinstance(cell, str) and cell.casefold() == target.casefold()
    return same if op == "=" else not same if op == "<>" else False


@oracle("data.formula")
def _formula(view: TaskView) -> str:
    m = ask(r"data in rows 2 to (\d+).*\n=(COUNTIFS|SUMIFS)\((.*)\)$", view)
    last, fn = int(m[1]), m[2]
    args = re.findall(r'"[^"]*"|[^,]+', m[3])
    rows = shown_rows(view)
    assert len(rows) == last - 1

    def cells(ref: str) -> list[Any]:
        a, b = re.fullmatch(r"([A-Z])2:([A-Z])(\d+)", ref).groups()[:2]  # type: ignore[union-attr]
        assert a == b
        return [r[ord(a) - ord("A")] for r in rows]

    summed = cells(args.pop(0)) if fn == "SUMIFS" else None
    keep = [True] * len(rows)
    for ref, crit in zip(args[::2], args[1::2], strict=True):
        crit = crit[1:-1] if crit.startswith('"') else crit
        keep = [k and _excel_criterion(v, crit) for k, v in zip(keep, cells(ref), strict=True)]
    if summed is None:
        return number(sum(keep))
    return number(sum(v for k, v in zip(keep, summed, strict=True) if k))


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


@oracle("data.ai_check")
def _ai_check(view: TaskView) -> str:
    rows = shown_rows(view)
    m = re.search(r"“(.+?) resolved (\d+) pieces of feedback on (.+?) received in (\w+) 2026\.”",
                  view.prompt.en)  # fmt: skip
    if m:
        place, claimed, field, month = m[1], int(m[2]), m[3], MONTHS.index(m[4]) + 1
        hits = [
            r for r in rows
            if r[4] == place and r[3] == field and r[5] == "Resolved"
            and int(r[1][5:7]) == month
        ]  # fmt: skip
    else:
        m = ask(r"“In (\w+) 2026, the communes and wards received (\d+) pieces of feedback on "
                r"(.+?) in all through the ‘(.+?)’ channel\.”", view)  # fmt: skip
        month, claimed, field, channel = MONTHS.index(m[1]) + 1, int(m[2]), m[3], m[4]
        hits = [r for r in rows if r[3] == field and r[2] == channel and int(r[1][5:7]) == month]
    assert len(hits) != claimed, "the assistant's figure must be wrong"
    return number(len(hits))


def _agency_domain(view: TaskView) -> str:
    return ask(r"use the domain (\S+?)\. ", view)[1]


@oracle("inbox.phishing")
def _phishing(view: TaskView) -> list[str]:
    agency = _agency_domain(view)
    trusted = (agency, "dichvucong.gov.vn")
    marks = []
    for m in view.messages:
        sender = domain_of(m.sender_address)
        targets = [host(link.target) for link in m.links]
        risky_files = [a for a in m.attachments if re.search(r"\.(exe|docm)$", a)]
        if (sender in trusted and not risky_files
                and all(t == agency or t.endswith("." + agency) or t in trusted
                        for t in targets)):  # fmt: skip
            marks.append("safe")
        elif agency.split(".")[0] in sender or "Giám đốc" in m.sender_name:
            marks.append("report")  # passes itself off as the agency or its head
        else:
            marks.append("phishing")
    return marks


@oracle("inbox.personal_data")
def _personal_data(view: TaskView) -> list[str]:
    agency = _agency_domain(view)
    marks = []
    for m in view.messages:
        sender = domain_of(m.sender_address)
        body = m.body.en.lower()
        trusted = (agency, "dichvucong.gov.vn")
        on_site = all(host(x.target).endswith(trusted) for x in m.links)
        if sender in trusted and on_site:
            marks.append("safe")
        elif any(w in body for w in ("list", "households", "personnel files", "mail account")):
            marks.append("report")  # the agency's data or a work account
        elif not m.links and not m.attachments and "will not send papers" in body:
            marks.append("safe")  # a citizen asking about their own record, sending nothing
        else:
            marks.append("phishing")
    return marks


@oracle("sites.genuine")
def _genuine(view: TaskView) -> list[str]:
    real = ask(r"The genuine site's domain is (\S+?)\. ", view)[1]
    return [s.id for s in view.sites if host(s.address) == real]


@oracle("sites.public_services")
def _portal(view: TaskView) -> list[str]:
    real = ask(r"whose domain is (\S+?)\. ", view)[1]
    return [
        s.id
        for s in view.sites
        if host(s.address) in (real,) or host(s.address).endswith("." + real)
    ]


def wrong_answer(view: TaskView, right: Any) -> Any:
    match view.answer_kind:
        case "number":
            return "0" if right not in ("0", "0,0") else "1"
        case "text":
            return right + "X"
        case "marks":
            return ["safe"] * len(view.messages)  # every lure let through
        case "pick":
            return [s.id for s in view.sites]  # every address, fakes too
    raise AssertionError(view.answer_kind)


# --- the variants, built once --------------------------------------------------------------
@pytest.fixture(scope="module")
def built() -> Iterator[dict[str, tuple[list[Variant], float]]]:
    out = {}
    gc.collect()
    gc.disable()  # 13,000 variants held at once: the collector would rescan them all
    try:
        for name in names():
            start = time.perf_counter()
            variants = [generate(name, {}, seed) for seed in range(SEEDS)]
            out[name] = (variants, (time.perf_counter() - start) / SEEDS * 1000)
    finally:
        gc.freeze()
        gc.enable()
    yield out
    gc.unfreeze()


ALL = names()


def test_every_template_has_an_oracle_and_a_bank_item():
    assert set(ORACLES) == set(ALL)
    items = yaml.safe_load(BANK.read_text(encoding="utf-8"))["items"]
    used = {i["template"] for i in items}
    assert used == set(ALL)
    competences = {i["competency"] for i in items}
    assert len(ALL) >= 13 and len(competences) >= 8


@pytest.mark.parametrize("name", ALL)
def test_variants_are_valid(built, name):
    for v in built[name][0]:
        view, key = v.view, v.key
        if v.seed % 10 == 0:  # (every view was validated when built; this checks the dump too)
            assert TaskView.model_validate(view.model_dump()) == view
        assert view.template == name and view.kind == TEMPLATES[name].kind
        assert view.answer_kind == TEMPLATES[name].answer_kind
        for text in (view.prompt.vi, view.prompt.en):
            assert text.strip() and "{" not in text
        match view.kind:
            case "data":
                assert view.table is not None and 200 <= len(view.table.rows) <= 800
                cols = view.table.columns
                assert {len(row) for row in view.table.rows} == {len(cols)}
                for col, cells in zip(cols, zip(*view.table.rows, strict=True), strict=True):
                    values = set(cells)
                    if col.kind == "date":
                        assert all(date.fromisoformat(d) for d in values)
                        assert max(values) <= LAST_DAY
                    elif col.kind == "label":
                        assert values <= set(col.labels)
                    elif col.kind in ("int", "money"):
                        assert all(isinstance(x, int) for x in values) and min(values) >= 0
            case "inbox":
                assert 6 <= len(view.messages) <= 10
                for m in view.messages:
                    d, mth, y = m.received[:10].split("/")
                    assert f"{y}-{mth}-{d}" <= LAST_DAY
            case "sites":
                assert len(view.sites) >= 4
                assert len({s.address for s in view.sites}) == len(view.sites)
        match view.answer_kind:
            case "number":
                assert key.number is not None and key.number == key.number
                assert key.number >= 0
            case "text":
                assert key.texts and all(t.strip() for t in key.texts)
            case "marks":
                assert len(key.marks) == len(view.messages)
                assert set(key.marks) <= set(MARKS) and "safe" in key.marks
                assert set(key.marks) - {"safe"}
            case "pick":
                ids = [s.id for s in view.sites]
                assert key.picks and set(key.picks) <= set(ids) and len(key.picks) < len(ids)
        assert key.working.vi.strip() and key.working.en.strip()


@pytest.mark.parametrize("name", ALL)
def test_at_least_100_distinct_variants(built, name):
    seen = {hashlib.sha256(v.view.model_dump_json().encode()).hexdigest() for v in built[name][0]}
    assert len(seen) >= 100
    print(f"{name}: {len(seen)} distinct of {SEEDS}; {built[name][1]:.2f} ms per variant")


@pytest.mark.parametrize("name", ALL)
def test_the_same_seed_rebuilds_the_same_variant(built, name):
    for v in built[name][0][:: SEEDS // 50]:
        again = generate(name, {}, v.seed)
        assert again.view == v.view and again.key == v.key
        assert again.view.model_dump_json() == v.view.model_dump_json()


def test_another_process_rebuilds_the_same_variants(built):
    """A resumed attempt may be rebuilt by another run of the program, with other string
    hashing: the variants must not depend on it."""
    script = (
        "import hashlib, sys\n"
        "from dsat.domain.tasks.registry import generate, names\n"
        "for name in names():\n"
        "    for seed in (0, 1, 999):\n"
        "        v = generate(name, {}, seed)\n"
        "        text = v.view.model_dump_json() + v.key.model_dump_json()\n"
        "        print(name, seed, hashlib.sha256(text.encode()).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    here = []
    for name in ALL:
        for seed in (0, 1, 999):
            v = built[name][0][seed]
            text = v.view.model_dump_json() + v.key.model_dump_json()
            here.append(f"{name} {seed} {hashlib.sha256(text.encode()).hexdigest()}")
    assert out[:-1] == here


@pytest.mark.parametrize("name", ALL)
def test_the_key_is_what_the_data_says(built, name):
    for v in built[name][0]:
        answer = ORACLES[name](v.view)
        assert score_task(v.view, v.key, answer) == 1, (v.seed, answer, v.key)
        assert score_task(v.view, v.key, wrong_answer(v.view, answer)) < 1, v.seed


@pytest.mark.parametrize("name", ALL)
def test_number_answers_are_not_guessable(built, name):
    """No one answer comes up in a quarter of the variants."""
    if TEMPLATES[name].answer_kind != "number":
        return
    counts = Counter(v.key.number for v in built[name][0])
    assert counts.most_common(1)[0][1] < SEEDS / 4, counts.most_common(3)


SETTINGS = [
    *[(n, {"rows_min": 20, "rows_max": 40}, 50) for n in ALL if TEMPLATES[n].kind == "data"],
    *[(n, {"rows_min": 4900, "rows_max": 5000}, 2) for n in ALL if TEMPLATES[n].kind == "data"],
    *[(n, {"messages_min": k, "messages_max": k}, 100)
      for n in ALL if TEMPLATES[n].kind == "inbox" for k in (6, 10)],
]  # fmt: skip


@pytest.mark.parametrize(("name", "settings", "seeds"), SETTINGS)
def test_settings_at_their_limits(name, settings, seeds):
    """Small and large tables, the shortest and the longest inbox: still valid and right."""
    for seed in range(seeds):
        v = generate(name, settings, seed)
        if v.view.table is not None:
            assert settings["rows_min"] <= len(v.view.table.rows) <= settings["rows_max"]
        else:
            assert len(v.view.messages) == settings["messages_min"]
        assert score_task(v.view, v.key, ORACLES[name](v.view)) == 1, (seed, v.key)


FORBIDDEN = {"key", "keys", "working", "explanation", "answer", "answers", "mark", "marks",
             "genuine", "safe", "picks", "pick", "trick", "fake", "right", "correct", "number",
             "texts", "solution"}  # fmt: skip


def _field_names(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {n for v in value.values() for n in _field_names(v)}
    if isinstance(value, list | tuple):
        return {n for v in value for n in _field_names(v)}
    return set()


@pytest.mark.parametrize("name", ALL)
def test_the_view_holds_no_key(built, name):
    assert set(Site.model_fields) == {"id", "address", "title"}
    assert set(Message.model_fields) == {"sender_name", "sender_address", "subject", "body",
                                         "received", "links", "attachments"}  # fmt: skip
    for v in built[name][0][:: SEEDS // 100]:
        dumped = v.view.model_dump()
        names_ = {n for n in _field_names(dumped) if not (v.view.table and n in _labels(v.view))}
        assert not names_ & FORBIDDEN, names_ & FORBIDDEN
        assert v.key.working.en not in v.view.model_dump_json()
        if v.view.answer_kind == "pick":
            # ids run a, b, c... and every address carries the same title: no tell
            assert [s.id for s in v.view.sites] == [chr(97 + i) for i in range(len(v.view.sites))]
            assert len({s.title for s in v.view.sites}) == 1
        if v.view.answer_kind == "marks":
            assert not {m.sender_name for m in v.view.messages} & {"safe", "phishing", "report"}
    assert not set(TaskKey.model_fields) & set(TaskView.model_fields)


def _labels(view: TaskView) -> set[str]:
    assert view.table is not None
    return {code for col in view.table.columns for code in col.labels}


def test_build_times_are_reported(built, capsys):
    with capsys.disabled():
        print()
        for name, (_, ms) in built.items():
            print(f"  {name:28} {ms:6.2f} ms per variant")
    assert all(ms < 50 for _, ms in built.values())
