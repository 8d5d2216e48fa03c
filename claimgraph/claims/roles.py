"""Role resolution: from a trigger word to the tokens that fill a role (docs/patterns.md, "Roles vocabulary"),
and from a token to the entities its mentions name.

`role_tokens(role, word, noun, kind)` walks spaCy's dependency tree. `Mentions` indexes a document's entity
mentions by character offset (sorted starts, bisect) and resolves a token to entity ids, in this order:

- the name it stands in apposition to ("Jaish al-Adl, an Iranian separatist group");
- a kind of place named by its "of" phrase ("the town of Gorazde");
- the mention that covers it (plus a modifier the parser mis-coordinated: "the TTP and Pakistan's Balouch
  movements", "US and British forces");
- the name a "known as"/"called" phrase gives it;
- the mentions of its noun-phrase core (the token and its compound/amod/poss/det/nummod/appos/nmod
  children, never its prepositional phrases; "an Afghan-led force" is Afghanistan's); an unresolved
  possessive pronoun there is the speaker of a reported clause, else the subject of its own clause ("the UK
  remains steadfast in its support");
- a subject pronoun of a reported clause is the speaker ("Iraq said it would allow ...");
- a noun for people acting for a group, or a count, takes its "of"/"from" phrase ("leaders of Romania's
  government", "thousands of Iraqi Kurds").

Coordination ("America and India") adds the conjuncts; that is the caller's (`conjuncts`).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from claimgraph import rules
from claimgraph.claims.patterns import attached
from claimgraph.records import Span

__all__ = ["Mentions", "Resolved", "conjuncts", "role_tokens", "subject_of", "temporal"]

#: Dependencies that make up a noun phrase's core (no prepositional phrases, no clauses).
CORE_DEPS = frozenset({"compound", "amod", "poss", "det", "nummod", "appos", "nmod"})
NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM", "X"})
VERBAL = frozenset({"VERB", "AUX"})
#: How far up the tree a subject is looked for (conjunctions, complements, participles).
MAX_DEPTH = 5
#: How many references (pronoun to speaker, "of" phrase, ...) one resolution may follow.
MAX_RESOLVE_DEPTH = 8


def _words(key: str) -> frozenset[str]:
    """A word list of data/roles.yaml (relative_pronouns, naming_verbs, personal_pronouns, communication_nouns,
    partitives, place_heads, agents: each documented there)."""
    return rules.words("roles", key)

@functools.cache
def _agent_heads() -> frozenset[str]:
    """Nouns whose "of"/"from" phrase names the group they act for ("officials of", "troops from")."""
    data = rules.load("entities")
    words = set(_words("agents"))
    for key in ("military_heads", "government_heads", "police_heads", "agency_heads", "armed_heads",
                "movement_heads"):
        words.update(w.lower() for w in data.get(key) or [] if " " not in w)
    return frozenset(words)


def conjuncts(tok) -> list:
    """The token and its conjuncts, recursively ("Russia, Central Asian states and China"); a list the parser
    read as an apposition ("Ghana, the African Union and Togo": `listed`) counts as coordination."""
    out, stack = [], [tok]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in reversed(list(t.children)) if c.dep_ == "conj" or listed(c))
    return out


def listed(tok) -> bool:
    """Is an apposition really the second item of a list ("Ghana, the African Union and the government of
    Togo" parsed as Ghana <- appos Union <- conj government)? An apposition renames its head with a
    description ("X, the leader and founder of Y" stays one person); a name in apposition that is itself
    coordinated ("and ...") with a further item is a list member."""
    return tok.dep_ == "appos" and tok.pos_ == "PROPN" and any(c.dep_ == "cc" for c in tok.children) and any(
        c.dep_ == "conj" for c in tok.children)


def _children(tok, *deps: str) -> list:
    return [c for c in tok.children if c.dep_ in deps]


def _relative(tokens: list, verb) -> list:
    """A relative pronoun subject ("movements that are waging") stands for the noun the clause modifies."""
    out = []
    for t in tokens:
        if t.lower_ in _words("relative_pronouns") and t.tag_ in ("WDT", "WP", "WP$") and verb.dep_ == "relcl":
            out.append(verb.head)
        else:
            out.append(t)
    return out


def subject_of(tok, depth: int = 0) -> list:
    """The nominal subject of a word: its own `nsubj`; for a predicate adjective or noun, the subject of the
    copula; shared through `conj`; the controller of an `xcomp` (the governing verb's object when it has
    one: "urged Pakistan to act"); the antecedent of a relative clause; the noun a present participle
    modifies ("militants attacking the base"); the subject of the clause a participial adjunct hangs off."""
    if depth > MAX_DEPTH:
        return []
    direct = _children(tok, "nsubj")
    if len(direct) > 1:  # a misparse ("Since the Soviet occupation, Afghans have ..."): the nearest one
        direct = [min(direct, key=lambda c: abs(tok.i - c.i))]
    if direct and direct[0].pos_ in VERBAL:
        # "The Red Cross operating in Iraq said": the participle was read as the subject
        direct = _children(direct[0], "nsubj") or direct
    if direct:
        return _relative(direct, tok)
    dep, head = tok.dep_, tok.head
    if head.i == tok.i:
        return []
    if dep in ("acomp", "attr", "oprd") or (dep == "xcomp" and tok.pos_ == "ADJ"):
        return subject_of(head, depth + 1)
    if dep == "conj" and head.pos_ in (VERBAL | {"ADJ"}) and tok.pos_ in (VERBAL | {"ADJ"}):
        # "X was indicted ... and will resign": the first conjunct's subject, active or passive
        return subject_of(head, depth + 1) or _children(head, "nsubjpass")
    if dep == "xcomp":
        # "urged Pakistan to act": the object of a verb of asking, making or letting does the act; "used the
        # name of Islam to commit atrocities": with any other verb the subject does
        controller = [c for c in _children(head, "dobj") if c.i < tok.i] \
            if head.lemma_.lower() in _words("object_control_verbs") else []
        return controller or subject_of(head, depth + 1)
    if dep == "pcomp" and head.dep_ == "prep":
        verb = head.head
        controller = [c for c in _children(verb, "dobj") if c.i < tok.i]
        # "X are committed to defeating Y", "X were engaged in fighting Y": the subject of a participle of
        # commitment or engagement (`gerund_passives`) does the gerund; not that of "accused of", "suspected of"
        # (an allegation, whose author is not the passive's subject)
        committed = verb.pos_ in VERBAL and verb.lemma_.lower() in _words("gerund_passives")
        return controller or subject_of(verb, depth + 1) or (
            _relative(_children(verb, "nsubjpass"), verb) if committed else [])
    if dep in ("acl", "relcl") and head.pos_ == "NOUN" and any(c.dep_ == "aux" and c.lower_ == "to"
                                                             for c in tok.children):
        # "Iraq's efforts to destroy X", "its determination to defeat X": the possessor of the noun does
        # what its infinitive says
        owner = _children(head, "poss")
        if owner:
            return owner
        if head.dep_ == "appos" and head.head.i != head.i and head.head.pos_ in NOMINAL:
            # "Operation X, the operation to eliminate Y": what the noun renames does what it is for
            return [head.head]
        if head.dep_ == "dobj" and head.head.i != head.i and head.lemma_.lower() in _words("effort_nouns"):
            # "made / stepped up efforts to counter X": who makes the effort does what it is for
            return subject_of(head.head, depth + 1)
    if dep in ("acl", "relcl") and tok.tag_ == "VBG" and head.pos_ in NOMINAL:
        if head.lemma_.lower() in _words("communication_nouns") and head.dep_ == "dobj" and head.head.i != head.i:
            return subject_of(head.head, depth + 1)
        return [head]
    if dep == "acl" and head.pos_ in NOMINAL and _misparsed_clause(tok, head):
        return [head]
    if dep == "advcl" and head.pos_ in VERBAL and (
            tok.tag_ in ("VBG", "VBN") or any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)):
        # a participial adjunct or a purpose infinitive shares the subject of its clause
        return subject_of(head, depth + 1)
    return []


def _misparsed_clause(tok, head) -> bool:
    """Is this clausal modifier of a noun the noun's own clause, misparsed? "X youths resorted to ..., officials
    said": a finite past tense (VBD) modifies no noun; and a participle is the main clause of a report whose
    speaker follows when the parser also made its noun the subject (or a loose `dep`) of a later verb that has
    a subject of its own, and the participle has a complement that no passive reduced relative has (a direct
    object, or a gerund after `active_gerund_preps`: "resorted to throwing"; "soldiers wounded in the attack"
    and "two men accused of spying, officials said" stay passives). Never with a passive auxiliary or a
    by-phrase."""
    if tok.tag_ not in ("VBD", "VBN") or any(c.dep_ in ("auxpass", "agent") for c in tok.children):
        return False
    if tok.tag_ == "VBD":
        return True
    verb = head.head
    active = any(c.dep_ == "dobj" for c in tok.children) or any(
        g.dep_ == "pcomp" and g.tag_ == "VBG" for c in tok.children
        if c.dep_ == "prep" and c.lower_ in _words("active_gerund_preps") for g in c.children)
    return (active and head.dep_ in ("nsubj", "dep") and verb.i != head.i and verb.pos_ in VERBAL
            and verb.i > tok.i and any(c.dep_ == "nsubj" and c.i != head.i for c in verb.children))


def _passive_subject(tok, depth: int = 0) -> list:
    """The passive subject; the noun a past participle modifies ("a group based in", "civilians killed by")."""
    if depth > MAX_DEPTH:
        return []
    direct = _children(tok, "nsubjpass")
    if direct:
        return _relative(direct, tok)
    dep, head = tok.dep_, tok.head
    if head.i == tok.i:
        return []
    if dep in ("acl", "amod") and tok.tag_ == "VBN" and head.pos_ in NOMINAL:
        return [head]
    if dep == "conj" and head.pos_ in VERBAL:
        return _passive_subject(head, depth + 1)
    return []


def _agent(tok) -> list:
    return [g for c in _children(tok, "agent") for g in c.children if g.dep_ == "pobj"]


def _dative(tok) -> list:
    out = []
    for c in _children(tok, "dative"):
        if c.pos_ == "ADP":
            out += [g for g in c.children if g.dep_ == "pobj"]
        else:
            out.append(c)
    return out


def temporal(tok) -> bool:
    """A date or time ("on Sunday", "in March"): no argument of an event."""
    return tok.ent_type_ in ("DATE", "TIME")


def prep_objects(tok, prep: str) -> list:
    """Objects of the preposition `prep` hanging off the token, its particle or an adverb it governs
    (dates and times left out: "on Sunday" is no "on" argument)."""
    out = []
    for c in attached(tok):
        if c.dep_ in ("prep", "agent", "dative") and (c.lower_ == prep or c.lemma_.lower() == prep):
            out += [g for g in c.children if g.dep_ == "pobj" and not temporal(g)]
    return out


def _head_subject(tok) -> list:
    """The actor of the clause or event noun that the word's preposition phrase attaches to."""
    prep = tok.head
    if prep.dep_ not in ("prep", "agent", "dative") or prep.head.i == prep.i:
        return []
    host = prep.head
    if host.pos_ in VERBAL:
        return subject_of(host) or _agent(host)
    for found in (_children(host, "poss"), prep_objects(host, "by"), _children(host, "amod", "compound", "nmod")):
        if found:
            return found
    return []


def _instrument_objects(verb, prep: str) -> list:
    """"conducted strikes using aircraft and artillery against X targets": a directional phrase (not a
    locative one: that stays where the act happened) that the parser hung on the instrument of a participle
    of using (`instrument_verbs`) in the verb's own clause is the act's own."""
    if prep in _words("locative_preps") or verb.pos_ not in VERBAL:
        return []
    for inst in verb.subtree:
        if inst.tag_ != "VBG" or inst.lemma_.lower() not in _words("instrument_verbs") or _other_clause(inst, verb):
            continue
        for obj in _children(inst, "dobj"):
            for c in conjuncts(obj):
                found = prep_objects(c, prep)
                if found:
                    return found
    return []


def _other_clause(tok, verb) -> bool:
    """Is `tok` (below `verb`) inside a clause of its own: a clausal complement, relative clause or parataxis
    on the way up?"""
    while tok.i != verb.i and tok.head.i != tok.i:
        if tok.dep_ in ("ccomp", "relcl", "parataxis", "csubj"):
            return True
        tok = tok.head
    return False


def _ccomp_subject(tok) -> list:
    t = tok
    for _ in range(3):
        for c in _children(t, "ccomp"):
            found = _children(c, "nsubj", "nsubjpass")
            if found:
                return found
        if t.head.i == t.i:
            break
        t = t.head
    return []


def _head(tok) -> list:
    if tok.dep_ in ("amod", "appos", "acl", "relcl") and tok.head.i != tok.i:
        return [tok.head]
    return []


def role_tokens(role: str, word, noun=None, kind: str = "verb",
                xcomp: Callable[[object], list] | None = None) -> list:
    """The tokens that fill `role` for the trigger `word` (a light verb's verb; `noun` its noun).

    `xcomp` gives the object tokens of an open complement when it triggers a pattern of its own.
    """
    if role.startswith("prep:"):
        prep = role[5:]
        hosts = [noun, word] if noun is not None else [word]
        for host in hosts:
            found = prep_objects(host, prep)
            if found:
                return found
        found = _instrument_objects(word, prep)
        if found:
            return found
        if kind in ("verb", "adjective"):
            for obj in _children(word, "dobj"):
                found = prep_objects(obj, prep)
                if found:
                    return found
            # "called for sanctions against Nigeria": the object hangs off the demanded noun
            for c in _children(word, "prep"):
                for obj in c.children:
                    if obj.dep_ == "pobj" and obj.pos_ in ("NOUN", "PROPN"):
                        found = prep_objects(obj, prep)
                        if found:
                            return found
        return []
    if role == "nsubj":
        if kind == "adjective":  # "Israel is opposed to": an adjectival passive's subject
            return subject_of(word) or _passive_subject(word)
        if kind == "verb" and _children(word, "nsubjpass") and _children(word, "agent") \
                and not _children(word, "nsubj"):
            # a passive that names its agent borrows no actor from the clause it hangs off: "one attacker blew
            # himself up while three others were killed by the police" (the police kill, not the attacker)
            return []
        return subject_of(word)
    if role == "nsubjpass":
        return _passive_subject(word)
    if role == "agent":
        return _agent(word)
    if role == "dobj":
        return [c for c in _children(word, "dobj") if noun is None or c.i != noun.i]
    if role == "dative":
        return _dative(word)
    if role == "xcomp":
        # the verb's open complement, or a light verb's noun's ("make good on ... to")
        comps = _children(noun, "xcomp", "acl") if noun is not None else []
        for comp in comps or _children(word, "xcomp"):
            if comp.pos_ not in VERBAL:
                continue
            found = xcomp(comp) if xcomp is not None else []
            if found:
                return found
            found = _children(comp, "dobj") or _dative(comp)
            if found:
                return found
            for c in comp.children:
                if c.dep_ == "prep":
                    objs = [g for g in c.children if g.dep_ == "pobj"]
                    if objs:
                        return objs
        return []
    if role == "ccomp-subject":
        return _ccomp_subject(word)
    target = noun if noun is not None and role in ("poss", "compound", "amod-demonym") else word
    if role == "poss":
        return _children(target, "poss")
    if role == "compound":
        return [c for c in _children(target, "compound", "nmod") if c.pos_ in NOMINAL]
    if role == "amod-demonym":
        return _children(target, "amod", "compound", "nmod")
    if role == "head":
        return _head(word)
    if role == "head-subject":
        return _head_subject(word)
    if role == "appos":
        return _children(word, "appos")
    if role == "self":
        return [word]
    return []


# ------------------------------------------------------------------------------------------ entities


@dataclass(frozen=True)
class Resolved:
    """An entity a role resolved to, and the mention that named it."""

    entity: str
    span: Span
    inferred: bool = False


class Mentions:
    """The entity mentions of a document, indexed by offset: which entity a token stands for."""

    def __init__(self, entities: Iterable) -> None:
        entities = list(entities)
        rows = sorted((m.span.start, m.span.end, e.id, m.how) for e in entities for m in e.mentions)
        self.starts = [r[0] for r in rows]
        self.rows = rows
        self.types = {e.id: e.type for e in entities}
        self._depth = 0

    def at(self, start: int, end: int) -> tuple[int, int, str, str] | None:
        """The mention overlapping [start, end), if any (the one starting last)."""
        i = bisect.bisect_left(self.starts, end) - 1
        for k in range(i, max(i - 4, -1), -1):
            row = self.rows[k]
            if row[0] < end and start < row[1]:
                return row
        return None

    def token(self, tok, base: int) -> tuple[int, int, str, str] | None:
        start = base + tok.idx
        return self.at(start, start + len(tok.text))

    def resolve(self, tok, base: int, names: dict[int, object]) -> list[Resolved]:
        """Entities the token stands for (see the module docstring); conjuncts are the caller's."""
        if self._depth > MAX_RESOLVE_DEPTH:  # pronouns and "of" phrases refer on; a bad parse could loop
            return []
        self._depth += 1
        try:
            return self._resolve(tok, base, names)
        finally:
            self._depth -= 1

    def _resolve(self, tok, base: int, names: dict[int, object]) -> list[Resolved]:
        # an apposition names the same thing as the name it stands beside ("Jaish al-Adl, an Iranian
        # separatist group"): the name wins over the description's own mention
        if tok.dep_ == "appos" and tok.head.pos_ == "PROPN" and not listed(tok):
            row = self.token(tok.head, base)
            if row is not None:
                return [Resolved(row[2], Span(row[0], row[1]))]
        if tok.lemma_.lower() in _words("place_heads"):  # "the besieged Bosnian town of Gorazde" is Gorazde
            named = self._of_phrase(tok, base, names, ("of",))
            if named:
                return named
        row = self.token(tok, base)
        if row is not None and row[3] == "common" and tok.i in names:
            row = None  # "its border ... known as the Durand Line": the name it is given wins over the description
        if row is not None and row[3] in ("coreference", "common") and tok.pos_ == "NOUN":
            # "the president of Armenia" names whom it is about: not a reference back
            named = self._of_phrase(tok, base, names)
            if named:
                return named
        if row is not None:
            found = [Resolved(row[2], Span(row[0], row[1]))] + self._misparsed_coordination(tok, base, row)
            return sorted(found, key=lambda r: r.span)
        if tok.i in names:
            row = self.token(names[tok.i], base)
            if row is not None:
                return [Resolved(row[2], Span(row[0], row[1]))]
        found = self._core(tok, base, names)
        if found:
            return found
        if tok.tag_ == "WP$":  # "ISIL, whose fighters attacked ...": the noun the relative clause modifies
            t = tok
            for _ in range(4):
                if t.dep_ == "relcl" and t.head.i != t.i:
                    return self.resolve(t.head, base, names)
                if t.head.i == t.i:
                    break
                t = t.head
            return []
        if tok.pos_ == "PRON" and tok.lower_ in _words("personal_pronouns"):
            if tok.tag_ == "PRP$":  # "its determination to defeat X", "their campaign against X"
                return (self._speaker(tok, base, names) or self._owner(tok, base, names)
                        or self._antecedent(tok, base))
            return self._speaker(tok, base, names)
        if (tok.lower_ in _agent_heads() or tok.lemma_.lower() in _agent_heads() or tok.like_num
                or tok.lemma_.lower() in _words("partitives")):
            return self._of_phrase(tok, base, names)
        return []

    def _owner(self, pron, base: int, names: dict[int, object]) -> list[Resolved]:
        """A possessive pronoun the linker left unresolved is the subject of its clause: "The UK remains
        steadfast in its support of ...", "Pakistan's fortification of its border"."""
        verb = pron.head
        for _ in range(6):
            if verb.pos_ in VERBAL or verb.head.i == verb.i:
                break
            verb = verb.head
        if verb.pos_ not in VERBAL:
            return []
        out = []
        for subj in subject_of(verb):
            if subj.left_edge.i <= pron.i <= subj.right_edge.i or subj.pos_ == "PRON":
                continue  # "its fighters attacked": the pronoun is inside the subject itself
            out += [Resolved(r.entity, r.span, inferred=True) for r in self.resolve(subj, base, names)]
        return out

    def _antecedent(self, pron, base: int) -> list[Resolved]:
        """A possessive pronoun the linker left unresolved ("its", "their") and that no clause subject owns:
        the nearest actor its sentence names before it ("the resolve of the international community in its
        determination to ..."), never one the sentence names after it (a party named in the third person is
        not the possessor). The mention named is the antecedent's (the pronoun itself is no mention)."""
        start = base + pron.sent.start_char
        end = base + pron.sent.end_char
        here = base + pron.idx
        later = {r[2] for r in self.rows if here < r[0] < end}
        before = [r for r in self.rows if start <= r[0] and r[1] <= here and r[2] not in later
                  and r[3] not in ("pronoun", "coreference")
                  and self.types.get(r[2]) in _words("possessor_types")]
        if not before:
            return []
        row = before[-1]
        return [Resolved(row[2], Span(row[0], row[1]), inferred=True)]

    def _of_phrase(self, tok, base: int, names: dict[int, object],
                   preps: tuple[str, ...] = ("of", "from")) -> list[Resolved]:
        """"officials of X", "troops from X", "thousands of X": the group named in the "of"/"from" phrase."""
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ in preps:
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        return [r for c in conjuncts(obj) for r in self.resolve(c, base, names)]
        return []

    def _speaker(self, pron, base: int, names: dict[int, object]) -> list[Resolved]:
        """The subject pronoun of a reported clause is its speaker: "Iraq said it would allow ...", "the Serbs
        said their forces had ..."."""
        subj = pron.head if pron.dep_ == "poss" else pron
        if subj.dep_ not in ("nsubj", "nsubjpass"):
            return []
        verb = subj.head
        for _ in range(3):
            if verb.dep_ == "ccomp" and verb.head.i != verb.i:
                for subj in subject_of(verb.head):
                    if subj.pos_ != "PRON" or subj.lower_ not in _words("personal_pronouns"):
                        return self.resolve(subj, base, names)
                return []
            if verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
                verb = verb.head
                continue
            break
        return []

    def _core(self, tok, base: int, names: dict[int, object]) -> list[Resolved]:
        out: list[Resolved] = []
        stack = [c for c in tok.children if c.dep_ in CORE_DEPS]
        while stack:
            t = stack.pop()
            row = self.token(t, base)
            if row is not None:
                found = [Resolved(row[2], Span(row[0], row[1]))]
            elif t.dep_ == "poss" and t.lower_ in _words("personal_pronouns"):
                found = self._speaker(t, base, names) or self._owner(t, base, names)
            else:
                stack.extend(c for c in t.children if c.dep_ in CORE_DEPS)
                if t.lemma_.lower() == "lead" and t.tag_ == "VBN":  # "an Afghan-led force" is led by Afghanistan
                    stack.extend(c for c in t.children if c.dep_ in ("npadvmod", "advmod"))
                continue
            out += [r for r in found if all(o.entity != r.entity for o in out)]
        return sorted(out, key=lambda r: r.span)

    def _misparsed_coordination(self, tok, base: int, row) -> list[Resolved]:
        """"the TTP and Pakistan's Balouch separatist movements" parsed as one noun phrase whose modifier
        "TTP" has the conjunct "Pakistan's": the modifier is coordinated with the whole phrase. Two demonyms
        on one head ("Ghanaian and Togolese troops") are two actors, not one."""
        out = []
        stack = [c for c in tok.children if c.dep_ in ("nmod", "compound", "amod") and c.i < tok.i]
        while stack:
            c = stack.pop()
            stack.extend(g for g in c.children if g.dep_ in ("nmod", "compound", "amod") and g.i < c.i)
            conj = [g for g in c.children if g.dep_ == "conj"]
            if not conj or not any(g.dep_ == "cc" for g in c.children):
                continue
            # "X and Y's Z" (Y possessive) or "US and British forces" (the conjunct inside Z's own mention)
            shared = self.token(conj[0], base) == row
            if _possessive(conj[0]) or shared:
                found = self.token(c, base)
                if found is not None and found[2] != row[2]:
                    out.append(Resolved(found[2], Span(found[0], found[1])))
        return out


def _possessive(tok) -> bool:
    return any(c.dep_ == "case" and c.lower_ in ("'s", "’s", "'") for c in tok.children)


def naming(sent) -> dict[int, object]:
    """For "the X known as Y" / "an X called Y": the common noun X (token index) -> the name's head Y.

    The name renames the closest common noun before the naming verb (the parser often attaches the
    participle higher up: "fortification of its border ... known as the Durand Line")."""
    out: dict[int, object] = {}
    for t in sent:
        if t.dep_ != "acl" or t.lemma_.lower() not in _words("naming_verbs") or t.tag_ != "VBN":
            continue
        name = None
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ == "as":
                name = next((g for g in c.children if g.dep_ == "pobj"), None)
            elif c.dep_ in ("oprd", "attr", "dobj") and c.pos_ == "PROPN":
                name = c
        if name is None:
            continue
        for k in range(t.i - 1, sent.start - 1, -1):
            prev = t.doc[k]
            if prev.pos_ == "NOUN":
                out[prev.i] = name
                break
            if prev.pos_ in VERBAL or (prev.is_punct and prev.text != ","):
                break
    return out
