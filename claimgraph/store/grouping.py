"""Across documents: claims grouped into events, figures grouped into measures.

The grouping is a *recomputable* step: `regroup()` empties `events`, `event_claims`, `event_entities`, `measures`
and `measure_values` and rebuilds them from the stored claims in one transaction. Ingest runs it once at the
end of a run; the question API runs it first whenever the claims changed since (a killed ingest, a deleted
document), using the marker kept in `kb_info`. Recomputing keeps the result independent of the order documents
arrived in, lets the tolerances change without a migration, and costs one pass over the claims (memory
proportional to the number of claims: fine to millions on one machine).

Only the newest version of each source takes part (an edited article is one source, not two).

Time. A claim's time is its own (`claims.time_start/time_end`, an *exact* interval). A claim without one but
from a dated document gets an *approximate* window: news reports what happened in the days before it
appeared, so [published - APPROX_DAYS_BEFORE, published + 1 day]. A claim with neither has *no* time.

**Events.** Claims are one event when
- predicate, negation, the set of subjects and the set of objects are equal (entity ids, so "Islamabad" acting
  and "Pakistan" are one actor already);
- their places agree: the same set of places, or one side does not say;
- their times agree: exact intervals overlap or lie within WINDOW_DAYS (2 days) of each other, for *every*
  claim of the group (complete linkage, so a string of daily raids does not chain into one event); an
  approximate window joins the most recent group that falls inside it; a claim with no time joins a group only
  when exactly one fits. Standing relations (ALLIED_WITH, HARBORS, ...) are states, not happenings: they group
  by actors and place alone.

**Measures.** Figures are one measure when `what` ("killed"), `whom` ("civilians") and `unit` are equal
(lower-cased), the places agree as above, and the period is *the same period*: exact start and end each within
WINDOW_DAYS ("2024" matches "2024", not "March 2024"); a figure with an approximate window joins the most recent
measure whose period lies inside the window (or another approximate one whose window overlaps); a figure with
no time at all is never grouped. One document gives a measure one value: a second, different figure of the
same kind in the same document is another incident or a sub-total, not a disagreement (the audit's
`figure.*` findings check a document against itself). Figures of negated claims and figures that restate
another of their document (`restates`, claims/tally.py) are left out; one quantity span attached to two claims
counts once.
A measure whose exact values differ is a **disagreement**; it is **compatible** when the reported ranges still
overlap ("at least 14" and "21"; "around 680" and "685"; a vague "several" fits any count), a contradiction
otherwise.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from claimgraph import rules
from claimgraph.store import network
from claimgraph.store import schema as t

WINDOW_DAYS = 2
APPROX_DAYS_BEFORE = 7
#: Two accounts of one toll differ by less than this factor; a figure an order of magnitude away from a
#: measure's values counts something else (a cumulative total since a war began beside one day's dead, the
#: three attackers shot beside the thirty-two victims). The widest real disagreement in the real-news dev set
#: (government vs UN mission, a week apart) is 4.3x; ten leaves that margin and is a round order of magnitude.
MAX_ACCOUNT_RATIO = 10.0
#: How near a timeless figure's value must lie to every value of a measure for `nearest_accounts` to let it
#: join: another outlet's account or an update of the toll (1,440 beside 1,400; 143 beside 128; "up to 450"
#: beside "up to 150", 3x), not a toll of another event (a war's 690 beside a raid's 120, 5.7x). Set by
#: hand on the real-news dev set (half A), between those.
NEAREST_RATIO = 4.0
GROUPING_VERSION = (f"6/window={WINDOW_DAYS}d/approx={APPROX_DAYS_BEFORE}d/ratio={MAX_ACCOUNT_RATIO:g}"
                    f"/near={NEAREST_RATIO:g}")
#: The standing relations (timeless: never split by date): `relation_predicates` in data/events.yaml.
STANDING_RELATIONS = rules.words("events", "relation_predicates")
_NEG, _POS = -(10**9), 10**9
APPROXIMATE = {"around", "about", "approximately", "nearly", "almost", "some", "roughly", "an estimated",
               "estimated", "close to", "more or less", "circa", "approx."}
_MARKER_KEY = "grouped"


@dataclass
class _Item:
    id: int
    doc: str
    start: int | None  # exact interval (date ordinals); either end may be open
    end: int | None
    window: tuple[int, int] | None  # approximate window from the document's date
    places: frozenset[str]
    data: dict[str, Any]
    value: float | None = None  # measures: the exact value (None for vague figures)
    reach: frozenset[str] = frozenset()  # measures: the places with everything that contains them
    coarse: bool = False  # measures: located by states only
    teller: str = ""  # measures: who its report says told the figure ("": the report's own voice)

    @property
    def kind(self) -> str:
        if self.start is not None or self.end is not None:
            return "exact"
        return "approx" if self.window else "none"

    @property
    def lo(self) -> int:
        return self.start if self.start is not None else _NEG

    @property
    def hi(self) -> int:
        return self.end if self.end is not None else _POS


@dataclass
class _Group:
    items: list[_Item] = field(default_factory=list)
    places: frozenset[str] = frozenset()
    exact: bool = False
    # complete-linkage bounds over exact members: max start, min end; spreads of starts and ends
    max_lo: int = _NEG
    min_hi: int = _POS
    min_lo: int = _POS
    max_hi: int = _NEG
    # intersection of the approximate windows of approximate-only groups
    w_lo: int = _NEG
    w_hi: int = _POS
    values: dict[str, set[float]] = field(default_factory=lambda: defaultdict(set))
    located: list[_Item] = field(default_factory=list)  # members with a place (measures: each is checked)

    def fits(self, item: _Item, one_value_per_document: bool) -> bool:
        if one_value_per_document:  # measures: every member's place must be compatible (see places_agree)
            if not all(places_agree(item, other) for other in self.items):
                return False
        elif item.places and self.places and item.places != self.places:
            return False
        if one_value_per_document and item.value is not None:
            if not accounts_comparable(item.value, (v for vs in self.values.values() for v in vs)):
                return False
            return all(v == item.value for v in self.values.get(item.doc, ()))
        return True

    def add(self, item: _Item) -> None:
        self.items.append(item)
        if item.places:
            self.located.append(item)
        if item.places and not self.places:
            self.places = item.places
        if item.value is not None:
            self.values[item.doc].add(item.value)
        if item.kind == "exact":
            self.exact = True
            self.max_lo, self.min_hi = max(self.max_lo, item.lo), min(self.min_hi, item.hi)
            self.min_lo, self.max_hi = min(self.min_lo, item.lo), max(self.max_hi, item.hi)
        elif item.kind == "approx" and not self.exact:
            self.w_lo, self.w_hi = max(self.w_lo, item.window[0]), min(self.w_hi, item.window[1])

    @property
    def recency(self) -> int:
        return self.max_hi if self.exact else self.w_hi


def accounts_comparable(value: float, others: Iterable[float]) -> bool:
    """Whether a figure can be another account of the toll whose exact values are `others`: within
    MAX_ACCOUNT_RATIO of each of them (complete linkage: a chain of small steps does not reach far)."""
    for other in others:
        lo, hi = sorted((abs(value), abs(other)))
        if hi >= MAX_ACCOUNT_RATIO * max(lo, 1.0) and hi > lo:
            return False
    return True


def nearest_accounts(groups: list[_Group], item: _Item) -> list[_Group]:
    """The measures a timeless figure (no time of its own, an undated report) may join: those whose values lie
    within NEAREST_RATIO of its own (a figure with no time far from a measure's values is a toll of another
    event: a war's 690 dead told as background beside a raid's 120); of several, the one nearest (by ratio:
    1,440 beside 1,400, not beside a hospital's 500), when exactly one is nearest. A vague figure has no
    value to compare: all of them."""
    if item.value is None:
        return groups

    def distance(g: _Group) -> float:
        values = [v for vs in g.values.values() for v in vs]
        if not values:
            return float("inf")
        return max(max(abs(v), abs(item.value), 1.0) / max(min(abs(v), abs(item.value)), 1.0) for v in values)

    near = sorted((g for g in groups if distance(g) <= NEAREST_RATIO), key=distance)
    if len(near) > 1 and distance(near[0]) < distance(near[1]):
        return near[:1]
    return near


def places_agree(a: _Item, b: _Item) -> bool:
    """Two figures' places are compatible: one of them names a place that the other names or lies in
    (a town lies in its district, which lies in its province and country). A figure with no place at all (none in its
    claim, none for its document: `document_places`) is *unknown*, not a wildcard: it agrees with nothing,
    so it is never grouped with another figure."""
    if not a.places or not b.places:
        return False
    if a.reach == a.places and b.reach == b.places and a.coarse and b.coarse:
        # located by countries only (often the actors' countries: "US strike on <country>"): the same ones
        return a.places == b.places
    return bool(a.places & b.reach or b.places & a.reach)


def _event_time(g: _Group, item: _Item) -> bool:
    """Exact intervals: the item meets every member's interval (within the window)."""
    return item.lo <= g.min_hi + WINDOW_DAYS and item.hi >= g.max_lo - WINDOW_DAYS


def _measure_time(g: _Group, item: _Item) -> bool:
    """Exact periods: start and end each within the window of every member's; two figures each dated to one
    day ("on Thursday", "on Friday") must name the same day: a stated day is no reporting lag, and a
    district's raids on two days are two operations."""
    if item.lo == item.hi and g.min_lo == g.max_hi and g.max_lo == g.min_hi:
        return item.lo == g.min_lo
    return (item.lo - WINDOW_DAYS <= g.min_lo and g.max_lo <= item.lo + WINDOW_DAYS
            and item.hi - WINDOW_DAYS <= g.min_hi and g.max_hi <= item.hi + WINDOW_DAYS)


def _event_window(g: _Group, item: _Item) -> bool:
    lo, hi = item.window
    if g.exact:  # the group's common core falls in the window
        return g.max_lo <= hi and g.min_hi >= lo
    return g.w_lo <= hi and g.w_hi >= lo


def _measure_window(g: _Group, item: _Item) -> bool:
    lo, hi = item.window
    if g.exact:  # the whole period lies in the window
        return lo <= g.min_lo and g.max_hi <= hi
    return g.w_lo <= hi and g.w_hi >= lo


# Pruning (speed only, same groups): items are visited in time order, so a group can stop fitting for good —
# each of the conditions above needs the item to start no later than some bound of the group, and that bound
# never grows. `_DEAD[condition](g, item)` says the bound is passed: the group cannot take this item or any
# later one and leaves the list `cluster` searches (a block of 10,000 figures otherwise compares each one
# with every group: minutes per block). Whoever changes a condition above changes its entry here;
# tests/test_kb_scale.py checks that pruned and unpruned clustering agree on generated data.
_DEAD: dict[Callable, Callable[[_Group, _Item], bool]] = {
    _event_time: lambda g, item: item.lo > g.min_hi + WINDOW_DAYS,
    _measure_time: lambda g, item: item.lo - WINDOW_DAYS > g.min_lo,
    _event_window: lambda g, item: item.window[0] > (g.min_hi if g.exact else g.w_hi),
    _measure_window: lambda g, item: item.window[0] > (g.min_lo if g.exact else g.w_hi),
}


def _never(_g: _Group, _item: _Item) -> bool:
    return False


def cluster(items: Iterable[_Item], exact_ok: Callable, window_ok: Callable, measures: bool = False,
            timeless: bool = False, prune: bool = True) -> list[list[_Item]]:
    """Groups of items whose times and places agree (see the module docstring). prune: skip groups that can
    no longer fit (`_DEAD`; the result is the same)."""
    items = sorted(items, key=lambda i: (i.lo, i.hi, i.id))
    groups: list[_Group] = []

    def new(item: _Item) -> None:
        g = _Group()
        g.add(item)
        groups.append(g)

    if timeless:  # standing relations: actors and place only
        for item in items:
            fitting = [g for g in groups if g.fits(item, measures)]
            if fitting:
                fitting[0].add(item)
            else:
                new(item)
        return [g.items for g in groups]
    dead = _DEAD.get(exact_ok, _never) if prune else _never
    live: list[_Group] = []  # the groups that may still fit, in creation order
    for item in (i for i in items if i.kind == "exact"):
        live = [g for g in live if not dead(g, item)]
        # the time first: a few comparisons, where fits() compares the item's place with every member's
        fitting = [g for g in live if exact_ok(g, item) and g.fits(item, measures)]
        if fitting:
            fitting[0].add(item)
        else:
            new(item)
            live.append(groups[-1])
    dead = _DEAD.get(window_ok, _never) if prune else _never
    live = [g for g in groups if g.exact or g.w_lo > _NEG]
    for item in sorted((i for i in items if i.kind == "approx"), key=lambda i: (i.window, i.id)):
        live = [g for g in live if not dead(g, item)]
        fitting = [g for g in live if window_ok(g, item) and g.fits(item, measures)]
        if fitting:
            max(fitting, key=lambda g: g.recency).add(item)
        else:
            new(item)
            live.append(groups[-1])
    timeless = [i for i in items if i.kind == "none"]
    placed = _PlaceIndex(groups) if measures and prune and timeless else None
    for item in timeless:
        # no time at all (an undated report's figure, an event told with no date): it joins a group only
        # when exactly one fits; for measures, only a group that has a time (two timeless figures are never
        # one measure by place alone)
        fitting = [g for g in (placed.near(item) if placed else groups)
                   if g.fits(item, measures) and (not measures or g.exact or g.w_lo > _NEG)]
        if measures:
            fitting = nearest_accounts(fitting, item)
        if len(fitting) == 1:
            fitting[0].add(item)
        else:
            new(item)
    if measures:
        groups = further_accounts(groups, exact_ok, window_ok, prune=prune)
    return [g.items for g in groups]


class _PlaceIndex:
    """The measures a figure with no time can fit, found through their first figure's places (speed only, the
    same result: a measure fits a figure only when each of its figures' places agree with the figure's,
    `places_agree`, so its first one's do: one of the figure's places is in the first's reach, or one of the
    first's places in the figure's). Without it every timeless figure of a block was compared with every
    member of every measure of the block: the undated reports' figures times all of the block's.
    Only the measures with a time are filed: those `cluster`'s last pass creates have none and never fit."""

    def __init__(self, groups: list[_Group]) -> None:
        self.groups = [g for g in groups if g.exact or g.w_lo > _NEG]
        self.by_reach: dict[str, list[int]] = defaultdict(list)
        self.by_place: dict[str, list[int]] = defaultdict(list)
        for k, g in enumerate(self.groups):
            first = g.items[0]
            for p in first.places | first.reach:
                self.by_reach[p].append(k)
            for p in first.places:
                self.by_place[p].append(k)

    def near(self, item: _Item) -> list[_Group]:
        """The filed measures whose first figure's places may agree with `item`'s, in the order filed."""
        found = {k for p in item.places for k in self.by_reach.get(p, ())}
        found |= {k for p in item.places | item.reach for k in self.by_place.get(p, ())}
        return [self.groups[k] for k in sorted(found)]


def further_accounts(groups: list[_Group], exact_ok: Callable, window_ok: Callable, prune: bool = True
                     ) -> list[_Group]:
    """One report, several accounts: a figure left on its own because its report already gave the measure
    another value joins that measure when another speaker told it ("the minister said 386 were killed" ... "the
    UN spokesman said 700": two sources, one toll; an outlet that relays both disagrees with nobody, the
    sources do). Only a group of one report's figures moves, only into a group that holds other reports (a
    report's own two speakers alone are left as they were: the audit's business, not a disagreement between
    outlets), only when each of its figures fits there (place, period, size: `_Group.fits` without the
    one-value rule) and no figure of the same report and speaker there says otherwise."""
    def one_report(g: _Group) -> bool:
        return len({i.doc for i in g.items}) == 1

    def takes(host: _Group, item: _Item) -> bool:
        # the time first (a few comparisons; the rest reads every member of the host): the same answer, as
        # every condition must hold; a block of thousands of figures spent seconds on places otherwise
        if item.kind == "exact":
            if not (exact_ok(host, item) if host.exact or host.w_lo > _NEG else False):
                return False
        elif item.kind == "approx":
            if not window_ok(host, item):
                return False
        elif not (host.exact or host.w_lo > _NEG):
            return False
        if item.doc not in host.values and all(o.doc != item.doc for o in host.items):
            return False  # `told` below would be empty
        if not all(places_agree(item, other) for other in host.items):
            return False
        if item.value is not None and not accounts_comparable(
                item.value, (v for vs in host.values.values() for v in vs)):
            return False
        told = [o for o in host.items if o.doc == item.doc]
        return bool(told) and not any(o.teller == item.teller and o.value != item.value for o in told)

    hosts = [g for g in groups if not one_report(g)]
    near = _Hosts(hosts) if prune and (exact_ok, window_ok) == (_measure_time, _measure_window) else None
    out = []
    for g in groups:
        if one_report(g) and hosts:
            fitting = [h for h in (near.near(g.items) if near else hosts) if all(takes(h, i) for i in g.items)]
            if len(fitting) == 1:
                for i in g.items:
                    fitting[0].add(i)
                if near:
                    near.moved(fitting[0])
                continue
        out.append(g)
    return out


class _Hosts:
    """further_accounts' hosts, those with an exact period sorted by its earliest start (`min_lo`), so that
    a figure is compared only with the hosts its time can fit (speed only, same result: a block of thousands
    of figures compared each lone report with every host, 2 million comparisons and 15-30 s for the 10
    documents an incremental regroup added to a base of 100,000 claims).

    Of a host with an exact period, `_measure_time` asks an exact figure starting on day x for
    x - WINDOW_DAYS <= min_lo and max_lo <= x + WINDOW_DAYS (or min_lo == x), so min_lo lies in
    [x - WINDOW_DAYS, x + WINDOW_DAYS]; `_measure_window` asks an approximate one with window [lo, hi] for
    lo <= min_lo <= max_hi <= hi. Every figure of the moving group must fit, so its first timed figure's range
    bounds the candidates. Hosts without an exact period are always candidates; a host that takes figures is
    filed again under its new bounds."""

    def __init__(self, hosts: list[_Group]) -> None:
        self.others = [h for h in hosts if not h.exact]
        self.exact = sorted((h for h in hosts if h.exact), key=lambda h: h.min_lo)
        self.starts = [h.min_lo for h in self.exact]

    def near(self, items: list[_Item]) -> list[_Group]:
        timed = next((i for i in items if i.kind in ("exact", "approx")), None)
        if timed is None:
            return [*self.exact, *self.others]
        lo, hi = ((timed.lo - WINDOW_DAYS, timed.lo + WINDOW_DAYS) if timed.kind == "exact" else timed.window)
        return [*self.exact[bisect.bisect_left(self.starts, lo):bisect.bisect_right(self.starts, hi)], *self.others]

    def moved(self, host: _Group) -> None:
        """`host` took figures: its bounds (or its having an exact period) may have changed."""
        # by identity: groups compare by content (a dataclass)
        if any(h is host for h in self.others):
            self.others = [h for h in self.others if h is not host]
        else:
            i = next(k for k, h in enumerate(self.exact) if h is host)
            del self.exact[i], self.starts[i]
        if not host.exact:
            self.others.append(host)
            return
        i = bisect.bisect_right(self.starts, host.min_lo)
        self.exact.insert(i, host)
        self.starts.insert(i, host.min_lo)


def _ordinal(d) -> int | None:
    return d.toordinal() if d is not None else None


def _hash(parts: Iterable[str]) -> str:
    return hashlib.sha1("\n".join(sorted(parts)).encode()).hexdigest()[:20]


def value_range(value: float, low: float | None, high: float | None, qualifier: str | None,
                vague: str | None = None) -> tuple[float, float]:
    """The interval a reported figure allows: any count for a vague word ("several"), its bounds, ±10% when
    approximate, else the value itself."""
    if vague:
        return (1.0, float("inf"))
    if low is not None or high is not None:
        return (low if low is not None else 0.0, high if high is not None else float("inf"))
    if qualifier and qualifier.lower().strip() in APPROXIMATE:
        return (value * 0.9, value * 1.1)
    return (value, value)


def _norm(value: str | None) -> str:
    return " ".join((value or "").lower().split())


def _names(conn: sa.Connection) -> dict[str, str]:
    return dict(conn.execute(sa.select(t.entities.c.id, t.entities.c.name)).all())


def measure_key(qr) -> tuple[str, str, str]:
    """Which figures may be one measure: the same `what` (killed, injured, casualties and "killed and
    injured" are different measures), the same victims (`measure_whom`) and unit."""
    return (_norm(qr.what), measure_whom(qr.whom), _norm(qr.unit))


def _marker(n_claims: int, max_claim: int | None, latest: int, n_quantities: int) -> str:
    return f"{GROUPING_VERSION};claims={n_claims}:{max_claim};latest={latest};quantities={n_quantities}"


def marker(conn: sa.Connection) -> str:
    """What the grouping was computed from: changes whenever claims or latest versions change. The counts
    are read off `kb_counts`, which the database's triggers keep (0008_kbquery, 0010_kbscale): counting the
    claims and the latest documents took 160 ms of CPU (a second on the busy machine) at a million claims,
    on every opening of the knowledge base (each CLI question) and around every ingest."""
    kept = dict(conn.execute(sa.select(t.kb_counts.c.name, t.kb_counts.c.row_count).where(
        t.kb_counts.c.name.in_(["claims", "latest_documents", "quantities"]))).all())
    max_claim = conn.scalar(sa.select(sa.func.max(t.claims.c.id)))
    return _marker(kept["claims"], max_claim, kept["latest_documents"], kept["quantities"])


def _stored_marker(conn: sa.Connection) -> str | None:
    return conn.scalar(sa.select(t.kb_info.c.value).where(t.kb_info.c.key == _MARKER_KEY))


def is_stale(conn: sa.Connection) -> bool:
    return _stored_marker(conn) != marker(conn)


def current_marker(conn: sa.Connection) -> str | None:
    """The stored marker when the grouping is current, else None."""
    stored = _stored_marker(conn)
    return stored if stored == marker(conn) else None


def regroup(conn: sa.Connection) -> dict[str, int]:
    """Rebuild events and measures from the claims (call inside a transaction). Returns the new counts."""
    names = _names(conn)
    c, d, ce = t.claims, t.documents, t.claim_entities
    claim_rows = conn.execute(
        sa.select(c.c.id, c.c.key, c.c.document_id, c.c.sentence_id, c.c.predicate, c.c.mode, c.c.negated,
                  c.c.time_start, c.c.time_end, c.c.attributed_to, c.c.attributed_entity_id,
                  d.c.published_start, d.c.published_end)
        .join(d, d.c.id == c.c.document_id).where(d.c.is_latest).order_by(c.c.id)
    ).all()
    roles: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"subject": [], "object": [], "place": []})
    for claim_id, role, eid in conn.execute(
        sa.select(ce.c.claim_id, ce.c.role, ce.c.entity_id).join(c, c.c.id == ce.c.claim_id)
        .join(d, d.c.id == c.c.document_id).where(d.c.is_latest).order_by(ce.c.claim_id, ce.c.role, ce.c.position)
    ):
        if eid not in roles[claim_id][role]:
            roles[claim_id][role].append(eid)

    for table in t.DERIVED:
        conn.execute(sa.delete(table))

    n_events = _events(conn, claim_rows, roles, names)
    n_measures, n_disagreements, _ = _measures(conn, claim_rows, roles, names)
    network.rebuild(conn)
    _store_marker(conn)
    return {"events": n_events, "measures": n_measures, "disagreements": n_disagreements}


