"""Bilingual text and the text normalisation used when comparing typed answers."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")
DEFAULT_LANG: Lang = "vi"

NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class LocalizedText(BaseModel):
    """A text that exists in every supported language; none may be empty."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vi: NonEmptyStr
    en: NonEmptyStr

    def get(self, lang: Lang) -> str:
        return self.vi if lang == "vi" else self.en


_SPACES = re.compile(r"\s+")
_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*$")


def strip_diacritics(text: str) -> str:
    """Remove accents and tone marks; Vietnamese đ/Đ become d/D (they do not decompose)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise(
    text: str, *, case_sensitive: bool, ignore_diacritics: bool, collapse_whitespace: bool
) -> str:
    """Bring a typed answer to the form it is compared in."""
    out = unicodedata.normalize("NFC", text)
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
