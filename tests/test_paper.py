"""Paper copies (issue 26): identifiers with a check character, the printed copy (every item
type printed or left out on purpose, skips in words in French and English), entry checked as
the participant pages check answers, single and double entry, settling, one response per
copy, two entries at once; and the pages (422 messages, polite refusals, navigators who
cannot read an entry back, navigators limited to their sites). SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select

from survey.auth import accounts
from survey.design import services as design
from survey.extensions import db
from survey.models import Campaign, Evaluation, Response, User
from survey.models.paper import ENTERED_ONCE, STORED, TO_SETTLE, PaperCopy, PaperEntry
from survey.models.response import MODE_PAPER
from survey.paper import entry, identifiers, services
from survey.paper.printing import printout
from survey.questionnaire import load_file
from survey.questionnaire.itemtypes import TYPES
from survey.timezones import DEFAULT_TIME_ZONE
from survey.versions import latest_version, store_definition

from .workspace import build_world, csrf, sign_in

DATA = Path(__file__).parent / "data"
# Between them, these definitions use every registered item type.
EVERY_TYPE_SOURCES = ("every_type.yaml", "new_types.yaml", "conformity_type.yaml",
                      "time_type.yaml", "computed_relevance.yaml", "team_network.yaml",
                      "paper_types.yaml")


def _today() -> str:
    """Today in the test evaluations' time zone (the instance's): a copy's date."""
    return dt.datetime.now(ZoneInfo(DEFAULT_TIME_ZONE)).date().isoformat()


@dataclass
class Paper:
    evaluation: int
    campaign: int
    users: dict[str, int]
    other_site_campaign: int  # a campaign of a site the navigator is not limited to


@pytest.fixture
def paper(app: Flask) -> Paper:
    world = build_world(app, passwords=False)
    with app.app_context():
        evaluation = db.session.get(Evaluation, world.a.evaluation)
        researcher = db.session.get(User, world.users["researcher"])
        site = evaluation.sites[0]
        campaign = design.create_campaign(evaluation, researcher,
                                          version=latest_version("patients"), site=site,
                                          wave=evaluation.waves[0])
        other = design.save_site(evaluation, None, name="Other clinic", kind="clinic",
                                 is_comparison=False)
        elsewhere = design.create_campaign(evaluation, researcher,
                                           version=latest_version("patients"), site=other,
                                           wave=evaluation.waves[0])
        navigator = db.session.get(User, world.users["navigator"])
        from survey.assess import services as assess

        membership = assess.membership_of(navigator, evaluation.id)
        assess.set_sites(membership, {site.id}, researcher)
        second = accounts.create_user("navigator2@example.org")
        accounts.set_role(second, evaluation, "navigator")
        users = {**world.users, "navigator2": second.id}
        return Paper(evaluation.id, campaign.id, users, elsewhere.id)


def _user(paper: Paper, role: str) -> User:
    return db.session.get(User, paper.users[role])


def _copy(paper: Paper, language: str = "fr") -> PaperCopy:
    campaign = db.session.get(Campaign, paper.campaign)
    return services.print_copies(campaign, 1, language, _user(paper, "researcher"))[0]


def _rosters(campaign: Campaign):  # noqa: ANN202
    definition = campaign.version.definition
    return lambda item: definition.roster(item, None)


# -- identifiers ---------------------------------------------------------------------------

