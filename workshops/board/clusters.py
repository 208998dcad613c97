"""Suggested clusters, pure (no database, no socket): groups of cards that say the
same thing in other words, for the facilitator to accept, edit or dismiss.

Each card becomes a TF-IDF vector of character n-grams (3 to 5 characters, taken
inside each word with its start marked) of its lower-cased, accent-folded text, each
word cut to its first five letters first (stemming by truncation: a stand-in for a
stemmer that needs no rules per language). "eficiență energetică", "efficienza
energetica" and "eficiencia energética" then share most of their features and
"energy efficiency" some; a typo costs a few n-grams out of many; word order does not
matter. Cosine similarities come from an inverted index (only the pairs that share a
feature are ever compared), and the cards are grouped by average linkage: the two
groups with the highest mean similarity are joined while that mean is at least the
threshold, which does not chain unlike cards together the way connected components
would. Pure Python on sparse dicts: 500 cards take a fraction of a second
(`make bench`)."""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NGRAM_SIZES = (3, 4, 5)
# Letters of a word kept: inflections and most suffixes go ("industriale",
# "industriales", "industrială" are all "indus"), the stem stays.
WORD_PREFIX = 5
# Mean cosine similarity two groups need to be joined (set on the labelled cards of
# tests/workshops/data/similar_cards.json: see tests/workshops/test_clusters.py).
THRESHOLD = 0.2
# A feature in more than this share of a large board's cards says nothing about any
# of them (and would cost the most to compare): it is left out, as a stop word is.
MAX_SHARE = 0.25
MAX_SHARE_FROM = 40  # cards; on a smaller board every feature counts
LABEL_CHARS = 60
WORD = re.compile(r"[^\W_]+")
# Words too common in the four languages to say what a card is about.
STOP_WORDS = frozenset(
    """
    a an and are as at be by for from in into is it of on or our that the this to we
    with more all can should need needs have has will would
    al ale am ar ca cu de din fi la le mai pe pentru prin sa se si sunt un una unei
    unui care ce este o ne nostre noastre lor
    ai alla alle che con da dei del della delle di e gli i il in le lo nel nella per
    piu su tra una uno sono ci essere anche come
    el en es las los por que se su sus un una y al con del para mas como o nuestro
    nuestra nuestros nuestras hay
    """.split()
)


@dataclass(frozen=True)
class Group:
    """A suggested group: its cards (ids, in the order given) and a label, the text
    of the card most like the others, shortened."""

    cards: tuple[int, ...]
    label: str


def fold(text: str) -> str:
    """Lower-cased, without accents (ș, ş, ț, ă, â, î, à, è, ñ… lose their marks)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def features(text: str) -> Counter[str]:
    """The card's character n-grams, counted: each word's first WORD_PREFIX letters,
    led by `_` so that an n-gram at a word's start differs from one in its middle
    (and ended by `_` when the word was not cut)."""
    grams: Counter[str] = Counter()
    for word in WORD.findall(fold(text)):
        if word in STOP_WORDS or len(word) < 2:
            continue
        end = "_" if len(word) <= WORD_PREFIX else ""
        padded = f"_{word[:WORD_PREFIX]}{end}"
        for size in NGRAM_SIZES:
            grams.update(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


def vectors(texts: Sequence[str]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (sublinear term frequency, smoothed inverse
    document frequency), without the features too common to tell cards apart."""
    counted = [features(text) for text in texts]
    df: Counter[str] = Counter()
    for grams in counted:
        df.update(grams.keys())
    total = len(texts)
    cap = MAX_SHARE * total if total >= MAX_SHARE_FROM else total
    idf = {
        gram: math.log((1 + total) / (1 + n)) + 1.0
        for gram, n in df.items()
        if n <= cap
    }
    result = []
    for grams in counted:
        weights = {
            gram: (1.0 + math.log(n)) * idf[gram]
            for gram, n in grams.items()
            if gram in idf
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        result.append({gram: w / norm for gram, w in weights.items()})
    return result


def similarities(vecs: Sequence[dict[str, float]]) -> dict[tuple[int, int], float]:
    """Cosine similarity of every pair (i < j) that shares a feature, through an
    inverted index: pairs with nothing in common are never looked at."""
    postings: defaultdict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, vec in enumerate(vecs):
        for gram, weight in vec.items():
            postings[gram].append((index, weight))
    sums: defaultdict[tuple[int, int], float] = defaultdict(float)
    for posting in postings.values():
        if len(posting) < 2:
            continue
        for n, (i, wi) in enumerate(posting):
            for j, wj in posting[n + 1 :]:
                sums[i, j] += wi * wj
    return dict(sums)


def average_linkage(
    count: int, sims: dict[tuple[int, int], float], threshold: float
) -> list[list[int]]:
    """Groups of item indexes: join the two groups of highest mean pairwise
    similarity (pairs not in `sims` count as 0) while it is at least `threshold`."""
    members: dict[int, list[int]] = {i: [i] for i in range(count)}
    # Sum of similarities between two live groups, keyed by the smaller id first.
    links: defaultdict[int, dict[int, float]] = defaultdict(dict)
    heap: list[tuple[float, int, int]] = []
    for (i, j), sim in sims.items():
        links[i][j] = links[j][i] = sim
        if sim >= threshold:
            heap.append((-sim, i, j))
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue  # one of them was joined to another group since
        current = links[a].get(b, 0.0) / (len(members[a]) * len(members[b]))
        if not math.isclose(current, -negative):
            continue  # stale entry: a fresher one for this pair is in the heap
        _join(a, b, members, links, heap, threshold)
    return [group for group in members.values() if len(group) > 1]


def _join(
    a: int,
    b: int,
    members: dict[int, list[int]],
    links: defaultdict[int, dict[int, float]],
    heap: list[tuple[float, int, int]],
    threshold: float,
) -> None:
    """Fold group `b` into group `a`, and queue `a`'s new means with its neighbours."""
    members[a].extend(members.pop(b))
    for other, total in links.pop(b).items():
        del links[other][b]
        if other != a:
            links[a][other] = links[other][a] = links[a].get(other, 0.0) + total
    links[a].pop(b, None)
    for other, total in links[a].items():
        mean = total / (len(members[a]) * len(members[other]))
        if mean >= threshold:
            heapq.heappush(heap, (-mean, min(a, other), max(a, other)))


def label(
    texts: Sequence[str], group: Iterable[int], sims: dict[tuple[int, int], float]
) -> str:
    """The text of the group's most central card (highest summed similarity to the
    others; the first on a tie), cut at a word boundary."""
    indexes = list(group)
    best = max(
        indexes,
        key=lambda i: sum(sims.get((min(i, j), max(i, j)), 0.0) for j in indexes),
    )
    text = " ".join(texts[best].split())
    if len(text) <= LABEL_CHARS:
        return text
    cut = text[:LABEL_CHARS].rsplit(" ", 1)[0] or text[:LABEL_CHARS]
    return cut.rstrip(" ,.;:") + "…"


def suggest_clusters(
    cards: Sequence[tuple[int, str]], threshold: float = THRESHOLD
) -> list[Group]:
    """Groups of two or more similar cards among `cards` ((id, text) pairs), the
    largest first (then by their first card's position); every card is in at most
    one group."""
    texts = [text for _id, text in cards]
    sims = similarities(vectors(texts))
    groups = average_linkage(len(cards), sims, threshold)
    groups = [sorted(group) for group in groups]
    groups.sort(key=lambda group: (-len(group), group[0]))
    return [
        Group(tuple(cards[i][0] for i in group), label(texts, group, sims))
        for group in groups
    ]