def _store_marker(conn: sa.Connection) -> None:
    info = t.kb_info
    conn.execute(sa.delete(info).where(info.c.key == _MARKER_KEY))
    conn.execute(sa.insert(info).values(key=_MARKER_KEY, value=marker(conn)))


# -- incremental --------------------------------------------------------------------------------------------
#
# Events are clustered within blocks of claims that share `event_block()`, measures within blocks of figures
# that share `measure_block()`, and nothing crosses a block. So after new documents arrive only the blocks that
# their claims (and the claims of the versions they replace) fall in can change: those blocks' events and
# measures are deleted and the blocks clustered again from all their current members, which gives exactly
# what a full regroup gives (the ids of the rebuilt rows differ; their keys and contents do not).

_CLAIM_COLUMNS = ("id", "key", "document_id", "sentence_id", "predicate", "mode", "negated", "time_start",
                  "time_end", "attributed_to", "attributed_entity_id")


def _claim_select():
    c, d = t.claims, t.documents
    return (sa.select(*(c.c[k] for k in _CLAIM_COLUMNS), d.c.published_start, d.c.published_end)
            .join(d, d.c.id == c.c.document_id))


def _roles_of(conn: sa.Connection, claim_ids, roles: dict) -> None:
    ce = t.claim_entities
    for chunk in _chunked(sorted(claim_ids)):
        for claim_id, role, eid in conn.execute(
                sa.select(ce.c.claim_id, ce.c.role, ce.c.entity_id).where(ce.c.claim_id.in_(chunk))
                .order_by(ce.c.claim_id, ce.c.role, ce.c.position)):
            if eid not in roles[claim_id][role]:
                roles[claim_id][role].append(eid)


