from conftest import pub


def quotes(engine, text):
    return pub(engine, text).quotes


def speaker(q):
    return (q.speaker.text, q.speaker.actor.country if q.speaker.actor else None) if q.speaker else None


def test_colon_after_wrote(engine):
    (q,) = quotes(engine, "In an article, Xi Jinping wrote: “China and Russia are both major countries.”")
    assert q.text.startswith("China and Russia") and speaker(q) == ("Xi Jinping", "CHN") and q.cue == "wrote"


def test_quote_then_said(engine):
    (q,) = quotes(engine, "“We will not give up,” Volodymyr Zelenskyy said on Monday.")
    assert q.text == "We will not give up," and speaker(q)[1] == "UKR"


def test_said_then_name(engine):
    (q,) = quotes(engine, "“We will not give up,” said Volodymyr Zelenskyy.")
    assert speaker(q)[1] == "UKR"


def test_saying_takes_the_subject_of_the_main_verb(engine):
    qs = quotes(engine, "Volodymyr Zelenskyy criticised foreign leaders for travelling to Moscow, saying that "
                        "Ukraine “cannot bear responsibility for what happens” to them.")
    assert speaker(qs[0])[1] == "UKR" and qs[0].cue == "saying"


def test_described_as(engine):
    (q,) = quotes(engine, "The Russian foreign ministry described the trip as “one of the central events of the year”.")
    assert speaker(q) == ("The Russian foreign ministry", "RUS")


def test_according_to(engine):
    (q,) = quotes(engine, "The talks were “very productive”, according to Kenya's foreign ministry.")
    assert q.speaker is not None and q.speaker.actor.country == "KEN" and q.cue == "according to"


def test_told_and_pronoun_speaker(engine):
    qs = quotes(engine, "Robert Fico arrived in Moscow on Friday. “This is a historic day,” he told reporters.")
    assert speaker(qs[0]) == ("he", "SVK")


def test_scare_quotes_have_no_speaker(engine):
    (q,) = quotes(engine, "Xi is expected to sign agreements, deepening the “no limits” relationship between the two.")
    assert q.text == "no limits" and q.speaker is None and q.cue is None


def test_quote_running_over_paragraphs_keeps_its_speaker(engine):
    text = ("“We have a plan,” the mayor of Odesa, Hennadiy Trukhanov, said. “We will rebuild the port.\n"
            "“And we will do it this year.”")
    qs = quotes(engine, text)
    assert len(qs) == 3 and all(q.speaker is not None for q in qs)
