"""The password policy: length, the common-password list, and zxcvbn's estimate (score 3 or more)."""
from __future__ import annotations

import pytest
from zxcvbn import zxcvbn

from tracker.accounts.passwords import MIN_STRENGTH, password_problem

EMAIL = "nadia.north@north.example"


@pytest.mark.parametrize("password", ["abcdefgh1234", "aaaaaaaaaaab1", "monkey-monkey-1", "qwerty123456789",
                                      "1q2w3e4r5t6y7u"])
def test_a_long_but_guessable_password_is_refused_by_its_zxcvbn_score(password):
    assert zxcvbn(password)["score"] < MIN_STRENGTH
    problem = password_problem(password, EMAIL)
    assert problem is not None and ("too easy to guess" in problem or "too common" in problem), problem


def test_zxcvbn_is_told_the_service_words_so_a_password_made_of_them_is_refused():
    assert zxcvbn("trackernpq12")["score"] >= MIN_STRENGTH  # strong enough without knowing the service
    assert "too easy to guess" in password_problem("trackernpq12", EMAIL)


@pytest.mark.parametrize("password", ["correct-horse-battery-staple-42", "Tr0ub4dor&3-plum-kettle", "a-long-pass-phrase-77"])
def test_a_strong_password_is_accepted(password):
    assert password_problem(password, EMAIL) is None


def test_the_common_password_list_and_the_length_still_apply():
    assert password_problem("password1234", EMAIL) == "Password is too common: choose one that is harder to guess"
    assert password_problem("Sh0rt!x", EMAIL) == "Password must be at least 12 characters"
    assert password_problem("nadia.north-kettle-77", EMAIL) == "Password must not contain your email address"
