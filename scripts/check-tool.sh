#!/usr/bin/env bash
# Packs Bench as a .NET tool, installs it into a temporary folder, and runs it from an empty folder:
#   scripts/check-tool.sh            -> prints the run folder it made (results/…), exits non-zero on any failure
# The run is rtt over websocket for 3 s (loopback only). Used by .ci/run; runnable by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet pack scenarios/Bench.Scenarios/Bench.Scenarios.csproj -c Release -o "$work/nupkg" -nologo -v quiet >/dev/null
dotnet tool install --tool-path "$work/tool" --add-source "$work/nupkg" Bench.Cli >/dev/null
mkdir "$work/empty"
(cd "$work/empty" && "$work/tool/bench" run rtt --transport websocket --duration 3s --warmup 1s >"$work/run.log" 2>&1) || {
  cat "$work/run.log" >&2
  echo "check-tool: the installed bench failed" >&2
  exit 1
}
run=$(find "$work/empty/results" -mindepth 1 -maxdepth 1 -type d | head -1)
for f in results.json report.md report.html; do
  [ -s "$run/$f" ] || { echo "check-tool: $f missing from $run" >&2; exit 1; }
done
mkdir -p "${1:-artifacts/tool-check}"
cp -r "$run"/. "${1:-artifacts/tool-check}/"
echo "check-tool: the installed tool ran from an empty folder and wrote $(basename "$run") (copied to ${1:-artifacts/tool-check})"