def _chunked(values, size: int = 500):
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i:i + size]


def regroup_documents(conn: sa.Connection, doc_ids, before: str) -> dict[str, int] | None:
    """Regroup only the blocks that the documents `doc_ids` (written since the grouping was `before`) touch.
    None when the knowledge base is not exactly `before` plus those documents (a regroup or another writer in
    between, a deleted document): then only a full `regroup()` is right."""
    c, d, q = t.claims, t.documents, t.quantities
    doc_ids = sorted(set(doc_ids))
    if _stored_marker(conn) != before:
        return None
    n_claims = n_quantities = new_latest = 0
    max_claim: int | None = None
    previous: set[str] = set()
    for chunk in _chunked(doc_ids):
        n, top = conn.execute(sa.select(sa.func.count(), sa.func.max(c.c.id)).where(c.c.document_id.in_(chunk))).one()
        n_claims += n
        max_claim = top if max_claim is None or (top is not None and top > max_claim) else max_claim
        n_quantities += conn.scalar(sa.select(sa.func.count()).select_from(q).where(q.c.document_id.in_(chunk)))
        for _doc_id, prev in conn.execute(sa.select(d.c.id, d.c.previous_version_id).where(d.c.id.in_(chunk))):
            if prev is None:
                new_latest += 1
            else:
                previous.add(prev)
    fields = dict(part.split("=", 1) for part in before.split(";")[1:])
    old_n, old_max = fields["claims"].split(":")
    old_max_id = None if old_max == "None" else int(old_max)
    if old_max_id is not None and (max_claim is None or old_max_id > max_claim):
        max_claim = old_max_id
    expected = _marker(int(old_n) + n_claims, max_claim, int(fields["latest"]) + new_latest,
                       int(fields["quantities"]) + n_quantities)
    if expected != marker(conn) or not before.startswith(GROUPING_VERSION + ";"):
        return None
    touched = sorted(set(doc_ids) | previous)
    names = _names(conn)
    roles: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"subject": [], "object": [], "place": []})

    # events: the blocks of the touched documents' claims, with all their current members
    touched_claims = [r for chunk in _chunked(touched)
                      for r in conn.execute(_claim_select().where(c.c.document_id.in_(chunk))).all()]
    _roles_of(conn, [r.id for r in touched_claims], roles)
    keys = {event_block(r, roles[r.id]) for r in touched_claims}
    members = _event_members(conn, keys, roles)
    stale_events = _linked(conn, t.event_claims, "event_id", "claim_id",
                           {r.id for r in touched_claims} | {r.id for r in members})
    rewritten_events = _events(conn, members, roles, names, replace=stale_events)

    # measures: the blocks of the touched documents' figures, with all their current members
    touched_q = [r for chunk in _chunked(touched)
                 for r in conn.execute(sa.select(q).where(q.c.document_id.in_(chunk))).all()]
    mkeys = {measure_block(x) for x in touched_q}
    figures = _measure_members(conn, mkeys)
    claim_rows = [r for chunk in _chunked(sorted({x.claim_id for x in figures}))
                  for r in conn.execute(_claim_select().where(c.c.id.in_(chunk))).all()]
    touched_ids = {x.id for x in touched_q}
    # the figures whose measures can change: the new ones, those of the measures the touched figures were in,
    # and whatever can reach them (`_reachable`), not the whole block
    seeds = ({x.id for x in figures if x.document_id in set(touched)}
             | set(_linked_members(conn, _linked(conn, t.measure_values, "measure_id", "quantity_id", touched_ids))))
    items = _reachable(conn, figures, claim_rows, roles, seeds)
    stale_measures = _linked(conn, t.measure_values, "measure_id", "quantity_id",
                             touched_ids | {i.id for i in items})
    blocks: dict[tuple, list[_Item]] = defaultdict(list)
    for item in items:
        blocks[measure_block(item.data["q"])].append(item)
    rewritten_measures = _store_measures(conn, blocks, names, stale_measures)[2]

    # the network's edges that the touched claims have (a replaced version's edges too: they lose its claims)
    network.refresh(conn, {edge for r in touched_claims for edge in network.claim_edges(
        roles[r.id]["subject"], r.predicate, roles[r.id]["object"])})
    _store_marker(conn)
    ev, m = t.events, t.measures
    return {"events": conn.scalar(sa.select(sa.func.count()).select_from(ev)),
            "measures": conn.scalar(sa.select(sa.func.count()).select_from(m)),
            "disagreements": conn.scalar(sa.select(sa.func.count()).select_from(m).where(m.c.disagreement)),
            "regrouped_events": len(stale_events), "regrouped_claims": len(members),
            "rewritten_events": rewritten_events, "rewritten_measures": rewritten_measures,
            "regrouped_figures": len(items)}


