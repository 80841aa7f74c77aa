"""The settings sheet: form code, version, audience, minutes, title, introduction and
consent (standard texts, noted, where a column is missing)."""

from __future__ import annotations

from ..loader import CODE_RE
from ..messages import Text, msg
from .codes import CodeReader
from .languages import LanguageReader
from .vocabulary import STANDARD_TEXT_NOTES, is_number, text_of
from .workbook import Sheet


class SettingsReader(CodeReader, LanguageReader):
    def read_settings(self, sheet: Sheet | None) -> None:
        data, s = self.out.data, self.settings
        place = (lambda key: sheet.place(0, key)) if sheet else (lambda key: "settings")
        form_id = (s.get("form_id") or s.get("id_string") or "").strip()
        data["code"] = (form_id if CODE_RE.match(form_id) else
                        self.normalise(form_id) if form_id else
                        self.normalise(self.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]))
        self.out.places[("code",)] = place("form_id")
        if s.get("version"):
            data["version"] = str(s["version"]).strip()
            self.out.places[("version",)] = place("version")
        if s.get("choice_lists") is not None:
            self.named_lists = set(str(s["choice_lists"]).split())
        self.rosters = set(str(s.get("rosters") or "").split())
        audience = (s.get("audience") or "").strip()
        if audience:
            data["audience"] = audience
            self.out.places[("audience",)] = place("audience")
        else:
            data["audience"] = "citizen"
            self.note(msg("no audience column: taken as citizen (patient, professional or "
                          "citizen)"), "settings")
        minutes = (s.get("minutes") or "").strip()
        data["minutes"] = int(minutes) if is_number(minutes) else minutes or None
        self.out.places[("minutes",)] = place("minutes")
        row = dict(s)
        for key in ("title", "introduction", "consent"):
            texts = self.texts(sheet, row, 0, key, (key,)) if sheet else None
            if texts is None and key == "title" and s.get("form_title"):
                texts = {lang: str(s["form_title"]).strip() for lang in self.languages}
            if texts is None and key == "title":
                texts = {lang: data["code"] for lang in self.languages}
            if texts is None:
                texts = text_of(self.languages, key)
                self.note(Text(STANDARD_TEXT_NOTES[key], {"column": f"{key}::Français (fr)"}),
                          "settings")
            data[key] = texts
