"""Contact files (CSV) for invitations: each bad line is reported with its column and reason,
and whole-file problems (empty, huge, other encoding) get one clear message."""

from __future__ import annotations

import csv
import io

from flask import Flask
from flask_babel import force_locale

from survey.invitations.contacts import csv_text, neutralise, parse_contacts

LANGUAGES = ["fr", "en"]


def parse(text: str | bytes, **options: object):  # noqa: ANN201
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_contacts(data, LANGUAGES, **options)


def test_good_rows_are_kept_with_name_and_language() -> None:
    result = parse("email,name,language\r\nawa@example.org,Awa Diallo,en\r\n"
                   "Jean@Example.org,Jean Tremblay,\r\n\r\n")
    assert result.ok
    assert [(c.row, c.email, c.name, c.language) for c in result.contacts] == [
        (2, "awa@example.org", "Awa Diallo", "en"),
        (3, "Jean@example.org", "Jean Tremblay", "fr")]


def test_french_headers_semicolons_and_a_bom_from_excel() -> None:
    data = "\ufeffCourriel;Nom;Langue\r\nlea@example.org;Léa Côté;FR\r\n".encode()
    result = parse(data)
    assert result.ok
    assert result.contacts[0].name == "Léa Côté" and result.contacts[0].language == "fr"


def test_utf16_with_a_bom_is_read() -> None:
    result = parse("email\nawa@example.org\n".encode("utf-16"))
    assert result.ok and result.contacts[0].email == "awa@example.org"


def test_each_bad_row_is_reported_with_its_line_column_and_reason() -> None:
    result = parse("email,name,language\n"
                   "awa@example.org,Awa,fr\n"
                   "not-an-address,Bob,fr\n"
                   ",Nobody,fr\n"
                   "carl@example.org,Carl,de\n"
                   "AWA@example.org,Awa again,fr\n"
                   "dan@example.org,Dan,fr\n")
    assert [c.email for c in result.contacts] == ["awa@example.org", "dan@example.org"]
    report = {(p.row, p.column): p.reason for p in result.problems}
    assert set(report) == {(3, "email"), (4, "email"), (5, "language"), (6, "email")}
    assert report[(3, "email")] == "Not a valid email address: it has no @ sign."
    assert "missing" in report[(4, "email")]
    assert "'de'" in report[(5, "language")] and "fr, en" in report[(5, "language")]
    assert "line 2" in report[(6, "email")]


def test_formula_cells_are_refused_not_imported() -> None:
    result = parse('email,name\n'
                   'eve@example.org,"=HYPERLINK(""http://evil"",""x"")"\n'
                   'fay@example.org,@SUM(A1)\n'
                   '+33@example.org,Plus\n'
                   'gil@example.org,Gil\n')
    assert [c.email for c in result.contacts] == ["gil@example.org"]
    assert [(p.row, p.column) for p in result.problems] == [(2, "name"), (3, "name"),
                                                            (4, "email")]
    assert all("formula" in p.reason for p in result.problems)


def test_empty_files_and_files_without_contacts() -> None:
    for data in (b"", b"   \n\n"):
        [problem] = parse(data).problems
        assert problem.row == 0 and "empty" in problem.reason
    [problem] = parse("email,name\n").problems
    assert problem.row == 1 and "no contacts" in problem.reason


def test_a_file_without_an_email_column_names_what_it_found() -> None:
    [problem] = parse("nom,téléphone\nAwa,555\n").problems
    assert problem.row == 1 and "No email column" in problem.reason
    assert "'téléphone'" in problem.reason
    assert not parse("nom,téléphone\nAwa,555\n").contacts


def test_another_encoding_is_refused_with_the_line_and_the_fix() -> None:
    data = "email,nom\nawa@example.org,Awa\nlea@example.org,Léa Côté\n".encode("cp1252")
    result = parse(data)
    assert not result.contacts
    [problem] = result.problems
    assert "UTF-8" in problem.reason and "line 3" in problem.reason


def test_a_binary_file_is_refused() -> None:
    assert "not a CSV" in parse(b"email\x00\x00\x01").problems[0].reason


def test_huge_files_and_too_many_rows_are_refused_whole() -> None:
    data = b"email\n" + b"x" * 3_000_000
    [problem] = parse(data).problems
    assert "too large" in problem.reason and "2048 KB" in problem.reason
    rows = "email\n" + "".join(f"p{n}@example.org\n" for n in range(11))
    result = parse(rows, max_rows=10)
    assert not result.contacts and "More than 10" in result.problems[0].reason
    assert parse(rows, max_rows=11).ok


def test_rows_with_extra_cells_and_overlong_cells() -> None:
    result = parse("email,name\nawa@example.org,Diallo, Awa\nbob@example.org," + "b" * 300
                   + "\n")
    assert not result.contacts
    assert "3 cells" in result.problems[0].reason
    assert result.problems[1].column == "name" and "Too long" in result.problems[1].reason


def test_exported_cells_never_run_as_formulas() -> None:
    assert neutralise("=1+1") == "'=1+1" and neutralise("-2") == "'-2"
    assert neutralise("@x") == "'@x" and neutralise("\t=x") == "'\t=x"
    assert neutralise("Awa") == "Awa" and neutralise(None) == ""
    text = csv_text(["email", "link"], [["=cmd|' /C calc'!A0", "https://survey.test/i/x"]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["email", "link"], ["'=cmd|' /C calc'!A0", "https://survey.test/i/x"]]


def test_the_reason_an_address_is_refused_is_in_the_readers_language(app: Flask) -> None:
    data = b"email\nnot-an-address\na b@example.org\nx@y\n"
    with app.test_request_context(), force_locale("fr"):
        reasons = [p.reason for p in parse_contacts(data, LANGUAGES).problems]
    assert reasons[0] == "Adresse courriel invalide\u00a0: elle n’a pas de @."
    assert all("@-sign" not in r and "The email address" not in r for r in reasons)
    assert "espace" in reasons[1] and "example.org" in reasons[2]