def _may_share(a: _Item, b: _Item) -> bool:
    """Whether two figures can ever be members of one measure, each condition one that `cluster` and
    `further_accounts` check between a figure and every member of the measure it joins: places that agree
    (`places_agree`); values within MAX_ACCOUNT_RATIO (`accounts_comparable`; a vague figure has none);
    and times: two exact periods with starts and ends each within WINDOW_DAYS (`_measure_time`; one day
    each: the same day, within that), an approximate window holding an exact period (`_measure_window` on a
    measure with an exact period) or two windows that meet (on one without). A figure with no time may join
    any measure, and an exact one a measure with approximate windows only when that measure holds a figure
    of its report (`further_accounts`): `_reachable` links one report's figures apart from this test.
    A necessary condition, so that a regroup may leave alone every figure it does not link to a new one."""
    if not places_agree(a, b):
        return False
    if a.value is not None and b.value is not None and not accounts_comparable(a.value, (b.value,)):
        return False
    if a.kind == "none" or b.kind == "none":
        return True
    if a.kind == "exact" and b.kind == "exact":
        return abs(a.lo - b.lo) <= WINDOW_DAYS and abs(a.hi - b.hi) <= WINDOW_DAYS
    if a.kind == "approx" and b.kind == "approx":
        return a.window[0] <= b.window[1] and b.window[0] <= a.window[1]
    exact, approx = (a, b) if a.kind == "exact" else (b, a)
    return approx.window[0] <= exact.lo and exact.hi <= approx.window[1]


def _stored_measures(conn: sa.Connection, figures: dict[int, Any]) -> tuple[dict[int, int], dict[int, set[int]]]:
    """The stored grouping of `figures` (id -> row): each figure's measure, and each such measure's figures
    (all of them, a replaced version's too)."""
    mv = t.measure_values
    measure_of: dict[int, int] = {}
    for chunk in _chunked(sorted(figures)):
        measure_of.update(conn.execute(sa.select(mv.c.quantity_id, mv.c.measure_id)
                                       .where(mv.c.quantity_id.in_(chunk))).all())
    members_of: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunked(sorted(set(measure_of.values()))):
        for qid, mid in conn.execute(sa.select(mv.c.quantity_id, mv.c.measure_id).where(mv.c.measure_id.in_(chunk))):
            members_of[mid].add(qid)
    return measure_of, dict(members_of)


def _linked_members(conn: sa.Connection, measure_ids: set[int]) -> set[int]:
    """The figures of the stored measures `measure_ids`."""
    mv = t.measure_values
    return {qid for chunk in _chunked(sorted(measure_ids))
            for qid in conn.scalars(sa.select(mv.c.quantity_id).where(mv.c.measure_id.in_(chunk)))}


#: Days added on each side of a figure's time span when looking for the figures it can share a measure with.
#: The conditions need far less (an exact period's start within WINDOW_DAYS of every member's, an approximate
#: window overlapping or containing the others'); the margin only makes the search wider, never the result
#: different (tests/test_kb_scale.py compares the incremental regroup with a full one).
REACH_MARGIN_DAYS = 2 * WINDOW_DAYS + 1