def test_identifiers_are_unique_and_carry_a_check_character() -> None:
    drawn = {identifiers.new_identifier() for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(identifiers.is_valid(i) and len(i) == 8 for i in drawn)
    assert all(set(i) <= set(identifiers.ALPHABET) for i in drawn)
    assert not set("01ILO") & set(identifiers.ALPHABET)  # nothing to confuse on paper
    sample = sorted(drawn)[0]
    assert identifiers.normalise(" " + identifiers.formatted(sample).lower()) == sample


def test_every_typing_slip_of_one_character_or_a_swap_is_detected() -> None:
    for _ in range(50):
        identifier = identifiers.new_identifier()
        for position, original in enumerate(identifier):
            for other in identifiers.ALPHABET.replace(original, ""):
                slipped = identifier[:position] + other + identifier[position + 1:]
                assert not identifiers.is_valid(slipped), (identifier, slipped)
        for position in range(len(identifier) - 1):
            a, b = identifier[position], identifier[position + 1]
            if a != b:
                swapped = identifier[:position] + b + a + identifier[position + 2:]
                assert not identifiers.is_valid(swapped), (identifier, swapped)


# -- the printed copy ------------------------------------------------------------------------

def test_every_item_type_is_printed_or_left_out_on_purpose(app: Flask) -> None:
    seen: set[str] = set()
    with app.test_request_context():
        for name in EVERY_TYPE_SOURCES:
            definition = load_file(DATA / name)
            printed = printout(definition, lambda item, d=definition: d.roster(item, None))
            from flask import render_template

            html = render_template("paper/printable.html", printout=printed,
                                   definition=definition, language="fr",
                                   copies=[{"shown": "ABCD-EFGH", "anchor": "x",
                                            "qr": "<svg></svg>"}],
                                   context_line="", back_url=None, number=str)
            on_paper = {p.item.code for s in printed.sections for p in s.items}
            for item in definition.items():
                seen.add(item.type)
                if item in printed.never:  # its condition is false on every copy
                    assert item.code not in on_paper
                elif item.itemtype.shown and not (
                        item.itemtype.needs_roster and not definition.roster(item, None)):
                    assert item.code in on_paper, (name, item.code)
                    assert re.search(f'data-item="{item.code}(-1)?"', html), (name, item.code)
                    if item.answerable and item.choices:  # codes for data entry
                        block = re.split(f'data-item="{item.code}(?:-1)?"', html)[1].split(
                            "</tr>")[0]
                        assert f'<span class="code">{item.choices[0].key}</span>' in block
                else:
                    assert item.code not in on_paper
                    assert item.answerable is False or item in printed.omitted, item.code
    assert seen == set(TYPES), f"types no test definition uses: {set(TYPES) - seen}"


def test_ranking_nomination_and_matrix_print_what_a_pen_can_do(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        from flask import g, render_template

        g._locale_code = "en"
        definition = load_file(DATA / "paper_types.yaml")
        printed = printout(definition, lambda item: definition.roster(item, None))

        html = render_template("paper/printable.html", printout=printed,
                               definition=definition, language="en",
                               copies=[{"shown": None, "anchor": "s"}], context_line="",
                               back_url=None, number=str)
    codes = {p.item.type: p for s in printed.sections for p in s.items}
    nomination = codes["nomination"]
    assert [c.key for c in nomination.roster] == ["cisss", "city"]
    assert "Health board" in html and "Rarely" in html  # the roster's names, rated in a grid
    assert "Write 1 in the box of your first choice" in html
    assert 'class="box write"' in html  # a box to write the rank in
    assert "Write a number from 18 to 99" in html  # a long range: a number to write
    # a repeated page: its maximum of blocks, each question in each
    assert [(p.section.code, p.blocks) for p in printed.sections if p.blocks] == [("members", 4)]
    assert 'data-item="member_age-4"' in html and "Entry 4" in html
    assert all(p.number for p in codes.values() if p.item.answerable)


def _skips(definition_name: str, language: str, app: Flask) -> tuple[list[str], list[str]]:
    definition = load_file(Path("questionnaires") / definition_name)
    with app.test_request_context(), force_locale(language):
        from flask import g

        g._locale_code = language
        printed = printout(definition, lambda item: definition.roster(item, None))
    jumps = [j for s in printed.sections for p in s.items for j in p.jumps]
    before = [p.before for s in printed.sections for p in s.items if p.before]
    return jumps, before


def test_skip_instructions_are_written_in_words_in_french_and_english(app: Flask) -> None:
    definition = load_file(Path("questionnaires") / "patients.yaml")
    with app.test_request_context():
        numbers = {p.item.code: p.number for s in printout(
            definition, lambda item: ()).sections for p in s.items}
    jumps, before = _skips("patients.yaml", "en", app)
    after_cost = numbers["cost_detail"] + 1
    assert f"If you answered “No”, go to question {after_cost}." in jumps
    assert (f"If you did not answer “Another service”, go to question "
            f"{numbers['service_other'] + 1}.") in jumps
    # referral_useful depends on a question that is not just before it: said before it
    assert (f"Answer only if you answered “Yes” to question {numbers['referral_went']}."
            in before)
    jumps_fr, before_fr = _skips("patients.yaml", "fr", app)
    assert f"Si vous avez répondu «\u00a0Non\u00a0», passez à la question {after_cost}." \
        in jumps_fr
    assert any(b.startswith("Répondez seulement si vous avez répondu") for b in before_fr)


# -- entry -----------------------------------------------------------------------------------

def test_entry_checks_values_as_the_participant_pages_do(app: Flask, paper: Paper) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, paper.campaign)
        definition = campaign.version.definition
        rosters = _rosters(campaign)
        refused = entry.check_entry(definition, {"visits": ["many"], "service_type": ["spa"],
                                                 "cost_barrier": ["maybe"]}, rosters)
        assert set(refused.issues) == {"visits", "service_type", "cost_barrier"}
        assert refused.issues["visits"].reason != "required"
        # blank questions are blanks (the person left them), never "required"
        blank = entry.check_entry(definition, {}, rosters)
        assert blank.ok and blank.answers == {}
        # an answer to a question the copy's answers skip is flagged, not dropped
        flagged = entry.check_entry(definition, {"cost_barrier": ["no"],
                                                 "cost_detail": ["Bus"]}, rosters)
        assert flagged.ok and flagged.skipped == ["cost_detail"]
        assert flagged.answers["cost_detail"] == "Bus"


def test_single_entry_stores_one_paper_response_of_the_copy_campaign(app: Flask,
                                                                      paper: Paper) -> None:
    with app.app_context():
        copy = _copy(paper)
        done = services.record_entry(copy, {"cost_barrier": "no", "cost_detail": "Bus"},
                                     _user(paper, "navigator"))
        assert (done.number, done.status) == (1, STORED)
        response = db.session.scalar(select(Response))
        assert response.mode == MODE_PAPER and response.campaign_id == paper.campaign
        assert response.completed and response.language == "fr"
        assert response.answers == {"cost_barrier": "no"}  # the skipped answer left out
        assert db.session.get(PaperCopy, copy.id).response_id == response.id
        with pytest.raises(services.PaperError) as refused:
            services.record_entry(db.session.get(PaperCopy, copy.id), {"cost_barrier": "yes"},
                                  _user(paper, "evaluator"))
        assert refused.value.reason == "stored"
        assert db.session.scalar(select(db.func.count()).select_from(Response)) == 1


def _double(app: Flask, paper: Paper) -> None:
    with app.app_context():
        services.set_double_entry(db.session.get(Campaign, paper.campaign), True,
                                  _user(paper, "researcher"))


def test_identical_double_entries_are_stored_at_once(app: Flask, paper: Paper) -> None:
    _double(app, paper)
    with app.app_context():
        copy = _copy(paper)
        answers = {"service_type": "clinic", "visits": 3}
        first = services.record_entry(copy, answers, _user(paper, "navigator"))
        assert first.status == ENTERED_ONCE
        assert db.session.scalar(select(Response)) is None  # kept apart until settled
        with pytest.raises(services.PaperError) as refused:  # the second is someone else's
            services.record_entry(db.session.get(PaperCopy, copy.id), answers,
                                  _user(paper, "navigator"))
        assert refused.value.reason == "second_by_other"
        second = services.record_entry(db.session.get(PaperCopy, copy.id),
                                       {"service_type": "clinic", "visits": 3.0},
                                       _user(paper, "navigator2"))
        assert second.status == STORED
        assert db.session.scalar(select(Response)).answers == answers
        with pytest.raises(services.PaperError):
            services.set_double_entry(db.session.get(Campaign, paper.campaign), False,
                                      _user(paper, "researcher")) if False else \
                services.record_entry(db.session.get(PaperCopy, copy.id), answers,
                                      _user(paper, "evaluator"))


def test_different_double_entries_are_settled_into_one_response(app: Flask,
                                                                paper: Paper) -> None:
    _double(app, paper)
    with app.app_context():
        copy = _copy(paper)
        services.record_entry(copy, {"service_type": "clinic", "visits": 3,
                                     "cost_barrier": "no"}, _user(paper, "navigator"))
        # a copy waiting for its second entry keeps the setting as it is
        with pytest.raises(services.PaperError) as refused:
            services.set_double_entry(db.session.get(Campaign, paper.campaign), False,
                                      _user(paper, "researcher"))
        assert refused.value.reason == "waiting"
        done = services.record_entry(db.session.get(PaperCopy, copy.id),
                                     {"service_type": "coop", "visits": 8,
                                      "cost_barrier": "no"}, _user(paper, "navigator2"))
        assert done.status == TO_SETTLE
        copy = db.session.get(PaperCopy, copy.id)
        first, second = copy.entries[0].answers, copy.entries[1].answers
        assert set(services.differences(first, second)) == {"service_type", "visits"}
        campaign = copy.campaign
        items = services.items_differing(campaign.version.definition, first, second)
        assert [i.code for i in items] == ["service_type", "visits"]
        settled, issues, unpicked = entry.settled_answers(
            campaign.version.definition, items, {"service_type": "2", "visits": "typed"},
            first, second, {"visits": ["5"]}, _rosters(campaign))
        assert not issues and not unpicked
        response = services.settle(copy, settled, _user(paper, "evaluator"))
        assert response.answers == {"service_type": "coop", "visits": 5, "cost_barrier": "no"}
        with pytest.raises(services.PaperError):
            services.settle(db.session.get(PaperCopy, copy.id), settled,
                            _user(paper, "evaluator"))
        assert db.session.scalar(select(db.func.count()).select_from(Response)) == 1


def test_two_entries_posted_at_once_keep_one(app: Flask, paper: Paper) -> None:
    with app.app_context():
        identifier = _copy(paper).identifier
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def enter(role: str) -> None:
        with app.app_context():
            copy = db.session.scalar(select(PaperCopy).filter_by(identifier=identifier))
            barrier.wait()
            try:
                outcomes.append(services.record_entry(copy, {"visits": 2},
                                                      _user(paper, role)).status)
            except services.PaperError as refused:
                outcomes.append(refused.reason)

    threads = [threading.Thread(target=enter, args=(r,)) for r in ("navigator", "evaluator")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already", STORED]
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Response)) == 1
        assert db.session.scalar(select(db.func.count()).select_from(PaperEntry)) == 1


