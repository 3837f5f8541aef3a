from pythainlp.util import collate

from ml.collation import thai_sort_key

WORDS = ["ไก่", "เกม", "แมว", "กา", "ขวด", "โต๊ะ", "ใจ", "ก้าน", "คน", "เคย", "นก", "แกง"]


def test_leading_vowels_sort_under_their_consonant():
    assert sorted(WORDS, key=thai_sort_key)[:5] == ["กา", "ก้าน", "เกม", "แกง", "ไก่"]
    assert sorted(["ไก่", "ขวด"], key=thai_sort_key) == ["ไก่", "ขวด"]  # ก before ข


def test_agrees_with_pythainlp_collate():
    assert sorted(WORDS, key=thai_sort_key) == collate(WORDS)


def test_english_and_empty_sort_sensibly():
    assert sorted(["beta", "Alpha", "", "ก"], key=thai_sort_key) == [
        "",
        "Alpha",
        "beta",
        "ก",
    ]
