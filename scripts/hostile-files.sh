#!/usr/bin/env bash
# Feeds bench the hostile files of issue 23 (findings 3, 5, 6, 7, 13) and prints, for each, the exit code, the peak
# RSS of the bench process (GNU time's %M) and the first line it wrote to stderr. A one-off measurement, not a test:
# the numbers are in docs/security.md ("Files from elsewhere"). Loopback only; needs python3 and /usr/bin/time.
#   scripts/hostile-files.sh BENCH RESULTS.json     (a results.json of any push run, e.g. a 2 s websocket run)
set -euo pipefail
bench=$1
base=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'TOP-SECRET-4242' > "$work/secret.txt"

python3 - "$base" "$work" <<'PY'
import copy, json, os, sys, zlib, struct, base64
base, work = sys.argv[1], sys.argv[2]
run = json.load(open(base))
secret = os.path.join(work, "secret.txt")
def results(name, change):
    d = copy.deepcopy(run); change(d)
    os.makedirs(os.path.join(work, name), exist_ok=True)
    json.dump(d, open(os.path.join(work, name, "results.json"), "w"))
results("runid-image", lambda d: d.update(runId="r\n![x](" + secret + ")"))
results("cell-cr", lambda d: d["environment"].update(os="Linux\r![x](" + secret + ")"))
results("scenario-path", lambda d: d["results"][0].update(scenario="../../x/pwned"))
results("null-result", lambda d: d.update(results=[None]))
results("huge-text", lambda d: d.update(runId="r" * 60_000_000))
# A 1 MB zlib stream of zeros (it inflates to about 1 GiB), framed as a compressed V2 histogram.
z = zlib.compressobj(9); parts = []; zeros = bytes(1 << 20)
for _ in range(1024): parts.append(z.compress(zeros))
parts.append(z.flush()); stream = b"".join(parts)
bomb = base64.b64encode(struct.pack(">ii", 0x1c849314, len(stream)) + stream).decode()
results("zip-bomb", lambda d: d["results"][0]["latencyUs"].update(histogram=bomb))
os.makedirs(os.path.join(work, "too-big"))
with open(os.path.join(work, "too-big", "results.json"), "w") as f:
    f.write(json.dumps(run)[:-1] + ', "pad": "' + "x" * (65 << 20) + '"}')
r0 = run["results"][0]
def shard(name, **change):
    s = {"schema": "bench-shard/1", "runId": run["runId"], "index": 0, "count": 1, "host": "h", "clock": "shared",
         "result": copy.deepcopy(r0), "accepted": "1-10", "measured": "", "firstMeasured": 1, "streams": []}
    for k, v in change.items():
        if k == "scenario": s["result"]["scenario"] = v
        else: s[k] = v
    os.makedirs(os.path.join(work, name), exist_ok=True)
    json.dump(s, open(os.path.join(work, name, "shard-0.json"), "w"))
shard("shard-billion", accepted="1-1000000000")
shard("shard-count-20m", count=20_000_000)
shard("shard-count-2g", count=2_000_000_000)
shard("shard-path", scenario="../../x/pwned")
json.dump({"metrics": [None]}, open(os.path.join(work, "gate-null.json"), "w"))
os.makedirs(os.path.join(work, "junit"))
json.dump(run, open(os.path.join(work, "junit", "results.json"), "w"))
with open(os.path.join(work, "junit", "compare.junit.xml"), "w") as f:
    f.write("<testsuites>" + "<testcase classname='bench.a' name='b'><failure/></testcase>" * 1_400_000 + "</testsuites>")
with open(os.path.join(work, "big-target.yaml"), "w") as f:
    f.write("transport: websocket\n#" + "x" * (300 << 20) + "\n")
PY

measure() {
  local name=$1; shift
  local code=0
  /usr/bin/time -f '%M' -o "$work/rss" "$bench" "$@" >"$work/out" 2>"$work/err" || code=$?
  local line
  line=$( (grep -v "^See 'bench --help'" "$work/err" || true) | head -1 | cut -c1-110)
  printf '| %s | %s | %s | %s |\n' "$name" "$code" "$(( $(tail -1 "$work/rss") / 1024 ))" "${line//|/\\|}"
}

echo "| input | exit | peak RSS (MiB) | first line on stderr |"
echo "|---|---:|---:|---|"
measure "runid-image (report)" report "$work/runid-image" --out "$work/runid-image/out"
measure "cell-cr (report)" report "$work/cell-cr" --out "$work/cell-cr/out"
for name in scenario-path null-result huge-text zip-bomb too-big; do
  measure "$name (report)" report "$work/$name" --out "$work/$name/out"
done
for name in shard-billion shard-count-20m shard-count-2g shard-path; do
  measure "$name (merge)" merge "$work/$name" --out "$work/$name/out"
done
measure "gate-null (compare)" compare "$work/junit" "$work/junit" --gate "$work/gate-null.json" --out "$work/gate-out"
measure "gate-null (trend)" trend "$work/junit" --gate "$work/gate-null.json" --out "$work/trend-out"
measure "junit, $(( $(stat -c %s "$work/junit/compare.junit.xml") >> 20 )) MB (trend)" trend "$work/junit" --out "$work/trend-out2"
measure "target file, 300 MB (run)" run push --target "$work/big-target.yaml" --out "$work/target-out"
secret=$(base64 -w0 < "$work/secret.txt")
if grep -rq "$secret" "$work"/runid-image/out "$work"/cell-cr/out; then echo "FAIL: the secret was inlined"; exit 1; fi
if find "$work/.." -maxdepth 3 -name '*pwned*' 2>/dev/null | grep -q .; then echo "FAIL: a file was written outside"; exit 1; fi
echo "no report inlined the secret; no file was written outside the given folders"
