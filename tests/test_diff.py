"""The diff between two versions, in plain words, with comparability warnings."""

from __future__ import annotations

from pathlib import Path

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
    assert change.kind == "row_reworded" and change.breaks
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
    assert change.kind == "scale_reverse" and change.breaks
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
