"""Bilingual text and the text normalisation used when comparing typed answers."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")
DEFAULT_LANG: Lang = "vi"

# Characters that change a terminal's state or a text's direction instead of showing:
# C0 controls but tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """`text` without control characters (line breaks as \\n): safe to show in a terminal."""
    return CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def refuse_control(text: str) -> str:
    """Validator: text from outside may not carry control characters (named when found)."""
    found = CONTROL.search(text)
    if found:
        raise ValueError(f"control character U+{ord(found.group(0)):04X} is not allowed in text")
    return text


def _line_breaks(value: object) -> object:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
CleanText = Annotated[NonEmptyStr, BeforeValidator(_line_breaks), AfterValidator(refuse_control)]


class LocalizedText(BaseModel):
    """A text that exists in every supported language; none may be empty or hold control
    characters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vi: CleanText
    en: CleanText

    def get(self, lang: Lang) -> str:
        return self.vi if lang == "vi" else self.en

    @classmethod
    def same(cls, text: str) -> LocalizedText:
        """One text for both languages (a typed answer, a number)."""
        return cls(vi=text, en=text)


_SPACES = re.compile(r"\s+")
_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*$")


def strip_diacritics(text: str) -> str:
    """Remove accents and tone marks; Vietnamese đ/Đ become d/D (they do not decompose)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Vietnamese writes the tone of "oa", "oe" and "uy" at a syllable's end in two accepted
# ways ("hoá" and "hóa", "thuỷ" and "thủy"); compared answers use one of them.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_OLD_TONE = re.compile(
    rf"([oO])([{_TONES}])([aAeE])(?![^\W\d_])|([uU])([{_TONES}])([yY])(?![^\W\d_])"
)
_WRAPPING = " \t\"'“”‘’«»`"
_TRAILING = ".,;:!?。"


def vietnamese_tone_style(text: str) -> str:
    """Tone marks of oa/oe/uy at a syllable's end written on the second vowel (hoá, thuỷ)."""
    decomposed = unicodedata.normalize("NFD", text)
    moved = _OLD_TONE.sub(
        lambda m: "".join(m.group(i) or "" for i in (1, 3, 2, 4, 6, 5)), decomposed
    )
    return unicodedata.normalize("NFC", moved)


def normalise(
    text: str, *, case_sensitive: bool, ignore_diacritics: bool, collapse_whitespace: bool
) -> str:
    """Bring a typed answer to the form it is compared in.

    Always: Unicode NFC, one spelling of Vietnamese tone placement, and quotes around the
    answer or a full stop after it left out ("site:gov.vn." is "site:gov.vn").
    """
    out = vietnamese_tone_style(unicodedata.normalize("NFC", text))
    out = out.strip(_WRAPPING).rstrip(_TRAILING).strip(_WRAPPING) or out
    if collapse_whitespace:
        out = _SPACES.sub(" ", out).strip()
    if not case_sensitive:
        out = out.casefold()
    if ignore_diacritics:
        out = strip_diacritics(out)
    return unicodedata.normalize("NFC", out)


def parse_number(raw: str) -> float | None:
    """Read a number as people type it: '3.5', '3,5', '1.234,5', '1,234.5', ' 42 '.

    Digits grouped by threes with one kind of separator are thousands ('10.000' and
    '10,000' are ten thousand, as Vietnamese and English write them). Otherwise, where both
    separators appear the last one is the decimal mark, and a lone comma is a decimal comma.
    Returns None when the text is no number.
    """
    s = raw.strip().replace(" ", "").replace("\u00a0", "")
    if not s:
        return None
    grouped = _GROUPED.match(s)
    if grouped:
        s = s.replace(grouped.group(1), "")
    elif "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif "," in s:
        if s.count(",") > 1:
            return None
        s = s.replace(",", ".")
    try:
        value = float(s)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return value
