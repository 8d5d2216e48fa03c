"""The claims stage: who did what to whom, when, where, how many, how it is said, by whom, on which citation.

For each body sentence (the paragraph's spaCy parse; citation markers are blanked there, so offsets agree
with the document text):

1. Triggers: every pattern of `data/events.yaml` a word matches (verbs, predicate adjectives, event nouns,
   light verbs with their noun, standing relations; docs/patterns.md). Precedence: a light verb beats a
   verb or noun pattern on the same words; on one word, the most constrained patterns win. A word that is
   part of a name ("Coalition forces", "Operation Zarb-e-Azb") triggers nothing.
2. Roles: the pattern's subject and object roles are tried in order (`roles.role_tokens`); the first that
   resolves to entities fills the slot (`roles.Mentions`). No subject, no claim, except a casualty verb
   or event noun whose object is a count of people (`SUBJECTLESS_COUNTS`: "killing 14 people", "two
   suspects were detained", "the death of one insurgent": subject []). No object, no claim when the pattern
   says `object_required`, for standing relations, for event nouns (unless a place stands in for the
   object), when the object would be the subject itself ("defended itself"), and when the subject is only
   borrowed from another clause (a purpose adjunct: "put pressure on Tehran to abandon ..."); otherwise a
   verb with its own subject and no entity as object is still an event ("the Sudanese government lifted the
   state of emergency"). A casualty figure no claim carries ("three civilian bodies were found") becomes a
   claim of its own with no actor (`figure_events` in quantities.yaml; rule `figure.<category>`), so that
   no figure the text states is lost.
   An event noun with no actor of its own takes the actor of the verb that begins, continues or voices
   it ("the US speeded up the withdrawal"); a transfer with no recipient takes the subject of its purpose
   clause ("left its hardware behind so that the Taliban could use it").
   Subjects are actors: places, borders and infrastructure are dropped from them. Symmetric patterns
   split coordinated participants into subject and object; `implies` adds a second claim of the relation.
   An event that is the open complement of another trigger ("reluctant to take action", "refused to meet",
   "threatened to impose") is that trigger's object, not a claim of its own.
3. Negation ("not", "never", "no longer", "no attacks"), retyping by tense and modality (future
   cooperation -> AGREE, "X said Y must ..." -> DEMAND by X on Y, whatever Y must do, future conflict ->
   THREATEN with the mode of `threat_modes`), `place_object` when the object is a place. What a demand asks
   for ("demanding that the government provide ...") is no claim of its own.
4. When (`timex.claim_time` over the times of the trigger's clause, else of the sentence), where (places,
   or states after a locative preposition, in the trigger's prepositional phrases), how many
   (`quantities.find_quantities`, those inside the clause), how it is said and by whom (`modality.classify`
   per sentence; a trigger inside quotation marks is quoted), citations (the labels of the markers that
   close the sentence), evidence (leftmost to rightmost of trigger, noun phrase and argument mentions).

At most one claim per (subject, predicate, object, trigger word). Claims are numbered in text order.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from claimgraph import rules
from claimgraph.claims import modality, quantities, tally, timex
from claimgraph.claims.patterns import Match, Pattern, attached, matches, patterns, requirements_met
from claimgraph.claims.roles import Mentions, Resolved, conjuncts, naming, role_tokens, subject_of, temporal
from claimgraph.document import Document
from claimgraph.entities.linker import modifier_name, name_participle
from claimgraph.records import Claim, Span, TimeExpression

__all__ = ["extract_claims"]

#: "non-" right before a name: the argument is what the name is not ("non-Afghan fighters").
_NON = re.compile(r"\bnon[-\u2010\u2011 ]?$", re.IGNORECASE)


def _place_head(verb) -> bool:
    """Is the verb's direct object (or passive subject) a place by its head noun ("captured the town", "seized
    part of a stronghold"): `place_object_heads`, looked through `partitive_heads` to their "of" noun."""
    for obj in (c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")):
        if obj.lemma_.lower() in _words("partitive_heads"):
            obj = next((g for p in obj.children if p.dep_ == "prep" and p.lower_ == "of"
                        for g in p.children if g.dep_ == "pobj"), obj)
        if obj.lemma_.lower() in _words("place_object_heads") or obj.lower_ in _words("place_object_heads"):
            return True
    return False


def _words(key: str) -> frozenset[str]:
    """A word list of data/roles.yaml (place_types, locative_preps, counted_events, reflexives,
    aspectual_verbs, noun_actor_preps, co_participant_predicates, alongside_preps, unrealised_predicates,
    nothing_objects, counterfactual_modals, other_clause_deps, purpose_marks)."""
    return rules.words("roles", key)


NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM", "X", "ADJ"})
VERBAL = frozenset({"VERB", "AUX"})
#: Casualty events (`counted_events` in data/roles.yaml) stand as claims without a named actor when they count
#: their victims (subject []): the toll is what an analyst needs ("14 killed", "two suspects detained"). False:
#: no claim without a subject.
SUBJECTLESS_COUNTS = True
#: Dependencies `_nested_object` walks down from a trigger looking for a target inside its object's phrases.
NESTED_DEPS = frozenset({"dobj", "nsubjpass", "prep", "pobj", "dative", "acl", "ccomp", "xcomp", "oprd", "attr"})
#: How many dependencies deep it looks: "agreed to [lift] [restrictions] [on] [exports] [to] [X]" is six from
#: the verb. Set by hand on sentences written for tests/test_actors.py, not tuned on a dev set.
NESTED_DEPTH = 6
#: Prepositions whose object may be the one to do an infinitive that follows ("put pressure on X to ...",
#: "called for X to ..."); "to" is left out: after a verb of sending it is a destination ("sent a team to X to
#: investigate": the senders investigate). Grammar, not tuned on any set.
CONTROL_PREPS = frozenset({"on", "upon", "for", "with"})
#: The pattern of a claim made by an "against" phrase alone (`_Sentence._opposition`): a standing relation.
_AGAINST = Pattern(id="hostile-to.against", kind="verb", predicate="HOSTILE_TO", mode=None, subject=(),
                   object=("prep:against",), lemmas=frozenset(), relation=True)
#: The pattern of a claim made by an opponent prefix ("the counter-ISIL coalition"): a standing relation.
_OPPOSED = Pattern(id="hostile-to.anti-prefix", kind="noun", predicate="HOSTILE_TO", mode=None, subject=(),
                   object=("compound",), lemmas=frozenset(), relation=True)
#: The pattern of a claim made by retype.obligation alone: "X said Y must V" is a demand by X on Y whatever V.
_OBLIGATION = Pattern(id="retype.obligation", kind="verb", predicate="DEMAND", mode=None, subject=(), object=(),
                      lemmas=frozenset())


def _clause_head(tok):
    """The verb whose clause holds the token (a noun trigger's governing verb: "an attack on a ship in the
    gulf resulted in two deaths" -> "resulted")."""
    steps = 0
    while tok.pos_ not in VERBAL and tok.head is not tok and tok.dep_ not in _words("other_clause_deps") \
            and steps < 6:
        tok, steps = tok.head, steps + 1
    return tok


def _clause_preps(head):
    """Locative prepositions in the clause of `head`, at any depth, not inside another clause."""
    stack = [head]
    while stack:
        tok = stack.pop()
        for child in tok.children:
            if child.dep_ in _words("other_clause_deps"):
                continue
            if child.dep_ == "prep" and child.lower_ in _words("locative_preps"):
                yield child
            stack.append(child)


@dataclass
class _Fill:
    """What a slot's roles found: the entities, the tokens they came from, the complement event the object
    went through, and whether a role found only excluded entities (the subject again)."""

    found: list[Resolved] = field(default_factory=list)
    tokens: list = field(default_factory=list)
    via: Match | None = None
    excluded: bool = False
    domestic: bool = False  # ... and only as another mention of the subject's state ("Kenyan police arrested
    # Kenyan students"), not as a reflexive or a repeated person or group
    own: bool = False  # found by a mechanism that names the event's own actor (aspectual verb, by-phrase ...)
    borrowed: bool = False  # an event noun's actor taken from the clause around it ("conducted strikes in ...")


@dataclass
class _Cand:
    """A matched pattern with its arguments, before the claim is finished."""

    match: Match
    subject: list[Resolved]
    object: list[Resolved]
    xcomp: Match | None = None
    named: bool = False  # the subject is named in the event noun's own phrase (see `_attack_without_target`)


class _Sentence:
    """The work on one sentence: its tokens, matches, and the claims they make."""

    def __init__(self, doc: Document, index: int, span, base: int, mentions: Mentions,
                 cited: tuple[str, ...] = ()) -> None:
        self.doc = doc
        self.cited = cited  # labels of the citation markers that close the sentence
        self.index = index
        self.span = span  # the spaCy Span of the sentence
        self.base = base  # offset of the paragraph in the document
        self.mentions = mentions
        self.names = naming(span)
        self.start = base + span.start_char
        self.end = base + span.end_char
        self.by_token: dict[int, list[Match]] = defaultdict(list)
        self._modality = None
        self.owned: list[tuple[int, Span]] = []

    # -- 1. triggers ------------------------------------------------------------------------------------

    def triggers(self) -> list[Match]:
        found: list[Match] = []
        for tok in self.span:
            if tok.is_punct or tok.is_space:
                continue
            found += [m for m in matches(tok) if not self._in_name(m.token)]
        light_verbs = {m.token.i for m in found if m.kind == "light_verb"}
        light_nouns = {m.noun.i for m in found if m.kind == "light_verb"}
        kept = [m for m in found
                if m.kind == "light_verb"
                or (m.kind in ("verb", "adjective") and m.token.i not in light_verbs)
                or (m.kind == "noun" and m.token.i not in light_nouns)]
        best: dict[tuple, int] = {}
        for m in kept:
            key = self._slot(m)
            best[key] = max(best.get(key, 0), m.pattern.specificity)
        out = [m for m in kept if m.pattern.specificity == best[self._slot(m)]]
        for m in out:
            self.by_token[m.token.i].append(m)
        return sorted(out, key=lambda m: m.token.i)

    @staticmethod
    def _slot(m: Match) -> tuple:
        group = "light" if m.kind == "light_verb" else "noun" if m.kind == "noun" else "verb"
        return (m.token.i, group, m.noun.i if m.noun is not None else -1)

    def _in_name(self, tok) -> bool:
        """Is the word part of an entity's name ("Coalition forces")? Demonym, coreference, common-noun and
        pronoun mentions ("Pakistani military", "its", "the fighters") are not names."""
        row = self.mentions.token(tok, self.base)
        return row is not None and row[3] not in ("demonym", "coreference", "common", "pronoun")

    # -- 2. roles ---------------------------------------------------------------------------------------

    def fill(self, m: Match, roles: tuple[str, ...], exclude: set[str] | None = None) -> _Fill:
        """The entities of the first role that resolves to any (not in `exclude`)."""
        kind = _kind(m)
        types = self.mentions.types
        used: list[Match] = []

        def through(comp) -> list:
            for inner in self.by_token.get(comp.i, ()):
                for role in inner.pattern.object:
                    tokens = role_tokens(role, inner.token, inner.noun, _kind(inner))
                    if self.resolve(tokens):
                        used.append(inner)
                        return tokens
            return []

        out = _Fill()
        for role in roles:
            used.clear()
            tokens = role_tokens(role, m.token, m.noun, kind, xcomp=through)
            resolved = self.resolve(tokens)
            found = [r for r in resolved if not exclude or r.entity not in exclude]
            if found:
                out.found, out.tokens = found, tokens
                out.via = used[0] if role == "xcomp" and used else None
                return out
            reflexive = any(t.lower_ in _words("reflexives") for t in tokens)
            if reflexive or any(
                    (row := self.mentions.token(t, self.base)) is not None and exclude and row[2] in exclude
                    for t in tokens):
                # the role names the subject itself ("defended itself"), not merely something of its own
                # ("reneged on his commitment to ...": the object is in the commitment's phrase)
                out.excluded = True
                out.domestic = out.domestic or not reflexive and all(
                    types.get(e) in _words("domestic_types") for e in exclude or ())
        return out

    def resolve(self, tokens: list) -> list[Resolved]:
        out: list[Resolved] = []
        for t in tokens:
            for c in conjuncts(t) if t.pos_ in NOMINAL else [t]:
                if c.pos_ in VERBAL:
                    continue
                for r in self.mentions.resolve(c, self.base, self.names):
                    if all(o.entity != r.entity for o in out):
                        out.append(r)
        return out

    def candidate(self, m: Match) -> _Cand | None:
        p = m.pattern
        types = self.mentions.types
        filled = _Fill()
        if m.kind == "noun" and any(c.dep_ == "poss" and c.pos_ == "PRON" for c in m.token.children):
            # "the US began its attacks on X": the possessive pronoun is the beginner, whatever name the linker
            # found nearest
            filled = self._aspect_subject(m.token)
        if not filled.found:
            filled = self.fill(m, p.subject)
        if not filled.found and m.kind == "noun":
            filled = self._aspect_subject(m.token)
        if not filled.found and m.kind == "noun":
            filled = self._noun_actor(m.token)
        if not filled.found and m.kind in ("verb", "light_verb"):
            filled = self._event_subject(m.token)
        if not filled.found and m.kind == "verb" and p.predicate in _words("counted_events"):
            filled = self._cause_actor(m.token)
        if not filled.found and m.kind in ("verb", "light_verb"):
            filled = self._purpose_subject(m.token)
        if not filled.found and m.kind in ("verb", "light_verb"):
            filled = self._passive_forces(m)
        if not filled.found and m.kind == "verb" and "agent" in p.subject:
            filled = self._stray_agent(m.token)
        subject = [r for r in filled.found if types.get(r.entity) not in _words("place_types")]
        if not subject and filled.found:
            # a place does not act: "In Balkh district, Balkh province, a combined Afghan and coalition force
            # captured ..." (the actor parsed as the place's apposition)
            appos = [c for t in filled.tokens for c in t.children if c.dep_ == "appos"]
            subject = [r for r in self.resolve(appos) if types.get(r.entity) not in _words("place_types")]
            if not subject:
                # "X, the Kenyan defence minister, demanded ...": an apposition that describes
                # the actor by an office acts for the body its modifiers or "of" phrase name
                inner = [g for a in appos for g in a.children if g.dep_ in ("compound", "nmod", "poss", "amod")]
                inner += [g for a in appos for c in a.children if c.dep_ == "prep" and c.lower_ == "of"
                          for g in c.children if g.dep_ == "pobj"]
                subject = [r for r in self.resolve(inner) if types.get(r.entity) not in _words("place_types")]
        if not subject:
            if (SUBJECTLESS_COUNTS and p.predicate in _words("counted_events") and m.kind in ("verb", "noun")
                    and self._counted(m)):
                # "A bomb exploded in the market, killing 14 people", "two suspects were detained", "the
                # operation resulted in the death of one insurgent": the toll is the claim even when no one is
                # named as its author
                obj = self.fill(m, p.object)
                return _Cand(m, [], obj.found, obj.via)
            return None
        if not p.object:
            return _Cand(m, subject, self._nested_object(m, {r.entity for r in subject}))
        obj = self.fill(m, p.object, exclude={r.entity for r in subject})
        found = obj.found
        if p.symmetric and not found and len(subject) > 1 and not [
                c for c in _children_of(m.token, "dobj") if m.noun is None or c.i != m.noun.i]:
            # "Ghana and Togo clashed": each is the other's party; not when the act has an object of its own
            # ("worked together to fight smuggling")
            subject, found = subject[:1], subject[1:]
        if not found and p.predicate == "AID":
            found = self._beneficiary(m.token, {r.entity for r in subject})
        # a reflexive object is the subject itself ("defended itself"): no act on another. A target that is
        # another mention of the subject's state ("Kenyan farmers would blockade Nairobi", "Kenyan police
        # arrested Kenyan students") is a domestic act: kept, without the target that would repeat the subject
        if not found and ((obj.excluded and not obj.domestic)
                          or not (filled.own or _own_subject(m, filled.tokens, self._controls) or self._counted(m))):
            return None  # the object is the subject itself, or the subject is only borrowed: too weak
        if not found and not p.relation:
            found = self._nested_object(m, {r.entity for r in subject})
        return _Cand(m, subject, found, obj.via, named=m.kind == "noun" and not filled.borrowed)

    def _controls(self, verb, before: int) -> bool:
        """Does an object of `verb` before the word at `before` name an actor who may be the one to act ("put
        pressure on Iran to abandon ...": Iran abandons)?"""
        objs = [c for c in verb.children if c.dep_ in ("dobj", "dative") and c.i < before]
        objs += [g for c in verb.children if c.dep_ == "prep" and c.i < before and c.lower_ in CONTROL_PREPS
                 for g in c.children if g.dep_ == "pobj"]
        return bool(self.resolve(objs))

    def _nested_object(self, m: Match, exclude: set[str]) -> list[Resolved]:
        """The target inside a phrase of the object when no role names one: "lifted embargoes on sales to
        Iran", "conceded to demands from UNITA", "offered its troops to Lebanon's president", "reiterated its
        demand that Israel ease ...", "lifted the curfew imposed in Sudan". Breadth first from the trigger
        (a light verb's noun too) down object, prepositional and clausal dependencies, never into the
        subject, nor into a locative phrase of the trigger itself (that is the claim's place); the nearest
        phrase that names an entity other than the subject wins (NESTED_DEPTH steps)."""
        starts = [m.token] + ([m.noun] if m.noun is not None else [])
        seen = {t.i for t in starts}
        frontier = list(starts)
        for _ in range(NESTED_DEPTH):
            nxt = []
            for t in frontier:
                for c in t.children:
                    if c.i in seen or c.dep_ not in NESTED_DEPS or temporal(c):
                        continue
                    if t in starts and c.dep_ == "prep" and c.lower_ in _words("locative_preps"):
                        continue  # "blocked roads in the capital": where it happened (the claim's place)
                    seen.add(c.i)
                    if c.dep_ == "ccomp" or (c.dep_ == "acl" and c.pos_ in VERBAL and c.tag_ != "VBN"):
                        # "its demand that Israel ease ...": the clause's subject is whom it is about
                        found = [r for r in self.resolve(_children_of(c, "nsubj", "nsubjpass"))
                                 if r.entity not in exclude]
                        if found:
                            return found
                    nxt.append(c)
            found = [r for t in nxt if t.pos_ in NOMINAL and t.pos_ != "ADJ"
                     for r in self.resolve([t]) if r.entity not in exclude]
            if found:
                return list({r.entity: r for r in found}.values())
            frontier = nxt
        return []

    def _counted(self, m: Match) -> bool:
        """Is the object a number of people ("killing one", "arresting 12")? Then the count is the object."""
        spans = [q.span for q in self.quantities() if q.unit == "people"]
        objs = [self._tok_span(c) for c in m.token.children if c.dep_ in ("dobj", "nsubjpass")]
        if m.kind == "verb" and m.token.dep_ == "acl" and m.token.tag_ == "VBN" \
                and m.token.head.pos_ in ("NOUN", "PROPN", "NUM"):
            objs.append(self._tok_span(m.token.head))  # "the five seafarers killed by X": the noun it modifies
        if m.kind == "noun":  # "the arrest of a Taliban leader", "the death of one insurgent"
            objs += [self._tok_span(g) for c in m.token.children if c.dep_ == "prep" and c.lower_ == "of"
                     for g in c.children if g.dep_ == "pobj"]
        return any(s.overlaps(o) for o in objs for s in spans)

    def _obligations(self, taken: set[int]) -> list[_Cand]:
        """"X said Y must V": a demand by X on Y, whatever V is (retype.obligation on verbs no pattern
        knows; verbs that are triggers are retyped when their claim is finished)."""
        rule = next((r for r in patterns().retype if r.to == "DEMAND"), None)
        if rule is None:
            return []
        out = []
        for tok in self.span:
            if tok.pos_ not in VERBAL or tok.i in taken or tok.dep_ in ("aux", "auxpass"):
                continue
            if not _markers(tok) & rule.markers:
                continue
            speaker = self._speaker_of(tok)
            obliged = [r for r in self.resolve(subject_of(tok)) if all(r.entity != s.entity for s in speaker)]
            if speaker and obliged:
                out.append(_Cand(Match(_OBLIGATION, tok), speaker, obliged))
        return out

    def _opposition(self, taken: set[int]) -> list[_Cand]:
        """"Iraqis unite against ISIL", "the coalition campaign against Daesh", "a rally against the regime": a
        word no pattern knows whose "against" phrase names an actor sets its own actor against that actor
        (HOSTILE_TO, rule hostile-to.against). The word's actor is a verb's subject, or a noun's possessor or
        modifier ("the coalition campaign"), else the actor `_noun_actor` finds."""
        out = []
        for tok in self.span:
            if tok.i in taken or (tok.pos_ not in VERBAL and tok.pos_ != "NOUN"):
                continue
            against = [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "against"
                       for g in c.children if g.dep_ == "pobj"]
            if not against:
                continue
            m = Match(_AGAINST, tok)
            types = self.mentions.types
            target = [r for r in self.resolve(against) if types.get(r.entity) not in _words("place_types")]
            if not target:
                continue
            if tok.pos_ in VERBAL:
                actors = self.resolve(subject_of(tok))
            else:
                actors = self.resolve(_children_of(tok, "poss", "compound", "nmod")) or (
                    self.resolve(subject_of(tok.head)) if tok.dep_ == "dobj" else []) or self._noun_actor(tok).found
            actors = [r for r in actors if types.get(r.entity) not in _words("place_types")
                      and all(r.entity != t.entity for t in target)]
            if actors:
                out.append(_Cand(m, actors, target))
            # "support for X against Y", "aid to X against Y": whom the backing is for stands against Y too; so
            # when the against phrase is the backing's "in" phrase ("support for X in the fight against Y")
            backing = [tok]
            if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.lower_ == "in" and tok.head.head.i != tok.i:
                host = tok.head.head  # the backing noun, or the verb whose object it is ("reiterated its support
                backing += [host, *_children_of(host, "dobj")]  # for X in the fight against Y")
            for host in backing:
                backed = [r for r in self._backed(host) if all(r.entity != t.entity for t in target + actors)]
                if backed:
                    out.append(_Cand(m, backed, target))
                    break
        out += self._prefixed_opponents(taken)
        return out

    def _backed(self, tok) -> list[Resolved]:
        """Whom a backing word is for ("support for X", "aid to X", "its support of X"), when a pattern of
        `backing_predicates` reads the word (as its trigger or a light verb's noun); else nobody."""
        matched = [*self.by_token.get(tok.i, ()), *(x for xs in self.by_token.values() for x in xs
                                                     if x.noun is not None and x.noun.i == tok.i)]
        if not any(x.pattern.predicate in _words("backing_predicates") for x in matched):
            return []
        return self.resolve([g for c in tok.children if c.dep_ in ("prep", "dative") and c.lower_ in ("of", "for", "to")
                             for g in c.children if g.dep_ == "pobj"])

    def _prefixed_opponents(self, taken: set[int]) -> list[_Cand]:
        """"the counter-ISIL coalition", "led the anti-Taliban offensive": a name after an opponent prefix
        (`opponent_prefixes`) is what its phrase is against. The phrase's own entity ("the counter-ISIL
        coalition" as a description) is hostile to it, else the actor of the event its head names (the
        subject of the verb whose object it is, or `_noun_actor`'s): HOSTILE_TO, rule hostile-to.anti-prefix.
        Likewise a name before a hyphenated participle backs, leads or is allied with the phrase's head
        ("US-backed fighters", "the Saudi-led coalition": `name_participles` in roles.yaml; rule
        `<predicate>.name-participle`, the name the subject)."""
        out = []
        types = self.mentions.types
        text = self.doc.text
        starts = self.mentions.starts
        for row in self.mentions.rows[bisect.bisect_left(starts, self.start) : bisect.bisect_left(starts, self.end)]:
            if not modifier_name(text, row[0], row[1]):
                continue
            tok = next((t for t in self.span if self.base + t.idx < row[1] <= self.base + t.idx + len(t)), None)
            if tok is None:
                continue
            target = [Resolved(row[2], Span(row[0], row[1]))]
            head = tok
            while head.dep_ in ("amod", "compound", "nmod", "punct", "npadvmod") and head.head.i != head.i \
                    and head.head.i > head.i:
                head = head.head
            if head is tok:
                continue
            actors = [r for r in self.resolve([head]) if r.entity != row[2]]
            if not actors and head.dep_ == "dobj":
                actors = self.resolve(subject_of(head.head))
            if not actors:
                actors = self._noun_actor(head).found
            actors = [r for r in actors if types.get(r.entity) not in _words("place_types") and r.entity != row[2]]
            if not actors:
                continue
            participle = name_participle(text, row[1])
            if participle is None:
                out.append(_Cand(Match(_OPPOSED, head), actors, target))
            else:
                out.append(_Cand(Match(_participle_pattern(rules.load("roles")["name_participles"][participle]),
                                       head), target, actors))
        return out

    def _aspect_subject(self, noun) -> _Fill:
        """An event noun carried out by the subject of the verb that begins, continues or completes it ("the
        United States speeded up the withdrawal")."""
        out = _Fill()
        if noun.dep_ == "compound" and noun.head.lemma_.lower() in _words("event_spans"):
            noun = noun.head  # "began an airstrike campaign": what begins the campaign begins the strikes
        head = noun.head
        if (noun.dep_ in ("dobj", "nsubjpass") and head.lemma_.lower() in _words("aspectual_verbs")
                and head.pos_ in VERBAL and not _unreal_verb(head)):
            tokens = subject_of(head) if noun.dep_ == "dobj" else [
                g for c in head.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            out.found, out.tokens, out.own = self.resolve(tokens), tokens, True
        return out

    def _event_subject(self, verb) -> _Fill:
        """A verb whose subject is an event ("a raid conducted by X killed ten", "the strikes destroyed ...")
        is done by that event's actor."""
        out = _Fill()
        for subj in [s for c in verb.children if c.dep_ == "nsubj" for s in _spanned(c)]:
            for inner in self.by_token.get(subj.i, ()):
                if inner.kind != "noun":
                    continue
                found = self.fill(inner, inner.pattern.subject)
                if not found.found:
                    found = self._noun_actor(subj)
                if found.found:
                    found.own = True
                    return found
        return out

    def _cause_actor(self, tok) -> _Fill:
        """A casualty with no author of its own is the act of whoever carried out the event that caused it:
        "three crew members were killed in the X missile strike", "died during X's raid", "64 people had been
        killed as a result of X's assault", "the X raid resulted in the deaths of 30" (`tok` a casualty verb,
        or a figure's number: see `_cause_nouns`). The event is an event-noun trigger; its actor is found as
        its own pattern finds it (possessive, by-phrase, demonym, compound) or by `_noun_actor`."""
        for noun in _cause_nouns(tok):
            for inner in self.by_token.get(noun.i, ()):
                if inner.kind != "noun" or inner.pattern.symmetric:
                    continue  # "killed during fighting between X and Y": either side may have killed them
                found = self.fill(inner, inner.pattern.subject)
                if not found.found:
                    found = self._noun_actor(noun)
                found.found = [r for r in found.found if self.mentions.types.get(r.entity)
                               not in _words("place_types")]
                if found.found and not found.borrowed:  # "civilians died in the attack": not its author
                    found.own = True
                    return found
        return self._clause_cause_actor(tok)

    def _clause_cause_actor(self, tok) -> _Fill:
        """A casualty told with the attack that caused it in a clause of time: "50 civilians were killed when a
        Togolese jet bombed the village", "... as gunmen stormed the hotel" (`cause_marks`): the actor of that
        clause's hostile act (a verb or light verb of `counted_events`, not fighting between two sides). Not
        when the clause's subject is a pronoun: "three militants were killed when they attacked a post" tells
        who died, not who killed them."""
        for verb in _cause_clauses(tok):
            for inner in self.by_token.get(verb.i, ()):
                if (inner.kind not in ("verb", "light_verb") or inner.pattern.symmetric
                        or inner.pattern.predicate not in _words("counted_events")):
                    continue
                if any(c.pos_ == "PRON" for c in _children_of(verb, "nsubj", "nsubjpass")):
                    continue
                found = self.fill(inner, inner.pattern.subject)
                found.found = [r for r in found.found if self.mentions.types.get(r.entity)
                               not in _words("place_types")]
                if found.found:
                    found.own = True
                    return found
        return _Fill()

    def _purpose_subject(self, verb) -> _Fill:
        """The actor of a purpose infinitive that the parser attached as an object-controlled complement: "used
        tear gas to disperse the crowd", "sent aid to rebuild the town". When the object before the
        infinitive names no actor, the infinitive is the purpose of the clause, and its subject acts."""
        out = _Fill()
        head = verb.head
        if verb.dep_ != "xcomp" or head.i == verb.i or head.pos_ not in VERBAL:
            return out
        controller = [c for c in head.children if c.dep_ == "dobj" and c.i < verb.i]
        if not controller or self.resolve(controller):
            return out  # "urged Togo to withdraw": Togo is to act
        obligation = next((r for r in patterns().retype if r.to == "DEMAND"), None)
        if obligation is not None and _markers(head) & obligation.markers:
            return out  # "must allocate resources to help ...": the purpose of an obligation has not happened
        tokens = subject_of(head)
        out.found, out.tokens, out.own = self.resolve(tokens), tokens, True
        return out

    def _passive_forces(self, m: Match) -> _Fill:
        """A passive move of forces with no agent is the move of the forces' own side: "Kenyan troops were
        withdrawn from Somalia", "the police were deployed in the capital" (`passive_actor_predicates` in
        events.yaml; the passive subject must name forces: a military or police head noun of entities.yaml,
        or an entity of a military or armed type)."""
        out = _Fill()
        verb = m.token
        if m.pattern.predicate not in rules.words("events", "passive_actor_predicates") \
                or not any(c.dep_ == "auxpass" for c in verb.children) or any(c.dep_ == "agent" for c in verb.children):
            return out
        if "nsubjpass" in m.pattern.object:
            # the passive subject is what the act is done to ("Kenyan troops were expelled"), not its doer
            return out
        forces = rules.words("entities", "military_heads") | rules.words("entities", "police_heads")
        tokens = [t for t in _children_of(verb, "nsubjpass")
                  if t.lemma_.lower() in forces or t.lower_ in forces
                  or any(self.mentions.types.get(r.entity) in ("military", "armed_group") for r in self.resolve([t]))]
        out.found, out.tokens, out.own = self.resolve(tokens), tokens, True
        return out

    def _stray_agent(self, verb) -> _Fill:
        """The by-phrase of a passive that the parser hung on the passive's gerund complement: "was accused of
        misusing funds by government officials" (the officials accuse). Only when the passive has no agent of
        its own and the gerund has no subject: then nothing else can be "by" whom."""
        out = _Fill()
        if not any(c.dep_ == "auxpass" for c in verb.children) or any(c.dep_ == "agent" for c in verb.children):
            return out
        for prep in (c for c in verb.children if c.dep_ == "prep"):
            for ger in (g for g in prep.children if g.dep_ == "pcomp" and g.tag_ == "VBG"):
                if any(c.dep_ in ("nsubj", "nsubjpass") for c in ger.children):
                    continue
                tokens = [g for c in ger.children if c.dep_ == "prep" and c.lower_ == "by"
                          for g in c.children if g.dep_ == "pobj"]
                found = self.resolve(tokens)
                if found:
                    out.found, out.tokens, out.own = found, tokens, True
                    return out
        return out

    def _noun_actor(self, noun) -> _Fill:
        """An event noun's actor named outside its own phrase: a reduced relative with a by-phrase ("a raid
        conducted by X", "the barbarity carried out by the regime"), else the subject of the clause whose
        adverbial phrase the noun heads ("conducted strikes in support of X": the strikers support X;
        "joined the fight against X"); the noun phrase (and its list) that "in support of" modifies ("A, B and
        others in support of X")."""
        out = _Fill()
        for c in noun.children:
            if c.dep_ == "acl" and c.tag_ == "VBN":
                tokens = [g for a in c.children if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj"]
                found = self.resolve(tokens)
                if found:
                    out.found, out.tokens, out.own = found, tokens, True
                    return out
        prep = noun.head
        first = prep
        while first.dep_ == "conj" and first.head.dep_ == "prep" and first.head.i != first.i:
            first = first.head  # "coordinated with and in support of X": the phrase shares its first conjunct's head
        host = first.head
        if noun.lemma_.lower() in _words("support_heads") and noun.dep_ == "pobj" and first.lower_ == "in" \
                and host.pos_ in ("NOUN", "PROPN"):
            # "the Iraqi forces, the militias and others in support of X": the phrase the list ends with is the
            # whole list's (a noun that names no actor, "strikes in support of X", is the clause's act below)
            top = host
            while top.dep_ == "conj" and top.head.pos_ in ("NOUN", "PROPN") and top.head.i != top.i:
                top = top.head
            found = self.resolve([top])
            if found:
                out.found, out.tokens, out.own = found, [top], True
                return out
        if host.dep_ == "acl" and host.tag_ == "VBN" and host.head.pos_ in ("NOUN", "PROPN"):
            host = host.head  # "conducted strikes coordinated with and in support of X": the strikes' phrase
        if host.pos_ in ("NOUN", "PROPN") and host.dep_ == "dobj":
            host = host.head  # "carried out strikes in support of X": the phrase hangs off the verb's object
        if noun.dep_ == "pobj" and first.dep_ == "prep" and prep.lower_ in _words("noun_actor_preps") \
                and host.pos_ in VERBAL:
            tokens = subject_of(host)
            out.found, out.tokens, out.own, out.borrowed = self.resolve(tokens), tokens, True, True
        return out

    def _beneficiary(self, verb, exclude: set[str]) -> list[Resolved]:
        """Who a transfer is for when no role names it: the subject of its purpose clause ("left behind its
        hardware so that the Taliban could use it")."""
        for c in verb.children:
            if c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in _words("purpose_marks") for g in c.children):
                return [r for r in self.resolve(subject_of(c)) if r.entity not in exclude]
        return []

    def figure_claims(self, claims: list[Claim]) -> list[Claim]:
        """A claim with no actor for each casualty figure of the sentence that no claim carries (see
        `figure_events` in quantities.yaml): "three civilian bodies were found", "he was engaged and killed"."""
        events = _figure_events()
        # only a claim of the figure's own kind carries it: "X, deputy head of Y, said 2,000 bodies were
        # collected" gives a LEADS claim whose clause holds the figure, but it is no toll of anyone's
        tolls = {predicate for predicate, _ in events.values()}
        carried = {q.span for c in claims if c.predicate in tolls for q in c.quantities}
        out = []
        for q in self.quantities():
            if q.span in carried or q.unit != "people" or q.what not in events:
                continue
            predicate, mode = events[q.what]
            kind, speaker = self.modality(q.span)
            subject = self._figure_actor(q.span, claims)
            out.append(Claim(
                id="", subject=subject, predicate=predicate, object=(), sentence=self.index, mode=mode,
                evidence=Span(self.base + self.span.start_char, self.base + self.span.end_char),
                modality=kind, attributed_to=speaker, time=self._figure_time(q.span), quantities=(q,),
                citations=self.citations(), rule=f"figure.{q.what}"))
        return out

    def _figure_actor(self, span: Span, claims: list[Claim]) -> tuple[str, ...]:
        """Who a figure no claim carries is the toll of: the actor of the event that caused it ("the X raid
        resulted in the deaths of 30", `_cause_actor`), or, for a part of a toll ("two sailors were among the
        five seafarers killed by X"), the author of the claim that carries the whole."""
        tok = next((t for t in self.span if self.base + t.idx >= span.start), None)
        if tok is None:
            return ()
        found = self._cause_actor(tok)
        if found.found:
            return tuple(dict.fromkeys(r.entity for r in found.found))
        head = tok
        while head.dep_ in ("nummod", "quantmod", "compound", "amod") and head.head.i != head.i:
            head = head.head
        if head.dep_ != "nsubj" or head.head.lemma_.lower() != "be":
            return ()
        wholes = [Span(self._tok_span(g.left_edge).start, self._tok_span(g).end) for c in head.head.children
                  if c.dep_ == "prep" and c.lower_ == "among" for g in c.children if g.dep_ == "pobj"]
        for claim in claims:
            if claim.subject and any(w.contains(q.span) for q in claim.quantities for w in wholes):
                return claim.subject
        return ()

    # -- 3, 4. the claim --------------------------------------------------------------------------------

    def claims(self) -> list[Claim]:
        found = self.triggers()
        cands = [c for m in found if (c := self.candidate(m)) is not None]
        # an event that is the complement of another trigger ("reluctant to take action", "prevented X to
        # come good on") is its object, not an event of its own; what is demanded ("demanding that Mugabe
        # abandon his policy") has not happened
        heads = {m.token.i for m in found}
        demands = {m.token.i for m in found if m.pattern.predicate == "DEMAND"}
        unreal = {m.token.i for m in found if m.pattern.predicate in _words("unrealised_predicates")}
        cands = [c for c in cands if not (_complement_of(c.match, heads) and not _entailed(c.match))
                 and not _demanded(c.match, demands)
                 and not _unrealised(c.match, unreal) and not _requested(c.match) and not _conditional(c.match)]
        cands += self._obligations({m.token.i for m in found})
        # words whose own pattern already takes an "against" object ("strikes against X") need no other claim,
        # nor does a pair an act of hostility of the sentence already sets against each other
        hostile = {(a.entity, o.entity) for c in cands for a in c.subject for o in c.object
                   if c.match.pattern.predicate in _words("co_participant_predicates")}
        cands += [c for c in self._opposition({m.token.i for m in found if "prep:against" in m.pattern.object}
                                              | {m.noun.i for m in found if m.noun is not None
                                                 and "prep:against" in m.pattern.object})
                  if not all((a.entity, o.entity) in hostile for a in c.subject for o in c.object)]
        self.owned = [(c.match.token.i, self._own_span(c.match.token)) for c in cands if c.match.kind == "noun"]
        out: list[Claim] = []
        seen: set[tuple] = set()
        for c in cands:
            for claim in self.finish(c):
                key = (claim.subject, claim.predicate, claim.object, c.match.token.i)
                if key not in seen:
                    seen.add(key)
                    out.append(claim)
        # a claim without an object says nothing a fuller one of the same sentence does not ("met X and
        # discussed")
        full = {(c.subject, c.predicate) for c in out if c.object}
        return [c for c in out if c.object or (c.subject, c.predicate) not in full]

    def finish(self, c: _Cand) -> list[Claim]:
        ps = patterns()
        m, p = c.match, c.match.pattern
        types = self.mentions.types
        # "non-Afghan fighters", "non-state actors": a name after "non-" names what the argument is not
        if p is not _OPPOSED and not p.id.endswith(".name-participle"):
            c = replace(c, subject=[r for r in c.subject if not self._after_non(r.span)],
                        object=[r for r in c.object if not self._after_non(r.span)])
        place = self.places(m, {r.entity for r in c.subject + c.object})
        obj = c.object
        if p.object and not obj:
            described = [] if place or m.kind != "noun" else self.places(m, {r.entity for r in c.subject},
                                                                          descriptions=True)
            if m.kind == "noun" and place:
                obj, place = place, []
            elif described:
                # "the ISIL attack at a crowded market place": what an event noun struck, when no actor is
                # its target, is the place it hit, named or described (a description is never the claim's
                # place, but it is the target)
                obj = described
            elif p.object_required or p.relation or (m.kind == "noun" and not _attack_without_target(c)):
                return []
        if not place:
            place = self.places(m, {r.entity for r in c.subject + obj}, clause=True)
        predicate, mode = p.predicate, p.mode
        if m.kind == "light_verb" and mode is None:
            mode = _noun_mode(m.noun, predicate)
        if p.place_object and ((obj and all(types.get(r.entity) in _words("place_types") for r in obj))
                               or _place_head(m.token)):
            predicate, mode = p.place_object
        if predicate == "THREATEN" and m.token.lemma_.lower() in ps.promise_verbs:
            vowed = [c.xcomp] if c.xcomp is not None else [
                inner for x in m.token.children if x.dep_ == "xcomp" for inner in self.by_token.get(x.i, ())]
            if vowed and vowed[0].pattern.predicate in _cooperative():
                predicate, mode = "AGREE", None  # "vowed to cooperate with X": a promise, not a threat
        if predicate == "AGREE" and c.xcomp is not None:
            predicate, mode = self._readiness(m, c.xcomp, predicate, mode)
        if predicate == "THREATEN" and mode is None and c.xcomp is not None:
            mode = ps.threat_mode(c.xcomp.pattern.predicate, c.xcomp.pattern.mode)
        if predicate in rules.words("events", "ceasable_predicates") and _ceased(m):
            # "stopped fighting the rebels", "halted its attacks on X": PLOVER RETREAT/ceasefire
            predicate, mode = "RETREAT", "ceasefire"
        subject, stated = c.subject, obj  # the participants as stated, before any retyping
        negated = p.negatable and _negated(m)
        if not p.relation:
            predicate, mode, subject, obj, negated = self.retype(m, predicate, mode, subject, obj, negated)
        if {r.entity for r in subject} == {r.entity for r in obj} and obj:
            return []
        trigger = self._trigger_span(m)
        evidence = self.evidence(m, subject + obj + place)
        clause = self.clause(m)
        kind, speaker = self.modality(trigger)
        base = Claim(
            id="",
            subject=tuple(r.entity for r in subject),
            predicate=predicate,
            object=tuple(r.entity for r in obj),
            evidence=evidence,
            sentence=self.index,
            mode=mode,
            negated=negated,
            modality=kind,
            attributed_to=speaker,
            time=self.time(m, clause),
            place=tuple(dict.fromkeys(r.entity for r in place)),
            quantities=tuple(q for q in self.quantities() if clause.contains(q.span) and self._own_count(m, q)),
            citations=self.citations(),
            rule=p.id,
        )
        out = [base]
        if stated:  # a standing relation needs both ends ("waging war against X" asserts hostility to X)
            # a standing relation is a state of affairs: the act's figures are the act's, not the relation's
            out += [replace(base, predicate=rel, mode=None, subject=tuple(r.entity for r in c.subject),
                            object=tuple(r.entity for r in stated), quantities=()) for rel in p.implies]
        if base.predicate in _words("co_participant_predicates") and not negated:
            out += self._co_participants(m, base, c.subject, stated)
        return out

    def _co_participants(self, m: Match, base: Claim, subject: list[Resolved], target: list[Resolved]) -> list[Claim]:
        """ALLIED_WITH between the co-authors of a hostile act ("A and B attacked C") and with a partner
        named by "alongside"/"beside" ("fought C alongside B") or backed for the act ("stands by B to defeat
        C": `_backed_partner`); rule `allied-with.co-participants`."""
        partners = self.resolve(_partner_tokens(m))
        partners += [r for r in self._backed_partner(m) if all(r.entity != p.entity for p in partners)]
        enemies = {r.entity for r in target}
        actors = [r for r in subject if self.mentions.types.get(r.entity) not in _words("place_types")]
        out = []
        side = list({r.entity: r for r in actors + partners if r.entity not in enemies}.values())
        # every pair of the side: "A, B and C launched the offensive" allies B with C as well as with A
        for i, one in enumerate(side):
            for other in side[i + 1:]:
                out.append(replace(base, predicate="ALLIED_WITH", mode=None, subject=(one.entity,),
                                   object=(other.entity,), quantities=(), rule="allied-with.co-participants"))
        if actors and base.object:
            # "fought X alongside Y", "struck X as part of the coalition Y": Y acts against X too
            out += [replace(base, subject=(p.entity,), rule="partner.co-participants") for p in partners
                    if p.entity not in enemies and all(p.entity != a.entity for a in actors)]
        return out

    def _backed_partner(self, m: Match) -> list[Resolved]:
        """"X stands by Y to defeat Z", "X backs Y to drive out Z": whom a backing verb (`backing_predicates`)
        backs is a partner in the act of its purpose infinitive."""
        verb = m.token
        if m.kind != "verb" or verb.dep_ not in ("xcomp", "advcl") or verb.head.i == verb.i \
                or not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            return []
        for x in self.by_token.get(verb.head.i, ()):
            if x.pattern.predicate in _words("backing_predicates"):
                return self.fill(x, x.pattern.object).found
        return []

    @staticmethod
    def _readiness(m: Match, act: Match, predicate: str, mode: str | None) -> tuple[str, str | None]:
        """A readiness, plan or promise whose complement is a hostile act is a threat, as
        `retype.future-conflict` codes the act itself ("said it was ready to attack the rebels", "promised
        to strike back"): the trigger's word is one of that rule's markers, the act of one of its types."""
        rule = next((r for r in patterns().retype if r.id == "retype.future-conflict"), None)
        words = {m.token.lemma_.lower(), m.token.lower_}
        if rule is None or not words & rule.markers or act.pattern.predicate not in rule.sources:
            return predicate, mode
        return "THREATEN", patterns().threat_mode(act.pattern.predicate, act.pattern.mode)

    def retype(self, m: Match, predicate: str, mode: str | None, subject: list[Resolved], obj: list[Resolved],
               negated: bool):
        """The PLOVER retyping rules (`retype` in events.yaml), first that applies: (predicate, mode,
        subject, object, negated)."""
        ps = patterns()
        verb = m.token
        marks = _markers(verb)
        conditions = _conditions(verb)
        for rule in ps.retype:
            if predicate not in rule.sources or (rule.patterns and m.pattern.id not in rule.patterns):
                continue
            if rule.negated != negated and rule.negated:
                continue
            if rule.markers and not marks & rule.markers:
                continue
            if not rule.markers and not rule.negated:
                continue
            if rule.conditions and not conditions & rule.conditions:
                continue
            if rule.to == "DEMAND":
                speaker = self._speaker_of(verb)
                if not speaker:
                    continue  # the author's own "must": an opinion, kept as the event
                return "DEMAND", None, speaker, subject, negated
            still = negated and not rule.negated
            if rule.to == "THREATEN":
                return "THREATEN", rule.mode or ps.threat_mode(predicate, mode), subject, obj, still
            if still and rule.to != predicate and any(r.negated and rule.to in r.sources for r in ps.retype):
                # "would not cooperate with X", "will never negotiate": a cooperation refused is a refusal
                return self.retype(m, rule.to, None, subject, obj, still)
            return rule.to, None, subject, obj, still
        return predicate, mode, subject, obj, negated

    def _speaker_of(self, verb) -> list[Resolved]:
        """The speaker of the clause a verb is in ("X said / declared / concluded that Y must ..."), resolved."""
        t = verb
        for _ in range(4):
            if t.dep_ == "conj" and t.head.i != t.i:
                t = t.head
                continue
            if t.dep_ != "ccomp" or t.head.i == t.i:
                return []
            return self.resolve(subject_of(t.head))
        return []

    def _after_non(self, span: Span) -> bool:
        """Is the name preceded by "non-" or an opponent prefix ("anti-", "counter-"), or followed by a
        hyphenated participle ("Iranian-backed")? It names what the argument is not, what it is against or who
        backs it: "the counter-ISIL coalition" is not ISIL, "Iranian-backed militias" are not Iran."""
        text = self.doc.text
        return bool(_NON.search(text, max(0, span.start - 4), span.start)) or modifier_name(text, span.start,
                                                                                           span.end)

    def places(self, m: Match, taken: set[str], clause: bool = False, descriptions: bool = False) -> list[Resolved]:
        """The places of a claim: locative phrases of its trigger and of its arguments; with `clause`, else
        one anywhere in the trigger's clause ("an attack on a ship in the gulf resulted in two deaths").
        descriptions: described places count too ("at a crowded market place")."""
        types = self.mentions.types
        hosts = [m.token] + ([m.noun] if m.noun is not None else [])
        if m.token.dep_ == "advcl" and m.token.tag_ == "VBG" and m.token.head.pos_ in VERBAL:
            hosts.append(m.token.head)  # "exploded in the market of Bannu, killing 14": where the killing was
        out: list[Resolved] = []

        def take(prep, kinds: frozenset[str] | None) -> None:
            objs = [g for g in prep.children if g.dep_ == "pobj"]
            for r in self.resolve(objs):
                t = types.get(r.entity)
                if r.entity in taken or any(o.entity == r.entity for o in out):
                    continue
                row = self.mentions.at(r.span.start, r.span.end)
                if row is not None and row[3] == "common" and not descriptions:
                    continue  # "in a crowded market": a description, no place to group or query by
                if t in _words("place_types") or (kinds is None and t == "state"):
                    out.append(r)

        for host in hosts:
            for c in attached(host):
                if c.dep_ == "prep" and c.lower_ in _words("locative_preps"):
                    take(c, None)
        # "against the Pakistani army in Baluchistan": a place named inside an argument's phrase
        for host in hosts:
            for c in host.children:
                if c.dep_ in ("dobj", "nsubj", "nsubjpass", "prep", "agent"):
                    for arg in ([c] if c.dep_ in ("dobj", "nsubj", "nsubjpass")
                                else [g for g in c.children if g.dep_ == "pobj"]):
                        for prep in arg.children:
                            if prep.dep_ == "prep" and prep.lower_ in _words("locative_preps"):
                                take(prep, _words("place_types"))
        if clause and not out:  # a place named anywhere in the trigger's own clause belongs to the claim
            for prep in _clause_preps(_clause_head(m.token)):
                take(prep, _words("place_types"))
        return out

    def _own_count(self, m: Match, q) -> bool:
        """Is a figure of the trigger's clause the claim's? A count of people or money is (a toll in a clause on
        the trigger's is the act's: "opened fire, killing 26"); a count of things is not when it stands in a
        clause of its own below the trigger's: "fought gun battles ... as they swooped in to free the captives
        from two buildings" (the buildings are the freeing's)."""
        if q.unit == "people" or q.what == "money":
            return True
        tok = next((t for t in self.span if self.base + t.idx < q.span.end <= self.base + t.idx + len(t)), None)
        top = _clause_head(m.token) if m.kind == "noun" else m.token
        while tok is not None and tok.i != top.i and tok.head.i != tok.i:
            if tok.dep_ in _words("other_clause_deps") and tok.pos_ in VERBAL and top.is_ancestor(tok):
                return False
            tok = tok.head
        return True

    # -- spans ------------------------------------------------------------------------------------------

    def _tok_span(self, tok) -> Span:
        return Span(self.base + tok.idx, self.base + tok.idx + len(tok.text))

    def _trigger_span(self, m: Match) -> Span:
        spans = [self._tok_span(m.token)] + ([self._tok_span(m.noun)] if m.noun is not None else [])
        return Span(min(s.start for s in spans), max(s.end for s in spans))

    def evidence(self, m: Match, args: list[Resolved]) -> Span:
        spans = [self._trigger_span(m)] + [r.span for r in args] + self._antecedents(args)
        if m.kind == "noun":
            spans.append(self._tok_span(m.token.left_edge))
        start = max(self.start, min(s.start for s in spans))
        end = min(self.end, max(s.end for s in spans))
        return Span(start, max(start, end))

    def _antecedents(self, args: list[Resolved]) -> list[Span]:
        """For an argument named by a pronoun or a reference back ("the Iraqi people ... as they confront X"),
        the mention of its entity it refers back to when that stands earlier in the same sentence: the
        evidence then shows who "they" are."""
        out = []
        for r in args:
            row = self.mentions.at(r.span.start, r.span.end)
            if row is None or row[3] not in ("pronoun", "coreference"):
                continue
            before = [x for x in self.mentions.rows
                      if x[2] == r.entity and self.start <= x[0] and x[1] <= r.span.start
                      and x[3] not in ("pronoun", "coreference")]
            if before:
                out.append(Span(before[-1][0], before[-1][1]))
        return out

    def clause(self, m: Match) -> Span:
        """The clause of the trigger: the subtree of its verb (the whole sentence for the main verb)."""
        t = m.token
        while t.pos_ not in VERBAL and t.head.i != t.i:
            t = t.head
        if t.head.i == t.i:
            return Span(self.start, self.end)
        if (t is m.token and t.dep_ == "acl" and t.tag_ == "VBN" and t.head.pos_ in ("NOUN", "PROPN", "NUM")
                and m.pattern.predicate in _words("counted_events")):
            t = t.head  # "the five seafarers killed by X": the toll is the noun the participle modifies
        first, last = t.left_edge, t.right_edge
        return Span(self._tok_span(first).start, self._tok_span(last).end)

    # -- per-sentence facts, computed once and only for sentences that make claims -------------------------

    def _own_span(self, noun) -> Span:
        """An event noun's phrase without its conjuncts: the times inside it are that event's."""
        last = noun
        for c in noun.children:
            if c.i > noun.i and c.dep_ not in ("conj", "cc", "punct", "appos", "acl", "relcl"):
                last = c.right_edge if c.right_edge.i > last.i else last
        return Span(self._tok_span(noun.left_edge).start, self._tok_span(last).end)

    def time(self, m: Match, clause: Span):
        """The time of the trigger's clause (else of the sentence), leaving out the times that belong to
        another event noun's phrase ("the reinstatement ... in 2021, and numerous forays")."""
        here = self._tok_span(m.token)
        times = [t for t in self._times()
                 if not any(i != m.token.i and o.contains(t.span) and not o.contains(here) for i, o in self.owned)]
        inside = [t for t in times if clause.contains(t.span)]
        if inside:
            return timex.claim_time(inside)
        told = self.told_times(m.token)
        return timex.claim_time([t for t in times if t in told and not self._when_said(m.token, t)])

    def _token_at(self, span: Span):
        """The first token of the sentence that overlaps a document span (None when there is none)."""
        return next((tok for tok in self.span
                     if self.base + tok.idx < span.end and span.start < self.base + tok.idx + len(tok)), None)

    def told_times(self, trigger=None) -> list[TimeExpression]:
        """The sentence's times less those that date the telling, not the told: a time of a reporting verb
        whose complement holds the trigger (any complement with no trigger): "the ministry on Thursday
        confirmed that two crew were among those killed", "X said in a statement Sunday that 20 died" (the
        report's day, not the deaths'). "X accused Y on Monday" keeps Monday: the accusing is the claim. A
        time fronted before the teller frames the whole sentence and stays ("On May 3, X reported that 52
        were killed")."""
        out = []
        for t in self._times():
            last = self._token_at(Span(t.span.end - 1, t.span.end))
            verb = last.head if last is not None else None
            while verb is not None and verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
                verb = verb.head
            telling = verb is not None and modality.relays(verb) and (
                any(c.dep_ in ("ccomp", "xcomp", "parataxis") for c in verb.children) if trigger is None
                else verb.i != trigger.i and verb.left_edge.i <= trigger.i <= verb.right_edge.i)
            if telling and last.i < min((c.left_edge.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")),
                                        default=-1):
                telling = False  # fronted, before the teller: it frames the whole sentence ("On May 3, X said")
            if not telling:
                out.append(t)
        return out

    def _figure_time(self, span: Span):
        """A figure claim's time: the sentence's, less the day of a telling (`told_times`) and the day a running
        toll was told (`_when_said`)."""
        token = next((tok for tok in self.span if self._tok_span(tok).start >= span.start), None)
        times = self.told_times(token)
        if token is not None:
            times = [t for t in times if not self._when_said(token, t)]
        return timex.claim_time(times)

    def _when_said(self, token, t) -> bool:
        """Is the time `t` when a speaker told a running toll, not when its deaths happened ("the army
        confirmed on Saturday that the death toll rose to 64": Saturday is the day of the update; the deaths
        may be Friday's)? The trigger's clause is the complement of a reporting verb (modality.yaml
        `reporting`), its subject a toll noun (quantities.yaml `tolls`), and the time hangs on the reporting
        verb, directly or by its preposition. Not other figures: "On March 3, the council reported that 96
        were killed" most often tells the day of the deaths too."""
        while token.dep_ != "ccomp" and token.head.i != token.i:
            token = token.head
        verb = token.head
        if token.dep_ != "ccomp" or not modality.is_reporting_verb(verb.lemma_.lower()):
            return False
        if not any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in quantities.toll_nouns()
                   for c in token.children):
            return False
        for tok in self.span:
            if t.span.contains(self._tok_span(tok)) and tok.head.i != tok.i:
                head = tok.head
                if head.i == verb.i or (head.dep_ == "prep" and head.head.i == verb.i):
                    return True
        return False

    def _times(self):
        if not hasattr(self, "_t"):
            here = self.base + self.span.start_char
            self._t = timex.find_times(self.span, self.base, self.doc.anchor_date(here), self.doc.anchor_last(here))
        return self._t

    def quantities(self):
        if not hasattr(self, "_q"):
            self._q = quantities.find_quantities(self.span, self.base)
        return self._q

    def modality(self, trigger: Span) -> tuple[str, str | None]:
        if self._modality is None:
            self._modality = modality.classify(self.span, self.base)
        result = self._modality
        # `quote` is set whenever a quotation overlaps the sentence; only then can the trigger be inside one
        if result.quote is not None and modality.in_quote(self.span, self.base, trigger):
            kind = "quoted"
        elif result.kind == "quoted":
            kind = "reported" if result.speaker is not None else "asserted"
        else:
            kind = result.kind
        speaker = None
        if kind in ("quoted", "reported") and result.speaker is not None:
            speaker = self._attribution(result.speaker)
        return kind, speaker

    def _attribution(self, span: Span) -> str:
        """The entity the speaker's phrase names (the mention at its end: the head of the phrase), else its
        text."""
        text = self.doc.text
        end = span.end
        while end > span.start and not text[end - 1].isalnum():
            end -= 1
        row = self.mentions.at(end - 1, end) if end > span.start else None
        if row is None or row[0] < span.start:
            rows = [r for r in self.mentions.rows if span.start <= r[0] and r[1] <= span.end]
            row = rows[-1] if rows else None
        return row[2] if row is not None else span.of(text)

    def citations(self) -> tuple[str, ...]:
        return self.cited


def _own_subject(m: Match, tokens: list, controls=None) -> bool:
    """Is the subject the trigger's own (its subject, its copula's, its controller's as an open complement or
    an infinitive of purpose, its first conjunct's), not one borrowed by an adjunct ("put pressure on Tehran
    to abandon ...": who abandons is Tehran)? Claims without an object need one. `controls(verb, i)`: does
    an object of the verb before word i name an actor (then a purpose clause may be that actor's)?"""
    word = m.token
    heads = {word.i}
    t = word
    for _ in range(4):
        if t.dep_ == "pcomp" and t.head.dep_ == "prep":  # "resorted to throwing stones"
            t = t.head
        elif (adjunct := _controlled_adjunct(t)) and not all(tok.pos_ == "PRON" for tok in tokens) and (
                adjunct == "participle" or (controls is not None and not controls(t.head, t.i))):
            # "took steps to expand freedoms", "raided the camp, arresting ten": the main clause's subject (named:
            # a pronoun's antecedent guessed and then lent through the clause is too weak)
            pass
        elif t.dep_ not in ("acomp", "attr", "xcomp", "conj") or t.head.i == t.i:
            break
        t = t.head
        heads.add(t.i)
    # a casualty's by-phrase names its author ("the five seafarers killed in the attack by X"); not every
    # participle's ("a massacre committed by X" is no promise of X's)
    # and the object of the trigger's own passive by-phrase ("was condemned by X")
    agent = m.pattern.predicate in _words("counted_events") or any(c.dep_ == "auxpass" for c in word.children)
    return any(tok.head.i in heads or tok.i == word.head.i
               or (agent and tok.head.dep_ == "agent" and tok.head.head.i in heads) for tok in tokens)


def _controlled_adjunct(verb) -> str | None:
    """Is the verb an adverbial clause with no subject of its own, which English controls from its main
    clause's subject: an infinitive of purpose ("took steps to expand freedoms": 'infinitive') or a
    participle ("stormed the camp, arresting twelve", "after throwing stones": 'participle')? None if not."""
    if (verb.dep_ != "advcl" or verb.head.i == verb.i or verb.head.pos_ not in VERBAL
            or any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children)):
        return None
    head = verb.head
    if any(c.dep_ == "aux" and c.tag_ == "MD" for c in head.children) or any(
            p.predicate in _words("unrealised_predicates") for p in patterns().verbs.get(head.lemma_.lower(), ())) \
            or head.lemma_.lower() in patterns().request_verbs:
        return None  # "must take steps to ...", "called for reforms to ...": what it is for has not happened
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return "infinitive"
    return "participle" if verb.tag_ == "VBG" else None


@functools.cache
def _carries() -> re.Pattern:
    """Openings that go on with the figures of the sentence before ("Among the dead were ...": the
    `attribution_carries` of audit.yaml, which the audit's `claim.uncited_figure` reads the same way)."""
    cues = sorted(rules.load("audit").get("attribution_carries") or [], key=len, reverse=True)
    if not cues:
        return re.compile("(?!)")
    return re.compile(r"^\W*(?:" + "|".join(map(re.escape, cues)) + r")\b", re.IGNORECASE)


def _carried_speaker(doc: Document, index: int, told: tuple[int, str] | None) -> str | None:
    """A source named once for the figures that follow: "Data from the monitoring group showed ... Among the
    dead were 40 children" -> the second sentence's figures are the group's too. Only the very next sentence of
    the same paragraph, and only when it opens by going on with the figures (`_carries`)."""
    if told is None or told[0] != index - 1 or index == 0:
        return None
    if doc.sentences[index].paragraph != doc.sentences[index - 1].paragraph:
        return None
    return told[1] if _carries().search(doc.sentences[index].span.of(doc.text)) else None


@functools.cache
def _toll_nouns() -> frozenset[str]:
    """The nouns of a toll (`tolls` in quantities.yaml: "the death toll rose to 64")."""
    return frozenset((rules.load("quantities").get("tolls") or {}).get("nouns") or ())


def _attack_without_target(c: _Cand) -> bool:
    """An attack whose author its own phrase names is a claim even with no target named ("the assault, carried
    out by X, included heavy shelling", "X's offensive", "Russia's aggression"): a counted event (`counted_events`)
    whose subject comes from the noun's possessive, by-phrase, demonym or reduced relative, not from the clause
    around it ("civilians died in the attack": the clause's subject is the victim). So is an act that has no
    target by nature (`targetless_predicates`: "Kenyan protests continued", "the Ugandan withdrawal was
    completed"). Other event nouns need their object."""
    return bool(c.subject) and c.named and c.match.pattern.predicate in (
        _words("counted_events") | _words("targetless_predicates"))


def _spanned(tok) -> list:
    """The token, and for a noun that stretches an event over time or number ("two days of attacks", "a wave
    of strikes": `event_spans`) the event in its "of" phrase."""
    out = [tok]
    if tok.lemma_.lower() in _words("event_spans"):
        out += [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                for g in c.children if g.dep_ == "pobj"]
    return out


def _cause_phrase(prep, depth: int = 0) -> list:
    """The nouns of a causal phrase: the object of "in"/"during"/"from" ..., through "as a result of", "in the
    wake of" (`cause_links`) and "because of", "due to" (a preposition under a preposition)."""
    out = []
    for c in prep.children:
        if c.dep_ == "pobj":
            if c.lemma_.lower() in _words("cause_links") and depth < 2:
                out += [n for g in c.children if g.dep_ == "prep" and g.lower_ == "of"
                        for n in _cause_phrase(g, depth + 1)]
            else:
                out += _spanned(c)
        elif c.dep_ in ("prep", "pcomp") and depth < 2:
            out += _cause_phrase(c, depth + 1)
    return out


def _coordinated(verb) -> list:
    """A casualty verb and those coordinated with it, which share the phrase that gives their cause: "64 people
    had been killed and 17 others wounded as a result of X's assault"; "32 people were killed and 63 others
    injured in an attack by X", where the second verb, its auxiliary left out, is parsed as a participle on a
    noun conjoined to the first."""
    verbs = [verb] + [c for c in verb.children if c.dep_ == "conj" and c.pos_ in VERBAL]
    if verb.dep_ == "conj" and verb.head.pos_ in VERBAL:
        verbs.append(verb.head)
    verbs += [a for c in verb.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "NUM")
              for a in c.children if a.dep_ == "acl" and a.tag_ == "VBN"]
    return verbs


