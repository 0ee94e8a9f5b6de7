#!/usr/bin/env python3
"""gen_clinic.py - a generated clinic for the one-reading check (issue 20).

Writes PATIENTS patients' sessions to a CSV (deterministic: the same
arguments give the same bytes), every patient with a session in the last
25 days before TODAY, so the nightly run of TODAY reads every one of them.
Each course and measure follows a profile chosen to reach every state of
the reading: responders that level off, slow responders, responses lost,
worsening, mild baselines, flat non-responders, relapses after a pause
inside a course or across the break between courses, scores not recorded
(so that consecutive *scored* sessions are further apart than consecutive
sessions), and pauses just under and at relapse_gap (21 days).

usage: gen_clinic.py PATIENTS TODAY OUT.csv
"""
import datetime
import random
import sys

MEASURES = ("fatigue", "sleep", "focus", "pain")
PROFILES = ("responder", "slow", "lost", "worse", "mild", "flat", "relapse")


def half(x):
    return min(10.0, max(0.0, round(x * 2) / 2))


def course_scores(profile, n, rnd, start_level=None):
    """Scores of one measure over n sessions of a course."""
    b = start_level if start_level is not None else rnd.uniform(5.5, 9)
    if profile == "mild":
        b = rnd.uniform(1.5, 3.5)
    out = []
    for i in range(n):
        t = i / max(1, n - 1)
        if profile == "responder":
            y = b - (b - rnd.uniform(1.5, 3.5)) * (1 - pow(2.718, -i / 2.0))
        elif profile == "slow":
            y = b - 2.5 * t
        elif profile == "lost":
            y = b - 3.0 * min(1.0, i / 3.0) + (3.0 * (i - n * 0.6) / (n * 0.4) if i > n * 0.6 else 0)
        elif profile == "worse":
            y = b - 1.5 + 3.5 * t if b > 6.5 else b + 3.0 * t
        elif profile == "mild":
            y = b - 1.0 * t
        elif profile == "flat":
            y = b + rnd.uniform(-0.6, 0.6)
        else:  # relapse: improves, the rise comes after a pause (see patient())
            y = b - 3.0 * min(1.0, i / 3.0)
        out.append(half(y + rnd.uniform(-0.4, 0.4)))
    return out


def patient(k, today, rnd, rows):
    pid = "G%04d" % k
    ncourses = rnd.choice((1, 1, 2, 2, 3))
    # Build backwards: the last session 0-25 days before today.
    courses = []
    end = today - datetime.timedelta(days=rnd.randint(0, 25))
    for c in range(ncourses):
        n = rnd.randint(3, 14)
        gaps = [rnd.randint(5, 9) for _ in range(n - 1)]
        if n > 5 and rnd.random() < 0.35:  # a pause inside the course
            gaps[rnd.randint(2, n - 3)] = rnd.choice((14, 20, 21, 22, 35, 60))
        dates = [end]
        for g in reversed(gaps):
            dates.insert(0, dates[0] - datetime.timedelta(days=g))
        courses.insert(0, dates)
        end = dates[0] - datetime.timedelta(days=rnd.choice((91, 95, 120, 200)))
    profiles = [rnd.choice(PROFILES) for _ in MEASURES]
    level = [None] * len(MEASURES)
    for dates in courses:
        n = len(dates)
        cols = []
        for m, prof in enumerate(profiles):
            ys = course_scores(prof, n, rnd, level[m])
            if prof == "relapse":
                # after the longest gap the score comes back up
                gi = max(range(1, n), key=lambda i: (dates[i] - dates[i - 1]).days)
                for i in range(gi, n):
                    ys[i] = half(ys[i] + rnd.choice((1.5, 2.0, 2.5, 3.0)))
            cols.append(ys)
            # a relapse across courses: the next course starts high again
            level[m] = half(ys[-1] + rnd.choice((0, 1.0, 2.0, 3.0))) if prof != "mild" else None
        for i, d in enumerate(dates):
            vals = []
            for m in range(len(MEASURES)):
                v = cols[m][i]
                vals.append("" if rnd.random() < 0.12 else ("%g" % v))
            if all(v == "" for v in vals):
                vals[rnd.randrange(len(vals))] = "%g" % cols[0][i]
            rows.append("%s,%s,%s" % (pid, d.isoformat(), ",".join(vals)))


def main():
    npat, today, out = int(sys.argv[1]), datetime.date.fromisoformat(sys.argv[2]), sys.argv[3]
    rnd = random.Random(20261207)
    rows = []
    for k in range(1, npat + 1):
        patient(k, today, rnd, rows)
    with open(out, "w", encoding="utf-8") as f:
        f.write("patient_id,session_date,%s\n" % ",".join(MEASURES))
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
