"""The entity stage: find every actor, place and thing and link each mention to one canonical entity.

In order, over every parsed block (title, body, references):
1. gazetteer names, longest match first (case-, diacritic-, hyphen- and apostrophe-insensitive);
2. a demonym reads with its head noun: "Pakistani army" is Pakistan acting through its military,
   "Afghans" (a plural noun) the Afghan people, "Baloch separatist movements" an armed movement;
3. a capital is its government (metonymy) unless it is the place where something physical happens;
4. names spaCy's NER finds and the gazetteer does not know become document-local entities;
5. "the group", "the country", "its fighters" refer back to the nearest compatible entity;
6. mentions beyond names (`beyond_names` in entities.yaml, on by default): a common-noun phrase whose head
   names an actor or a kind of place ("militants", "the two leaders", "a petrol station") is a mention of
   its own document-local entity (one per head word; how 'common'), or, when definite, refers back to the
   nearest compatible entity ("the city"); a personal pronoun ("we", "they", "I") refers back to the
   nearest compatible entity (how 'pronoun');
7. a person, group or population the gazetteer gives no country takes one from its noun phrase: a demonym,
   possessive or state name before it ("Israeli Prime Minister Ehud Barak", "Lebanon's President X", "Iraqi
   Kurds"), a place in its "in/of/from" phrase ("rebels in Malawi"), or, for a head of state or
   government named by title alone ("President X"), the one state the document names.
Text in other scripts is foreign text, never an entity; citation markers are blanked before parsing.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace

from claimgraph import rules
from claimgraph.document import Document
from claimgraph.entities.gazetteer import GazEntry, Gazetteer, Name, boundaries, fold, is_acronym, load
from claimgraph.records import Entity, Mention, Span

#: The key prefix of a local entity made from a common-noun description ("the militants"): such an entity is
#: one document's, never merged across documents by its name (store/rows.py).
DESCRIPTION_PREFIX = "description-"
#: The longest name, in tokens (hyphens split words into three tokens).
MAX_TOKENS = 14

_TYPE_ORDER = ("state", "armed_group", "government", "military", "agency", "political_org", "organization",
               "person", "population", "place", "border", "infrastructure", "other")


@dataclass(frozen=True)
class _Link:
    """A mention before entities are assembled: span, target entity, how, facet."""

    span: Span
    entity: str
    how: str
    facet: str | None = None


@dataclass
class _Local:
    """An entity the gazetteer does not know, assembled from NER or a rule."""

    id: str
    name: str
    type: str
    country: str | None = None


@functools.cache
def _rules() -> dict:
    data = rules.load("entities")

    def heads(key: str) -> frozenset[str]:
        return frozenset(w.lower() for w in data[key])

    return {
        **data,
        "military": heads("military_heads"),
        "government": heads("government_heads"),
        "police": heads("police_heads"),
        "agency": heads("agency_heads"),
        "population": heads("population_heads"),
        "armed": heads("armed_heads"),
        "movement_adj": heads("movement_adjectives"),
        "movement_head": heads("movement_heads"),
        "physical": heads("physical_heads"),
        "reaction": heads("reaction_heads"),
        "relation_preps": heads("relation_preps"),
        "locative": heads("locative_preps"),
        "armed_words": heads("armed_group_words"),
        "political_words": heads("political_words"),
        "scripts": tuple(data["foreign_scripts"]),
        "not_entities": frozenset(w.lower() for w in data["not_entities"]),
        "platforms": frozenset(data["platform_prefixes"]),
        "anaphors": {tuple(k.lower().split()): tuple(v) for k, v in data["anaphors"].items()},
        "possessive": {t: frozenset(ws) for t, ws in data["possessive_heads"].items()},
        "country_titles": heads("country_titles"),
        "title_sectors": {s: frozenset(w.lower() for w in ws) for s, ws in data["title_sectors"].items()},
        "beyond_names": bool(data["beyond_names"]),
        "common_heads": {w.lower(): t for t, ws in data["common_heads"].items() for w in ws},
        "pronouns": {w.lower(): tuple(ts) for w, ts in data["pronouns"].items()},
        "definite_refers_to": {t: tuple(ts) for t, ts in data["definite_refers_to"].items()},
        "definite_determiners": heads("definite_determiners"),
        "country_types": frozenset(data["country_types"]),
        "country_preps": heads("country_preps"),
        "opponent_prefixes": heads("opponent_prefixes"),
    }


@functools.cache
def name_prefixes(gaz: Gazetteer) -> frozenset[str]:
    """Every prefix of every folded name of the gazetteer's index. The longest-match scan stops as soon as its
    key is no name's prefix (most tokens start no name): measured on the bench corpus, the scan went from
    most of the entity stage's time to a small part of it, with the same matches."""
    return frozenset(key[:k] for key in gaz.index for k in range(1, len(key) + 1))


@functools.cache
def _opponent_prefix() -> re.Pattern:
    words = "|".join(sorted(re.escape(w) for w in _rules()["opponent_prefixes"]))
    return re.compile(rf"\b(?:{words})[-\u2010\u2011]$", re.IGNORECASE)