def _casualty_verb(tok):
    """The verb a casualty word or figure belongs to: the word itself, or the verb up its noun phrase ("30"
    in "the raid resulted in the deaths of 30"); None when there is none."""
    verb = tok
    steps = 0
    while verb.pos_ not in VERBAL and verb.head.i != verb.i and steps < 6 and verb.dep_ in (
            "nummod", "quantmod", "advmod", "compound", "pobj", "prep", "dobj", "nsubj", "nsubjpass", "npadvmod",
            "amod", "appos", "attr", "oprd", "conj"):
        verb, steps = verb.head, steps + 1
    return verb if verb.pos_ in VERBAL else None


def _cause_clauses(tok) -> list:
    """The verbs of the clauses of time on a casualty verb (or its coordinated verbs): "killed when a jet
    bombed the village", "died after gunmen stormed the hotel" (`cause_marks` in roles.yaml)."""
    verb = _casualty_verb(tok)
    if verb is None:
        return []
    return [c for v in _coordinated(verb) for c in v.children if c.dep_ == "advcl" and c.pos_ in VERBAL
            and any(g.dep_ in ("mark", "advmod") and g.lower_ in _words("cause_marks") and g.i < c.i
                    for g in c.children)]


def _cause_nouns(tok) -> list:
    """Nouns that may name the event causing a casualty. From a verb ("killed", "died"): its causal phrases
    (`cause_preps`) and agent ("killed by X strikes"). From a figure's number: up its noun phrase to the verb
    whose object or phrase it is; a verb of causing (`cause_verbs`: "the raid resulted in the deaths of 30",
    "the strike left 12 dead") gives its subject, any other verb its causal phrases ("30 died in the raid")."""
    verb = _casualty_verb(tok)
    if verb is None:
        return []
    out = []
    if verb.i != tok.i and verb.lemma_.lower() in _words("cause_verbs"):
        for subj in (c for c in verb.children if c.dep_ == "nsubj"):
            out += _spanned(subj)
    for subj in (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")):
        if subj.lemma_.lower() in _toll_nouns():  # "the death toll from X's attack rose to 64"
            out += [n for c in subj.children if c.dep_ == "prep" and c.lower_ in _words("cause_preps") | {"of"}
                    for n in _cause_phrase(c)]
    for v in _coordinated(verb):
        for c in v.children:
            if c.dep_ in ("prep", "agent") and c.lower_ in _words("cause_preps") | {"by"}:
                out += _cause_phrase(c)
    return out


def _partner_tokens(m: Match) -> list:
    """Who takes part in the act beside its subject: the object of "alongside"/"beside"/"together with"
    (`alongside_preps`), of "as part of"/"as a member of" (`partner_heads`) or of "in support of"
    (`support_heads`) on the trigger, its noun (or the noun's participle: "strikes coordinated with and in
    support of Y"), or a verb whose complement or adjunct the trigger is ("is working as part of the
    coalition to defeat X")."""
    hosts = [t for t in (m.token, m.noun) if t is not None]
    t = m.token
    for _ in range(3):
        if t.dep_ not in ("xcomp", "advcl", "conj") or t.head.i == t.i:
            break
        t = t.head
        hosts.append(t)
    # "conducted strikes coordinated with and in support of Y": the phrase hangs off the strikes' participle
    hosts += [a for h in hosts for a in h.children if a.dep_ == "acl" and a.tag_ == "VBN"]
    out = []
    for host in hosts:
        # a preposition coordinated with another ("with and in support of Y") is the host's phrase too
        for c in [*host.children, *(g for p in host.children if p.dep_ == "prep" for g in p.children
                                    if g.dep_ == "conj" and g.pos_ == "ADP")]:
            if c.dep_ == "advmod" and c.lower_ == "together":
                c = next((g for g in c.children if g.dep_ == "prep" and g.lower_ == "with"), c)
            if c.dep_ not in ("prep", "conj"):
                continue
            objs = [g for g in c.children if g.dep_ == "pobj"]
            together = c.head.lower_ == "together" or any(g.lower_ == "together" for g in c.children)
            if c.lower_ in _words("alongside_preps") or (c.lower_ == "with" and together):
                out += objs
            elif c.lower_ == "as":
                out += [g for o in objs if o.lemma_.lower() in _words("partner_heads") for p in o.children
                        if p.dep_ == "prep" and p.lower_ == "of" for g in p.children if g.dep_ == "pobj"]
            elif c.lower_ == "in":  # "struck X in support of Y": Y is the side the act is for
                out += [g for o in objs if o.lemma_.lower() in _words("support_heads") for p in o.children
                        if p.dep_ == "prep" and p.lower_ == "of" for g in p.children if g.dep_ == "pobj"]
    return out


@functools.cache
def _participle_pattern(predicate: str) -> Pattern:
    """The pattern of a claim made by a name's hyphenated participle ("US-backed"): a standing relation."""
    return Pattern(id=f"{predicate.lower().replace('_', '-')}.name-participle", kind="noun", predicate=predicate,
                   mode=None, subject=("compound",), object=(), lemmas=frozenset(), relation=True)


def _children_of(tok, *deps: str) -> list:
    return [c for c in tok.children if c.dep_ in deps]


def _kind(m: Match) -> str:
    return m.kind


def _unrealised(m: Match, heads: set[int]) -> bool:
    """Is the event noun what a refusal, demand or threat is about ("dismissed an appeal", "reneged on his
    commitment", "rejected an invitation to attend a meeting")? It has not happened: the verb's object, not a
    claim of its own. Followed through one "of"/"to" phrase ("rejected an invitation to the meeting"). So is a
    gerund in a preposition phrase of such a verb ("warned X against sending troops", "refrained from")."""
    tok = m.token
    if m.kind != "noun":
        return (m.kind in ("verb", "light_verb") and tok.tag_ == "VBG" and tok.dep_ == "pcomp"
                and tok.head.dep_ == "prep" and tok.head.head.i in heads)
    for _ in range(3):
        if tok.dep_ in ("dobj", "nsubjpass") and tok.head.i in heads:
            return True
        if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.head.i in heads:
            return True
        if tok.dep_ not in ("pobj", "prep", "acl", "xcomp", "dobj") or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


@functools.cache
def _cooperative() -> frozenset[str]:
    """AGREE and the types `retype.future-cooperation` turns into AGREE: what a promise can promise."""
    rule = next((r for r in patterns().retype if r.id == "retype.future-cooperation"), None)
    return frozenset({"AGREE"} | (rule.sources if rule else frozenset()))


def _conditional(m: Match) -> bool:
    """Is the event only the condition of another ("... if Uganda does not withdraw", "unless it releases the
    prisoners")? It has not happened. The subordinators are those of `retype.conditional-threat`."""
    rule = next((r for r in patterns().retype if r.conditions), None)
    if rule is None:
        return False
    tok = _clause_head(m.token) if m.kind == "noun" else m.token
    for _ in range(3):
        if tok.dep_ == "advcl" and tok.head.i != tok.i:
            return any(c.dep_ == "mark" and c.lower_ in rule.conditions for c in tok.children)
        if tok.dep_ not in ("conj", "xcomp", "ccomp") or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _ceased(m: Match) -> bool:
    """Is the act what a verb of stopping stops ("stopped fighting", "halted its attacks on X",
    `cessation_verbs` in events.yaml)? Then it is a halt, not the act."""
    tok = m.token
    head = tok.head
    if head.i == tok.i or head.lemma_.lower() not in rules.words("events", "cessation_verbs"):
        return False
    if any(c.dep_ == "neg" for c in head.children):
        return False  # "vowed not to halt the strikes": the strikes go on
    return tok.dep_ in ("xcomp", "dobj", "nsubjpass") or (tok.dep_ == "pcomp" and tok.tag_ == "VBG")


def _requested(m: Match) -> bool:
    """Is the event what a verb of asking asks for ("asked Togo to extradite the suspects")?"""
    tok = m.token
    return (tok.dep_ in ("xcomp", "ccomp") and tok.head.i != tok.i
            and tok.head.lemma_.lower() in patterns().request_verbs)


def _demanded(m: Match, demands: set[int]) -> bool:
    """Is the event the content of a demand ("demanding that the government provide ...")?"""
    tok = m.token
    return tok.dep_ in ("ccomp", "xcomp", "acl") and tok.head.i in demands


def _complement_of(m: Match, heads: set[int]) -> bool:
    """Is the match's word the open complement of another trigger ("refused to meet", "its willingness to
    negotiate"; not a participle: "militants attacking the base")?"""
    tok = m.token
    if tok.head.i not in heads or tok.head.i == tok.i or tok.pos_ not in VERBAL:
        return False
    return tok.dep_ == "xcomp" or (tok.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to"
                                                             for c in tok.children))


