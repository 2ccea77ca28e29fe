#!/bin/sh
# Writes 1,000,000 points (BENCH_POINTS overrides) to a local influxd 1.8
# started by the test harness, once through the store/influx writer
# (write.Point + WriteAPIBlocking) and once as raw line protocol posted with
# net/http, in batches of 500, and prints points/s for both and their ratio.
set -eu
points=${BENCH_POINTS:-1000000}
batches=$(( (points + 499) / 500 ))
out=$(go test -run '^$' -bench '^BenchmarkThroughput$' -benchtime="${batches}x" -count=1 ./store/influx/)
echo "$out"
echo "$out" | awk '
	/Throughput\/writer/ { for (i = 1; i < NF; i++) if ($(i+1) == "points/s") w = $i }
	/Throughput\/raw/    { for (i = 1; i < NF; i++) if ($(i+1) == "points/s") r = $i }
	END { if (w && r) printf "writer %d points/s, raw HTTP %d points/s: writer at %.0f%% of raw\n", w, r, 100 * w / r }'
