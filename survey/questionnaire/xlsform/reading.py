"""XLSForm -> definition data, through the item-type registry, with every cell's place.

The workbook is read by pyxform (:mod:`.workbook`); each survey row becomes a definition entry
of the item type that claims its XLSForm type (``ItemType.xlsform_*``), and the result is
validated by the ordinary loader, so a problem is reported at its cell (``survey!C14``).
What our format cannot express is refused with its row and the reason; what is ignored
(metadata, unknown columns) and what was assumed (defaults, renamed codes) is listed in notes.
"""

from __future__ import annotations

from ..messages import N_, Text, msg
from .base import Converted
from .groups import GroupReader
from .scales import ScaleReader
from .settings import SettingsReader
from .vocabulary import split_header


class Reader(GroupReader, SettingsReader, ScaleReader):
    """One conversion: each concern is read by its own part (see the modules named in
    :class:`.base.ReaderBase`); this part says in which order."""

    def convert(self) -> Converted:
        survey = self.book.get("survey")
        if survey is None or not any(survey.rows):
            self.refuse("survey", msg("the workbook has no survey sheet with questions: an "
                                      "XLSForm needs a sheet named 'survey' (type, name, label "
                                      "columns)"))
            return self.out
        for header in ("type", "name"):
            if header not in {split_header(h)[0] for h in survey.headers}:
                self.refuse(f"{survey.name}!1", msg("the survey sheet has no '%(column)s' "
                                                    "column", column=header))
        if self.out.refusals:
            return self.out
        settings = self.book.get("settings")
        if settings is not None and settings.rows:
            self.settings = {k.strip(): v for k, v in settings.rows[0].items()}
        self.read_languages()
        self.find_filter_columns(survey)
        self.read_choices()
        self.collect_names(survey)
        data = self.out.data
        data["format"] = 1
        self.read_settings(settings)
        data["sections"] = self.read_survey(survey)
        if data.get("minutes") is None:
            questions = sum(1 for s in data["sections"] for i in s["items"]
                            if i.get("type") != "note")
            data["minutes"] = max(1, min(240, round(questions / 4)))
            template = (N_("no minutes column: about %(minutes)s minute assumed for "
                           "%(questions)s questions; give the time it takes in a minutes "
                           "column") if data["minutes"] == 1 else
                        N_("no minutes column: about %(minutes)s minutes assumed for "
                           "%(questions)s questions; give the time it takes in a minutes "
                           "column"))
            self.note(Text(template, {"minutes": data["minutes"], "questions": questions}),
                      "settings")
        self.finish_lists()
        scales = self.read_scales()
        if scales:
            data["scales"] = scales
        self.note_missing_texts()
        for column, place in self.ignored_columns.items():
            self.note(msg("column '%(column)s' is not used here; its values are ignored",
                          column=column), place)
        return self.out


__all__ = ["Converted", "Reader"]
