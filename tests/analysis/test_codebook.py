"""The codebook schema: bundled questionnaires convert, bad codebooks list every problem."""

import json

import pytest

from analysis.codebook import CodebookError, load_codebook, parse_codebook
from tests.analysis.conftest import bundled_codebook_dict


@pytest.mark.parametrize("name", ["patients", "professionals", "citizens"])
def test_bundled_questionnaires_give_valid_codebooks(name, codebooks):
    codebook = codebooks[name]
    assert codebook.scales and all(len(s.items) >= 3 for s in codebook.scales)
    assert parse_codebook(codebook.to_dict()) == codebook  # the JSON shape round-trips


def test_equity_descriptors_and_nominations_are_recognised(codebooks):
    equity = {"age_band", "gender", "language_home", "financial_strain", "family_doctor",
              "rurality", "immigration"}
    assert {i.code for i in codebooks["patients"].equity_items} == equity
    professionals = codebooks["professionals"]
    assert professionals.self_item.code == "me"
    leaders = professionals.item("leaders")
    assert leaders.rated and leaders.rating_max == 5 and "nurse_np" in leaders.roster_codes


def test_every_problem_is_reported_at_once(tmp_path):
    raw = bundled_codebook_dict("patients")
    raw["codebook_format"] = 2
    raw["items"][0]["type"] = "slider"
    raw["scales"][0]["items"].append("ghost")
    with pytest.raises(CodebookError) as error:
        parse_codebook(raw)
    text = "\n".join(error.value.problems)
    assert "codebook_format" in text and "slider" in text and "ghost" in text
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CodebookError, match="not valid JSON"):
        load_codebook(path)


def test_likert_items_run_over_consecutive_integers_from_any_first_code():
    raw = bundled_codebook_dict("citizens")
    scale = raw["scales"][0]
    likert = next(i for i in raw["items"] if i["code"] == scale["items"][0])
    # 0..4 is accepted, with the scale's other items coded the same way.
    for item in raw["items"]:
        if item["code"] in scale["items"]:
            item["choices"] = [{"code": c, "label": {}} for c in (0, 1, 2, 3, 4)]
    book = parse_codebook(json.loads(json.dumps(raw)))
    assert book.item(likert["code"]).first == 0
    parsed = next(s for s in book.scales if s.code == scale["code"])
    assert (parsed.first, parsed.last) == (0, 4)
    assert book.to_dict()["items"][[i.code for i in book.items].index(likert["code"])][
        "first"] == 0
    # Gaps are refused, and so is a scale mixing 0..4 and 1..5 items.
    likert["choices"] = [{"code": c, "label": {}} for c in (0, 1, 3, 4, 5)]
    with pytest.raises(CodebookError, match="consecutive integers"):
        parse_codebook(json.loads(json.dumps(raw)))
    likert["choices"] = [{"code": c, "label": {}} for c in (1, 2, 3, 4, 5)]
    with pytest.raises(CodebookError, match="is coded from 0, not from 1"):
        parse_codebook(json.loads(json.dumps(raw)))
