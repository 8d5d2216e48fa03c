"""The event and relation patterns of `data/events.yaml` (format: docs/patterns.md), loaded once and indexed.

`patterns()` gives a `PatternSet`: every pattern as a frozen `Pattern`, indexed by the lemma that triggers it
(verbs and predicate adjectives together, event nouns, light verbs by their verb), the retyping rules and
the THREATEN modes. `matches(token)` applies the index and the word-level conditions (particles,
`requires`, a light verb's noun) to one parsed token; precedence between matches is the extractor's job.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from claimgraph import rules

__all__ = ["Match", "Pattern", "PatternSet", "Retype", "attached", "matches", "patterns", "requirements_met"]

#: Dependencies of a modifier that `requires.modifier` looks at.
MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "advmod", "npadvmod"})
#: Dependencies by which a light verb governs its noun ("took 30 people hostage": oprd; passives: nsubjpass).
NOUN_DEPS = frozenset({"dobj", "attr", "acomp", "oprd", "nsubjpass"})
#: Parts of speech that take verb and adjective patterns ("allied", "based" are often tagged ADJ).
VERBAL = frozenset({"VERB", "AUX", "ADJ"})
#: Parts of speech that take noun patterns (any other but verbal ones when the pattern names a modifier:
#: "sit-in" is "in" with the modifier "sit", "build-up" is "up" with "build").
NOMINAL = frozenset({"NOUN", "PROPN"})


def _list(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


@dataclass(frozen=True)
class Pattern:
    """One pattern of events.yaml.

    id: its stable id ('assault.attack-noun').
    kind: 'verb', 'adjective', 'noun' or 'light_verb' (a relation takes the kind it declares).
    predicate, mode: the PLOVER type (or standing relation) and mode it gives.
    subject, object: the roles tried in order for each slot.
    lemmas: the words that trigger it (for a light verb: the verb's lemmas).
    nouns: a light verb's noun lemmas (empty otherwise).
    particles: the particles the verb must carry, if any.
    noun_prep: for a light verb, the preposition whose object is the noun ("went on strike").
    req_prep, req_modifier, req_governor, req_of: the `requires` conditions.
    exc_prep: `excludes.prep`: prepositions that must not hang off the word (a light verb's noun, or the word).
    exc_deps: `excludes.deps`: dependencies no child of the word (a light verb's noun) may have ("regret that
    X did Y" is a reproach, not an apology: deps ccomp, acl).
    negatable, symmetric, implies, object_required: as documented in docs/patterns.md.
    place_object: (predicate, mode) when the object is a place, or None.
    relation: True for the standing-relation patterns.
    """

    id: str
    kind: str
    predicate: str
    mode: str | None
    subject: tuple[str, ...]
    object: tuple[str, ...]
    lemmas: frozenset[str]
    nouns: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()
    noun_prep: str | None = None
    req_prep: frozenset[str] = frozenset()
    req_modifier: frozenset[str] = frozenset()
    req_governor: frozenset[str] = frozenset()
    req_of: frozenset[str] = frozenset()
    exc_prep: frozenset[str] = frozenset()
    exc_deps: frozenset[str] = frozenset()
    negatable: bool = True
    symmetric: bool = False
    implies: tuple[str, ...] = ()
    object_required: bool = False
    place_object: tuple[str, str | None] | None = None
    relation: bool = False

    @property
    def specificity(self) -> int:
        """How constrained the pattern is: each `requires` key, `particles` and `noun_prep` count one."""
        return (bool(self.req_prep) + bool(self.req_modifier) + bool(self.req_governor) + bool(self.particles)
                + bool(self.noun_prep) + bool(self.req_of))


@dataclass(frozen=True)
class Retype:
    """A PLOVER retyping rule: an event of a type in `sources` said with one of `markers` becomes `to`.

    conditions: when not empty, the rule applies only to an event under a condition marked by one of these
    subordinators ("will withdraw unless ...", "prepared to impose sanctions if ...").
    negated: the rule applies only to a negated event, and consumes the negation ("will not accept" is a
    REJECT, not a negated AGREE). Such a rule may have no markers: any negated event of `sources` qualifies.
    patterns: when not empty, the rule applies only to claims of these pattern ids ("did not rule out the use of
    force" is a threat; "did not rule out talks" is no refusal of anything).
    mode: the mode of the retyped claim, when the rule gives one (else `threat_modes` decides a THREATEN's).
    """

    id: str
    markers: frozenset[str]
    sources: frozenset[str]
    to: str
    conditions: frozenset[str] = frozenset()
    negated: bool = False
    patterns: frozenset[str] = frozenset()
    mode: str | None = None


@dataclass(frozen=True)
class PatternSet:
    """The loaded pattern file.

    version: the file's version.
    verbs: lemma -> verb and adjective patterns.
    nouns: lemma -> noun patterns.
    light: verb lemma -> light-verb patterns.
    retype: the retyping rules, in file order.
    threat_modes: 'PREDICATE' or 'PREDICATE/mode' of a threatened act -> THREATEN mode.
    request_verbs: lemmas of verbs of asking, whose complement is no event of its own.
    promise_verbs: lemmas of vows, an AGREE when what is vowed is cooperative.
    containers: nouns whose "of" phrase is what a light verb governs ("declared a state of emergency").
    """

    version: str
    verbs: dict[str, tuple[Pattern, ...]]
    nouns: dict[str, tuple[Pattern, ...]]
    light: dict[str, tuple[Pattern, ...]]
    retype: tuple[Retype, ...]
    threat_modes: dict[str, str]
    request_verbs: frozenset[str] = frozenset()
    promise_verbs: frozenset[str] = frozenset()
    containers: frozenset[str] = frozenset()

    def threat_mode(self, predicate: str, mode: str | None) -> str | None:
        if mode and f"{predicate}/{mode}" in self.threat_modes:
            return self.threat_modes[f"{predicate}/{mode}"]
        return self.threat_modes.get(predicate)


def _pattern(kind: str, p: dict, relation: bool) -> Pattern:
    requires = p.get("requires") or {}
    place = p.get("place_object")
    light = kind == "light_verb"
    return Pattern(
        id=p["id"],
        kind=kind,
        predicate=p["predicate"],
        mode=p.get("mode"),
        subject=_list(p["subject"]),
        object=_list(p["object"]),
        lemmas=frozenset(_list(p["verb"] if light else p["lemmas"])),
        nouns=frozenset(_list(p.get("noun"))) if light else frozenset(),
        particles=frozenset(_list(p.get("particles"))),
        noun_prep=p.get("noun_prep"),
        req_prep=frozenset(_list(requires.get("prep"))),
        req_modifier=frozenset(_list(requires.get("modifier"))),
        req_governor=frozenset(_list(requires.get("governor"))),
        req_of=frozenset(_list(requires.get("of"))),
        exc_prep=frozenset(_list((p.get("excludes") or {}).get("prep"))),
        exc_deps=frozenset(_list((p.get("excludes") or {}).get("deps"))),
        negatable=bool(p.get("negatable", True)),
        symmetric=bool(p.get("symmetric", False)),
        implies=_list(p.get("implies")),
        object_required=bool(p.get("object_required", False)),
        place_object=(place["predicate"], place.get("mode")) if place else None,
        relation=relation,
    )


@functools.cache
def patterns() -> PatternSet:
    """The pattern file, loaded and indexed once per process."""
    data = rules.load("events")
    pats: list[Pattern] = []
    for section, kind in (("verbs", "verb"), ("adjectives", "adjective"), ("nouns", "noun"),
                          ("light_verbs", "light_verb")):
        pats += [_pattern(kind, p, False) for p in data.get(section) or []]
    pats += [_pattern(p["kind"], p, True) for p in data.get("relations") or []]
    index: dict[str, dict[str, list[Pattern]]] = {"verbs": defaultdict(list), "nouns": defaultdict(list),
                                                  "light": defaultdict(list)}
    for p in pats:
        group = {"verb": "verbs", "adjective": "verbs", "noun": "nouns", "light_verb": "light"}[p.kind]
        for lemma in p.lemmas:
            index[group][lemma].append(p)
    retype = tuple(Retype(r["id"], frozenset(r.get("markers") or ()), frozenset(r["from"]), r["to"],
                          frozenset(r.get("conditions") or ()), bool(r.get("negated", False)),
                          frozenset(r.get("patterns") or ()), r.get("mode"))
                   for r in data.get("retype") or [])
    return PatternSet(
        version=str(data["version"]),
        verbs={k: tuple(v) for k, v in index["verbs"].items()},
        nouns={k: tuple(v) for k, v in index["nouns"].items()},
        light={k: tuple(v) for k, v in index["light"].items()},
        retype=retype,
        threat_modes={str(k): str(v) for k, v in (data.get("threat_modes") or {}).items()},
        request_verbs=frozenset(str(w) for w in data.get("request_verbs") or ()),
        promise_verbs=frozenset(str(w) for w in data.get("promise_verbs") or ()),
        containers=frozenset(str(w) for w in data.get("light_noun_containers") or ()),
    )


# ------------------------------------------------------------------------------------ word-level matching


def _words(tok) -> tuple[str, str]:
    return tok.lemma_.lower(), tok.lower_


def attached(tok):
    """Children of the token, of its particles and of an adverb it governs ("pull out of", "close to")."""
    for child in tok.children:
        yield child
        if child.dep_ in ("prt", "advmod") or (child.dep_ == "prep" and (
                not child.n_rights or child.lower_ in rules.words("events", "compound_prep_heads"))):
            yield from child.children


def _has_particle(tok, particles: frozenset[str]) -> bool:
    return any(c.dep_ in ("prt", "prep", "advmod") and c.lemma_.lower() in particles for c in tok.children)


def _dates_only(prep) -> bool:
    objs = [g for g in prep.children if g.dep_ == "pobj"]
    return bool(objs) and all(g.ent_type_ in ("DATE", "TIME") for g in objs)


def _has_prep(tokens, preps: frozenset[str]) -> bool:
    """A preposition of `preps` on the words, not one that only dates them ("called ... on Sunday")."""
    return any(c.dep_ in ("prep", "agent", "dative") and (c.lemma_.lower() in preps or c.lower_ in preps)
               and not _dates_only(c)
               for tok in tokens for c in attached(tok))


def requirements_met(p: Pattern, tok, noun=None) -> bool:
    """Do the particles and `requires` conditions of `p` hold for the word `tok` (and a light verb's noun)?"""
    if p.particles and not _has_particle(tok, p.particles):
        return False
    if p.req_prep and not _has_prep([t for t in (noun, tok) if t is not None], p.req_prep):
        return False
    target = noun if noun is not None else tok
    if p.exc_prep and _has_prep([target], p.exc_prep):
        # "stopped work on the dam" is a project halted, not a strike (`excludes.prep`)
        return False
    if p.exc_deps and any(c.dep_ in p.exc_deps for c in target.children):
        return False
    if p.req_modifier and not any(c.dep_ in MODIFIER_DEPS and set(_words(c)) & p.req_modifier
                                  for c in target.children):
        return False
    if p.req_of and not any(c.dep_ == "prep" and c.lower_ == "of" and any(
            g.dep_ == "pobj" and set(_words(g)) & p.req_of for g in c.children) for c in target.children):
        return False
    if p.req_governor:
        head = target.head
        if not (set(_words(head)) & p.req_governor
                or (head.dep_ in ("prep", "agent") and set(_words(head.head)) & p.req_governor)):
            return False
    return True


@dataclass(frozen=True)
class Match:
    """A pattern that a token triggers: `token` is the word (a light verb's verb), `noun` a light verb's noun."""

    pattern: Pattern
    token: object
    noun: object = None

    @property
    def kind(self) -> str:
        return self.pattern.kind


def light_nouns(verb, p: Pattern):
    """The nouns a light verb governs: its dobj/attr/acomp/oprd (and their conjuncts, and the "of" noun of a
    container: `light_noun_containers`), or with `noun_prep` the object of that preposition on the verb or
    its particle."""
    if p.noun_prep:
        return [g for c in attached(verb) if c.dep_ == "prep" and c.lower_ == p.noun_prep
                for g in c.children if g.dep_ == "pobj"]
    out = []
    for c in verb.children:
        if c.dep_ in NOUN_DEPS:
            out.append(c)
            out.extend(g for g in c.children if g.dep_ == "conj")
            # "undertook a mediation mission", "launched a mediation effort": the noun that carries the
            # meaning may modify the object
            out.extend(g for g in c.children if g.dep_ == "compound" and g.pos_ == "NOUN")
            lemma = c.lemma_.lower()
            if lemma in patterns().containers or lemma in rules.words("roles", "event_spans"):
                # "declared a state of emergency", "launched a wave of arrests", "carried out four rounds of
                # strikes": the noun inside a container or inside a noun that stretches the event over time or
                # number (`event_spans` in roles.yaml)
                out.extend(g for prep in c.children if prep.dep_ == "prep" and prep.lower_ == "of"
                           for g in prep.children if g.dep_ == "pobj")
    return out


def matches(tok) -> list[Match]:
    """Every pattern the token triggers (before precedence): verb and adjective patterns on verbal tokens,
    light verbs on verbs with their noun, noun patterns on nouns."""
    ps = patterns()
    lemma = tok.lemma_.lower()
    out: list[Match] = []
    if tok.pos_ in VERBAL:
        for p in ps.light.get(lemma, ()):
            out += [Match(p, tok, noun) for noun in light_nouns(tok, p)
                    if (noun.lemma_.lower() in p.nouns or noun.lower_ in p.nouns) and requirements_met(p, tok, noun)]
        found = ps.verbs.get(lemma, ())
        if tok.lower_ != lemma:  # an adjectival participle: "is opposed to", "is committed to"
            found += tuple(p for p in ps.verbs.get(tok.lower_, ()) if p.kind == "adjective")
        out += [Match(p, tok) for p in found if requirements_met(p, tok)]
    else:
        nominal = tok.pos_ in NOMINAL
        for p in ps.nouns.get(lemma, ()):
            if (nominal or p.req_modifier) and requirements_met(p, tok):
                out.append(Match(p, tok))
    return out
