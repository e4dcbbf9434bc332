"""How a band statement's count is built (store.keyword.band_count)."""

from __future__ import annotations

from egov_core.store.keyword import band_count

_CAP = 5000


def test_a_band_short_of_the_window_counts_band_and_rest_as_before() -> None:
    assert band_count(40, 500, 900, 45, 100, _CAP, ("ab", "bc")) == (540, True)
    assert band_count(40, _CAP, 9000, 45, 100, _CAP, ("ab",)) == (40 + _CAP, False)  # the rest hit the cap


def test_one_n_gram_takes_its_frequency_exactly_even_past_the_cap() -> None:
    assert band_count(462, 0, 4336, 462, 100, _CAP, ("税",)) == (4336, True)
    assert band_count(_CAP, 0, 80_000, 17_000, 100, _CAP, ("の",)) == (80_000, True)


def test_a_longer_query_scales_its_band_count_by_the_rarest_n_gram() -> None:
    # 120 band units hold the phrase; its rarest n-gram is in 300 units, 100 of them in the band.
    assert band_count(120, 0, 300, 100, 100, _CAP, ("個人", "人情", "情報")) == (360, False)
    # Never below what the band holds.
    assert band_count(120, 0, 100, 110, 100, _CAP, ("ab", "bc")) == (120, False)


def test_a_rarest_n_gram_only_in_the_band_means_the_band_is_everything() -> None:
    assert band_count(150, 0, 200, 200, 100, _CAP, ("ab", "bc")) == (150, True)


def test_without_frequencies_the_band_is_a_lower_bound() -> None:
    assert band_count(150, 0, None, None, 100, _CAP, ("ab",)) == (150, False)
    assert band_count(150, 0, 10, 0, 100, _CAP, ("ab", "bc")) == (150, False)
