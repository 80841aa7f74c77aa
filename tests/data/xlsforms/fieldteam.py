"""Write the ``fieldteam__*`` forms of the corpus: XLSForms as KoboToolbox and ODK users write
them (several languages with a few translations left out, groups, notes, constraints,
calculations, metadata, Kobo's ``$kuid``/``$autoname`` columns, cascading selects, a ZIP with
its CSV and pictures), built here rather than downloaded, so their content is ours (public
domain, like the rest of the tests). Run ``python tests/data/xlsforms/fieldteam.py`` to write
them again; the corpus test reads the files written.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HERE = Path(__file__).parent
EN, FR, SW = "label::English (en)", "label::Français (fr)", "label::Kiswahili (sw)"
HEN, HFR = "hint::English (en)", "hint::Français (fr)"
KOBO_META = [["start", "start"], ["end", "end"], ["today", "today"], ["deviceid", "deviceid"]]
YES_NO = [["yes_no", "yes", "Yes", "Oui"], ["yes_no", "no", "No", "Non"]]
AGREE = [["agree", 1, "Strongly disagree", "Pas du tout d'accord"],
         ["agree", 2, "Disagree", "Pas d'accord"], ["agree", 3, "Neutral", "Neutre"],
         ["agree", 4, "Agree", "D'accord"], ["agree", 5, "Strongly agree", "Tout à fait d'accord"]]


def book(sheets: dict[str, list[list[Any]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    import datetime as dt

    workbook.properties.created = workbook.properties.modified = dt.datetime(2026, 12, 5)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def kobo(rows: list[list[Any]], header: list[str]) -> list[list[Any]]:
    """Rows as KoboToolbox exports them: a ``$kuid`` column (and ``$autoname``) at the end."""
    return [[*header, "$kuid", "$autoname"]] + [
        [*row, *([None] * (len(header) - len(row))), f"k{n:05x}", row[1] if len(row) > 1
         else None] for n, row in enumerate(rows, start=4096)]


FORMS: dict[str, dict[str, list[list[Any]]]] = {
    "clinic_exit_interview": {
        "survey": kobo([
            *KOBO_META,
            ["begin_group", "visit", "Your visit today", "Votre visite aujourd'hui"],
            ["select_one yes_no", "first_visit", "Is this your first visit?",
             "Est-ce votre première visite ?", None, None, "true"],
            ["integer", "age", "How old are you?", "Quel âge avez-vous ?", None, None, "true",
             None, ". >= 16 and . <= 110", "Age must be between 16 and 110",
             "L'âge doit être entre 16 et 110"],
            ["select_one agree", "welcome", "I felt welcome", "Je me suis senti·e accueilli·e",
             None, None, None, None, None, None, None, "likert"],
            ["end_group"],
            ["begin_group", "staff", "About the staff", "À propos de l'équipe", None, None,
             None, None, None, None, None, "table-list"],
            ["select_one agree", "listened", "They listened to me", "On m'a écouté·e"],
            ["select_one agree", "explained", "They explained clearly",
             "On m'a expliqué clairement"],
            ["select_one agree", "rushed", "I felt rushed", "Je me suis senti·e pressé·e"],
            ["end_group"],
            ["begin_group", "end_page", "Last words", "Pour finir"],
            ["text", "improve", "What could we improve?", "Que pourrions-nous améliorer ?",
             "Optional", "Facultatif", None, None, None, None, None, "multiline"],
            ["note", "thanks", "Thank you!", "Merci !"],
            ["end_group"],
        ], ["type", "name", EN, FR, HEN, HFR, "required", "relevant", "constraint",
            "constraint_message::English (en)", "constraint_message::Français (fr)",
            "appearance"]),
        "choices": [["list_name", "name", EN, FR], *YES_NO, *AGREE],
        "settings": [["form_title", "form_id", "version", "default_language"],
                     ["Clinic exit interview", "clinic_exit", "vGx7m2", "English (en)"]],
    },
    "chw_household_visit": {
        "survey": [
            ["type", "name", EN, SW, "required", "relevant", "constraint", "appearance"],
            ["begin group", "household", "Household", "Kaya"],
            ["integer", "members", "How many people live here?", "Watu wangapi wanaishi hapa?",
             "yes", None, ". > 0 and . < 40"],
            ["select_one yes_no", "children", "Are there children under five?",
             "Kuna watoto chini ya miaka mitano?", "yes"],
            ["integer", "children_n", "How many?", None, None, "${children} = 'yes'",
             ". > 0 and . <= ${members}"],
            ["select_multiple services or_other", "services", "Which services did you use "
             "this year?", "Ulitumia huduma gani mwaka huu?"],
            ["end group"],
            ["begin group", "water", "Water and sanitation", "Maji na usafi"],
            ["select_one source", "water_source", "Main source of drinking water",
             "Chanzo kikuu cha maji ya kunywa", "yes"],
            ["text", "comments", "Comments", None, None, None, None, "multiline"],
            ["end group"],
            ["username", "username"],
        ],
        "choices": [["list_name", "name", EN, SW],
                    ["yes_no", "yes", "Yes", "Ndiyo"], ["yes_no", "no", "No", "Hapana"],
                    ["services", "clinic", "Health centre", "Kituo cha afya"],
                    ["services", "pharmacy", "Pharmacy", "Duka la dawa"],
                    ["services", "chw", "Community health worker", None],
                    ["source", "tap", "Piped water", "Maji ya bomba"],
                    ["source", "well", "Protected well", "Kisima kilichohifadhiwa"],
                    ["source", "river", "River or lake", "Mto au ziwa"]],
        "settings": [["form_title", "form_id", "default_language"],
                     ["CHW household visit", "chw_visit", "English (en)"]],
    },
    "youth_wellbeing_fr": {
        "survey": [
            ["type", "name", "label", "hint", "required", "relevant"],
            ["begin_group", "toi", "Toi et ton quartier", "Quelques questions rapides"],
            ["select_one freq", "sport", "Fais-tu du sport chaque semaine ?", None, "oui"],
            ["select_multiple lieux", "lieux", "Où passes-tu ton temps libre ?",
             "Plusieurs réponses possibles"],
            ["text", "lieux_autre", "Lequel ?", None, None, "selected(${lieux}, 'autre')"],
            ["note", "info", "Tes réponses restent anonymes."],
            ["end_group"],
        ],
        "choices": [["list_name", "name", "label"],
                    ["freq", "jamais", "Jamais"], ["freq", "parfois", "Parfois"],
                    ["freq", "souvent", "Souvent"],
                    ["lieux", "parc", "Au parc"], ["lieux", "maison_jeunes",
                                                   "À la maison des jeunes"],
                    ["lieux", "autre", "Ailleurs"]],
        "settings": [["form_title", "form_id", "default_language", "style"],
                     ["Bien-être des jeunes", "bien_etre_jeunes", "French (fr)", "pages"]],
    },
    "pharmacy_access_en": {
        "survey": [
            ["type", "name", "label", "required", "constraint", "constraint_message"],
            ["select one yes_no", "Has-Prescription", "Do you have a prescription today?",
             "TRUE"],
            ["select all that apply barriers or specify other", "Barriers",
             "What makes it hard to get your medicine?"],
            ["decimal", "Distance-km", "How far is the pharmacy (km)?", None,
             ". >= 0 and . < 500", "Give a distance in km"],
            ["date", "last_visit", "When did you last go?"],
        ],
        "choices": [["list name", "name", "label"],
                    ["yes_no", "yes", "Yes"], ["yes_no", "no", "No"],
                    ["barriers", "cost", "Cost"], ["barriers", "distance", "Distance"],
                    ["barriers", "hours", "Opening hours"]],
    },
    "nutrition_screening": {
        "survey": [
            ["type", "name", EN, FR, "required", "constraint", "calculation"],
            ["begin group", "child", "The child", "L'enfant"],
            ["decimal", "weight", "Weight (kg)", "Poids (kg)", "yes", ". > 1 and . < 60"],
            ["decimal", "height", "Height (m)", "Taille (m)", "yes", ". > 0.4 and . < 2"],
            ["calculate", "bmi", None, None, None, None, "${weight} div (${height} * ${height})"],
            ["note", "bmi_note", "BMI: ${bmi}", "IMC : ${bmi}"],
            ["end group"],
        ],
        "settings": [["form_title", "form_id", "default_language"],
                     ["Nutrition screening", "nutrition", "English (en)"]],
    },
    "social_prescribing_followup": {
        "survey": [
            ["type", "name", EN, FR, "required", "repeat_count"],
            ["begin group", "you", "About you", "À propos de vous"],
            ["integer", "activities_n", "How many activities were you referred to?",
             "À combien d'activités avez-vous été orienté·e ?", "yes"],
            ["end group"],
            ["begin repeat", "activity", "Activity", "Activité", None, "${activities_n}"],
            ["text", "activity_name", "Name of the activity", "Nom de l'activité"],
            ["select_one yes_no", "attended", "Did you go?", "Y êtes-vous allé·e ?"],
            ["end repeat"],
        ],
        "choices": [["list_name", "name", EN, FR], *YES_NO],
        "settings": [["form_title", "form_id", "default_language"],
                     ["Social prescribing follow-up", "sp_followup", "English (en)"]],
    },
    "cascading_locations": {
        "survey": [
            ["type", "name", EN, FR, "required", "choice_filter"],
            ["begin group", "where", "Where do you live?", "Où habitez-vous ?"],
            ["select_one region", "region", "Region", "Région", "yes"],
            ["select_one district", "district", "District", "District", "yes",
             "region=${region}"],
            ["end group"],
        ],
        "choices": [["list_name", "name", EN, FR, "region"],
                    ["region", "north", "North", "Nord"], ["region", "south", "South", "Sud"],
                    ["district", "n1", "Riverside", "Bord-de-l'eau", "north"],
                    ["district", "n2", "Hilltop", "La Colline", "north"],
                    ["district", "s1", "Harbour", "Le Port", "south"]],
        "settings": [["form_title", "form_id", "default_language"],
                     ["Where people live", "locations", "English (en)"]],
    },
    "community_meeting_feedback": {
        "survey": [
            ["type", "name", EN, FR, "parameters", "required"],
            ["begin group", "meeting", "The meeting", "La rencontre"],
            ["range", "useful", "How useful was it? (0-10)", "Était-ce utile ? (0-10)",
             "start=0 end=10 step=1", "yes"],
            ["acknowledge", "ok", "I took part in the whole meeting",
             "J'ai participé à toute la rencontre"],
            ["end group"],
        ],
        "settings": [["form_title", "form_id", "default_language"],
                     ["Community meeting", "meeting_feedback", "English (en)"]],
    },
    "water_point_mapping": {
        "survey": [
            ["type", "name", "label", "required"],
            ["geopoint", "location", "Record the location of the water point", "yes"],
            ["image", "photo", "Take a photo of the water point"],
            ["select_one status", "status", "Is it working?", "yes"],
        ],
        "choices": [["list_name", "name", "label"], ["status", "yes", "Working"],
                    ["status", "no", "Broken"]],
        "settings": [["form_title", "form_id"], ["Water points", "water_points"]],
    },
    "time_use_diary": {
        "survey": [
            ["type", "name", "label", "required"],
            ["time", "woke", "What time did you wake up?", "yes"],
            ["integer", "care_hours", "Hours spent caring for others yesterday", "yes"],
        ],
        "settings": [["form_title", "form_id"], ["Time use", "time_use"]],
    },
    "eligibility_screener": {
        "survey": [
            ["type", "name", EN, FR, "required", "constraint", "relevant"],
            ["begin group", "screen", "Eligibility", "Admissibilité"],
            ["date", "birth", "Date of birth", "Date de naissance", "yes", ". < today()"],
            ["select_one yes_no", "resident", "Do you live in the area?",
             "Habitez-vous dans le secteur ?", "yes"],
            ["note", "not_eligible", "Thank you, this survey is for residents.",
             "Merci, ce questionnaire s'adresse aux résidents.", None, None,
             "${resident} = 'no'"],
            ["end group"],
        ],
        "choices": [["list_name", "name", EN, FR], *YES_NO],
        "settings": [["form_title", "form_id", "default_language"],
                     ["Eligibility", "eligibility", "English (en)"]],
    },
    # the functions of issue 23: an age from a birth date, count(), sum(), join() over a
    # repeat, position(..) in it
    "household_roster": {
        "survey": kobo([
            ["begin_group", "hh", "Household", "Ménage"],
            ["date", "resp_dob", "Your date of birth", "Votre date de naissance", "yes",
             ". < today()", None, None, "A date in the past"],
            ["calculate", "resp_age", None, None, None, None,
             "int((today() - ${resp_dob}) div 365.25)"],
            ["note", "minor", "This survey is for adults.",
             "Ce questionnaire est pour les adultes.", None, None, None, "${resp_age} < 18"],
            ["integer", "hh_count", "How many people live here?",
             "Combien de personnes vivent ici ?", "yes", ". > 0 and . <= 10"],
            ["end_group"],
            ["begin_repeat", "member", "Household member", "Membre du ménage", None, None,
             None, None, None, "${hh_count}"],
            ["calculate", "member_no", None, None, None, None, "position(..)"],
            ["text", "member_name", "Name of person ${member_no}",
             "Prénom de la personne ${member_no}", "yes"],
            ["integer", "member_age", "Age", "Âge", "yes", ". >= 0 and . < 120"],
            ["end_repeat"],
            ["begin_group", "summary", "Summary", "Résumé"],
            ["calculate", "hh_size", None, None, None, None, "count(${member})"],
            ["calculate", "total_age", None, None, None, None, "sum(${member_age})"],
            ["calculate", "mean_age", None, None, None, None,
             "round(sum(${member_age}) div count(${member}), 1)"],
            ["calculate", "hh_names", None, None, None, None, "join(', ', ${member_name})"],
            ["note", "hh_note", "${hh_size} people: ${hh_names}",
             "${hh_size} personnes : ${hh_names}"],
            ["end_group"],
        ], ["type", "name", EN, FR, "required", "constraint", "calculation", "relevant",
            "constraint_message::English (en)", "repeat_count"]),
        "settings": [["form_title", "form_id", "default_language"],
                     ["Household roster", "hh_roster", "English (en)"]],
    },
    # dates and mathematics: an age in months, a BMI with pow(), the next visit with date(),
    # advice filtered by a computed value
    "growth_monitoring": {
        "survey": [
            ["type", "name", EN, FR, "required", "constraint", "calculation", "relevant",
             "choice_filter"],
            ["begin group", "child", "The child", "L'enfant"],
            ["date", "child_dob", "Date of birth", "Date de naissance", "yes", ". <= today()"],
            ["date", "visit_date", "Date of the visit", "Date de la visite", "yes",
             ". >= ${child_dob} and decimal-date-time(.) <= decimal-date-time(today())"],
            ["calculate", "age_months", None, None, None, None,
             "floor((${visit_date} - ${child_dob}) div 30.4375)"],
            ["decimal", "weight_kg", "Weight (kg)", "Poids (kg)", "yes", ". > 0 and . < 150"],
            ["decimal", "height_cm", "Height (cm)", "Taille (cm)", "yes", ". > 30 and . < 220"],
            ["calculate", "bmi", None, None, None, None,
             "round(${weight_kg} div pow(${height_cm} div 100, 2), 1)"],
            ["calculate", "next_visit", None, None, None, None, "date(${visit_date} + 28)"],
            ["note", "bmi_note", "BMI ${bmi}, next visit ${next_visit}",
             "IMC ${bmi}, prochaine visite ${next_visit}", None, None, None, "${bmi} > 0"],
            ["select_one advice", "advice", "Advice given", "Conseil donné", "yes", None, None,
             None, "min_months <= ${age_months} and abs(max_bmi - ${bmi}) >= 0"],
            ["end group"],
        ],
        "choices": [["list_name", "name", EN, FR, "min_months", "max_bmi"],
                    ["advice", "breastfeed", "Breastfeeding", "Allaitement", 0, 30],
                    ["advice", "diet", "Varied diet", "Alimentation variée", 6, 30],
                    ["advice", "activity", "Physical activity", "Activité physique", 24, 40]],
        "settings": [["form_title", "form_id", "default_language"],
                     ["Growth monitoring", "growth", "English (en)"]],
    },
}
# Forms uploaded as a ZIP with their files.
CSV_VILLAGES = "name,label::English (en),label::Français (fr)\nv1,Upper village,Haut-Village\n" \
               "v2,Lower village,Bas-Village\nv3,Crossroads,Carrefour\n"
ZIPPED: dict[str, tuple[dict[str, list[list[Any]]], dict[str, bytes]]] = {
    "vaccination_outreach": ({
        "survey": [
            ["type", "name", EN, FR, "required", "media::image::English (en)",
             "media::image::Français (fr)"],
            ["begin group", "visit", "Outreach visit", "Visite de proximité"],
            ["select_one_from_file villages.csv", "village", "Village", "Village", "yes"],
            ["select_one yes_no", "card", "Was the vaccination card shown?",
             "Le carnet de vaccination a-t-il été montré ?", "yes", "card.png", "card.png"],
            ["integer", "doses", "Doses given today", "Doses données aujourd'hui", "yes"],
            ["end group"],
        ],
        "choices": [["list_name", "name", EN, FR], *YES_NO],
        "settings": [["form_title", "form_id", "default_language"],
                     ["Vaccination outreach", "vaccination", "English (en)"]]},
        {"villages.csv": CSV_VILLAGES.encode("utf-8")}),
}


def card_picture() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 800), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 100, 1100, 700), outline="navy", width=12)
    for y in range(200, 700, 100):
        draw.line((150, y, 1050, y), fill="gray", width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def write() -> list[Path]:
    written = []
    for name, sheets in FORMS.items():
        path = HERE / f"fieldteam__{name}.xlsx"
        path.write_bytes(book(sheets))
        written.append(path)
    for name, (sheets, files) in ZIPPED.items():
        path = HERE / f"fieldteam__{name}.zip"
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{name}/{name}.xlsx", book(sheets))
            for file, data in {**files, "card.png": card_picture()}.items():
                archive.writestr(f"{name}/media/{file}", data)
        path.write_bytes(out.getvalue())
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write():
        print(path.name)
