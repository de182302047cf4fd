"""The database tables, one module per part of the domain."""
from .reference import Activity, Block, Cohort, Course, ScheduleOutput  # noqa: F401
from .people import DeliveryPartner, Participant  # noqa: F401
from .evidence import AssessmentRecord, CreditRecord, ImportBatch, RegisterEntry, VideoViewRecord  # noqa: F401
from .outcomes import Extension, OutputRecord  # noqa: F401
