#!/usr/bin/env bash
# Opens a report.html in headless Chromium and checks what a reader would see:
#   scripts/check-report-html.sh path/to/report.html
# It fails when the page logs anything to the console (an error, an uncaught exception), when the rendered page lacks
# the verdict heading, a table or an inlined chart, or when its screenshot is blank. Needs chromium (Debian: apt-get
# install chromium). The screenshot is left beside the page as report-screenshot.png.
set -euo pipefail
page=$(realpath "$1")
dir=$(dirname "$page")
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "check-report-html: chromium is not installed" >&2; exit 2; }
flags=(--headless=new --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0)

dom=$(timeout 60 "$browser" "${flags[@]}" --dump-dom "file://$page" 2>"$dir/chromium.log")
if grep -q ":CONSOLE" "$dir/chromium.log"; then
  grep ":CONSOLE" "$dir/chromium.log" >&2
  echo "check-report-html: the page wrote to the console" >&2
  exit 1
fi
for want in '<h2 id="verdict">Verdict</h2>' '<table class="sortable">' 'src="data:image/png;base64,'; do
  grep -qF "$want" <<<"$dom" || { echo "check-report-html: the rendered page lacks $want" >&2; exit 1; }
done

shot="$dir/report-screenshot.png"
timeout 60 "$browser" "${flags[@]}" --window-size=1280,2400 --screenshot="$shot" "file://$page" 2>/dev/null >/dev/null
# A blank 1280x2400 page compresses to a few KiB; a page of text, tables and charts to hundreds.
size=$(stat -c %s "$shot")
[ "$size" -gt 100000 ] || { echo "check-report-html: the screenshot is blank or nearly ($size bytes)" >&2; exit 1; }
echo "check-report-html: $page renders (no console output, verdict, tables and charts present; screenshot $size bytes: $shot)"