def _reachable(conn: sa.Connection, figures: list, claim_rows: list, roles: dict, seeds: set[int]) -> list[_Item]:
    """The items of the figures (of `figures`, the touched blocks' members) whose measures a regroup must
    work out again: the seeds' (new figures, and those of the measures a replaced version was in), each with
    its stored measure's, then, while clustering them gives a measure that differs from the stored ones, every
    figure that may share a measure with a member of such a measure (`_may_share`: places, values and times
    that `cluster` and `further_accounts` compare with every member; or one report) with its stored measure's
    (the loop at the end says why that is enough). Clustering the result gives its measures as the whole
    block would, and every other figure keeps its stored measure (tests/test_kb_scale.py compares the
    incremental regroup with a full one). A figure with no time at all may join any measure its place fits
    (`cluster`'s last pass): its neighbours are the timed figures whose places agree with it, found through
    the places (`naming`). Places are worked out only for the figures the search reaches (a document at a
    time), so a block of thousands of figures over ten years costs what the days around the new ones hold."""
    by_claim = {r.id: r for r in claim_rows if not r.negated}
    rows = [x for x in figures if x.claim_id in by_claim and x.restates_start is None]
    span: dict[int, tuple[int, int]] = {}
    timeless: set[int] = set()
    for x in rows:
        claim = by_claim[x.claim_id]
        lo, hi = _ordinal(claim.time_start), _ordinal(claim.time_end)
        if lo is not None or hi is not None:
            span[x.id] = ((_NEG if lo is None else lo - REACH_MARGIN_DAYS),
                          (_POS if hi is None else hi + REACH_MARGIN_DAYS))
        elif _window(claim) is not None:
            lo, hi = _window(claim)
            span[x.id] = (lo - REACH_MARGIN_DAYS, hi + REACH_MARGIN_DAYS)
        else:
            timeless.add(x.id)
    placer = _Placer(conn)
    row_of = {x.id: x for x in rows}
    of_doc: dict[str, list[int]] = defaultdict(list)
    for x in rows:
        of_doc[x.document_id].append(x.id)
    order = sorted(span, key=lambda i: span[i])
    starts = [span[i][0] for i in order]
    longest = max((hi - lo for lo, hi in span.values()), default=0)
    placed: dict[int, _Item] = {}
    below: dict[str, set[str]] = defaultdict(set)  # a place -> the places in it (itself included)
    for eid, chain in placer.chains.items():
        for up in chain:
            below[up].add(eid)

    def place(ids: set[int]) -> None:
        ids = {i for i in ids if i not in placed}
        if not ids:
            return
        docs = {row_of[i].document_id for i in ids}
        ids |= {j for d in docs for j in of_doc[d] if j not in placed}  # a document's figures at once
        claims = {row_of[i].claim_id for i in ids}
        _roles_of(conn, [c for c in claims if c not in roles], roles)
        for item in placer.items([row_of[i] for i in sorted(ids)], by_claim, roles, docs):
            placed[item.id] = item

    def naming(items: list[_Item]) -> set[int]:
        """The timed figures whose places can agree with one of `items` (timeless figures): those of the
        documents that name, or whose claims have, a place of an item's reach or a place inside one of its
        places (a figure's places and their reach come from its document's mentions and its claim's roles,
        with what contains them)."""
        wanted = sorted({p for item in items for p in item.reach}
                        | {b for item in items for p in item.places for b in below.get(p, {p})})
        m, ce = t.mentions, t.claim_entities
        docs: set[str] = set()
        for chunk in _chunked(wanted):
            docs |= set(conn.scalars(sa.select(m.c.document_id).where(m.c.entity_id.in_(chunk)).distinct()))
            docs |= {row_of[j].document_id for j in (
                i for claim_id in conn.scalars(sa.select(ce.c.claim_id).where(ce.c.entity_id.in_(chunk)).distinct())
                for i in by_claim_figures.get(claim_id, ()))}
        return {j for d in docs for j in of_doc.get(d, ()) if j in span}

    by_claim_figures: dict[int, list[int]] = defaultdict(list)
    for x in rows:
        by_claim_figures[x.claim_id].append(x.id)
    # a figure with no time may join any measure of the block that its place fits (`cluster`'s last pass):
    # it is linked to every timed figure whose places agree with it; they are few (undated reports)
    place(timeless)
    block_of = {x.id: measure_block(x) for x in rows}
    measure_of, members_of = _stored_measures(conn, row_of)

    def closed(ids: set[int]) -> set[int]:
        """`ids` with every figure of the stored measures they are in."""
        return ids | {j for i in ids if i in measure_of for j in members_of[measure_of[i]] if j in row_of}

    def neighbours(ids: set[int], found: set[int]) -> set[int]:
        """The figures not in `found` that may share a measure with one of `ids` (`_may_share`), or that
        share its report."""
        near: dict[int, set[int]] = {}
        for i in ids & span.keys():
            lo, hi = span[i]
            first = bisect.bisect_left(starts, lo - longest) if lo - longest > _NEG else 0
            near[i] = {order[k] for k in range(first, bisect.bisect_right(starts, hi))
                       if order[k] not in found and span[order[k]][1] >= lo} | (timeless - found)
        lone = [placed[i] for i in ids & timeless if i in placed and placed[i].places]
        candidates = naming(lone) - found if lone else set()
        for i in ids & timeless:
            near[i] = set(candidates)
        place({j for js in near.values() for j in js})
        out: set[int] = set()
        for i, js in near.items():
            out |= {j for j in of_doc[row_of[i].document_id] if j not in found}  # one report's figures
            if i in placed:
                out |= {j for j in js if j in placed and block_of[j] == block_of[i]
                        and _may_share(placed[i], placed[j])}
        return out - found

    # Settle: cluster the seeds (with their stored measures' figures) and widen only around what comes out
    # changed. A figure outside that may share a measure with no member of a changed measure meets, in
    # `cluster` and `further_accounts`, only measures that stay as stored (the stored grouping was the whole
    # block's), so it keeps its measure; one that may is taken in (with its stored measure) and the part is
    # clustered again, until no changed measure has such a neighbour. The cascades a new figure sets off
    # die out within days, where the graph of figures that may share a measure joins a whole block of
    # thousands over years (a town's daily tolls, through the province's).
    found = closed({i for i in seeds if i in row_of})
    while True:
        place(found)
        part: dict[tuple, list[_Item]] = defaultdict(list)
        for i in sorted(found):
            if i in placed:
                part[block_of[i]].append(placed[i])
        changed: set[int] = set()
        for items in part.values():
            for group in cluster(items, _measure_time, _measure_window, measures=True):
                ids = {item.id for item in group}
                stored = members_of.get(measure_of.get(group[0].id))
                if stored != ids:
                    changed |= ids
        more = neighbours(changed, found)
        if not more:
            break
        found |= closed(more)
    return sorted((placed[i] for i in found if i in placed), key=lambda item: item.id)


def _linked(conn: sa.Connection, table: sa.Table, owner: str, member: str, ids) -> set[int]:
    out: set[int] = set()
    for chunk in _chunked(sorted(ids)):
        out |= set(conn.scalars(sa.select(table.c[owner]).where(table.c[member].in_(chunk)).distinct()))
    return out


def _delete_rows(conn: sa.Connection, ids: set[int], children, parent: sa.Table, fk: str) -> None:
    for chunk in _chunked(sorted(ids)):
        for child in children:
            conn.execute(sa.delete(child).where(child.c[fk].in_(chunk)))
        conn.execute(sa.delete(parent).where(parent.c.id.in_(chunk)))


def _event_members(conn: sa.Connection, keys: set[tuple], roles: dict) -> list:
    """The current (latest-version) claims whose event block is one of `keys`: found through one of each
    block's actors (the claim_entities index), or by predicate for blocks with no actor."""
    c, d, ce = t.claims, t.documents, t.claim_entities
    anchored: dict[tuple[str, str], set[str]] = defaultdict(set)
    bare: set[str] = set()
    for predicate, _negated, subjects, objects in keys:
        if subjects:
            anchored[(subjects[0], "subject")].add(predicate)
        elif objects:
            anchored[(objects[0], "object")].add(predicate)
        else:
            bare.add(predicate)
    candidates: set[int] = set()
    for (eid, role), predicates in sorted(anchored.items()):
        candidates |= set(conn.scalars(
            sa.select(ce.c.claim_id).join(c, c.c.id == ce.c.claim_id)
            .where(ce.c.entity_id == eid, ce.c.role == role, c.c.predicate.in_(sorted(predicates)))))
    if bare:
        actors = sa.select(ce.c.claim_id).where(ce.c.claim_id == c.c.id, ce.c.role.in_(["subject", "object"]))
        candidates |= set(conn.scalars(sa.select(c.c.id).where(c.c.predicate.in_(sorted(bare)),
                                                                ~sa.exists(actors))))
    rows = [r for chunk in _chunked(sorted(candidates))
            for r in conn.execute(_claim_select().where(c.c.id.in_(chunk), d.c.is_latest)).all()]
    _roles_of(conn, [r.id for r in rows if r.id not in roles], roles)
    return sorted((r for r in rows if event_block(r, roles[r.id]) in keys), key=lambda r: r.id)


def _measure_members(conn: sa.Connection, keys: set[tuple]) -> list:
    """The figures that take part in grouping (latest version, claim not negated, not a restatement, first of
    its span) and whose measure block is one of `keys`: found through `what` (indexed)."""
    q, c, d = t.quantities, t.claims, t.documents
    if not keys:
        return []
    wanted = {k[0] for k in keys}
    raws = [w for w in conn.scalars(sa.select(q.c.what).where(q.c.what.is_not(None)).distinct())
            if _norm(w) in wanted]
    q2, c2 = q.alias("q2"), c.alias("c2")
    earlier = (sa.select(q2.c.id).join(c2, c2.c.id == q2.c.claim_id)
               .where(q2.c.document_id == q.c.document_id, q2.c.char_start == q.c.char_start,
                      q2.c.char_end == q.c.char_end, q2.c.id < q.c.id, q2.c.restates_start.is_(None),
                      sa.not_(c2.c.negated)))
    base = (sa.select(q).join(c, c.c.id == q.c.claim_id).join(d, d.c.id == c.c.document_id)
            .where(d.c.is_latest, sa.not_(c.c.negated), q.c.restates_start.is_(None), ~sa.exists(earlier)))
    rows = []
    for chunk in _chunked(sorted(raws)):
        rows += conn.execute(base.where(q.c.what.in_(chunk))).all()
    if "" in wanted:
        rows += conn.execute(base.where(q.c.what.is_(None))).all()
    return sorted((x for x in rows if measure_block(x) in keys), key=lambda x: x.id)


