"""Actors: the knowledge base with dated roles, and resolution inside the document."""
import json

from conftest import pub


def entities(doc):
    return {e.text: e for e in doc.entities}


def by_id(doc, entity_id):
    return next(e for e in doc.entities if e.id == entity_id)


def test_kb_person_with_role_at_publication_date(engine):
    e = entities(pub(engine, "Xi Jinping arrived in Moscow on Wednesday."))["Xi Jinping"]
    assert (e.label, e.actor.country, e.actor.sector, e.actor.role, e.actor.how) == \
        ("PERSON", "CHN", "GOV", "President of China", "kb")
    old = entities(pub(engine, "Xi Jinping arrived in Moscow on Wednesday.", "2010-05-05"))["Xi Jinping"]
    assert old.actor.role != "President of China"


def test_former_office_holder_is_elite(engine):
    e = entities(pub(engine, "Angela Merkel spoke in Berlin on Monday.", "2024-05-07"))["Angela Merkel"]
    assert e.actor.country == "DEU" and e.actor.sector == "ELI" and e.actor.role.startswith("former")


def test_appositive_gives_an_unknown_person_a_country_and_role(engine):
    doc = pub(engine, "Kenya's interior minister, Grace Wanjiru, said on Monday that 30 fishermen had been freed.")
    e = entities(doc)["Grace Wanjiru"]
    assert (e.actor.country, e.actor.sector, e.actor.how) == ("KEN", "GOV", "appositive")
    assert e.actor.role == "Interior Minister of Kenya"
    nominal = entities(doc)["Kenya's interior minister"]
    assert nominal.refers_to == e.id


def test_appositive_with_the_city_in_the_role(engine):
    doc = pub(engine, "Tallinn's mayor, Jaan Kaskmets, said the tram line would reopen.")
    e = entities(doc)["Jaan Kaskmets"]
    assert (e.actor.country, e.actor.sector, e.actor.role) == ("EST", "GOV", "Mayor of Tallinn")


def test_title_before_a_name(engine):
    doc = pub(engine, "Ukrainian Defence Minister Oleksiy Petrenko met Polish officials in Warsaw.")
    e = entities(doc)["Oleksiy Petrenko"]
    assert e.actor.country == "UKR" and e.actor.sector == "GOV"


def test_title_phrase_points_to_the_person_named_earlier(engine):
    doc = pub(engine, "Xi Jinping arrived in Moscow. The Chinese leader's trip coincided with drone attacks.")
    leader = entities(doc)["The Chinese leader"]
    assert leader.actor.name == "Xi Jinping" and leader.refers_to == entities(doc)["Xi Jinping"].id


def test_title_phrase_without_antecedent_uses_the_office_holder_at_the_date(engine):
    doc = pub(engine, "The Serbian president's plane was rerouted to Baku.")
    assert entities(doc)["The Serbian president"].actor.name == "Aleksandar Vučić"


def test_later_surname_refers_to_the_full_name(engine):
    doc = pub(engine, "Volodymyr Zelenskyy has accused China. Zelenskyy has criticised foreign leaders.")
    later = [e for e in doc.entities if e.text == "Zelenskyy"]
    assert later and later[0].actor.country == "UKR" and later[0].refers_to is not None
    assert by_id(doc, later[0].refers_to).text == "Volodymyr Zelenskyy"
    assert not any(p.text == "Zelenskyy" for p in doc.places)


def test_surname_of_a_person_outside_the_kb(engine):
    doc = pub(engine, "Kenya's interior minister, Grace Wanjiru, spoke on Monday. Wanjiru said the men were freed.")
    later = [e for e in doc.entities if e.text == "Wanjiru"]
    assert later and later[0].actor.country == "KEN"


def test_nationality_adjectives_and_organisation_possessives(engine):
    doc = pub(engine, "Russia's defence ministry said its air defence units destroyed 19 Ukrainian drones.")
    ents = entities(doc)
    assert (ents["Ukrainian"].actor.country, ents["Ukrainian"].actor.sector) == ("UKR", "MIL")
    ministry = ents["Russia's defence ministry"]
    assert (ministry.actor.country, ministry.actor.sector) == ("RUS", "MIL")
    units = [e for e in doc.entities if "air defence units" in e.text]
    assert units and units[0].actor.country == "RUS" and units[0].actor.sector == "MIL"


def test_metonymy_capital_and_seat_of_government(engine):
    doc = pub(engine, "The drones were launched by Kyiv. The Kremlin said Moscow would respond.")
    ents = entities(doc)
    assert (ents["Kyiv"].actor.country, ents["Kyiv"].actor.how) == ("UKR", "metonymy")
    assert ents["Kremlin"].actor.country == "RUS" and ents["Kremlin"].actor.sector == "GOV"
    kyiv = [p for p in doc.places if p.text == "Kyiv"][0]
    assert kyiv.as_actor


def test_place_that_is_only_a_place_is_not_an_actor(engine):
    doc = pub(engine, "Xi Jinping arrived in Moscow on Wednesday.")
    moscow = [e for e in doc.entities if e.text == "Moscow"][0]
    assert moscow.actor is None
    assert not [p for p in doc.places if p.text == "Moscow"][0].as_actor


def test_regions_and_igos(engine):
    doc = pub(engine, "He has been criticised by several European countries and NATO, while western countries imposed sanctions.")
    ents = entities(doc)
    assert any(e.actor and e.actor.country == "EUR" for e in doc.entities)
    assert any(e.actor and e.actor.country == "WST" for e in doc.entities)
    assert ents["NATO"].actor.country == "IGO"


