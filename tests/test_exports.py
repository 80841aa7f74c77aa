"""Exports across versions: CSV wide and long, XLSX, SPSS, codebooks, the `survey export`
commands; hostile cells neutralised, numbers kept, no secrets ever exported."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyreadstat
import pytest
from flask import Flask
from sqlalchemy import Integer, cast, literal, select
from sqlalchemy.exc import DBAPIError

from analysis.codebook import parse_codebook
from survey.exports import CsvOptions, Export, Selection, csv_long, csv_wide
from survey.exports.cli import export_group
from survey.exports.codebooks import codebook_csv, codebook_html
from survey.exports.source import _prefetched, response_rows
from survey.exports.spss import write_sav
from survey.exports.workbook import write_xlsx
from survey.extensions import db
from survey.models import Response
from survey.models.response import COMPLETED, STARTED
from survey.models.types import utcnow
from survey.questionnaire import load_text
from survey.secrets import digest, new_secret
from survey.versions import store_definition

from .conftest import make_app, missing

EVERY_TYPE = Path(__file__).parent / "data" / "every_type.yaml"
V1 = EVERY_TYPE.read_text(encoding="utf-8")
# Version 2: "service" reworded and without its "coop" choice, "label" removed, "extra" added.
V2 = (V1.replace('en: "Which service?"', 'en: "Which service do you use?"')
      .replace('          - {code: coop, fr: "Coopérative", en: "Cooperative"}\n', "")
      .replace('      - {code: label, type: text, text: {fr: "Un mot", en: "One word"}}\n',
               '      - {code: extra, type: integer, text: {fr: "En plus", en: "Extra"}}\n'))
assert V2.count("code: extra") == 1 and "code: coop" not in V2

PAYLOADS = ["=1+1", "+41 cmd", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR",
            '=HYPERLINK("http://x.test","clic")', "=cmd|' /C calc'!A0"]


def add_response(version_id: int, answers: dict[str, Any], status: str = COMPLETED,
                 language: str = "fr") -> int:
    response = Response(version_id=version_id, status=status, language=language,
                        answers=answers, resume_hash=digest(new_secret()),
                        start_hash=digest(new_secret()),
                        completed_at=utcnow() if status == COMPLETED else None)
    db.session.add(response)
    db.session.commit()
    return response.id


def two_versions(app: Flask) -> dict[str, int]:
    """Responses on both versions of every_type; returns their ids by name."""
    with app.app_context():
        v1 = store_definition(load_text(V1)).version.id
        v2 = store_definition(load_text(V2)).version.id
        assert v1 != v2
        return {
            "old": add_response(v1, {"service": "coop", "used": "yes", "visits": 3,
                                     "cost": 12.5, "barriers": ["hours", "cost"],
                                     "exp1": 4, "exp2_r": 2, "exp3": "dont_know",
                                     "me": ["nurse"], "leaders": {"doctor": 5, "nurse": 3},
                                     "label": "bravo", "comment": "Très bien"}),
            "new": add_response(v2, {"service": "clinic", "used": "no", "visits": -5,
                                     "extra": 7, "comment": PAYLOADS[0]}, language="en"),
            "started": add_response(v2, {"service": "clinic"}, status=STARTED),
        }


def read_csv(data: bytes, separator: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=separator))


def export(app: Flask, everything: bool = False) -> Export:
    statuses = (COMPLETED, STARTED) if everything else (COMPLETED,)
    return Export.of(Selection("every_type", statuses))


def test_wide_csv_spans_both_versions(app: Flask) -> None:
    ids = two_versions(app)
    with app.app_context():
        exported = export(app)
        data = b"".join(csv_wide(exported))
        versions = [v.short for v in exported.schema.versions]
    rows = read_csv(data)
    header = list(rows[0])
    assert header[:15] == ["response_id", "questionnaire", "version", "audience", "evaluation",
                           "site", "wave", "team", "panel_code", "language", "mode", "wording",
                           "status",
                           "started_at", "submitted_at"]
    # one column per data column ever used: the removed item stays beside its neighbours
    assert header.index("label") == header.index("comment") + 1
    assert "extra" in header and header.count("service") == 1
    old, new = rows  # the started response is left out by default
    assert (old["response_id"], new["response_id"]) == (str(ids["old"]), str(ids["new"]))
    assert (old["version"], new["version"]) == tuple(versions)
    assert old["label"] == "bravo" and new["label"] == ""
    assert old["extra"] == "" and new["extra"] == "7"
    assert old["service"] == "coop"  # a removed choice keeps its code
    assert old["barriers"] == "hours cost" and old["leaders"] == "doctor:5 nurse:3"
    assert old["exp3"] == "dont_know" and old["cost"] == "12.5"
    assert new["visits"] == "-5"  # a negative number stays a number
    assert new["comment"] == "'=1+1"
    assert old["submitted_at"].endswith("Z") and old["status"] == "completed"


def test_times_are_exported_in_utc_to_the_second(app: Flask, tmp_path: Path) -> None:
    """The database formats them (``source.utc_text``): the same text on SQLite and
    PostgreSQL, whatever the time zone the moment was given in, fractions of a second cut."""
    toronto = dt.timezone(dt.timedelta(hours=-5))
    with app.app_context():
        version = store_definition(load_text(V1)).version.id
        response = Response(version_id=version, status=COMPLETED, language="fr",
                            answers={"service": "clinic"}, resume_hash=digest(new_secret()),
                            start_hash=digest(new_secret()),
                            started_at=dt.datetime(2026, 3, 1, 12, 34, 56, 987654, toronto),
                            completed_at=dt.datetime(2026, 3, 1, 23, 59, 59, 999999, dt.UTC))
        db.session.add(response)
        db.session.commit()
        rows = read_csv(b"".join(csv_wide(export(app))))
        write_sav(export(app), tmp_path / "x.sav", lang="fr")
    assert (rows[0]["started_at"], rows[0]["submitted_at"]) == (
        "2026-03-01T17:34:56Z", "2026-03-01T23:59:59Z")
    frame, _ = pyreadstat.read_sav(str(tmp_path / "x.sav"))
    assert frame["submitted_at"][0] == dt.datetime(2026, 3, 1, 23, 59, 59)


def test_everything_includes_started_responses(app: Flask) -> None:
    ids = two_versions(app)
    with app.app_context():
        rows = read_csv(b"".join(csv_wide(export(app, everything=True))))
    assert [r["response_id"] for r in rows] == [str(ids[k]) for k in ("old", "new", "started")]
    assert rows[2]["status"] == "started" and rows[2]["submitted_at"] == ""


def test_codebook_keeps_removed_items_and_choices_with_their_versions(app: Flask) -> None:
    two_versions(app)
    with app.app_context():
        schema = export(app).schema
        document = schema.codebook()
    book = parse_codebook(document)  # the analysis library reads it
    v1, v2 = (v.short for v in schema.versions)
    service = next(i for i in document["items"] if i["code"] == "service")
    assert service["text"]["en"] == "Which service do you use?"  # newest wording
    assert [c["code"] for c in service["choices"]] == ["clinic", "coop"]
    assert book.item("service").label("coop", "fr") == "Coopérative"
    label = next(i for i in document["items"] if i["code"] == "label")
    assert label["versions"] == [v1]
    assert service["versions"] == [v1, v2]
    assert {v["version"] for v in document["versions"]} == {v1, v2}
    assert document["version"].startswith(v2)


def test_labels_bom_and_semicolons(app: Flask) -> None:
    two_versions(app)
    with app.app_context():
        data = b"".join(csv_wide(export(app), CsvOptions(lang="fr", bom=True, separator=";")))
    assert data.startswith("\ufeff".encode())
    old, new = read_csv(data, ";")
    assert old["service"] == "Coopérative" and new["service"] == "Clinique"
    assert old["barriers"] == "Heures; Coût"
    assert old["used"] == "Oui" and old["exp1"] == "Plutôt d'accord"
    assert old["leaders"] == "Médecin: 5; Infirmière: 3"
    assert old["comment"] == "Très bien"  # free text is not a code to label
    with pytest.raises(ValueError):
        CsvOptions(separator="|")


def test_long_csv_has_one_row_per_answer(app: Flask) -> None:
    ids = two_versions(app)
    with app.app_context():
        rows = read_csv(b"".join(csv_long(export(app))))
    assert list(rows[0]) == ["response_id", "item", "value"]
    new = {r["item"]: r["value"] for r in rows if r["response_id"] == str(ids["new"])}
    assert new["extra"] == "7" and new["comment"] == "'=1+1" and new["visits"] == "-5"
    assert "label" not in new  # unanswered cells have no row
    assert "version" not in new  # metadata are in the wide export, joined by response id


def test_hostile_cells_are_neutralised_in_csv_and_xlsx(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        version = store_definition(load_text(V1)).version.id
        for payload in PAYLOADS:
            add_response(version, {"comment": payload, "label": payload[:20], "visits": -3,
                                   "cost": -0.5})
        exported = export(app)
        rows = read_csv(b"".join(csv_wide(exported)))
        write_xlsx(exported, tmp_path / "x.xlsx")
    assert [r["comment"] for r in rows] == ["'" + p for p in PAYLOADS]
    assert all(r["visits"] == "-3" and r["cost"] == "-0.5" for r in rows)
    sheet = openpyxl.load_workbook(tmp_path / "x.xlsx")["data"]
    header = [c.value for c in sheet[1]]
    for row, payload in zip(sheet.iter_rows(min_row=2, values_only=True), PAYLOADS,
                            strict=True):
        cells = dict(zip(header, row, strict=True))
        # XML turns a carriage return into a line feed; the cell is still neutralised
        assert cells["comment"] == "'" + payload.replace("\r", "\n")
        assert cells["visits"] == -3 and cells["cost"] == -0.5  # numbers, not text
    assert not any(c.data_type == "f" for line in sheet.iter_rows() for c in line)


def test_xlsx_has_data_and_codebook_sheets(app: Flask, tmp_path: Path) -> None:
    two_versions(app)
    with app.app_context():
        write_xlsx(export(app), tmp_path / "x.xlsx", lang="en")
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert book.sheetnames == ["data", "codebook"]
    data = list(book["data"].iter_rows(values_only=True))
    header = list(data[0])
    old = dict(zip(header, data[1], strict=True))
    assert old["service"] == "Cooperative" and old["response_id"] == data[1][0]
    assert isinstance(old["response_id"], int)
    codebook = list(book["codebook"].iter_rows(values_only=True))
    assert codebook[0][:3] == ("column", "text_fr", "text_en")
    exp1 = next(r for r in codebook if r[0] == "exp1")
    assert "experience" in exp1 and "1=Pas du tout d'accord" in exp1[4]
    exp2 = next(r for r in codebook if r[0] == "exp2_r")
    assert exp2[6] == "yes"  # reverse keyed


def test_spss_file_reads_back_with_labels_and_missing_codes(app: Flask, tmp_path: Path) -> None:
    ids = two_versions(app)
    path = tmp_path / "x.sav"
    with app.app_context():
        write_sav(export(app), path, lang="fr")
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["service"] == "Quel service ?" and labels["response_id"] == "Response id"
    assert list(frame["response_id"]) == [ids["old"], ids["new"]]
    assert meta.variable_value_labels["exp1"][4.0] == "Plutôt d'accord"
    # text codes are numbered in the codebook's order: clinic 1, coop 2 (removed in v2)
    # "service" offers "don't know" only: no "prefer not to say" label or missing value
    assert meta.variable_value_labels["service"] == {
        1.0: "Clinique", 2.0: "Coopérative", -98.0: "Ne sais pas"}
    assert [r["lo"] for r in meta.missing_ranges["service"]] == [-98.0]
    assert list(frame["service"]) == [2, 1]
    assert meta.variable_value_labels["used"][1.0] == "Oui"
    assert -98.0 not in meta.variable_value_labels["used"]  # offers no special answer
    assert "used" not in meta.missing_ranges
    assert meta.variable_value_labels["visits"][-98.0] == "Ne sais pas"
    assert frame["visits"][1] == -5
    # "exp3" (a matrix row) offers no special answer: a stored one is system-missing, never a
    # number -98 that SPSS would average
    assert -98.0 not in meta.variable_value_labels["exp3"]
    assert pd.isna(frame["exp3"][0])
    assert frame["label"][0] == "bravo" and frame["comment"][1] == PAYLOADS[0]
    measures = meta.variable_measure
    assert (measures["exp1"], measures["visits"], measures["service"]) == (
        "ordinal", "scale", "nominal")
    assert meta.original_variable_types["submitted_at"].startswith("DATETIME")
    assert meta.original_variable_types["since"].startswith("EDATE")


def test_readable_codebooks(app: Flask) -> None:
    two_versions(app)
    with app.app_context():
        schema = export(app).schema
    rows = read_csv(b"".join(codebook_csv(schema)))
    service = next(r for r in rows if r["column"] == "service")
    assert "coop=Coopérative" in service["choices"] and service["type"] == "single"
    html = codebook_html(schema, "en")
    assert "<script" not in html and "Every type" in html
    assert "exp2_r" in html


def test_no_secrets_in_exports(app: Flask) -> None:
    two_versions(app)
    with app.app_context():
        hashes = [h for r in db.session.query(Response).all()
                  for h in (r.resume_hash, r.start_hash)]
        data = b"".join(csv_wide(export(app, everything=True))).decode()
        data += b"".join(csv_long(export(app, everything=True))).decode()
    assert not any(h in data for h in hashes)
    assert "hash" not in data.splitlines()[0] and "drafts" not in data


def test_rows_are_read_in_batches(app: Flask) -> None:
    with app.app_context():
        version = store_definition(load_text(V1)).version.id
        for n in range(7):
            add_response(version, {"visits": n})
        rows = list(response_rows(Selection("every_type"), [version], batch=2))
        stream = csv_wide(export(app))
        assert not isinstance(stream, list)  # a generator: written as it is read
        assert len(read_csv(b"".join(stream))) == 7
    assert [r.answers["visits"] for r in rows] == list(range(7))


def test_rows_read_ahead_by_a_thread_are_the_same_rows(app: Flask) -> None:
    """PostgreSQL: an export's rows come from a reading thread (``prefetch``); they are the
    rows of the session's own reading, in order; on SQLite the flag changes nothing."""
    with app.app_context():
        version = store_definition(load_text(V1)).version.id
        ids = [add_response(version, {"visits": n, "comment": f"c{n}"}) for n in range(9)]
        plain = list(response_rows(Selection("every_type"), [version], batch=2))
        ahead = list(response_rows(Selection("every_type"), [version], batch=2, prefetch=True))
    assert ahead == plain and [r.id for r in ahead] == ids
    assert [r.answers["comment"] for r in ahead] == [f"c{n}" for n in range(9)]


