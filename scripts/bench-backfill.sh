#!/bin/sh
# bench-backfill.sh generates BENCH_DOCS (default 20000) report files of
# about 5 KB into a temp dir, then measures with the same binary:
#   1. parse-only throughput: incidents backfill --dry-run (read + parse);
#   2. full backfill throughput into a fresh store;
#   3. the peak RSS of each (GNU time, "Maximum resident set size").
# It prints the ratio backfill / parse-only (target >= 0.70) and the peak
# RSS of the backfill (target < 300 MB). The temp dir is removed at exit
# unless BENCH_KEEP=1. BENCH_RUNS=N keeps the fastest of N runs of each.
set -eu

BIN=${BIN:-bin/incidents}
DOCS=${BENCH_DOCS:-20000}
JOBS=${BENCH_JOBS:-$(nproc)}
GO=${GO:-go}

if [ ! -x /usr/bin/time ]; then
	echo "bench-backfill: /usr/bin/time is missing; install it with: apt-get install -y time" >&2
	exit 1
fi
[ -x "$BIN" ] || { echo "bench-backfill: $BIN not built; run make build" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-backfill.XXXXXX")
[ "${BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT

echo "generating $DOCS reports into $tmp/reports ..."
$GO run ./scripts/gen-reports -n "$DOCS" -out "$tmp/reports"
bytes=$(du -sb "$tmp/reports" | cut -f1)
echo "corpus: $DOCS files, $((bytes / 1048576)) MiB on disk"

# A config with no sources: the store lives in the temp dir.
printf 'store:\n  path: %s/store/incidents.db\n' "$tmp" > "$tmp/config.yaml"

run() { # name, then the backfill arguments
	name=$1; shift
	/usr/bin/time -v -o "$tmp/$name.time" "$BIN" backfill --config "$tmp/config.yaml" --log-level warn \
		--jobs "$JOBS" --source bench --publisher CCM --country PK "$@" "$tmp/reports" > "$tmp/$name.out" 2> "$tmp/$name.err" || {
		echo "bench-backfill: $name failed:" >&2; cat "$tmp/$name.out" "$tmp/$name.err" >&2; exit 1; }
	cat "$tmp/$name.out"
}
rate() { sed -n 's/.*(\([0-9.]*\) docs\/s).*/\1/p' "$tmp/$1.out"; }
rss() { awk -F': ' '/Maximum resident set size/ {print int($2 / 1024)}' "$tmp/$1.time"; }
# cpu: user + system CPU milliseconds per document of a run. On a machine
# shared with other work the docs/s vary with its load; the CPU cost per
# document does much less, and parse-only / backfill CPU per document is
# the ratio an otherwise idle machine would show when every core is busy.
cpu() { awk -F': ' -v n="$DOCS" '/User time|System time/ {s += $2} END {printf "%.3f", s * 1000 / n}' "$tmp/$1.time"; }

# BENCH_RUNS=N alternates N parse-only runs with N full backfills and
# keeps the fastest of each kind (the least disturbed by other work on a
# shared machine); its CPU and RSS figures are those of the same run.
RUNS=${BENCH_RUNS:-1}
i=1
while [ "$i" -le "$RUNS" ]; do
	echo "parse only (--dry-run, $JOBS jobs), run $i of $RUNS:"
	run "parse$i" --dry-run
	echo "full backfill into a fresh store ($JOBS jobs), run $i of $RUNS:"
	rm -rf "$tmp/store"
	run "backfill$i"
	i=$((i + 1))
done
echo "second backfill (everything already stored):"
run again
best() { # kind: link the fastest run of that kind to $tmp/kind.*
	n=$(for j in $(seq "$RUNS"); do echo "$(rate "$1$j") $j"; done | sort -gr | head -1 | cut -d' ' -f2)
	cp "$tmp/$1$n.out" "$tmp/$1.out"; cp "$tmp/$1$n.time" "$tmp/$1.time"
}
best parse; best backfill

p=$(rate parse); b=$(rate backfill); a=$(rate again)
store=$(du -sb "$tmp/store" | cut -f1)
echo
echo "== bench-backfill: $DOCS documents, $((bytes / 1048576)) MiB, $JOBS jobs, $(nproc) CPUs, best of $RUNS run(s)"
mb() { awk -v r="$1" -v b="$bytes" -v n="$DOCS" 'BEGIN {printf "%.1f", r * b / n / 1048576}'; }
printf 'parse-only:   %8.1f docs/s %6s MiB/s   CPU %s ms/doc   peak RSS %4d MiB\n' "$p" "$(mb "$p")" "$(cpu parse)" "$(rss parse)"
printf 'backfill:     %8.1f docs/s %6s MiB/s   CPU %s ms/doc   peak RSS %4d MiB   store %d MiB\n' "$b" "$(mb "$b")" "$(cpu backfill)" "$(rss backfill)" "$((store / 1048576))"
printf 'resume (all skipped): %8.1f docs/s   peak RSS %4d MiB\n' "$a" "$(rss again)"
awk -v b="$b" -v p="$p" -v r="$(rss backfill)" -v cp="$(cpu parse)" -v cb="$(cpu backfill)" 'BEGIN {
	ratio = b / p
	printf "ratio backfill/parse-only: %.2f (target >= 0.70) %s\n", ratio, (ratio >= 0.70 ? "OK" : "BELOW TARGET")
	printf "CPU per document parse-only/backfill: %.2f (the ratio with every core busy)\n", cp / cb
	printf "peak RSS of backfill: %d MiB (target < 300 MiB) %s\n", r, (r < 300 ? "OK" : "ABOVE TARGET")
}'
