"""Database models, one module per part of the domain."""

from .account import AccountLink, Membership, User
from .assess import MembershipSite
from .audit import AuditEvent
from .collect import Collection, EvaluationKey
from .designer import DraftRevision
from .followup import (
    FollowupAttempt,
    FollowupPerson,
    FollowupSeries,
    FollowupStep,
    FollowupTask,
)
from .invitation import Contact, Delivery, Invitation, Mailing
from .job import Job
from .mail import QueuedMail
from .paper import PaperCopy, PaperEntry, PaperSetting
from .questionnaire import (
    Questionnaire,
    QuestionnaireDraft,
    QuestionnaireMedia,
    QuestionnaireVersion,
)
from .response import DataStamp, Response, SpentToken
from .restitution import Finding, Reaction, ResultsPage
from .review import ItemProposal, Reviewer, ReviewRating, ReviewRound
from .workspace import Campaign, Evaluation, Site, Team, TeamMember, Wave

__all__ = ["AccountLink", "AuditEvent", "Campaign", "Evaluation", "Membership", "Questionnaire",
           "QuestionnaireDraft", "QuestionnaireVersion", "Response", "Site", "SpentToken", "Team",
           "TeamMember", "User", "Wave"]
__all__ += ["Contact", "Delivery", "Invitation", "Mailing", "QuestionnaireMedia", "QueuedMail"]
__all__ += ["DataStamp", "DraftRevision", "Job", "MembershipSite"]
__all__ += ["Collection", "EvaluationKey"]
__all__ += ["Finding", "Reaction", "ResultsPage"]
__all__ += ["PaperCopy", "PaperEntry", "PaperSetting"]
__all__ += ["ItemProposal", "ReviewRating", "ReviewRound", "Reviewer"]
__all__ += ["FollowupAttempt", "FollowupPerson", "FollowupSeries", "FollowupStep",
            "FollowupTask"]
