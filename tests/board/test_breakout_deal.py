"""Who goes into which breakout group (workshops.board.breakout.deal), without a
database: everyone once, sizes within one of each other, and a person goes to a group
they wish for (their organisation's themes) while that keeps the sizes even."""

from __future__ import annotations

from collections import Counter

import pytest

from workshops.board.breakout import deal


@pytest.mark.parametrize(("people", "groups"), [(6, 2), (7, 3), (60, 7), (2, 5)])
def test_everyone_is_dealt_once_into_groups_of_even_size(people: int, groups: int):
    placed = deal(list(range(1, people + 1)), groups)

    assert sorted(placed) == list(range(1, people + 1))
    sizes = Counter(placed.values())
    assert set(sizes) <= set(range(1, groups + 1))
    counts = [sizes.get(group, 0) for group in range(1, groups + 1)]
    assert max(counts) - min(counts) <= 1


def test_people_go_to_the_group_of_their_theme_when_the_sizes_allow():
    wishes = {1: {1}, 2: {2}, 3: {1}, 4: {2}, 5: set(), 6: {1, 2}}

    placed = deal([1, 2, 3, 4, 5, 6], 2, wishes)

    assert placed[1] == placed[3] == 1
    assert placed[2] == placed[4] == 2
    assert sorted(Counter(placed.values()).values()) == [3, 3]


def test_a_crowded_theme_does_not_make_one_group_much_larger():
    wishes = dict.fromkeys(range(1, 9), {1})

    placed = deal(list(range(1, 9)), 4, wishes)

    assert sorted(Counter(placed.values()).values()) == [2, 2, 2, 2]