def opposed(text: str, start: int) -> bool:
    """Does an opponent prefix ("anti-", "counter-": `opponent_prefixes`) stand right before `start`? The
    name after it is what its phrase opposes ("the counter-ISIL coalition"), not its actor."""
    return bool(_opponent_prefix().search(text, max(0, start - 12), start))


_HYPHEN_WORD = re.compile(r"[-\u2010\u2011](\w+)")


def name_participle(text: str, end: int) -> str | None:
    """The participle joined to a name by a hyphen right after `end` ("US-backed", "Saudi-led"), when it is
    one of `name_participles` in roles.yaml: the name is who backs or leads the phrase's head, not the head."""
    m = _HYPHEN_WORD.match(text, end)
    if m is None:
        return None
    word = m.group(1).lower()
    return word if word in rules.load("roles")["name_participles"] else None


def modifier_name(text: str, start: int, end: int) -> bool:
    """Is the name at [start, end) a modifier of its phrase's head rather than its head: after an opponent
    prefix ("counter-ISIL") or before a hyphenated participle ("Iranian-backed")?"""
    return opposed(text, start) or name_participle(text, end) is not None


def is_foreign(text: str) -> bool:
    """True when most letters of `text` are in a script listed as foreign (Arabic, Cyrillic, ...)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    foreign = sum(map(_foreign_letter, letters))
    return foreign * 2 > len(letters)


@functools.cache
def _foreign_letter(c: str) -> bool:
    """Whether the letter's Unicode name is in a listed script; a text has few distinct letters, so each is
    looked up once per process instead of once per occurrence (about 2% of the pipeline's time under cProfile on
    the bench corpus)."""
    name = unicodedata.name(c, "")
    return any(s in name for s in _rules()["scripts"])


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold_spaces(text).lower()).strip("-")


def fold_spaces(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Linker:
    """Links the mentions of one document. Build one per document; `run()` returns its entities."""

    def __init__(self, doc: Document, gazetteer: Gazetteer) -> None:
        self.doc = doc
        self.gaz = gazetteer
        self.day = doc.anchor_date()
        self.links: list[_Link] = []
        self.locals: dict[str, _Local] = {}
        self.countries: dict[str, str] = {}  # entity id -> country found by the country pass
        self.sectors: dict[str, str] = {}  # person id -> sector a title shows (sector_pass)
        self.shared: list[tuple[int, frozenset[str]]] = []  # (link index, the places a shared name may be)
        self.r = _rules()

    # -- helpers --------------------------------------------------------------------------------------------

    def _taken(self, span: Span) -> bool:
        return any(link.span.overlaps(span) for link in self.links)

    def _entry(self, eid: str) -> GazEntry | None:
        return self.gaz.entries.get(eid)

    def _canonical(self, eid: str) -> tuple[str, str | None]:
        """A generic organ of a state (its government, its military) is the state acting: (state, facet)."""
        e = self._entry(eid)
        if e is not None and e.facet_of:
            return e.facet_of, e.type
        return eid, None

    def _add(self, span: Span, eid: str, how: str, facet: str | None = None) -> None:
        eid, organ = self._canonical(eid)
        self.links.append(_Link(span, eid, how, facet or organ))

    def _local(self, name: str, etype: str, country: str | None = None, key: str | None = None) -> str:
        """A document-local entity, one per normalised name (the NER model may type one name two ways in
        two sentences: the first type wins)."""
        key = key or slug(name)
        for eid in self.locals:
            if eid.rsplit(":", 1)[-1] == key:
                return eid
        eid = f"local:{etype}:{key}"
        self.locals[eid] = _Local(eid, name, etype, country)
        return eid

    # -- 1-3: gazetteer names, demonyms, metonyms -----------------------------------------------------------

    def _segments(self):
        yield from zip(self.doc.paragraphs, self.doc.parsed, strict=True)
        yield from self.doc.parsed_other

    def gazetteer_pass(self) -> None:
        for base, sdoc in self._segments():
            tokens = list(sdoc)
            keys = [fold(t.text) for t in tokens]
            text = sdoc.text  # spaCy rebuilds Doc.text on every access: read it once
            i = 0
            while i < len(tokens):
                match = self._longest(tokens, keys, i, text)
                if match is None:
                    i += 1
                    continue
                j, names = match
                i = self._resolve(tokens, i, j, names, base.start) + 1

    def _settle_shared(self) -> None:
        """A place name that places of two countries or provinces share ("Punjab" on both sides of a border, a
        district name two provinces hold) is the reading whose country and parents the document's other places
        share: each reading scores, over the other gazetteer places and states the document names, how many
        of its own parents and its country each lies in or is (a town of one province and that province's
        country count twice). The best reading wins; a tie or no evidence keeps the gazetteer's default (the
        place that holds the name as its own). Every mention of the name takes the same reading."""
        if not self.shared:
            return
        ambiguous = {i for i, _ in self.shared}
        context: list[set[str]] = []
        for i, link in enumerate(self.links):
            entry = self._entry(link.entity)
            if i in ambiguous or entry is None or entry.type not in ("place", "state"):
                continue
            context.append({link.entity, *self.gaz.ancestors(link.entity)})
        chosen: dict[frozenset[str], str] = {}
        for i, readings in self.shared:
            if readings not in chosen:
                default = self.links[i].entity

                def score(eid: str) -> int:
                    around = {eid, *self.gaz.ancestors(eid)}
                    return sum(len(around & where) for where in context)

                best = max(sorted(readings), key=lambda e: (score(e), e == default))
                chosen[readings] = best if score(best) > score(default) else default
            self.links[i] = replace(self.links[i], entity=chosen[readings])

    def _longest(self, tokens, keys, i: int, text: str) -> tuple[int, list[Name]] | None:
        if tokens[i].is_space or tokens[i].is_punct or not keys[i]:
            return None
        best = None
        key = ""
        prefixes = name_prefixes(self.gaz)
        breaks: set[int] = set()  # where the text has a word boundary, in key coordinates
        for j in range(i, min(len(tokens), i + MAX_TOKENS)):
            if tokens[j].is_space or (j > i and tokens[j - 1].whitespace_ and tokens[j].is_punct):
                break
            if j > i and (tokens[j - 1].whitespace_ or not keys[j - 1]):
                breaks.add(len(key))
            key += keys[j]
            if key not in prefixes:
                break  # no name starts this way: a longer run cannot be a name either
            if not keys[j]:
                continue  # a hyphen or apostrophe: the name may go on
            surface = text[tokens[i].idx : tokens[j].idx + len(tokens[j])]
            # The text may run words together that the name separates ("alQaeda"), never the reverse:
            # "Pakistan is" is not "Pakistanis".
            names = [n for n in self.gaz.index.get(key, [])
                     if self._case_ok(n, surface) and breaks <= boundaries(n.text)]
            names = [n for n in names if n.kind != "metonym" or n.valid_on(self.day)]
            if names:
                best = (j, names)
        return best

    @staticmethod
    def _case_ok(name: Name, surface: str) -> bool:
        if is_acronym(name.text):
            return surface.replace(".", "") == name.text.replace(".", "")
        # Lower-case text matches only names that are themselves lower case ("the group" is not "The Group").
        return not surface.islower() or name.text.islower()

    def _resolve(self, tokens, i: int, j: int, names: list[Name], base: int) -> int:
        """Record the mention tokens[i..j] stands for; return the last token index consumed."""
        doc_start = base + tokens[i].idx
        span = Span(doc_start, base + tokens[j].idx + len(tokens[j]))
        plain = [n for n in names if n.kind in ("name", "alias", "shared")]
        demonyms = [n for n in names if n.kind == "demonym"]
        metonyms = [n for n in names if n.kind == "metonym"]
        if plain:
            own = [n for n in plain if n.kind != "shared"]
            target = self._pick(own or plain)
            entry = self._entry(target)
            if metonyms and entry is not None and entry.type == "place" and self._acts(tokens[j]):
                self._add(span, self._pick(metonyms), "metonym")
                return j
            if entry is not None and entry.type == "population":
                movement = self._movement(tokens, i, j, entry, base)
                if movement is not None:
                    return movement
            readings = frozenset(n.entity for n in plain)
            if len(readings) > 1 and all(self.gaz.entries[e].type == "place" for e in readings):
                self.shared.append((len(self.links), readings))  # settled by `_settle_shared`
            self._add(span, target, "gazetteer")
            return j
        if metonyms:
            self._add(span, self._pick(metonyms), "metonym")
            return j
        if demonyms:
            return self._demonym(tokens, i, j, self._pick(demonyms), base)
        return j

    def _pick(self, names: list[Name]) -> str:
        ids = sorted({n.entity for n in names},
                     key=lambda e: _TYPE_ORDER.index(self.gaz.entries[e].type) if e in self.gaz.entries else 99)
        return ids[0]

    def _acts(self, token) -> bool:
        """Is a capital acting (metonymy: its government) rather than being a place? It acts as a subject or
        possessor, as the object of a verb that is not physical ("warned Kabul"), after a preposition of
        relation ("pressure on Tehran", "talks with Kabul"), and as the seat of a reaction ("alarm in
        Islamabad"). Everywhere else ("in Baghdad", "Karrada, Baghdad", "the suburbs of Damascus") it is a place.
        """
        dep, head = token.dep_, token.head
        if dep in ("nsubj", "nsubjpass", "poss"):
            return True
        if dep == "dobj":
            return head.lemma_.lower() not in self.r["physical"]
        if dep == "pobj" and head.dep_ == "prep":
            governor = head.head
            if head.lower_ in self.r["relation_preps"]:
                return governor.lemma_.lower() not in self.r["physical"]
            if head.lower_ in self.r["locative"]:
                # "alarm in Islamabad", "raised alarm bells in Islamabad", "sparked anger in Kabul"
                reactions = [governor] + [c for c in governor.children if c.dep_ == "dobj"]
                return any(t.lemma_.lower() in self.r["reaction"] for t in reactions)
        return False

    def _heads_after(self, tokens, j: int, vocab: frozenset[str]) -> int | None:
        """The index of the last token of a head noun (one or two words) from `vocab` right after j."""
        k = j + 1
        if k >= len(tokens):
            return None
        two = f"{tokens[k].lower_} {tokens[k + 1].lower_}" if k + 1 < len(tokens) else None
        if two and two in vocab:
            return k + 1
        if tokens[k].lower_ in vocab or tokens[k].lemma_.lower() in vocab:
            return k
        return None

    def _movement(self, tokens, i: int, j: int, population: GazEntry, base: int) -> int | None:
        """'Baloch separatist movements' -> the armed movement of the Baloch (one entity per people)."""
        k = j + 1
        adjs = 0
        while k < len(tokens) and tokens[k].lower_ in self.r["movement_adj"]:
            k, adjs = k + 1, adjs + 1
        if adjs == 0:
            return None
        if k >= len(tokens) or tokens[k].lower_ not in self.r["movement_head"]:
            k -= 1  # "Baloch nationalist attacks": the adjective names the movement itself
        eid = self._movement_entity(population)
        span = Span(base + tokens[i].idx, base + tokens[k].idx + len(tokens[k]))
        self.links.append(_Link(span, eid, "rule"))
        return k

    def _movement_entity(self, population: GazEntry) -> str:
        """The gazetteer's umbrella entity for a people's armed movements ("Baloch insurgents"), else a local one."""
        found = _umbrella_movement(self.gaz, population.id, frozenset(self.r["movement_adj"] | self.r["movement_head"]))
        if found:
            return found
        root = re.sub(r"\s+(people|population|community)$", "", population.name, flags=re.IGNORECASE)
        return self._local(f"{root} nationalist and separatist movements", "armed_group", population.country,
                           key=f"{population.id.lower()}-movements")

    def _demonym(self, tokens, i: int, j: int, eid: str, base: int) -> int:
        state = self.gaz.state_of(eid) or eid
        start = base + tokens[i].idx
        token = tokens[j]
        k = self._heads_after(tokens, j, self.r["military"])
        if k is not None:
            self._add(Span(start, base + tokens[k].idx + len(tokens[k])), state, "demonym", "military")
            return k
        k = self._heads_after(tokens, j, self.r["police"])  # PLOVER sector COP: "Kenyan police"
        if k is not None:
            self._add(Span(start, base + tokens[k].idx + len(tokens[k])), state, "demonym", "police")
            return k
        k = self._heads_after(tokens, j, self.r["agency"])  # PLOVER sector SPY: "Kenyan intelligence"
        if k is not None:
            self._add(Span(start, base + tokens[k].idx + len(tokens[k])), state, "demonym", "agency")
            return k
        k = self._heads_after(tokens, j, self.r["government"])
        if k is not None:
            self._add(Span(start, base + tokens[k].idx + len(tokens[k])), state, "demonym", "government")
            return k
        k = self._heads_after(tokens, j, self.r["armed"])
        if k is not None:
            surface = "".join(t.text_with_ws for t in tokens[i : k + 1]).strip()
            eid = self._local(surface, "armed_group", state)
            self.links.append(_Link(Span(start, base + tokens[k].idx + len(tokens[k])), eid, "demonym"))
            return k
        end = base + token.idx + len(token)
        k = self._heads_after(tokens, j, self.r["population"])
        plural_noun = token.tag_ in ("NNS", "NNPS") or (token.text.endswith("s") and token.pos_ in ("NOUN", "PROPN"))
        if k is None and plural_noun and token.dep_ not in ("amod", "compound"):
            self._add(Span(start, end), self._population_of(state, token.text), "demonym", "population")
            return j
        self._add(Span(start, end), state, "demonym", "population" if k is not None else None)
        return j

    def _population_of(self, state: str, surface: str) -> str:
        """The people of a state: the gazetteer's population entity for it, else a local one."""
        found = _people_of(self.gaz, state, surface)
        if found:
            return found
        return self._local(surface, "population", state, key=f"{state.lower()}-people")

    # -- collective actors without a name -------------------------------------------------------------------

    def generic_pass(self) -> None:
        phrases = {tuple(k.split()): v for k, v in self.r["generic_actors"].items()}
        longest = max((len(k) for k in phrases), default=0)
        for base, sdoc in zip(self.doc.paragraphs, self.doc.parsed, strict=True):
            tokens = list(sdoc)
            lowers = [t.lower_ for t in tokens]  # once per token, not once per phrase length tried
            for i in range(len(tokens)):
                for n in range(min(longest, len(tokens) - i), 0, -1):
                    found = phrases.get(tuple(lowers[i : i + n]))
                    if found is None:
                        continue
                    span = Span(base.start + tokens[i].idx, base.start + tokens[i + n - 1].idx + len(tokens[i + n - 1]))
                    if not self._taken(span):
                        self.links.append(_Link(span, self._local(found[0], found[1]), "generic"))
                    break

    # -- reference URLs ------------------------------------------------------------------------------------

    def url_pass(self) -> None:
        """Names in the words of reference URLs ("/pakistan-taliban-ends-ceasefire"), which say what a cited
        article is about. URLs are lower case, so only names longer than an acronym count there."""
        for ref in self.doc.references:
            if not ref.url:
                continue
            at = self.doc.text.find(ref.url, ref.span.start, ref.span.end)
            if at < 0:
                continue
            words = [(m.start() + at, m.end() + at, m.group()) for m in re.finditer(r"[A-Za-z]+", ref.url)]
            i = 0
            while i < len(words):
                best = None
                for j in range(i, min(len(words), i + 6)):
                    key = "".join(fold(w[2]) for w in words[i : j + 1])
                    names = [n for n in self.gaz.index.get(key, [])
                             if n.kind in ("name", "alias", "demonym") and not is_acronym(n.text)]
                    if names and len(key) > 3:
                        best = (j, names)
                if best is None:
                    i += 1
                    continue
                j, names = best
                span = Span(words[i][0], words[j][1])
                if not self._taken(span):
                    target = self._pick(names)
                    state = self.gaz.state_of(target) if names[0].kind == "demonym" else None
                    self._add(span, state or target, "url")
                i = j + 1

    # -- 4: NER ---------------------------------------------------------------------------------------------

    def ner_pass(self) -> None:
        types = self.r["ner_types"]
        # Headlines are in title case, which the NER model reads as names ("Geopolitical Implications of
        # Clashes"): there, only gazetteer names count.
        headings = {b.span for b in self.doc.reading.blocks if b.kind == "heading"} | (
            {self.doc.title} if self.doc.title else set())
        for base, sdoc in self._segments():
            if any(base.overlaps(h) for h in headings):
                continue
            for ent in sdoc.ents:
                etype = types.get(ent.label_)
                if etype is None:
                    continue
                text = ent.text.strip()
                start = base.start + ent.start_char + (len(ent.text) - len(ent.text.lstrip()))
                span = Span(start, start + len(text))
                if not self._worth(text, etype) or self._taken(span):
                    continue
                if text.split()[0] in self.r["platforms"]:
                    etype = "other"  # "USS Mahan", "HMS Daring": a ship
                # drop a leading article: "the Haqqanis" -> "Haqqanis"
                m = re.match(r"(?i)the\s+", text)
                if m:
                    span, text = Span(span.start + m.end(), span.end), text[m.end():]
                self._add_ner(span, text, etype)

    def _worth(self, text: str, etype: str) -> bool:
        letters = [c for c in text if c.isalpha()]
        if len(letters) < 2 or is_foreign(text) or text.islower() or text.lower() in self.r["not_entities"]:
            return False
        if etype == "person" and any(c.isdigit() for c in text):
            return False  # "Passcode 3080897" is not a person
        return not re.fullmatch(r"[\W\d_]+", text)

    def _add_ner(self, span: Span, text: str, etype: str) -> None:
        words = {w.lower() for w in re.findall(r"[\w'-]+", text)}
        if etype == "organization":
            if words & self.r["armed_words"] or any(w in text.lower() for w in self.r["armed_words"] if " " in w):
                etype = "armed_group"
            elif words & self.r["political_words"]:
                etype = "political_org"
        # A lone surname after the full name refers to that person, whatever type the NER model guessed.
        existing = self._person_by_surname(text)
        if existing:
            self.links.append(_Link(span, existing, "ner"))
            return
        self.links.append(_Link(span, self._local(text, etype), "ner"))

    def _person_by_surname(self, text: str) -> str | None:
        """A later "Muttaqi" is the "Amir Khan Muttaqi" named before."""
        if " " in text:
            return None
        for link in self.links:
            name = self.locals[link.entity].name if link.entity in self.locals else None
            entry = self._entry(link.entity)
            etype = self.locals[link.entity].type if name else (entry.type if entry else None)
            full = name or (entry.name if entry else "")
            if etype == "person" and full.split()[-1:] == [text]:
                return link.entity
        return None

    # -- 5: coreference -------------------------------------------------------------------------------------

    def coreference_pass(self) -> None:
        by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = defaultdict(list)
        for words, allowed in self.r["anaphors"].items():
            by_first[words[0]].append((words, allowed))
        window = int(self.r["coreference_window"])
        for base, sdoc in zip(self.doc.paragraphs, self.doc.parsed, strict=True):
            tokens = list(sdoc)
            lowers = [t.lower_ for t in tokens]
            for i, tok in enumerate(tokens):
                for words, allowed in by_first.get(lowers[i], ()):
                    n = len(words)
                    gap = _adjectives(tokens, i + 1, n)
                    if tuple(lowers[i : i + 1] + lowers[i + 1 + gap : i + n + gap]) != words:
                        continue
                    n += gap
                    if n > 1 and i + n < len(tokens) and tokens[i + n].pos_ in ("NOUN", "PROPN"):
                        continue  # "the group leader": not a reference to a group
                    span = Span(base.start + tok.idx, base.start + tokens[i + n - 1].idx + len(tokens[i + n - 1]))
                    self._corefer(span, allowed, window)
                if tok.lower_ in ("its", "their") and i + 1 < len(tokens):
                    head = tokens[i + 1]
                    for etype, nouns in self.r["possessive"].items():
                        if head.lower_ in nouns:
                            span = Span(base.start + tok.idx, base.start + tok.idx + len(tok))
                            self._corefer(span, (etype,), 1)
                            break

    def _type_of(self, eid: str) -> str | None:
        if eid in self.locals:
            return self.locals[eid].type
        entry = self._entry(eid)
        return entry.type if entry else None

    def _corefer(self, span: Span, allowed: tuple[str, ...], window: int, how: str = "coreference",
                 names_only: bool = False) -> bool:
        """Link `span` to the nearest earlier entity of an allowed type within `window` sentences; True when
        it did. names_only: only a named mention is an antecedent (a definite description refers to a
        name, not to another description: "a checkpoint near the city")."""
        if self._taken(span) or not allowed:
            return False
        here = self.doc.sentence_at(span.start)
        if here is None:
            return False
        earliest = self.doc.sentences[max(0, here - window)].span.start
        # A pronoun does not refer to what its own sentence names after it: in "we will deliver ISIL a defeat"
        # or "as they confront ISIL", "we"/"they" are not ISIL (a speaker who names a party in the third
        # person is not that party; a clause's subject is not its own object).
        sentence_end = self.doc.sentences[here].span.end
        later = {link.entity for link in self.links
                 if how == "pronoun" and span.end <= link.span.start < sentence_end
                 and link.how not in ("coreference", "pronoun")}
        candidates = [link for link in self.links
                      if earliest <= link.span.start and link.span.end <= span.start
                      and link.how not in ("coreference", "pronoun") and self._type_of(link.entity) in allowed
                      and not (names_only and link.how == "common")
                      # a state named through an organ ("the Togolese military") is what a reference to
                      # that organ refers back to ("... the army"), as a pronoun's is ("... they")
                      and (link.facet is None or link.facet in allowed)
                      and link.entity not in later]
        if candidates:
            self.links.append(_Link(span, max(candidates, key=lambda c: c.span.start).entity, how))
            return True
        return False

    # -- 6: mentions beyond names ----------------------------------------------------------------------------

    def beyond_names_pass(self) -> None:
        """Common-noun phrases and personal pronouns as mentions (step 6 of the module docstring)."""
        if not self.r["beyond_names"]:
            return
        heads, pronouns, refer = self.r["common_heads"], self.r["pronouns"], self.r["definite_refers_to"]
        window = int(self.r["coreference_window"])
        for base, sdoc in zip(self.doc.paragraphs, self.doc.parsed, strict=True):
            for tok in sdoc:
                if tok.pos_ == "PRON" and tok.lower_ in pronouns:
                    if tok.i > 0 and sdoc[tok.i - 1].lemma_.lower() == "let":
                        continue  # "let us see", "let me say": no one is referred to
                    span = Span(base.start + tok.idx, base.start + tok.idx + len(tok))
                    self._corefer(span, pronouns[tok.lower_], window, how="pronoun")
                    continue
                etype = heads.get(tok.lemma_.lower()) if tok.pos_ == "NOUN" else None
                if etype is None or tok.dep_ == "compound":
                    continue  # the head of its phrase only: "civilian casualties" is no mention of civilians
                left = tok
                for c in reversed([c for c in tok.children if c.i < tok.i]):
                    if c.dep_ not in ("det", "amod", "compound", "nummod", "quantmod", "nmod") or c.i != left.i - 1:
                        break
                    left = c.left_edge if c.left_edge.i == c.i - (c.i - c.left_edge.i) else c
                span = Span(base.start + left.idx, base.start + tok.idx + len(tok))
                if self._taken(span) and not self._only_modifiers(span, tok):
                    continue
                definite = any(c.dep_ == "det" and c.lower_ in self.r["definite_determiners"] for c in tok.children)
                if etype == "place" and any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children):
                    continue  # "the city of Mosul": the name in the "of" phrase is the mention
                if definite and self._corefer(span, tuple(refer.get(etype, ())), window, how="coreference",
                                              names_only=True):
                    continue
                name = tok.lemma_.lower()
                eid = self._local(name, etype, key=f"{DESCRIPTION_PREFIX}{slug(name)}")
                self.links.append(_Link(span, eid, "common"))

    def _only_modifiers(self, span: Span, head) -> bool:
        """Are the names inside a description all modifiers of its head ("the counter-ISIL coalition",
        "Iranian-backed militias": `modifier_name`)? Then the description is its own actor, not the name's."""
        inside = [link for link in self.links if link.span.overlaps(span)]
        head_start = span.end - len(head)
        text = self.doc.text
        return all(modifier_name(text, link.span.start, link.span.end) and link.span.end <= head_start
                   for link in inside)

    # -- 7: countries from the noun phrase --------------------------------------------------------------------

    def _country_of(self, eid: str) -> str | None:
        if eid in self.locals:
            return self.locals[eid].country or self.countries.get(eid)
        entry = self._entry(eid)
        if entry is None:
            return None
        return self.gaz.state_of(eid) or self.countries.get(eid)

    def _link_at(self, start: int, end: int) -> _Link | None:
        return next((lk for lk in self.links if lk.span.start < end and start < lk.span.end), None)

    def country_pass(self) -> None:
        """Countries for actors the gazetteer cannot place (step 6 of the module docstring). Only an entity
        with no country gets one, and the first mention that shows one decides."""
        states = {lk.entity for lk in self.links if lk.how != "url" and self._type_of(lk.entity) == "state"}
        titled: list[str] = []
        for base, sdoc in zip(self.doc.paragraphs, self.doc.parsed, strict=True):
            for link in [lk for lk in self.links if base.start <= lk.span.start and lk.span.end <= base.end]:
                eid = link.entity
                etype = self._type_of(eid)
                if etype not in self.r["country_types"] or self._country_of(eid):
                    continue
                span = sdoc.char_span(link.span.start - base.start, link.span.end - base.start,
                                      alignment_mode="expand")
                if span is None or not len(span):
                    continue
                found, title = self._np_country(span, etype, base.start)
                if found:
                    self.countries[eid] = found
                elif title and etype == "person":
                    titled.append(eid)
        if len(states) == 1:
            for eid in titled:
                if not self._country_of(eid):
                    self.countries[eid] = next(iter(states))

    def sector_pass(self) -> None:
        """Sectors of persons from a title in their noun phrase or apposition (entities.yaml `title_sectors`):
        "President X", "X, the prime minister", "General X". The first mention that shows a title decides."""
        for base, sdoc in zip(self.doc.paragraphs, self.doc.parsed, strict=True):
            for link in [lk for lk in self.links if base.start <= lk.span.start and lk.span.end <= base.end]:
                eid = link.entity
                if eid in self.sectors or self._type_of(eid) != "person":
                    continue
                span = sdoc.char_span(link.span.start - base.start, link.span.end - base.start,
                                      alignment_mode="expand")
                if span is not None and len(span) and (sector := self._title_sector(span)):
                    self.sectors[eid] = sector

    def _title_sector(self, span) -> str | None:
        """The sector a title word around the person mention `span` names, or None."""
        sdoc = span.doc
        words: list[str] = []
        k = span.start - 1
        # leftwards over the words of the same noun phrase ("former Prime Minister X", "UN Secretary-General X")
        while k >= span.sent.start and span.start - k <= 6:
            tok = sdoc[k]
            if tok.pos_ not in ("PROPN", "NOUN", "ADJ") and tok.text != "-" and not self._title_of(sdoc, k):
                break
            words.append(tok.lower_)
            k -= 1
        # the title in an apposition either way: "X, the prime minister" / "the prime minister, X"
        root = span.root
        titles = [c for c in root.children if c.dep_ == "appos"]
        if root.dep_ == "appos":
            titles.append(root.head)
        for head in titles:
            if head.i < span.start or head.i >= span.end:
                words += [t.lower_ for t in head.subtree if t.dep_ in ("compound", "amod", "punct") or t is head]
        for sector in ("government", "police", "military"):  # a government word wins: "secretary-general"
            if any(w in self.r["title_sectors"][sector] for w in words):
                return sector
        return None

    def _title_of(self, sdoc, k: int) -> bool:
        """Is token k the "of" inside a title ("Secretary of State X", "Minister of Defence X", "Chief of Staff
        X"): an "of" right after a title word, which the leftward walks over a noun phrase go through."""
        r = self.r
        return (sdoc[k].lower_ == "of" and k > 0 and (sdoc[k - 1].lower_ in r["country_titles"] or any(
            sdoc[k - 1].lower_ in ws for ws in r["title_sectors"].values())))

    def _np_country(self, span, etype: str, base: int) -> tuple[str | None, bool]:
        """(the country the noun phrase around `span` names, whether a title word stands before it)."""
        sdoc = span.doc
        sent_start = span.sent.start
        title = False
        k = span.start - 1
        # leftwards over the words of the same noun phrase: titles, adjectives, names, possessive 's
        while k >= sent_start and span.start - k <= 6:
            tok = sdoc[k]
            if tok.pos_ not in ("PROPN", "NOUN", "ADJ", "PART") and tok.tag_ != "POS" and tok.text not in ("-",) \
                    and not self._title_of(sdoc, k):
                break
            title = title or tok.lower_ in self.r["country_titles"]
            link = self._link_at(base + tok.idx, base + tok.idx + len(tok))
            if link is not None and self._type_of(link.entity) not in ("person", None):
                country = self._country_of(link.entity) or (
                    link.entity if self._type_of(link.entity) == "state" else None)
                if country:
                    return country, title
            k -= 1
        # "rebels in Malawi", "the president of Bhutan": a place in the head's own phrase; a people
        # named as the modifier of a common noun ("X inhabitants of the Y region") by the phrase of that noun
        root = span.root
        if etype == "population" and root.dep_ in ("compound", "amod", "nmod") and root.head.pos_ == "NOUN" \
                and root.head.i not in range(span.start, span.end):
            root = root.head
        for prep in root.children:
            if prep.dep_ != "prep" or prep.lower_ not in self.r["country_preps"]:
                continue
            if etype == "person" and prep.lower_ != "of":
                continue  # "a journalist in Beirut" may be a visitor; "the president of X" is X's
            for obj in prep.children:
                if obj.dep_ != "pobj":
                    continue
                # the object's name, else a demonym on it ("of the Kenyan border region")
                for word in [obj] + [c for c in obj.children if c.dep_ in ("amod", "compound") and c.i < obj.i]:
                    link = self._link_at(base + word.idx, base + word.idx + len(word))
                    if link is not None:
                        country = self._country_of(link.entity) or (
                            link.entity if self._type_of(link.entity) == "state" else None)
                        if country:
                            return country, title
        return None, title

    # -- assembly -------------------------------------------------------------------------------------------

    def run(self) -> list[Entity]:
        self.gazetteer_pass()
        self._settle_shared()
        self.generic_pass()
        self.url_pass()
        self.ner_pass()
        self.coreference_pass()
        self.beyond_names_pass()
        self.country_pass()
        self.sector_pass()
        by_entity: dict[str, list[Mention]] = defaultdict(list)
        for link in sorted(self.links, key=lambda lk: lk.span):
            by_entity[link.entity].append(Mention(link.span, link.entity, link.how, link.facet))
        out = []
        government_words = self.r["government"] | self.r["police"] | self.r["agency"]
        text = self.doc.text
        for eid, mentions in by_entity.items():
            if eid in self.locals:
                loc = self.locals[eid]
                out.append(Entity(eid, loc.name, loc.type, None, loc.country or self.countries.get(eid),
                                  tuple(mentions), self.sectors.get(eid)))
            else:
                e = self.gaz.entries[eid]
                called_government = any(
                    not government_words.isdisjoint(m.span.of(text).lower().split()) for m in mentions)
                etype = e.type_on(self.day, called_government)
                country = (self.gaz.state_of(eid) or self.countries.get(eid)) if e.type != "state" else None
                out.append(Entity(eid, e.name, etype, e.wikidata, country, tuple(mentions), self.sectors.get(eid)))
        return sorted(out, key=lambda e: e.mentions[0].span)


