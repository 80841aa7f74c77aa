"""The designer's condition builder: rows <-> the expression language, what a condition may
read at a place of a draft, problems on their rows, and the condition in words."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.questionnaire import DefinitionError, load_data, load_file
from survey.questionnaire.conditions_builder import (
    ANSWERED,
    CHOICE,
    DATE,
    DOT,
    MANY,
    NOT_ANSWERED,
    NOT_SELECTED,
    NUMBER,
    SELECTED,
    TEXT,
    TIME,
    WORDS,
    Condition,
    Row,
    check,
    check_text,
    comparison_words,
    describe_condition,
    earlier_codes,
    from_text,
    read_row,
    readable,
    to_text,
)

ROOT = Path(__file__).parent.parent
BUNDLED = sorted(ROOT.glob("questionnaires/*.yaml"))
FR = {"fr": "Question", "en": "Question"}

DRAFT = yaml.safe_load("""
format: 1
code: builder
audience: patient
languages: [fr, en]
minutes: 5
title: {fr: Titre, en: Title}
introduction: {fr: Intro, en: Intro}
consent: {fr: Accord, en: Consent}
choice_lists:
  agree:
    - {code: 1, fr: "Pas d'accord", en: Disagree}
    - {code: 2, fr: Neutre, en: Neutral}
    - {code: 3, fr: "D'accord", en: Agree}
sections:
  - code: first
    title: {fr: Un, en: One}
    items:
      - {code: hello, type: note, text: {fr: Bonjour, en: Hello}}
      - code: role
        type: single
        special: [prefer_not]
        text: {fr: "Votre rôle ?", en: "Your role?"}
        choices:
          - {code: nurse, fr: Infirmière, en: Nurse}
          - {code: other, fr: Autre, en: Other}
      - {code: used, type: yesno, text: {fr: "Utilisé ?", en: "Used?"}}
      - code: ways
        type: multiple
        text: {fr: Comment, en: How}
        choices:
          - {code: bus, fr: Autobus, en: Bus}
          - {code: none, fr: Aucun, en: None}
      - {code: age, type: integer, min: 0, max: 120, text: {fr: Âge, en: Age}}
      - {code: since, type: date, text: {fr: Depuis, en: Since}}
      - {code: arrival, type: time, text: {fr: Arrivée, en: Arrival}}
      - {code: word, type: text, text: {fr: Mot, en: Word}}
      - {code: ease, type: likert, choices: agree, text: {fr: Facile, en: Easy}}
      - code: exp
        type: matrix
        choices: agree
        text: {fr: Expérience, en: Experience}
        rows:
          - {code: exp1, fr: Écouté, en: Listened to}
          - {code: exp2, fr: Jugé, en: Judged}
      - code: order
        type: ranking
        text: {fr: Ordre, en: Order}
        choices:
          - {code: a, fr: A, en: A}
          - {code: b, fr: B, en: B}
  - code: second
    title: {fr: Deux, en: Two}
    items:
      - {code: later, type: yesno, text: {fr: "Plus tard ?", en: "Later?"}}
      - {code: last, type: text, text: {fr: Fin, en: End}}
  - code: visits
    title: {fr: Visites, en: Visits}
    repeat: {max: 3, label: {fr: Visite, en: Visit}}
    items:
      - {code: visit_kind, type: yesno, text: {fr: "Urgence ?", en: "Emergency?"}}
      - {code: visit_note, type: text, text: {fr: Note, en: Note}}
  - code: after
    title: {fr: Après, en: After}
    items:
      - {code: final, type: text, text: {fr: Final, en: Final}}
