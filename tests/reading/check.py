#!/usr/bin/env python3
"""check.py - one reading, every output (issue 20): for every patient with a
letter from the night, the states the letter says, the alerts of that night
and the patient's row on the morning page must agree, and the letter's next
step must follow the contract's first-match rule from the states it says.

Reads only what a person reads: the text letters (note.txt), alerts.csv and
the morning page (index.html).  Nothing here knows how symtrend decides.

usage: check.py DAYDIR INDEX.html
Prints one line per disagreement and a summary; exit 1 on any.
"""
import csv
import glob
import html
import os
import re
import sys

LABELS = {"Fatigue": "fatigue", "Sleep disturbance": "sleep",
          "Difficulty concentrating": "focus", "Pain": "pain"}
KIND_STATE = {"worse": "worse", "relapse": "relapse", "response_lost": "lost",
              "plateau": "levelled"}
# The page's word for a measure: its most urgent state (report_index_word).
PAGE_WORD = [("worse", "worse"), ("relapse", "relapse"), ("lost", "response lost"),
             ("no response", "no response"), ("levelled", "improved, levelled off")]


def in_short(text):
    """The IN SHORT lines, wrapped lines joined."""
    lines, out, on = text.split("\n"), [], False
    for ln in lines:
        if ln == "IN SHORT":
            on = True
            continue
        if on and not ln.strip():
            break
        if on:
            if ln.startswith("  ") and out:
                out[-1] += " " + ln.strip()
            else:
                out.append(ln)
    return out


def measures_in(s):
    """The measures a sentence names, by label, in order."""
    return [LABELS[l] for l in sorted(LABELS, key=len, reverse=True) if l in s]


def letter_states(text):
    """{measure: set(states)}, step, completed, present-relapse measures."""
    st = {m: set() for m in LABELS.values()}
    present, step, completed = set(), None, False
    for s in in_short(text):
        head = next((l for l in LABELS if s.startswith(l + " ") or s.startswith(l + ":")), None)
        if head:
            m = LABELS[head]
            if s.startswith(head + " worsened from"):
                st[m].add("worse")
            if "the response was lost" in s:
                st[m].add("lost")
            if re.search(r"\b(has|had) levelled off\.", s) and "not yet" not in s:
                st[m].add("levelled")
            if s.endswith(": no response."):
                st[m].add("no response")
            if " rose from " in s and ": a relapse" in s:
                st[m].add("relapse")
                if "still present" in s:
                    present.add(m)
            if re.match(re.escape(head) + r" improved from \d+\.\d to \d+\.\d"
                        r"( \(within measurement error\))?([.,]| and)", s):
                st[m].add("responded")
        if re.match(r"(Pause|Break) of \d+ days", s) and "relapse - " in s:
            for part in s.split("relapse - ", 1)[1].split(", "):
                ms = measures_in(part)
                if ms:
                    last = ms[0]
                    st[last].add("relapse")
                elif part.startswith("still present") and last:
                    present.add(last)
        if s.startswith("Completed "):
            completed = True
        mt = re.match(r"Suggested next step: ([a-z ]+) \(", s)
        if mt:
            step = mt.group(1)
    return st, step, completed, present


def expected_step(st, completed, present):
    """The contract's first match, from the states the letter says."""
    if any("worse" in s for s in st.values()) or present:
        return {"refer back"}
    if not completed and any("lost" in s for s in st.values()):
        return {"review"}
    if completed:
        return {"none"}
    responded = [m for m, s in st.items() if "responded" in s]
    if responded and all("levelled" in st[m] for m in responded):
        return {"taper"}
    if responded:
        return {"continue"}
    return {"stop", "continue"}  # stop needs the course-level no-response


def page_rows(path):
    """{patient: (words per measure, step)} from the active courses table."""
    h = open(path, encoding="utf-8").read()
    h = re.sub(r"<svg.*?</svg>", "", h, flags=re.S)
    t = h.split('id="active"', 1)[1].split("</table>", 1)[0]
    names = [html.unescape(x) for x in re.findall(r'<th scope="col">([^<]*)</th>', t)][5:-1]
    rows = {}
    for tr in re.findall(r"<tr><td>(.*?)</tr>", t, flags=re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.split(r"</td><td[^>]*>", tr)]
        pid = cells[0].split()[0]
        words = dict(zip(names, cells[5:5 + len(names)]))
        rows[pid] = (words, cells[-1].replace("</td>", "").strip())
    return rows


