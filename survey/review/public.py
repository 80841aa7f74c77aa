"""A reviewer's pages, opened by the secret of their link: each page of the draft shown as a
participant would see it (its controls inert, nothing recorded as an answer), with the
relevance and clarity scales, a rewording and a comment under each item. Works without
JavaScript; a revoked or unknown link gets a polite 404 and opens nothing else."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import validate_csrf
from werkzeug.wrappers import Response as HttpResponse
from wtforms import ValidationError

from ..context import show
from ..extensions import csrf
from ..language import participant_language
from ..models.review import Reviewer
from . import services
from .blueprint import bp

P = "/review/<token>"


def _reviewer(token: str) -> Reviewer:
    reviewer = services.reviewer_by_token(token)
    if reviewer is None:
        abort(404, description="review-link")
    return reviewer


def _private(page: str, status: int = 200) -> HttpResponse:
    response = current_app.make_response((page, status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(P)
def start(token: str) -> HttpResponse:
    """The first page not saved yet (the same link brings a reviewer back where they were)."""
    reviewer = _reviewer(token)
    definition = services.definition_of(reviewer.round)
    show(definition=definition)
    if not reviewer.round.is_open:
        return _private(render_template("review/closed.html", definition=definition))
    pages = services.review_pages(definition)
    saved = set(reviewer.pages_saved or [])
    number = next((n for n in range(1, len(pages) + 1) if n not in saved), None)
    if number is None:
        return redirect(url_for("review.done", token=token))
    return redirect(url_for("review.page", token=token, number=number))


@bp.route(P + "/<int:number>", methods=["GET", "POST"])
def page(token: str, number: int) -> HttpResponse:
    return rate_page(_reviewer(token), number,
                     lambda n: url_for("review.page", token=token, number=n),
                     url_for("review.done", token=token), own_csrf=True)


csrf.exempt(page)  # rate_page checks its token: an expired page comes back with its ratings


def rate_page(reviewer: Reviewer, number: int, page_url: Callable[[int], str],
              done_url: str, own_csrf: bool = False) -> HttpResponse:
    """One page of the draft to rate (GET), or its ratings saved (POST), for a reviewer by
    link or by account: on to the next page, back, or to the end. With ``own_csrf`` (a
    reviewer's link) a page whose token expired comes back with its ratings and a message
    instead of a bare error."""
    definition = services.definition_of(reviewer.round)
    show(definition=definition)
    if not reviewer.round.is_open:
        return _private(render_template("review/closed.html", definition=definition))
    pages = services.review_pages(definition)
    if not 1 <= number <= len(pages):
        abort(404)
    section = pages[number - 1]
    items = services.rated_items(section)
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = services.read_page(items, request.form)
        if own_csrf and not _token_ok():
            post.errors["_form"] = "expired"
        if not post.errors:
            services.save_page(reviewer, number, post, participant_language(definition))
            if request.form.get("nav") == "back" and number > 1:
                return redirect(page_url(number - 1))
            return redirect(page_url(number + 1) if number < len(pages) else done_url)
        values, errors = post.values, post.errors
    else:
        ratings = services.ratings_by_item(reviewer)
        values = {code: {"relevance": str(r.relevance or ""), "clarity": str(r.clarity or ""),
                         "rewording": r.rewording, "comment": r.comment}
                  for code, r in ratings.items()}
    page_html = render_template(
        "review/page.html", definition=definition, section=section, rated=items,
        number=number, total=len(pages), ratings=values, errors=errors,
        action=page_url(number), values={}, rosters=definition.roster, offered={})
    return _private(page_html, 422 if errors else 200)


def _token_ok() -> bool:
    """The page's CSRF token is valid (or the check is off, as FlaskForm would honour)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


@bp.get(P + "/done")
def done(token: str) -> HttpResponse:
    reviewer = _reviewer(token)
    definition = services.definition_of(reviewer.round)
    show(definition=definition)
    return _private(render_template(
        "review/done.html", definition=definition, is_open=reviewer.round.is_open,
        again=url_for("review.page", token=token, number=1)))
