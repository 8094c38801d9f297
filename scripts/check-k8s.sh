#!/usr/bin/env bash
# Offline schema check of deploy/k8s (no cluster): the manifests as stored and as run.sh renders them for 5 agents,
# then two broken copies that the check must reject (a misspelt field, a wrong type), so a check that passes
# everything cannot pass here. Needs node and npm; installs tests/k8s-validate's pinned packages itself.
set -euo pipefail
cd "$(dirname "$0")/.."
check=tests/k8s-validate
(cd "$check" && npm ci --no-audit --no-fund >/dev/null)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "-- manifests as stored"
node "$check/validate.mjs" deploy/k8s/*.yaml

echo "-- manifests as rendered by run.sh --render for 5 agents"
deploy/k8s/run.sh --render "$work/rendered" 5 >/dev/null
if grep -n '__[A-Z_]*__' "$work"/rendered/*.yaml; then
  echo "a placeholder was left unrendered (above)"
  exit 1
fi
node "$check/validate.mjs" "$work"/rendered/*.yaml

echo "-- broken copies must fail"
sed 's/parallelism:/parallelsim:/' deploy/k8s/agents-job.yaml > "$work/unknown-field.yaml"
sed 's/containerPort: 8080/containerPort: "8080x"/' deploy/k8s/target.yaml > "$work/wrong-type.yaml"
for bad in unknown-field wrong-type; do
  if cmp -s "$work/$bad.yaml" deploy/k8s/agents-job.yaml || cmp -s "$work/$bad.yaml" deploy/k8s/target.yaml; then
    echo "the $bad copy is unchanged: the manifest no longer has the field this self-test breaks"
    exit 1
  fi
  if node "$check/validate.mjs" "$work/$bad.yaml" >"$work/$bad.out"; then
    echo "the check passed a manifest with a $bad; it checks nothing"
    cat "$work/$bad.out"
    exit 1
  fi
  echo "rejected ($bad): $(grep FAIL "$work/$bad.out" | head -1)"
done
echo "deploy/k8s: valid"