def _entailed(m: Match) -> bool:
    """Is the match the complement of a verb that entails it ("helped Kenya to build", "forced the rebels to
    withdraw"; `implicative_verbs` in roles.yaml), said as done (not negated, not counterfactual)? Then it
    happened: an event of its own besides the helping or forcing."""
    head = m.token.head
    return (m.token.dep_ == "xcomp" and head.i != m.token.i and head.lemma_.lower() in _words("implicative_verbs")
            and not _unreal_verb(head))


def _noun_mode(noun, predicate: str) -> str | None:
    """A light verb without a mode takes its noun's ("carried out airstrikes" -> aerial)."""
    best: Pattern | None = None
    for p in patterns().nouns.get(noun.lemma_.lower(), ()):
        if (p.predicate == predicate and p.mode and requirements_met(p, noun)
                and (best is None or p.specificity > best.specificity)):
            best = p
    return best.mode if best else None


def _unreal_verb(verb) -> bool:
    """Is the verb negated or a counterfactual ("did not begin", "could have stopped the attack")? Then it lends
    no actor to the event it governs: who would have acted is no claim of who did (class 8, polarity)."""
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux & _words("counterfactual_modals") and "have" in aux and verb.tag_ == "VBN":
        return True
    return any(c.dep_ == "neg" or c.lower_ == "never" for c in verb.children)


