#!/usr/bin/env python3
"""Independent check of credsim's per-person snapshots (credsim run --snapshot-every K).

Usage: verify_snapshot.py RUN_DIR

For every RUN_DIR/snapshots/tick_NNNNNN/ it checks the files against index.json (dtype, shape,
byte-for-byte what numpy.save writes for the same array, the edge list's form) and, for each
tick that metrics.csv measured, recomputes from the .npy files alone, with numpy only, the
metrics written for that tick:
  society      persons, edges (exact); wealth mean, population sd, type-7 quantiles, Gini
  composite    score mean, sd, quantiles, Gini, histogram; band shares; privilege shares and
               their wealth-decile shares and rates
  fico         score mean, sd, quantiles, Gini, histogram; band shares
  points       residents (exact); points mean, sd, quantiles; grade shares
  agency_lists black and red shares; their rates by wealth decile
  court_list   restricted count (exact)
  consequences effect shares (from the effect bits) and their wealth-decile shares and rates
and compares them with metrics.csv: relative tolerance 1e-9, counts exactly. Exit status 0 when
everything matches, 1 with one line per mismatch otherwise, 2 for unusable input.
It shares no code with credsim: definitions follow docs/MODEL.md section 8.
"""
import csv
import io
import json
import math
import pathlib
import sys

try:
    import numpy as np
except ImportError:  # the ctest driver checks this first; this is for direct use
    sys.exit("verify_snapshot.py: numpy is missing. Fix: apt-get install python3-numpy "
             "(listed in scripts/debian-packages.txt) or pip install numpy.")

RTOL = 1e-9
PROBS = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
PKEYS = ["p%d" % round(100 * p) for p in PROBS]


def read_metrics(path):
    rows = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            v = r["value"]
            rows[(int(r["tick"]), r["system"], r["metric"], r["key"])] = math.nan if v == "NA" else float(v)
    return rows


def shortest(x):
    """The key of a histogram bin as credsim prints it: the shortest round-trip decimal."""
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


class Checker:
    def __init__(self, rows):
        self.rows = rows
        self.checked = 0
        self.failures = []

    def value(self, tick, system, metric, key, expected, exact=False):
        k = (tick, system, metric, key)
        if k not in self.rows:
            self.failures.append("tick %d: no row %s/%s[%s] in metrics.csv" % (tick, system, metric, key))
            return
        got = self.rows[k]
        expected = float(expected)
        self.checked += 1
        if math.isnan(got) and math.isnan(expected):
            return
        if exact:
            ok = got == expected
        else:
            ok = abs(got - expected) <= RTOL * max(abs(got), abs(expected))
        if not ok:
            self.failures.append("tick %d: %s/%s[%s]: metrics.csv %r, recomputed from the snapshot %r"
                                 % (tick, system, metric, key, got, expected))

    def has(self, tick, system, metric, key=""):
        return (tick, system, metric, key) in self.rows


def gini(x):
    x = np.sort(np.asarray(x, dtype=np.float64))
    n = x.size
    if n == 0 or x.sum() == 0:
        return 0.0
    i = np.arange(1, n + 1, dtype=np.float64)
    return float(np.sum((2 * i - n - 1) * x) / (n * x.sum()))


def distribution(c, tick, system, what, x):
    x = np.asarray(x, dtype=np.float64)
    c.value(tick, system, what + "_mean", "", np.mean(x))
    c.value(tick, system, what + "_sd", "", np.std(x))  # population sd (ddof = 0)
    q = np.quantile(x, PROBS)  # numpy's default: "linear", Hyndman-Fan type 7
    for k, v in zip(PKEYS, q):
        c.value(tick, system, what + "_quantile", k, v)
    if c.has(tick, system, what + "_gini"):
        c.value(tick, system, what + "_gini", "", gini(x))


def deciles(wealth):
    """Rank ascending by wealth, ties by person id (a stable sort); decile = floor(10 rank / n)."""
    n = wealth.size
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(wealth, kind="stable")] = np.arange(n)
    return (10 * rank) // n


def by_decile(c, tick, system, holders_metric, rate_metric, name, decile, flag):
    flag = np.asarray(flag, dtype=bool)
    flagged = np.bincount(decile[flag], minlength=10).astype(np.float64)
    total = np.bincount(decile, minlength=10).astype(np.float64)
    all_ = flagged.sum()
    for d in range(10):
        key = ("%s:d%02d" % (name, d + 1)) if name else "d%02d" % (d + 1)
        if holders_metric:
            c.value(tick, system, holders_metric, key, flagged[d] / all_ if all_ > 0 else 0.0)
        if rate_metric:
            c.value(tick, system, rate_metric, key, flagged[d] / total[d] if total[d] > 0 else 0.0)


