"""Readers of the reports partners hold (INTERCHANGE.md "Reports as people have them", FORMATS.md):
Teams and Zoom attendance reports, Moodle's activity completion report and its attendance
plugin's export. Each is a pure function from a file's bytes to plain values (results.py); the
registry recognises a file from its content. They know nothing of the database: the importers
match people and turn these values into the tracker's kinds.
"""
from .presence import Interval, merged, seconds_present, whole_minutes  # noqa: F401
from .registry import BY_NAME, FORMATS, ReportFormat, identify, read_report, recognise  # noqa: F401
from .results import (DAY_FIRST, MARKED, MONTH_FIRST, NOT_IN_GROUP, NOT_TAKEN, OUTSIDE_ENROLMENT,  # noqa: F401
                      UNREADABLE, Activity, AttendanceReport, Attendee, Completion, CompletionReport, DateOrder,
                      Learner, Mark, RegisterExport, RegisterPerson, Report, RowProblem, Session)
