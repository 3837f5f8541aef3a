import unicodedata

import pytest

from ml.text import detect_language, normalize_text


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("ระบบข้อมูลกลางภาครัฐเชื่อมโยงทุกหน่วยงาน",), "th"),
        (("One portal for every government service",), "en"),
        (("ระบบ SSO สำหรับบริการภาครัฐทุกหน่วยงานทั่วประเทศ",), "th"),
        (("Single Sign-On for e-Service", "ภาครัฐทุกหน่วยงาน"), "mixed"),
        (("1234 !!!",), "mixed"),
        (("",), "mixed"),
    ],
)
def test_detect_language(texts, expected):
    assert detect_language(*texts) == expected


def test_normalize_text_composes_and_strips_invisible_characters():
    decomposed = unicodedata.normalize("NFD", "café")
    text = f"  ภาค\u200bรัฐ   {decomposed}\r\n\r\n\r\n\r\nบรรทัดใหม่  "
    assert normalize_text(text) == "ภาครัฐ café\n\nบรรทัดใหม่"


def test_normalize_text_single_line_collapses_line_breaks():
    assert normalize_text("หนึ่ง\nสอง\t สาม", multiline=False) == "หนึ่ง สอง สาม"


def test_normalize_text_of_only_invisible_characters_is_empty():
    assert normalize_text("\u200b \ufeff\u200d") == ""


def test_normalize_text_composes_sara_am_and_drops_control_characters():
    assert normalize_text("ท\u0e4d\u0e32งาน น\u0e4d\u0e49\u0e32") == "ทำงาน น้ำ"
    assert normalize_text("ไอเดีย\x07\x1b[31m\u202eดี") == "ไอเดีย[31mดี"
    assert normalize_text("แท็บ\tและ\nบรรทัด") == "แท็บ และ\nบรรทัด"
