"""Suggested clusters (workshops/board/clusters.py), pure: what counts as the same
card (accents, case, typos, word order, the four languages' cognates), what is never
grouped, average linkage against chaining, the labels; then the suggestions against
the labelled cards of tests/workshops/data/similar_cards.json, scored by pairwise
precision and recall with floors set from what was measured (precision 0.90, recall
0.59 when the floors were set). Speed is `make bench`'s (bench/clusters.py)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from workshops.board.clusters import (
    LABEL_CHARS,
    average_linkage,
    fold,
    suggest_clusters,
)

DATA = Path(__file__).resolve().parents[1] / "workshops" / "data" / "similar_cards.json"
PRECISION_FLOOR = 0.85
RECALL_FLOOR = 0.55


def groups_of(cards: list[tuple[int, str]]) -> list[set[int]]:
    return [set(group.cards) for group in suggest_clusters(cards)]


def test_folding_drops_case_and_every_accent_of_the_four_languages() -> None:
    assert fold("ÎNCĂLZIRE ȘI Ţări şi ţ") == "incalzire si tari si t"
    assert fold("Sostenibilità, energía, niño") == "sostenibilita, energia, nino"


def test_the_same_card_with_typos_no_diacritics_and_words_reordered_is_grouped() -> (
    None
):
    cards = [
        (1, "Panouri solare pe acoperișurile halelor industriale"),
        (2, "acoperisurile halelor industriale cu panuri solare"),
        (3, "Un concurs pentru elevi despre mediu"),
    ]

    assert groups_of(cards) == [{1, 2}]


def test_translations_that_share_their_stems_are_grouped_across_languages() -> None:
    cards = [
        (10, "Audit energetic gratuit pentru firmele mici"),
        (11, "Audit energetici gratuiti per le piccole imprese"),
        (12, "Auditorías energéticas gratuitas para pequeñas empresas"),
        (13, "Horario flexible para evitar las horas punta"),
    ]

    assert groups_of(cards) == [{10, 11, 12}]


def test_unrelated_cards_are_never_grouped() -> None:
    cards = [
        (1, "Who pays for the maintenance of the new trees?"),
        (2, "Serve un parcheggio per i camion dei fornitori"),
        (3, "Necesitamos un mapa de las empresas del municipio"),
        (4, "Mentorat pentru antreprenorii tineri"),
    ]

    assert suggest_clusters(cards) == []


@pytest.mark.parametrize(
    "cards",
    [[], [(1, "Solar panels")], [(1, ""), (2, "   "), (3, "!!!")]],
    ids=["no cards", "one card", "cards without words"],
)
def test_too_few_cards_or_words_suggest_nothing(cards: list[tuple[int, str]]) -> None:
    assert suggest_clusters(cards) == []


def test_words_that_most_cards_of_a_board_share_do_not_make_cards_alike() -> None:
    cards = [
        (1, "Solar panels for the companies"),
        (2, "Solar panels for all the companies"),
    ]
    cards += [(n, f"Idea {n} about the companies") for n in range(3, 60)]

    assert groups_of(cards) == [{1, 2}]


def test_each_card_is_in_at_most_one_group_and_the_largest_groups_come_first() -> None:
    cards = [
        (7, "Compost the organic waste of the canteens"),
        (3, "Compostarea deșeurilor organice din cantine"),
        (9, "Compostaje de los residuos orgánicos de los comedores"),
        (4, "Heat pumps instead of gas boilers"),
        (8, "Replace gas boilers with heat pumps"),
    ]

    groups = suggest_clusters(cards)

    assert [set(group.cards) for group in groups] == [{3, 7, 9}, {4, 8}]
    seen = [card for group in groups for card in group.cards]
    assert len(seen) == len(set(seen))


def test_the_order_of_the_cards_does_not_change_the_groups() -> None:
    cards = [(c["id"], c["text"]) for c in labelled_cards()]
    forward = {frozenset(g.cards) for g in suggest_clusters(cards)}
    backward = {frozenset(g.cards) for g in suggest_clusters(cards[::-1])}

    assert forward == backward


def test_average_linkage_does_not_chain_neighbours_whose_ends_are_unlike() -> None:
    # 0 is like 1, 1 like 2, but 0 and 2 share nothing: at 0.5 the chain's mean
    # (0 + 0.9) / 2 is too low, where connected components would join all three.
    sims = {(0, 1): 0.95, (1, 2): 0.9}

    assert average_linkage(3, sims, 0.5) == [[0, 1]]
    assert sorted(map(sorted, average_linkage(3, sims, 0.4))) == [[0, 1, 2]]


def test_the_label_is_the_most_central_cards_text_shortened_at_a_word() -> None:
    long = "Bike lanes " + "from every village of the county " * 10
    cards = [
        (1, "Bicycle lanes to the industrial area"),
        (2, "Safe bicycle lanes to the industrial area for workers"),
        (3, "Bicycle lanes to the industrial area, please"),
        (4, long),
    ]

    (group,) = [g for g in suggest_clusters(cards) if 1 in g.cards]
    assert group.label == "Bicycle lanes to the industrial area"

    cut = suggest_clusters([(1, long), (2, long.upper())])[0].label
    assert cut.endswith("…")
    assert len(cut) <= LABEL_CHARS + 1
    assert long.startswith(cut[:-1])


# --- the labelled set -------------------------------------------------------------


def labelled_cards() -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))["cards"]
    return cards


def same_group_pairs(groups: list[set[int]]) -> set[tuple[int, int]]:
    return {
        pair for group in groups for pair in itertools.combinations(sorted(group), 2)
    }


def test_the_labelled_set_has_about_100_cards_in_four_languages_with_duplicates() -> (
    None
):
    cards = labelled_cards()
    groups = {card["group"] for card in cards}

    assert 90 <= len(cards) <= 120
    assert {card["lang"] for card in cards} == {"en", "ro", "it", "es"}
    assert len({card["id"] for card in cards}) == len(cards)
    assert len(groups) < len(cards)  # near-duplicates, and unrelated cards too
    assert any(sum(c["group"] == g for c in cards) == 1 for g in groups)


def test_the_suggestions_group_most_duplicates_of_the_labelled_set_and_few_others() -> (
    None
):
    cards = labelled_cards()
    truth: dict[str, set[int]] = {}
    for card in cards:
        truth.setdefault(card["group"], set()).add(card["id"])
    true_pairs = same_group_pairs(list(truth.values()))

    suggested = same_group_pairs(groups_of([(c["id"], c["text"]) for c in cards]))

    right = len(suggested & true_pairs)
    precision = right / len(suggested)
    recall = right / len(true_pairs)
    assert precision >= PRECISION_FLOOR, f"precision {precision:.2f}"
    assert recall >= RECALL_FLOOR, f"recall {recall:.2f}"
