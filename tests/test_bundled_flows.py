"""Each bundled questionnaire, as participants go through it: skip logic, resume, double submit."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from survey.questionnaire import Definition

from .participant import Participant, responses, typical_answer

# (questionnaire, trigger item, answer that opens the follow-up, one that closes it, follow-up)
SKIPS = [
    ("patients", "cost_barrier", "yes", "no", "cost_detail"),
    ("patients", "referred", "yes", "no", "navigator_followup"),
    ("professionals", "thought_leaving", "yes", "no", "stay_help"),
    ("professionals", "team_setting", "other", "clinic", "team_setting_other"),
    ("citizens", "heard", "yes", "no", "heard_how"),
    ("citizens", "role", "other", "resident", "role_other"),
]


@pytest.mark.parametrize(("code", "trigger", "opens", "closes", "follow_up"), SKIPS,
                         ids=[f"{s[0]}-{s[4]}" for s in SKIPS])
def test_follow_up_questions_are_kept_only_when_they_apply(
        app: Flask, bundled: dict[str, Definition], code: str, trigger: str, opens: str,
        closes: str, follow_up: str) -> None:
    definition = bundled[code]
    assert definition.item(trigger) and definition.item(follow_up)
    if definition.item(trigger).type == "single":
        assert definition.item(trigger).choice(closes) is not None
    follow = typical_answer(definition, definition.item(follow_up))
    for answer in (opens, closes):
        participant = Participant(app.test_client())
        participant.start(code)
        participant.complete(definition, {trigger: [(trigger, answer)], follow_up: follow})
    first, second = responses(app)
    assert first.answers[trigger] == opens and follow_up in first.answers
    assert second.answers[trigger] == closes and follow_up not in second.answers


@pytest.mark.parametrize("code", ["patients", "professionals", "citizens"])
def test_resume_on_another_device_then_a_double_tap_on_finish(
        app: Flask, client: FlaskClient, bundled: dict[str, Definition], code: str) -> None:
    definition = bundled[code]
    first_device = Participant(client)
    first_device.start(code, "en")
    first_device.answer_page(definition)
    first_device.answer_page(definition, nav="later")
    link = first_device.html.split('id="resume-link" href="')[1].split('"')[0]
    assert link.startswith("/r/")

    second_device = Participant(app.test_client())
    second_device.get(link)
    assert second_device.section == definition.sections[1].code
    assert '<html lang="en">' in second_device.html
    while True:
        section = definition.section(second_device.section or "")
        pairs = [pair for item in section.items for pair in typical_answer(definition, item)]
        pairs += [("csrf_token", second_device.csrf), ("nav", "next")]
        replies = [second_device.client.post(second_device.path, data=MultiDict(pairs))
                   for _ in range(2)]  # every page tapped twice
        assert all(r.status_code == 302 for r in replies)
        second_device.get(replies[0].headers["Location"])
        if second_device.section is None:
            break
    assert second_device.path == f"/q/{code}/done"
    (response,) = responses(app)
    assert response.status == "completed"
