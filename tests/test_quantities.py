import pytest

from conftest import pub


def quantities(engine, text):
    return {q.text: q for q in pub(engine, text).quantities}


@pytest.mark.parametrize("text, expr, value, qualifier, unit, kind", [
    ("Air defence units destroyed at least 19 Ukrainian drones overnight.", "at least 19 Ukrainian drones", 19, ">=", "drone", "count"),
    ("The military shot down more than 500 drones in a day.", "more than 500 drones", 500, ">", "drone", "count"),
    ("Closures affected at least 60,000 passengers on Wednesday.", "at least 60,000 passengers", 60000, ">=", "passenger", "count"),
    ("Two Chinese mercenaries were caught in the east.", "Two Chinese mercenaries", 2, "=", "mercenary", "count"),
    ("About 300 people gathered outside the embassy.", "About 300 people", 300, "~", "people", "count"),
    ("Up to 40 soldiers were wounded, officials said.", "Up to 40 soldiers", 40, "<=", "soldier", "count"),
    ("Hundreds of protesters marched on the parliament.", "Hundreds of protesters", 200, ">=", "protester", "count"),
    ("Trade reached $245bn last year.", "$245bn", 245e9, "=", "USD", "money"),
    ("That is about £183bn, officials said.", "about £183bn", 183e9, "~", "GBP", "money"),
    ("The fund paid €1.2m to the victims.", "€1.2m", 1.2e6, "=", "EUR", "money"),
    ("Prices rose by 66% in a year.", "66%", 66, "=", "percent", "percent"),
    ("Turnout was 40 per cent, officials said.", "40 per cent", 40, "=", "percent", "percent"),
    ("It is his 11th visit to Russia.", "11th visit", 11, "=", "visit", "ordinal"),
    ("The pipeline could carry 50bn cubic metres of gas a year from Russia.", "50bn cubic metres of gas a year", 50e9, "=", "cubic metre per year", "measure"),
    ("He began a four-day visit on Wednesday.", "four-day visit", 4, "=", "day", "measure"),
    ("The government pledged 2.5 million dollars in aid.", "2.5 million dollars", 2.5e6, "=", "USD", "money"),
])
def test_quantities(engine, text, expr, value, qualifier, unit, kind):
    found = quantities(engine, text)
    assert expr in found, list(found)
    q = found[expr]
    assert q.value == pytest.approx(value) and q.qualifier == qualifier and q.unit == unit and q.kind == kind


def test_years_dates_and_names_are_not_quantities(engine):
    found = quantities(engine, "In 2024 the Power of Siberia 2 pipeline opened on May 8.")
    assert not any(q.value in (2024, 2, 8) for q in found.values()), list(found)
