#!/usr/bin/env bash
# Offline schema check of the Kubernetes objects `bench cluster run` applies (no cluster): rendered with --render for
# 5 agents, a namespace, a run id, a node selector, a toleration and bench run arguments after --, then broken copies
# the check must reject (misspelt fields: an old one, one of Kubernetes 1.29+, one deep in a container; a wrong type),
# so a check that passes everything cannot pass here; and the image's .dockerignore keeps build output, results and
# .git out of the build context. Needs node, npm and dotnet; installs tests/k8s-validate's pinned packages itself.
# BENCH=path/to/bench (an executable) skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
check=tests/k8s-validate
(cd "$check" && npm ci --no-audit --no-fund >/dev/null 2>&1) || (cd "$check" && npm ci --no-audit --no-fund)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "-- .dockerignore (the image's build context is the repository)"
for entry in .git results artifacts '**/bin' '**/obj' '**/node_modules'; do
  if ! grep -qxF "$entry" .dockerignore; then
    echo ".dockerignore does not list $entry: it would go into the image's build context"
    exit 1
  fi
done
echo "lists .git, results, artifacts, **/bin, **/obj, **/node_modules"

if [ -n "${BENCH:-}" ]; then
  bench=("$BENCH")
else
  dotnet build scenarios/Bench.Scenarios/Bench.Scenarios.csproj --nologo -v q >/dev/null
  bench=(dotnet scenarios/Bench.Scenarios/bin/Debug/net10.0/bench.dll)
fi

echo "-- manifests as bench cluster run --render writes them"
"${bench[@]}" cluster run --render "$work/rendered" --image registry.example/bench:dev --agents 5 --namespace bench-ci \
  --run-id ci-check --target examples/targets/broadcast-websocket.yaml --node-selector pool=load \
  --toleration dedicated=load:NoSchedule --agent-cpu 2 --agent-memory 4Gi \
  -- --transport websocket --rate 1000 --subscribers 30000 --duration 60s --threshold 'push.p99 < 50ms'
rendered=$work/rendered/bench-ci-check-run.yaml
node "$check/validate.mjs" "$rendered"

echo "-- broken copies must fail"
sed 's/^  parallelism:/  parallelsim:/' "$rendered" > "$work/unknown-field.yaml"
sed 's/backoffLimitPerIndex:/backoffLimitPerIndx:/' "$rendered" > "$work/unknown-new-field.yaml"
sed 's/readOnlyRootFilesystem:/readOnlyRootFileSystem:/' "$rendered" > "$work/unknown-deep-field.yaml"
sed 's/containerPort: 7000/containerPort: "7000x"/' "$rendered" > "$work/wrong-type.yaml"
for bad in unknown-field unknown-new-field unknown-deep-field wrong-type; do
  if cmp -s "$work/$bad.yaml" "$rendered"; then
    echo "the $bad copy is unchanged: the rendered objects no longer have the field this self-test breaks"
    exit 1
  fi
  if node "$check/validate.mjs" "$work/$bad.yaml" >"$work/$bad.out"; then
    echo "the check passed objects with a $bad; it checks nothing"
    cat "$work/$bad.out"
    exit 1
  fi
  echo "rejected ($bad): $(grep FAIL "$work/$bad.out" | head -1)"
done
echo "bench cluster run's objects: valid"