#: The most adjectives a definite description may have between its article and its head and still refer
#: back ("the terrorist group", "the brutal Syrian regime"); set by hand, not tuned on a dev set.
MAX_ANAPHOR_ADJECTIVES = 2


def _adjectives(tokens, k: int, n: int) -> int:
    """How many adjectives stand at tokens[k:] before the head of an article + head anaphor ("the terrorist
    group"): 0 for longer anaphors ("the prime minister" is matched word for word)."""
    if n != 2:
        return 0
    gap = 0
    while gap < MAX_ANAPHOR_ADJECTIVES and k + gap < len(tokens) and tokens[k + gap].pos_ == "ADJ":
        gap += 1
    return gap


@functools.lru_cache(maxsize=4096)
def _umbrella_movement(gaz: Gazetteer, population: str, vocab: frozenset[str]) -> str | None:
    """An armed group named "<people> <movement words>" with no parent group: the umbrella of that people's
    armed movements."""
    roots = {fold(n.text) for n in gaz.entries[population].names if n.kind in ("name", "alias")}
    folded_vocab = {fold(w) for w in vocab}
    for e in gaz.entries.values():
        if e.type != "armed_group" or e.parent is not None:
            continue
        for n in e.names:
            words = n.text.split()
            if len(words) >= 2 and fold(words[0]) in roots and all(fold(w) in folded_vocab for w in words[1:]):
                return e.id
    return None


@functools.lru_cache(maxsize=4096)
def _people_of(gaz: Gazetteer, state: str, surface: str) -> str | None:
    """The gazetteer's population entity of a state: one named like `surface`, else its "... people"."""
    pops = [e for e in gaz.entries.values() if e.type == "population" and e.country == state]
    for e in pops:
        if any(fold(n.text) == fold(surface) for n in e.names):
            return e.id
    for e in pops:
        if e.name.lower().endswith("people"):
            return e.id
    return None


def link(doc: Document, gazetteer: Gazetteer | None = None) -> None:
    """The entity stage: set `doc.entities`."""
    doc.entities = Linker(doc, gazetteer or load()).run()

