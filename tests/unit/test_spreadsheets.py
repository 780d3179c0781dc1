import csv
import io

import pytest

from agora.spreadsheets import csv_bytes, safe_cell

BOM = b"\xef\xbb\xbf"


def read(data: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_starting_as_a_formula_gets_a_leading_quote(start):
    assert safe_cell(f'{start}HYPERLINK("http://x")') == f'\'{start}HYPERLINK("http://x")'


@pytest.mark.parametrize("text", ["", "plain", "Élodie", " =not first", "a=b", "'already quoted", "1+1"])
def test_a_text_that_does_not_start_as_a_formula_is_unchanged(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize("number", [0, 42, -3, 10**17 + 1])
def test_numbers_stay_numbers_even_negative(number):
    assert safe_cell(number) == number
    assert type(safe_cell(number)) is int


def test_the_file_starts_with_a_utf8_bom():
    assert csv_bytes(["a"], [["b"]]).startswith(BOM)
    assert not csv_bytes(["a"], [["b"]])[len(BOM) :].startswith(BOM)


def test_rows_end_with_crlf():
    assert csv_bytes(["a", "b"], [[1, 2], [3, 4]]) == BOM + b"a,b\r\n1,2\r\n3,4\r\n"


def test_a_line_break_inside_a_cell_stays_inside_its_quoted_cell():
    data = csv_bytes(["text"], [["one\ntwo"]])
    assert data == BOM + b'text\r\n"one\ntwo"\r\n'
    assert read(data) == [["text"], ["one\ntwo"]]


def test_the_delimiter_separates_cells_and_is_quoted_inside_one():
    data = csv_bytes(["name", "note"], [["a;b", "4,5"]], delimiter=";")
    assert data == BOM + b'name;note\r\n"a;b";4,5\r\n'
    assert read(data, ";") == [["name", "note"], ["a;b", "4,5"]]


def test_accents_are_written_as_utf8():
    data = csv_bytes(["événement"], [["Zoé « ça »"]])
    assert data == BOM + "événement\r\nZoé « ça »\r\n".encode()


def test_every_cell_of_header_and_rows_is_guarded():
    data = csv_bytes(["=head", "ok"], [["-list", 7], ["@x", "+1"]])
    assert read(data) == [["'=head", "ok"], ["'-list", "7"], ["'@x", "'+1"]]


def test_an_empty_row_is_a_blank_line_between_two_tables():
    data = csv_bytes(["a"], [["1"], [], ["b"], ["2"]])
    assert data == BOM + b"a\r\n1\r\n\r\nb\r\n2\r\n"


def test_a_header_alone_is_a_file_of_one_line():
    assert csv_bytes(["a", "b"], []) == BOM + b"a,b\r\n"


def test_rows_may_come_from_a_generator():
    assert csv_bytes(["n"], ([n] for n in range(3))) == BOM + b"n\r\n0\r\n1\r\n2\r\n"
