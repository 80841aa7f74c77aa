"""Reading a contact file (CSV) for invitations: pure, validated row by row, with a report.

The file comes from a spreadsheet, so it may be empty, huge, in another encoding, separated by
semicolons (French Excel), or carry formulas. Every refusal names the line, the column and the
reason; good rows are kept and bad rows reported, never silently fixed.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _  # lazy: this module runs outside requests too

MAX_BYTES = 2 * 1024 * 1024  # 2 MB: about 30 000 contacts, far more than one campaign needs
MAX_ROWS = 5000
MAX_CELL = 200
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Accepted column names (lower case, spaces and dashes folded) -> field.
COLUMNS = {
    "email": "email", "e_mail": "email", "courriel": "email", "adresse_courriel": "email",
    "mail": "email",
    "name": "name", "nom": "name", "full_name": "name", "nom_complet": "name",
    "language": "language", "langue": "language", "lang": "language",
}


@dataclass(frozen=True)
class Problem:
    """Why a line (or the whole file, ``row`` 0) was refused; ``column`` as the file names it."""

    row: int
    column: str | None
    reason: str


@dataclass(frozen=True)
class ContactRow:
    row: int
    email: str
    name: str
    language: str


@dataclass
class ContactFile:
    contacts: list[ContactRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def email_problem(error: EmailNotValidError) -> str:
    """email-validator explains in English only: its reason in the reader's language."""
    text = str(error)
    if "must have an @-sign" in text:
        return str(_("it has no @ sign."))
    if "too long" in text:
        return str(_("it is too long."))
    if "characters" in text:
        return str(_("it contains a character an address cannot have (a space, an accent in "
                     "the domain, an invisible character...)."))
    if "after the @-sign" in text or "period" in text or "hyphen" in text:
        return str(_("a dot or a hyphen is misplaced, or the part after the @ is not a domain "
                     "name (it needs a dot, as in example.org)."))
    return str(_("it is not written as an address is (name@example.org)."))