def _negated(m: Match) -> bool:
    tokens = [m.token] + ([m.noun] if m.noun is not None else [])
    if m.kind in ("adjective", "noun") and m.token.dep_ in ("acomp", "attr"):
        tokens.append(m.token.head)
    for t in tokens:
        aux = {c.lower_ for c in t.children if c.dep_ in ("aux", "auxpass")}
        if aux & _words("counterfactual_modals") and "have" in aux and t.tag_ == "VBN":
            return True  # "should have protected them (but did not)": a counterfactual, not an event
        for c in t.children:
            word = c.lower_
            if c.dep_ == "neg" or word == "never":
                return True
            if c.dep_ in ("dobj", "pobj", "attr") and word in _words("nothing_objects"):
                return True  # "has done nothing for us"
            if word == "longer" and any(g.lower_ == "no" for g in c.children):
                return True
            if c.dep_ == "det" and word == "no" and t.pos_ in ("NOUN", "PROPN"):
                return True
    return False


def _markers(verb) -> set[str]:
    """Auxiliaries and modals of the event verb, and the verb or adjective whose complement it is."""
    out: set[str] = set()

    def aux_of(t) -> None:
        out.update(w for c in t.children if c.dep_ in ("aux", "auxpass") for w in (c.lemma_.lower(), c.lower_))

    aux_of(verb)
    if verb.dep_ == "acomp":
        aux_of(verb.head)
    if verb.dep_ == "xcomp" and verb.head.i != verb.i:
        head = verb.head
        out.update((head.lemma_.lower(), head.lower_))
        aux_of(head)
        if head.dep_ == "acomp":
            aux_of(head.head)
    return out