# -- the pages -------------------------------------------------------------------------------

def _signed(app: Flask, paper: Paper, role: str):  # noqa: ANN202
    client = app.test_client()
    sign_in(client, app, paper.users[role])
    return client


def test_print_page_makes_copies_and_prints_each_with_its_qr_code(app: Flask,
                                                                  paper: Paper) -> None:
    client = _signed(app, paper, "evaluator")
    url = f"/evaluations/{paper.evaluation}/paper/campaigns/{paper.campaign}"
    page = client.get(url)
    refused = client.post(url, data={"csrf_token": csrf(page), "action": "print",
                                     "count": "0", "language": "fr"})
    assert refused.status_code == 422
    assert "Imprimez entre 1 et 500" in refused.get_data(as_text=True)
    made = client.post(url, data={"csrf_token": csrf(page), "action": "print", "count": "3",
                                  "language": "en"})
    printed = client.get(made.headers["Location"]).get_data(as_text=True)
    shown = re.findall(r'class="identifier">([0-9A-Z-]+)<', printed)
    assert len(shown) == 3 and len(re.findall(r'<svg[^>]*class="qr"', printed)) == 3
    assert "Which service invited you to answer?" in printed  # the copies' language
    with app.app_context():
        stored = {c.identifier for c in db.session.scalars(select(PaperCopy))}
    assert {s.replace("-", "") for s in shown} == stored
    listing = client.get(url).get_data(as_text=True)
    assert all(s in listing for s in shown)