def _window(row) -> tuple[int, int] | None:
    """The approximate window of a claim with no time of its own: the days before its document appeared
    (only for documents dated to the day, the week or the month)."""
    start, end = row.published_start, row.published_end
    if start is None or end is None or (end - start).days > 31:
        return None
    return (start.toordinal() - APPROX_DAYS_BEFORE, end.toordinal() + 1)


def _item(item_id: int, row, places: frozenset[str], data: dict[str, Any], value: float | None = None) -> _Item:
    return _Item(item_id, row.document_id, _ordinal(row.time_start), _ordinal(row.time_end), _window(row), places,
                 data, value)


def _label(ids: Iterable[str], names: dict[str, str]) -> str:
    return ", ".join(names.get(i, i) for i in ids) or "?"


def event_block(row, rl: dict[str, list[str]]) -> tuple:
    """The block a claim's event is found in: claims of different blocks are never one event (incremental
    regrouping relies on it)."""
    return (row.predicate, bool(row.negated), tuple(sorted(rl["subject"])), tuple(sorted(rl["object"])))


def measure_block(qr) -> tuple:
    """The block a figure's measure is found in: figures of different blocks are never one measure
    (`measure_key`)."""
    return measure_key(qr)


def _kept(conn: sa.Connection, table: sa.Table, values: list[dict[str, Any]], replace: set[int] | None
          ) -> list[int | None]:
    """For each new group row of `values`: the id of the stored row among `replace` (the rows the new ones
    replace) with the same key and the same content, which is then kept as it is, else None. The rows of
    `replace` that nothing keeps are deleted (with their members). An incremental regroup thus rewrites only
    the groups that changed, not every group of a block it reclusters."""
    kept: list[int | None] = [None] * len(values)
    if replace:
        columns = list(values[0]) if values else []
        stored: dict[str, Any] = {}
        for chunk in _chunked(sorted(replace)):
            for r in conn.execute(sa.select(table.c.id, *(table.c[k] for k in columns))
                                  .where(table.c.id.in_(chunk))):
                stored[r._mapping["key"]] = r._mapping
        for i, v in enumerate(values):
            row = stored.get(v["key"])
            if row is not None and all(row[k] == v[k] for k in columns):
                kept[i] = row["id"]
        children = (t.event_entities, t.event_claims) if table is t.events else (t.measure_values,)
        fk = "event_id" if table is t.events else "measure_id"
        _delete_rows(conn, set(replace) - {i for i in kept if i is not None}, children, table, fk)
    return kept


def _events(conn, claim_rows, roles, names, replace: set[int] | None = None) -> int:
    """Cluster the claims' events and store them; returns the events written. replace: the ids of stored
    events these replace (an incremental regroup's blocks): unchanged ones are kept (`_kept`)."""
    blocks: dict[tuple, list[_Item]] = defaultdict(list)
    for r in claim_rows:
        rl = roles.get(r.id, {"subject": [], "object": [], "place": []})
        blocks[event_block(r, rl)].append(_item(r.id, r, frozenset(rl["place"]), {"row": r}))
    values, members = [], []
    for (predicate, negated, subjects, objects), items in sorted(blocks.items()):
        for group in cluster(items, _event_time, _event_window, timeless=predicate in STANDING_RELATIONS):
            rows = [i.data["row"] for i in group]
            places = sorted({p for i in group for p in i.places})
            starts = [r.time_start for r in rows if r.time_start]
            ends = [r.time_end for r in rows if r.time_end]
            reported = [r.published_start for r in rows if r.published_start]
            modes = sorted({r.mode for r in rows if r.mode})
            label = f"{_label(subjects, names)} {'NOT ' if negated else ''}{predicate}"
            if modes:
                label += "/" + "/".join(modes)
            if objects:
                label += f" {_label(objects, names)}"
            if places:
                label += f" in {_label(places, names)}"
            values.append({
                "key": _hash(r.key for r in rows), "predicate": predicate, "negated": negated, "modes": modes,
                "subject_ids": list(subjects), "object_ids": list(objects), "place_ids": places, "label": label,
                "time_start": min(starts) if starts else None, "time_end": max(ends) if ends else None,
                "first_reported": min(reported) if reported else None,
                "last_reported": max(reported) if reported else None,
                "claim_count": len(rows), "document_count": len({r.document_id for r in rows}),
            })
            # the timeline's order, kept for its index (0008_kbquery): the event's time, else its first report
            values[-1]["sort_day"] = values[-1]["time_start"] or values[-1]["first_reported"]
            values[-1]["undated"] = values[-1]["sort_day"] is None
            members.append((rows, subjects, objects, places))
    kept = _kept(conn, t.events, values, replace)
    values = [v for v, k in zip(values, kept, strict=True) if k is None]
    members = [m for m, k in zip(members, kept, strict=True) if k is None]
    if not values:
        return 0
    ids = list(conn.scalars(sa.insert(t.events).returning(t.events.c.id, sort_by_parameter_order=True), values))
    links, ents = [], []
    for event_id, value, (rows, subjects, objects, places) in zip(ids, values, members, strict=True):
        links += [{"event_id": event_id, "claim_id": r.id} for r in rows]
        for role, eids in (("subject", subjects), ("object", objects), ("place", places)):
            ents += [{"event_id": event_id, "role": role, "entity_id": e, "undated": value["undated"],
                      "sort_day": value["sort_day"]} for e in dict.fromkeys(eids)]
    conn.execute(sa.insert(t.event_claims), links)
    if ents:
        conn.execute(sa.insert(t.event_entities), ents)
    return len(ids)


#: How many of a report's first place-naming sentences count as its lead: a wire report's header lines
#: ("ISAF Joint Command - Afghanistan", "KABUL, Afghanistan (May 22)") come before the sentence that says
#: where it happened. Set on the ISAF dev releases (3 covers their header lines) and kept small so that a
#: place named deep in a report's background never locates it.
LEAD_SENTENCES = 3

#: A report whose headline or lead names more places than this (none inside another) says where several
#: things happened, not where its figures are: they stay unlocated. Two covers "in the gulf, in the
#: sea beyond it"; set by hand, checked on the ISAF dev releases (a round-up of raids in three provinces).
MAX_REPORT_PLACES = 2

#: Entity types that locate a figure (a state is a place when it is where something happened).
PLACE_TYPES = ("place", "state", "border", "infrastructure")


def place_chains(conn: sa.Connection) -> dict[str, tuple[str, ...]]:
    """Every place-like entity -> itself and what contains it: its parents up the gazetteer's `parent`
    links, then its country ('PAHALGAM' -> PAHALGAM, JAMMU_AND_KASHMIR, IND)."""
    e = t.entities
    info = {r.id: (r.parent, r.country) for r in conn.execute(
        sa.select(e.c.id, e.c.parent, e.c.country).where(e.c.type.in_(PLACE_TYPES)))}
    chains: dict[str, tuple[str, ...]] = {}
    for eid in info:
        chain, at = [eid], eid
        while at in info and info[at][0] and info[at][0] not in chain and len(chain) < 12:
            at = info[at][0]
            chain.append(at)
        country = info[eid][1]
        if country and country not in chain:
            chain.append(country)
        chains[eid] = tuple(chain)
    return chains