def test_a_download_closed_early_stops_its_reading_thread(app: Flask) -> None:
    """A client that goes away mid-download (the generator closed): the reading thread ends
    and its connection goes back to the pool."""
    with app.app_context():
        version = store_definition(load_text(V1)).version.id
        for n in range(30):
            add_response(version, {"visits": n})
        checked_out = db.engine.pool.checkedout()
        rows = response_rows(Selection("every_type"), [version], batch=2, prefetch=True)
        assert next(rows).answers == {"visits": 0}
        rows.close()
        assert not [t for t in threading.enumerate() if t.name == "export-rows"]
        assert db.engine.pool.checkedout() <= checked_out + 1  # the session's own connection


def test_an_error_of_the_reading_thread_reaches_the_export(postgres_database: str) -> None:
    """The reading thread runs on PostgreSQL only: its error is raised by the export."""
    app = make_app(postgres_database)
    with app.app_context():
        failing = select(cast(literal("not a number"), Integer))
        with pytest.raises(DBAPIError, match="invalid input syntax"):
            list(_prefetched(db.engine, failing, 2))
        assert not [t for t in threading.enumerate() if t.name == "export-rows"]
        db.engine.dispose()


def test_export_commands(app: Flask, tmp_path: Path) -> None:
    two_versions(app)
    runner = app.test_cli_runner()
    out = tmp_path / "every.csv"
    ran = runner.invoke(export_group, ["responses", "every_type", "--out", str(out),
                              "--bom", "--semicolon"])
    assert ran.exit_code == 0, ran.output
    assert len(read_csv(out.read_bytes(), ";")) == 2
    book = parse_codebook(json.loads((tmp_path / "every.codebook.json").read_text("utf-8")))
    assert "label" in book.item_codes
    ran = runner.invoke(export_group, ["responses", "every_type", "--format", "long"])
    assert ran.exit_code == 0 and "response_id,item,value" in ran.output
    for fmt in ("xlsx", "sav"):
        target = tmp_path / f"every.{fmt}"
        ran = runner.invoke(export_group, ["responses", "every_type", "--format", fmt,
                                  "--out", str(target)])
        assert ran.exit_code == 0, ran.output
        assert target.stat().st_size > 0
    ran = runner.invoke(export_group, ["responses", "every_type", "--format", "sav"])
    assert ran.exit_code != 0 and "needs --out" in ran.output
    ran = runner.invoke(export_group, ["responses", "nothing_here"])
    assert ran.exit_code == 1 and "no questionnaire 'nothing_here'" in ran.output
    ran = runner.invoke(export_group, ["codebook", "every_type", "--format", "csv"])
    assert ran.exit_code == 0 and ran.output.startswith("column,text_fr,text_en")
    ran = runner.invoke(export_group, ["codebook", "every_type"])
    assert json.loads(ran.output)["questionnaire"] == "every_type"


