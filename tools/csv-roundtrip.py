#!/usr/bin/env python3
"""Checks that LibreOffice Calc, set to Dutch, reads a csv-nl export with the same numbers as the
csv (RFC 4180) export of the same table.

    tools/csv-roundtrip.py status.csv status.nl.csv [EN.csv NL.csv ...]
    tools/csv-roundtrip.py --keep /tmp/fods EN.csv NL.csv       # keep LibreOffice's reading

Each NL file is converted by headless LibreOffice with the import a Dutch user gets from the text
import dialog's defaults, except that the separator is set to `;` alone: UTF-8, `"` around
fields, Dutch (Netherlands) as the language (so `91,5` is the number 91.5), quoted fields not forced
to text, special numbers not detected, formulas not evaluated. The result is flat ODS XML (.fods),
where each cell carries its type and exact value (office:value-type="float" office:value="91.5").
It is compared with the EN file as Python's csv module reads it:

  * a cell that is a plain decimal in the EN file (`91.5`, `-3`, `0.000125`) must be a float cell
    with the same double;
  * an empty cell must stay empty;
  * every other cell must be a text cell with the same text (a line break inside a field, CRLF or
    LF, is one line break in a cell). A text that LibreOffice turned into a number, a date, a time,
    a percentage or a formula is a mismatch, printed with the cell; --accept-dates lets through,
    and still counts and names, ISO days (`2026-03-31`) read as that same day.

Before that, both files are checked against their dialect: no BOM and `,` in the EN file, a BOM and
`;` in the NL file, CRLF after every record, the same rows and columns, and each NL field equal to
the EN field (with a decimal comma in the numbers).

Prints a report per file and `N files, N numeric cells, N mismatches`; exits 1 on any mismatch,
2 when LibreOffice is missing or fails to convert (install Debian's libreoffice-calc).
"""

import argparse
import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

BOM = "\ufeff"
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DUTCH = 1043  # Windows language id of Dutch (Netherlands), as LibreOffice's CSV filter takes it
# LibreOffice's CSV filter options (help: "CSV Filter Options"): separator 59 (;), text delimiter
# 34 ("), character set 76 (UTF-8), first line 1, no column formats, language, quoted field as
# text, detect special numbers, (two export options), remove spaces, (export: sheets), evaluate
# formulas. The false values are the text import dialog's defaults (officecfg Calc/Dialogs/CSVImport).
FILTER_OPTIONS = f"59,34,76,1,,{DUTCH},false,false,false,false,false,-1,false"
NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def q(name):
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


# MARK: - The CSV files

def record_ends(text):
    """Problems with the record terminators: every CR or LF outside quotes must be part of a CRLF."""
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "\n" and (index == 0 or text[index - 1] != "\r"):
            return f"a record ends in a bare LF (character {index})"
        elif not quoted and char == "\r" and text[index + 1:index + 2] != "\n":
            return f"a bare CR outside quotes (character {index})"
    if text and not text.endswith("\r\n"):
        return "the last record does not end in CRLF"
    return None


def read_csv(path, separator, bom):
    """(rows, problems): the records of `path` and what is wrong with its dialect."""
    problems = []
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return [], [f"not UTF-8: {error}"]
    if bom and not text.startswith(BOM):
        problems.append("no byte order mark (EF BB BF) at the start")
    if not bom and text.startswith(BOM):
        problems.append("a byte order mark at the start (RFC 4180 files have none)")
    text = text.removeprefix(BOM)
    ends = record_ends(text)
    if ends:
        problems.append(ends)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"', strict=True))
    except csv.Error as error:
        return [], problems + [f"not valid CSV: {error}"]
    widths = {len(row) for row in rows}
    if len(widths) > 1:
        problems.append(f"records of different lengths: {sorted(widths)} fields")
    return rows, problems


# MARK: - LibreOffice's reading

def soffice_path(explicit):
    for candidate in [explicit, os.environ.get("SOFFICE"), "soffice", "libreoffice"]:
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    print("csv-roundtrip: LibreOffice (soffice) is not installed: install Debian's libreoffice-calc "
          "(apt-get install --no-install-recommends libreoffice-calc), or name it with --soffice or SOFFICE=",
          file=sys.stderr)
    sys.exit(2)