def document_places(conn: sa.Connection, chains: dict[str, tuple[str, ...]] | None = None,
                    documents: set[str] | None = None) -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    """(document -> where it reports from, document -> its anchor place).

    Where a report is: the places below a state that its headline names and those of its lead, the first
    of its first LEAD_SENTENCES place-naming sentences that names one ("US strike on <country>'s port" is
    about the port), else the states of its headline and lead; the most specific only (Helmand, not also
    Afghanistan); never a dateline's city in capitals ("KABUL, Afghanistan —" is where the report was
    filed, not where it happened) when anything else is named.
    The anchor: the gazetteer place the document mentions most, used to locate the places the gazetteer
    does not know (a village that only NER found lies where the document's other places are).
    documents: only these (an incremental regroup's figures' documents); None: every latest one."""
    d, m, e, s = t.documents, t.mentions, t.entities, t.sentences
    heads = sa.select(d.c.id, d.c.title, sa.func.substr(d.c.text, 1, 400).label("text")).where(d.c.is_latest)
    titles = {r.id: len(r.title) if r.title and r.text.startswith(r.title) else 0 for r in (
        conn.execute(heads) if documents is None
        else (r for chunk in _chunked(sorted(documents)) for r in conn.execute(heads.where(d.c.id.in_(chunk)))))}
    places = (sa.select(m.c.document_id, m.c.entity_id, m.c.char_start, m.c.text, e.c.type, e.c.is_local, s.c.idx)
              .join(e, e.c.id == m.c.entity_id).outerjoin(s, s.c.id == m.c.sentence_id)
              .where(e.c.type.in_(PLACE_TYPES)).order_by(m.c.document_id, m.c.char_start))
    rows = [r for chunk in _chunked(sorted(titles)) for r in conn.execute(places.where(m.c.document_id.in_(chunk)))]
    by_doc: dict[str, list] = defaultdict(list)
    for r in rows:
        by_doc[r.document_id].append(r)
    where: dict[str, frozenset[str]] = {}
    anchors: dict[str, str] = {}
    for doc, ms in by_doc.items():
        title_end = titles.get(doc, 0)
        ms = [r for r in ms if not _dateline_caps(r.text)] or ms
        body = sorted({r.idx for r in ms if r.idx is not None and r.char_start >= title_end})[:LEAD_SENTENCES]
        head = [r for r in ms if r.char_start < title_end and r.type != "state"]
        for idx in body:  # the lead: the first of its sentences naming a place below a state
            lead = [r for r in ms if r.idx == idx and r.type != "state" and r.char_start >= title_end]
            if lead:
                head += lead
                break
        if not head:  # states only: those of the headline and the first sentence that names a place
            head = [r for r in ms if r.char_start < title_end or (body and r.idx == body[0])]
        counts: dict[str, int] = defaultdict(int)
        for r in ms:
            if r.type == "place" and not r.is_local:
                counts[r.entity_id] += 1
        if counts:
            anchors[doc] = max(sorted(counts), key=lambda k: counts[k])
        places = {r.entity_id for r in head}
        if chains:  # the most specific: drop what contains another named place
            places = set(most_specific(frozenset(places), chains))
        if 0 < len(places) <= MAX_REPORT_PLACES:  # more is a list ("raids in A, B and C"), not a location
            where[doc] = frozenset(places)
    return where, anchors


def sentence_places(conn: sa.Connection, chains: dict[str, tuple[str, ...]],
                    documents: set[str] | None = None) -> dict[int, frozenset[str]]:
    """sentence -> the places below a state it names (the most specific; never a dateline's city in capitals),
    for sentences of the latest documents that name at most MAX_REPORT_PLACES of them (more is a list of
    places, not where one thing happened). documents: only their sentences (as `document_places`)."""
    d, m, e = t.documents, t.mentions, t.entities
    found: dict[int, set[str]] = defaultdict(set)
    query = (sa.select(m.c.sentence_id, m.c.entity_id, m.c.text).join(e, e.c.id == m.c.entity_id)
             .join(d, d.c.id == m.c.document_id)
             .where(d.c.is_latest, e.c.type.in_(PLACE_TYPES), e.c.type != "state", m.c.sentence_id.is_not(None)))
    for r in _mentions_of(conn, query, documents):
        if not _dateline_caps(r.text):
            found[r.sentence_id].add(r.entity_id)
    out = {}
    for sid, places in found.items():
        places = most_specific(frozenset(places), chains)
        if len(places) <= MAX_REPORT_PLACES:
            out[sid] = places
    return out


def _mentions_of(conn: sa.Connection, query: sa.Select, documents: set[str] | None) -> Iterable:
    """The rows of `query` (over mentions) of `documents` only (by the mentions' document index), or of all."""
    if documents is None:
        return conn.execute(query)
    m = t.mentions
    return (r for chunk in _chunked(sorted(documents)) for r in conn.execute(query.where(m.c.document_id.in_(chunk))))


def _states_and_counts(conn: sa.Connection, states: frozenset[str], country_of: dict[str, str],
                       documents: set[str] | None = None
                       ) -> tuple[dict[int, set[str]], dict[str, dict[str, int]]]:
    """(sentence -> the states it names, document -> how often it names each place that lies in a country);
    documents: only theirs."""
    d, m = t.documents, t.mentions
    named: dict[int, set[str]] = defaultdict(set)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in _mentions_of(conn, sa.select(m.c.document_id, m.c.sentence_id, m.c.entity_id)
                          .join(d, d.c.id == m.c.document_id).where(d.c.is_latest), documents):
        if r.entity_id in states:
            if r.sentence_id is not None:
                named[r.sentence_id].add(r.entity_id)
        elif r.entity_id in country_of:
            counts[r.document_id][r.entity_id] += 1
    return named, counts


def _in_named_state(claim, rl: dict[str, list[str]], report: frozenset[str], states: frozenset[str],
                    named_states: dict[int, set[str]], doc_counts: dict[str, dict[str, int]],
                    country_of: dict[str, str]) -> frozenset[str]:
    """A figure whose claim or sentence names only a state ("US strikes on a fuel port in <state> killed 47")
    while its report's lead lies elsewhere (a region, a sea named in background): the place inside that state
    its report names most (the port, named further down), when one is named most; nothing otherwise."""
    named = ({p for p in rl.get("object", []) + rl.get("place", []) if p in states}
             | named_states.get(claim.sentence_id, set()))
    if not named or {country_of.get(p) for p in report} & named:
        return frozenset()
    inside = {p: n for p, n in doc_counts.get(claim.document_id, {}).items() if country_of[p] in named}
    if not inside:
        return frozenset()
    top = max(inside.values())
    best = [p for p, n in inside.items() if n == top]
    return frozenset(best) if len(best) == 1 else frozenset()


def _in_report(places: frozenset[str], report: frozenset[str], country_of: dict[str, str]) -> frozenset[str]:
    """The places of a sentence that can be where its report's story is: in a country of the report's own
    places (a report from one country whose sentence names a spokesman whose name is also a foreign port's
    is not placed in that port's country); all of them when the report's places lie in no country (a sea, a region)."""
    home = {country_of[p] for p in report if p in country_of}
    if not home:
        return places
    return frozenset(p for p in places if country_of.get(p) in home or p not in country_of)


def most_specific(places: frozenset[str], chains: dict[str, tuple[str, ...]]) -> frozenset[str]:
    """The places that contain no other of them by the gazetteer: "in Barmal district, Paktika province" is in
    the district (the province would let it match every other district of the province). A place only NER
    found keeps its province beside it: where it lies is a guess (`place_reach`), and two reports often name
    one incident's place by two unknown names (a village, its township), which meet only in the province."""
    return frozenset(p for p in places if not any(p in chains.get(o, ())[1:] for o in places if o != p))


def _chain(place: str, chains: dict[str, tuple[str, ...]], anchor: str | None) -> tuple[str, ...]:
    """A place and what contains it; a place the gazetteer does not locate lies in the anchor place."""
    chain = chains.get(place, (place,))
    if len(chain) == 1 and anchor and anchor != place and place.startswith("local:"):
        chain = chain + chains.get(anchor, (anchor,))
    return chain


def _dateline_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) > 3 and all(ch.isupper() for ch in letters)


def place_reach(places: frozenset[str], chains: dict[str, tuple[str, ...]], anchor: str | None,
                states: frozenset[str] = frozenset()) -> frozenset[str]:
    """The places and everything below a state that contains them (a district's province); a place the
    gazetteer does not locate (no parent, no country) is taken to lie in the document's anchor place.

    A state is left out of the reach of the places inside it: a country is too coarse to say that two
    figures are about one incident (two operations in one country on one day are common), so a figure
    located only by its country matches only another located by that same country."""
    out: set[str] = set()
    for p in places:
        chain = _chain(p, chains, anchor)
        out.add(p)
        out.update(c for c in chain[1:] if c not in states)
    return frozenset(out)


def measure_whom(whom: str | None) -> str:
    """The victims a figure counts, as grouping compares them: the kept categories of `measure_whom_kept`
    (quantities.yaml: combatants, and subsets such as children) stay apart; everything else — no `whom`,
    'civilians', people named by origin or role ('crew members', a nationality) — is the one toll of
    people an incident has, told in each outlet's words."""
    w = _norm(whom)
    return w if w in _kept_whom() else "people"


@functools.cache
def _kept_whom() -> frozenset[str]:
    """The victims `measure_whom` keeps apart, normalised once (it runs for every stored figure)."""
    from claimgraph.rules import load

    return frozenset(_norm(k) for k in load("quantities").get("measure_whom_kept", []))


def _measures(conn, claim_rows, roles, names, quantity_rows=None, replace: set[int] | None = None
              ) -> tuple[int, int, int]:
    """Cluster the figures into measures and store them: (measures, disagreements, measures written).
    quantity_rows: the figures to group (in id order; default: every stored one). replace: the ids of stored
    measures these replace (an incremental regroup's blocks): unchanged ones are kept (`_kept`)."""
    q = t.quantities
    by_claim = {r.id: r for r in claim_rows if not r.negated}
    if not by_claim:
        _kept(conn, t.measures, [], replace)
        return 0, 0, 0
    # only the documents of the figures grouped (an incremental regroup's blocks), not every document: a
    # figure's claim, sentence and report are its document's (scanning every mention was 1.2 s of a 3.7 s
    # incremental regroup of 10 documents on a 20,000-claim bench_kb base, and grows with the base)
    documents = None if quantity_rows is None else {x.document_id for x in quantity_rows}
    if quantity_rows is None:
        quantity_rows = conn.execute(sa.select(q).order_by(q.c.id))
    blocks: dict[tuple, list[_Item]] = defaultdict(list)
    for item in _Placer(conn).items(quantity_rows, by_claim, roles, documents):
        blocks[measure_block(item.data["q"])].append(item)
    return _store_measures(conn, blocks, names, replace)


