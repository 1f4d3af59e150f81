"""The shipped ISO 3166-1 alpha-2 list."""

from __future__ import annotations

from contracts.countries import ISO_3166_ALPHA2, is_country_code


def test_the_list_is_the_249_assigned_codes_sorted_and_unique():
    assert len(ISO_3166_ALPHA2) == 249
    assert list(ISO_3166_ALPHA2) == sorted(set(ISO_3166_ALPHA2))
    assert all(len(code) == 2 and code.isascii() and code.isupper() for code in ISO_3166_ALPHA2)


def test_the_jurisdictions_we_serve_are_known_and_withdrawn_or_reserved_codes_are_not():
    assert all(is_country_code(c) for c in ("KZ", "RU", "UZ", "BY", "KG", "TJ", "TM", "AM", "AZ"))
    assert not any(is_country_code(c) for c in ("SU", "YU", "XK", "EU", "UK", "ZZ", "kz"))