def convert(soffice, sources, folder, filter_options, timeout):
    """Converts the csv files `sources` (in `folder`) to .fods next to them, with a private profile."""
    profile = os.path.join(folder, "profile")
    command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nologo",
               "--nodefault", "--nolockcheck", f"--infilter=Text - txt - csv (StarCalc):{filter_options}",
               "--convert-to", "fods", "--outdir", folder] + sources
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        sys.exit(f"csv-roundtrip: LibreOffice did not finish within {timeout} s: {' '.join(command)}")
    results = [os.path.splitext(source)[0] + ".fods" for source in sources]
    missing = [source for source, result in zip(sources, results) if not os.path.exists(result)]
    if process.returncode != 0 or missing:
        print(output.decode(errors="replace"), file=sys.stderr)
        print(f"csv-roundtrip: LibreOffice (exit {process.returncode}) did not convert {', '.join(missing) or 'every file'}: "
              f"{' '.join(command)}", file=sys.stderr)
        sys.exit(2)
    return command, results


class Cell:
    """A cell as LibreOffice read it: its type (empty, string, float, date, time, percentage,
    currency, boolean), its value (office:value, office:date-value, …), its text and any formula."""

    def __init__(self, kind="empty", value=None, text="", formula=None):
        self.kind, self.value, self.text, self.formula = kind, value, text, formula

    def describe(self):
        if self.formula:
            return f"formula {self.formula} ({self.kind} {self.value})"
        if self.kind == "empty":
            return "an empty cell"
        if self.kind == "string":
            return f"text {self.text!r}"
        return f"{self.kind} {self.value} (shown {self.text!r})"