class _Placer:
    """Makes the figures' items (`_Item`: time, where, who told it) a document at a time: every input is the
    figure's own document's (its mentions, lead, earlier tolls) or the gazetteer's, so an incremental regroup
    can place only the figures it needs, in several calls, and get what a full regroup gets."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.chains = place_chains(conn)
        self.states = frozenset(conn.scalars(sa.select(t.entities.c.id).where(t.entities.c.type == "state")))
        e = t.entities
        self.country_of = {r.id: (r.id if r.type == "state" else r.country) for r in conn.execute(
            sa.select(e.c.id, e.c.type, e.c.country).where(e.c.type.in_(PLACE_TYPES)))
            if r.type == "state" or r.country}

    def items(self, quantity_rows, by_claim: dict, roles: dict, documents: set[str] | None = None
              ) -> list[_Item]:
        """The items of `quantity_rows` (figures of negated claims, restatements and repeats left out);
        documents: theirs, when known (None: every latest document's places are read)."""
        conn, chains, states, country_of = self.conn, self.chains, self.states, self.country_of
        out: list[_Item] = []
        doc_where, anchors = document_places(conn, chains, documents)
        in_sentence = sentence_places(conn, chains, documents)
        named_states, doc_counts = _states_and_counts(conn, states, country_of, documents)
        earlier = earlier_tolls(conn, documents)
        seen: set[tuple] = set()
        for qr in quantity_rows:
            claim = by_claim.get(qr.claim_id)
            if claim is None or qr.restates_start is not None:
                continue
            ident = (qr.document_id, qr.char_start, qr.char_end)
            if ident in seen:
                continue
            seen.add(ident)
            rl = roles.get(claim.id, {})
            # where: the claim's place; else a place it targets ("strikes on the port", "an attack on a ship in
            # the gulf"); else a place its sentence names ("126 were wounded in Thursday's strikes on the port of
            # X": the clause's place, where the parse did not attach it); else where its report is
            report = doc_where.get(claim.document_id, frozenset())
            places = most_specific(frozenset(rl.get("place", []))
                                   or frozenset(o for o in rl.get("object", []) if o in chains and o not in states)
                                   or _in_report(in_sentence.get(claim.sentence_id, frozenset()), report, country_of)
                                   or _in_named_state(claim, rl, report, states, named_states, doc_counts, country_of)
                                   or report, chains)
            value = None if qr.vague else qr.value
            item = _item(qr.id, claim, places, {"q": qr, "claim": claim}, value)
            item.reach = place_reach(places, chains, anchors.get(claim.document_id), states)
            item.coarse = bool(places) and places <= states
            item.teller = claim.attributed_entity_id or _norm(claim.attributed_to)
            if qr.id in earlier:  # an earlier toll ("up from 21"): the report's account of another moment
                item.teller = f"earlier:{item.teller}"
            out.append(item)
        return out


def _store_measures(conn, blocks: dict[tuple, list[_Item]], names, replace: set[int] | None
                    ) -> tuple[int, int, int]:
    """Cluster each block's items into measures and store them (see `_measures`)."""
    values, members = [], []
    for _key, items in sorted(blocks.items()):
        for group in cluster(items, _measure_time, _measure_window, measures=True):
            qs = [i.data["q"] for i in group]
            claims = [i.data["claim"] for i in group]
            places = sorted({p for i in group for p in i.places})
            starts = [c.time_start for c in claims if c.time_start]
            ends = [c.time_end for c in claims if c.time_end]
            ranges = [value_range(x.value, x.low, x.high, x.qualifier, x.vague) for x in qs]
            distinct = {x.value for x in qs}
            exact = {x.value for x in qs if not x.vague}
            compatible = max(r[0] for r in ranges) <= min(r[1] for r in ranges)
            first = qs[0]
            period = ""
            if starts or ends:
                a = min(starts).isoformat() if starts else "…"
                b = max(ends).isoformat() if ends else "…"
                period = a if a == b else f"{a} – {b}"
            label = " · ".join(p for p in (first.what or "?", first.whom or first.unit or "", period,
                                           _label(places, names) if places else "") if p)
            values.append({
                "key": _hash(f"{x.document_id}:{x.char_start}-{x.char_end}" for x in qs),
                "what": first.what, "whom": first.whom, "unit": first.unit,
                "period_start": min(starts) if starts else None, "period_end": max(ends) if ends else None,
                "place_ids": places, "label": label, "value_count": len(qs), "distinct_values": len(distinct),
                "document_count": len({x.document_id for x in qs}), "min_value": min(distinct),
                "max_value": max(distinct), "disagreement": len(exact) > 1 or not compatible,
                "compatible": compatible,
            })
            members.append(list(zip(qs, claims, strict=True)))
    n_measures, n_disagreements = len(values), sum(1 for v in values if v["disagreement"])
    kept = _kept(conn, t.measures, values, replace)
    values = [v for v, k in zip(values, kept, strict=True) if k is None]
    members = [m for m, k in zip(members, kept, strict=True) if k is None]
    if not values:
        return n_measures, n_disagreements, 0
    ids = list(conn.scalars(sa.insert(t.measures).returning(t.measures.c.id, sort_by_parameter_order=True), values))
    rows = []
    for measure_id, pairs in zip(ids, members, strict=True):
        rows += [{"measure_id": measure_id, "quantity_id": x.id, "claim_id": claim.id, "document_id": x.document_id,
                  "sentence_id": claim.sentence_id, "value": x.value, "low": x.low, "high": x.high,
                  "qualifier": x.qualifier, "text": x.text} for x, claim in pairs]
    conn.execute(sa.insert(t.measure_values), rows)
    return n_measures, n_disagreements, len(ids)


def earlier_tolls(conn: sa.Connection, documents: set[str] | None) -> set[int]:
    """The stored figures that are an earlier toll an update replaces ("rose to 64, up from 21": the 21;
    `tally.is_earlier_toll` on the text right before each figure), of the given documents (default: all
    latest ones). The text before a figure is cut out by the database (no document text is loaded)."""
    from claimgraph.claims.tally import EARLIER_TOLL_WINDOW, is_earlier_toll

    q, d = t.quantities, t.documents
    first = sa.case((q.c.char_start > EARLIER_TOLL_WINDOW, q.c.char_start - EARLIER_TOLL_WINDOW), else_=0)
    query = (sa.select(q.c.id, sa.func.substr(d.c.text, first + 1, q.c.char_start - first))
             .join(d, d.c.id == q.c.document_id).where(d.c.is_latest))
    out: set[int] = set()
    for chunk in ([None] if documents is None else _chunked(sorted(documents))):
        rows = conn.execute(query if chunk is None else query.where(q.c.document_id.in_(chunk)))
        out.update(qid for qid, before in rows if before and is_earlier_toll(before))
    return out


def rebuild_entity_counts(conn: sa.Connection) -> None:
    """Recount entities and aliases from the stored documents (after a delete; ingest keeps them current).
    Entities no document names any more are removed."""
    e, de, a, m = t.entities, t.document_entities, t.entity_aliases, t.mentions
    conn.execute(sa.delete(a))
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for eid, text in conn.execute(sa.select(m.c.entity_id, m.c.text)):
        counts[(eid, " ".join(text.split()))] += 1
    if counts:
        conn.execute(sa.insert(a), [{"entity_id": k[0], "alias": k[1], "mention_count": n}
                                    for k, n in sorted(counts.items())])
    stats = {eid: (docs, mentions) for eid, docs, mentions in conn.execute(
        sa.select(de.c.entity_id, sa.func.count(), sa.func.sum(de.c.mention_count)).group_by(de.c.entity_id))}
    ce = t.claim_entities
    roles = {(eid, role): n for eid, role, n in conn.execute(
        sa.select(ce.c.entity_id, ce.c.role, sa.func.count()).group_by(ce.c.entity_id, ce.c.role))}
    for eid in list(conn.scalars(sa.select(e.c.id))):
        if eid not in stats:
            conn.execute(sa.delete(e).where(e.c.id == eid))
        else:
            docs, mentions = stats[eid]
            conn.execute(sa.update(e).where(e.c.id == eid).values(
                document_count=docs, mention_count=int(mentions or 0),
                subject_claims=roles.get((eid, "subject"), 0), object_claims=roles.get((eid, "object"), 0)))
