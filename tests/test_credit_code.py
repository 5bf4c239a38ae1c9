"""The credit code's check character (GB 32100-2015), against codes published on business licences."""
import pytest

from app.services import credit_code

PUBLISHED = ["9144030071526726XG", "914403001922038216", "91330100799655058B", "91110000600037341L",
             "91350100M000100Y43"]


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_pass(code):
    assert credit_code.problem(code) is None
    assert credit_code.with_check_character(code[:17]) == code


@pytest.mark.parametrize("code", PUBLISHED)
def test_any_single_mistyped_character_is_caught(code):
    for position in range(18):
        for char in credit_code.CHARSET:
            if char != code[position]:
                wrong = code[:position] + char + code[position + 1:]
                assert credit_code.problem(wrong) == credit_code.CHECK_ERROR


@pytest.mark.parametrize("code", PUBLISHED)
def test_two_swapped_neighbours_are_caught(code):
    for position in range(17):
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]
        if swapped != code:
            assert credit_code.problem(swapped) == credit_code.CHECK_ERROR


@pytest.mark.parametrize("code", ["", "91330100MA2H00001", "91330100MA2H00001PX", "91330100MA2H0000IP",
                                  "91330100ma2h00001p", "91330100MA2H-0001P", "９1330100MA2H00001P"])
def test_wrong_length_or_characters_say_so(code):
    assert credit_code.problem(code) == credit_code.FORMAT_ERROR


def test_normalise_trims_and_upper_cases():
    assert credit_code.normalise("  91330100ma2h00001p ") == "91330100MA2H00001P"
    assert credit_code.normalise(None) == ""
