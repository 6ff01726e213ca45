#!/usr/bin/env bash
# Side-by-side: the default scenario with OpenMP's active (spinning) vs passive waiting,
# alternating runs, medians of loop seconds from each manifest. Usage: bench/wait_policy.sh [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
bin=build/credsim
[ -x "$bin" ] || { echo "build first: make"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for r in $(seq 1 "$reps"); do
  for policy in active passive; do
    OMP_WAIT_POLICY=$policy "$bin" run scenarios/default.toml --out "$tmp/$policy-$r" >/dev/null
  done
done
python3 - "$tmp" "$reps" <<'PY'
import json, statistics, sys
tmp, reps = sys.argv[1], int(sys.argv[2])
res = {}
for policy in ("active", "passive"):
    loops = [json.load(open(f"{tmp}/{policy}-{r}/manifest.json"))["loop_seconds"] for r in range(1, reps + 1)]
    res[policy] = statistics.median(loops)
    print(f"{policy:8s} median loop {res[policy]:.2f} s  runs {[round(x, 2) for x in loops]}")
print(f"active/passive ratio {res['active'] / res['passive']:.2f}")
PY
