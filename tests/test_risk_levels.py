"""The LS assessment (风险矩阵法): R = L × S and its colour at every product, the bands' edges, 直接判定 and the
lowest control level of each colour."""
import pytest

from app.services.risk_levels import colour_of, level_allowed


@pytest.mark.parametrize("likelihood, severity, colour", [
    (1, 1, "blue"), (2, 4, "blue"), (4, 2, "blue"),  # 8: the highest blue
    (3, 3, "yellow"),  # 9: the lowest yellow
    (2, 5, "yellow"), (3, 4, "yellow"), (4, 3, "yellow"),  # 10, 12: the highest yellow
    (3, 5, "orange"), (5, 3, "orange"),  # 15: the lowest orange
    (4, 4, "orange"),  # 16: the highest orange
    (4, 5, "red"), (5, 4, "red"),  # 20: the lowest red
    (5, 5, "red"),
])
def test_each_product_has_its_colour(likelihood, severity, colour):
    assert colour_of(likelihood, severity) == colour


def test_every_product_of_the_matrix_falls_in_one_band():
    bands = {"blue": range(1, 9), "yellow": range(9, 13), "orange": range(15, 17), "red": range(20, 26)}
    for likelihood in range(1, 6):
        for severity in range(1, 6):
            assert likelihood * severity in bands[colour_of(likelihood, severity)]


def test_a_point_judged_major_directly_is_red_whatever_the_product():
    assert colour_of(1, 1, forced_major=True) == "red"


@pytest.mark.parametrize("likelihood, severity", [(0, 3), (6, 1), (3, None), ("3", 3)])
def test_outside_the_scale_is_refused(likelihood, severity):
    with pytest.raises(ValueError):
        colour_of(likelihood, severity)


def test_the_higher_the_colour_the_higher_it_is_controlled():
    assert level_allowed("red", "company") and not level_allowed("red", "workshop")
    assert level_allowed("orange", "workshop") and not level_allowed("orange", "team")
    assert level_allowed("yellow", "post") and level_allowed("blue", "post")
    assert not level_allowed("blue", "nowhere")
