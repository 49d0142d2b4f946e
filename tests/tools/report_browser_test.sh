#!/usr/bin/env bash
# Opens a `neardup report` page in headless Chromium, as a person would:
# the page loads with no console message, its charts are drawn, and texts
# holding markup show as text. Saves a screenshot beside the build.
# Usage: report_browser_test.sh NEARDUP_BINARY SCREENSHOT_PATH
# Exit 77 (skipped) when Chromium is not installed; nothing is installed.
set -euo pipefail
neardup=$(realpath "$1")
screenshot=$(realpath -m "$2")
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "chromium is not installed: skipped (apt-get install chromium)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

"$neardup" gen --docs 3000 --min-article-bytes 300 --max-article-bytes 1500 \
  --output dump.jsonl --truth truth.tsv 2>/dev/null
# Twelve copies of a text full of markup: the largest cluster, so it is shown.
body='Breaking <script>alert(1)</script> a closing </textarea> tag, an'
body+=' <img src=x onerror=alert(2)> image and &amp; entities stay text.'
for i in $(seq 1 8); do body+=" Sentence $i of the hostile article repeats words to pass the filter."; done
for i in $(seq 1 12); do
  printf '{"id": "<b>hostile</b>-%d", "text": "%s"}\n' "$i" "$body" >>dump.jsonl
done
"$neardup" dedup dump.jsonl --clusters clusters.jsonl --stats stats.json -q
"$neardup" report --clusters clusters.jsonl --input dump.jsonl \
  --stats stats.json --truth truth.tsv -o report.html

chrome() {
  timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu \
    --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" \
    --enable-logging=stderr --v=0 "$@" "file://$work/report.html"
}
chrome --dump-dom >dom.html 2>console.log
fail() {
  echo "FAIL: $*"
  exit 1
}
if grep -q ":CONSOLE" console.log; then
  grep ":CONSOLE" console.log
  fail "the page logged to the console"
fi
[[ $(grep -o '<svg' dom.html | wc -l) -ge 4 ]] || fail "fewer than 4 charts"
grep -q '<rect class="bar' dom.html || fail "no bars drawn"
grep -q '<path class="curve"' dom.html || fail "no S-curve drawn"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' dom.html ||
  fail "the <script> text is not shown as text"
grep -q '&lt;/textarea&gt;' dom.html || fail "the </textarea> text is not shown"
grep -q '&lt;b&gt;hostile&lt;/b&gt;-1' dom.html || fail "an id is not escaped"
grep -q '<script' dom.html && fail "a script element is in the page"
grep -q '<img' dom.html && fail "an img element is in the page"
grep -q '<del' dom.html || fail "no word differences marked"

chrome --window-size=1280,1600 --screenshot="$screenshot" 2>/dev/null
[[ $(stat -c %s "$screenshot") -gt 10000 ]] || fail "no screenshot"
echo "report_browser_test: passed; screenshot $screenshot"
