"""The diff between two versions, in plain words, with comparability warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from survey.questionnaire import load_text
from survey.versions.cli import questionnaire_group
from survey.versions.diff import diff

EVERY_TYPE = Path(__file__).parent / "data" / "every_type.yaml"
ORIGINAL = EVERY_TYPE.read_text(encoding="utf-8")


def changed(*replacements: tuple[str, str]) -> str:
    text = ORIGINAL
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


class Held:
    """The answers of one older response (the database's queries: tests/test_answered.py)."""

    def __init__(self, answers: dict) -> None:
        self.answers = answers

    def answered(self, keys) -> bool:  # noqa: ANN001
        return any(self.answers.get(key) is not None for key in keys)

    def chosen(self, keys, choice) -> bool:  # noqa: ANN001
        return any(self.answers.get(key) == choice for key in keys)


def sentences(old: str, new: str, answered=None) -> list[str]:  # noqa: ANN001
    return [str(c) for c in diff(load_text(old), load_text(new), answered)]


def test_the_same_content_has_no_change():
    assert diff(load_text(ORIGINAL), load_text(ORIGINAL)) == []


def test_rewording_names_the_item_and_the_language_and_keeps_the_column():
    out = sentences(ORIGINAL, changed(('en: "Which service?"', 'en: "Which service do you use?"')))
    assert out == ["Item 'service' reworded (en)."]


def test_a_reworded_scale_item_warns_that_waves_may_not_compare():
    [change] = diff(load_text(ORIGINAL), load_text(changed(
        ('en: "I felt judged"', 'en: "I felt judged by staff"'),
        ('fr: "Je me suis senti jugé"', 'fr: "Je me suis senti jugé par le personnel"'))))
    assert change.what == "row_reworded" and change.breaks
    assert str(change) == ("Row 'exp2_r' of matrix 'exp' reworded (fr, en). WARNING: scores "
                           "of scale experience may not compare across waves.")
    # the old and new wording, per language, for the researcher to compare
    assert change.params["wording"] == (
        ("fr", "Je me suis senti jugé", "Je me suis senti jugé par le personnel"),
        ("en", "I felt judged", "I felt judged by staff"))


def test_items_added_removed_and_moved_are_listed():
    new = changed(
        ('      - {code: cost, type: decimal, min: 0, text: {fr: "Coût ($)", en: "Cost ($)"}}\n',
         '      - {code: fee, type: decimal, min: 0, text: {fr: "Frais", en: "Fee"}}\n'),
        ('      - {code: intro_note, type: note, text: {fr: "Quelques questions.", '
         'en: "A few questions."}}\n', ''),
    )
    new = new.replace("    items:\n      - code: exp\n", "    items:\n      - {code: intro_note, "
                      "type: note, text: {fr: \"Quelques questions.\", en: \"A few "
                      "questions.\"}}\n      - code: exp\n", 1)
    out = sentences(ORIGINAL, new)
    assert "Item 'fee' added on page 'basics'." in out
    assert "Item 'cost' removed (its answers stay in older responses)." in out
    assert "Item 'intro_note' moved from page 'basics' to page 'opinions'." in out


def test_a_removed_choice_warns_when_the_item_was_answered():
    new = changed(('          - {code: coop, fr: "Coopérative", en: "Cooperative"}\n', ''))
    [unknown] = sentences(ORIGINAL, new)
    assert unknown.startswith("Choice 'coop' removed from item 'service'")
    assert "WARNING: if item 'service' already has answers" in unknown
    [answered] = diff(load_text(ORIGINAL), load_text(new), Held({"service": "clinic"}))
    assert answered.breaks and answered.warning_text == (
        "item 'service' already has answers: waves will not offer the same choices")
    [chosen] = diff(load_text(ORIGINAL), load_text(new), Held({"service": "coop"}))
    assert chosen.warning_text == (
        "choice 'coop' was chosen in older responses: waves will not offer the same choices")
    [unanswered] = diff(load_text(ORIGINAL), load_text(new), Held({}))
    assert not unanswered.breaks


def test_choices_added_logic_constraints_and_limits_changed():
    new = changed(
        ('          - {code: none, fr: "Aucun", en: "None"}\n',
         '          - {code: none, fr: "Aucun", en: "None"}\n'
         '          - {code: transport, fr: "Transport", en: "Transport"}\n'),
        ('relevant: "${used} = \'yes\'"\n        constraint: ". <= 52"',
         'relevant: "${used} != \'no\'"\n        constraint: ". <= 60"'),
        ("        max: 2\n", "        max: 3\n"),
    )
    out = sentences(ORIGINAL, new)
    assert "Choice 'transport' added to item 'barriers'." in out
    assert "When item 'visits' is shown changed: '${used} = 'yes'' -> '${used} != 'no''." in out
    assert "The constraint of item 'visits' changed: '. <= 52' -> '. <= 60'." in out
    assert "The limits of item 'barriers' changed (max_choices: 2 -> 3)." in out


def test_scale_changes_break_comparability():
    new = changed(("    reverse: [exp2_r]\n", "    reverse: []\n"))
    [change] = diff(load_text(ORIGINAL), load_text(new))
    assert change.what == "scale_reverse" and change.breaks
    assert "exp2_r -> none" in change.message


def test_cli_diff_prints_the_changes_and_the_warnings(tmp_path):
    old, new = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    old.write_text(ORIGINAL, encoding="utf-8")
    new.write_text(changed(('en: "I felt judged"', 'en: "I felt judged by staff"'),
                           ('          - {code: coop, fr: "Coopérative", en: "Cooperative"}\n',
                            '')), encoding="utf-8")
    result = CliRunner().invoke(questionnaire_group, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert "- Row 'exp2_r' of matrix 'exp' reworded (en)." in result.output
    assert "  WARNING: scores of scale experience may not compare across waves." in result.output
    assert "2 change(s), 2 breaking comparability across waves." in result.output
    same = CliRunner().invoke(questionnaire_group, ["diff", str(old), str(old)])
    assert same.output.strip() == "No change."


def test_removing_a_nominations_rating_is_a_change():
    """The defect of issue 23: dropping ``rating`` once showed no change at all."""
    found = sentences(ORIGINAL, changed(("max: 2, rating: reliance5,", "max: 2,")))
    assert found == ["The setting 'rating' of item 'leaders' changed: 1, 2, 3, 4, 5 -> none."]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("roster: team, max: 2, rating: reliance5", "roster: team, max: 2, rating: agree5",
     "The setting 'rating' of item 'leaders' changed: 1, 2, 3, 4, 5 -> 1, 2, 3, 4, 5."),
    ("roster: team, self: true, max: 1", "roster: team, max: 1",
     "The setting 'self_pick' of item 'me' changed: true -> false."),
    ("{code: me, type: nomination, roster: team,",
     "{code: me, type: nomination, roster: campaign, roster_fallback: team,",
     "The setting 'roster' of item 'me' changed: team -> campaign."),
    ("        exclusive: [none]\n", "        exclusive: [cost]\n",
     "The setting 'exclusive' of item 'barriers' changed: none -> cost."),
    ("        max: 2\n        exclusive", "        exclusive",
     "The limits of item 'barriers' changed (max_choices: 2 -> None)."),
    ("anchors: {fr: [Difficile, Facile], en: [Hard, Easy]}",
     "anchors: {fr: [Difficile, Aisé], en: [Hard, Easy]}",
     "The setting 'anchors' of item 'ease' changed: fr: Difficile, Facile; en: Hard, Easy -> "
     "fr: Difficile, Aisé; en: Hard, Easy."),
    ('min: "2020-01-01"', 'min: "2021-01-01"',
     "The limits of item 'since' changed (minimum: 2020-01-01 -> 2021-01-01)."),
    ("type: decimal, min: 0,", "type: decimal, min: 1,",
     "The limits of item 'cost' changed (minimum: 0 -> 1)."),
    ("        min: 0\n        max: 99\n", "        min: 0\n        max: 98\n",
     "The limits of item 'visits' changed (maximum: 99 -> 98)."),
    ("type: textarea, max_length: 500", "type: textarea, max_length: 400",
     "The limits of item 'comment' changed (max_length: 500 -> 400)."),
    ('{code: label, type: text,', '{code: label, type: text, max_length: 20,',
     "The limits of item 'label' changed (max_length: 200 -> 20)."),
    ('{code: exp3, fr: "On m\'a expliqué"', '{code: exp3, fr: "On m\'a tout expliqué"',
     "Row 'exp3' of matrix 'exp' reworded (fr). WARNING: scores of scale experience may not "
     "compare across waves."),
])
def test_every_setting_of_every_type_shows_in_the_diff(old: str, new: str, expected: str):
    found = sentences(ORIGINAL, changed((old, new)))
    assert expected in found, found


def test_every_settings_field_of_every_type_is_compared():
    """A type's ``changes`` names every field of its settings that differs."""
    from dataclasses import fields

    from survey.questionnaire.itemtypes import TYPES
    from survey.questionnaire.itemtypes.base import setting_changes

    for itemtype in TYPES.values():
        for f in fields(itemtype.settings_type):
            a, b = itemtype.settings_type(), itemtype.settings_type(**{f.name: object()})
            assert [c.what for c in setting_changes(a, b)] == [f.name], (itemtype.name, f.name)
