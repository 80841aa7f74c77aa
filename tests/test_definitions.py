"""The definition validator: good files load, bad files get every problem with its line."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from survey.questionnaire import DefinitionError, load_file, load_text

GOOD = textwrap.dedent("""\
    format: 1
    code: mini
    version: "1.0"
    audience: patient
    languages: [fr, en]
    minutes: 3
    title: {fr: "Mini", en: "Mini"}
    introduction: {fr: "Bonjour", en: "Hello"}
    consent: {fr: "Accord", en: "Consent"}
    choice_lists:
      agree5:
        - {code: 1, fr: "Pas du tout", en: "Not at all"}
        - {code: 2, fr: "Peu", en: "A little"}
        - {code: 3, fr: "Moyen", en: "Somewhat"}
        - {code: 4, fr: "Assez", en: "Quite"}
        - {code: 5, fr: "Tout à fait", en: "Completely"}
    sections:
      - code: one
        title: {fr: "Un", en: "One"}
        items:
          - {code: used, type: yesno, required: true, text: {fr: "Utilisé ?", en: "Used?"}}
          - code: why
            type: text
            relevant: "${used} = 'yes'"
            text: {fr: "Pourquoi ?", en: "Why?"}
          - code: visits
            type: integer
            min: 0
            max: 99
            constraint: ". <= 52"
            constraint_message: {fr: "Au plus 52", en: "At most 52"}
            text: {fr: "Visites", en: "Visits"}
          - code: exp
            type: matrix
            choices: agree5
            text: {fr: "Expérience", en: "Experience"}
            rows:
              - {code: exp1, fr: "A", en: "A"}
              - {code: exp2_r, fr: "B", en: "B"}
              - {code: exp3, fr: "C", en: "C"}
    scales:
      - code: experience
        items: [exp1, exp2_r, exp3]
        reverse: [exp2_r]
        points: 5
        min_answered: 2
        construct: {fr: "Expérience", en: "Experience"}
