#!/usr/bin/env bash
# A distributed push run on the cluster kubectl points at: the reference hub, N agents (an Indexed Job), the merge,
# and the shards and report copied here. See docs/distributed.md.
#   deploy/k8s/run.sh IMAGE [AGENTS] [START_IN_SECONDS]     e.g. deploy/k8s/run.sh registry.example/bench:dev 10 180
#   deploy/k8s/run.sh --render DIR [AGENTS]                  write the manifests as they would be applied, and stop
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ "${1:-}" = --render ]; then
  out=${2:?--render needs a folder}; image=bench:dev; agents=${3:-3}; lead=180
else
  image=${1:?usage: run.sh IMAGE [AGENTS] [START_IN_SECONDS] (or run.sh --render DIR [AGENTS])}; agents=${2:-3}; lead=${3:-180}; out=
fi
case "$agents" in ''|*[!0-9]*|0) echo "run.sh: AGENTS must be a whole number of 1 or more, not '$agents'" >&2; exit 2 ;; esac

run_id=k8s-$(date -u +%Y%m%d-%H%M%S)
# Every agent starts its load at this moment: late enough for all pods to be scheduled and connected.
start_at=$(date -u -d "+${lead} seconds" +%Y-%m-%dT%H:%M:%SZ)

# The run's values into a manifest: the image, the run id, the start, and N where a line is marked "# agents".
render() {
  sed -e "s|bench:dev|$image|g" -e "s|__RUN_ID__|$run_id|g" -e "s|__START_AT__|$start_at|g" \
      -e "s|[0-9][0-9]*\(\"\{0,1\}\) *# agents|$agents\1   # agents|" "$here/$1"
}

if [ -n "$out" ]; then
  mkdir -p "$out"
  for f in target.yaml shards-pvc.yaml agents-job.yaml merge-job.yaml; do render "$f" > "$out/$f"; done
  echo "rendered $agents agents, run $run_id, into $out"
  exit 0
fi

kubectl get secret bench-token >/dev/null 2>&1 ||
  kubectl create secret generic bench-token --from-literal=token="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
kubectl apply -f "$here/shards-pvc.yaml"
render target.yaml | kubectl apply -f -
kubectl rollout status deployment/bench-target --timeout=5m
kubectl delete job bench-agents bench-merge --ignore-not-found
kubectl delete pod bench-shards-reader --ignore-not-found
render agents-job.yaml | kubectl apply -f -
echo "run $run_id: $agents agents start at $start_at"
kubectl wait --for=condition=complete job/bench-agents --timeout=60m || echo "run.sh: not every agent completed; merging the shards there are" >&2
render merge-job.yaml | kubectl apply -f -
merged=0
kubectl wait --for=condition=complete job/bench-merge --timeout=15m || merged=4
kubectl wait --for=condition=Ready pod/bench-shards-reader --timeout=5m
kubectl cp "bench-shards-reader:/shards/$run_id" "./results-$run_id"
kubectl delete pod bench-shards-reader
echo "Report: ./results-$run_id/report/report.md"
exit $merged
