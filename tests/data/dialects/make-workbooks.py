#!/usr/bin/python3
"""make-workbooks.py OUTDIR [SCALE] [--big] - writes the workbooks the tests
build at their own time.  Cells that lie:

  lies.xlsx            formulas without a saved value (as openpyxl writes
                       them), a formula with its value, a formula whose
                       value is the empty text, a date in patient_id and in
                       course_id, TRUE in therapist, a number in patient_id

OpenDocument spreadsheets (.ods, LibreOffice's own format), written as
LibreOffice 7 writes them:

  clean.ods            clean.csv's sessions on the second sheet, the first
                       one hidden; date and float cells, text with
                       <text:s/>, a comment (office:annotation) that is not
                       the cell's text, empty cells and rows repeated to the
                       sheet's end (number-columns/rows-repeated)
  ods-repeat.ods       a row with values repeated 3 times (rows 2-4), cells
                       repeated into 70 columns (beyond the 64 read)
  bomb-ods-rows.ods    a row with values repeated 2^30 times (refused)

Sheets:

  hidden-first.xlsx    a hidden first sheet (not a sessions sheet), then the
                       visible one with a valid row
  reordered.xlsx       a notes sheet first, the sessions second (the error
                       names the sheet read)

Bombs, small workbooks that would take the server: each is a few kilobytes zipped and megabytes (or gigabytes, at a
larger SCALE) when read.  make check builds them at the test's time (only
python3's zipfile is needed); fuzz/run.sh builds them small as seeds.

  bomb-sst-cell.xlsx   one shared string over the 128 KB cell limit, in
                       the notes cell of a valid row (the row is rejected)
  bomb-dup-ref.xlsx    one row whose notes cell H2 is written 100 times,
                       each a 3 MB shared string (refused: a duplicate;
                       appended, 300 MB three times over)
  bomb-token-attr.xlsx a sheet cell with an 8 MB attribute (refused: no
                       complete XML token within 4 MB)
  bomb-token-sst.xlsx  the shared strings part with an 8 MB comment
  token-edge-ok.xlsx   an attribute of 4 MB - 64 KB (read), and
  bomb-token-edge.xlsx one of 4 MB + 64 KB + 1 (refused)
  long-text.xlsx       a 10 MB inline text: expat hands text out as it
                       comes, so it is a cut cell (rejected), not a bomb
  bomb-expand.xlsx     1,200 references to one 120 KB shared string: 144
                       MB of text from a 4 KB file (refused at 128 MB)
  big-sst.xlsx         60 MB of distinct shared strings (each 120 KB), a
                       row using 64 of them, and (--big) zip entries up
                       to 16 MB: the most an ingest holds at once
  sst-total-ok.xlsx    511 shared strings of 128 KB (64 MB with their NULs:
                       read), and
  bomb-sst-total.xlsx  512 of them (refused: more than 64 MB)
  dup-ref-small.xlsx   A2 written twice (refused: the smallest duplicate)
  ok-sst-edge.xlsx     notes exactly 131072 bytes long (kept) and one byte
                       more (cut: rejected)
"""
import sys
import zipfile

HEADER = ["patient_id", "session_date", "fatigue", "sleep", "focus", "pain",
          "therapist", "notes"]
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def col(i):
    return chr(65 + i) if i < 26 else chr(64 + i // 26) + chr(65 + i % 26)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;")


def inline(ref, text):
    return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, esc(text))


def header_row():
    return '<row r="1">' + "".join(inline(col(i) + "1", h) for i, h in enumerate(HEADER)) + "</row>"


def good_cells(r, notes_cell):
    """A valid session row r whose notes cell is notes_cell (markup)."""
    vals = ["B%02d" % r, None, "5", "4", "3", "2"]
    cells = [inline("A%d" % r, vals[0]), '<c r="B%d" s="1"><v>%d</v></c>' % (r, 45658 + r)]
    cells += ['<c r="%s%d"><v>%s</v></c>' % (col(i), r, vals[i]) for i in range(2, 6)]
    cells.append(inline("G%d" % r, "Anna Berg"))
    return "".join(cells) + notes_cell


