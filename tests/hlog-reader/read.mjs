// Reads every .hlog file in a folder with hdr-histogram-js (an HdrHistogram port independent of Bench's .NET one)
// and prints, per file, the sum of its intervals: one JSON line {file, tag, intervals, count, p50, p90, p99, p999, max,
// firstStartMs, lastEndMs}. Exits non-zero if a file has no interval the reader can decode.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import hdr from "hdr-histogram-js";

const folder = process.argv[2];
let failed = false;
for (const file of readdirSync(folder).filter((f) => f.endsWith(".hlog")).sort()) {
  const reader = new hdr.HistogramLogReader(readFileSync(join(folder, file), "ascii"));
  const total = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  let intervals = 0, tag = null, first = null, last = null;
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
    total.add(h);
    intervals++;
    tag = h.tag;
    first ??= h.startTimeStampMsec;
    last = h.endTimeStampMsec;
  }
  if (intervals === 0) {
    console.error(`${file}: no interval could be read`);
    failed = true;
    continue;
  }
  console.log(JSON.stringify({
    file, tag, intervals, count: total.totalCount,
    p50: total.getValueAtPercentile(50), p90: total.getValueAtPercentile(90), p99: total.getValueAtPercentile(99),
    p999: total.getValueAtPercentile(99.9), max: total.maxValue, firstStartMs: first, lastEndMs: last,
  }));
}
process.exit(failed ? 1 : 0);
