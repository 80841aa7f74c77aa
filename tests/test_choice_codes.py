"""Choice codes made from the first label, unique and valid for the loader, and fixed once a
version the draft descends from has published them."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from survey.questionnaire import load_data, load_file
from survey.questionnaire.choice_codes import (
    MAX_LENGTH,
    check_code,
    check_codes,
    codes_for,
    first_label,
    fixed_codes,
    follow_label,
    numbered,
    numbers,
    slug,
    unique_code,
)
from survey.questionnaire.loading.reader import CODE_RE

ROOT = Path(__file__).parent.parent
PATIENTS = ROOT / "questionnaires" / "patients.yaml"


@pytest.mark.parametrize(("label", "code"), [
    ("Très satisfait", "tres_satisfait"),
    ("Plutôt d'accord", "plutot_d_accord"),
    ("  Œuvre collective  ", "oeuvre_collective"),
    ("Ne sais pas / NSP", "ne_sais_pas_nsp"),
    ("18-24 ans", "c_18_24_ans"),
    ("Français (Québec)", "francais_quebec"),
    ("Straße", "strasse"),
    ("???", "choice"),
    ("日本", "choice"),
    ("Autre…", "autre"),
])
def test_a_code_is_the_first_label_folded(label, code):
    assert slug(label) == code
    assert CODE_RE.match(code)


def test_codes_are_unique_in_their_list_within_the_loaders_length_and_never_special():
    assert unique_code("Autre", ["autre"]) == "autre_2"
    assert unique_code("Autre", ["autre", "autre_2"]) == "autre_3"
    assert unique_code("Don't know", ["dont_know"]) != "dont_know"
    assert unique_code("Dont know", []) == "dont_know_2"  # a special answer's code
    long = "Une réponse vraiment très longue " * 5
    first = unique_code(long, [])
    second = unique_code(long, [first])
    assert len(first) <= MAX_LENGTH and len(second) <= MAX_LENGTH
    assert first != second and CODE_RE.match(first) and CODE_RE.match(second)
    assert codes_for(["Oui", "Non", "Oui", "Non"], taken=["non"]) == [
        "oui", "non_2", "oui_2", "non_3"]


def test_generated_codes_validate_with_the_loader():
    data = load_file(PATIENTS).raw
    data = copy.deepcopy(dict(data))
    labels = ["Très satisfait", "Satisfait", "Très satisfait", "18-24 ans", "???", "Autre",
              "Ne sais pas", "Préfère ne pas répondre", "x" * 100]
    item = data["sections"][0]["items"][0]
    item["choices"] = [{"code": code, "fr": label, "en": label}
                       for code, label in zip(codes_for(labels), labels, strict=True)]
    definition = load_data(data)
    assert [c.code for c in definition.item(item["code"]).choices][:4] == [
        "tres_satisfait", "satisfait", "tres_satisfait_2", "c_18_24_ans"]


def test_the_first_language_names_the_code():
    assert first_label({"code": "x", "fr": "Oui", "en": "Yes"}, ("fr", "en")) == "Oui"
    assert first_label({"fr": " ", "en": "Yes"}, ("fr", "en")) == "Yes"
    assert first_label({"de": "Ja"}, ("fr", "en")) == "Ja"


def test_scale_points_are_numbered_not_named():
    assert numbered("likert") and numbered("matrix")
    assert not numbered("single") and not numbered("multiple") and not numbered("nope")
    assert numbers(5) == [1, 2, 3, 4, 5]


# -- fixed once published -----------------------------------------------------------------

def published() -> dict:
    return copy.deepcopy(dict(load_file(PATIENTS).raw))


def test_codes_published_for_an_item_or_a_list_are_fixed_in_the_draft():
    draft = published()
    service = draft["sections"][0]["items"][0]
    service["choices"].append({"code": "pharmacy", "fr": "Pharmacie", "en": "Pharmacy"})
    draft["choice_lists"]["fresh"] = [{"code": "a", "fr": "A", "en": "A"}]
    fixed = fixed_codes(draft, [published()])
    assert fixed.of_item("service_type") == {"clinic", "coop", "community_prog", "other"}
    assert "pharmacy" not in fixed.of_item("service_type")  # new in the draft: editable
    assert fixed.of_list("agree5") == {"1", "2", "3", "4", "5"}
    assert fixed.of_list("fresh") == frozenset()
    assert fixed.of_item("brand_new_item") == frozenset()


def test_every_version_of_the_lineage_counts():
    older = published()
    older["sections"][0]["items"][0]["choices"].append(
        {"code": "retired", "fr": "Ancien", "en": "Old"})
    draft = published()
    fixed = fixed_codes(draft, [older, published()])
    assert "retired" in fixed.of_item("service_type")


def test_a_list_used_by_an_item_whose_codes_were_published_inline_is_fixed_too():
    old = published()
    draft = published()
    choices = draft["sections"][0]["items"][0]["choices"]
    draft["choice_lists"]["services"] = choices
    draft["sections"][0]["items"][0]["choices"] = "services"
    load_data(draft)
    assert fixed_codes(draft, [old]).of_list("services") == {
        "clinic", "coop", "community_prog", "other"}


def test_changing_or_deleting_a_fixed_code_is_refused_with_its_reason():
    fixed = {"clinic", "coop"}
    before = ["clinic", "coop", "new"]
    assert check_codes(before, ["clinic", "coop", "newer"], fixed) == []  # not published
    assert check_codes(before, ["coop", "clinic", "new"], fixed) == []  # reordered
    [changed] = check_codes(before, ["clinic", "cooperative", "new"], fixed)
    assert str(changed).startswith("the code 'coop' is published: it cannot become "
                                   "'cooperative'")
    [deleted] = check_codes(before, ["clinic", "new"], fixed)
    assert str(deleted).startswith("the choice 'coop' is published: it cannot be deleted")
    assert len(check_codes(before, [], fixed)) == 2
    assert check_codes([1, 2], ["1", "2"], {"1", "2"}) == []  # compared as text


def test_a_typed_code_is_checked_as_the_loader_would():
    assert check_code("tres_bien", ["bien"]) == []
    assert check_code(3, [1, 2]) == []
    assert "lower case letters" in str(check_code("Très bien", [])[0])
    assert "lower case letters" in str(check_code("x" * 65, [])[0])
    assert "lower case letters" in str(check_code(True, [])[0])
    assert "reserved" in str(check_code("prefer_not", [])[0])
    assert "another choice" in str(check_code("bien", ["bien"])[0])
    assert "another choice" in str(check_code(2, [1, "2"])[0])


def test_the_points_of_a_published_likert_are_fixed():
    data = published()
    likert = next(i for s in data["sections"] for i in s["items"]
                  if i["type"] == "likert" and "points" in i)
    fixed = fixed_codes(data, [published()]).of_item(likert["code"])
    assert fixed == {str(n) for n in range(1, likert["points"] + 1)}
    assert check_codes([1, 2, 3, 4, 5], [1, 2, 3, 4], fixed) != []


def test_a_made_code_follows_its_label_until_typed_by_hand_or_published():
    assert follow_label("satisfait", "Satisfait", "Très satisfait", ["autre"]) == \
        "tres_satisfait"
    assert follow_label("autre_2", "Autre", "Autre chose", ["autre", "autre_2"]) == \
        "autre_chose"
    assert follow_label("mine", "Satisfait", "Très satisfait", []) == "mine"  # typed
    assert follow_label("satisfait", "Satisfait", "Content", [], fixed={"satisfait"}) == \
        "satisfait"  # published
    assert follow_label("oui", "Oui", "Non", ["non"]) == "non_2"
