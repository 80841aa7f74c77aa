"""How often self-generated panel codes match across two waves: a seeded test set of people
answering twice with realistic typing slips, matched three ways.

Run ``python -m survey.panel.study [--people N] [--seed S]`` to print the figures quoted in
docs/panel-codes.md. Each person has a mother, a father, a birthplace (drawn from lists of
Quebec names, accents and hyphens included), a birth month and a number of older siblings.
Each person has habits for typing a letter answer (the initial or the whole name, a case,
accents kept or not, hyphens), which sometimes change at the next wave, and slips happen
afresh at each wave (stray spaces, a typo in a whole name). The month and the siblings are
chosen from lists on the page, so only a real mistake changes them. Slips are of two kinds:

- cosmetic (the same answer, typed differently): case, accents dropped or typed as combining
  marks, extra spaces, a hyphen typed as a space, the whole name one time and its initial the
  other, a typo after the first letter of a whole name;
- real (another answer): the first letter mistyped as a neighbouring key, the month or the
  number of siblings one off. Normalisation must not hide these: it cannot know the truth.
"""

from __future__ import annotations

import argparse
import random
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .codes import code_text, keyed_hash
from .questions import DEFAULT, FOUR, LETTER, QUESTIONS, parts

FIRST_NAMES = (
    "Marie", "Marie-Ève", "Élise", "Émilie", "Hélène", "Geneviève", "Josée", "Julie", "Sophie",
    "Nathalie", "Isabelle", "Chantal", "Lucie", "Annie", "Mélanie", "Véronique", "Diane",
    "Françoise", "Louise", "Céline", "Ginette", "Sylvie", "Nicole", "Fatima", "Amina",
    "Nguyễn Thị", "Yasmine", "Rose-Marie", "Andrée", "Zoé", "Léa", "Océane", "Ève", "Karine",
    "Pierre", "Jean-François", "Jérôme", "André", "Michel", "Luc", "Stéphane", "François",
    "Réjean", "Gilles", "Yves", "Benoît", "Éric", "Olivier", "Mohamed", "Karim", "Hugo",
    "Denis", "Normand", "Gaétan", "Sébastien", "Martin", "Patrick", "Richard", "Claude",
    "Réal", "Ahmed", "Tuan", "Wilson", "Jean-Guy",
)
PLACES = (
    "Montréal", "Québec", "Trois-Rivières", "Sherbrooke", "Gatineau", "Lévis", "Laval",
    "Saguenay", "Rimouski", "Saint-Jérôme", "Saint-Hyacinthe", "Drummondville", "Granby",
    "Îles-de-la-Madeleine", "Rouyn-Noranda", "Val-d'Or", "Chicoutimi", "Baie-Comeau",
    "Sept-Îles", "Joliette", "Victoriaville", "Alma", "Matane", "Gaspé", "Port-au-Prince",
    "Alger", "Casablanca", "Hanoï", "Bogotá", "Paris", "Lyon", "Beyrouth", "Dakar", "Ottawa",
    "Toronto", "Edmundston",
)
# Keys next to each other on a phone's AZERTY or QWERTY keyboard (a first letter mistyped).
NEIGHBOURS = {
    "a": "zsq", "b": "vn", "c": "xv", "d": "sf", "e": "rz", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "km", "m": "ln", "n": "bm", "o": "ip", "p": "o",
    "q": "as", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "xq", "x": "cw",
    "y": "tu", "z": "ae",
}
SOURCE = {"mother_initial": "mother", "father_initial": "father",
          "birthplace_initial": "birthplace"}
KEY = b"study key: the same pipeline as an evaluation's, with a fixed key"

# How a person types a letter answer (their habit), and how often a habit changes between
# waves; then slips drawn afresh at each wave. Probabilities per letter answer.
WHOLE_NAME = 0.4  # types the whole name rather than its initial
LOWER, TITLE = 0.3, 0.2  # else upper case
DROP_ACCENTS = 0.3
COMBINING_ACCENTS = 0.1  # accents typed as combining marks (some keyboards)
HYPHEN_AS_SPACE = 0.3
HABIT_CHANGE = 0.25  # per habit, at the second wave
EXTRA_SPACES = 0.15
LATE_TYPO = 0.05  # a typo after the first letter of a whole name
REAL_SLIP = 0.06  # per person at the second wave: one answer really different


@dataclass(frozen=True)
class Person:
    mother: str
    father: str
    birthplace: str
    birth_month: int
    older_siblings: int


@dataclass(frozen=True)
class Pair:
    """One person's raw answers at two waves, and which slips the second wave holds."""

    first: dict[str, str]
    second: dict[str, str]
    cosmetic: bool  # the second wave differs from the first only cosmetically (or not at all)
    real: bool  # one answer is really different


@dataclass(frozen=True)
class Rates:
    people: int
    questions: tuple[str, ...]
    exact: int  # raw answers identical
    trimmed: int  # identical once trimmed and lower-cased (a naive normalisation)
    normalised: int  # same panel code (ours)
    real_slips: int  # people with a real mistake (they cannot match)
    cosmetic_only: int  # people whose second wave differs only cosmetically, or not at all
    shared_codes: int  # people at the first wave whose code another person also has

    def line(self) -> str:
        def pct(n: int) -> str:
            return f"{n} ({100 * n / self.people:.1f} %)"

        return (f"questions: {', '.join(self.questions)}\n"
                f"  people: {self.people}; real slips: {pct(self.real_slips)}\n"
                f"  matched exactly (raw answers): {pct(self.exact)}\n"
                f"  matched trimmed + lower case: {pct(self.trimmed)}\n"
                f"  matched by panel code (normalised): {pct(self.normalised)}"
                f" of {self.cosmetic_only} matchable\n"
                f"  sharing a code with another person at one wave: {pct(self.shared_codes)}")


