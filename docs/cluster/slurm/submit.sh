#!/usr/bin/env bash
# Plan a Parley sweep and submit it to Slurm: a job array of K shards, then
# a merge job that starts only when every shard has succeeded.
#
#   docs/cluster/slurm/submit.sh SCENARIO WORKDIR [plan flags...]
#   e.g. submit.sh scenario.yaml /shared/sweeps/s1 --draws 1000000 --seed 7 --model eum
#
# WORKDIR must be on storage every compute node sees (a cluster file
# system). Environment: SHARDS (default 64), CONCURRENT (how many array
# tasks at once, default 16), CPUS (cores per shard, default 8), PARLEY
# (the binary, default parley on PATH; use the same binary everywhere).
set -euo pipefail

if [ "$#" -lt 2 ]; then
  echo "usage: $0 SCENARIO WORKDIR [parley sweep plan flags...]" >&2
  exit 2
fi
scenario=$1
workdir=$2
shift 2
shards=${SHARDS:-64}
concurrent=${CONCURRENT:-16}
cpus=${CPUS:-8}
parley=${PARLEY:-parley}
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$workdir/shards" "$workdir/logs"
"$parley" sweep plan "$scenario" --analysis simulate --shards "$shards" --out "$workdir/manifest.json" "$@"

# Index the array from 0 to K-1 explicitly (stepped or offset arrays would
# break the mapping from SLURM_ARRAY_TASK_ID to shard).
array=$(sbatch --parsable \
  --array="0-$((shards - 1))%${concurrent}" \
  --cpus-per-task="$cpus" \
  --output="$workdir/logs/shard-%a.out" \
  --export=ALL,PARLEY="$parley" \
  "$here/shard.sbatch" "$workdir/manifest.json" "$workdir/shards")
array=${array%%;*}

merge=$(sbatch --parsable \
  --dependency="afterok:${array}" \
  --output="$workdir/logs/merge.out" \
  --export=ALL,PARLEY="$parley" \
  "$here/merge.sbatch" "$workdir/manifest.json" "$workdir/shards" "$workdir/result.json")
merge=${merge%%;*}

echo "shards: job array $array (0-$((shards - 1)), $concurrent at a time); merge: job $merge"
echo "result: $workdir/result.json"
