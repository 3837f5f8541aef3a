from ml.text import is_stopword, segment, tokenize


def test_segment_splits_thai_into_dictionary_words():
    words = segment("ยกเลิกการขอสำเนาทะเบียนบ้านให้เจ้าหน้าที่ตรวจจากระบบแทน")
    assert "ยกเลิก" in words
    assert "ระบบ" in words
    assert "".join(words) == "ยกเลิกการขอสำเนาทะเบียนบ้านให้เจ้าหน้าที่ตรวจจากระบบแทน"


def test_tokenize_drops_stopwords_particles_and_punctuation():
    words = tokenize("ถนนหน้าบ้านมีน้ำท่วมขังครับ!! The road is flooded, again.")
    assert "ถนน" in words
    assert "road" in words
    assert "flooded" in words
    for noise in ("ครับ", "มี", "the", "is", "!!", ","):
        assert noise not in words


def test_tokenize_keeps_no_broken_thai_fragments():
    words = tokenize("โบถ์พราม์ห ะไร ่าง ซ่อมถนน")
    assert "ซ่อม" in words or "ซ่อมถนน" in words
    assert all(not w.startswith(("ะ", "่", "ถ์")) for w in words)


def test_tokenize_of_empty_and_emoji_only_text_is_empty():
    assert tokenize("") == []
    assert tokenize("😀🎉🙏") == []


def test_stopwords_cover_both_languages():
    assert is_stopword("และ")
    assert is_stopword("the")
    assert not is_stopword("ถนน")
