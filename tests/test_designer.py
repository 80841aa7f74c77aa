"""The designer without HTTP: its edits of a definition (pages, questions, choices), the forms
worked out from every item type, the loader's problems placed on fields, and the saves of a
draft (validated, numbered, locked against a stale revision, gone back to, audited), which
keep every key the designer does not edit."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from survey.designer import edits, services
from survey.designer.fields import item_fields, type_fields
from survey.designer.forms import entry_of, row_action, state_of, state_posted
from survey.designer.validation import item_path, on_fields, validate
from survey.extensions import db
from survey.models import AuditEvent
from survey.questionnaire import load_file
from survey.questionnaire.download import as_xlsform
from survey.questionnaire.itemtypes import TYPES, ItemType
from survey.versions.drafts import save_draft
from survey.versions.upload import check_upload

DATA = Path(__file__).parent / "data"
BUNDLED = Path(__file__).parent.parent / "questionnaires"


@pytest.fixture(scope="module")
def citizens() -> dict:
    return copy.deepcopy(dict(load_file(BUNDLED / "citizens.yaml").raw))


def _codes(data: dict, section: int) -> list[str]:
    return [item["code"] for item in data["sections"][section]["items"]]


def test_questions_move_within_and_across_pages(citizens: dict) -> None:
    first = _codes(citizens, 0)
    moved = edits.move_item(citizens, first[1], -1)
    assert _codes(moved, 0)[:2] == [first[1], first[0]]
    assert _codes(citizens, 0) == first  # the original is never changed
    across = edits.move_item(citizens, first[-1], 1)  # the last of a page goes to the next
    assert _codes(across, 1)[0] == first[-1] and first[-1] not in _codes(across, 0)
    assert edits.move_item(citizens, first[0], -1) == citizens  # nowhere to go: unchanged


def test_pages_and_questions_are_added_duplicated_and_deleted(citizens: dict) -> None:
    page = {"code": "extra", "title": {"fr": "En plus", "en": "More"},
            "items": [{"code": "extra_note", "type": "note", "text": {"fr": "a", "en": "b"}}]}
    added = edits.add_section(citizens, page, after="your_role")
    assert [s["code"] for s in added["sections"]][:2] == ["your_role", "extra"]
    copied, code = edits.duplicate_section(added, "extra")
    assert code == "extra_copy" and copied["sections"][2]["items"][0]["code"] == "extra_note_2"
    assert validate(copied)[1] == []  # a duplicated page stays a valid questionnaire
    twin, item_code = edits.duplicate_item(citizens, "role")
    assert item_code == "role_copy" and _codes(twin, 0)[:2] == ["role", "role_copy"]
    assert "role_other" not in _codes(edits.delete_item(citizens, "role_other"), 0)
    assert "extra" not in [s["code"] for s in edits.delete_section(added, "extra")["sections"]]
    moved = edits.move_section(added, "extra", -1)
    assert moved["sections"][0]["code"] == "extra"
    with pytest.raises(edits.NotFound):
        edits.item_entry(citizens, "nothing_here")


def test_choices_are_reordered_added_and_removed_in_the_form(citizens: dict) -> None:
    entry = edits.item_entry(citizens, "role")
    state = state_of(entry, item_fields("single"), ("fr", "en"))
    codes = [row["code"] for row in state.rows["choices"]]
    assert row_action(state, "choices:down:0")
    assert row_action(state, "choices:delete:5")
    assert row_action(state, "choices:add")
    assert not row_action(state, "choices:up:99") and not row_action(state, "nope:add")
    new_entry, problems = entry_of(state, entry)
    assert not problems
    # the empty row added and left empty is not kept; the others in their new order
    assert [c["code"] for c in new_entry["choices"]] == [codes[1], codes[0], *codes[2:5]]
    assert new_entry["choices"][0]["fr"] == entry["choices"][1]["fr"]


def test_a_form_posted_unchanged_changes_nothing(citizens: dict) -> None:
    for section in citizens["sections"]:
        for entry in section["items"]:
            fields = item_fields(entry["type"])
            state = state_of(entry, fields, ("fr", "en"))
            again, problems = entry_of(state_posted(_posted(state), fields, ("fr", "en")),
                                       entry)
            assert not problems
            assert again == entry, entry["code"]


def test_a_choice_filter_is_offered_only_where_the_definition_accepts_one() -> None:
    """A short text or a Likert item has no choices to filter: its form has no such field,
    and the loader refuses the key on it (one rule: ``takes_choice_filter``)."""
    offered = {name for name in TYPES if "choice_filter" in {f.key for f in item_fields(name)}}
    assert offered == {"single", "multiple"}
    tried = set()
    for path in sorted(BUNDLED.glob("*.yaml")):
        data = copy.deepcopy(dict(load_file(path).raw))
        for s, section in enumerate(data["sections"]):
            for i, entry in enumerate(section["items"]):
                if entry["type"] in tried or entry.get("choice_filter"):
                    continue
                tried.add(entry["type"])
                changed = copy.deepcopy(data)
                changed["sections"][s]["items"][i]["choice_filter"] = "name != 'x'"
                _definition, problems = validate(changed)
                refused = [p for p in problems if "choice_filter" in str(p.text)]
                assert bool(refused) == (entry["type"] not in offered), (entry["type"], refused)
    assert {"single", "multiple", "likert", "yesno", "text"} <= tried


def test_every_item_type_has_a_form_and_a_new_type_gets_one(monkeypatch) -> None:
    for name, item_type in TYPES.items():
        keys = {f.key for f in item_fields(name)}
        assert set(item_type.keys) <= keys, name  # each of its own keys has a field

    @dataclass(frozen=True)
    class StarSettings:
        stars: int = 5
        half: bool = False
        caption: str | None = None

    class Stars(ItemType):
        name = "stars"
        keys = frozenset({"stars", "half", "caption", "palette"})
        settings_type = StarSettings

    monkeypatch.setitem(TYPES, "stars", Stars())
    assert {f.key: f.kind for f in type_fields(TYPES["stars"])} == {
        "stars": "int", "half": "flag", "caption": "text", "palette": "yaml"}


def test_problems_are_placed_on_the_fields_that_cause_them(citizens: dict) -> None:
    data = copy.deepcopy(citizens)
    role = edits.item_entry(data, "role")
    role["choices"][1]["code"] = "Bad Code"
    del role["text"]["en"]
    role["relevant"] = "${nobody} = 1"
    definition, problems = validate(data)
    assert definition is None
    names = {"text", "relevant", "choices", "choices.1", "choices.1.code"}
    placed = on_fields(problems, item_path(data, "role"), names)
    assert set(placed) >= {"text", "relevant", "choices.1"}, placed  # the row of the code
    assert any("en" in str(t) for t in placed["text"])


@pytest.fixture
def evaluation_id(app: Flask) -> int:
    from survey.design import services as design

    with app.app_context():
        return design.create_evaluation(None, name="Designer").id


def test_saves_are_validated_numbered_locked_and_audited(app: Flask, evaluation_id: int,
                                                          citizens: dict) -> None:
    with app.app_context():
        draft, problems = services.create(evaluation_id, citizens, "citizens", None)
        assert not problems and services.revision_of(draft) == 1
        broken = edits.replace_item(citizens, "role", {"code": "role", "type": "single"})
        refused = services.save(draft, broken, 1, None, "item-edited role")
        assert refused.problems and services.revision_of(draft) == 1
        first = edits.move_item(citizens, "involved_since", -1)
        saved = services.save(draft, first, 1, None, "item-up involved_since")
        assert saved.ok and saved.revision == 2
        assert draft.content_hash == validate(first)[0].content_hash
        # a save made on revision 1 after revision 2: refused, the other change kept
        other = edits.delete_item(citizens, "lives_area")
        stale = services.save(draft, other, 1, None, "item-delete lives_area")
        assert stale.conflict is not None and stale.conflict.number == 2
        assert _codes(draft.definition_data, 0)[1] == "involved_since"
        assert "lives_area" in _codes(draft.definition_data, 0)
        actions = list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.evaluation_id == evaluation_id)))
        assert actions.count("questionnaire-draft-saved") == 1
        assert "questionnaire-draft-created" in actions


def test_going_back_to_a_save_is_a_new_save(app: Flask, evaluation_id: int,
                                            citizens: dict) -> None:
    with app.app_context():
        draft, _ = services.create(evaluation_id, citizens, "citizens", None)
        changed = edits.delete_item(citizens, "role_other")
        assert services.save(draft, changed, 1, None, "item-delete role_other").ok
        back = services.restore(draft, 1, 2, None)
        assert back.ok and back.revision == 3
        assert draft.definition_data == citizens
        assert [r.number for r in services.revisions_of(draft)] == [3, 2, 1]
        again = services.restore(draft, 2, 3, None)  # and going back is undone the same way
        assert again.ok and "role_other" not in _codes(draft.definition_data, 0)
        assert services.restore(draft, 1, 1, None).conflict is not None  # stale: refused


def test_an_uploaded_xlsform_draft_keeps_every_key_the_designer_does_not_edit(
        app: Flask, evaluation_id: int) -> None:
    household = load_file(DATA / "household.yaml")
    report = check_upload("household.xlsx", as_xlsform(household))
    assert report.ok
    with app.app_context():
        draft = save_draft(evaluation_id, report.definition, "household.xlsx", report.notes)
        before = copy.deepcopy(draft.definition_data)
        assert any("repeat" in s for s in before["sections"])  # what the designer keeps as is
        entry = edits.item_entry(before, "age")
        state = state_of(entry, item_fields("integer"), household.languages)
        state.values["text.en"] = "Age of this person, in years?"
        new_entry, _ = entry_of(state, entry)
        saved = services.save(draft, edits.replace_item(before, "age", new_entry),
                              services.revision_of(draft), None, "item-edited age")
        assert saved.ok and saved.revision == 2  # the upload is save 1 of its history
        expected = copy.deepcopy(before)
        edits.item_entry(expected, "age")["text"]["en"] = "Age of this person, in years?"
        assert draft.definition_data == expected
        assert services.revision(draft, 1).definition_data == before


def test_missing_translations_are_counted(citizens: dict) -> None:
    assert edits.missing_translations(citizens, ("fr", "en")) == []
    data = copy.deepcopy(citizens)
    del edits.item_entry(data, "role")["help"]["en"]
    del edits.item_entry(data, "role")["choices"][0]["fr"]
    assert edits.missing_translations(data, ("fr", "en")) == [
        ("role", "help", "en"), ("resident", "label", "fr")]


def _posted(state) -> MultiDict:  # noqa: ANN001 - a FormState
    """The form as a browser posts it back untouched."""
    posted = MultiDict()
    for name, value in state.values.items():
        posted.add(name, value)
    for key, values in state.checked.items():
        for value in values:
            posted.add(key, value)
    for key, rows in state.rows.items():
        for n, row in enumerate(rows):
            for part, value in row.items():
                posted.add(f"{key}.{n}.{part}", value)
    posted.add("yaml_keys", " ".join(f.key for f in state.fields if f.kind == "yaml"))
    return posted


def test_easy_read_wording_is_shown_beside_each_text_kept_and_edited() -> None:
    """Issue 29 in the designer: the patients' questions carry easy-read wording; their forms
    show it beside the standard text in each language, a form posted unchanged keeps every
    easy wording (none dropped), and an edited one is saved."""
    patients = copy.deepcopy(dict(load_file(BUNDLED / "patients.yaml").raw))
    with_easy = 0
    for section in patients["sections"]:
        for entry in section["items"]:
            fields = item_fields(entry["type"])
            state = state_of(entry, fields, ("fr", "en"))
            text = entry.get("text")
            if isinstance(text, dict) and "easy" in text:
                with_easy += 1
                assert state.value("text.easy.fr") == text["easy"]["fr"]
                assert [f.kind for f in state.fields if f.key == "text"] == ["lang_text"]
            again, problems = entry_of(state_posted(_posted(state), fields, ("fr", "en")),
                                       entry)
            assert not problems
            assert again == entry, entry["code"]
    assert with_easy >= 20
    entry = next(e for s in patients["sections"] for e in s["items"]
                 if isinstance(e.get("text"), dict) and "easy" in e["text"])
    fields = item_fields(entry["type"])
    posted = _posted(state_of(entry, fields, ("fr", "en")))
    posted.setlist("text.easy.en", ["Plainer words."])
    again, problems = entry_of(state_posted(posted, fields, ("fr", "en")), entry)
    assert not problems
    assert again["text"]["easy"] == {"fr": entry["text"]["easy"]["fr"], "en": "Plainer words."}
    assert again["text"]["fr"] == entry["text"]["fr"]
    posted.setlist("text.easy.en", [""])
    posted.setlist("text.easy.fr", [""])
    again, _ = entry_of(state_posted(posted, fields, ("fr", "en")), entry)
    assert "easy" not in again["text"]  # emptied in both languages: no easy wording left
