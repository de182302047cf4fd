"""One importer per kind of file, shared by `flask import` and the browser's uploads."""
from .base import ImportResult, RowError, run_import  # noqa: F401

KINDS = ("participants", "credits", "attendance", "video-views", "assessments")


def importer_for(kind: str, context):
    from .evidence import AssessmentsImporter, AttendanceImporter, CreditsImporter, VideoViewsImporter
    from .participants import ParticipantsImporter

    classes = {
        "participants": ParticipantsImporter,
        "credits": CreditsImporter,
        "attendance": AttendanceImporter,
        "video-views": VideoViewsImporter,
        "assessments": AssessmentsImporter,
    }
    return classes[kind](context)
