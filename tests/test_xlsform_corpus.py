"""Real XLSForms written by others (tests/data/xlsforms, licences in LICENSES.md): plain ones
import, the others are refused with the place and the reason, none crashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey.questionnaire import DefinitionError
from survey.questionnaire.xlsform import read_xlsform

CORPUS = Path(__file__).parent / "data" / "xlsforms"
FILES = sorted(CORPUS.glob("*.xlsx"))

IMPORTED = {
    "pyxform__extra_columns.xlsx", "pyxform__extra_sheet_names.xlsx", "pyxform__field-list.xlsx",
    "pyxform__specify_other.xlsx", "pyxform__survey_no_name.xlsx",
    "pyxform__text_and_integer.xlsx", "pyxform__xl_date_ambiguous_v1.xlsx",
    "pyxform__yes_or_no_question.xlsx", "xlsformoffline__pyxform-clean.xlsx",
    "xlsformoffline__pyxform-warning.xlsx",
}
# file -> a reason that must be among its problems
REFUSED = {
    "pyxform__ODKValidateWarnings.xlsx": "phone numbers",
    "pyxform__UCL_Biomass_Plot_Form.xlsx": "a ZIP file holding the XLSForm and UCL_regions.csv",
    "pyxform__attribute_columns_test.xlsx": "pictures in questions",
    "pyxform__bad_calc.xlsx": "calculations are not evaluated",
    "pyxform__case_insensitivity.xlsx": "cascading selects",
    "pyxform__choice_filter_test.xlsx": "cascading selects",
    "pyxform__duplicate_columns.xlsx": "Duplicate column header",
    "pyxform__flat_xlsform_test.xlsx": "pictures in questions",
    "pyxform__group.xlsx": "phone numbers",
    "pyxform__include.xlsx": "including other forms",
    "pyxform__include_json.xlsx": "including other forms",
    "pyxform__loop.xlsx": "loops over a list of choices",
    "pyxform__or_other.xlsx": "cascading selects",
    "pyxform__pull_data.xlsx": "calculations are not evaluated",
    "pyxform__xl_date_ambiguous.xlsx": "cascading selects",
    "pyxform__xlsform_spec_test.xlsx": "pictures in questions",
    "xlsform2lstsv__all_types_survey.xlsx": "times of day",
    "xlsform2lstsv__mitwirken_umfrage.xlsx": "unknown function 'regex'",
    "xlsform2lstsv__testA.xlsx": "range sliders",
    "xlsform2lstsv__testB.xlsx": "calculations are not evaluated",
    "xlsform2qgis__repeat_over_selected.xlsx": "calculations are not evaluated",  # its repeat reads
    "xlsform2qgis__service_rating.xlsx": "GPS locations",
    "xlsform2qgis__survey_flooding_rapid_assessment.xlsx": "cannot tell the language",
    "xlsform2qgis__survey_household_water.xlsx": "photos cannot be collected",
    "xlsform2qgis__survey_individual_assistance_pda.xlsx": "cannot tell the language",
    "xlsformoffline__external-itemsets.xlsx": "cascading selects",
    "xlsformoffline__pyxform-error.xlsx": "'textX' is not an XLSForm type",
    "xlsformoffline__validate-error.xlsx": "calculations are not evaluated",
}


def test_the_corpus_is_the_one_described():
    assert {f.name for f in FILES} == IMPORTED | set(REFUSED)
    assert (CORPUS / "LICENSES.md").exists()


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_real_form_imports_or_is_refused_with_place_and_reason(path):
    try:
        imported = read_xlsform(path.read_bytes(), path.name)
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
