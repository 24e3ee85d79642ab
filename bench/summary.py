# summary.py: what the side-by-side scripts (bench/stats_onoff.sh, bench/deflate.sh) print
# for a group of bench/run.sh results: each figure's range and median, and what was lost.
import glob
import json
import statistics


def figures(path):
    j = json.load(open(path))
    m = j["messages"]
    f = {"deliveries/s": j["deliveries_per_second"],
         "CPU-s per million": j["server"]["cpu_seconds_per_million_deliveries"],
         "p99 ms": j["latency_ms"]["p99"],
         "lost": m.get("lost", 0) + m.get("gaps", 0) + m.get("duplicate_or_reordered", 0)}
    c = j.get("server_counters")  # bench/run.sh's /metrics deltas (absent in older results)
    if c and m["deliveries"]:
        f["bytes per delivery"] = c["bytes_out_total"] / m["deliveries"]
        f["compressed share"] = c.get("frames_deflated_total", 0) / c["frames_out_total"]
    return f


# Prints one line for the results matching `pattern`, with `keys` of figures(); nothing
# when none match.
def print_line(label, pattern, keys):
    runs = [figures(p) for p in sorted(glob.glob(pattern))]
    if not runs:
        return
    parts = []
    for k in keys:
        xs = [r[k] for r in runs]
        parts.append(f"{k} {min(xs):.4g}-{max(xs):.4g} (median {statistics.median(xs):.4g})")
    print(f"{label} n={len(runs)}: " + "; ".join(parts) + f"; lost/dup/reordered {sum(r['lost'] for r in runs)}")
