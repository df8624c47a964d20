"""How text becomes search grams, and a typed query becomes grams, substrings and a key."""

from greencert.portal.grams import document_grams, parse_query


def test_a_document_holds_cjk_unigrams_and_bigrams_and_latin_words_whole():
    assert document_grams("环保涂料 LED-200") == "环 环保 保 保涂 涂 涂料 料 led 200"


def test_full_width_and_upper_case_text_is_normalised():
    assert document_grams("ＬＥＤ灯具") == document_grams("led 灯具")


def test_a_two_character_query_is_one_bigram():
    query = parse_query("涂料")
    assert query.grams == ("涂料",)
    assert query.substrings == ("涂料",)
    assert query.key == ""


def test_a_four_character_query_is_three_bigrams_and_one_substring():
    query = parse_query("环保涂料")
    assert query.grams == ("环保", "保涂", "涂料")
    assert query.substrings == ("环保涂料",)


def test_a_mixed_query_keeps_the_latin_word_and_the_chinese_bigram():
    query = parse_query("LED 灯具")
    assert query.grams == ("led", "灯具")
    assert query.substrings == ("led", "灯具")


def test_numbers_and_codes_are_keys_for_exact_or_prefix_matching():
    assert parse_query("gc3220250000123k").key == "GC3220250000123K"
    assert parse_query("913305001234").key == "913305001234"
    assert parse_query("LED").key == ""
    assert parse_query("涂料 2024").key == ""