def _conditions(verb) -> set[str]:
    """The subordinators of the conditional clauses on the event verb or on the verb or adjective whose
    complement it is ("will withdraw its force unless ...", "is prepared to impose sanctions if ...")."""
    hosts = [verb]
    t = verb
    for _ in range(2):
        if t.dep_ not in ("xcomp", "acomp", "ccomp") or t.head.i == t.i:
            break
        t = t.head
        hosts.append(t)
    return {g.lower_ for h in hosts for c in h.children if c.dep_ == "advcl"
            for g in c.children if g.dep_ == "mark"}


def _sentence_spans(doc: Document):
    """(index, spaCy Span, paragraph base) of every body sentence."""
    for i, s in enumerate(doc.sentences):
        para = doc.paragraphs[s.paragraph]
        pdoc = doc.parsed[s.paragraph]
        span = pdoc.char_span(s.span.start - para.start, s.span.end - para.start, alignment_mode="expand")
        if span is not None and len(span):
            yield i, span, para.start


#: A claim whose sentence states no time takes the time of an earlier sentence of its paragraph when that
#: time is a day or a few ("yesterday", "on Friday", "June 25"): news writing states the when once, in the
#: lead. Longer periods ("in 2024", "the 90s") frame an op-ed's argument and are not passed on. A week covers
#: "last week"; calibrated on the ISAF dev releases, whose detail sentences rarely repeat the day.
LEAD_DAYS = 7