def parse_contacts(data: bytes, languages: Sequence[str], default_language: str | None = None,
                   max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> ContactFile:
    """The contacts of a CSV file with a header line naming ``email`` (required), ``name`` and
    ``language`` (optional, else ``default_language``). Duplicated addresses are reported."""
    result = ContactFile()
    default_language = default_language or languages[0]

    def refuse(reason: object, row: int = 0, column: str | None = None) -> ContactFile:
        result.problems.append(Problem(row, column, str(reason)))
        return result

    if len(data) > max_bytes:
        return refuse(_("The file is too large (%(size)s KB; at most %(max)s KB). Split it into "
                         "several files.", size=len(data) // 1024, max=max_bytes // 1024))
    text = _decode(data)
    if text is None:
        line = data[:_first_bad_byte(data)].count(b"\n") + 1
        return refuse(_("The file is not in UTF-8 (first unreadable character on line "
                         "%(line)s). In your spreadsheet, save it as “CSV UTF-8”.", line=line))
    if "\x00" in text:
        return refuse(_("This is not a CSV text file. Save the sheet as “CSV UTF-8”."))
    if not text.strip():
        return refuse(_("The file is empty. The first line must name the columns, for "
                         "example: email,name,language."))
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text), dialect=_dialect(lines[0]))
    try:
        header = next(reader)
    except csv.Error as error:
        return refuse(_("Line 1 cannot be read: %(error)s.", error=str(error)), 1)
    fields = [_field(name) for name in header]
    if "email" not in fields:
        return refuse(_("No email column. The first line must name the columns, for example: "
                         "email,name,language (found: %(found)s).",
                         found=", ".join(repr(h) for h in header) or "-"), 1)
    for name, wanted in zip(header, fields, strict=True):
        if wanted is not None and fields.count(wanted) > 1:
            return refuse(_("The column %(column)s appears twice.", column=repr(name)), 1, name)
    seen: dict[str, int] = {}
    count = 0
    try:
        for cells in reader:
            row = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            count += 1
            if count > max_rows:
                result.contacts.clear()
                return refuse(_("More than %(max)s contacts: split the file.", max=max_rows),
                              row)
            contact = _row(row, header, fields, cells, languages, default_language,
                           result.problems)
            if contact is None:
                continue
            key = contact.email.lower()
            if key in seen:
                result.problems.append(Problem(row, _column(header, fields, "email"), str(_(
                    "This address is already on line %(line)s.", line=seen[key]))))
                continue
            seen[key] = row
            result.contacts.append(contact)
    except csv.Error as error:
        return refuse(_("Line %(line)s cannot be read: %(error)s.", line=reader.line_num,
                         error=str(error)), reader.line_num)
    if not result.contacts and not result.problems:
        return refuse(_("The file has a header line but no contacts."), 1)
    return result


def _row(row: int, header: list[str], fields: list[str | None], cells: list[str],
         languages: Sequence[str], default_language: str,
         problems: list[Problem]) -> ContactRow | None:
    values: dict[str, str] = {}
    bad = False
    if len(cells) > len(header):
        problems.append(Problem(row, None, str(_(
            "%(found)s cells where the header has %(expected)s: is a comma or semicolon "
            "missing quotes?", found=len(cells), expected=len(header)))))
        return None
    for name, wanted, cell in zip(header, fields, cells, strict=False):
        if wanted is None:
            continue
        value = cell.strip()
        if value.startswith(FORMULA_STARTS) or cell.startswith(FORMULA_STARTS):
            problems.append(Problem(row, name, str(_(
                "This cell starts like a spreadsheet formula (%(start)s): formulas are refused.",
                start=repr(value[:1] or cell[:1])))))
            bad = True
            continue
        if len(value) > MAX_CELL:
            problems.append(Problem(row, name, str(_(
                "Too long (%(length)s characters; at most %(max)s).", length=len(value),
                max=MAX_CELL))))
            bad = True
            continue
        if any(ord(c) < 32 for c in value):
            problems.append(Problem(row, name, str(_("Contains control characters."))))
            bad = True
            continue
        values[wanted] = value
    email_column = _column(header, fields, "email")
    email = values.get("email", "")
    if not bad and not email:
        problems.append(Problem(row, email_column, str(_("The email address is missing."))))
        return None
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError as error:
            problems.append(Problem(row, email_column, str(_(
                "Not a valid email address: %(reason)s", reason=email_problem(error)))))
            bad = True
    language = (values.get("language") or default_language).lower()
    if language not in languages:
        problems.append(Problem(row, _column(header, fields, "language"), str(_(
            "Unknown language %(found)s (expected one of: %(expected)s).",
            found=repr(values.get("language")), expected=", ".join(languages)))))
        bad = True
    if bad:
        return None
    return ContactRow(row=row, email=email, name=values.get("name", ""), language=language)


def _column(header: list[str], fields: list[str | None], wanted: str) -> str | None:
    return next((name for name, f in zip(header, fields, strict=True) if f == wanted), None)


def _field(name: str) -> str | None:
    key = "_".join(name.strip().lstrip("\ufeff").lower().replace("-", " ").split())
    return COLUMNS.get(key)


def _decode(data: bytes) -> str | None:
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _first_bad_byte(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start
    return len(data)


def _dialect(first_line: str) -> type[csv.Dialect]:
    """Comma, semicolon (French spreadsheets) or tab, by what separates the header's names."""
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    separator = max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","

    class Dialect(csv.excel):
        delimiter = separator

    return Dialect


def neutralise(value: object) -> str:
    """A cell a spreadsheet will show as text, never run as a formula (OWASP's advice: a
    leading apostrophe before =, +, -, @, tab or carriage return)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document (UTF-8 text with a BOM for spreadsheets) with every cell neutralised."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()
