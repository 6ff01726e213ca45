#!/usr/bin/env bash
# The end-to-end series of the issue "Country scale on one machine": a preset (default: the
# integrated one, every system) at each population N with graph mean degree 20 for TICKS ticks
# (the preset's own measurement cadence: integrated_2020 measures every 4 ticks), one run each,
# and a CSV of what each run's manifest.json records: timings per stage, peak memory, the
# estimate, and the model memory per person part by part; and, apart, tick 0's initialisation
# and the stages and rate over the ticks after it (ticks_*), the measure stage by reporter, and
# the malloc tunables the run had (huge pages).
#
# Usage: bench/series.sh [N ...]            default: 1000000 3000000
#        bench/series.sh 1e6 1e7 3e7 1e8    (country scale; runs that do not fit are skipped)
# Env:   PRESET (default integrated_2020; "default" for scenarios/default.toml), TICKS (default 4),
#        THREADS (default: OpenMP's), BIN (default build/credsim),
#        EXTRA (more credsim options, e.g. "--memory-limit 20"), TAG (added to the file name, to
#        keep series of different builds apart on one day).
# Output: bench/results/series-PRESET-YYYY-MM-DD[-TAG].csv (appended to if it exists), a line per N.
# A run that credsim refuses before allocating (exit 3: the memory estimate does not fit) is
# reported as "skipped: does not fit" with the estimate, and the series goes on.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-build/credsim}
ticks=${TICKS:-4}
preset=${PRESET:-integrated_2020}
[ -x "$bin" ] || { echo "build first: make (or set BIN=)"; exit 1; }
[ $# -gt 0 ] || set -- 1000000 3000000
out=bench/results/series-$preset-$(date +%F)${TAG:+-$TAG}.csv
mkdir -p bench/results
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
threads_opt=()
[ -n "${THREADS:-}" ] && threads_opt=(--threads "$THREADS")
[ -f "$out" ] || echo "date,preset,persons,edges,ticks,threads,wall_s,graph_s,loop_s,person_ticks_per_s,behave_s,record_s,score_s,consequences_s,adapt_s,measure_s,peak_rss_mib,estimated_peak_mib,model_mib,peak_bytes_per_person,model_parts_bytes_per_person,init_s,ticks_s,ticks_person_ticks_per_s,ticks_behave_s,ticks_record_s,ticks_score_s,ticks_consequences_s,ticks_adapt_s,ticks_measure_s,measure_parts_s,glibc_tunables,status" > "$out"

for arg in "$@"; do
  n=$(python3 -c "print(int(float('$arg')))")
  run="$tmp/n$n"
  set +e
  "$bin" run "scenarios/$preset.toml" --out "$run" --set society.persons="$n" --set graph.mean_degree=20 \
    --ticks "$ticks" "${threads_opt[@]}" ${EXTRA:-} >"$tmp/log" 2>&1
  rc=$?
  set -e
  if [ $rc -eq 3 ] && grep -q "needs about" "$tmp/log"; then
    need=$(grep -o "needs about [0-9.]* GiB" "$tmp/log" | head -1)
    echo "N=$n skipped: does not fit ($need; $(grep -o "but [0-9.]* GiB [a-z ]*" "$tmp/log" | head -1))"
    echo "$(date +%F),$preset,$n,,$ticks,,,,,,,,,,,,,,,,,,,,,,,,,,,,,skipped: does not fit ($need)" >> "$out"
    continue
  elif [ $rc -ne 0 ]; then
    echo "N=$n failed (exit $rc):"; cat "$tmp/log"; exit $rc
  fi
  python3 - "$run/manifest.json" "$out" "$preset" <<'PY'
import json, sys, datetime
m = json.load(open(sys.argv[1]))
s = m["stage_seconds"]
n = m["persons"]
parts = " ".join(f"{k}={v / n:.1f}" for k, v in sorted(m.get("model_bytes_parts", {}).items(), key=lambda kv: -kv[1]))
row = [datetime.date.today().isoformat(), sys.argv[3], m["persons"], m["edges"], m["ticks"], m["threads"],
       f"{m['wall_seconds']:.3f}", f"{m['graph_seconds']:.3f}", f"{m['loop_seconds']:.3f}",
       f"{m['person_ticks_per_second']:.4g}"] + [f"{s[k]:.3f}" for k in
       ("behave", "record", "score", "consequences", "adapt", "measure")] + [
       f"{m['peak_rss_bytes'] / 2**20:.1f}", f"{m['estimated_peak_bytes'] / 2**20:.1f}", f"{m['model_bytes'] / 2**20:.1f}",
       f"{m['peak_rss_bytes'] / n:.1f}", parts]
# Tick 0's initialisation apart, and the stages over the ticks after it (the rate a long run
# approaches: with measure_every = 4 and 4 ticks, one measured tick and one monthly recomputation).
init = m.get("init_stage_seconds", {k: 0.0 for k in s})
mparts = " ".join(f"{k}={v:.3f}" for k, v in sorted(m.get("measure_seconds", {}).items(), key=lambda kv: -kv[1]))
row += [f"{m.get('init_seconds', 0.0):.3f}", f"{m.get('ticks_seconds', m['loop_seconds']):.3f}",
        f"{m.get('ticks_person_ticks_per_second', m['person_ticks_per_second']):.4g}"] + [
        f"{s[k] - init[k]:.3f}" for k in ("behave", "record", "score", "consequences", "adapt", "measure")] + [
        mparts, m.get("glibc_tunables", ""), "ok"]
open(sys.argv[2], "a").write(",".join(map(str, row)) + "\n")
print(f"N={m['persons']} edges={m['edges']} ticks={m['ticks']} threads={m['threads']}: wall {m['wall_seconds']:.2f} s "
      f"(graph {m['graph_seconds']:.2f}, loop {m['loop_seconds']:.2f}, of which tick 0 {m.get('init_seconds', 0.0):.2f}), "
      f"{m['person_ticks_per_second']:.3g} person-ticks/s ({m.get('ticks_person_ticks_per_second', 0.0):.3g} after tick 0), "
      f"peak RSS {m['peak_rss_bytes'] / 2**20:.0f} MiB (estimate {m['estimated_peak_bytes'] / 2**20:.0f} MiB)")
PY
done
echo "wrote $out"
