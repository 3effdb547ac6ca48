#!/usr/bin/env python3
"""Reads a report back as a spreadsheet program would and prints its first sheet as JSON:
{"rows": [[cell text, ...], ...], "types": [[python type name, ...], ...]}.
CSV is read with the csv module (UTF-8 with BOM); XLSX with openpyxl. Cells are compared as
text: numbers as written (integers without a decimal point, others with two decimals), dates as
"YYYY-MM-DD HH:MM:SS", booleans as ya/tidak, empty cells as ""."""
import csv
import datetime
import json
import re
import sys


def text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else "%.2f" % value
    # OOXML writes control characters as _xHHHH_ (ECMA-376 ST_Xstring); Excel shows the character.
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), str(value))


def main(path):
    if path.endswith(".csv"):
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
        types = [["str" for _ in row] for row in rows]
    else:
        import openpyxl
        sheet = openpyxl.load_workbook(path).worksheets[0]
        raw = [list(r) for r in sheet.iter_rows(values_only=True)]
        rows = [[text(v) for v in r] for r in raw]
        types = [[type(v).__name__ for v in r] for r in raw]
    print(json.dumps({"rows": rows, "types": types}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
