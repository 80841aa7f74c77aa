"""The XLSForm corpus (tests/data/xlsforms): real forms written by others (licences in
LICENSES.md) and forms written as field teams write them (fieldteam.py, the fieldteam__
files): those we can express import, the others are refused with the place and the reason,
none crashes; the README states how many import."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from survey.questionnaire import DefinitionError
from survey.questionnaire.xlsform import read_upload

ROOT = Path(__file__).parent.parent
CORPUS = Path(__file__).parent / "data" / "xlsforms"
FILES = sorted([*CORPUS.glob("*.xlsx"), *CORPUS.glob("*.zip")])

IMPORTED = {
    "pyxform__extra_columns.xlsx", "pyxform__extra_sheet_names.xlsx", "pyxform__field-list.xlsx",
    "pyxform__specify_other.xlsx", "pyxform__survey_no_name.xlsx",
    "pyxform__text_and_integer.xlsx", "pyxform__xl_date_ambiguous_v1.xlsx",
    "pyxform__yes_or_no_question.xlsx", "xlsformoffline__pyxform-clean.xlsx",
    "xlsformoffline__pyxform-warning.xlsx",
    "fieldteam__cascading_locations.xlsx", "fieldteam__chw_household_visit.xlsx",
    "fieldteam__clinic_exit_interview.xlsx",
    "fieldteam__pharmacy_access_en.xlsx", "fieldteam__vaccination_outreach.zip",
    "fieldteam__youth_wellbeing_fr.xlsx", "fieldteam__community_meeting_feedback.xlsx",
    "fieldteam__nutrition_screening.xlsx", "xlsform2lstsv__testA.xlsx",
    "fieldteam__social_prescribing_followup.xlsx",  # a repeat (issue 23)
    # the functions if(), today(), regex(), concat(), normalize-space() (issue 23)
    "fieldteam__eligibility_screener.xlsx", "xlsform2lstsv__mitwirken_umfrage.xlsx",
    "xlsform2lstsv__testB.xlsx",
    # times of day, and choice codes repeated in a cascading list told apart by a column
    "fieldteam__time_use_diary.xlsx", "pyxform__choice_filter_test.xlsx",
    "xlsformoffline__external-itemsets.xlsx",
    # dates in arithmetic, pow(), date(), count(), sum(), join() and position(..) (issue 23)
    "fieldteam__household_roster.xlsx", "fieldteam__growth_monitoring.xlsx",
}
# file -> a reason that must be among its problems
REFUSED = {
    "pyxform__ODKValidateWarnings.xlsx": "phone numbers",
    "pyxform__UCL_Biomass_Plot_Form.xlsx": "a ZIP file holding the XLSForm and UCL_regions.csv",
    "pyxform__attribute_columns_test.xlsx": "GPS locations",
    "pyxform__bad_calc.xlsx": "unterminated string",
    "pyxform__case_insensitivity.xlsx": "maps are not supported",
    "pyxform__duplicate_columns.xlsx": "Duplicate column header",
    "pyxform__flat_xlsform_test.xlsx": "GPS locations",
    "pyxform__group.xlsx": "phone numbers",
    "pyxform__include.xlsx": "including other forms",
    "pyxform__include_json.xlsx": "including other forms",
    "pyxform__loop.xlsx": "loops over a list of choices",
    "pyxform__or_other.xlsx": "not a column of the choices",
    "pyxform__pull_data.xlsx": "function 'pulldata' is refused",
    "pyxform__xl_date_ambiguous.xlsx": "unexpected character ':'",
    "pyxform__xlsform_spec_test.xlsx": "GPS locations",
    "xlsform2lstsv__all_types_survey.xlsx": "a date with a time of day",
    "xlsform2qgis__repeat_over_selected.xlsx": "function 'pulldata' is refused",
    "xlsform2qgis__service_rating.xlsx": "GPS locations",
    "xlsform2qgis__survey_flooding_rapid_assessment.xlsx": "cannot tell the language",
    "xlsform2qgis__survey_household_water.xlsx": "photos cannot be collected",
    "xlsform2qgis__survey_individual_assistance_pda.xlsx": "cannot tell the language",
    "xlsformoffline__pyxform-error.xlsx": "'textX' is not an XLSForm type",
    "xlsformoffline__validate-error.xlsx": "calculations are not evaluated",
    "fieldteam__water_point_mapping.xlsx": "GPS locations",
}


def test_the_corpus_is_the_one_described():
    assert {f.name for f in FILES} == IMPORTED | set(REFUSED)
    assert (CORPUS / "LICENSES.md").exists()


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_real_form_imports_or_is_refused_with_place_and_reason(path):
    try:
        imported = read_upload(path.read_bytes(), path.name)
    except DefinitionError as error:
        assert path.name in REFUSED, f"{path.name} should import:\n{error}"
        text = str(error)
        assert REFUSED[path.name] in text
        for problem in error.problems:
            assert problem.message
            assert "Traceback" not in problem.message
        # refusals of what our format cannot express name their cell
        assert any(p.place and "!" in p.place for p in error.problems) or \
            "cannot be read" in text
        return
    assert path.name in IMPORTED, f"{path.name} imported but was expected to be refused"
    definition = imported.definition
    assert definition.sections and any(i.answerable for i in definition.items())
    assert definition.content_hash


def test_the_readme_states_how_many_forms_of_the_corpus_import():
    sys.path.insert(0, str(ROOT / "scripts"))
    from xlsform_corpus import corpus_files, read

    files = corpus_files()
    imported = sum(1 for path in files if not read(path))
    assert imported == len(IMPORTED)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"Of the (\d+) XLSForms of the corpus.*?,\s+(\d+) import", readme,
                       re.DOTALL)
    assert stated, "the README gives the corpus count"
    assert (int(stated[1]), int(stated[2])) == (len(files), imported), \
        "run `python scripts/xlsform_corpus.py` and update the README's count"
