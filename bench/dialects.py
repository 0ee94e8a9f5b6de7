#!/usr/bin/python3
"""dialects.py CLEAN.csv OUT_PREFIX - the bench's session file as a clinic's
spreadsheet writes it: OUT_PREFIX.semicolon.csv (German Excel: ';', decimal
commas, DD.MM.YYYY, CRLF, trailing ';;', Windows-1252) and OUT_PREFIX.xlsx
(openpyxl, write-only: date cells, number cells, shared strings)."""
import csv
import datetime
import sys

import openpyxl


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        header = next(r)
        yield header
        for row in r:
            yield row


def semicolon(src, out):
    with open(out, "w", newline="", encoding="cp1252") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        it = rows(src)
        w.writerow(next(it) + ["", ""])
        for r in it:
            y, m, d = r[1].split("-")
            r[1] = "%s.%s.%s" % (d, m, y)
            for i in range(2, 6):
                r[i] = r[i].replace(".", ",")
            w.writerow(r + ["", ""])


def workbook(src, out):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Sessions")
    it = rows(src)
    ws.append(next(it))
    for r in it:
        cells = [r[0], datetime.date.fromisoformat(r[1])]
        cells += [float(x) if x else None for x in r[2:6]]
        cells += [x or None for x in r[6:]]
        ws.append(cells)
    wb.save(out)


if __name__ == "__main__":
    semicolon(sys.argv[1], sys.argv[2] + ".semicolon.csv")
    workbook(sys.argv[1], sys.argv[2] + ".xlsx")
