"""The suggested-clusters benchmark (part of `make bench`; alone:
`python -m bench.clusters`): `suggest_clusters` over 500 cards (target: well under
1 s), against the baseline of building the same cards' n-gram vectors alone (the
part that grows linearly), so that the ratio shows what comparing and grouping the
cards adds.

The cards are the labelled set of tests/workshops/data/similar_cards.json (four
languages) written again: each card's words shuffled, one letter of a word dropped
now and then (a typo) and a number added, so that the board holds many
near-duplicates, the costliest case for the inverted index."""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from workshops.board.clusters import suggest_clusters, vectors

CARDS = 500
ROUNDS = 5
DATA = (
    Path(__file__).resolve().parents[1]
    / "tests"
    / "workshops"
    / "data"
    / "similar_cards.json"
)


def board_cards(count: int = CARDS, seed: int = 19) -> list[tuple[int, str]]:
    """`count` (id, text) cards written from the labelled set."""
    labelled = json.loads(DATA.read_text(encoding="utf-8"))["cards"]
    rng = random.Random(seed)  # noqa: S311 - test data, not a secret
    cards = []
    for n in range(count):
        words = labelled[n % len(labelled)]["text"].split()
        rng.shuffle(words)
        typo = rng.randrange(len(words))
        if len(words[typo]) > 4:
            cut = rng.randrange(1, len(words[typo]) - 1)
            words[typo] = words[typo][:cut] + words[typo][cut + 1 :]
        cards.append((n + 1, f"{' '.join(words)} {n}"))
    return cards


def _median(action: Callable[[], object], rounds: int = ROUNDS) -> float:
    samples = []
    for _round in range(rounds):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_clusters(count: int = CARDS) -> tuple[float, float]:
    """(median seconds of suggest_clusters, median seconds of the vectors alone)."""
    cards = board_cards(count)
    texts = [text for _id, text in cards]
    assert suggest_clusters(cards), "no group suggested"
    baseline = _median(lambda: vectors(texts))
    measured = _median(lambda: suggest_clusters(cards))
    return measured, baseline


if __name__ == "__main__":
    measured, baseline = bench_clusters()
    print(
        f"suggest clusters, {CARDS} cards: {measured * 1000:.1f}ms "
        f"(n-gram vectors alone {baseline * 1000:.1f}ms, "
        f"{measured / baseline:.1f}x; target under 1000ms)"
    )
