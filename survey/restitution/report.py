"""Participants' reactions as a section of the HTML report downloaded from the results page:
each results-back page of the evaluation (of the audiences selected), its findings with their
tallies and comments, every text escaped."""

from __future__ import annotations

from pathlib import Path

from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from ..exports import Selection
from ..extensions import db
from ..models import ResultsPage
from .services import LANGUAGES, tallies

END = "</main></body></html>"


def reactions_section(selection: Selection, lang: str) -> str:
    """The section's HTML ("" when the evaluation has no results-back page)."""
    if selection.evaluation_id is None:
        return ""
    query = select(ResultsPage).where(ResultsPage.evaluation_id == selection.evaluation_id)
    if selection.audiences:
        query = query.where(ResultsPage.audience.in_(selection.audiences))
    found = db.session.scalars(query.order_by(ResultsPage.audience)).all()
    if not found:
        return ""
    lang = lang if lang in LANGUAGES else LANGUAGES[0]
    with force_locale(lang):
        words = {"title": gettext("Reactions to the results given back"),
                 "question": gettext("Does this match your experience?"),
                 "yes": gettext("Yes"), "partly": gettext("Partly"), "no": gettext("No"),
                 "comments": gettext("Comments"), "finding": gettext("Finding")}
        parts = [f'<section id="reactions"><h2>{escape(words["title"])}</h2>',
                 f"<p>{escape(words['question'])}</p>"]
        for page in found:
            parts.append(f"<h3>{escape(page.title.get(lang) or page.audience)}</h3>")
            parts.append(f"<table><thead><tr><th>{escape(words['finding'])}</th>"
                         f"<th>{escape(words['yes'])}</th><th>{escape(words['partly'])}</th>"
                         f"<th>{escape(words['no'])}</th><th>{escape(words['comments'])}</th>"
                         "</tr></thead><tbody>")
            for tally in tallies(page):
                comments = "".join(f"<li>{escape(comment)}</li>" for _a, comment in tally.comments)
                parts.append(
                    f"<tr><td>{escape(tally.finding.text.get(lang) or '')}</td>"
                    f"<td>{tally.counts['yes']}</td><td>{tally.counts['partly']}</td>"
                    f"<td>{tally.counts['no']}</td><td><ul>{comments}</ul></td></tr>")
            parts.append("</tbody></table>")
        parts.append("</section>")
    return "".join(parts)


def add_reactions(path: Path, selection: Selection, lang: str) -> None:
    """Insert the section at the end of the report's main part."""
    section = reactions_section(selection, lang)
    if not section:
        return
    html = path.read_text(encoding="utf-8")
    at = html.rfind(END)
    html = html[:at] + section + html[at:] if at >= 0 else html + section
    path.write_text(html, encoding="utf-8")
