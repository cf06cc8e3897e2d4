import pytest

from editorial.canonical import from_chinese_numeral, to_chinese_numeral

# The table in FORMAT.md, exactly.
FORMAT_TABLE = {
    1: "一",
    9: "九",
    10: "十",
    11: "十一",
    19: "十九",
    20: "二十",
    32: "三十二",
    99: "九十九",
    100: "一百",
    101: "一百零一",
    110: "一百一十",
    111: "一百一十一",
    200: "二百",
    1000: "一千",
    1001: "一千零一",
    1010: "一千零一十",
    1100: "一千一百",
    9999: "九千九百九十九",
}

MORE = {
    2000: "二千",
    2024: "二千零二十四",
    1011: "一千零一十一",
    1234: "一千二百三十四",
    9090: "九千零九十",
    9009: "九千零九",
    505: "五百零五",
    550: "五百五十",
}


@pytest.mark.parametrize(("number", "numeral"), sorted((FORMAT_TABLE | MORE).items()))
def test_known_numerals(number, numeral):
    assert to_chinese_numeral(number) == numeral
    assert from_chinese_numeral(numeral) == number


def test_every_number_round_trips():
    numerals = [to_chinese_numeral(n) for n in range(1, 10000)]
    assert len(set(numerals)) == 9999
    assert [from_chinese_numeral(text) for text in numerals] == list(range(1, 10000))


def test_numerals_use_only_the_expected_characters():
    allowed = set("零一二三四五六七八九十百千")
    for n in range(1, 10000):
        text = to_chinese_numeral(n)
        assert set(text) <= allowed
        assert not text.endswith("零")
        assert "零零" not in text


@pytest.mark.parametrize("number", [0, 10000, -1, 123456])
def test_out_of_range_numbers_are_refused(number):
    with pytest.raises(ValueError):
        to_chinese_numeral(number)


@pytest.mark.parametrize("value", [True, 3.0, "3"])
def test_non_integers_are_refused(value):
    with pytest.raises(TypeError):
        to_chinese_numeral(value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "零",
        "一十",
        "一十一",
        "两百",
        "两千",
        "一百一",
        "一百零",
        "一千零零一",
        "十十",
        "一万",
        "〇",
        "三十2",
        "32",
        "三十二 ",
        " 三十二",
        "叁拾贰",
        "一百十",
    ],
)
def test_non_canonical_numerals_are_refused(text):
    with pytest.raises(ValueError):
        from_chinese_numeral(text)


def test_non_string_numeral_is_refused():
    with pytest.raises(ValueError):
        from_chinese_numeral(32)
