"""What a partner's report proposes, in the tracker's terms (INTERCHANGE.md "Reports as people
have them"): a register from a Teams, Zoom or Moodle attendance report, credits from Moodle's
activity completion report. Plain functions over the readers' results (imports/reports) and plain
rows of participants and activities: no database. imports/from_report.py gathers those rows and
imports what is proposed through the kind's own importer.
"""
