#!/bin/sh
# ctest driver for tests/python/verify_snapshot.py (test snapshot_numpy_verifier):
#   run_snapshot_verifier.sh CREDSIM_BINARY SOURCE_DIR
# 1. runs the built credsim on scenarios/integrated_2020.toml (3000 persons, 8 ticks) with
#    --snapshot-every 4 into a temporary folder;
# 2. the verifier must recompute metrics.csv's values from the snapshots with numpy;
# 3. negative controls: a copy with one wealth value changed by 1 % and a copy with one
#    index.json removed must both be rejected (so a column written wrong cannot pass).
# Python: $CREDSIM_PYTHON, then /usr/bin/python3, then python3 on PATH — the first with numpy.
set -u
credsim=$1
src=$2

py=""
for cand in "${CREDSIM_PYTHON:-}" /usr/bin/python3 python3; do
  [ -n "$cand" ] || continue
  if "$cand" -c "import numpy" >/dev/null 2>&1; then py=$cand; break; fi
done
if [ -z "$py" ]; then
  echo "snapshot_numpy_verifier: no Python 3 with numpy found (tried \$CREDSIM_PYTHON, /usr/bin/python3, python3)."
  echo "Fix: apt-get install python3-numpy (listed in scripts/debian-packages.txt; scripts/install-deps.sh installs it),"
  echo "     or set CREDSIM_PYTHON to a python3 that has numpy."
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/credsim-snapshot-verify.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "== credsim run with --snapshot-every 4 (python: $py)"
"$credsim" run "$src/scenarios/integrated_2020.toml" --set society.persons=3000 --ticks 8 \
  --snapshot-every 4 --threads 2 --out "$tmp/run" >"$tmp/run.log" 2>&1 || {
  cat "$tmp/run.log"; echo "snapshot_numpy_verifier: credsim run failed"; exit 1; }

echo "== verifier on the run"
"$py" "$src/tests/python/verify_snapshot.py" "$tmp/run" || {
  echo "snapshot_numpy_verifier: the snapshots do not reproduce metrics.csv"; exit 1; }

echo "== negative control: one wealth value changed by 1 % at tick 4"
cp -r "$tmp/run" "$tmp/perturbed"
"$py" - "$tmp/perturbed/snapshots/tick_000004/persons.wealth.npy" <<'EOF' || exit 1
import sys
import numpy as np
a = np.load(sys.argv[1])
a[17] *= 1.01
np.save(sys.argv[1], a)
EOF
"$py" "$src/tests/python/verify_snapshot.py" "$tmp/perturbed" >"$tmp/perturbed.log" 2>&1
rc=$?
if [ "$rc" -ne 1 ] || ! grep -q "society/wealth_mean" "$tmp/perturbed.log"; then
  cat "$tmp/perturbed.log"
  echo "snapshot_numpy_verifier: the verifier did not reject a perturbed wealth column (exit $rc)"
  exit 1
fi

echo "== negative control: a snapshot without index.json"
cp -r "$tmp/run" "$tmp/incomplete"
rm "$tmp/incomplete/snapshots/tick_000008/index.json"
"$py" "$src/tests/python/verify_snapshot.py" "$tmp/incomplete" >"$tmp/incomplete.log" 2>&1
rc=$?
if [ "$rc" -ne 1 ] || ! grep -q "no index.json" "$tmp/incomplete.log"; then
  cat "$tmp/incomplete.log"
  echo "snapshot_numpy_verifier: the verifier accepted a snapshot folder without index.json (exit $rc)"
  exit 1
fi

echo "snapshot_numpy_verifier: OK"