@functools.cache
def _figure_events() -> dict[str, tuple[str, str | None]]:
    return {k: (v[0], v[1]) for k, v in (rules.load("quantities").get("figure_events") or {}).items()}


@functools.cache
def _event_nouns() -> frozenset[str]:
    """Nouns that name an event (data/events.yaml `nouns` of event patterns, not of relations: "attack",
    "raid", not "commander")."""
    return frozenset(k for k, ps in patterns().nouns.items() if any(not p.relation for p in ps))


def _same_event_verb(span):
    """The verb of a sentence that goes on about the event of the one before, or None. Its subject points back
    at it: a pronoun ("It took place on March 3") or a definite event noun ("The attack happened on March 3",
    "This raid ...", with "the"/"this"/"that")."""
    for tok in span:  # the first subject: the main clause's, or its reported clause's ("..., residents said")
        if tok.dep_ not in ("nsubj", "nsubjpass"):
            continue
        pointers = rules.words("timex", "same_event_pronouns")
        back = tok.lower_ in pointers or (
            tok.pos_ == "NOUN" and tok.lemma_.lower() in _event_nouns()
            and any(c.dep_ == "det" and c.lower_ in rules.words("timex", "same_event_determiners")
                    for c in tok.children))
        return tok.head if back else None
    return None


