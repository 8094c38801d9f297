#!/usr/bin/env bash
# No line of C# over 140 characters (.editorconfig max_line_length), generated code (obj/, bin/: never tracked) aside.
# Counted in characters, not bytes (× and µ are one each). Fails naming every long line.
set -euo pipefail
cd "$(dirname "$0")/.."
long=$(git ls-files -z '*.cs' | LC_ALL=C.UTF-8 xargs -0 grep -nP '^.{141,}' || true)
if [ -n "$long" ]; then
  echo "check-line-length: lines of C# over 140 characters (wrap them; .editorconfig max_line_length = 140):"
  printf '%s\n' "$long" | cut -d: -f1,2 | sed 's/^/  /'
  exit 1
fi
echo "check-line-length: no line of C# over 140 characters"