def paragraph_text(element):
    """The text of a text:p (or span), with text:s, text:tab and text:line-break written out."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == q("text:s"):
            parts.append(" " * int(child.get(q("text:c"), "1")))
        elif child.tag == q("text:tab"):
            parts.append("\t")
        elif child.tag == q("text:line-break"):
            parts.append("\n")
        else:
            parts.append(paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_fods(path):
    """The first sheet of a .fods file as rows of Cells, without trailing empty cells and rows."""
    sheet = ET.parse(path).getroot().find(".//office:spreadsheet/table:table", NS)
    rows = []
    for row in sheet.iter(q("table:table-row")):
        cells = []
        for cell in row:
            if cell.tag not in (q("table:table-cell"), q("table:covered-table-cell")):
                continue
            kind = cell.get(q("office:value-type"), "empty")
            value = (cell.get(q("office:value")) or cell.get(q("office:date-value")) or cell.get(q("office:time-value"))
                     or cell.get(q("office:boolean-value")) or cell.get(q("office:string-value")))
            text = "\n".join(paragraph_text(p) for p in cell.findall("text:p", NS))
            one = Cell(kind, value, text, cell.get(q("table:formula")))
            cells += [one] * int(cell.get(q("table:number-columns-repeated"), "1"))
        while cells and cells[-1].kind == "empty" and not cells[-1].formula:
            cells.pop()
        repeat = int(row.get(q("table:number-rows-repeated"), "1"))
        rows += [cells] * (repeat if cells else min(repeat, 1))
    while rows and not rows[-1]:
        rows.pop()
    return rows


# MARK: - The comparison

def column_name(index):
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


class Report:
    def __init__(self, en, nl):
        self.en, self.nl = en, nl
        self.numbers = 0
        self.mismatches = []  # (where, expected, got)
        self.dates = []  # cells read as dates and let through by --accept-dates
        self.converted = {}  # kind of conversion of a text cell -> count, for the summary

    def mismatch(self, where, expected, got):
        self.mismatches.append((where, expected, got))


def where(header, row, column):
    name = header[column] if column < len(header) else "?"
    return f"row {row + 1} col {column + 1} {column_name(column)}{row + 1} ({name})"


def compare(en_path, nl_path, fods_path, accept_dates):
    report = Report(en_path, nl_path)
    en, en_problems = read_csv(en_path, ",", bom=False)
    nl, nl_problems = read_csv(nl_path, ";", bom=True)
    for problem in en_problems:
        report.mismatch(f"{os.path.basename(en_path)} (csv)", "RFC 4180", problem)
    for problem in nl_problems:
        report.mismatch(f"{os.path.basename(nl_path)} (csv-nl)", "the csv-nl dialect", problem)
    header = en[0] if en else []
    report.rows, report.columns = len(en), max((len(row) for row in en), default=0)

    # The two files must hold the same table, field for field.
    if len(nl) != len(en):
        report.mismatch("csv-nl rows", f"{len(en)} records, as in the csv file", f"{len(nl)} records")
    for r, (en_row, nl_row) in enumerate(zip(en, nl)):
        for c in range(max(len(en_row), len(nl_row))):
            e = en_row[c] if c < len(en_row) else None
            n = nl_row[c] if c < len(nl_row) else None
            want = e.replace(".", ",") if e is not None and PLAIN_DECIMAL.fullmatch(e) and r > 0 else e
            if n != want:
                report.mismatch(where(header, r, c) + " in the csv-nl file", repr(want), repr(n))

    # LibreOffice's reading of the NL file against the EN file.
    lo = read_fods(fods_path)
    if len(lo) > len(en):
        report.mismatch("LibreOffice rows", f"{len(en)} rows", f"{len(lo)} rows")
    for r, en_row in enumerate(en):
        lo_row = lo[r] if r < len(lo) else []
        if len(lo_row) > len(en_row):
            report.mismatch(where(header, r, len(en_row)), f"{len(en_row)} columns", f"{len(lo_row)} columns")
        for c, expected in enumerate(en_row):
            got = lo_row[c] if c < len(lo_row) else Cell()
            here = where(header, r, c)
            if expected == "":
                if got.kind != "empty" or got.formula:
                    report.mismatch(here, "an empty cell", got.describe())
            elif PLAIN_DECIMAL.fullmatch(expected) and r > 0:
                report.numbers += 1
                if got.kind != "float" or got.formula or float(got.value) != float(expected):
                    report.mismatch(here, f"number {expected}", got.describe())
            else:
                text = expected.replace("\r\n", "\n").replace("\r", "\n")
                if got.kind == "string" and not got.formula and got.text == text:
                    continue
                if (accept_dates and got.kind == "date" and not got.formula and ISO_DAY.fullmatch(expected)
                        and got.value == expected):
                    report.dates.append(here)
                    continue
                kind = "formula" if got.formula else got.kind
                report.converted[kind] = report.converted.get(kind, 0) + 1
                report.mismatch(here, f"text {expected!r}", got.describe())
    return report


def print_report(report):
    print(f"{report.en} / {report.nl}: {report.rows} rows, {report.columns} columns, "
          f"{report.numbers} numeric cells compared, {len(report.mismatches)} mismatches")
    if report.converted:
        kinds = ", ".join(f"{count} to {kind}" for kind, count in sorted(report.converted.items()))
        print(f"  text cells LibreOffice did not keep as text: {kinds}")
    if report.dates:
        print(f"  {len(report.dates)} ISO days read as the same date (--accept-dates): "
              + ", ".join(report.dates))
    for here, expected, got in report.mismatches:
        print(f"  MISMATCH {here}: expected {expected}, got {got}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", metavar="EN.csv NL.csv", help="pairs: a csv export, then its csv-nl export")
    parser.add_argument("--accept-dates", action="store_true",
                        help="let a text ISO day (2026-03-31) that Calc reads as that date pass (still listed)")
    parser.add_argument("--keep", metavar="DIR", help="copy LibreOffice's readings (.fods) and its command line here")
    parser.add_argument("--soffice", metavar="PATH", help="LibreOffice's soffice (default: SOFFICE, or soffice on PATH)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds LibreOffice may take for all files (180)")
    parser.add_argument("--filter-options", default=FILTER_OPTIONS, metavar="OPTIONS",
                        help=f"LibreOffice's CSV import options, to try another import (default {FILTER_OPTIONS})")
    arguments = parser.parse_args()
    if len(arguments.files) % 2:
        parser.error("files come in pairs: EN.csv NL.csv")
    pairs = list(zip(arguments.files[0::2], arguments.files[1::2]))
    for path in arguments.files:
        if not os.path.isfile(path):
            parser.error(f"no file {path}")

    soffice = soffice_path(arguments.soffice)
    folder = tempfile.mkdtemp(prefix="csv-roundtrip-")
    try:
        sources = []
        for index, (_, nl) in enumerate(pairs):
            sources.append(os.path.join(folder, f"{index + 1:03d}-{os.path.basename(nl)}"))
            if not sources[-1].endswith(".csv"):
                sources[-1] += ".csv"
            shutil.copyfile(nl, sources[-1])
        command, results = convert(soffice, sources, folder, arguments.filter_options, arguments.timeout)
        if arguments.keep:
            os.makedirs(arguments.keep, exist_ok=True)
            for result in results:
                shutil.copy(result, arguments.keep)
            with open(os.path.join(arguments.keep, "command.txt"), "w") as out:
                out.write(" ".join(command) + "\n")
        reports = [compare(en, nl, result, arguments.accept_dates) for (en, nl), result in zip(pairs, results)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for report in reports:
        print_report(report)
    numbers = sum(report.numbers for report in reports)
    mismatches = sum(len(report.mismatches) for report in reports)
    print(f"{len(reports)} files, {numbers} numeric cells, {mismatches} mismatches")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