def test_indicators_and_report_command(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        version = store_definition(load_text(V1)).version.id
        for n in range(12):
            add_response(version, {"exp1": 1 + n % 5, "exp2_r": 1 + (n * 3) % 5,
                                   "exp3": 1 + (n * 2) % 5, "service": "clinic",
                                   "used": "yes"})
    ran = app.test_cli_runner().invoke(export_group, [
        "indicators", "every_type", "--out", str(tmp_path / "report"), "--lang", "en",
        "--no-charts"])
    assert ran.exit_code == 0, ran.output
    indicators = json.loads((tmp_path / "report" / "indicators.json").read_text("utf-8"))
    assert indicators["questionnaire"] == "every_type"
    assert indicators["settings"]["min_group"] == app.config["MIN_GROUP_SIZE"]
    summary = indicators["tables"]["scale_summary"]
    assert summary[0]["scale"] == "experience" and summary[0]["n"] == 12
    assert "<html" in (tmp_path / "report" / "report.html").read_text("utf-8")
    ran = app.test_cli_runner().invoke(export_group, [
        "indicators", "every_type", "--out", str(tmp_path / "r2"), "--by", "nope"])
    assert ran.exit_code != 0 and "--by nope" in ran.output


def test_libreoffice_opens_the_french_excel_csv(app: Flask, tmp_path: Path) -> None:
    """Headless LibreOffice reads the BOM + ';' CSV: accents intact, numbers as numbers, hostile
    text as text. Skipped where LibreOffice is not installed, except in CI (.ci/run installs
    it)."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        missing("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    two_versions(app)
    source = tmp_path / "every.csv"
    with app.app_context():
        source.write_bytes(b"".join(csv_wide(export(app), CsvOptions(
            lang="fr", bom=True, separator=";"))))
    # 59 = ';', 34 = '"', 76 = UTF-8, line 1
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--infilter=CSV:59,34,76,1", "--convert-to", "xlsx", "--outdir",
                    str(tmp_path), str(source)], check=True, capture_output=True, timeout=240)
    sheet = openpyxl.load_workbook(tmp_path / "every.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    old, new = (dict(zip(header, row, strict=True)) for row in rows[1:3])
    assert old["service"] == "Coopérative" and old["comment"] == "Très bien"
    assert new["visits"] == -5 and old["cost"] == 12.5  # numbers, not text
    assert new["comment"] == "'=1+1"  # text, never a formula
    assert not any(c.data_type == "f" for line in sheet.iter_rows() for c in line)


def test_the_analysis_library_reads_an_export_and_its_codebook(app: Flask, tmp_path: Path
                                                                ) -> None:
    from analysis.cli import main as analyze

    two_versions(app)
    with app.app_context():
        version = store_definition(load_text(V2)).version.id
        for n in range(6):
            add_response(version, {"exp1": 1 + n % 5, "exp2_r": 2, "exp3": 3, "extra": n,
                                   "barriers": ["hours"], "leaders": {"nurse": 4}})
    out = tmp_path / "every.csv"
    ran = app.test_cli_runner().invoke(export_group, ["responses", "every_type", "--out",
                                                      str(out)])
    assert ran.exit_code == 0, ran.output
    code = analyze([str(out), "--codebook", str(tmp_path / "every.codebook.json"), "--out",
                    str(tmp_path / "report"), "--min-group", "1", "--no-charts"])
    assert code == 0
    indicators = json.loads((tmp_path / "report" / "indicators.json").read_text("utf-8"))
    assert indicators["tables"]["responses"][0]["n"] == 8


def test_campaign_columns_and_the_evaluation_filter(app: Flask) -> None:
    from survey.models import Campaign

    from .workspace import build_world

    world = build_world(app, passwords=False)
    with app.app_context():
        campaign_a = db.session.get(Campaign, world.a.campaign)
        campaign_b = db.session.get(Campaign, world.b.campaign)
        in_a = add_response(campaign_a.version_id, {"sl_one_r": 3})
        in_b = add_response(campaign_b.version_id, {"sl_one_r": 4})
        for ident, campaign in ((in_a, campaign_a), (in_b, campaign_b)):
            db.session.get(Response, ident).campaign_id = campaign.id
        open_link = add_response(campaign_a.version_id, {"sl_one_r": 5})
        db.session.commit()
        rows = read_csv(b"".join(csv_wide(Export.of(Selection("professionals")))))
        only_a = read_csv(b"".join(csv_wide(Export.of(Selection(
            "professionals", evaluation_id=world.a.evaluation)))))
    by_id = {int(r["response_id"]): r for r in rows}
    assert (by_id[in_a]["evaluation"], by_id[in_a]["site"], by_id[in_a]["wave"],
            by_id[in_a]["team"]) == ("Alpha", "Alpha clinic", "T0", "Alpha team")
    assert by_id[in_b]["evaluation"] == "Bravo"
    assert by_id[open_link]["evaluation"] == "" and by_id[open_link]["panel_code"] == ""
    assert [int(r["response_id"]) for r in only_a] == [in_a]