def page_alerts(path):
    """The open alerts the page lists: {patient: [{course_id, measure, kind}]}."""
    h = open(path, encoding="utf-8").read()
    out = {}
    for kind in ("worse", "relapse", "response_lost", "no_response", "plateau"):
        for sec in ("alerts", "acked"):
            part = h.split('id="%s-%s"' % (sec, kind), 1)
            if len(part) < 2:
                continue
            t = part[1].split("</table>", 1)[0]
            for tr in re.findall(r"<tr><td>(.*?)</tr>", t, flags=re.S):
                c = [html.unescape(re.sub(r"<[^>]+>", "", x)).strip()
                     for x in re.split(r"</td><td[^>]*>", tr)]
                m = "" if c[2] == "(course)" else c[2]
                out.setdefault(c[0], []).append({"course_id": c[1], "measure": m, "kind": kind})
    return out


def main():
    day, index = sys.argv[1], sys.argv[2]
    # The night's alerts are the open alerts on its page; alerts.csv (what
    # was raised or changed tonight) must be among them.
    alerts = page_alerts(index)
    bad = 0
    with open(os.path.join(day, "alerts.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            key = {"course_id": r["course_id"], "measure": r["measure"], "kind": r["kind"]}
            if key not in alerts.get(r["patient_id"], []):
                bad += 1
                print("%s: alerts.csv has %s, the page does not list it" % (r["patient_id"], key))
    rows = page_rows(index)
    checked = 0
    for note in sorted(glob.glob(os.path.join(day, "notes", "*", "note.txt"))):
        text = open(note, encoding="utf-8").read()
        pid = re.search(r"patient (\S+)\n", text).group(1)
        course = re.search(r"^Course (\S+):", text, flags=re.M).group(1)
        st, step, completed, present = letter_states(text)
        checked += 1
        said = {m: {x for x in s if x in KIND_STATE.values()} for m, s in st.items()}
        raised = {m: set() for m in st}
        course_nr = False
        for a in alerts.get(pid, []):
            if a["course_id"] != course:
                continue
            if a["kind"] == "no_response":
                course_nr = True
            else:
                raised[a["measure"]].add(KIND_STATE[a["kind"]])
        for m in st:
            if said[m] != raised[m]:
                bad += 1
                print("%s %s: letter says %s, alerts.csv %s" % (pid, m, sorted(said[m]), sorted(raised[m])))
        if course_nr and step not in ("stop", "refer back", "review", "none"):
            bad += 1
            print("%s: no_response alert, letter suggests %s" % (pid, step))
        if step == "stop" and not course_nr:
            bad += 1
            print("%s: letter suggests stop, no no_response alert" % pid)
        if step not in expected_step(st, completed, present):
            bad += 1
            print("%s: letter suggests %s, its states give %s" % (pid, step,
                  "/".join(sorted(expected_step(st, completed, present)))))
        if pid not in rows:
            if not completed:
                bad += 1
                print("%s: an ongoing course with a letter, not on the page" % pid)
            continue
        words, pstep = rows[pid]
        if pstep != step:
            bad += 1
            print("%s: page says next step %s, letter %s" % (pid, pstep, step))
        for m, s in st.items():
            want = next((w for k, w in PAGE_WORD if k in s), None)
            got = words.get(m, "")
            if want and not got.endswith(want):
                bad += 1
                print("%s %s: page says '%s', letter %s" % (pid, m, got, sorted(s)))
            elif not want and any(got.endswith(w) for _, w in PAGE_WORD):
                bad += 1
                print("%s %s: page says '%s', the letter none of it" % (pid, m, got))
    print("one reading: %d patients checked, %d disagreements" % (checked, bad))
    return 1 if bad or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