def histogram(c, tick, system, x, histogram_bin):
    keys = sorted({k[3] for k in c.rows if k[:3] == (tick, system, "score_histogram")}, key=float)
    if not keys:
        return
    bins = len(keys)
    lo = float(keys[0])
    hi = lo + bins * histogram_bin
    w = (hi - lo) / bins
    inner = lo + np.arange(1, bins, dtype=np.float64) * w  # bin j = [lo + j w, lo + (j+1) w)
    idx = np.searchsorted(inner, x, side="right")          # below lo: 0, above hi: last
    counts = np.bincount(idx, minlength=bins)
    n = x.size
    for j in range(bins):
        key = shortest(lo + j * histogram_bin)
        c.value(tick, system, "score_histogram", key, counts[j] / n if n else 0.0)


def check_files(snap, index, failures):
    """Loads every listed file and checks it against the index and numpy's own writer."""
    arrays = {}
    for p in snap.iterdir():
        if p.name.endswith(".partial"):
            failures.append("%s: a half-written file %s" % (snap.name, p.name))
    listed = {f["name"] for f in index["files"]}
    for p in snap.glob("*.npy"):
        if p.name not in listed:
            failures.append("%s: %s is not in index.json" % (snap.name, p.name))
    for f in index["files"]:
        path = snap / f["name"]
        if not path.exists():
            failures.append("%s: %s is listed in index.json but missing" % (snap.name, f["name"]))
            continue
        raw = path.read_bytes()
        a = np.load(io.BytesIO(raw), allow_pickle=False)
        if a.dtype.str != f["dtype"] or list(a.shape) != list(f["shape"]):
            failures.append("%s: %s is %s %s, index.json says %s %s"
                            % (snap.name, f["name"], a.dtype.str, a.shape, f["dtype"], f["shape"]))
        hlen = 10 + int.from_bytes(raw[8:10], "little")
        if raw[:6] != b"\x93NUMPY" or raw[6:8] != b"\x01\x00" or hlen % 64 != 0:
            failures.append("%s: %s: not a 64-byte aligned .npy 1.0 header" % (snap.name, f["name"]))
        buf = io.BytesIO()
        np.save(buf, a, allow_pickle=False)
        if buf.getvalue() != raw:
            failures.append("%s: %s differs from what numpy.save writes for the same array" % (snap.name, f["name"]))
        arrays[f["name"]] = a
    n = index["n"]
    for name, a in arrays.items():
        if name != "edges.npy":
            if a.shape != (n,):
                failures.append("%s: %s has shape %s, not (n,) = (%d,)" % (snap.name, name, a.shape, n))
    e = arrays.get("edges.npy")
    if e is None:
        failures.append("%s: no edges.npy" % snap.name)
    else:
        if e.shape != (index["m"], 2):
            failures.append("%s: edges.npy has shape %s, not (m, 2) = (%d, 2)" % (snap.name, e.shape, index["m"]))
        elif e.size:
            u, v = e[:, 0].astype(np.int64), e[:, 1].astype(np.int64)
            if not np.all(u < v) or v.max() >= n:
                failures.append("%s: edges.npy: a row is not (u, v) with u < v < n" % snap.name)
            code = u * n + v
            if not np.all(np.diff(code) > 0):
                failures.append("%s: edges.npy: rows are not ascending and unique" % snap.name)
    return arrays


