"""A campaign of evaluation A asking the assisted household questionnaire
(tests/data/assisted_household.yaml: repeated pages, constraints), for the assisted-mode tests."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from survey.design import services
from survey.extensions import db
from survey.models import Campaign, User
from survey.questionnaire import load_file
from survey.versions import latest_version, store_definition

from .workspace import World

HOUSEHOLD = Path(__file__).parent / "data" / "assisted_household.yaml"


def household_campaign(app: Flask, world: World) -> int:
    """An open campaign of evaluation A, at its site, asking the household questionnaire."""
    assert world.a is not None
    with app.app_context():
        store_definition(load_file(HOUSEHOLD), HOUSEHOLD.name)
        researcher = db.session.get(User, world.users["researcher"])
        old = db.session.get(Campaign, world.a.campaign)
        campaign = services.create_campaign(
            old.evaluation, researcher, version=latest_version("assisted_household"),
            site=old.site, wave=old.wave)
        services.set_campaign_status(campaign, "open", researcher)
        return campaign.id