def test_entry_pages_refuse_politely_and_navigators_cannot_read_back(app: Flask,
                                                                     paper: Paper) -> None:
    with app.app_context():
        identifier = _copy(paper).identifier
        elsewhere = services.print_copies(db.session.get(Campaign, paper.other_site_campaign),
                                          1, "fr", _user(paper, "researcher"))[0].identifier
    client = _signed(app, paper, "navigator")
    start = f"/evaluations/{paper.evaluation}/paper/entry"
    page = client.get(start)
    token = csrf(page)
    slip = identifier[:-1] + next(c for c in identifiers.ALPHABET if c != identifier[-1])
    for typed, words in ((slip, "erreur de frappe"), ("hello", "8 lettres et chiffres"),
                         (elsewhere, "Aucune copie")):  # another site's copy: unknown
        refused = client.post(start, data={"csrf_token": token, "identifier": typed})
        assert refused.status_code == 422 and words in refused.get_data(as_text=True)
    opened = client.post(start, data={"csrf_token": token,
                                      "identifier": identifiers.formatted(identifier)})
    form_url = opened.headers["Location"]
    form = client.get(form_url)
    assert form.status_code == 200 and 'class="code">service_type<' in form.get_data(
        as_text=True)
    bad = client.post(form_url, data={"csrf_token": token, "visits": "beaucoup",
                                      "copy-date": _today()})
    assert bad.status_code == 422 and "nombre entier" in bad.get_data(as_text=True)
    saved = client.post(form_url, data={"csrf_token": token, "visits": "4",
                                        "copy-date": _today()})
    assert saved.status_code == 302
    again = client.get(form_url, follow_redirects=True)
    text = again.get_data(as_text=True)
    assert "déjà été saisie" in text and 'name="visits"' not in text
    assert "Vous avez saisi 1 copie" in text  # a count of their work, never answers
    assert client.get(f"/evaluations/{paper.evaluation}/paper/campaigns/"
                      f"{paper.campaign}").status_code == 403
    assert client.get(f"/evaluations/{paper.evaluation}/paper/settle/{identifier}"
                      ).status_code == 403


