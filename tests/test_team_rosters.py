"""Nominations of the campaign's team members (``roster: campaign``, the classic
shared-leadership network design): results, indicators, report and exports carry each team's
roster, a member who leaves keeps labelling old answers, and nobody but researchers and
evaluators sees a member's name."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pyreadstat
import pytest
from flask import Flask
from openpyxl import load_workbook

from survey.design import services
from survey.extensions import db
from survey.models import Campaign, Response, Team, User
from survey.models.response import COMPLETED
from survey.models.types import utcnow
from survey.questionnaire.loader import load_file
from survey.secrets import digest, new_secret
from survey.versions import store_definition

from .workspace import World, build_world, sign_in

FIXTURE = Path(__file__).parent / "data" / "team_network.yaml"
NORTH = ["Alex Martin", "Sam Roy", "Kim Tran", "Lou Gagnon", "Noa Petit", "Eli Fortin"]
SOUTH = ["Jo Li", "Ana Costa", "Rémi Diallo", "Zoé Caron", "Max Ouellet"]


@dataclass
class Network:
    world: World
    north: int  # campaign ids
    south: int

    def get(self, app: Flask, who: str, path: str, lang: str = "fr") -> str:
        response = self.fetch(app, who, path, lang)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return response.get_data(as_text=True)

    def fetch(self, app: Flask, who: str, path: str, lang: str = "fr"):  # noqa: ANN201
        client = app.test_client()
        sign_in(client, app, self.world.users[who])
        with client.session_transaction() as session:
            session["lang"] = lang
        return client.get(path)

    @property
    def results(self) -> str:
        return f"/results/e/{self.world.a.evaluation}"


def answer(version_id: int, campaign: Campaign, codes: list[str], offset: int = 0) -> None:
    """Every member answers: who they are, and whom they rely on (1 to 3 others, rated)."""
    for k, me in enumerate(codes):
        others = [c for c in codes if c != me][: 1 + (k + offset) % 3]
        answers = {"tw_decide": 1 + k % 5, "tw_voice": 2 + k % 4, "tw_alone_r": 5 - k % 5,
                   "me": [me], "leaders": {c: 1 + (k + j) % 5 for j, c in enumerate(others)}}
        db.session.add(Response(
            version_id=version_id, campaign_id=campaign.id, status=COMPLETED, language="fr",
            answers=answers, resume_hash=digest(new_secret()), start_hash=digest(new_secret()),
            completed_at=utcnow()))


@pytest.fixture
def network(app: Flask) -> Network:
    """Two teams of the same name at two sites, each nominating its own members."""
    world = build_world(app, passwords=False)
    with app.app_context():
        version = store_definition(load_file(FIXTURE)).version
        researcher = db.session.get(User, world.users["researcher"])
        evaluation = db.session.get(services.Evaluation, world.a.evaluation)
        north = db.session.get(Team, world.a.team)
        services.set_team_roster(north, "\n".join(NORTH))
        site = services.save_site(evaluation, None, name="Sud", kind="clinic",
                                  is_comparison=False)
        south = services.save_team(site, None, name=north.name)  # the same team name
        services.set_team_roster(south, "\n".join(SOUTH))
        ids = []
        for team, names in ((north, NORTH), (south, SOUTH)):
            campaign = services.create_campaign(evaluation, researcher, version=version,
                                                site=team.site, team=team)
            services.set_campaign_status(campaign, "open", researcher)
            answer(version.id, campaign, [m.code for m in team.members][: len(names)])
            ids.append(campaign.id)
        db.session.commit()
    return Network(world, *ids)


def figures(html: str) -> list[dict]:
    return [json.loads(unescape(f)) for f in re.findall(r'data-figure="([^"]*)"', html)]


def network_figures(html: str) -> list[dict]:
    return [f for f in figures(html)
            if "leadership" in json.dumps(f.get("layout", {}).get("title", "")).lower()]


def node_labels(figure: dict) -> list[str]:
    return [t for trace in figure["data"] for t in trace.get("text", []) or []]


def test_evaluator_sees_each_teams_network_with_its_members_names(app: Flask,
                                                                   network: Network) -> None:
    html = network.get(app, "evaluator", network.results + "?q=team_network")
    nets = network_figures(html)
    assert len(nets) == 2, "one network per team"
    titles = " ".join(json.dumps(f["layout"]["title"]) for f in nets)
    # Two teams share a name: each is told apart by its site.
    assert "Alpha clinic / Alpha team" in titles and "Sud / Alpha team" in titles
    labels = {tuple(sorted(node_labels(f))) for f in nets}
    assert tuple(sorted(NORTH)) in labels and tuple(sorted(SOUTH)) in labels


def test_partner_sees_networks_of_codes_and_no_name(app: Flask, network: Network) -> None:
    html = network.get(app, "partner", network.results + "?q=team_network")
    nets = network_figures(html)
    assert nets, "partners see the aggregated networks of teams of 5 or more"
    for name in NORTH + SOUTH:
        assert name not in html
        assert name.split()[0] not in " ".join(node_labels(nets[0]))
    page = network.get(app, "partner", f"/design/e/{network.world.a.evaluation}/campaigns/"
                                       f"{network.north}")
    assert "Alex Martin" not in page and "6" in page
    page = network.get(app, "evaluator", f"/design/e/{network.world.a.evaluation}/campaigns/"
                                         f"{network.north}")
    assert "Alex Martin" in page


def test_indicators_and_report_carry_the_networks_per_team(app: Flask, network: Network) -> None:
    data = json.loads(network.get(app, "evaluator", network.results +
                                  "/download/indicators?q=team_network"))
    rows = data["tables"]["team_networks"]
    teams = {row["team"]: row for row in rows}
    assert set(teams) == {"Alpha clinic / Alpha team", "Sud / Alpha team"}
    assert teams["Alpha clinic / Alpha team"]["n_members"] == 6
    assert teams["Sud / Alpha team"]["n_members"] == 5
    assert all(row["ignored_non_member"] == 0 for row in rows)
    report = network.get(app, "evaluator", network.results + "/download/report?q=team_network")
    assert "Alex Martin" in report and "Jo Li" in report


def test_codebook_and_exports_label_the_roster_codes(app: Flask, network: Network,
                                                     tmp_path: Path) -> None:
    book = json.loads(network.get(app, "evaluator", network.results +
                                  "/download/codebook?q=team_network"))
    rosters = book["team_rosters"]
    assert [e["label"]["fr"] for e in rosters["Alpha clinic / Alpha team"]] == NORTH
    assert [e["label"]["fr"] for e in rosters["Sud / Alpha team"]] == SOUTH
    me = next(i for i in book["items"] if i["code"] == "me")
    p1 = next(e for e in me["roster"] if e["code"] == "p1")
    # p1 is Alex in one team and Jo in the other: its label says both, with their teams.
    assert p1["label"]["fr"] == "Alex Martin (Alpha clinic / Alpha team) / Jo Li (Sud / Alpha team)"

    client = app.test_client()
    sign_in(client, app, network.world.users["researcher"])
    xlsx = client.get(network.results + "/download/xlsx?q=team_network")
    workbook = load_workbook(io.BytesIO(xlsx.get_data()), read_only=True)
    sheet = [list(r) for r in workbook["rosters"].iter_rows(values_only=True)]
    assert sheet[0] == ["team", "code", "name", "retired"]
    assert ["Sud / Alpha team", "p2", "Ana Costa", None] in sheet

    sav = client.get(network.results + "/download/sav?q=team_network&lang=en")
    path = tmp_path / "x.sav"
    path.write_bytes(sav.get_data())
    frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    labels = meta.variable_value_labels["me"]
    assert "Sam Roy (Alpha clinic / Alpha team) / Ana Costa (Sud / Alpha team)" in labels.values()
    assert labels[-99] in ("Préfère ne pas répondre", "Prefer not to say")  # me offers it
    assert -98 not in labels  # "don't know" is not offered by this item
    assert -98 not in meta.variable_value_labels["tw_decide"]
    assert meta.variable_measure["tw_decide"] == "ordinal"
    assert meta.variable_measure["me"] == "nominal"
    assert meta.variable_measure["response_id"] == "scale"
    assert str(frame["submitted_at"].dtype).startswith("datetime64")
    assert frame["submitted_at"].min().year >= 2026  # a real date, not 1970


def test_a_member_who_leaves_or_is_renamed_keeps_old_answers_readable(
        app: Flask, network: Network) -> None:
    with app.app_context():
        team = db.session.get(Team, network.world.a.team)
        # Sam (p2) leaves, Alex (p1) is renamed, someone new arrives.
        services.set_team_roster(team, "p1; Alexandra Martin\nKim Tran\nLou Gagnon\n"
                                       "Noa Petit\nEli Fortin\nNew Colleague")
        new = next(m for m in team.members if m.display_name == "New Colleague")
        assert new.code not in {"p1", "p2", "p3", "p4", "p5", "p6"}  # never a used code
    book = json.loads(network.get(app, "evaluator", network.results +
                                  "/download/codebook?q=team_network"))
    north = {e["code"]: e for e in book["team_rosters"]["Alpha clinic / Alpha team"]}
    assert north["p2"]["label"]["fr"] == "Sam Roy" and north["p2"]["retired"] is True
    assert north["p1"]["label"]["fr"] == "Alexandra Martin"
    data = json.loads(network.get(app, "evaluator", network.results +
                                  "/download/indicators?q=team_network"))
    row = next(r for r in data["tables"]["team_networks"]
               if r["team"] == "Alpha clinic / Alpha team")
    # Sam answered and was named: still in the network of those answers; the newcomer not yet
    # (7 entries on the roster, 6 in the answers' network plus the newcomer).
    assert row["ignored_non_member"] == 0 and "p2" in row["in_degree"]


def test_a_campaign_with_answers_keeps_its_team(app: Flask, network: Network) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, network.north)
        south = db.session.get(Campaign, network.south).team
        with pytest.raises(services.DesignError, match="campaign-team-in-use"):
            services.update_campaign(campaign, None, name="x", roster="", team=south)


def test_a_column_that_does_not_match_never_takes_the_page_down(app: Flask,
                                                                network: Network) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, network.north)
        db.session.add(Response(
            version_id=campaign.version_id, campaign_id=campaign.id, status=COMPLETED,
            language="fr", answers={"tw_decide": 3, "tw_voice": 3, "tw_alone_r": 3,
                                    "me": ["p1"], "leaders": {"zz9": 4}},
            resume_hash=digest(new_secret()), start_hash=digest(new_secret()),
            completed_at=utcnow()))
        db.session.commit()
    html = network.get(app, "evaluator", network.results + "?q=team_network")
    assert "La question leaders n&#39;a pas pu être lue" in html
    assert any("Travail d" in json.dumps(f) for f in figures(html)), "the scale is still shown"
    english = network.get(app, "evaluator", network.results + "?q=team_network", lang="en")
    assert "Question leaders could not be read" in english
    data = json.loads(network.get(app, "evaluator", network.results +
                                  "/download/indicators?q=team_network"))
    assert any("leaders" in note for note in data["notes"])


def test_an_evaluations_export_holds_only_its_own_teams(app: Flask, network: Network) -> None:
    """Another evaluation on the same questionnaire version: its export names its own team
    (unqualified: no other team of its export shares the name), never the first one's."""
    world = network.world
    with app.app_context():
        outsider = db.session.get(User, world.users["outsider"])
        evaluation = db.session.get(services.Evaluation, world.b.evaluation)
        team = db.session.get(Team, world.b.team)
        services.set_team_roster(team, "Alex Martin\nOther Person")  # a name also in A
        version = db.session.get(Campaign, network.north).version
        services.create_campaign(evaluation, outsider, version=version, site=team.site,
                                 team=team)
    book = json.loads(network.get(app, "outsider", f"/results/e/{world.b.evaluation}"
                                                   "/download/codebook?q=team_network"))
    assert list(book["team_rosters"]) == ["Bravo team"]
    assert "Jo Li" not in json.dumps(book, ensure_ascii=False)
