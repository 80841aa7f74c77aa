"""The research team's French interface reads as French: questionnaire problems and conversion
notes come from the catalogue, and French typography (a non-breaking space before : ; ? !)
holds in every French message."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from survey.questionnaire import DefinitionError, Problem, load_text
from survey.questionnaire.messages import VERBATIM, Text, msg
from survey.questionnaire.xlsform import read_xlsform

ROOT = Path(__file__).resolve().parent.parent
FRENCH = ROOT / "survey" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
XLSFORMS = Path(__file__).parent / "data" / "xlsforms"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
NON_BREAKING = "\u00a0\u202f"
# what is code, not prose: quoted or bracketed examples, placeholders, URLs, markup
CODE = re.compile(r"«[^»]*»|\{[^}]*\}|\[[^\]]*\]|'[^'\s][^']*'|\"[^\"]*\"|%\(\w+\)s"
                  r"|https?://\S+|<[^>]*>")
PROSE_MARK = re.compile(r"(.)([:;?!])(?=\s|$|[).,»])")


def french() -> dict[str, tuple[str, ...]]:
    catalogue = read_po(FRENCH.open("rb"))
    found = {}
    for message in catalogue:
        if message.id:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            found[key] = (message.string if isinstance(message.string, tuple)
                          else (message.string,))
    return found


def marked_templates(package: Path | None = None) -> dict[str, str]:
    """Every ``msg("...")`` and ``N_("...")`` of a package (the questionnaire package unless
    told) -> where it is."""
    found = {}
    for path in (package or ROOT / "survey" / "questionnaire").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("msg", "N_")):
                first = node.args[0] if node.args else None
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), \
                    f"{where}: a message template must be a plain string, never built"
                found[first.value] = where
    return found


def test_every_problem_and_note_template_is_translated_with_its_placeholders() -> None:
    catalogue = french()
    templates = marked_templates()
    assert len(templates) > 150  # the loader, item types, YAML and XLSForm readers
    for template, where in templates.items():
        assert template in catalogue, f"{where}: '{template}' is not in the French catalogue"
        (translation,) = catalogue[template]
        assert translation and translation != template, f"{where}: '{template}' untranslated"
        assert (set(PLACEHOLDER.findall(translation))
                == set(PLACEHOLDER.findall(template))), f"{where}: placeholders differ"


def test_a_problem_cannot_be_plain_english() -> None:
    with pytest.raises(TypeError):
        Problem("x.yaml", 1, "the file is empty")  # type: ignore[arg-type]
    assert Problem("x.yaml", 3, msg("the file is empty")).message == "the file is empty"


def shown_templates(problems: list[Problem]) -> set[str]:
    return {template for p in problems for template in p.text.templates()}


def test_problems_of_broken_files_are_all_in_the_catalogue() -> None:
    """Problems actually raised (a broken YAML of each kind, every refused spreadsheet of the
    pyxform corpus) use only catalogue templates, in French with their parameters filled."""
    from tests.test_definitions import BROKEN

    catalogue = french()
    shown: set[str] = set()
    for _name, text, _line, _fragment in BROKEN:
        with pytest.raises(DefinitionError) as caught:
            load_text(text, "bad.yaml")
        shown |= shown_templates(caught.value.problems)
        for problem in caught.value.problems:
            rendered = problem.text.render(lambda t: catalogue.get(t, (t,))[0])
            assert "%(" not in rendered and "sections[" not in rendered
    for path in sorted(XLSFORMS.glob("*.xlsx")):
        try:
            read_xlsform(path.read_bytes(), path.name)
        except DefinitionError as error:
            shown |= shown_templates(error.problems)
    shown.discard(VERBATIM)  # another program's words, shown as they are (PyYAML's)
    assert len(shown) > 20
    assert not {t for t in shown if t not in catalogue}


def test_a_text_renders_in_english_for_the_command_line_and_keeps_its_parameters() -> None:
    text = msg("unknown key '%(key)s' %(where)s (expected one of: %(keys)s)", key="requird",
               where=msg("in a section"), keys="code, items")
    assert str(text) == "unknown key 'requird' in a section (expected one of: code, items)"
    french_words = french()
    rendered = text.render(lambda t: french_words[t][0])
    assert rendered == ("clé inconnue «\u00a0requird\u00a0» dans une section (clés "
                        "attendues\u00a0: code, items)")
    assert Text.from_json(text.to_json()) == text


def missing_space(translation: str) -> list[str]:
    """The prose marks : ; ? ! of a French text with no non-breaking space before them."""
    prose = CODE.sub(lambda m: "x" * len(m[0]), translation)
    return [translation[max(0, m.start(2) - 15):m.end(2) + 1] for m in PROSE_MARK.finditer(prose)
            if m[1] not in NON_BREAKING and m[1] not in ":;?!("]


def test_the_french_catalogue_puts_a_non_breaking_space_before_double_punctuation() -> None:
    wrong = {text: missing_space(text) for strings in french().values() for text in strings
             if text and missing_space(text)}
    assert not wrong, wrong


@pytest.mark.parametrize(("text", "bad"), [
    ("Des questions? Écrivez-nous.", True), ("Vague : T0", True), ("Merci !", True),
    ("Vague\u00a0: T0", False), ("Des questions\u202f?", False),
    ("«\u00a0special: [prefer_not]\u00a0» manque", False), ("survey!C14", False),
    ("CSV pour Excel (;)", False),
])
def test_the_typography_check_tells_prose_from_code(text: str, bad: bool) -> None:
    assert bool(missing_space(text)) is bad


# -- the research team's pages in French ------------------------------------------------------

def campaign_without_wave(app, world) -> int:  # noqa: ANN001
    from survey.design import services
    from survey.extensions import db
    from survey.models import Evaluation, User
    from survey.versions import latest_version

    with app.app_context():
        evaluation = db.session.get(Evaluation, world.a.evaluation)
        researcher = db.session.get(User, world.users["researcher"])
        return services.create_campaign(evaluation, researcher,
                                        version=latest_version("citizens"),
                                        name="Open door").id


def test_a_campaign_without_wave_site_or_team_says_so_in_words(app, client) -> None:  # noqa: ANN001
    from tests.workspace import build_world, sign_in

    world = build_world(app, passwords=False)
    campaign = campaign_without_wave(app, world)
    sign_in(client, app, world.users["researcher"])
    base = f"/design/e/{world.a.evaluation}"
    page = client.get(f"{base}/campaigns/{campaign}").text
    assert ">Sans vague</td>" in page and ">Sans milieu</td>" in page
    assert ">Aucune équipe</td>" in page and "Aucun<" not in page
    listing = client.get(base).text
    assert "<td>Sans vague</td>" in listing
    form = client.get(f"{base}/campaigns/new").text
    assert '<option value="">Sans vague</option>' in form
    assert '<option value="">Aucune équipe</option>' in form
    assert '<option value="">Sans milieu</option>' in form
    english = client.get(f"{base}/campaigns/{campaign}?lang=en").text
    assert ">No wave</td>" in english and ">No team</td>" in english


@pytest.mark.parametrize(("lang", "role", "count", "words"), [
    ("fr", "researcher", 1, "n = 1 réponse"), ("fr", "researcher", 7, "n = 7 réponses"),
    ("fr", "partner", 3, "moins de 5 réponses"), ("fr", "partner", 5, "n = 5 réponses"),
    ("en", "researcher", 1, "n = 1 response"), ("en", "partner", 2, "fewer than 5 responses"),
])
def test_a_charts_count_reads_naturally_and_a_suppressed_one_in_words(
        app, lang: str, role: str, count: int, words: str) -> None:  # noqa: ANN001
    from flask import g, render_template_string
    from flask_babel import force_locale

    app.config["MIN_GROUP_SIZE"] = 5
    with app.test_request_context("/"), force_locale(lang):
        g.role = role
        assert render_template_string("{{ responses_shown(n) }}", n=count) == words
        one = render_template_string('{{ ngettext("%(num)s completed response.", '
                                     '"%(num)s completed responses.", 1) }}')
        assert one == ("1 réponse complète." if lang == "fr" else "1 completed response.")


def test_counts_in_the_teams_templates_go_through_plurals() -> None:
    """No template says "%(n)s responses" with gettext: one response would read "1 réponses"
    (the privacy threshold's sentences, never 1, excepted)."""
    threshold_sentences = ("under %(n)s", "than %(n)s", "least %(n)s", "first %(n)s",
                           "The %(n)s most recent")
    wrong = []
    for path in (ROOT / "survey").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for call in re.findall(r'(?<!n)_\("([^"]*%\((?:n|num|count|minutes|sections|items)\)s '
                               r'(?:[a-zé]+ )?[a-zé]+s\b[^"]*)"', text):
            if not any(sentence in call for sentence in threshold_sentences):
                wrong.append(f"{path.name}: {call}")
    assert not wrong, wrong
