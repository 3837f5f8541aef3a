import numpy as np

from ml.keywords import class_keywords, describe_clusters, label_from_keywords
from ml.projection import project_2d
from ml.text import is_stopword


def test_keywords_are_whole_words_without_stopwords(dev_set):
    keywords = class_keywords(list(dev_set["text"]), list(dev_set["label"]))
    assert set(keywords) == set(dev_set["label"])
    for words in keywords.values():
        assert words
        assert not any(is_stopword(w) for w, _ in words)
    digital = [w for w, _ in keywords["digital"][:10]]
    assert "ข้อมูล" in digital or "data" in digital


def test_labels_have_two_to_four_distinct_words():
    label = label_from_keywords([("ข้อมูล", 3), ("ข้อมูลกลาง", 2), ("เปิด", 1), ("api", 1)])
    words = label.split(", ")
    assert 2 <= len(words) <= 4
    assert "ข้อมูลกลาง" not in words


def test_unclustered_ideas_give_no_keywords():
    assert class_keywords(["ถนนพัง"], [-1]) == {}


def test_projection_is_two_d_and_repeatable(lexical, dev_set):
    X = lexical.encode(list(dev_set["text"]))
    first = project_2d(X)
    assert first.shape == (len(X), 2)
    np.testing.assert_array_equal(first, project_2d(X))
    assert np.abs(first).max() <= 1.0
    assert project_2d(X[:1]).shape == (1, 2)


def test_clusters_get_readable_thai_and_english_labels():
    texts = [
        "น้ำท่วมถนนหน้าบ้านทุกครั้งที่ฝนตก",
        "น้ำท่วมขังในซอยหลังฝนตกหนัก",
        "ฝนตกทีไรน้ำท่วมถนนทุกที",
        "street lights are broken in our lane",
        "the lane is dark, street lights broken",
        "no street lights near the school",
    ]
    described = describe_clusters(texts, [0, 0, 0, 1, 1, 1])
    assert "น้ำท่วม" in described[0]["label"]
    assert "street" in described[1]["label"] or "lights" in described[1]["label"]
    for cluster in described.values():
        assert 2 <= len(cluster["label"].split(", ")) <= 4


def test_a_word_every_cluster_uses_names_none_of_them():
    # "หน่วยงาน" (agency) is in every idea of every cluster, and more often
    # than any subject word: it tells the clusters apart from nothing.
    texts = [
        "หน่วยงาน หน่วยงาน หน่วยงาน ลดขั้นตอนใบอนุญาตก่อสร้าง",
        "หน่วยงาน หน่วยงาน หน่วยงาน ใบอนุญาตก่อสร้างออนไลน์",
        "หน่วยงาน หน่วยงาน หน่วยงาน ขอใบอนุญาตก่อสร้างที่เดียว",
        "หน่วยงาน หน่วยงาน หน่วยงาน ข้าราชการลาออกเพราะภาระงาน",
        "หน่วยงาน หน่วยงาน หน่วยงาน ข้าราชการรุ่นใหม่ลาออก",
        "หน่วยงาน หน่วยงาน หน่วยงาน รักษาข้าราชการไม่ให้ลาออก",
    ]
    described = describe_clusters(texts, [0, 0, 0, 1, 1, 1])
    for cluster in described.values():
        assert "หน่วยงาน" not in cluster["label"]
    assert "ใบอนุญาต" in described[0]["label"]
    assert "ลาออก" in described[1]["label"] or "ข้าราชการ" in described[1]["label"]
