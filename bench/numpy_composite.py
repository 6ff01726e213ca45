#!/usr/bin/python3
"""A straightforward vectorised NumPy implementation of one composite-score recomputation
(docs/MODEL.md section 6.4-6.5: the five sub-scores and the weighted score), on exactly the
inputs credsim used: the folder written by credsim_dump_composite (the CSR, the person
columns, the ten decayed records, the scores before and after one Composite::score, the spec's
parameters and credsim's own timing). Checks NumPy's scores against credsim's and times both.

Usage: bench/numpy_composite.py DUMP_DIR [REPS]      (REPS default 5; median of REPS)
Prints one line of key=value results (persons, arcs, mismatches, medians, ratio) and writes
DUMP_DIR/numpy_result.json.
"""
import json
import sys
import time

import numpy as np


def load(d):
    a = {}
    for name in ("offsets", "neighbours", "wealth", "income", "education", "stable_job", "age_band",
                 "score_before", "score_after") + tuple("rec_" + r for r in (
                     "on_time", "missed", "defaults", "approved", "games", "purchases", "on_platform",
                     "gaming_hours", "unapproved", "embarrassing")):
        a[name] = np.load(f"{d}/{name}.npy")
    return a, json.load(open(f"{d}/composite.json"))


def composite_scores(a, s):
    """One Jacobi recomputation: every person's new score from friends' scores before it.
    Records (float32) are widened to float64 and the arithmetic follows composite.cpp's order,
    so the result should equal credsim's to the last bit except where exp differs by an ulp."""
    f8 = lambda k: a[k].astype(np.float64)
    k = 1.0 - s["decay"]
    on, missed, defaults = f8("rec_on_time"), f8("rec_missed"), f8("rec_defaults")
    # 1. credit history
    C = (s["prior_good"] + on) / (s["prior_good"] + s["prior_bad"] + on + s["missed_weight"] * missed
                                  + s["default_weight"] * defaults)
    # 2. fulfilment capacity
    W = np.maximum(0.0, a["wealth"])
    Y = np.maximum(0.0, f8("income"))
    K = 0.5 * W / (W + s["wealth_ref"]) + 0.5 * Y / (Y + s["income_ref"])
    # 3. identity
    tot = s["identity_education"] + s["identity_job"] + s["identity_age"]
    age_factor = np.asarray(s["age_factor"], dtype=np.float64)
    v = (s["identity_education"] * a["education"].astype(np.float64) / (s["education_levels"] - 1)
         + s["identity_job"] * (a["stable_job"] != 0).astype(np.float64) + s["identity_age"] * age_factor[a["age_band"]])
    I = v / tot if tot > 0 else np.zeros_like(v)
    # 4. behaviour: logistic of a linear index of weekly rates
    purchases = f8("rec_purchases")
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(purchases > 0, np.minimum(1.0, f8("rec_on_platform") / purchases), 0.5)
    x = np.full(len(C), s["behaviour_bias"])
    if s["use_purchases"]:
        x += s["beta_approved"] * (f8("rec_approved") * k) - s["beta_games"] * (f8("rec_games") * k)
    if s["use_platform"]:
        x += s["beta_platform"] * (share - 0.5)
    if s["use_gaming"]:
        x -= s["beta_gaming"] * (f8("rec_gaming_hours") * k)
    if s["use_posts"]:
        x -= s["beta_unapproved"] * (f8("rec_unapproved") * k) + s["beta_embarrassing"] * (f8("rec_embarrassing") * k)
    B = 1.0 / (1.0 + np.exp(-x))
    # 5. relationships: friends' scores from before the update, summed per CSR row
    w = s["weights"]
    wm, wb, wp = s["rel_friends_mean"], s["rel_friends_below"], s["rel_friends_posts"]
    wsum = wm + wb + wp
    off, nb = a["offsets"], a["neighbours"]
    deg = np.diff(off)
    if w[4] > 0 and wsum > 0:
        def rowsum(vals):  # per-row sums over the CSR (exact for integers), empty rows 0
            cs = np.concatenate(([0], np.cumsum(vals)))
            return cs[off[1:]] - cs[off[:-1]]
        fs = a["score_before"][nb]
        d = np.maximum(deg, 1).astype(np.float64)
        R = np.zeros(len(C))
        if wm:
            mean = rowsum(fs.astype(np.int64)) / d
            R = R + wm * (mean - 350.0) / 600.0
        if wb:
            R = R + wb * (1.0 - rowsum((fs < s["rel_below_threshold"]).astype(np.int64)) / d)
        if wp:
            posts = rowsum(a["rec_unapproved"][nb].astype(np.float64)) * k / d
            R = R + wp * (1.0 - np.minimum(1.0, posts / s["rel_posts_cap"]))
        R = np.where(deg > 0, R / wsum, s["rel_no_friends"])
    else:
        R = np.full(len(C), s["rel_no_friends"])
    # weighted score, rounded half away from zero (lround) into 350..950
    v = (w[0] * C + w[1] * K + w[2] * I + w[3] * B + w[4] * R) / (w[0] + w[1] + w[2] + w[3] + w[4])
    return np.floor(350.0 + 600.0 * np.clip(v, 0.0, 1.0) + 0.5).astype(np.uint16)


def main():
    d = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    a, s = load(d)
    got = composite_scores(a, s)
    want = a["score_after"]
    diff = got.astype(np.int32) - want.astype(np.int32)
    secs = []
    for _ in range(reps):
        t0 = time.perf_counter()
        composite_scores(a, s)
        secs.append(time.perf_counter() - t0)
    med = float(np.median(secs))
    cpp = s["cpp_score_median_seconds"]
    res = dict(persons=int(len(want)), arcs=int(len(a["neighbours"])), cpp_threads=s["threads"],
               exact=int((diff == 0).sum()), off_by_one=int((np.abs(diff) == 1).sum()),
               worse=int((np.abs(diff) > 1).sum()), numpy_median_s=med, numpy_seconds=secs,
               cpp_median_s=cpp, ratio_numpy_over_cpp=med / cpp if cpp > 0 else None,
               numpy_version=np.__version__)
    json.dump(res, open(f"{d}/numpy_result.json", "w"), indent=2)
    print(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in res.items()
                   if k != "numpy_seconds"))
    return 0 if res["worse"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
