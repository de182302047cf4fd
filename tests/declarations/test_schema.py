"""The tracker's own JSON Schema of DfE's declaration request body, and the strict check of it
(the jsonschema library is not among the project's dependencies)."""
from __future__ import annotations

import pytest

from tracker.declarations.schema import DECLARATION_REQUEST, problems, schema

GOOD = {"data": {"type": "participant-declaration", "attributes": {
    "participant_id": "7e5bcd9e-2a4f-4b8e-9f1c-0d3b6a2e8c41", "declaration_type": "completed",
    "declaration_date": "2024-10-02T00:00:00Z", "course_identifier": "npq-headship", "has_passed": True,
    "delivery_partner_id": "0f6c3a52-9b1d-4e7a-8c2f-5d4b3a2e1f90"}}}


def with_attributes(**changed) -> dict:
    attributes = {k: v for k, v in {**GOOD["data"]["attributes"], **changed}.items() if v is not None}
    return {"data": {"type": "participant-declaration", "attributes": attributes}}


def test_a_body_dfe_accepts_has_no_problem():
    assert problems(GOOD, schema(DECLARATION_REQUEST)) == []


@pytest.mark.parametrize("changed, problem", [
    ({"participant_id": "EX001"}, "#/data/attributes/participant_id: 'EX001' is not a uuid"),
    ({"participant_id": None}, "#/data/attributes: 'participant_id' is required"),
    ({"declaration_type": "retained-3"}, "#/data/attributes/declaration_type: \"retained-3\" is not one of started, "
                                         "retained-1, retained-2, completed"),
    ({"declaration_date": "2024-10-02"}, "#/data/attributes/declaration_date: '2024-10-02' does not match"),
    ({"course_identifier": "NPQH"},
     "#/data/attributes/course_identifier: \"NPQH\" is not one of npq-senior-leadership"),
    ({"has_passed": "true"}, "#/data/attributes/has_passed: \"true\" is not of type boolean"),
    ({"evidence_held": "other"}, "#/data/attributes: 'evidence_held' is not allowed"),
    ({"delivery_partner_id": None, "secondary_delivery_partner_id": "0f6c3a52-9b1d-4e7a-8c2f-5d4b3a2e1f91"},
     "#/data/attributes: 'delivery_partner_id' is required with 'secondary_delivery_partner_id'"),
])
def test_each_way_a_body_breaks_the_schema_is_named(changed, problem):
    found = problems(with_attributes(**changed), schema(DECLARATION_REQUEST))
    assert found and found[0].startswith(problem), found


def test_the_envelope_is_checked_and_a_schema_keyword_the_check_does_not_know_is_refused():
    assert problems({"data": {"attributes": {}}}, schema(DECLARATION_REQUEST))[0] == "#/data: 'type' is required"
    assert problems([], schema(DECLARATION_REQUEST)) == ["#: [] is not of type object"]
    with pytest.raises(ValueError, match="oneOf"):
        problems({}, {"oneOf": []})
