#!/usr/bin/env python3
"""Reference for 'make bench': symtrend's course and clinic statistics
computed with pandas and SciPy from the same database, the way an analyst
would write them (vectorised where pandas allows, curve_fit per course for
the plateau).  Usage: reference_stats.py DB {courses|courses-noplateau|clinic}
courses-noplateau prints the course table without the plateau columns: the
floor of what pandas needs to read and tabulate the courses."""
import math
import sqlite3
import sys
import warnings

import numpy as np
import pandas as pd
from scipy import optimize, stats

warnings.filterwarnings("ignore")
MEASURES = ["fatigue", "sleep", "focus", "pain"]
MCID, REL, GAP = 2.0, 0.8, 90


def load(db):
    con = sqlite3.connect(db)
    d = pd.read_sql_query(
        "SELECT p.patient_id, s.label, s.session_date, s.fatigue, s.sleep, s.focus, s.pain"
        " FROM sessions s JOIN patients p ON p.id = s.patient"
        " ORDER BY s.patient, s.label, s.session_date", con)
    con.close()
    new = (d.groupby(["patient_id", "label"])["session_date"].diff() > GAP) \
        .groupby([d.patient_id, d.label]).cumsum() + 1
    d["course_id"] = np.where(d.label == "", d.patient_id + "-C" + new.astype(str), d.label)
    d["s"] = d.groupby(["patient_id", "course_id"]).cumcount() + 1
    long = d.melt(id_vars=["patient_id", "course_id", "s"], value_vars=MEASURES,
                  var_name="measure", value_name="y").dropna(subset=["y"])
    return long.sort_values(["patient_id", "course_id", "measure", "s"])


def plateau(s, y):
    if len(y) < 5 or np.ptp(y) < 1e-9:
        return (np.nan, np.nan)
    span = s[-1] - 1
    f = lambda s_, c, b, lt: c + (b - c) * np.exp(-(s_ - 1) / np.exp(lt))
    try:
        p, cov = optimize.curve_fit(f, s, y, p0=(y[-2:].mean(), y[0], math.log(span / 2)),
                                    maxfev=2000)
    except Exception:
        return (np.nan, np.nan)
    tau = math.exp(p[2])
    if not (cov[2, 2] < 1 and 0.05 <= tau <= 10 * span and -5 <= p[0] <= 15):
        return (np.nan, np.nan)
    return (p[0], 1 + tau * math.log(10))


def courses(long, with_plateau=True):
    g = long.groupby(["patient_id", "course_id", "measure"], sort=False)
    out = g.agg(n=("y", "size"), baseline=("y", "first"), latest=("y", "last"),
                last_s=("s", "last"))
    out["change"] = out.latest - out.baseline
    out["pct_change"] = np.where(out.baseline != 0, 100 * out.change / out.baseline.replace(0, np.nan), np.nan)
    # OLS from per-group sums
    long = long.assign(sy=long.s * long.y, ss=long.s * long.s, yy=long.y * long.y)
    sums = long.groupby(["patient_id", "course_id", "measure"], sort=False)[["s", "y", "sy", "ss", "yy"]].sum()
    n = out.n.astype(float)
    sxx = sums.ss - sums.s ** 2 / n
    sxy = sums.sy - sums.s * sums.y / n
    syy = sums.yy - sums.y ** 2 / n
    slope = sxy / sxx
    rss = (syy - slope * sxy).clip(lower=0)
    se = np.sqrt(rss / (n - 2) / sxx)
    tq = pd.Series(stats.t.ppf(0.975, n - 2), index=n.index)
    ok = n >= 3
    out["slope"] = slope.where(ok)
    out["slope_se"] = se.where(ok)
    out["slope_lo"] = (slope - tq * se).where(ok)
    out["slope_hi"] = (slope + tq * se).where(ok)
    out["slope_p"] = pd.Series(2 * stats.t.sf(np.abs(slope / se), n - 2), index=n.index).where(ok & (se > 1e-12))
    out["responder"] = (out.baseline - out.latest >= MCID - 1e-9).astype(int)
    first = long.groupby(["patient_id", "course_id", "measure"], sort=False)["y"].transform("first")
    hit = long[first - long.y >= MCID - 1e-9]
    out["sessions_to_response"] = hit.groupby(["patient_id", "course_id", "measure"], sort=False)["s"].first()
    sd = out.groupby("measure").baseline.std()
    sdiff = math.sqrt(2) * sd * math.sqrt(1 - REL)
    out["rci"] = out.change / out.index.get_level_values("measure").map(sdiff).values
    out["reliable_change"] = np.select([out.rci <= -1.96, out.rci >= 1.96],
                                       ["improved", "deteriorated"], "unchanged")
    if with_plateau:
        pl = g.apply(lambda x: plateau(x.s.to_numpy(float), x.y.to_numpy(float)))
        out["plateau"] = pl.map(lambda t: t[0])
        out["s90"] = pl.map(lambda t: t[1])
    return out


def km_median(t, e):
    order = np.argsort(t, kind="stable")
    t, e = t[order], e[order]
    surv, at_risk = 1.0, len(t)
    uniq = np.unique(t)
    for i, u in enumerate(uniq):
        m = t == u
        d = e[m].sum()
        if d:
            surv *= 1 - d / at_risk
            if abs(surv - 0.5) < 1e-12:
                later = uniq[i + 1:][[e[t == v].sum() > 0 for v in uniq[i + 1:]]]
                return (u + later[0]) / 2 if len(later) else u
            if surv < 0.5:
                return u
        at_risk -= m.sum()
    return np.nan


def clinic(c):
    rows = []
    z = stats.norm.ppf(0.975)
    for m in MEASURES:
        x = c.xs(m, level="measure")
        x = x[x.n >= 2]
        n = len(x)
        ch = x.change.to_numpy()
        k = int(x.responder.sum())
        p = k / n
        den = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / den
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
        tt = stats.ttest_1samp(ch, 0)
        w = stats.wilcoxon(ch[ch != 0], correction=True, mode="approx")
        ev = x.sessions_to_response.notna().to_numpy()
        t = np.where(ev, x.sessions_to_response, x.last_s).astype(float)
        rows.append(dict(measure=m, courses=n, mean_baseline=x.baseline.mean(),
                         mean_latest=x.latest.mean(), mean_change=ch.mean(),
                         t_p=tt.pvalue, wilcoxon_p=w.pvalue, srm=ch.mean() / ch.std(ddof=1),
                         responders=k, responder_rate=p, rate_lo=centre - half,
                         rate_hi=centre + half, km_median_sessions=km_median(t, ev.astype(int))))
    return pd.DataFrame(rows)


if __name__ == "__main__":
    long = load(sys.argv[1])
    # The clinic table needs no plateau: neither side fits one for it.
    c = courses(long, with_plateau=sys.argv[2] == "courses")
    if sys.argv[2] == "clinic":
        clinic(c).to_csv(sys.stdout, index=False)
    else:
        c.to_csv(sys.stdout)
