"""Counting from stored ballots: yes/no/abstain, approval, ranked (instant run-off)."""

from assembly import counting


def test_yes_no_carries_on_more_yes_than_no_and_abstentions_decide_nothing():
    result = counting.count("yes_no", [("yes", 2), ("no", 1), ("abstain", 9)])

    assert result == {"method": "yes_no", "yes": 2, "no": 1, "abstain": 9, "outcome": "carried"}


def test_yes_no_tie_is_not_carried():
    assert counting.count("yes_no", [("yes", 1), ("no", 1)])["outcome"] == "not_carried"


def test_approval_counts_every_approval_and_names_ties():
    result = counting.count("approval", [([1, 2], 1), ([2, 3], 1), ([1], 1)], [1, 2, 3])

    assert result["tallies"] == {"1": 2, "2": 2, "3": 1}
    assert result["winners"] == [1, 2]


def test_ranked_transfers_the_eliminated_candidates_ballots():
    # First preferences: A 4, B 3, C 2 -> C out, its ballots go to B -> B 5 of 9 wins.
    ballots = [([1], 1)] * 4 + [([2], 1)] * 3 + [([3, 2], 1)] * 2
    result = counting.count("ranked", ballots, [1, 2, 3])

    assert result["winners"] == [2]
    assert result["rounds"][0] == {"tallies": {"1": 4, "2": 3, "3": 2}, "exhausted": 0, "eliminated": 3}
    assert result["rounds"][1]["tallies"] == {"1": 4, "2": 5}


def test_ranked_counts_exhausted_ballots_apart_and_a_majority_of_those_still_counting_wins():
    ballots = [([1], 1)] * 3 + [([2], 1)] * 2 + [([3], 1)] * 2
    result = counting.count("ranked", ballots, [1, 2, 3])

    # B and C tie for last with equal first preferences: the one listed later (C) goes first.
    assert result["rounds"][0]["eliminated"] == 3
    assert result["rounds"][1] == {"tallies": {"1": 3, "2": 2}, "exhausted": 2}
    assert result["winners"] == [1]


def test_weights_count_as_that_many_votes():
    assert counting.count("ranked", [([1], 5), ([2], 4)], [1, 2])["winners"] == [1]
    assert counting.count("yes_no", [("no", 3), ("yes", 2)])["outcome"] == "not_carried"
