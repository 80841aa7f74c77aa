"""Keep the catalogues in step with the code: ``python scripts/translations.py``.

Extracts the messages, updates the French and English catalogues (new messages stay empty
until translated) and compiles them; questionnaire problems are marked with ``msg`` and ``N_``.
``tests/test_translations.py`` fails on any untranslated
French message.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "survey" / "translations"


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def main() -> None:
    pot = str(CATALOGUES / "messages.pot")
    # msg, N_ and NP_ (with a plural): questionnaire problems, notes and refusals
    # (survey.questionnaire.messages), which the web layer translates when it shows them
    pybabel("extract", "-F", "babel.cfg", "-k", "lazy_gettext", "-k", "_l", "-k", "msg",
            "-k", "N_", "-k", "NP_:1,2", "-o", pot,
            "--no-location",
            "--sort-output", "--project", "Proximite", "--omit-header", ".")
    for lang in ("fr", "en"):
        po = CATALOGUES / lang / "LC_MESSAGES" / "messages.po"
        command = "update" if po.exists() else "init"
        pybabel(command, "-i", pot, "-d", str(CATALOGUES), "-l", lang, "--no-wrap")
    pybabel("compile", "-d", str(CATALOGUES), "--statistics")


if __name__ == "__main__":
    main()
