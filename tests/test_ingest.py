"""Bad input gets a clear one-line reason that names the document; good input around it is read."""
import io
import json

import pytest

from eventwire.errors import InputError
from eventwire.ingest import read_inputs, read_text_document
from eventwire.models import Failure, RawDocument

ENGLISH = "The minister said on Monday that the talks with the neighbouring country would resume next week."


def read(tmp_path, name: str, data: bytes, **kw):
    path = tmp_path / name
    path.write_bytes(data)
    return list(read_inputs([str(path)], **kw))


def only_failure(items) -> Failure:
    assert len(items) == 1 and isinstance(items[0], Failure), items
    assert "\n" not in items[0].message()
    return items[0]


def test_plain_text_gets_content_hash_id(tmp_path):
    (doc,) = read(tmp_path, "a.txt", ENGLISH.encode())
    assert isinstance(doc, RawDocument) and len(doc.doc_id) == 16 and doc.text == ENGLISH
    (again,) = read(tmp_path, "b.txt", ENGLISH.encode())
    assert again.doc_id == doc.doc_id


def test_empty_file(tmp_path):
    f = only_failure(read(tmp_path, "empty.txt", b"  \n\t "))
    assert "empty" in f.reason and "empty.txt" in f.message()


def test_binary_file(tmp_path):
    f = only_failure(read(tmp_path, "x.txt", bytes(range(256)) * 10))
    assert "binary" in f.reason


def test_invalid_utf8(tmp_path):
    f = only_failure(read(tmp_path, "latin1.txt", "Le ministre a déclaré".encode("latin-1")))
    assert "UTF-8" in f.reason and "offset" in f.reason


def test_utf8_bom_is_accepted(tmp_path):
    (doc,) = read(tmp_path, "bom.txt", b"\xef\xbb\xbf" + ENGLISH.encode())
    assert isinstance(doc, RawDocument) and doc.text.startswith("The")


def test_huge_document(tmp_path):
    f = only_failure(read(tmp_path, "big.txt", (ENGLISH + " ").encode() * 200, max_chars=5000))
    assert "too large" in f.reason and "--max-chars" in f.reason


def test_not_english(tmp_path):
    german = "Der Minister sagte am Montag, dass die Gespräche mit dem Nachbarland nächste Woche fortgesetzt würden, und die Regierung stimmte zu."
    f = only_failure(read(tmp_path, "de.txt", german.encode()))
    assert "not English" in f.reason
    russian = "Министр заявил в понедельник, что переговоры с соседней страной возобновятся на следующей неделе."
    assert "not English" in only_failure(read(tmp_path, "ru.txt", russian.encode())).reason


def test_broken_html_still_yields_text_or_a_reason(tmp_path):
    html = f"<html><head><title>Talks</title></head><body><div><p>{ENGLISH} {ENGLISH}</div></span><p>More".encode()
    (doc,) = read(tmp_path, "page.html", html)
    assert isinstance(doc, RawDocument) and "minister said" in doc.text
    f = only_failure(read(tmp_path, "nav.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>"))
    assert "no article text" in f.reason


def test_html_metadata(tmp_path):
    html = (
        "<html><head><title>Talks resume</title>"
        '<meta property="article:published_time" content="2025-05-07T08:00:00Z">'
        '<meta property="og:site_name" content="Example News"></head>'
        f"<body><article><p>{ENGLISH}</p><p>{ENGLISH}</p></article></body></html>"
    ).encode()
    (doc,) = read(tmp_path, "story.htm", html)
    assert doc.published == "2025-05-07" and doc.source == "Example News" and doc.title


