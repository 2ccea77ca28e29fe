// Command gen-reports writes synthetic monthly security reports for the
// backfill benchmark: varied publishers, months, provinces, numbers and
// wording, padded with filler paragraphs to about -size bytes each. The
// output is deterministic for a given -seed.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 20000, "number of reports")
	out := flag.String("out", "", "output directory (created)")
	size := flag.Int("size", 5000, "approximate size of a report in bytes")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen-reports: -out is required")
		os.Exit(2)
	}
	if err := generate(*out, *n, *size, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gen-reports:", err)
		os.Exit(1)
	}
}

var (
	publishers = []string{"Centre for Conflict Monitoring", "Institute for Peace Research", "Security Studies Forum", "Frontier Policy Institute", "South Asia Violence Observatory"}
	provinces  = []string{"Khyber Pakhtunkhwa", "Balochistan", "Sindh", "Punjab"}
	headlines  = []string{
		"In %[1]s, militants carried out %[2]d attacks across the country, in which %[3]d people were killed and %[4]d injured.",
		"The %[5]s recorded %[2]d militant attacks in %[1]s, which killed %[3]d people and wounded %[4]d others.",
		"Militant violence left %[3]d people dead and %[4]d injured in %[1]s, according to the %[5]s, which counted %[2]d attacks during the month.",
		"At least %[3]d people lost their lives and %[4]d were injured in %[2]d militant attacks in %[1]s, the %[5]s said.",
	}
	provinceLines = []string{
		"In %[1]s, %[2]d attacks killed %[3]d people.",
		"%[1]s recorded %[2]d attacks in which %[3]d people lost their lives.",
		"Militants carried out %[2]d attacks in %[1]s, killing %[3]d people.",
	}
	categoryLines = []string{
		"Security forces personnel accounted for %[1]d of the dead, civilians %[2]d and militants %[3]d.",
		"The dead included %[1]d security forces personnel, %[2]d civilians and %[3]d militants.",
		"Among those killed were %[2]d civilians, %[1]d soldiers and policemen, and %[3]d militants.",
	}
	comparisons = []string{
		"In %[1]s, %[2]d attacks had been recorded.",
		"The number of attacks compares with %[2]d in %[1]s.",
	}
	filler = []string{
		"The report said that the security situation in the northwest remained fragile, with repeated attacks on police stations, checkposts and convoys in the southern districts.",
		"Analysts at the institute noted that the use of improvised explosive devices had become more frequent on the roads linking the provincial capital with the border districts.",
		"The think tank urged the federal and provincial governments to improve coordination between intelligence agencies and the police, and to invest in the counter-terrorism departments of the provinces.",
		"Residents of several districts staged sit-ins demanding better protection, and traders in the main bazaars closed their shops for a day in protest against extortion by armed groups.",
		"The report also discussed the economic cost of the violence, including the suspension of work on development projects and the flight of investment from the affected areas.",
		"Officials said that operations against militant hideouts would continue, while community elders called for dialogue and for the return of displaced families to their villages.",
		"According to the report, attacks on polio vaccination teams and on schools had declined, although threats against teachers and health workers continued in remote areas.",
		"The institute said its figures were compiled from official statements, local media and its own network of field researchers, and could be revised as more information became available.",
	}
)

func generate(dir string, n, size int, seed uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	for i := range n {
		pub := publishers[i%len(publishers)]
		month := time.Date(2000+(i/len(publishers))%300/12, time.Month((i/len(publishers))%12+1), 1, 0, 0, 0, 0, time.UTC)
		sub := filepath.Join(dir, fmt.Sprintf("%02d", i%100))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return err
		}
		name := filepath.Join(sub, fmt.Sprintf("report-%05d.txt", i))
		if err := os.WriteFile(name, []byte(report(rng, i, pub, month, size)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func report(rng *rand.Rand, i int, pub string, month time.Time, size int) string {
	var b strings.Builder
	published := month.AddDate(0, 1, rng.IntN(5))
	mname := month.Format("January")
	fmt.Fprintf(&b, "Published: %s\n\n%s monthly security report: %s (no. %d)\n\n", published.Format(time.DateOnly), pub, month.Format("January 2006"), i)
	var attacks, deaths [4]int
	sumA, sumD := 0, 0
	for p := range provinces {
		attacks[p] = rng.IntN(40) + 1
		deaths[p] = attacks[p] + rng.IntN(30)
		sumA += attacks[p]
		sumD += deaths[p]
	}
	injured := sumD + rng.IntN(80)
	fmt.Fprintf(&b, headlines[rng.IntN(len(headlines))]+"\n\n", mname, sumA, sumD, injured, pub)
	prev := month.AddDate(0, -1, 0).Format("January")
	fmt.Fprintf(&b, comparisons[rng.IntN(len(comparisons))]+" ", prev, sumA+rng.IntN(21)-10)
	for p, name := range provinces {
		fmt.Fprintf(&b, provinceLines[rng.IntN(len(provinceLines))]+" ", name, attacks[p], deaths[p])
	}
	sf := sumD * (30 + rng.IntN(20)) / 100
	civ := sumD * (25 + rng.IntN(20)) / 100
	fmt.Fprintf(&b, "\n\n"+categoryLines[rng.IntN(len(categoryLines))]+"\n", sf, civ, sumD-sf-civ)
	for b.Len() < size {
		b.WriteString("\n")
		for range 3 {
			b.WriteString(filler[rng.IntN(len(filler))])
			b.WriteString(" ")
		}
		b.WriteString("\n")
	}
	return b.String()
}
