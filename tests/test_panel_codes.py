"""Panel codes without HTTP: normalisation, the keyed hash, the printable code, and the
matching study (normalisation recovers cosmetic slips, never real typos)."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

import pytest

from survey.panel import codes, study
from survey.panel.questions import DEFAULT, FOUR, QUESTIONS, chosen, parts, valid_choice

SECRET = "instance secret"


@pytest.mark.parametrize(("typed", "letter"), [
    ("M", "m"), ("m", "m"), ("  m  ", "m"), ("Marie", "m"), ("marie-ève", "m"),
    ("É", "e"), ("é", "e"), ("E\u0301lise", "e"), ("Ève-Marie", "e"), ("  -Élise", "e"),
    ("ＭＡＲＩＥ", "m"),  # full-width letters (NFKC)
    ("Île-Perrot", "i"), ("'Ô", "o"), ("ß", "s"),
    ("", ""), ("   ", ""), ("-- ", ""), ("123", ""),
])
def test_first_letter_ignores_case_accents_spaces_and_hyphens(typed: str, letter: str) -> None:
    assert codes.first_letter(typed) == letter


def test_normalise_keeps_what_distinguishes_answers() -> None:
    assert codes.normalise(" Marie-Ève ") == codes.normalise("marie eve") == "marieeve"
    assert codes.normalise("Marie") != codes.normalise("Mario")
    assert codes.normalise(unicodedata.normalize("NFD", "Hélène")) == "helene"


def test_choice_answers_are_read_from_their_list_only() -> None:
    month = QUESTIONS["birth_month"]
    assert month.part("3") == "3" and month.part(" 12 ") == "12"
    for hostile in ("13", "0", "mars", "", None, 3, ["3"], "3" * 200, "\ud800"):
        assert month.part(hostile) is None
    assert QUESTIONS["older_siblings"].part("10+") == "10+"
    assert QUESTIONS["mother_initial"].part("é" * 101) is None  # longer than any answer


def test_parts_name_the_missing_answers() -> None:
    questions = chosen(DEFAULT)
    found, missing = parts(questions, {"mother_initial": "Marie", "birth_month": "13"})
    assert found == {"mother_initial": "m"}
    assert missing == ["father_initial", "birthplace_initial", "birth_month", "older_siblings"]


def test_a_choice_of_questions_needs_four_known_distinct_ones() -> None:
    assert valid_choice(list(DEFAULT)) and valid_choice(list(FOUR))
    assert not valid_choice(["mother_initial", "birth_month", "older_siblings"])
    assert not valid_choice([*FOUR[:3], FOUR[0]])
    assert not valid_choice([*FOUR[:3], "shoe_size"])


def test_the_hash_is_keyed_per_evaluation_and_never_shows_the_answers() -> None:
    text = codes.code_text({"mother_initial": "m", "birth_month": "3"},
                           ["mother_initial", "birth_month"])
    key_a = codes.evaluation_key(SECRET, "salt-a")
    key_b = codes.evaluation_key(SECRET, "salt-b")
    stored = codes.keyed_hash(key_a, "sgic", text)
    assert stored == codes.keyed_hash(key_a, "sgic", text)
    assert len(stored) == codes.HASH_LENGTH and int(stored, 16) >= 0
    # Another evaluation (salt), another instance secret, another purpose: unrelated codes.
    assert stored != codes.keyed_hash(key_b, "sgic", text)
    assert stored != codes.keyed_hash(codes.evaluation_key("other", "salt-a"), "sgic", text)
    assert stored != codes.keyed_hash(key_a, "contact", text)
    # A dump holds the salt and the hash, not the key: an unkeyed guess over the small code
    # space finds nothing.
    for guess in (text, f"sgic:{text}", f"salt-a{text}"):
        assert hashlib.sha256(guess.encode()).hexdigest() != stored
        assert hmac.new(b"salt-a", guess.encode(), "sha256").hexdigest() != stored


def test_short_code_is_ten_printable_characters_derived_from_the_hash() -> None:
    stored = codes.keyed_hash(codes.evaluation_key(SECRET, "s"), "sgic", "x")
    short = codes.short_code(stored)
    assert len(short) == 10 and set(short) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert short == codes.short_code(stored)
    assert short != codes.short_code(codes.keyed_hash(codes.evaluation_key(SECRET, "s"),
                                                      "sgic", "y"))


# -- the matching study ------------------------------------------------------------------

@pytest.fixture(scope="module")
def pairs() -> list[study.Pair]:
    return study.test_set(people=1500, seed=11)


def test_normalisation_recovers_every_cosmetic_slip_and_no_real_typo(pairs) -> None:  # noqa: ANN001
    for pair in pairs:
        same = study.panel_code(pair.first, DEFAULT) == study.panel_code(pair.second, DEFAULT)
        assert same is pair.cosmetic, (pair.first, pair.second)


def test_exact_matching_would_lose_most_people_the_normalisation_keeps(pairs) -> None:  # noqa: ANN001
    rates = study.measure(pairs, DEFAULT)
    assert rates.people == 1500
    assert rates.normalised == rates.cosmetic_only == rates.people - rates.real_slips
    assert 0 < rates.real_slips < 0.1 * rates.people
    assert rates.exact < rates.trimmed < rates.normalised
    assert rates.exact < 0.5 * rates.people  # the slips are really there


def test_the_study_set_holds_each_kind_of_slip(pairs) -> None:  # noqa: ANN001
    typed = [p.second[c] for p in pairs for c in study.SOURCE]
    assert any(t != t.strip() for t in typed)  # stray spaces
    assert any(t.islower() for t in typed) and any(t.isupper() for t in typed)
    assert any(unicodedata.combining(c) for t in typed for c in t)  # combining accents
    assert any(len(t.strip()) > 1 for t in typed) and any(len(t.strip()) == 1 for t in typed)


def test_a_real_typo_changes_the_first_letter_or_the_value() -> None:
    import random

    rng = random.Random(1)
    for code in DEFAULT:
        raw = {"mother_initial": " Marie", "father_initial": "Éric",
               "birthplace_initial": "Québec", "birth_month": "12", "older_siblings": "9"}
        before = parts(chosen(DEFAULT), raw)[0]
        study.real_slip(rng, raw, code)
        after = parts(chosen(DEFAULT), raw)[0]
        assert {k for k in before if before[k] != after[k]} == {code}


def test_the_study_is_reproducible() -> None:
    one = study.measure(study.test_set(300, seed=5))
    assert one == study.measure(study.test_set(300, seed=5))
    assert one != study.measure(study.test_set(300, seed=6))
