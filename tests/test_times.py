"""Time expressions resolved against the publication date (2025-05-07 is a Wednesday).

Weekdays take their direction from the clause: a general-purpose date parser reads "on
Wednesday" as last week's; these tests pin what a news reader means.
"""
import datetime as dt

import pytest

from conftest import pub
from eventwire.extract.timex import find_time_expressions, normalise

WED = dt.date(2025, 5, 7)


def times(engine, text, published="2025-05-07"):
    return {t.text: t.value for t in pub(engine, text, published).times}


@pytest.mark.parametrize("text, expr, value, relation", [
    ("Xi Jinping arrived in Moscow on Wednesday for a visit.", "Wednesday", "2025-05-07", "present"),
    ("Xi is expected to hold talks with Putin on Thursday.", "Thursday", "2025-05-08", "future"),
    ("He will attend the parade on Friday.", "Friday", "2025-05-09", "future"),
    ("The ministers met on Monday in Geneva.", "Monday", "2025-05-05", "past"),
    ("The ministers will meet on Monday in Geneva.", "Monday", "2025-05-12", "future"),
    ("The ministers met last Wednesday in Geneva.", "last Wednesday", "2025-04-30", "past"),
    ("The ministers meet next Tuesday in Geneva.", "next Tuesday", "2025-05-13", "future"),
])
def test_weekdays_follow_the_tense(engine, text, expr, value, relation):
    doc = pub(engine, text)
    hit = [t for t in doc.times if t.text == expr]
    assert hit, [t.text for t in doc.times]
    assert (hit[0].value, hit[0].relation) == (value, relation)


@pytest.mark.parametrize("text, expr, value", [
    ("The drones were shot down yesterday near the border.", "yesterday", "2025-05-06"),
    ("Air defences destroyed 19 drones overnight, officials said.", "overnight", "2025-05-07"),
    ("Two mercenaries were caught last month in the east.", "last month", "2025-04"),
    ("Trade has grown this year, officials said.", "this year", "2025"),
    ("Trade reached $245bn in 2024, officials said.", "2024", "2024"),
    ("It is the first time since 2015 that troops have marched.", "2015", "2015"),
    ("The invasion began three years ago, the report said.", "three years ago", "2022"),
    ("The war began more than three years ago, the report said.", "more than three years ago", "2022"),
    ("The treaty was signed on 8 May 1945 in Berlin.", "8 May 1945", "1945-05-08"),
    ("The talks were held on March 30, 2024 in Doha.", "March 30, 2024", "2024-03-30"),
    ("The election is due in December, officials said.", "December", "2025-12"),
    ("Prices fell in October, officials said.", "October", "2024-10"),
    ("The summit will take place in June 2026 in Rome.", "June 2026", "2026-06"),
    ("The reforms of the 1990s were reversed, the report said.", "the 1990s", "199"),
    ("The parliament approved the law today, officials said.", "today", "2025-05-07"),
    ("The deal was agreed on 2025-04-30 in Riyadh.", "2025-04-30", "2025-04-30"),
])
def test_expressions_are_normalised(engine, text, expr, value):
    found = times(engine, text)
    assert found.get(expr) == value, found


def test_numbers_are_not_years(engine):
    found = times(engine, "Some 2023 drones and 1,500 soldiers were counted; inflation hit 2024 per cent.")
    assert "2023" not in found and "1,500" not in found and "2024" not in found


def test_may_the_verb_is_not_a_month(engine):
    assert "May" not in times(engine, "The minister said the army may withdraw from the town.")
    assert times(engine, "The minister resigned in May.")["May"] == "2025-05"


def test_no_publication_date_leaves_relative_dates_unresolved(engine):
    doc = engine.extract("The ministers met on Monday and signed a deal on 8 May 1945.")
    values = {t.text: t.value for t in doc.times}
    assert values["Monday"] is None and values["8 May 1945"] == "1945-05-08"


def test_normaliser_without_spacy():
    (found,) = list(find_time_expressions("on Sunday"))
    assert normalise(found, WED, "past").value == "2025-05-04"
    assert normalise(found, WED, "future").value == "2025-05-11"
    assert normalise(found, WED, None).value == "2025-05-04"