def test_jsonl_bad_lines_are_failures_and_good_lines_are_read(tmp_path):
    lines = [
        json.dumps({"doc_id": "ok1", "text": ENGLISH, "published": "2025-05-07", "title": "T"}),
        "{not json",
        json.dumps({"doc_id": "notext"}),
        json.dumps({"doc_id": "wrongtype", "text": 42}),
        json.dumps(["a", "list"]),
        json.dumps({"doc_id": "baddate", "text": ENGLISH, "published": 2025}),
        "",
        json.dumps({"doc_id": "ok2", "text": ENGLISH, "published": "07/05/2025x"}),
    ]
    items = read(tmp_path, "c.jsonl", "\n".join(lines).encode())
    assert [type(i).__name__ for i in items] == ["RawDocument", "Failure", "Failure", "Failure", "Failure", "Failure", "RawDocument"]
    assert items[0].doc_id == "ok1" and items[0].published == "2025-05-07"
    assert items[1].origin.endswith("c.jsonl:2") and "invalid JSON" in items[1].reason
    assert "no 'text'" in items[2].reason and items[2].doc_id == "notext"
    assert "'text' must be a string" in items[3].reason
    assert "JSON object" in items[4].reason
    assert "'published' must be a string" in items[5].reason
    assert items[6].published is None and "not understood" in items[6].warnings[0]


def test_directory_is_read_recursively_in_order(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(ENGLISH + " Second.")
    (tmp_path / "a.txt").write_text(ENGLISH + " First.")
    (tmp_path / ".hidden.txt").write_text(ENGLISH)
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
    items = list(read_inputs([str(tmp_path)]))
    assert [i.text.split()[-1] for i in items] == ["First.", "Second."]


def test_stdin_and_missing_path():
    items = list(read_inputs(["-", "/nonexistent/file.txt"], stdin=io.BytesIO(ENGLISH.encode())))
    assert isinstance(items[0], RawDocument) and items[0].origin == "-"
    assert isinstance(items[1], Failure) and "no such file" in items[1].reason


def test_read_text_document_raises_input_error():
    with pytest.raises(InputError, match="empty"):
        read_text_document("   ")
    doc = read_text_document(ENGLISH, doc_id="x", published="2025-05-07T10:00:00+02:00")
    assert doc.doc_id == "x" and doc.published == "2025-05-07"


def test_count_documents_gives_the_progress_bar_its_total(tmp_path):
    """As many as read_inputs yields, counted without reading: files, non-blank JSON Lines
    lines, one failure for a missing path; unknown for standard input and JSON lists."""
    from eventwire.ingest import count_documents

    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Kenya and Uganda held talks in Kampala on Monday about the border.")
    (folder / "sub" / "b.html").write_text("<p>Police in Nairobi arrested twelve protesters on Tuesday.</p>")
    (folder / ".hidden.txt").write_text("not read")
    (folder / "c.jsonl").write_text('{"text": "one"}\n\n{"text": "two"}\n   \n{"text": "three"}\n')
    (folder / "d.json").write_text('{"text": "Kenya closed its border with Somalia on Friday, officials said."}')
    paths = [str(folder), str(tmp_path / "missing.txt")]
    assert count_documents(paths) == len(list(read_inputs(paths))) == 7
    (tmp_path / "list.json").write_text('[{"text": "a"}, {"text": "b"}]')
    assert count_documents([str(tmp_path / "list.json")]) is None
    assert count_documents(["-"]) is None


def test_the_same_few_words_repeated_are_not_prose():
    """'{"a":[{"a":[…' is all common English words, and took spaCy minutes; it is refused."""
    from eventwire.ingest.checks import guess_language

    assert guess_language('{"a":[' * 3000 + "1" + "]}" * 3000) == "the same few words repeated, not prose"
    prose = ("Police in Nairobi arrested twelve protesters near the parliament on Tuesday, officials said, "
             "after a march against new taxes turned violent and shops in the city centre were looted. ") * 20
    assert guess_language(prose) == "en"  # a repeated paragraph is still prose: many different words


def test_a_run_of_thousands_of_characters_without_a_space_is_not_prose():
    """spaCy's tokenizer is quadratic in such a run ('[[[[…' of 20,000 characters took 45 s)."""
    from eventwire.errors import InputError
    from eventwire.ingest.checks import MAX_WORD_CHARS, check_text

    text = "Kenya and Uganda held talks in Kampala on Monday about the border, officials said. "
    with pytest.raises(InputError, match="not prose: a run of 20,001 characters without a space"):
        check_text(text + "[" * 20_000 + "1 " + text, 1_000_000)
    url = "https://example.org/" + "a" * (MAX_WORD_CHARS - 40)
    assert check_text(text + url + " " + text, 1_000_000)  # a long address is still allowed