""")
LAST_PAGE = 1  # "second": everything of "first" is before it


def questions(page: int = LAST_PAGE, position: int | None = 0, own: str | None = None):
    return readable(DRAFT, page, position, own=own)


def with_relevance(text: str, page: int = 1, position: int = 1) -> dict:
    data = copy.deepcopy(DRAFT)
    data["sections"][page]["items"][position]["relevant"] = text
    return data


# -- rows <-> text ------------------------------------------------------------------------

EXAMPLES = [
    (Condition((Row("role", "=", "other"),)), "${role} = 'other'"),
    (Condition((Row("role", "!=", "nurse"), Row("used", "=", "yes")), "any"),
     "${role} != 'nurse' or ${used} = 'yes'"),
    (Condition((Row("ways", SELECTED, "bus"),)), "selected(${ways}, 'bus')"),
    (Condition((Row("ways", NOT_SELECTED, "none"),)), "not(selected(${ways}, 'none'))"),
    (Condition((Row("age", ">=", 65), Row("age", "<", 80))), "${age} >= 65 and ${age} < 80"),
    (Condition((Row("age", "<=", 2.5),)), "${age} <= 2.5"),
    (Condition((Row("since", ">", "2026-01-01"),)), "${since} > '2026-01-01'"),
    (Condition((Row("arrival", "<", "12:00"),)), "${arrival} < '12:00'"),
    (Condition((Row("word", ANSWERED),)), "${word} != ''"),
    (Condition((Row("word", NOT_ANSWERED),)), "${word} = ''"),
    (Condition((Row("word", "=", "l'eau"),)), "${word} = \"l'eau\""),
    (Condition((Row("ease", ">=", 2), Row("exp1", "=", 3))), "${ease} >= 2 and ${exp1} = 3"),
    (Condition((Row("role", "=", "prefer_not"),)), "${role} = 'prefer_not'"),
]


@pytest.mark.parametrize(("condition", "text"), EXAMPLES, ids=[t for _c, t in EXAMPLES])
def test_rows_write_the_expression_language_and_read_back_identical(condition, text):
    assert to_text(condition) == text
    assert from_text(text) == condition
    assert from_text(to_text(condition)) == condition


@pytest.mark.parametrize(("condition", "text"), EXAMPLES, ids=[t for _c, t in EXAMPLES])
def test_text_the_builder_writes_validates_with_the_loader(condition, text):
    definition = load_data(with_relevance(text))
    assert definition.sections[1].items[1].relevant.source == text


def test_a_constraint_row_reads_the_answer_itself():
    condition = Condition((Row(DOT, "<=", 52),))
    assert to_text(condition) == ". <= 52"
    assert from_text(". <= 52", constraint=True) == condition
    assert from_text(". <= 52") is None  # "." only in a constraint
    data = copy.deepcopy(DRAFT)
    data["sections"][0]["items"][4].update(
        constraint=to_text(condition), constraint_message={"fr": "Trop", "en": "Too many"})
    assert load_data(data).item("age").constraint.source == ". <= 52"


@pytest.mark.parametrize("text", [
    "${age} > 3 and ${age} < 9 or ${used} = 'yes'",  # all and any mixed
    "${age} + 1 > 3",  # arithmetic
    "not(${role} = 'other')",  # a negation the builder does not write
    "${used}",  # truthy: 0 and '' alike
    "'other' = ${role}",  # the value first: a different tree
    "${age} > ${since}",  # two questions
    "${role} = 'x' and (${age} > 1 and ${age} < 5)",  # grouped the other way
    "count-selected(${ways}) > 1",
    "${role} = 'other' and",  # does not parse
    "",
])
def test_other_expressions_stay_text(text):
    assert from_text(text) is None


def test_every_condition_of_the_bundled_questionnaires_opens_as_rows_or_stays_as_text():
    """The bundled skip rules are all in the builder's shape, and rows write them back to the
    very same text (opening and saving them changes nothing); their one compound constraint
    stays in text mode."""
    as_rows, as_text = 0, 0
    for path in BUNDLED:
        for item in load_file(path).items():
            for expression, constraint in ((item.relevant, False), (item.constraint, True)):
                if expression is None:
                    continue
                condition = from_text(expression.source, constraint=constraint)
                if condition is None:
                    as_text += 1
                    continue
                as_rows += 1
                assert to_text(condition) == expression.source
    assert as_rows >= 15 and as_text == 1


# -- what a condition may read ------------------------------------------------------------

def test_only_earlier_questions_are_offered_each_with_its_comparisons_and_values():
    found = {q.key: q for q in questions(0, 4)}  # before "age" on the first page
    assert list(found) == ["role", "used", "ways"]  # the note asks nothing
    role = found["role"]
    assert role.kind == CHOICE and role.comparisons == ("=", "!=", ANSWERED, NOT_ANSWERED)
    assert [(o.code, o.special) for o in role.options] == [
        ("nurse", False), ("other", False), ("prefer_not", True)]
    assert role.options[1].label == {"fr": "Autre", "en": "Other"}
    assert [o.code for o in found["used"].options] == ["yes", "no"]
    assert found["ways"].kind == MANY and SELECTED in found["ways"].comparisons
    assert "=" not in found["ways"].comparisons


def test_every_type_is_compared_as_its_answer_is():
    found = {q.key: q for q in questions()}
    kinds = {key: q.kind for key, q in found.items()}
    assert kinds == {"role": CHOICE, "used": CHOICE, "ways": MANY, "age": NUMBER,
                     "since": DATE, "arrival": TIME, "word": TEXT, "ease": CHOICE,
                     "exp1": CHOICE, "exp2": CHOICE, "order": MANY}
    assert ">=" in found["ease"].comparisons  # the points of a scale are ordered
    assert ">=" not in found["role"].comparisons
    assert found["exp2"].item == "exp" and found["exp2"].text["en"] == "Experience: Judged"
    assert [o.code for o in found["exp1"].options] == [1, 2, 3]
    assert found["age"].options == ()


def test_a_page_condition_reads_earlier_pages_only_and_repeated_pages_keep_their_answers():
    assert [q.key for q in questions(1, None)][-1] == "order"
    assert "later" not in {q.key for q in questions(1, None)}
    on_repeat = [q.key for q in readable(DRAFT, 2, 1)]
    assert on_repeat[-1] == "visit_kind" and "last" in on_repeat
    after = {q.key for q in readable(DRAFT, 3, 0)}
    assert "visit_kind" not in after and "last" in after  # count() of it: text mode
    assert earlier_codes(DRAFT, 1, 1) == [*(i["code"] for i in DRAFT["sections"][0]["items"]),
                                          "later"]


def test_a_constraint_offers_its_own_answer_as_dot():
    found = questions(0, 4, own="age")
    assert found[0].key == DOT and found[0].kind == NUMBER
    assert DOT not in {q.key for q in questions(0, 4)}


def test_a_draft_being_edited_is_read_without_being_refused():
    data = copy.deepcopy(DRAFT)
    data["sections"][0]["items"][1]["choices"] = "no_such_list"  # invalid now
    with pytest.raises(DefinitionError):
        load_data(data)
    assert "age" in {q.key for q in readable(data, 1, 0)}


# -- problems -----------------------------------------------------------------------------

def problems(condition: Condition, page: int = LAST_PAGE, position: int | None = 0):
    all_codes = [i["code"] for s in DRAFT["sections"] for i in s["items"]]
    return [(p.row, str(p.text)) for p in check(condition, questions(page, position),
                                                all_codes)]


def test_a_sound_condition_has_no_problem():
    assert problems(Condition((Row("role", "=", "other"), Row("age", ">", 3),
                               Row("since", "<=", "2026-02-28"), Row("arrival", ">", "09:30"),
                               Row("ways", NOT_SELECTED, "none"), Row("word", ANSWERED),
                               Row("used", "=", "no"), Row("role", "!=", "prefer_not")))) == []


@pytest.mark.parametrize(("row", "words"), [
    (Row("nobody", "=", "x"), "there is no question 'nobody'"),
    (Row("last", "=", "x"), "'last' is not asked before this point"),
    (Row("later", "=", "yes"), "'later' is not asked before this point"),
    (Row("role", "=", "doctor"), "'doctor' is not a choice of 'role' (its choices: nurse, "
                                 "other, prefer_not)"),
    (Row("ease", "=", "2"), "'2' is not a choice of 'ease'"),  # a text against codes 1..3
    (Row("ways", "=", "bus"), "'=' does not apply to 'ways'"),
    (Row("role", ">", "nurse"), "'>' does not apply to 'role'"),
    (Row("age", ">", "many"), "the value must be a number"),
    (Row("since", "<", "2026-02-30"), "the value must be a date"),
    (Row("arrival", "<", "25:00"), "the value must be a time"),
    (Row("word", "=", "a'b\"c"), "cannot hold both"),
    (Row("role", "="), "choose or type the value"),
    (Row("word", ANSWERED, "x"), "takes no value"),
    (Row("role", SELECTED, "prefer_not"), "'selected' does not apply"),
    (Row(DOT, ">", 3), "only allowed in a constraint"),
])
def test_each_problem_is_placed_on_its_row(row, words):
    found = problems(Condition((Row("role", "=", "other"), row)))
    assert len(found) == 1 and found[0][0] == 1 and words in found[0][1], found


def test_an_empty_condition_and_an_unknown_join_are_problems_of_the_whole():
    assert problems(Condition(())) == [(None, "add at least one row, or remove the "
                                              "condition")]
    assert problems(Condition((Row("role", "=", "other"),), "some"))[0][0] is None


def test_problems_translate():
    [problem] = check(Condition((Row("role", "=", "doctor"),)), questions())
    french = problem.text.render(lambda template: {
        "%(value)s is not a choice of '%(code)s' (its choices: %(codes)s)":
            "%(value)s n'est pas un choix de « %(code)s » (ses choix\u00a0: %(codes)s)",
    }.get(template, template))
    assert french.startswith("'doctor' n'est pas un choix de « role »")


def test_form_values_take_the_type_of_the_question():
    found = questions()
    assert read_row(found, "ease", ">=", "2") == Row("ease", ">=", 2)
    assert read_row(found, "age", "<", " 2,5 ") == Row("age", "<", 2.5)
    assert read_row(found, "age", "<", "40") == Row("age", "<", 40)
    assert read_row(found, "role", "=", "other") == Row("role", "=", "other")
    assert read_row(found, "arrival", ">", "9h30") == Row("arrival", ">", "09:30")
    assert read_row(found, "word", ANSWERED, "ignored") == Row("word", ANSWERED, None)
    assert read_row(found, "nobody", "=", "x") == Row("nobody", "=", "x")


def test_text_mode_is_checked_as_typed():
    found = questions()
    all_codes = [i["code"] for s in DRAFT["sections"] for i in s["items"]]
    assert check_text("${age} + 1 > 3", found) == []
    [syntax] = check_text("${age} >", found)
    assert "at character" in str(syntax)
    [later] = check_text("${last} = 'x'", found, all_codes)
    assert "not asked before this point" in str(later)
    [unknown] = check_text("${ghost} = 'x'", found, all_codes)
    assert "no question 'ghost'" in str(unknown)


# -- in words -----------------------------------------------------------------------------

def test_a_condition_is_described_for_the_researcher_in_each_language():
    found = questions()
    assert describe_condition("${role} = 'other'", found, "en", str) == \
        "If you answered “Other” to the question “Your role?”."
    assert describe_condition("${role} = 'other'", found, "fr", str) == \
        "If you answered “Autre” to the question “Votre rôle ?”."
    assert describe_condition("${used} = 'yes'", found, "en", str) == \
        "If you answered “Yes” to the question “Used?”."
    assert describe_condition("${role} = 'prefer_not'", found, "en", str) == \
        "If you answered “I prefer not to answer” to the question “Your role?”."
    assert describe_condition("${age} >= 65", found, "en", str) == \
        "If your answer to the question “Age” is at least 65."
    own = questions(0, 4, own="age")
    assert describe_condition(". <= 52", own, "en", str, constraint=True) == \
        "If your answer to the question “Age” is at most 52."
    assert describe_condition("${age} + 1 > 3", found, "en", str) is None


def test_comparisons_have_words_per_kind_of_answer():
    assert comparison_words("=", CHOICE) == "is"
    assert comparison_words("<", DATE) == "is before"
    assert comparison_words("<", NUMBER) == "is less than"
    assert comparison_words(SELECTED, MANY) == "includes"
    assert set(WORDS) >= {"=", "!=", "<", "<=", ">", ">=", SELECTED, NOT_SELECTED,
                          ANSWERED, NOT_ANSWERED}


TYPED = {NUMBER: [0, 65, -3, 2.5], DATE: ["2026-03-31"], TIME: ["07:05"],
         TEXT: ["oui", "l'eau", 'dit "non"']}


def test_every_row_the_designer_can_build_round_trips_and_validates_with_the_loader():
    """Each question before the second page, each comparison it offers, each value it offers
    (or typical typed ones): no problem, rows -> text -> rows identical, and the loader takes
    the text as the skip rule of the second page's first item; then all rows joined by all
    and by any."""
    found = questions()
    rows = []
    for question in found:
        for comparison in question.comparisons:
            if comparison in (ANSWERED, NOT_ANSWERED):
                values = [None]
            else:
                special = comparison in ("=", "!=")
                values = [o.code for o in question.options if special or not o.special]
                values += TYPED.get(question.kind, [])
            for value in values:
                row = Row(question.key, comparison, value)
                condition = Condition((row,))
                assert check(condition, found) == [], row
                assert from_text(to_text(condition)) == condition
                rows.append(row)
    assert len(rows) > 80
    for join in ("all", "any"):
        for start in range(0, len(rows), 30):
            condition = Condition(tuple(rows[start:start + 30]), join)
            text = to_text(condition)
            assert from_text(text) == condition
            load_data(with_relevance(text, position=0))
    too_long = Condition(tuple(rows[:150]))
    [problem] = check(too_long, found)
    assert problem.row is None and "longer than 2000 characters" in str(problem.text)


# -- properties ---------------------------------------------------------------------------

ALL_QUESTIONS = questions()


@st.composite
def conditions(draw: st.DrawFn) -> Condition:
    rows = []
    for _n in range(draw(st.integers(1, 6))):
        question = draw(st.sampled_from(ALL_QUESTIONS))
        comparison = draw(st.sampled_from(question.comparisons))
        if comparison in (ANSWERED, NOT_ANSWERED):
            value = None
        elif question.options and question.kind in (CHOICE, MANY):
            value = draw(st.sampled_from([o.code for o in question.options
                                          if comparison in ("=", "!=") or not o.special]))
        elif question.kind == NUMBER:
            value = draw(st.integers(-10**9, 10**9) | st.decimals(
                -1000, 1000, places=3, allow_nan=False).map(float))
        else:
            value = draw(st.text(st.characters(blacklist_categories=("Cs",)), max_size=20))
        rows.append(Row(question.key, comparison, value))
    return Condition(tuple(rows), draw(st.sampled_from(("all", "any"))))


@settings(max_examples=150, deadline=None)
@given(conditions())
def test_any_condition_without_problems_round_trips_and_validates(condition):
    if check(condition, ALL_QUESTIONS):
        return  # refused with its reasons (an odd date, a quote mark of each kind...)
    text = to_text(condition)
    assert from_text(text) == condition
    load_data(with_relevance(text, position=0))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="${}()'\" =!<>.andorntselctq0123-_", max_size=40))
def test_reading_any_text_never_raises_and_only_gives_rows_for_the_same_tree(text):
    condition = from_text(text, constraint=True)
    if condition is not None:
        from survey.questionnaire import expressions

        assert expressions.to_json(expressions.parse(to_text(condition), allow_dot=True)) == \
            expressions.to_json(expressions.parse(text, allow_dot=True))
