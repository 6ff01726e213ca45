#!/usr/bin/env bash
# credsim's Composite::score against the NumPy implementation (bench/numpy_composite.py) on the
# same graph and inputs: the default scenario, graph mean degree 20, after TICKS=3 ticks. For each
# N, credsim_dump_composite writes the inputs and times REPS recomputations with 2 threads and
# then 1 thread; NumPy recomputes, is checked score by score, and is timed (median of REPS).
# Usage: bench/numpy_vs_credsim.sh [N ...]   (default 100000 1000000; REPS env, default 7)
# Output: bench/results/numpy-vs-credsim-YYYY-MM-DD.csv and a line per N and thread count.
set -euo pipefail
cd "$(dirname "$0")/.."
dump=${DUMP:-build-bench/bench/credsim_dump_composite}
reps=${REPS:-7}
[ -x "$dump" ] || { echo "build first: cmake -S . -B build-bench -DCREDSIM_BUILD_BENCH=ON && cmake --build build-bench"; exit 1; }
[ $# -gt 0 ] || set -- 100000 1000000
out=bench/results/numpy-vs-credsim-$(date +%F).csv
mkdir -p bench/results
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -f "$out" ] || echo "date,persons,arcs,cpp_threads,cpp_median_s,numpy_median_s,numpy_over_cpp,scores_exact,scores_off_by_one,scores_worse,reps" > "$out"
for n in "$@"; do
  for th in 2 1; do
    OMP_NUM_THREADS=$th "$dump" "$n" 3 "$tmp/d" "$reps" --set graph.mean_degree=20
    /usr/bin/python3 bench/numpy_composite.py "$tmp/d" "$reps"
    /usr/bin/python3 - "$tmp/d/numpy_result.json" "$out" "$reps" <<'PY'
import json, sys, datetime
r = json.load(open(sys.argv[1]))
row = [datetime.date.today().isoformat(), r["persons"], r["arcs"], r["cpp_threads"], f"{r['cpp_median_s']:.5f}",
       f"{r['numpy_median_s']:.5f}", f"{r['ratio_numpy_over_cpp']:.2f}", r["exact"], r["off_by_one"], r["worse"], sys.argv[3]]
open(sys.argv[2], "a").write(",".join(map(str, row)) + "\n")
PY
    rm -rf "$tmp/d"
  done
done
echo "wrote $out"
