"""A folder or a .zip of exports (`leadtui import folder PATH`): every CSV file in it, the kind of records and the
CRM found from each file's headers, imported in dependency order in one transaction (importer.import_files)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from leadtui.i18n import _
from leadtui.services import imports
from leadtui.services.crm_import.importer import ImportFile
from leadtui.services.errors import RuleViolation

MAX_MEMBER_BYTES = 2 * 1024**3  # a zip member larger than this is refused (a zip bomb, not an export)


def load_exports(path: str | Path) -> list[ImportFile]:
    """The CSV files of a folder (not its subfolders) or of a zip file, read like `import persons` reads one."""
    source = Path(path).expanduser()
    if not source.exists():
        raise RuleViolation(_("File: there is no folder or zip file '{path}'.").format(path=path), field="file")
    files: list[ImportFile] = []
    if source.is_dir():
        for file in sorted(source.iterdir()):
            if file.is_file() and file.suffix.casefold() in (".csv", ".txt"):
                files.append(ImportFile(imports.load_csv(file)))
    elif zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                name = info.filename
                if info.is_dir() or Path(name).suffix.casefold() not in (".csv", ".txt") or "__MACOSX" in name:
                    continue
                if info.file_size > MAX_MEMBER_BYTES:
                    raise RuleViolation(
                        _("File: '{name}' in the zip file is too large.").format(name=name), field="file"
                    )
                text, encoding = imports._decode(archive.read(info), name)
                files.append(ImportFile(imports.parse_csv_text(text, name=f"{source.name}:{name}", encoding=encoding)))
    else:
        raise RuleViolation(_("File: '{path}' is neither a folder nor a zip file.").format(path=path), field="file")
    if not files:
        raise RuleViolation(_("File: '{path}' holds no CSV files.").format(path=path), field="file")
    return files