def draw_person(rng: random.Random) -> Person:
    return Person(rng.choice(FIRST_NAMES), rng.choice(FIRST_NAMES), rng.choice(PLACES),
                  rng.randint(1, 12), min(rng.choice((0, 0, 0, 1, 1, 2, 2, 3, 4, 6)), 10))


Habit = dict[str, float]  # one uniform draw per way of typing


def habit(rng: random.Random) -> Habit:
    return {k: rng.random() for k in ("whole", "case", "accents", "hyphen")}


def changed(rng: random.Random, old: Habit) -> Habit:
    """The habit at the next wave: each part drawn again now and then."""
    return {k: rng.random() if rng.random() < HABIT_CHANGE else v for k, v in old.items()}


def type_name(rng: random.Random, name: str, how: Habit) -> str:
    """A name as someone types it once: initial or whole, with cosmetic slips only."""
    text = name if how["whole"] < WHOLE_NAME else name[0]
    if len(text) > 2 and rng.random() < LATE_TYPO:
        at = rng.randrange(1, len(text))
        text = text[:at] + rng.choice("aeiourstn") + text[at + 1:]
    if how["hyphen"] < HYPHEN_AS_SPACE:
        text = text.replace("-", " ")
    if how["accents"] < DROP_ACCENTS:
        text = "".join(c for c in unicodedata.normalize("NFD", text)
                       if not unicodedata.combining(c))
    elif how["accents"] < DROP_ACCENTS + COMBINING_ACCENTS:
        text = unicodedata.normalize("NFD", text)
    case = how["case"]
    text = text.lower() if case < LOWER else text.title() if case < LOWER + TITLE else text.upper()
    if rng.random() < EXTRA_SPACES:
        text = rng.choice((" ", "  ")) + text + rng.choice(("", " ", "\t"))
    return text


def answers(rng: random.Random, person: Person, habits: dict[str, Habit]) -> dict[str, str]:
    """Raw answers to every question of the set, as typed or chosen at one wave."""
    typed = {code: type_name(rng, getattr(person, field), habits[code])
             for code, field in SOURCE.items()}
    return {**typed, "birth_month": str(person.birth_month),
            "older_siblings": "10+" if person.older_siblings >= 10 else str(person.older_siblings)}


def real_slip(rng: random.Random, raw: dict[str, str], code: str) -> None:
    """Make one answer really different (in place)."""
    if QUESTIONS[code].answer_form == LETTER:
        text = raw[code].lstrip()
        first = unicodedata.normalize("NFD", text)[0].lower()
        wrong = rng.choice(NEIGHBOURS.get(first, "x"))
        raw[code] = wrong + text[1:] if text else wrong
    elif code == "birth_month":
        month = int(raw[code])
        raw[code] = str(month + 1 if month < 12 else 11)
    else:
        count = int(raw[code].rstrip("+"))
        raw[code] = str(count + 1) if count < 9 else "8"


def test_set(people: int = 2000, seed: int = 2026, questions: Sequence[str] = DEFAULT
             ) -> list[Pair]:
    """``people`` seeded people, each answering at two waves."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(people):
        person = draw_person(rng)
        habits = {code: habit(rng) for code in SOURCE}
        first = answers(rng, person, habits)
        second = answers(rng, person, {c: changed(rng, h) for c, h in habits.items()})
        real = rng.random() < REAL_SLIP
        if real:
            real_slip(rng, second, rng.choice(list(questions)))
        pairs.append(Pair(first, second, cosmetic=not real, real=real))
    return pairs


def panel_code(raw: dict[str, str], questions: Sequence[str]) -> str | None:
    """The code the app would store for these answers (with the study's fixed key)."""
    found, missing = parts([QUESTIONS[c] for c in questions], raw)
    return None if missing else keyed_hash(KEY, "sgic", code_text(found, list(questions)))


def measure(pairs: Sequence[Pair], questions: Sequence[str] = DEFAULT) -> Rates:
    def exact(raw: dict[str, str]) -> tuple[str, ...]:
        return tuple(raw[c] for c in questions)

    def trimmed(raw: dict[str, str]) -> tuple[str, ...]:
        return tuple(raw[c].strip().lower() for c in questions)

    first_codes = Counter(panel_code(p.first, questions) for p in pairs)
    return Rates(
        people=len(pairs), questions=tuple(questions),
        exact=sum(exact(p.first) == exact(p.second) for p in pairs),
        trimmed=sum(trimmed(p.first) == trimmed(p.second) for p in pairs),
        normalised=sum(panel_code(p.first, questions) == panel_code(p.second, questions)
                       for p in pairs),
        real_slips=sum(p.real for p in pairs),
        cosmetic_only=sum(p.cosmetic for p in pairs),
        shared_codes=sum(n for n in first_codes.values() if n > 1))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args(argv)
    for questions in (DEFAULT, FOUR, ("mother_initial", "birth_month", "older_siblings")):
        pairs = test_set(options.people, options.seed, questions)
        print(measure(pairs, questions).line())


if __name__ == "__main__":
    main()
