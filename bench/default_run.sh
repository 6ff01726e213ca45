#!/usr/bin/env bash
# The default scenario REPS times (default 5): median wall, loop, person-ticks/s, per-stage
# seconds and peak memory, from each run's manifest.json. Usage: bench/default_run.sh [REPS] [--set ...]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}; shift || true
bin=build/credsim
[ -x "$bin" ] || { echo "build first: make"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for r in $(seq 1 "$reps"); do "$bin" run scenarios/default.toml --out "$tmp/$r" "$@" >/dev/null; done
python3 - "$tmp" "$reps" <<'PY'
import json, statistics as st, sys
tmp, reps = sys.argv[1], int(sys.argv[2])
ms = [json.load(open(f"{tmp}/{r}/manifest.json")) for r in range(1, reps + 1)]
med = lambda k: st.median(m[k] for m in ms)
m0 = ms[0]
print(f"persons {m0['persons']}  edges {m0['edges']}  ticks {m0['ticks']}  threads {m0['threads']}  runs {reps}")
print(f"median wall {med('wall_seconds'):.2f} s  loop {med('loop_seconds'):.2f} s  graph {med('graph_seconds'):.2f} s")
print(f"median person-ticks/s {med('person_ticks_per_second'):.3g}")
for s in m0["stage_seconds"]:
    print(f"  stage {s:13s} {st.median(m['stage_seconds'][s] for m in ms):7.3f} s")
print(f"peak RSS {med('peak_rss_bytes') / 2**20:.1f} MiB  model bytes/person {m0['model_bytes'] / m0['persons']:.0f}")
PY