def test_settle_page_shows_both_entries_and_stores_the_choice(app: Flask,
                                                              paper: Paper) -> None:
    _double(app, paper)
    with app.app_context():
        copy = _copy(paper)
        identifier = copy.identifier
        services.record_entry(copy, {"visits": 3}, _user(paper, "navigator"))
        services.record_entry(db.session.get(PaperCopy, copy.id), {"visits": 8},
                              _user(paper, "navigator2"))
    client = _signed(app, paper, "researcher")
    url = f"/evaluations/{paper.evaluation}/paper/settle/{identifier}"
    page = client.get(url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Première saisie\u00a0:" in text and ">3<" in text
    missing = client.post(url, data={"csrf_token": csrf(page)})
    assert missing.status_code == 422
    done = client.post(url, data={"csrf_token": csrf(page), "pick-visits": "2"})
    assert done.status_code == 302
    with app.app_context():
        response = db.session.scalar(select(Response))
        assert response.answers == {"visits": 8} and response.mode == MODE_PAPER


def test_every_item_type_can_be_typed_back(app: Flask, paper: Paper) -> None:
    """The entry form of a definition with every type shows each printed question (with its
    number) and accepts each type's typical answer."""
    client = _signed(app, paper, "navigator")
    for name in EVERY_TYPE_SOURCES:
        with app.test_request_context():
            evaluation = db.session.get(Evaluation, paper.evaluation)
            version = store_definition(load_file(DATA / name), name).version
            campaign = design.create_campaign(evaluation, _user(paper, "researcher"),
                                              version=version, site=evaluation.sites[0],
                                              wave=evaluation.waves[0])
            identifier = services.print_copies(campaign, 1, "fr",
                                               _user(paper, "researcher"))[0].identifier
            definition = campaign.version.definition
            rosters = _rosters(campaign)
            printed = printout(definition, rosters)
            raw: dict[str, list[str]] = {}
            for item in entry.entry_items(definition):
                for key, value in item.itemtype.example(item, rosters(item)):
                    raw.setdefault(key, []).append(value)
            checked = entry.check_entry(definition, raw, rosters)
            assert checked.ok, (name, checked.issues)
        page = client.get(f"/evaluations/{paper.evaluation}/paper/entry/{identifier}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200, name
        for part in printed.sections:
            for each in part.items:
                if each.number:
                    assert re.search(f'id="q-{each.item.code}(-1)?"', html), each.item.code
        token = csrf(page)
        saved = client.post(f"/evaluations/{paper.evaluation}/paper/entry/{identifier}",
                            data={"csrf_token": token, "confirm_skipped": "on",
                                  "copy-date": _today(), **raw})
        assert saved.status_code == 302, (name, saved.get_data(as_text=True)[:3000])
        with app.app_context():
            copy = db.session.scalar(select(PaperCopy).filter_by(identifier=identifier))
            assert copy.status == STORED and copy.entries[0].answers == checked.answers


def test_a_repeated_page_is_printed_in_blocks_and_typed_back_block_by_block(
        app: Flask, paper: Paper) -> None:
    definition = load_file(DATA / "household.yaml")
    with app.test_request_context(), force_locale("en"):
        from flask import g

        g._locale_code = "en"
        printed = printout(definition, lambda item: ())
        members = next(p for p in printed.sections if p.section.code == "members")
        assert members.blocks == 6 and members.block_title(2) == "Person 2"
    numbers = {p.item.code: p.number for s in printed.sections for p in s.items}
    assert members.fill == (f"Fill in one block for each, as many as your answer to question "
                            f"{numbers['household_size']} (at most 6).")
    school = next(p for p in members.items if p.item.code == "school")
    assert school.before == f"Answer only if your answer to question {numbers['age']} is " \
        "less than 18."
    # the question after the repeated pages keeps its own number: jumps count the blocks' too
    assert numbers["op1"] == numbers["visit_rating"] + 1
    rosters = lambda item: ()  # noqa: E731
    names = entry.input_names(definition, rosters)
    assert "age-6" in names and "visit_reason-3" in names and "age-7" not in names
    raw = {"household_size": ["2"], "age-1": ["34"], "relation-1": ["partner"],
           "school-1": ["yes"], "age-2": ["250"], "visit_reason-1": ["Vaccin"]}
    refused = entry.check_entry(definition, raw, rosters)
    assert set(refused.issues) == {"age-2"}
    raw["age-2"] = ["5"]
    checked = entry.check_entry(definition, raw, rosters)
    assert checked.ok and checked.answers["members"] == [
        {"age": 34, "relation": "partner", "school": "yes"}, {"age": 5}]
    assert checked.answers["visits"] == [{"visit_reason": "Vaccin"}]
    assert checked.skipped == ["school-1"]  # an adult does not go to school: flagged


def test_a_repeated_page_that_differs_is_settled_whole(app: Flask, paper: Paper) -> None:
    with app.test_request_context():
        evaluation = db.session.get(Evaluation, paper.evaluation)
        version = store_definition(load_file(DATA / "household.yaml"), "household.yaml").version
        campaign = design.create_campaign(evaluation, _user(paper, "researcher"),
                                          version=version, site=evaluation.sites[0],
                                          wave=evaluation.waves[0])
        services.set_double_entry(campaign, True, _user(paper, "researcher"))
        copy = services.print_copies(campaign, 1, "en", _user(paper, "researcher"))[0]
        identifier = copy.identifier
        services.record_entry(copy, {"household_size": 1, "members": [{"age": 34}]},
                              _user(paper, "navigator"))
        services.record_entry(db.session.get(PaperCopy, copy.id),
                              {"household_size": 1, "members": [{"age": 43}]},
                              _user(paper, "navigator2"))
    client = _signed(app, paper, "evaluator")
    url = f"/evaluations/{paper.evaluation}/paper/settle/{identifier}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert "Personne 1\u00a0: 34" in html and "Personne 1\u00a0: 43" in html
    done = client.post(url, data={"csrf_token": csrf(page), "pick-members": "2"})
    assert done.status_code == 302
    with app.app_context():
        response = db.session.scalar(select(Response))
        assert response.answers == {"household_size": 1, "members": [{"age": 43}]}


def test_settled_answers_work_their_calculations_out_again(app: Flask, paper: Paper) -> None:
    with app.test_request_context():
        evaluation = db.session.get(Evaluation, paper.evaluation)
        source = DATA / "computed_relevance.yaml"
        version = store_definition(load_file(source), source.name).version
        campaign = design.create_campaign(evaluation, _user(paper, "researcher"),
                                          version=version, site=evaluation.sites[0],
                                          wave=evaluation.waves[0])
        services.set_double_entry(campaign, True, _user(paper, "researcher"))
        copy = services.print_copies(campaign, 1, "fr", _user(paper, "researcher"))[0]
        definition, rosters = campaign.version.definition, _rosters(campaign)
        typed = [entry.check_entry(definition, {"adults": [adults], "children": ["1"]},
                                   rosters).answers for adults in ("2", "4")]
        assert (typed[0]["people"], typed[1]["people"]) == (3, 5)
        services.record_entry(copy, typed[0], _user(paper, "navigator"))
        services.record_entry(db.session.get(PaperCopy, copy.id), typed[1],
                              _user(paper, "navigator2"))
        copy = db.session.get(PaperCopy, copy.id)
        items = services.items_differing(definition, typed[0], typed[1])
        assert [i.code for i in items] == ["adults"]  # computed values are not settled
        settled, issues, unpicked = entry.settled_answers(
            definition, items, {"adults": "typed"}, typed[0], typed[1], {"adults": ["6"]},
            rosters)
        response = services.settle(copy, settled, _user(paper, "researcher"),
                                   lambda answers: entry.recomputed(definition, answers,
                                                                    rosters))
        assert (response.answers["adults"], response.answers["people"],
                response.answers["crowded"]) == (6, 7, "yes")


def test_conditions_on_fixed_values_are_settled_before_printing(app: Flask) -> None:
    """A condition on a value the form fixes is the same on every copy: true, the question is
    printed without it; false (a link's value, which paper never has), it is not asked."""
    definition = load_file(DATA / "computed_relevance.yaml")
    with app.test_request_context(), force_locale("en"):
        from flask import g

        g._locale_code = "en"
        printed = printout(definition, lambda item: ())
    shown = {p.item.code: p for s in printed.sections for p in s.items}
    assert "second_visit" in shown and shown["second_visit"].before is None  # wave = 2
    assert "clinic_name" not in shown  # site = 'clinic' needs the campaign link
    assert [i.code for i in printed.never] == ["clinic_name"]
    assert {i.code for i in printed.omitted} >= {"wave", "site", "people", "crowded"}


def test_the_example_identifier_the_pages_give_is_a_valid_one() -> None:
    assert identifiers.is_valid(identifiers.normalise("7K3M-QX9S"))


# -- the date written on a copy ----------------------------------------------------------------

def _back_in_time(paper: Paper, copy: PaperCopy, days: int) -> None:
    """The campaign and the copy made ``days`` ago (the copy printed then)."""
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    db.session.get(Campaign, paper.campaign).created_at = earlier
    copy.printed_at = earlier
    db.session.commit()


def test_an_entry_is_dated_the_day_written_on_the_copy(app: Flask, paper: Paper) -> None:
    with app.app_context():
        copy = _copy(paper)
        _back_in_time(paper, copy, 90)
        identifier = copy.identifier
    zone = ZoneInfo(DEFAULT_TIME_ZONE)
    today = dt.datetime.now(zone).date()
    client = _signed(app, paper, "navigator")
    url = f"/evaluations/{paper.evaluation}/paper/entry/{identifier}"
    page = client.get(url + "?lang=en")
    assert 'type="date"' in page.get_data(as_text=True)
    token = csrf(page)
    for typed, words in (("", "Type the date written on the copy"),
                         ((today + dt.timedelta(days=1)).isoformat(), "in the future"),
                         ((today - dt.timedelta(days=200)).isoformat(), "before the copy"),
                         ("31/02/2026", "not a date")):
        refused = client.post(url + "?lang=en", data={"csrf_token": token, "visits": "4",
                                                      "copy-date": typed})
        html = refused.get_data(as_text=True)
        assert refused.status_code == 422 and words in html, typed
        assert 'href="#q-copy-date">Date written on the copy<' in html
    # the same refusal in French, the reader's language
    future = client.post(url + "?lang=fr", data={"csrf_token": token, "visits": "4",
                                                 "copy-date": (today + dt.timedelta(days=3)
                                                               ).isoformat()})
    assert future.status_code == 422 and "dans le futur" in future.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Response)) is None
    filled = today - dt.timedelta(days=60)
    saved = client.post(url, data={"csrf_token": token, "visits": "4",
                                   "copy-date": filled.strftime("%d/%m/%Y")})
    assert saved.status_code == 302
    with app.app_context():
        response = db.session.scalar(select(Response))
        assert response.completed_at.astimezone(zone).date() == filled
        assert response.completed_at.astimezone(zone).hour == 12  # noon: the day only
        assert response.started_at == response.completed_at
        assert db.session.scalar(select(PaperEntry)).filled_on == filled


