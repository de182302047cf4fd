"""The database tables, one module per part of the domain."""
from .reference import Activity, Block, BlockWindow, Cohort, Course, ScheduleOutput  # noqa: F401
from .people import DeliveryPartner, OtherEmail, Participant  # noqa: F401
from .evidence import AssessmentRecord, CreditRecord, ImportBatch, RegisterEntry, VideoViewRecord  # noqa: F401
from .outcomes import Extension, OutputRecord  # noqa: F401
from .accounts import SignInAttempt, SignInThrottle, User, UserSession  # noqa: F401
from .audit import AuditEvent  # noqa: F401
from .escalation import ContactAttempt, Deferral, WithdrawalRequest  # noqa: F401
from .registers import PartnershipMeeting, PendingUpload, RegisterSession, SavedMapping  # noqa: F401
from .declarations import DeclarationEvent, DeclarationRecord, DeclarationRefresh  # noqa: F401
from .version import CachedResult, DataVersion  # noqa: F401
from .emails import EmailBatch, EmailSent, EmailTemplate  # noqa: F401
from .jobs import Job  # noqa: F401
from .dfe import DfeDeliveryPartner, DfeEnrolment, DfeStatement, DfeSync  # noqa: F401
from .dfe_changes import DfeChange  # noqa: F401