def _dates_verb(tok, verb) -> bool:
    """Is the token (of a date) part of the verb's own phrase: up the tree to the verb without passing another
    verb or a noun's clause ("... a commander detained by the force July 3" dates the detention, not the
    sentence's verb)?"""
    while tok.i != verb.i:
        if tok.head.i == tok.i or (tok.pos_ in ("VERB", "AUX") and tok.dep_ != "aux"):
            return False
        tok = tok.head
    return True


def _next_sentence_day(doc: Document, span, base: int) -> TimeExpression | None:
    """The day a sentence states ("on 3 March", "on 3 March 2024": a calendar date, not "yesterday") for the
    event of the sentence before, when it goes on about that event (`_same_event_verb`) and the day is its
    verb's: "Gunmen killed 12 villagers yesterday. The attack took place on 3 March, residents said." A day
    after the document's date is no such day."""
    verb = _same_event_verb(span)
    if verb is None:
        return None
    here = base + span.start_char
    latest = doc.anchor_last(here)
    for t in timex.find_times(span, base, doc.anchor_date(here), latest):
        if ((not t.relative or t.calendar) and t.start is not None and t.end is not None
                and (t.end - t.start).days <= LEAD_DAYS and (latest is None or t.end <= latest)):
            tokens = [tok for tok in span if t.span.start <= base + tok.idx < t.span.end]
            if tokens and _dates_verb(tokens[-1], verb):
                return t
    return None


