"""The stand-in of DfE behaves like DfE (dfe/README.md): it checks every body against the schema,
answers in DfE's shapes and words, and throttles in fixed windows with no Retry-After; the
tracker's run sends each declaration once through it, waiting for DfE's next window on a 429."""
from __future__ import annotations

import json
import math

import httpx
import pytest
from sqlalchemy import select

from bench.dfe_stand_in import BAD_REQUEST, TOKEN, TEXTS
from tracker.extensions import db
from tracker.rules.dfe_schedules import COURSE_GROUP
from tracker.models import Course, Participant

from ..test_cli import AS_OF, examples  # noqa: F401  (fixtures)
from .stand_in import dfe  # noqa: F401  (fixture)

PERSON, OTHER = "7e5bcd9e-2a4f-4b8e-9f1c-0d3b6a2e8c41", "0f6c3a52-9b1d-4e7a-8c2f-5d4b3a2e1f90"


def post(dfe, **attributes):  # noqa: F811
    body = {"data": {"type": "participant-declaration", "attributes": {
        "participant_id": PERSON, "declaration_type": "started", "declaration_date": "2023-01-10T00:00:00Z",
        "course_identifier": "npq-leading-teaching", **attributes}}}
    body["data"]["attributes"] = {k: v for k, v in body["data"]["attributes"].items() if v is not None}
    return httpx.post(f"{dfe.url}/participant-declarations", json=body, headers={"Authorization": f"Bearer {TOKEN}"})


def detail(answer) -> list[tuple[str, str]]:
    return [(e["title"], e["detail"]) for e in answer.json()["errors"]]


@pytest.fixture()
def enrolled(dfe):  # noqa: F811
    dfe.strict = True
    dfe.enrol("", None, "npq-leading-teaching", dfe_id=PERSON, schedule="npq-specialist-spring", cohort=2022)
    dfe.enrol("", None, "npq-headship", dfe_id=PERSON, schedule="npq-leadership-autumn", cohort=2024)
    return dfe


def test_a_body_without_data_is_a_400_in_dfes_words(dfe):  # noqa: F811
    answer = httpx.post(f"{dfe.url}/participant-declarations", json={"data": {"attributes": {}}},
                        headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 400 and answer.json() == BAD_REQUEST


@pytest.mark.parametrize("attributes, rule", [
    ({"participant_id": OTHER}, 3),
    ({"course_identifier": "npq-leading-literacy"}, 5),
    ({"declaration_date": "2023-01-10"}, 6),
    ({"declaration_date": "2022-12-31T23:59:59Z"}, 7),
    ({"declaration_type": "retained-2"}, 11),
    ({"declaration_type": "completed"}, 14),
    ({"declaration_date": "2099-01-10T00:00:00Z"}, 17),
    ({"course_identifier": "npq-headship", "declaration_date": "2024-10-02T00:00:00Z"}, 18),
])
def test_dfes_checks_answer_422_with_dfes_title_and_text(enrolled, attributes, rule):
    answer = post(enrolled, **attributes)
    assert answer.status_code == 422
    assert detail(answer)[0] == TEXTS[rule]


def test_a_declaration_dfe_accepts_is_stored_and_a_repeat_is_already_submitted(enrolled):
    first = post(enrolled)
    assert first.status_code == 200 and first.json()["data"]["attributes"]["state"] == "submitted"
    again = post(enrolled, declaration_date="2023-01-11T00:00:00Z")
    assert again.status_code == 422 and detail(again) == [TEXTS[15]]
    assert enrolled.invalid() == []
    post(enrolled, participant_id="EX001", evidence_held="other")
    assert [p for _, p in enrolled.invalid()][0] == [
        "#/data/attributes/participant_id: 'EX001' is not a uuid", "#/data/attributes: 'evidence_held' is not allowed"]


def test_the_sample_dataset_sent_to_a_dfe_that_knows_its_participants_is_valid_and_accepted(
        examples, dfe):  # noqa: F811
    dfe.strict = True
    for dfe_id, identifier, cohort in db.session.execute(
            select(Participant.dfe_participant_id, Course.dfe_identifier, Participant.cohort).join(Course)):
        group = "leadership" if COURSE_GROUP[identifier] == "leadership" else "specialist"
        schedule = f"npq-{group}-{'autumn' if cohort in (1, 3) else 'spring'}"  # cohorts 2 and 4 start in February
        dfe.enrol("", None, identifier, dfe_id=dfe_id, schedule=schedule, cohort=2021 if cohort in (1, 2) else 2022)
    expected = examples("declarations", "--as-of", AS_OF).stdout.splitlines()
    result = examples("declarations", "submit", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(f"sent {len(expected)}, refused 0, not sent 0, skipped 0")
    assert dfe.invalid() == [] and len(dfe.posted()) == len(expected) == len(set(dfe.posted()))


def test_on_a_429_the_run_waits_for_dfes_next_window_and_sends_each_declaration_once(
        examples, dfe, monkeypatch):  # noqa: F811
    # DfE's window, scaled down: 6 requests a second; the tracker is told DfE allows far more, so
    # only DfE's 429 (no Retry-After) can hold it back
    dfe.rate_limit, dfe.rate_window = 6, 1.0
    monkeypatch.setenv("DFE_RATE_LIMIT", "1000")
    monkeypatch.setenv("DFE_RATE_WINDOW_SECONDS", "1")
    expected = [json.loads(line) for line in examples("declarations", "--as-of", AS_OF, "--partner", "SOUTH")
                .stdout.splitlines()]
    assert len(expected) > dfe.rate_limit
    times = []
    original = dfe.answer

    def timed(request, body):
        import time

        times.append(time.time())
        return original(request, body)

    monkeypatch.setattr(dfe, "answer", timed)
    result = examples("declarations", "submit", "--as-of", AS_OF, "--partner", "SOUTH")
    assert result.exit_code == 0, result.output
    statuses = [r["status"] for r in dfe.received]
    assert 429 in statuses
    for i, status in enumerate(statuses[:-1]):
        if status == 429:  # the next request went in a later window of Unix time, not a second later in the same
            assert math.floor(times[i + 1]) > math.floor(times[i])
    windows = {}
    for at in times:
        windows[math.floor(at)] = windows.get(math.floor(at), 0) + 1
    assert all(n <= dfe.rate_limit + 1 for n in windows.values())  # one 429 a window at most: no POSTing on
    assert sorted(dfe.posted()) == sorted((b["data"]["attributes"]["participant_id"],
                                           b["data"]["attributes"]["declaration_type"]) for b in expected)
    assert set(dfe.held().values()) == {1} and dfe.invalid() == []  # a POST answered 429 was not stored


def test_the_stand_in_checks_a_participant_action_as_dfe_does(dfe):  # noqa: F811
    url = f"{dfe.url}/participants/npq/11111111-2222-3333-4444-555555555555"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.put(f"{url}/withdraw", json={"data": {}}, headers=headers).status_code == 400
    bad = httpx.put(f"{url}/defer", headers=headers, json={"data": {"type": "participant-defer", "attributes": {
        "course_identifier": "npq-headship", "reason": "holiday"}}})
    assert (bad.status_code, bad.json()) == (422, {"errors": [{"title": "reason",
                                                              "detail": "The property '#/reason' must be a valid reason"}]})
    active = httpx.put(f"{url}/resume", headers=headers, json={"data": {"type": "participant-resume", "attributes": {
        "course_identifier": "npq-headship"}}})
    assert active.json()["errors"][0]["detail"] == "The participant is already active"