def test_pronoun_refers_back(engine):
    doc = pub(engine, "Aeroflot said it was reordering timetables.")
    it = [e for e in doc.entities if e.text == "it"][0]
    assert it.actor.name == "Aeroflot" and by_id(doc, it.refers_to).text == "Aeroflot"


def test_stance_adjective_is_not_a_country(engine):
    doc = pub(engine, "The pro-Russian prime minister of Slovakia, Robert Fico, arrived.")
    assert not any(e.text in ("Russian", "pro-Russian") and e.actor and e.actor.country == "RUS" for e in doc.entities)
    assert entities(doc)["Robert Fico"].actor.country == "SVK"


def test_user_actor_file(tmp_path):
    from eventwire import Engine

    f = tmp_path / "mine.jsonl"
    f.write_text(json.dumps({"name": "Zorbania Liberation Front", "aliases": ["ZLF"], "country": "MDA",
                             "sector": "REB", "kind": "armed_group"}) + "\n" + json.dumps(
        {"name": "Ivo Brandt", "country": "DEU", "roles": [{"title": "Mayor of Kassel", "office": "official",
                                                           "sector": "GOV", "start": "2020-01-01", "end": None}]}) + "\n")
    doc = Engine(actors=[str(f)]).extract("The ZLF attacked a depot, Ivo Brandt said.", published="2025-05-07")
    ents = entities(doc)
    assert (ents["ZLF"].actor.country, ents["ZLF"].actor.sector) == ("MDA", "REB")
    assert ents["Ivo Brandt"].actor.role == "Mayor of Kassel"


def test_petrarch_import(tmp_path):
    from click.testing import CliRunner

    from eventwire.cli import main
    from eventwire.knowledge.petrarch import read_petrarch_actors

    src = tmp_path / "test.actors.txt"
    src.write_text(
        "# a PETRARCH dictionary\n"
        "JOHN_QUINCY_EXAMPLE_  # invented\n"
        "+JQ_EXAMPLE\n"
        "[USAGOV 090120-170120]\n"
        "[USAELI >170120]\n"
        "ZORBIAN_FREEDOM_ARMY_ [MDAREB]\n"
    )
    records = list(read_petrarch_actors(src))
    assert records[0]["name"] == "John Quincy Example" and records[0]["roles"][0]["start"] == "2009-01-20"
    assert records[1] == {"name": "Zorbian Freedom Army", "aliases": [], "country": "MDA", "sector": "REB",
                          "kind": "other", "source": "petrarch"}
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["actors", "import", str(src), "-o", str(out)])
    assert result.exit_code == 0 and len(out.read_text().splitlines()) == 2


def test_peoples_are_coded_where_they_live(engine):
    doc = pub(engine, "Bosnian Serbs rejected the plan. The Albanians of southern Serbia demanded autonomy.", "2025-05-07")
    by_text = {e.text: e for e in doc.entities}
    assert by_text["Serbs"].actor.country == "BIH"
    assert by_text["Albanians"].actor.country == "SRB"


def test_a_title_and_a_surname_find_the_office_holder(engine):
    doc = engine.extract("The German government welcomed President Reagan's latest statement on arms control.")
    reagan = next(e for e in doc.entities if e.text == "Reagan")
    assert reagan.actor.name == "Ronald Reagan" and reagan.actor.country == "USA"
    # two presidents Bush: the publication date decides, and without one nobody is guessed
    doc = engine.extract("President Bush met Chancellor Kohl in Bonn.", published="1990-05-01")
    bush = next(e for e in doc.entities if e.text == "Bush")
    assert bush.actor.name == "George H. W. Bush"
    doc = engine.extract("President Bush met Chancellor Kohl in Bonn.")
    assert next(e for e in doc.entities if e.text == "Bush").actor.name == "Bush"


def test_a_leaders_surname_before_a_government_word_names_the_country(engine):
    for text, country in (("The Obama administration imposed sanctions on Russia.", "USA"),
                          ("The Bush administration said China must drop its trade barriers.", "USA")):
        (e,) = engine.extract(text).events
        assert [a.country for a in e.actor] == [country], text


def test_an_unknown_name_with_a_known_acronym_is_that_organisation(engine):
    """'Labor' (a party's short name) inside a longer organisation name is not that party."""
    doc = engine.extract("The International Labor Office (ILO) repeated its demand that Israel ease "
                         "restrictions on Palestinian workers.")
    (e,) = doc.events
    assert e.type == "REQUEST" and [a.country for a in e.actor] == ["IGO"] and [r.country for r in e.recipient] == ["ISR"]
    assert not any(x.actor and x.actor.country == "AUS" for x in doc.entities)


def test_a_title_in_apposition_after_a_name_says_whom_the_person_acts_for(engine):
    doc = engine.extract("Jan Egeland, the UN humanitarian chief, urged Sudan to open the border.")
    (e,) = doc.events
    assert e.type == "REQUEST" and [a.country for a in e.actor] == ["IGO"] and [r.country for r in e.recipient] == ["SDN"]
    doc = engine.extract("Maria Lopez, a spokeswoman for the European Commission, criticised Hungary on Monday.")
    (e,) = doc.events
    assert [a.country for a in e.actor] == ["IGO"] and [r.country for r in e.recipient] == ["HUN"]


def test_a_group_takes_the_country_of_the_only_places_in_its_sentence(engine):
    (e,) = engine.extract("Police arrested 20 protesters in Brasilia on Tuesday.", published="2025-05-14").events
    assert e.type == "COERCE" and [a.country for a in e.actor] == ["BRA"] and [r.country for r in e.recipient] == ["BRA"]
