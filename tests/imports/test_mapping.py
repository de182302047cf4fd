"""The column mapping (tracker/imports/mapping.py): pure, shared by the command line and the browser."""
from __future__ import annotations

import pytest

from tracker.imports.mapping import ColumnMapping, MappingProblem, headings_found, headings_key, option, place

REQUIRED = ("participant_id", "block", "activity", "completed_on")
OPTIONAL = ("credits", "source")
WEEKLY = ["Learner ID", "Activity name", "Credits achieved", "Date completed", "Block", "Learner name"]
MAPPED = ColumnMapping.parse(["participant_id=Learner ID", "activity=activity name", "credits=Credits Achieved",
                              "completed-on=Date completed"], ["source=platform"])


def test_without_a_mapping_each_field_is_its_own_column_ignoring_case_and_spacing():
    placed = place("credits", REQUIRED, OPTIONAL, ["Participant ID", "BLOCK", "x", "activity", "Completed_On"])
    assert placed.positions == {"participant_id": 0, "block": 1, "activity": 3, "completed_on": 4}
    assert placed.fixed == {} and placed.missing == ()


def test_a_mapping_reads_fields_from_other_headings_and_gives_others_one_value():
    placed = place("credits", REQUIRED, OPTIONAL, WEEKLY, MAPPED)
    assert placed.positions == {"participant_id": 0, "block": 4, "activity": 1, "completed_on": 3, "credits": 2}
    assert placed.fixed == {"source": "platform"}
    assert placed.row(["EX1", "Survey", "1", "17/05/2023", "Block 1", "Ann"]) == {
        "participant_id": "EX1", "block": "Block 1", "activity": "Survey", "completed_on": "17/05/2023",
        "credits": "1", "source": "platform"}
    assert placed.row(["EX1", "Survey"])["block"] == ""  # a short row's missing cells are blank


def test_a_mapped_field_or_one_given_a_value_ignores_a_column_of_its_own_name():
    header = ["participant_id", "block", "Module", "activity", "completed_on"]
    mapped = place("credits", REQUIRED, OPTIONAL, header, ColumnMapping.parse(["block=Module"]))
    assert mapped.positions["block"] == 2
    valued = place("credits", REQUIRED, OPTIONAL, header, ColumnMapping.parse([], ["block=2"]))
    assert "block" not in valued.positions and valued.fixed == {"block": "2"}
    assert valued.row(["P1", "9", "", "Survey", "2023-05-17"])["block"] == "2"


def test_a_column_mapped_to_one_field_is_not_also_read_as_the_field_it_is_named_after():
    placed = place("credits", REQUIRED, OPTIONAL, ["participant_id", "block", "activity", "completed_on", "source"],
                   ColumnMapping.parse(["credits=source"]))
    assert placed.positions["credits"] == 4 and "source" not in placed.positions


def test_required_fields_neither_found_nor_given_are_missing():
    assert place("credits", REQUIRED, OPTIONAL, WEEKLY).missing == ("participant_id", "activity", "completed_on")


@pytest.mark.parametrize("columns, values, problem", [
    (["grade=Credits achieved"], [], "'grade' is not a field of credits (its fields are participant_id, block, "
                                     "activity, completed_on, credits, source)"),
    ([], ["week=2"], "'week' is not a field of credits (its fields are participant_id, block, activity, "
                     "completed_on, credits, source)"),
    (["activity=Activity title"], [], "'Activity title' is not a heading of the file (for activity)"),
    (["block=Block"], ["block=2"], "block is given more than one column or value"),
    (["block=Block", "Block=Learner name"], [], "block is given more than one column or value"),
])
def test_a_mapping_that_does_not_fit_is_refused_naming_what_is_wrong_and_the_headings_found(columns, values, problem):
    with pytest.raises(MappingProblem) as refused:
        place("credits", REQUIRED, OPTIONAL, WEEKLY, ColumnMapping.parse(columns, values))
    assert refused.value.lines == [
        problem, "headings found: Learner ID, Activity name, Credits achieved, Date completed, Block, Learner name"]


def test_every_problem_is_named_at_once():
    with pytest.raises(MappingProblem) as refused:
        place("credits", REQUIRED, OPTIONAL, WEEKLY, ColumnMapping.parse(["grade=x", "activity=Nope"], ["week=1"]))
    assert len(refused.value.problems) == 3


def test_the_headings_found_leave_out_blank_ones_and_stop_at_fifty():
    assert headings_found(["a", "", None, " b "]) == "headings found: a, b"
    assert headings_found([]) == "headings found: none"
    assert headings_found([f"h{n}" for n in range(60)]).endswith("h49 and 10 more")


def test_the_key_of_a_files_headings_is_stable_across_order_case_and_spacing_and_only_those():
    key = headings_key(WEEKLY)
    assert key == headings_key(list(reversed(WEEKLY)) + ["", None])
    assert key == headings_key([" learner_id ", "ACTIVITY-NAME", "credits achieved", "Date Completed", "block",
                                "Learner Name"])
    assert key != headings_key(WEEKLY[:-1])
    assert key != headings_key(WEEKLY + ["Email"])
    assert len(key) == 64


def test_a_mapping_is_stored_and_read_back_as_plain_data():
    assert ColumnMapping.from_dict(MAPPED.as_dict()) == MAPPED
    assert MAPPED.as_dict()["values"] == {"source": "platform"}
    assert not ColumnMapping() and MAPPED


@pytest.mark.parametrize("text, pair", [("block=2", ("block", "2")), (" participant_id = Learner ID ",
                                         ("participant_id", "Learner ID")), ("note=a=b", ("note", "a=b")),
                                        ("source=", ("source", ""))])
def test_an_option_is_field_equals_the_rest(text, pair):
    assert option(text) == pair


@pytest.mark.parametrize("text", ["block", "=2", ""])
def test_an_option_without_a_field_and_an_equals_sign_is_refused(text):
    with pytest.raises(ValueError, match="is not FIELD=HEADING or FIELD=VALUE"):
        option(text)
