#!/usr/bin/env bash
# Lines of C# over 140 characters (.editorconfig max_line_length), generated code (obj/, bin/) aside. The repository
# still has older long lines: their count may only go down. It fails when it grows, naming the new long lines' files,
# and asks to lower the budget when it has gone down. Budget: scripts/line-length-budget.
set -euo pipefail
cd "$(dirname "$0")/.."
budget=$(cat scripts/line-length-budget)
files=$(git ls-files '*.cs')
count=$(awk 'length > 140' $files | wc -l)
if [ "$count" -gt "$budget" ]; then
  echo "check-line-length: $count lines of C# over 140 characters, more than the budget of $budget; files with long lines:"
  awk 'length > 140 { n[FILENAME]++ } END { for (f in n) print "  " n[f] " " f }' $files | sort -rn | head -20
  exit 1
fi
if [ "$count" -lt "$budget" ]; then
  echo "check-line-length: $count lines over 140 characters, below the budget of $budget: lower scripts/line-length-budget to $count"
  exit 1
fi
echo "check-line-length: $count lines over 140 characters (the budget; it may only go down)"
