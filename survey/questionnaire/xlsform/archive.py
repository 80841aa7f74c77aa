"""A ZIP upload: one XLSForm with the media and CSV files it names (as KoboToolbox and ODK
Central take them), unpacked in memory with every archive treated as hostile.

Sizes are checked against what is actually read, never only against what the archive
declares: a zip bomb stops at the limit. Names that climb out of the archive (``../``, absolute
paths, drive letters) are refused, not cleaned, since a form naming such a file is not one a
field team wrote. Files are known by their base name, as XLSForm cells name them.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from ..messages import Text, msg, words

MAX_ZIP_BYTES = 20 * 1024 * 1024  # the upload itself
MAX_FILE_BYTES = 10 * 1024 * 1024  # one file once unpacked
MAX_TOTAL_BYTES = 60 * 1024 * 1024  # everything unpacked
MAX_FILES = 300
MAX_RATIO = 200  # unpacked / packed beyond this (and over 1 MB) is a zip bomb, not media
MEDIA_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".mp3", ".m4a", ".ogg", ".oga",
                  ".wav", ".csv")
IGNORED = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$|\._)")
DRIVE = re.compile(r"^[A-Za-z]:")


class ArchiveError(ValueError):
    """The ZIP cannot be used; ``text`` says why and what to do."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


@dataclass
class Archive:
    workbook: bytes
    workbook_name: str
    files: dict[str, bytes] = field(default_factory=dict)  # base name -> content
    ignored: list[str] = field(default_factory=list)  # names of files not taken


def is_zip_upload(name: str) -> bool:
    return name.lower().endswith(".zip")


def read_archive(content: bytes) -> Archive:
    """The XLSForm of a ZIP and its files, or ArchiveError with the reason."""
    if len(content) > MAX_ZIP_BYTES:
        raise ArchiveError(msg("the ZIP file is larger than %(size)s MB: make the pictures "
                               "smaller", size=MAX_ZIP_BYTES // (1024 * 1024)))
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ArchiveError(msg("the ZIP file is damaged or incomplete: make it again and "
                               "upload it")) from None
    entries = [info for info in infos if not info.is_dir()]
    if len(entries) > MAX_FILES:
        raise ArchiveError(msg("the ZIP file holds %(count)s files, more than %(most)s",
                               count=len(entries), most=MAX_FILES))
    workbooks: list[tuple[str, bytes]] = []
    files: dict[str, bytes] = {}
    ignored: list[str] = []
    total = 0
    for info in entries:
        name = info.filename
        check_name(name)
        if IGNORED.search(name):
            continue
        if info.flag_bits & 0x1:
            raise ArchiveError(msg("'%(name)s' in the ZIP file is protected by a password: "
                                   "make the ZIP without a password", name=name))
        base = posixpath.basename(name)
        lowered = base.lower()
        if not lowered.endswith((".xlsx", *MEDIA_SUFFIXES)):
            ignored.append(name)
            continue
        data = read_member(archive, info)
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise ArchiveError(msg("the ZIP file unpacks to more than %(size)s MB",
                                   size=MAX_TOTAL_BYTES // (1024 * 1024)))
        if lowered.endswith(".xlsx"):
            workbooks.append((name, data))
        elif base in files and files[base] != data:
            raise ArchiveError(msg("the ZIP file holds two different files named '%(name)s': "
                                   "keep one", name=base))
        else:
            files[base] = data
    if not workbooks:
        raise ArchiveError(msg("the ZIP file holds no XLSForm (.xlsx): put the form and its "
                               "media files in it"))
    if len(workbooks) > 1:
        raise ArchiveError(msg("the ZIP file holds several XLSForms (%(names)s): put one form "
                               "in it", names=words(*(n for n, _d in workbooks))))
    name, data = workbooks[0]
    return Archive(workbook=data, workbook_name=posixpath.basename(name), files=files,
                   ignored=ignored)


def check_name(name: str) -> None:
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or DRIVE.match(name) or ".." in parts or "\0" in name:
        raise ArchiveError(msg("the ZIP file holds a file named '%(name)s', which points "
                               "outside the archive: such a ZIP is refused", name=name[:200]))


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, read at most to the limit whatever its header declares."""
    if info.file_size > MAX_FILE_BYTES:
        raise ArchiveError(msg("'%(name)s' in the ZIP file is larger than %(size)s MB",
                               name=info.filename, size=MAX_FILE_BYTES // (1024 * 1024)))
    if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(1, info.compress_size):
        raise ArchiveError(msg("'%(name)s' in the ZIP file unpacks to far more than it "
                               "weighs (a zip bomb): such a ZIP is refused", name=info.filename))
    try:
        with archive.open(info) as member:
            data = member.read(MAX_FILE_BYTES + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
            ValueError):
        raise ArchiveError(msg("'%(name)s' in the ZIP file cannot be unpacked: make the ZIP "
                               "again", name=info.filename)) from None
    if len(data) > MAX_FILE_BYTES:
        raise ArchiveError(msg("'%(name)s' in the ZIP file is larger than %(size)s MB",
                               name=info.filename, size=MAX_FILE_BYTES // (1024 * 1024)))
    return data