""")


def problems_of(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_text(text, "bad.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_good_definition_loads_with_its_parts() -> None:
    definition = load_text(GOOD, "mini.yaml")
    assert definition.code == "mini"
    assert definition.version_label == "1.0"
    assert [i.code for i in definition.items()] == ["used", "why", "visits", "exp"]
    assert definition.columns() == ["used", "why", "visits", "exp1", "exp2_r", "exp3"]
    assert definition.scales[0].reverse == ("exp2_r",)
    assert definition.item("why").relevant.source == "${used} = 'yes'"


def test_content_hash_ignores_formatting_but_not_content() -> None:
    first = load_text(GOOD)
    reformatted = load_text("# a comment\n" + GOOD.replace("minutes: 3", "minutes:   3"))
    changed = load_text(GOOD.replace('en: "Why?"', 'en: "Why not?"'))
    assert first.content_hash == reformatted.content_hash
    assert first.content_hash != changed.content_hash


BROKEN = [
    ("unknown item type",
     GOOD.replace("type: text", "type: slider"), 23, "unknown item type 'slider'"),
    ("duplicate code",
     GOOD.replace("code: why", "code: used"), 22, "code 'used' is used twice"),
    ("relevance naming an unknown item",
     GOOD.replace("${used} = 'yes'", "${nothing} = 'yes'"), 24, "${nothing}, an unknown item"),
    ("relevance naming a later item",
     GOOD.replace("${used} = 'yes'", "${visits} > 2"), 24, "${visits}, an item defined later"),
    ("scale naming an unknown item",
     GOOD.replace("items: [exp1, exp2_r, exp3]", "items: [exp1, exp2_r, exp9]"), 43,
     "scale 'experience' names 'exp9', an unknown item"),
    ("a language missing a text",
     GOOD.replace('text: {fr: "Pourquoi ?", en: "Why?"}', 'text: {fr: "Pourquoi ?"}'), 25,
     "the en text is missing"),
    ("choices without codes",
     GOOD.replace('- {code: 2, fr: "Peu", en: "A little"}', '- {fr: "Peu", en: "A little"}'), 13,
     "this choice has no code"),
    ("bad YAML",
     GOOD.replace('title: {fr: "Mini", en: "Mini"}', 'title: {fr: "Mini", en: "Mini"'), 7,
     "YAML syntax error while parsing a flow mapping"),
    ("constraint syntax error",
     GOOD.replace('". <= 52"', '". <= "'), 30, "constraint \". <= \""),
    ("constraint without message",
     GOOD.replace('        constraint_message: {fr: "Au plus 52", en: "At most 52"}\n', ""), 30,
     "has a constraint but no constraint_message"),
    ("scale with a text item",
     GOOD.replace("items: [exp1, exp2_r, exp3]", "items: [exp1, exp2_r, why]"), 43,
     "'why', a text item"),
    ("reverse item not in the scale",
     GOOD.replace("reverse: [exp2_r]", "reverse: [exp9]"), 44, "'reverse' of scale"),
    ("unknown choice list",
     GOOD.replace("choices: agree5", "choices: agree7"), 35, "unknown choice list 'agree7'"),
    ("duplicate key",
     GOOD.replace("minutes: 3\n", "minutes: 3\nminutes: 4\n"), 7, "key 'minutes' appears twice"),
    ("unknown key",
     GOOD.replace("required: true,", "requird: true,"), 21, "unknown key 'requird'"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), [b[1:] for b in BROKEN],
                         ids=[b[0] for b in BROKEN])
def test_each_problem_names_file_line_and_reason(text: str, line: int, fragment: str) -> None:
    found = problems_of(text)
    assert any(p.startswith(f"bad.yaml:{line}: ") and fragment in p for p in found), found
    # placed by the line the researcher wrote, never by an internal path
    assert not any(re.search(r"sections\[|items\[|\]\.", p) for p in found), found


def test_every_problem_is_reported_at_once() -> None:
    text = (GOOD.replace("type: text", "type: slider")
                .replace("code: visits", "code: used")
                .replace("items: [exp1, exp2_r, exp3]", "items: [exp1, exp2_r, exp9]"))
    found = problems_of(text)
    planted = ["unknown item type 'slider'", "code 'used' is used twice",
               "scale 'experience' names 'exp9', an unknown item"]
    for fragment in planted:
        assert sum(fragment in p for p in found) == 1, (fragment, found)
    assert found == sorted(found, key=lambda p: int(p.split(":")[1]))


def test_a_file_that_is_not_a_mapping_gets_a_clear_problem() -> None:
    assert problems_of("- just\n- a list\n") == [
        "bad.yaml:1: the file must be a mapping with keys such as format, code, sections"]


def test_equity_descriptors_must_stay_optional_with_prefer_not() -> None:
    text = GOOD.replace(
        "{code: used, type: yesno, required: true,",
        "{code: used, type: yesno, required: true, equity: true,")
    found = problems_of(text)
    assert any("must stay optional" in p for p in found)
    assert any("special: [prefer_not]" in p for p in found)


def test_likert_from_points_and_anchors_builds_its_choices() -> None:
    text = GOOD.replace(
        "      - code: visits\n",
        "      - {code: ease, type: likert, points: 4, text: {fr: F, en: E},\n"
        "         anchors: {fr: [Difficile, Facile], en: [Hard, Easy]}}\n"
        "      - code: visits\n")
    item = load_text(text).item("ease")
    assert [c.code for c in item.choices] == [1, 2, 3, 4]
    assert item.choices[0].label["en"] == "Hard" and item.choices[3].label["fr"] == "Facile"


def test_nomination_needs_a_known_roster() -> None:
    text = GOOD.replace(
        "      - code: visits\n",
        "      - {code: leaders, type: nomination, roster: team, text: {fr: Qui, en: Who}}\n"
        "      - code: visits\n")
    assert any("roster of 'leaders'" in p for p in problems_of(text))


# -- the command line ---------------------------------------------------------------------------

def run_validate(*paths: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "survey", "questionnaire", "validate", *paths],
                          capture_output=True, text=True, timeout=60)


def test_validate_command_summarises_a_good_file(tmp_path: Path) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text(GOOD, encoding="utf-8")
    result = run_validate(str(path))
    assert result.returncode == 0, result.stderr
    assert "OK: questionnaire 'mini' version 1.0" in result.stdout
    assert "1 sections, 4 questions (6 data columns), 1 scales" in result.stdout


def test_validate_command_lists_problems_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace("type: text", "type: slider")
                    .replace("${used} = 'yes'", "${used} = = 'yes'"), encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    result = run_validate(str(path), str(missing))
    assert result.returncode == 1
    assert f"{path}:23: unknown item type 'slider'" in result.stderr
    assert f"{missing}:1: cannot read the file" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("name", ["patients", "professionals", "citizens"])
def test_bundled_questionnaires_are_valid_and_complete(name: str) -> None:
    definition = load_file(Path(__file__).parent.parent / "questionnaires" / f"{name}.yaml")
    assert definition.languages == ("fr", "en")
    assert 10 <= definition.minutes <= 15
    assert len(definition.scales) >= 3
    assert all(len(scale.items) >= 3 for scale in definition.scales)
    assert any(scale.reverse for scale in definition.scales)
    types = {item.type for item in definition.items()}
    assert {"matrix", "textarea", "note", "yesno"} <= types
    for item in definition.items():
        for text in (item.text, item.help or {"fr": "x", "en": "y"}):
            assert set(text) == {"fr", "en"} and all(text.values()), item.code


def test_alias_bombs_and_self_references_are_refused_quickly() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 10)}]\n"
        for n in range(8))
    assert "too large or too deeply nested" in problems_of(bomb)[0]
    assert "too large or too deeply nested" in problems_of("a: &a [*a]\n")[0]