def sst_xml(strings, comment=None):
    body = "".join('<si><t xml:space="preserve">%s</t></si>' % esc(s) for s in strings)
    c = "<!--%s-->" % comment if comment else ""
    return ('<?xml version="1.0" encoding="UTF-8"?>%s<sst %s count="%d" uniqueCount="%d">%s</sst>'
            % (c, NS, len(strings), len(strings), body))


def write(path, rows, sst=None, sheet_extra="", sheet=None):
    sheet = sheet or ('<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>%s%s</sheetData>'
             '</worksheet>' % (NS, header_row() + "".join(rows), sheet_extra))
    rels = ('<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="%s/styles" Target="styles.xml"/>' % (REL, REL))
    if sst is not None:
        rels += '<Relationship Id="rId3" Type="%s/sharedStrings" Target="sharedStrings.xml"/>' % REL
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook %s xmlns:r="%s"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>' % (NS, REL),
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s</Relationships>' % rels,
        "xl/styles.xml": '<?xml version="1.0"?><styleSheet %s><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>' % NS,
        "xl/worksheets/sheet1.xml": sheet,
    }
    if sst is not None:
        files["xl/sharedStrings.xml"] = sst
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)


def write_lies(path):
    head = ["patient_id", "course_id", "session_date", "fatigue", "sleep", "therapist",
            "focus", "pain"]
    row1 = '<row r="1">' + "".join(inline(col(i) + "1", h) for i, h in enumerate(head)) + "</row>"
    def row(r, pid, course, fatigue, therapist):
        return ('<row r="%d">%s%s<c r="C%d" s="1"><v>%d</v></c>%s<c r="E%d"><v>4</v></c>%s'
                '<c r="G%d"><v>3</v></c><c r="H%d"><v>2</v></c></row>'
                % (r, pid, course, r, 45658 + r, fatigue, r, therapist, r, r))
    P = lambda r, v="L1": inline("A%d" % r, v)
    C = lambda r: inline("B%d" % r, "L1-a")
    F = lambda r: '<c r="D%d"><v>5</v></c>' % r
    Th = lambda r: inline("F%d" % r, "Anna Berg")
    rows = [
        row(2, P(2), C(2), F(2), Th(2)),
        row(3, P(3), C(3), '<c r="D3"><f>A1+1</f><v></v></c>', Th(3)),
        row(4, P(4), C(4), '<c r="D4"><f>SUM(D2:D3)</f></c>', Th(4)),
        row(5, P(5), C(5), '<c r="D5" t="str"><f>""</f><v></v></c>', Th(5)),
        row(6, '<c r="A6" s="1"><v>45678</v></c>', C(6), F(6), Th(6)),
        row(7, P(7), '<c r="B7" s="1"><v>45728</v></c>', F(7), Th(7)),
        row(8, P(8), C(8), F(8), '<c r="F8" t="b"><v>1</v></c>'),
        row(9, P(9), C(9), '<c r="D9"><f>1+1</f><v>2</v></c>', Th(9)),
        row(10, '<c r="A10"><v>123</v></c>', C(10), F(10), Th(10)),
    ]
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>%s%s</sheetData>'
             '</worksheet>' % (NS, row1, "".join(rows)))
    write(path, [], sheet=sheet)


ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"')


def ods_text(v):
    """A string cell's text:p, runs of spaces as <text:s/>, lines as paragraphs."""
    import re
    def para(line):
        out = ""
        for m in re.finditer(r" {2,}|[^ ]+| ", line):
            t = m.group(0)
            out += '<text:s text:c="%d"/>' % len(t) if t[0] == " " and len(t) > 1 else esc(t)
        return "<text:p>%s</text:p>" % out
    return "".join(para(line) for line in v.split("\n"))


def ods_cell(v, kind):
    if v == "":
        return "<table:table-cell/>"
    if kind == "date":
        return ('<table:table-cell table:style-name="ce1" office:value-type="date" '
                'office:date-value="%sT00:00:00"><text:p>%s</text:p></table:table-cell>' % (v, v))
    if kind == "float":
        return ('<table:table-cell office:value-type="float" office:value="%s">'
                '<text:p>%s</text:p></table:table-cell>' % (v, v.replace(".", ",")))
    note = ""
    if v == "Anna Berg":  # a comment is not the cell's text
        note = ('<office:annotation><text:p>not this text</text:p></office:annotation>')
    return ('<table:table-cell office:value-type="string" calcext:value-type="string">%s%s'
            '</table:table-cell>' % (note, ods_text(v)))


