"""BM25 over the sentences of one source: which passages bear on a claim.

Okapi BM25 (Robertson and Zaragoza, 2009) with the usual k1 = 1.2 and b = 0.75; the document frequency is
counted over the source's own sentences (a page is its own collection: a word on every line of it says
little about which line supports the claim). Terms are the keys of `lexical.tokens` (stems and synonym
groups); numbers count as terms too, by value.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

K1, B = 1.2, 0.75


def terms(toks) -> list[str]:
    out = []
    for t in toks:
        if t.number is not None:
            out.append(f"#{t.number:g}")
        else:
            out.extend(t.keys)
    return out


class BM25:
    """An index over passages, each given as its list of terms."""

    def __init__(self, passages: Sequence[Sequence[str]]):
        self.tf = [Counter(p) for p in passages]
        self.lengths = [len(p) for p in passages]
        self.avg = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        df: Counter[str] = Counter()
        for tf in self.tf:
            df.update(tf.keys())
        n = len(passages)
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}

    def scores(self, query: Sequence[str]) -> list[float]:
        q = set(query)
        out = []
        for tf, length in zip(self.tf, self.lengths, strict=True):
            norm = K1 * (1 - B + B * length / self.avg) if self.avg else K1
            s = 0.0
            for t in q:
                f = tf.get(t)
                if f:
                    s += self.idf[t] * f * (K1 + 1) / (f + norm)
            out.append(s)
        return out

    def top(self, query: Sequence[str], k: int) -> list[int]:
        """Indices of the `k` best passages, best first (ties: earlier first); passages sharing nothing with
        the query are left out."""
        scores = self.scores(query)
        ranked = sorted((i for i, s in enumerate(scores) if s > 0), key=lambda i: (-scores[i], i))
        return ranked[:k]
