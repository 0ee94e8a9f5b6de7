"""cmpmodel.py EXPECTED ACTUAL [boundary] - compares 'symtrend model --format
csv' (ACTUAL) with lme4's values (EXPECTED, tests/fixtures/model.R).
Fixed effects, their SEs, the SDs and sigma must agree to 4 significant
digits (relative 1e-4), the REML criterion to 1e-6 relative, the
correlation to 1e-3.  With 'boundary', SDs near zero are compared on the
scale of the data (absolute 1e-3 x sigma) and the correlation, undefined
at the boundary, only by sign."""
import csv
import sys

exp = {r["measure"]: r for r in csv.DictReader(open(sys.argv[1]))}
act = {r["measure"]: r for r in csv.DictReader(open(sys.argv[2])) if not r["group"]}
boundary = len(sys.argv) > 3
bad = n = 0
for m, e in exp.items():
    a = act.get(m)
    if a is None:
        print("missing", m); bad += 1; continue
    for col in ("courses", "observations"):
        n += 1
        if int(e[col]) != int(a[col]):
            print(m, col, e[col], a[col]); bad += 1
    sigma = float(e["sigma"])
    for col, tol in (("intercept", 1e-4), ("intercept_se", 1e-4), ("slope", 1e-4),
                     ("slope_se", 1e-4), ("sd_intercept", 1e-4), ("sd_slope", 1e-4),
                     ("sigma", 1e-4), ("reml", 1e-6), ("corr", None)):
        x, y = float(e[col]), float(a[col])
        n += 1
        if col == "corr":
            ok = (x * y >= 0) if boundary else abs(x - y) <= 1e-3
        elif boundary and col.startswith("sd_") and abs(x) < 0.2 * sigma:
            ok = abs(x - y) <= 1e-3 * sigma
        else:
            ok = abs(x - y) <= tol * max(abs(x), abs(y))
        if not ok:
            print("%s %s: lme4 %.10g symtrend %.10g" % (m, col, x, y)); bad += 1
print("%d values compared, %d mismatches" % (n, bad))
sys.exit(bad > 0)
