"""Self-assessment: the sites a membership is limited to.

A membership with no row here sees every site of its evaluation (every membership made before
this table existed stays so); with rows, a partner sees the results of those sites only.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class MembershipSite(db.Model):
    """One site a membership is limited to (the membership and the site in one evaluation)."""

    __tablename__ = "membership_site"

    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
