#!/usr/bin/env bash
set -uo pipefail
# Throughput of 1 and 2 local shard processes against parley simulate (docs/benchmarks.md).
# Run from a directory holding a parley binary: PARLEY_ROOT=/path/to/repo N=12000 bench.sh
E=${PARLEY_ROOT:-.}/examples/iran-comprehensive-deal.yaml
N=${N:-12000}
./parley sweep plan $E --draws $N --seed 1 --shards 1 --out m1.json 2>/dev/null
./parley sweep plan $E --draws $N --seed 1 --shards 2 --out m2.json 2>/dev/null
TIMEFORMAT='%R %U %S'
t() { local label=$1; shift; local r; r=$( { time "$@" >/dev/null 2>&1 ; } 2>&1 ); set -- $r; printf '%-36s wall %6.2f s  cpu %6.2f s  %6.0f draws/s  %.3f cpu-ms/draw\n' "$label" $1 "$(echo "$2 + $3" | bc)" "$(echo "$N / $1" | bc -l)" "$(echo "($2 + $3) * 1000 / $N" | bc -l)"; }
two() { ./parley sweep run m2.json --shard 0 --dir $1 --workers $2 & ./parley sweep run m2.json --shard 1 --dir $1 --workers $2; wait; }
for rep in 1 2 3; do
  echo "rep $rep, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M)"
  rm -rf d1 d2 d3 d4
  t "parley simulate, 2 workers" ./parley simulate $E --draws $N --seed 1 --format json --out ref.json
  t "1 shard process, 2 workers" ./parley sweep run m1.json --shard 0 --dir d1
  t "2 shard processes, 1 worker each" two d3 1
  t "2 shard processes, 2 workers each" two d2 2
  t "merge of 2 shards" ./parley sweep merge m2.json --dir d3 --out merged.json
  cmp ref.json merged.json && echo "merged = simulate"
done