def verify_tick(c, index, arrays, histogram_bin):
    t = index["tick"]
    n = index["n"]
    wealth = arrays["persons.wealth.npy"].astype(np.float64)
    c.value(t, "society", "persons", "", n, exact=True)
    c.value(t, "society", "edges", "", arrays["edges.npy"].shape[0], exact=True)
    distribution(c, t, "society", "wealth", wealth)
    dec = deciles(wealth)

    for s in index["systems"]:
        name, typ = s["name"], s["type"]
        score = arrays.get(name + ".score.npy")
        grade = arrays.get(name + ".grade.npy")
        names = s.get("grade_names", [])
        if typ in ("composite", "fico"):
            x = score.astype(np.float64)
            distribution(c, t, name, "score", x)
            histogram(c, t, name, x, histogram_bin)
            counts = np.bincount(grade, minlength=len(names))
            for g, gname in enumerate(names):
                c.value(t, name, "band_share", gname, counts[g] / n if n else 0.0)
        if typ == "composite":
            priv = arrays[name + ".privileges.npy"]
            for k, pname in enumerate(s["privilege_names"]):
                held = (priv >> k) & 1 == 1
                c.value(t, name, "privilege_share", pname, held.sum() / n if n else 0.0)
                by_decile(c, t, name, "privilege_holders_by_wealth_decile", "privilege_rate_by_wealth_decile",
                          pname, dec, held)
        elif typ == "points":
            unrated = names.index("unrated")
            member = grade != unrated
            x = score[member].astype(np.float64)
            c.value(t, name, "residents", "", x.size, exact=True)
            if x.size:
                distribution(c, t, name, "points", x)
            counts = np.bincount(grade[member], minlength=len(names))
            for g, gname in enumerate(names[:-1]):
                c.value(t, name, "grade_share", gname, counts[g] / x.size if x.size else 0.0)
        elif typ == "agency_lists":
            listed = arrays[name + ".listed.npy"] != 0
            red = arrays[name + ".red.npy"] != 0
            dn = n if n else 1
            c.value(t, name, "black_share", "", listed.sum() / dn)
            c.value(t, name, "red_share", "", red.sum() / dn)
            by_decile(c, t, name, None, "black_rate_by_wealth_decile", "", dec, listed)
            by_decile(c, t, name, None, "red_rate_by_wealth_decile", "", dec, red)
        elif typ == "court_list":
            c.value(t, name, "restricted_count", "", int((arrays[name + ".listed.npy"] != 0).sum()), exact=True)
        elif score is not None and c.has(t, name, "score_mean"):
            finite = score[np.isfinite(score)].astype(np.float64)
            distribution(c, t, name, "score", finite)

    if "consequences.effects.npy" in arrays:
        active = arrays["consequences.effects.npy"]
        for e in index["effects"]:
            if not e["used"]:
                continue
            held = (active >> np.uint64(e["bit"])) & np.uint64(1) == 1
            c.value(t, "consequences", "effect_share", e["name"], held.sum() / n if n else 0.0)
            by_decile(c, t, "consequences", "effect_holders_by_wealth_decile", "effect_rate_by_wealth_decile",
                      e["name"], dec, held)


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    run = pathlib.Path(argv[1])
    if not (run / "metrics.csv").exists() or not (run / "manifest.json").exists():
        print("verify_snapshot.py: %s is not a finished credsim run (no metrics.csv or manifest.json)" % run)
        return 2
    rows = read_metrics(run / "metrics.csv")
    manifest = json.loads((run / "manifest.json").read_text())
    histogram_bin = float(manifest["scenario"]["measure"]["histogram_bin"])
    snaps = sorted(p for p in (run / "snapshots").glob("tick_*") if p.is_dir()) if (run / "snapshots").exists() else []
    if not snaps:
        print("verify_snapshot.py: no snapshots under %s/snapshots (run with --snapshot-every K)" % run)
        return 2
    listed = set(manifest.get("outputs", []))
    ticks_measured = {k[0] for k in rows}
    c = Checker(rows)
    for snap in snaps:
        if not (snap / "index.json").exists():
            c.failures.append("%s: no index.json (an incomplete snapshot)" % snap.name)
            continue
        if "snapshots/%s/index.json" % snap.name not in listed:
            c.failures.append("%s: not listed in manifest.json's outputs" % snap.name)
        index = json.loads((snap / "index.json").read_text())
        before_checked, before_failed = c.checked, len(c.failures)
        arrays = check_files(snap, index, c.failures)
        measured = index["tick"] in ticks_measured
        if measured != index["measured"]:
            c.failures.append("%s: index.json says measured=%s, metrics.csv disagrees" % (snap.name, index["measured"]))
        if measured and len(c.failures) == before_failed:
            verify_tick(c, index, arrays, histogram_bin)
        print("%s: %d files, %d metric values compared%s, %d problems"
              % (snap.name, len(index["files"]), c.checked - before_checked,
                 "" if measured else " (tick not measured)", len(c.failures) - before_failed))
    for f in c.failures:
        print("MISMATCH " + f)
    if c.failures:
        print("verify_snapshot.py: FAILED, %d problems" % len(c.failures))
        return 1
    if c.checked == 0:
        print("verify_snapshot.py: FAILED, no metric value was compared (no snapshot at a measured tick)")
        return 1
    print("verify_snapshot.py: OK, %d snapshots, %d metric values match metrics.csv" % (len(snaps), c.checked))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