def test_two_entries_with_different_dates_are_settled_like_a_field(app: Flask,
                                                                   paper: Paper) -> None:
    _double(app, paper)
    today = dt.datetime.now(ZoneInfo(DEFAULT_TIME_ZONE)).date()
    march, april = today - dt.timedelta(days=40), today - dt.timedelta(days=10)
    with app.app_context():
        copy = _copy(paper)
        _back_in_time(paper, copy, 90)
        identifier = copy.identifier
        services.record_entry(copy, {"visits": 3}, _user(paper, "navigator"), march)
        done = services.record_entry(db.session.get(PaperCopy, copy.id), {"visits": 3},
                                     _user(paper, "navigator2"), april)
        assert done.status == TO_SETTLE  # the answers agree, the dates do not
    client = _signed(app, paper, "researcher")
    url = f"/evaluations/{paper.evaluation}/paper/settle/{identifier}?lang=en"
    page = client.get(url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "differ on 1 question" in text
    assert 'name="pick-copy-date"' in text and 'name="pick-visits"' not in text
    missing = client.post(url, data={"csrf_token": csrf(page)})
    assert missing.status_code == 422 and "type the date" in missing.get_data(as_text=True)
    done = client.post(url, data={"csrf_token": csrf(page), "pick-copy-date": "1"})
    assert done.status_code == 302
    with app.app_context():
        response = db.session.scalar(select(Response))
        assert response.answers == {"visits": 3}
        assert response.completed_at.astimezone(ZoneInfo(DEFAULT_TIME_ZONE)).date() == march


def test_two_entries_with_the_same_date_are_stored_with_it(app: Flask, paper: Paper) -> None:
    _double(app, paper)
    day = dt.datetime.now(ZoneInfo(DEFAULT_TIME_ZONE)).date() - dt.timedelta(days=5)
    with app.app_context():
        copy = _copy(paper)
        _back_in_time(paper, copy, 30)
        services.record_entry(copy, {"visits": 3}, _user(paper, "navigator"), day)
        done = services.record_entry(db.session.get(PaperCopy, copy.id), {"visits": 3},
                                     _user(paper, "navigator2"), day)
        assert done.status == STORED
        response = db.session.scalar(select(Response))
        assert response.completed_at.astimezone(ZoneInfo(DEFAULT_TIME_ZONE)).date() == day