def write_ods(path, tables):
    """tables: (name, hidden, rows markup)"""
    body = ""
    for name, hidden, rows in tables:
        body += ('<table:table table:name="%s" table:style-name="%s">'
                 '<table:table-column table:number-columns-repeated="1024"/>%s</table:table>'
                 % (name, "ta2" if hidden else "ta1", rows))
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content %s '
               'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
               'office:version="1.3"><office:automatic-styles>'
               '<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>'
               '<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>'
               '</office:automatic-styles><office:body><office:spreadsheet>%s'
               '</office:spreadsheet></office:body></office:document-content>' % (ODS_NS, body))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
        z.writestr("content.xml", content)


def write_ods_files(out):
    import csv
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    rows = list(csv.reader(open(os.path.join(here, "clean.csv"), encoding="utf-8", newline="")))
    kinds = ["string", "date", "float", "float", "float", "float", "string", "string"]
    empty_tail = '<table:table-cell table:number-columns-repeated="1016"/>'
    markup = ""
    for i, r in enumerate(rows):
        cells = "".join(ods_cell(v, "string" if i == 0 else kinds[k]) for k, v in enumerate(r))
        markup += "<table:table-row>%s%s</table:table-row>" % (cells, empty_tail)
    markup += ('<table:table-row table:number-rows-repeated="1048000">'
               '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    hidden = ("<table:table-row>%s</table:table-row>" % ods_cell("not the header", "string"))
    write_ods(out + "/clean.ods", [("Alt", True, hidden), ("Sitzungen", False, markup)])
    head = "<table:table-row>%s</table:table-row>" % "".join(ods_cell(h, "string") for h in HEADER)
    rep = ('<table:table-row table:number-rows-repeated="3"><table:table-cell/>'
           '<table:table-cell office:value-type="date" office:date-value="2025-01-06"/>'
           '<table:table-cell office:value-type="float" office:value="5" table:number-columns-repeated="4"/>'
           '</table:table-row>'
           '<table:table-row>' + ods_cell("R1", "string") +
           '<table:table-cell office:value-type="date" office:date-value="2025-01-07"/>'
           '<table:table-cell office:value-type="float" office:value="5" table:number-columns-repeated="68"/>'
           '</table:table-row>'
           '<table:table-row>' + ods_cell("R1", "string") +
           '<table:table-cell office:value-type="date" office:date-value="2025-01-08"/>'
           '<table:table-cell table:formula="of:=[.C2]+1"/>'
           '<table:table-cell office:value-type="boolean" office:boolean-value="true"/>'
           '<table:table-cell office:value-type="float" office:value="4" table:number-columns-repeated="2"/>'
           '</table:table-row>')
    write_ods(out + "/ods-repeat.ods", [("S", False, head + rep)])
    bomb = ('<table:table-row table:number-rows-repeated="1073741824">'
            '<table:table-cell office:value-type="string"><text:p>P1</text:p></table:table-cell></table:table-row>')
    write_ods(out + "/bomb-ods-rows.ods", [("S", False, head + bomb)])


def write_sheets(path, sheets):
    """sheets: (name, state or None, rows markup)"""
    wb = "".join('<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>'
                 % (name, i + 1, ' state="%s"' % st if st else "", i + 10)
                 for i, (name, st, _) in enumerate(sheets))
    rels = "".join('<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/s%d.xml"/>'
                   % (i + 10, REL, i) for i in range(len(sheets)))
    rels += '<Relationship Id="rId2" Type="%s/styles" Target="styles.xml"/>' % REL
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook %s xmlns:r="%s"><sheets>%s</sheets></workbook>' % (NS, REL, wb),
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s</Relationships>' % rels,
        "xl/styles.xml": '<?xml version="1.0"?><styleSheet %s><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>' % NS,
    }
    for i, (_, _, rows) in enumerate(sheets):
        files["xl/worksheets/s%d.xml" % i] = ('<?xml version="1.0"?><worksheet %s><sheetData>%s'
                                             '</sheetData></worksheet>' % (NS, rows))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)


