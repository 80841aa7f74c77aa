"""How many forms of the XLSForm corpus import: ``python scripts/xlsform_corpus.py``.

The corpus is ``tests/data/xlsforms/``: public forms of other projects (``LICENSES.md``) and
forms written as field teams write them (``fieldteam.py``). Each file is read as an upload
is; a refused form is listed with its first reason. The README states the count, and
``tests/test_xlsform_corpus.py`` checks it against this reading.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "xlsforms"


def corpus_files() -> list[Path]:
    return sorted([*CORPUS.glob("*.xlsx"), *CORPUS.glob("*.zip")])


def read(path: Path) -> list[str]:
    """The problems of one form ([] when it imports)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from survey.questionnaire import DefinitionError
    from survey.questionnaire.xlsform import read_upload

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes on extensions it drops
        try:
            read_upload(path.read_bytes(), path.name)
        except DefinitionError as error:
            return [f"{p.place or ''} {p.message}".strip() for p in error.problems]
    return []


def main() -> None:
    imported = 0
    files = corpus_files()
    for path in files:
        problems = read(path)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            print(f"refused  {path.name}: {problems[0]}{more}")
        else:
            imported += 1
            print(f"imports  {path.name}")
    public = sum(1 for p in files if not p.name.startswith("fieldteam__"))
    print(f"{imported} of {len(files)} forms import ({public} public forms, "
          f"{len(files) - public} written as field teams write them)")


if __name__ == "__main__":
    main()
