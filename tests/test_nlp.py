import pytest

from claimgraph.document import Document
from claimgraph.nlp import _attach, masked_text, parse
from claimgraph.records import Citation, Marker, Reading, Span


def spans_of(text, parts):
    """Spans of each substring in `parts`, in order."""
    out, pos = [], 0
    for p in parts:
        start = text.index(p, pos)
        out.append(Span(start, start + len(p)))
        pos = start + len(p)
    return out


def test_marker_between_sentences_closes_the_previous_one():
    text = "It rained. [1] Then it stopped."
    masked = text.replace("[1]", "   ")
    sents = spans_of(masked, ["It rained.", "Then it stopped."])
    marker = spans_of(text, ["[1]"])
    got = [s.of(text) for s in _attach(masked, sents, marker)]
    assert got == ["It rained. [1]", "Then it stopped."]


def test_marker_followed_by_stray_stop_and_debris():
    text = "It rained. [2]. Then it stopped."
    masked = text.replace("[2]", "   ")
    # spaCy may return the stray stop as its own sentence, or glued to the next one: both are mended.
    for parts in (["It rained.", ".", "Then it stopped."], ["It rained.", ". Then it stopped."]):
        sents = spans_of(masked, parts)
        got = [s.of(text) for s in _attach(masked, sents, spans_of(text, ["[2]"]))]
        assert got == ["It rained. [2].", "Then it stopped."]


def test_marker_inside_a_sentence_stays_there():
    text = "Officials [3] said it rained. It stopped."
    masked = text.replace("[3]", "   ")
    sents = spans_of(masked, ["Officials     said it rained.", "It stopped."])
    got = [s.of(text) for s in _attach(masked, sents, spans_of(text, ["[3]"]))]
    assert got == ["Officials [3] said it rained.", "It stopped."]


def doc_with_markers(text, marker_texts):
    spans = spans_of(text, marker_texts)
    markers = [Marker(s, (s.of(text).strip("[]"),), "bracket") for s in spans]
    doc = Document(Reading("t", "text", text))
    doc.paragraphs = [Span(0, len(text))]
    doc.markers = markers
    doc.citations = [Citation(m.span, m.labels[0], None, None) for m in markers]
    return doc


def test_masking_keeps_offsets():
    doc = doc_with_markers("A [1] b [22].", ["[1]", "[22]"])
    assert masked_text(doc) == "A     b     ."
    assert len(masked_text(doc)) == len(doc.text)


@pytest.mark.model
def test_parse_assigns_sentences_and_citations(nlp):
    text = (
        "In 2024 alone, the army lost many soldiers to attacks. [1] The losses followed a broken truce, "
        "which the group blames on the army. [2]. Much has changed since then."
    )
    doc = doc_with_markers(text, ["[1]", "[2]"])
    parse(doc, nlp)
    sentences = [s.span.of(text) for s in doc.sentences]
    assert sentences[0].endswith("attacks. [1]")
    assert sentences[1].startswith("The losses") and sentences[1].endswith("army. [2].")
    assert sentences[2] == "Much has changed since then."
    assert [c.sentence for c in doc.citations] == [0, 1]
    assert len(doc.parsed) == 1


def test_long_runs_of_non_space_are_cut_into_pieces_that_join_back():
    from claimgraph.nlp import RUN_CHARS, split_runs

    text = "a b " + "(" * (RUN_CHARS * 3 + 7) + " c " + "x" * RUN_CHARS
    pieces = split_runs(text)
    assert "".join(pieces) == text
    assert len(pieces) == 4  # the run of 3 * RUN_CHARS + 7 is cut three times; the run of exactly RUN_CHARS not
    assert max(len(max(p.split(), key=len, default="")) for p in pieces) <= RUN_CHARS
    assert split_runs("plain words") == ["plain words"]


@pytest.mark.model
def test_a_long_run_of_brackets_parses_with_its_text_intact(nlp):
    # spaCy's tokenizer is quadratic in one whitespace-free string: parsed in pieces, every offset still holds
    from claimgraph.nlp import parse_texts

    text = "Before it. " + "[[[" * 2000 + "(((" * 2000 + " After it."
    (doc,) = parse_texts(nlp, [text])
    assert doc.text == text
    assert doc[-1].text == "." and doc[-2].text == "it"
