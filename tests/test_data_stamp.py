"""The data stamp of each evaluation (survey/datastamp.py), the results' data revision: every
path that adds, completes, changes or removes a response moves its evaluation's stamp in the
same transaction, and only that evaluation's; starting a response or saving a page of one in
progress moves nothing (the results do not see them); a transaction rolled back moves nothing;
many participants completing at once all count. SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete, insert, select, update

from survey.collect import intake
from survey.datastamp import stamp_of
from survey.exports import Export, Selection
from survey.extensions import db
from survey.models import Campaign, Response, User
from survey.models.response import COMPLETED
from survey.models.types import utcnow
from survey.paper import services as paper_services
from survey.participate import services as participate
from survey.results.services import revision
from survey.secrets import digest, new_secret

from .test_collect import sealed_body
from .test_paper import Paper, _copy, _double, _user, paper  # noqa: F401  (a fixture)
from .workspace import World, build_world

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app, passwords=False)


def stamps(app: Flask, *evaluations: int) -> tuple[int, ...]:
    with app.app_context():
        return tuple(stamp_of(db.session, e) for e in evaluations)


def results_revision(app: Flask, evaluation: int, questionnaire: str) -> tuple:
    with app.app_context():
        selection = Selection(questionnaire, evaluation_id=evaluation)
        return revision(selection, Export.of(selection))


def questionnaire_of(app: Flask, campaign_id: int) -> str:
    with app.app_context():
        return db.session.get(Campaign, campaign_id).version.questionnaire.code


def moves(app: Flask, world: World, change: Callable[[], object]) -> bool:
    """Whether ``change`` moved evaluation a's stamp; evaluation b's never moves."""
    before_a, before_b = stamps(app, world.a.evaluation, world.b.evaluation)
    change()
    after_a, after_b = stamps(app, world.a.evaluation, world.b.evaluation)
    assert after_b == before_b  # a response of another evaluation changes nothing here
    return after_a != before_a


def started(app: Flask, campaign_id: int) -> int:
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        definition = campaign.version.definition
        return participate.start_response(campaign.version, "fr", new_secret(), new_secret(),
                                          definition.sections[0].code,
                                          campaign_id=campaign.id).id


def in_app(app: Flask, work: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        with app.app_context():
            return work()
    return run


# -- the paths that write responses ----------------------------------------------------------

def test_a_completion_and_a_withdrawal_move_the_results_revision(app: Flask,
                                                                 world: World) -> None:
    code = questionnaire_of(app, world.a.campaign)
    revisions = [results_revision(app, world.a.evaluation, code)]
    other = results_revision(app, world.b.evaluation, code)
    ident: list[int] = []
    # started and saved: not in the results, nothing moves (the participant's pages stay fast)
    assert not moves(app, world, lambda: ident.append(started(app, world.a.campaign)))
    assert not moves(app, world, in_app(app, lambda: participate.save_answers(
        ident[0], {}, None, [])))
    assert results_revision(app, world.a.evaluation, code) == revisions[0]
    assert moves(app, world, in_app(app, lambda: participate.complete(ident[0], {})))
    revisions.append(results_revision(app, world.a.evaluation, code))
    assert moves(app, world, in_app(app, lambda: participate.withdraw(ident[0])))
    revisions.append(results_revision(app, world.a.evaluation, code))
    assert len(set(revisions)) == 3
    assert results_revision(app, world.b.evaluation, code) == other


def test_an_assisted_response_moves_the_stamp(app: Flask, world: World) -> None:
    body = sealed_body(app, world.a.campaign)

    def receive() -> None:
        campaign = db.session.get(Campaign, world.a.campaign)
        navigator = db.session.get(User, world.users["navigator"])
        intake.receive(campaign, navigator, body, app.config["SECRET_KEY"])

    assert moves(app, world, in_app(app, receive))
    assert not moves(app, world, in_app(app, receive))  # sent again: stored once, no change


def test_a_paper_entry_and_a_settled_copy_move_the_stamp(app: Flask,
                                                         paper: Paper) -> None:  # noqa: F811
    def moved(change: Callable[[], object]) -> bool:
        before = stamps(app, paper.evaluation)
        with app.app_context():
            change()
        return stamps(app, paper.evaluation) != before

    with app.app_context():
        copy_id = _copy(paper).id
    assert moved(lambda: paper_services.record_entry(
        db.session.get(paper_services.PaperCopy, copy_id), {"cost_barrier": "no"},
        _user(paper, "navigator")))
    _double(app, paper)
    with app.app_context():
        copy_id = _copy(paper).id
    first = {"service_type": "clinic", "visits": 3}
    # a first entry of two is kept apart (no response yet): nothing moves
    assert not moved(lambda: paper_services.record_entry(
        db.session.get(paper_services.PaperCopy, copy_id), first, _user(paper, "navigator")))
    assert not moved(lambda: paper_services.record_entry(
        db.session.get(paper_services.PaperCopy, copy_id), {**first, "visits": 8},
        _user(paper, "navigator2")))
    assert moved(lambda: paper_services.settle(
        db.session.get(paper_services.PaperCopy, copy_id), {"visits": 5},
        _user(paper, "evaluator")))


def _row(campaign: Campaign) -> dict:
    now = utcnow()
    return {"version_id": campaign.version_id, "campaign_id": campaign.id,
            "status": COMPLETED, "language": "fr", "answers": {}, "drafts": {},
            "resume_hash": digest(new_secret()), "start_hash": digest(new_secret()),
            "started_at": now, "updated_at": now, "completed_at": now}


def test_any_write_through_the_session_moves_the_stamp(app: Flask, world: World) -> None:
    """Imports, seeds, benches and whatever comes next: response objects added, changed or
    deleted, and insert/update/delete statements on ``response`` run through the session."""
    def session_work(work: Callable[[Campaign], object]) -> Callable[[], None]:
        def run() -> None:
            with app.app_context():
                work(db.session.get(Campaign, world.a.campaign))
                db.session.commit()
        return run

    assert moves(app, world, session_work(lambda c: db.session.add(Response(**_row(c)))))

    def first(_c: Campaign) -> Response:
        return db.session.scalars(select(Response).where(
            Response.campaign_id == world.a.campaign)).first()

    def answer(c: Campaign) -> None:
        first(c).answers = {"x": 1}

    def panel(c: Campaign) -> None:
        first(c).panel_hash = "p" * 64

    assert moves(app, world, session_work(answer))
    assert moves(app, world, session_work(panel))  # what the follow-ups' address form does
    assert moves(app, world, session_work(lambda c: db.session.delete(first(c))))
    assert moves(app, world, session_work(
        lambda c: db.session.execute(insert(Response), [_row(c), _row(c)])))
    assert moves(app, world, session_work(
        lambda c: db.session.execute(insert(Response.__table__), [_row(c)])))
    assert moves(app, world, session_work(lambda c: db.session.execute(
        update(Response).where(Response.campaign_id == c.id).values(language="en"))))
    assert moves(app, world, session_work(lambda c: db.session.execute(
        delete(Response).where(Response.campaign_id == c.id))))
    # a statement that reaches no response of the evaluation moves nothing
    assert not moves(app, world, session_work(lambda c: db.session.execute(
        delete(Response).where(Response.campaign_id == c.id))))


def test_a_transaction_rolled_back_moves_nothing(app: Flask, world: World) -> None:
    def rolled_back() -> None:
        with app.app_context():
            db.session.add(Response(**_row(db.session.get(Campaign, world.a.campaign))))
            db.session.flush()
            db.session.rollback()
            db.session.commit()  # a later commit of the same session has nothing to move

    assert not moves(app, world, rolled_back)


def test_many_completions_at_once_all_count_without_deadlock(app: Flask, world: World) -> None:
    n = 8
    idents = [started(app, world.a.campaign) for _ in range(n + 1)]
    with app.app_context():
        participate.complete(idents.pop(), {})  # the evaluation's first change: its row
    before, = stamps(app, world.a.evaluation)
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def complete(ident: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                participate.complete(ident, {})
            except BaseException as error:  # noqa: BLE001
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=complete, args=(i,)) for i in idents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    after, = stamps(app, world.a.evaluation)
    assert after == before + n  # each completion moved it once


# -- a new path cannot forget ----------------------------------------------------------------

CORE_WRITE = re.compile(r"\b(insert|update|delete)\((Response\.__table__|_TABLE)\b"
                        r"|(INSERT INTO|UPDATE|DELETE FROM)\s+\"?response\b", re.IGNORECASE)


def test_every_core_write_to_responses_says_which_evaluation_changed() -> None:
    """A statement on ``response`` run on a connection directly escapes the session's
    listeners: the file that writes it must call ``data_changed`` (survey/datastamp.py)."""
    forgetting = []
    for path in sorted((ROOT / "survey").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name != "datastamp.py" and CORE_WRITE.search(text) \
                and "data_changed(" not in text:
            forgetting.append(str(path.relative_to(ROOT)))
    assert forgetting == []
    assert CORE_WRITE.search("_UPDATE = (update(_TABLE).where(")  # the pattern still bites


def test_the_counts_per_campaign_follow_the_stamp(app: Flask, world: World) -> None:
    """Counted once per stamp (a warm view counts nothing), yet a completion and a withdrawal
    show at once, and a campaign added without responses too."""
    from survey.design import services as design
    from survey.models import Evaluation
    from survey.results.services import response_counts

    def total() -> int:
        with app.app_context():
            counts = response_counts(db.session.get(Evaluation, world.a.evaluation))
            return sum(n or 0 for _a, _s, row in counts.rows for n in row)

    ident = started(app, world.a.campaign)
    assert total() == 0
    with app.app_context():
        participate.complete(ident, {})
    assert total() == 1
    with app.app_context():
        participate.withdraw(ident)
    assert total() == 0
    with app.app_context():
        evaluation = db.session.get(Evaluation, world.a.evaluation)
        site = design.save_site(evaluation, None, name="New clinic", kind="clinic",
                                is_comparison=False)
        design.create_campaign(evaluation, db.session.get(User, world.users["researcher"]),
                               version=db.session.get(Campaign, world.a.campaign).version,
                               site=site, wave=evaluation.waves[0])
        counts = response_counts(db.session.get(Evaluation, world.a.evaluation))
        assert any(s == "New clinic" for _a, s, _row in counts.rows)
