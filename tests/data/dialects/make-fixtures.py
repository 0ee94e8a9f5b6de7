#!/usr/bin/python3
"""make-fixtures.py - writes the same sessions as the files clinics have.

Run from this folder with Debian's python3 (python3-openpyxl); the outputs
are committed, so 'make check' does not need python:
  clean.csv     UTF-8, comma, ISO dates (the reference)
  german.csv    German Excel "CSV (Trennzeichen-getrennt)": ';', decimal
                commas, DD.MM.YYYY, Windows-1252, CRLF, trailing ';;'
  unicode.txt   Excel "Unicode Text": UTF-16 LE with BOM, tab, CRLF, 7,5
  spaces.csv    header names with spaces around them, empty last column
  scores.xlsx   openpyxl workbook: date cells, number cells, shared strings,
                a second sheet that must be ignored
  mac1904.xlsx  the same in the 1904 date system
  inline.xlsx   written by hand: inline strings, t="str", a custom date
                format, cells without r="" attributes
  patients.xlsx a patients workbook whose referral_date cells are dates
                (1969-12-31, a date with a time, 1900-03-01), one empty
                and one a plain number (rejected)
  bad.xlsx, bad-semicolon.csv: one bad value each (#N/A, TRUE, 11, 31.02.)
  hostile-*.xlsx: a zip bomb (a part over its size cap), XML nested too
                deep, a DTD with entities, too many and too large shared
                strings, a cell over its size cap, a zip that is not one
(openpyxl stamps the time into its files: regenerated workbooks differ in
bytes, not in content.)
"""
import datetime
import zipfile

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HEADER = ["patient_id", "session_date", "fatigue", "sleep", "focus", "pain",
          "therapist", "notes"]


def sessions():
    rows = []
    therapists = ["Jürgen Müller", "Anna Berg", "Zoë Straße"]
    notes = ["müde, aber besser", "Schlaf; unruhig", 'sagt "etwas besser"', "", "ok"]
    start = datetime.date(2025, 1, 6)
    for p in range(5):
        pid = "D%02d" % (p + 1)
        day = start + datetime.timedelta(days=3 * p)
        for k in range(9 + p % 3):
            # Scores falling with some noise; halves and quarters included.
            f = max(0.0, 8 - 0.5 * k - (p % 2) * 0.25)
            s = max(0.0, 7 - 0.25 * k * (p + 1) / 2)
            fo = float((6 + k * p) % 11)
            pa = max(0.0, 5.5 - 0.5 * k) if k != 4 else None
            rows.append([pid, day, f, s, fo, pa, therapists[(p + k) % 3],
                         notes[(p * 3 + k) % len(notes)]])
            day += datetime.timedelta(days=4 + (k % 3))
        if p == 2:  # a second course after a long gap
            day += datetime.timedelta(days=120)
            for k in range(4):
                rows.append([pid, day, 6.0 - k, 5.5 - k, 4.0, 3.0, "Anna Berg", ""])
                day += datetime.timedelta(days=7)
    return rows


def num(x, comma=False):
    if x is None:
        return ""
    t = ("%g" % x)
    return t.replace(".", ",") if comma else t


def csv_field(v, delim):
    if any(c in v for c in (delim, '"', "\n", "\r")):
        return '"' + v.replace('"', '""') + '"'
    return v


def write_text(path, rows, delim, comma, datefmt, encoding, eol, header=None,
               trailing=""):
    lines = [delim.join(header or HEADER) + trailing]
    for r in rows:
        cells = [r[0], r[1].strftime(datefmt)] + [num(x, comma) for x in r[2:6]] + r[6:]
        lines.append(delim.join(csv_field(str(c), delim) for c in cells) + trailing)
    data = eol.join(lines) + eol
    with open(path, "wb") as f:
        if encoding == "utf-16-le":
            f.write(b"\xff\xfe")
        f.write(data.encode(encoding))


def write_xlsx(path, rows, epoch=None):
    wb = openpyxl.Workbook()
    if epoch:
        wb.epoch = epoch
    ws = wb.active
    ws.title = "Sitzungen"
    ws.append(HEADER)
    for r in rows:
        ws.append([r[0], r[1]] + r[2:6] + [r[6], r[7] or None])
    for cell in ws["B"][1:]:
        cell.number_format = "DD.MM.YYYY"
    other = wb.create_sheet("Notizen")
    other.append(["this sheet is not read", "#N/A", 99])
    wb.save(path)


def write_inline(path, rows):
    """A minimal workbook as other writers make it (no shared strings)."""
    def cell(v, date=False):
        if v is None or v == "":
            return "<c/>"
        if isinstance(v, datetime.date):
            serial = (v - datetime.date(1899, 12, 30)).days
            return '<c s="1"><v>%d</v></c>' % serial
        if isinstance(v, (int, float)):
            return "<c><v>%r</v></c>" % v
        esc = v.replace("&", "&amp;").replace("<", "&lt;")
        if date:
            return '<c t="str"><v>%s</v></c>' % esc
        return '<c t="inlineStr"><is><r><t>%s</t></r><r><t xml:space="preserve"></t></r></is></c>' % esc
    out = ['<row r="1">' + "".join(cell(h) for h in HEADER) + "</row>"]
    for i, r in enumerate(rows):
        out.append("<row>" + "".join(cell(v) for v in r) + "</row>")
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             "<sheetData>" + "".join(out) + "</sheetData></worksheet>")
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="7" r:id="rId3"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/></Relationships>',
        "xl/styles.xml": '<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="165" formatCode="[$-407]d/\\ mmmm\\ yyyy"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="165" applyNumberFormat="1"/></cellXfs></styleSheet>',
        "xl/worksheets/data.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)


NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEAD_ROW = ('<row r="1">' + "".join('<c t="inlineStr"><is><t>%s</t></is></c>' % h for h in HEADER)
            + "</row>")


def write_patients(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["patient_id", "referrer", "referral_reason", "referral_date",
               "planned_sessions", "birth_year"])
    ws.append(["X01", "Dr. Alt", "fatigue", datetime.date(1969, 12, 31), 10, 1950])
    ws.append(["X02", "Dr. Berg", "pain", datetime.datetime(2025, 1, 20, 9, 30), 12, 1960])
    ws.append(["X03", "Dr. Cole", "sleep", datetime.date(1900, 3, 1), None, None])
    ws.append(["X04", "Dr. Dorn", "focus", None, None, None])
    ws.append(["X05", "Dr. Ende", "pain", 45678, None, None])
    ws["D2"].number_format = "DD.MM.YYYY"
    ws["D3"].number_format = "YYYY-MM-DD HH:MM"
    wb.save(path)


def hand_xlsx(path, sheet=None, workbook=None, sst=None):
    """A workbook written part by part (for the hostile cases)."""
    files = {
        "xl/workbook.xml": workbook or ('<workbook %s xmlns:r="http://schemas.openxmlformats.org/'
                                        'officeDocument/2006/relationships"><sheets><sheet name="S" '
                                        'sheetId="1" r:id="rId1"/></sheets></workbook>' % NS),
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet or "<worksheet %s><sheetData>%s</sheetData></worksheet>" % (NS, HEAD_ROW),
    }
    if sst is not None:
        files["xl/sharedStrings.xml"] = sst
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)


def hostile():
    # A part that inflates past its cap (16 MB for the workbook part).
    hand_xlsx("hostile-bomb.xlsx", workbook="<workbook %s/>" % NS + " " * (17 << 20))
    deep = "<x>" * 100 + "</x>" * 100
    hand_xlsx("hostile-deep.xlsx", sheet="<worksheet %s><sheetData>%s<row><c><v>%s</v></c></row>"
              "</sheetData></worksheet>" % (NS, HEAD_ROW, deep))
    hand_xlsx("hostile-dtd.xlsx", sheet='<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
              "<worksheet %s><sheetData>%s</sheetData></worksheet>" % (NS, HEAD_ROW))
    hand_xlsx("hostile-sst-count.xlsx", sst="<sst %s>%s</sst>" % (NS, "<si/>" * ((2 << 20) + 1)))
    hand_xlsx("hostile-sst-bytes.xlsx", sst="<sst %s><si><t>%s</t></si></sst>" % (NS, "a" * (65 << 20)))
    row = ('<row r="2"><c t="inlineStr"><is><t>P1</t></is></c><c t="inlineStr"><is><t>2025-01-01</t>'
           '</is></c><c><v>1</v></c><c><v>1</v></c><c><v>1</v></c><c><v>1</v></c><c/>'
           '<c t="inlineStr"><is><t>%s</t></is></c></row>'
           '<row r="3"><c t="inlineStr"><is><t>P1</t></is></c><c t="inlineStr"><is><t>02.01.2025</t>'
           '</is></c><c><v>1</v></c><c><v>1</v></c><c><v>1</v></c><c t="e"><v>#VALUE!</v></c></row>'
           % ("n" * (200 << 10)))
    hand_xlsx("hostile-cell.xlsx", sheet="<worksheet %s><sheetData>%s%s</sheetData></worksheet>"
              % (NS, HEAD_ROW, row))
    with open("hostile-notzip.xlsx", "wb") as f:
        f.write(b"PK\x03\x04" + bytes(range(256)) * 4)


def main():
    rows = sessions()
    write_text("clean.csv", rows, ",", False, "%Y-%m-%d", "utf-8", "\n")
    write_text("german.csv", rows, ";", True, "%d.%m.%Y", "cp1252", "\r\n", trailing=";;",
               header=HEADER)
    write_text("unicode.txt", rows, "\t", True, "%d.%m.%Y", "utf-16-le", "\r\n")
    write_text("spaces.csv", rows, ",", False, "%Y-%m-%d", "utf-8", "\n", trailing=",",
               header=[" %s " % h for h in HEADER])
    write_xlsx("scores.xlsx", rows)
    write_xlsx("mac1904.xlsx", rows, CALENDAR_MAC_1904)
    write_inline("inline.xlsx", rows)
    write_patients("patients.xlsx")
    # One bad value each, at a row a clinic can find.
    bad = [list(r) for r in rows[:6]]
    write_text("bad-semicolon.csv", bad, ";", True, "%d.%m.%Y", "cp1252", "\r\n", trailing=";;")
    with open("bad-semicolon.csv", "rb") as f:
        lines = f.read().split(b"\r\n")
    lines[3] = lines[3].replace(b";6,75;", b";6,7,5;", 1)
    lines[5] = b"D01;31.02.2025;5;5;5;5;Anna Berg;;;"
    with open("bad-semicolon.csv", "wb") as f:
        f.write(b"\r\n".join(lines))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in bad:
        ws.append([r[0], r[1]] + r[2:6] + [r[6], r[7] or None])
    ws["C3"] = "#N/A"
    ws["D4"] = True
    ws["E5"] = 11
    ws["F6"] = "#DIV/0!"
    wb.save("bad.xlsx")
    hostile()


if __name__ == "__main__":
    main()
