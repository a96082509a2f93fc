"""Splitting long replies, numbered choices and reading typed numbers back."""

from __future__ import annotations

import unicodedata

import pytest

from channels.zalo.text import (
    CHOICE_HINT,
    parse_choice,
    payload_for_choice,
    render_choices,
    split_text,
)

LIMIT = 2000


def test_short_text_is_one_part() -> None:
    assert split_text("Dạ, cháu chào bác.") == ["Dạ, cháu chào bác."]


def test_empty_and_blank_texts_give_no_parts() -> None:
    assert split_text("") == []
    assert split_text("   \n ") == []


def test_exactly_the_limit_is_one_part_and_one_more_splits() -> None:
    exact = "a" * (LIMIT - 1) + "."
    assert split_text(exact) == [exact]
    over = "Câu một. " + "b" * (LIMIT - 8)
    assert len(over) == LIMIT + 1
    assert split_text(over) == ["Câu một.", "b" * (LIMIT - 8)]


def test_cuts_at_last_sentence_end_that_fits() -> None:
    first = "x" * 1500 + "."
    second = "y" * 400 + "!"
    third = "z" * 300 + "?"
    parts = split_text(f"{first} {second} {third}")
    assert parts == [f"{first} {second}", third]
    assert all(len(p) <= LIMIT for p in parts)


def test_sentence_end_exactly_at_the_limit() -> None:
    first = "x" * (LIMIT - 1) + "."
    assert split_text(first + " Tiếp theo.") == [first, "Tiếp theo."]


def test_line_breaks_count_as_boundaries() -> None:
    first = "Giấy tờ cần chuẩn bị:\n" + "- tờ khai " * 150
    text = first.strip() + "\n" + "w" * 500
    parts = split_text(text)
    assert parts == [first.strip(), "w" * 500]


def test_falls_back_to_word_boundary_when_no_sentence_end_fits() -> None:
    words = ["nộp"] * 700  # 700 * 4 - 1 = 2799 characters, no sentence end
    parts = split_text(" ".join(words))
    assert len(parts) == 2
    assert all(len(p) <= LIMIT for p in parts)
    assert all(w == "nộp" for p in parts for w in p.split(" "))
    assert parts[0].endswith("nộp") and not parts[0].endswith(" ")


def test_never_cuts_inside_a_word_that_fits() -> None:
    text = ("hồ sơ trực tuyến " * 700).strip()
    original_words = text.split()
    parts = split_text(text)
    assert [w for p in parts for w in p.split()] == original_words


def test_single_word_longer_than_limit_is_cut_hard() -> None:
    word = "a" * 3000
    assert split_text(word) == ["a" * LIMIT, "a" * 1000]


def test_long_word_after_a_sentence() -> None:
    text = "Dạ. " + "k" * 3000
    assert split_text(text) == ["Dạ.", "k" * LIMIT, "k" * 1000]


def test_ten_thousand_characters() -> None:
    sentence = "Bác mang căn cước đến bộ phận một cửa của xã."  # 45 characters
    sentences = [sentence] * 217 + ["x" * 17 + "."]
    text = " ".join(sentences)
    assert len(text) == 10_000
    parts = split_text(text)
    # Greedy by whole sentences: 43 sentences take 43 * 46 - 1 = 1977 characters; 44 take 2023.
    expected = [" ".join(sentences[i : i + 43]) for i in range(0, len(sentences), 43)]
    assert parts == expected
    assert len(parts) == 6
    assert all(len(p) <= LIMIT for p in parts)


def test_counts_characters_after_nfc() -> None:
    composed = "ệ" * LIMIT
    decomposed = unicodedata.normalize("NFD", composed)
    assert len(decomposed) > LIMIT  # 3 code points per letter before NFC
    assert split_text(decomposed) == [composed]


def test_hard_cut_never_separates_a_combining_mark() -> None:
    # U+0301 has no precomposed form with "q", so it stays a separate code point after NFC.
    text = "q" * (LIMIT - 1) + "q\u0301" + "q" * 10
    parts = split_text(text)
    assert all(not unicodedata.combining(p[0]) for p in parts)
    assert "".join(parts) == unicodedata.normalize("NFC", text)


def test_limit_must_be_sane() -> None:
    with pytest.raises(ValueError):
        split_text("abc", limit=1)


def test_render_choices_numbers_titles_under_the_text() -> None:
    rendered = render_choices(
        "Bác cần gì ạ?",
        [
            {"title": "Giấy tờ cần chuẩn bị", "payload": "/ask_documents"},
            {"title": "Lệ phí", "payload": "/ask_fee"},
        ],
    )
    assert rendered == f"Bác cần gì ạ?\n1. Giấy tờ cần chuẩn bị\n2. Lệ phí\n{CHOICE_HINT}"


def test_render_without_buttons_is_just_the_text() -> None:
    assert render_choices("Dạ.", []) == "Dạ."


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("1", 1),
        ("2", 2),
        (" 2 ", 2),
        ("số 2", 2),
        ("Số 2", 2),
        ("so 2", 2),
        ("chọn 3", 3),
        ("chon so 3", 3),
        ("2.", 2),
        ("2 ạ", 2),
        ("hai", 2),
        ("số hai", 2),
        ("2️⃣", 2),
        (unicodedata.normalize("NFD", "số 2"), 2),
    ],
)
def test_parse_choice_reads_numbers(typed: str, number: int) -> None:
    assert parse_choice(typed) == number


@pytest.mark.parametrize(
    "typed", ["", "   ", "tôi muốn hỏi 2 việc", "nam", "2 3", "số", "abc", "1" * 50]
)
def test_parse_choice_ignores_other_text(typed: str) -> None:
    assert parse_choice(typed) is None


def test_payload_for_choice_in_and_out_of_range() -> None:
    buttons = [{"title": "A", "payload": "/a"}, {"title": "B", "payload": "/b"}]
    assert payload_for_choice("số 2", buttons) == "/b"
    assert payload_for_choice("3", buttons) is None
    assert payload_for_choice("0", buttons) is None
    assert payload_for_choice("xin chào", buttons) is None
    assert payload_for_choice("1", [{"title": "Chỉ có tiêu đề"}]) == "Chỉ có tiêu đề"
