"""State changes of invitations: generate, import contacts, revoke, open by token, export links.

Views and commands call these; nothing here renders a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update

from ..audit import record
from ..extensions import db
from ..links import external_url
from ..models import Campaign, Contact, Invitation, Response, User
from ..models.response import COMPLETED
from ..models.types import utcnow
from ..secrets import derive, digest, new_secret
from .contacts import ContactRow, csv_text

MAX_GENERATE = 5000
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
SEED_BYTES = 16  # 128 random bits per invitation, on top of the app's key


def token_for(invitation: Invitation) -> str:
    """The invitation's token (192 bits): derived from the app's key and its random seed, so
    links can be shown, exported and emailed again while only the token's digest is stored."""
    return derive(current_app.config["SECRET_KEY"], "invitation", invitation.seed)


def invitation_link(invitation: Invitation) -> str:
    return external_url("invite.welcome", token=token_for(invitation))


def unsubscribe_link(invitation: Invitation) -> str:
    return external_url("invite.unsubscribe", token=token_for(invitation))


def new_invitation(campaign: Campaign, contact: Contact | None = None) -> Invitation:
    invitation = Invitation(campaign=campaign, contact=contact, seed=new_secret(SEED_BYTES))
    invitation.token_hash = digest(token_for(invitation))
    return invitation


def audit(action: str, campaign: Campaign, actor: User | None, **details: object) -> None:
    """An audit event joining the caller's change (committed with it)."""
    record(action, f"campaign {campaign.id}", actor=actor, evaluation_id=campaign.evaluation_id,
           commit=False, **details)


def generate(campaign: Campaign, count: int, actor: User | None = None) -> list[Invitation]:
    """``count`` anonymous single-use invitations (links to hand out or mail-merge)."""
    if not 1 <= count <= MAX_GENERATE:
        raise ValueError(f"between 1 and {MAX_GENERATE} invitations at a time")
    invitations = [new_invitation(campaign) for _ in range(count)]
    db.session.add_all(invitations)
    audit("invitations-generated", campaign, actor, count=count)
    db.session.commit()
    return invitations


@dataclass(frozen=True)
class Imported:
    invited: int  # new invitations
    already: int  # contacts this campaign already invites


def import_contacts(campaign: Campaign, rows: Iterable[ContactRow],
                    actor: User | None = None) -> Imported:
    """Add the contacts to the evaluation (known addresses keep their record) and give each one
    invitation to the campaign."""
    rows = list(rows)
    known = {c.email.lower(): c for c in db.session.scalars(
        select(Contact).where(Contact.evaluation_id == campaign.evaluation_id,
                              func.lower(Contact.email).in_([r.email.lower() for r in rows])))}
    invited_ids = set(db.session.scalars(select(Invitation.contact_id).where(
        Invitation.campaign_id == campaign.id, Invitation.contact_id.is_not(None))))
    new = already = 0
    for row in rows:
        contact = known.get(row.email.lower())
        if contact is None:
            contact = Contact(evaluation_id=campaign.evaluation_id, email=row.email,
                              name=row.name, language=row.language)
            db.session.add(contact)
            known[row.email.lower()] = contact
        elif contact.id in invited_ids:
            already += 1
            continue
        db.session.add(new_invitation(campaign, contact))
        new += 1
    audit("invitations-imported", campaign, actor, invited=new, already=already)
    db.session.commit()
    return Imported(invited=new, already=already)


def find(token: str) -> Invitation | None:
    """The invitation of a token from a link (malformed tokens find nothing)."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    return db.session.scalar(select(Invitation).filter_by(token_hash=digest(token)))


def revoke(invitation: Invitation, actor: User | None = None) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        audit("invitation-revoked", invitation.campaign, actor, invitation=invitation.id)
    db.session.commit()


def unsubscribe(invitation: Invitation) -> None:
    if invitation.unsubscribed_at is None:
        invitation.unsubscribed_at = utcnow()
    db.session.commit()


def attach_response(invitation_id: int, response_id: int) -> int:
    """Bind the response a token started to its invitation, once: returns the response the
    invitation keeps (the first one bound, if two requests raced)."""
    db.session.execute(update(Invitation).where(
        Invitation.id == invitation_id, Invitation.response_id.is_(None)).values(
        response_id=response_id, used_at=utcnow()))
    db.session.commit()
    return db.session.scalar(select(Invitation.response_id).where(Invitation.id == invitation_id))


def start_token_for(invitation: Invitation) -> str:
    """The consent form's start token for this invitation: always the same, so every consent
    posted through one invitation finds the one response it started."""
    return derive(current_app.config["SECRET_KEY"], "invitation-start", invitation.seed)


def status(invitation: Invitation) -> str:
    if invitation.revoked_at is not None:
        return "revoked"
    response: Response | None = invitation.response
    if response is not None and response.status == COMPLETED:
        return "completed"
    if response is not None:
        return "started"
    if invitation.invited_at is not None:
        return "sent"
    return "new"


LINK_HEADER = ("invitation", "email", "name", "language", "link", "status")


def links_csv(campaign: Campaign) -> str:
    """The personalised links of a campaign for a mail merge, every cell neutralised."""
    invitations = db.session.scalars(select(Invitation).where(
        Invitation.campaign_id == campaign.id).order_by(Invitation.id))
    rows = []
    for invitation in invitations:
        contact = invitation.contact
        rows.append((invitation.id, contact.email if contact else "",
                     contact.name if contact else "", contact.language if contact else "",
                     invitation_link(invitation), status(invitation)))
    return csv_text(LINK_HEADER, rows)