def _near(relative: TimeExpression, day: TimeExpression) -> bool:
    """A relative time of a month at most ("yesterday", "last week", "on Tuesday" in a report dated to a month)
    that an explicit day within `LEAD_DAYS` of it may replace; "in the past five years" is not one event's."""
    if relative.start is None or relative.end is None or (relative.end - relative.start).days > 31:
        return False
    return (relative.start - day.end).days <= LEAD_DAYS and (day.start - relative.end).days <= LEAD_DAYS


def extract_claims(doc: Document) -> None:
    """The claims stage: set `doc.claims`."""
    mentions = Mentions(doc.entities)
    cited: dict[int, list[str]] = defaultdict(list)
    for c in doc.citations:
        if c.sentence is not None and c.label not in cited[c.sentence]:
            cited[c.sentence].append(c.label)
    found: list[Claim] = []
    lead: dict[int, TimeExpression] = {}  # paragraph -> the latest news-style time stated in it so far
    told: tuple[int, str] | None = None  # (sentence, speaker) of the latest sentence whose claims are reported
    spans = list(_sentence_spans(doc))
    for k, (index, span, base) in enumerate(spans):
        sentence = _Sentence(doc, index, span, base, mentions, tuple(cited.get(index, ())))
        paragraph = doc.sentences[index].paragraph
        claims = sentence.claims()
        carried = _carried_speaker(doc, index, told)
        day = None  # an explicit day in the next sentence, for the same event, beats "yesterday" of this one
        for claim in claims + sentence.figure_claims(claims):
            if claim.time is not None and claim.time.relative:
                if day is None and k + 1 < len(spans) and doc.sentences[spans[k + 1][0]].paragraph == paragraph:
                    day = _next_sentence_day(doc, spans[k + 1][1], spans[k + 1][2]) or False
                if day and _near(claim.time, day):
                    claim = replace(claim, time=day)
            if claim.time is None and paragraph in lead:
                claim = replace(claim, time=lead[paragraph])
            if carried is not None and claim.attributed_to is None and claim.modality == "asserted":
                claim = replace(claim, attributed_to=carried, modality="reported")
            found.append(claim)
        speakers = {c.attributed_to for c in found if c.sentence == index and c.attributed_to}
        told = (index, next(iter(speakers))) if len(speakers) == 1 else None
        stated = timex.claim_time(sentence.told_times())
        if stated is not None and stated.start and stated.end and (stated.end - stated.start).days <= LEAD_DAYS:
            lead[paragraph] = stated
    found = tally.mark_restatements(doc, found)
    doc.claims = [replace(c, id=f"c{n}") for n, c in enumerate(found, 1)]
