"""A teacher's own question, kept outside the course repository (docs/teaching.md, "Your own questions").

Two variants: each student is asked about one of two capitals, chosen from the teacher's secret.
"""

from casecurity import data
from casecurity.exercises import ValueQuestion, define_lesson

COUNTRIES = ["Kazakhstan", "Kyrgyzstan"]


def capital_of(country: str) -> str:
    countries = data.load("countries")
    return countries.loc[countries["name"] == country, "capital"].iloc[0]


q1 = ValueQuestion(
    "What is the capital of {country}? Give it as data.load('countries') spells it.",
    expected=capital_of,
    params=lambda rng: {"country": rng.choice(COUNTRIES)},
    default_params={"country": "Kazakhstan"},
    hints=["data.load('countries') has the columns name and capital.",
           "Keep the row whose name is {country}, then read its capital."],
)

define_lesson(__name__, title="Capitals (a private example)", notebook="71_capitals")
