#!/usr/bin/env bash
# Builds Bench in Release and runs `bench run` with the arguments given.
#   ./run-bench.sh                      the quick suite: rtt, push, connections, overhead over all four transports (about 4 minutes)
#   ./run-bench.sh push --rate 200      one scenario with options; see ./run-bench.sh --help
#   ./run-bench.sh micro                the per-message micro-benchmarks (BenchmarkDotNet, under a minute)
# Results land in results/<run-id>/ (results/latest points at the newest); the exit code is bench's.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "run-bench.sh: the .NET 10 SDK is needed (dotnet was not found on PATH)" >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [ "${1:-}" = micro ]; then
  project=scenarios/Bench.Micro/Bench.Micro.csproj out=artifacts/micro
else
  project=scenarios/Bench.Scenarios/Bench.Scenarios.csproj out=artifacts/bench
fi
if ! build_log=$(dotnet build "$project" -c Release -o "$out" -nologo -v quiet 2>&1); then
  echo "$build_log" >&2
  echo "run-bench.sh: the build failed" >&2
  exit 2
fi

if [ -z "${BENCH_COMMIT:-}" ] && command -v git >/dev/null 2>&1; then
  BENCH_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || true)
  if [ -n "$BENCH_COMMIT" ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    BENCH_COMMIT="$BENCH_COMMIT+dirty"
  fi
  export BENCH_COMMIT
fi

case "${1:-}" in
  micro) shift; exec dotnet "$out/bench-micro.dll" "$@" ;;
  serve|agent|merge|report|size|compare|ab|reproduce|calibrate|trend|list|proxy|engine-probe|generator-probe|--help|-h|-\?|--version) exec "$out/bench" "$@" ;;
  *) exec "$out/bench" run "$@" ;;
esac
