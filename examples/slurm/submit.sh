#!/usr/bin/env bash
# radalign on Slurm in one go: submits the scoring array (N tasks) and the merge job that runs
# after all of them succeed, and prints the two job ids.
#
#   examples/slurm/submit.sh <dataset> <shard-dir> <results.json> <N> [radalign score options…]
#
# Use paths that every node sees the same (absolute, on a shared filesystem). The jobs' logs
# (radalign-score-<job>_<task>.out, radalign-merge-<job>.out) go to the current folder.
# If a task fails, the merge job is cancelled; see docs/scheduling.md for rerunning that part.
set -euo pipefail

if [ $# -lt 4 ]; then
  echo "usage: $0 <dataset> <shard-dir> <results.json> <N> [radalign score options]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
dataset=$1 shard_dir=$2 out=$3 n=$4
shift 4
case $n in '' | *[!0-9]* | 0) echo "N must be a positive whole number, got '$n'" >&2; exit 2 ;; esac

mkdir -p "$shard_dir"
array=$(sbatch --parsable --array="0-$((n - 1))" "$here/score-array.sbatch" "$dataset" "$shard_dir" "$@")
array=${array%%;*} # --parsable prints <id>;<cluster> on multi-cluster sites
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes "$here/merge.sbatch" "$shard_dir" "$out")
merge=${merge%%;*}
echo "$array $merge"
