from __future__ import annotations

import pytest

from lingtan.reports.labels import EN, LANGS, ZH, labels


def test_both_languages_have_the_same_labels() -> None:
    assert set(ZH) == set(EN)
    assert all(ZH[k] and EN[k] for k in ZH)


def test_placeholders_match_between_languages() -> None:
    import string

    fields = string.Formatter()
    for key in ZH:
        zh = {f for _, f, _, _ in fields.parse(ZH[key]) if f}
        en = {f for _, f, _, _ in fields.parse(EN[key]) if f}
        assert zh == en, key


def test_unknown_language_is_refused() -> None:
    assert LANGS == ("zh", "en")
    with pytest.raises(ValueError, match="lang"):
        labels("fr")