def main():
    out = sys.argv[1]
    k = float(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] != "--big" else 1.0
    write_lies(out + "/lies.xlsx")
    write_ods_files(out)
    notes = '<row r="1">' + inline("A1", "Notiz") + "</row>"
    valid = header_row() + '<row r="2">' + good_cells(2, inline("H2", "ok")) + "</row>"
    write_sheets(out + "/hidden-first.xlsx", [("Alt", "hidden", notes), ("Sitzungen", None, valid)])
    write_sheets(out + "/reordered.xlsx", [("Notizen", None, notes), ("Sitzungen", None, valid)])
    mb = int(k * (1 << 20))
    s = lambda n: '<c r="H%d" t="s"><v>%d</v></c>' % n

    write(out + "/bomb-sst-cell.xlsx", ['<row r="2">' + good_cells(2, s((2, 0))) + "</row>"],
          sst_xml(["x" * mb]))
    dup = "".join(s((2, 0)) for _ in range(100))
    write(out + "/bomb-dup-ref.xlsx", ['<row r="2">' + good_cells(2, dup) + "</row>"],
          sst_xml(["y" * 3 * mb]))
    write(out + "/bomb-token-attr.xlsx",
          ['<row r="2"><c r="A2" t="inlineStr" junk="%s"><is><t>P1</t></is></c></row>' % ("a" * 8 * mb)])
    write(out + "/bomb-token-sst.xlsx", ['<row r="2">' + good_cells(2, s((2, 0))) + "</row>"],
          sst_xml(["ok"], comment="c" * 8 * mb))
    for name, n in (("token-edge-ok", 4 * mb - (64 << 10)), ("bomb-token-edge", 4 * mb + (64 << 10) + 1)):
        write(out + "/%s.xlsx" % name,
              ['<row r="2"><c r="A2" t="inlineStr" junk="%s"><is><t>P1</t></is></c></row>' % ("a" * n)])
    write(out + "/long-text.xlsx", ['<row r="2">' + good_cells(2, inline("H2", "t" * 10 * mb)) + "</row>"])
    refs = int(1200 * k)
    rows = []
    r = 2
    while refs > 0:
        n = min(refs, 8)
        rows.append('<row r="%d">' % r + "".join('<c r="%s%d" t="s"><v>0</v></c>' % (col(i), r)
                                                  for i in range(n)) + "</row>")
        refs -= n
        r += 1
    write(out + "/bomb-expand.xlsx", rows, sst_xml(["z" * 120000]))
    strings = ["%06d" % i + "q" * (120000 - 6) for i in range(int(500 * k))]
    row = '<row r="2">' + "".join('<c r="%s2" t="s"><v>%d</v></c>' % (col(i), i * 7 % len(strings))
                                  for i in range(64)) + "</row>"
    write(out + "/big-sst.xlsx", [row], sst_xml(strings))
    if "--big" in sys.argv:  # entries up to the file cap: libzip's directory at its largest
        with zipfile.ZipFile(out + "/big-sst.xlsx", "a", zipfile.ZIP_STORED) as z:
            for i in range(178000):
                z.writestr("x%d" % i, "")
    for name, n in (("sst-total-ok", 511), ("bomb-sst-total", 512)):
        write(out + "/%s.xlsx" % name, ['<row r="2">' + good_cells(2, s((2, 0))) + "</row>"],
              sst_xml(["%06d" % i + "w" * int(131066 * k) for i in range(n)]))
    write(out + "/dup-ref-small.xlsx",
          ['<row r="2">' + inline("A2", "P1") + inline("A2", "P2") + "</row>"])
    edge = ['<row r="2">' + good_cells(2, s((2, 0))) + "</row>",
            '<row r="3">' + good_cells(3, s((3, 1))) + "</row>"]
    write(out + "/ok-sst-edge.xlsx", edge, sst_xml(["e" * 131072, "f" * 131073]))


main()
