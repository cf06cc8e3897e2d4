"""Issue numbers as Chinese numerals (1–9999), in the standard reading form, both ways."""

from functools import cache

MAX_NUMERAL = 9999
_DIGITS = "零一二三四五六七八九"
_PLACES = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))


def to_chinese_numeral(n: int) -> str:
    """The canonical numeral for `n` (32 -> 三十二); ValueError outside 1..9999."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected an int, got {type(n).__name__}")
    if not 1 <= n <= MAX_NUMERAL:
        raise ValueError(f"{n} is outside 1..{MAX_NUMERAL}")
    parts: list[str] = []
    after_zero = False
    for value, unit in _PLACES:
        digit = n // value % 10
        if digit == 0:
            # A zero is only spoken when a non-zero digit follows it (一百零一, but 一百).
            after_zero = bool(parts)
            continue
        if after_zero:
            parts.append("零")
            after_zero = False
        parts.append(_DIGITS[digit] + unit)
    text = "".join(parts)
    # 一 is dropped only when 十 leads the number: 十一, but 一百一十.
    return text.removeprefix("一") if text.startswith("一十") else text


@cache
def _values() -> dict[str, int]:
    # Parsing by table guarantees that only the one canonical spelling of each number is accepted.
    return {to_chinese_numeral(n): n for n in range(1, MAX_NUMERAL + 1)}


def from_chinese_numeral(text: str) -> int:
    """The number written by the canonical numeral `text`; ValueError for anything else."""
    value = _values().get(text) if isinstance(text, str) else None
    if value is None:
        raise ValueError(f"{text!r} is not a Chinese numeral between 1 and {MAX_NUMERAL}")
    return value
