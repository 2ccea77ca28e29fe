package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/incidents-dev/incidents/collector"
	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/store"
)

// chromiumPath finds Debian's chromium (or $INCIDENTS_CHROMIUM). Without it
// the test is skipped, or fails when INCIDENTS_REQUIRE_INTEGRATION=1.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("INCIDENTS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "chromium not found (apt-get install chromium, or make tools)"
	if os.Getenv("INCIDENTS_REQUIRE_INTEGRATION") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// collectExamples stores examples/reports through the real collector and
// parser, as `make run` does.
func collectExamples(t *testing.T, runs *Runs) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "incidents.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfgs := []config.Source{{Name: "examples", Kind: config.KindFile, Path: filepath.Join("..", "examples", "reports"), Publisher: "CCM", Country: "PK"}}
	sources, err := collector.NewSources(cfgs, collector.Deps{State: st, MaxBytes: 10 << 20, Defaults: config.Defaults{Country: "PK"}})
	if err != nil {
		t.Fatal(err)
	}
	sum := (&collector.Collector{Store: st}).Run(ctx, sources)
	if !sum.OK() || sum.Sources[0].New == 0 {
		t.Fatalf("collecting the examples: %+v", sum)
	}
	runs.Observe(sum, time.Now())
	return st
}

// serve starts h on a free port of 127.0.0.1 and returns its base URL.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// TestBrowser opens the overview of the collected examples in headless
// Chromium, checks the deaths chart has a mark per month, clicks the spike
// month and checks its point page shows the sentence with the number.
func TestBrowser(t *testing.T) {
	exe := chromiumPath(t)
	runs := NewRuns()
	st := collectExamples(t, runs)
	months, err := st.Series(context.Background(), store.Filter{Source: "examples", Metric: "deaths", Category: "all", Region: "PK"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{Store: st, Spike: SpikeRule{MinRatio: 0.5, MinValue: 20}, Runs: runs})
	if err != nil {
		t.Fatal(err)
	}
	base := serve(t, h)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 1400),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	deaths := `svg.chart-svg[data-source="examples"][data-metric="deaths"][data-region="PK"]`
	if err := chromedp.Do(bctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(deaths))); err != nil {
		t.Fatalf("open the overview: %v", err)
	}
	periods, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('`+deaths+` circle.mark')).map(c => c.dataset.period)`))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range months {
		if p.Granularity == "month" {
			want = append(want, p.Period)
		}
	}
	if len(periods) != 12 || strings.Join(periods, ",") != strings.Join(want, ",") {
		t.Fatalf("deaths chart marks = %v, want one per month of the examples %v", periods, want)
	}
	spikes, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('`+deaths+` circle.mark.spike')).map(c => c.dataset.period)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(spikes) != 1 || spikes[0] != "2024-08" {
		t.Fatalf("spike marks = %v, want the August 2024 spike", spikes)
	}

	spikeMark := deaths + ` circle.mark.spike[data-period="2024-08"]`
	evidence := `article.observation.accepted blockquote.evidence mark`
	if err := chromedp.Do(bctx, chromedp.Click(chromedp.CSS(spikeMark)), chromedp.WaitVisible(chromedp.CSS(evidence))); err != nil {
		t.Fatalf("click the spike month: %v", err)
	}
	loc, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(loc, base+"/point?") || !strings.Contains(loc, "period=2024-08") || !strings.Contains(loc, "metric=deaths") {
		t.Errorf("landed on %s, want the point page of deaths in 2024-08", loc)
	}
	number, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(evidence)))
	if err != nil {
		t.Fatal(err)
	}
	sentence, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`article.observation.accepted blockquote.evidence`)))
	if err != nil {
		t.Fatal(err)
	}
	if number != "129" || !strings.Contains(sentence, "129 people were killed") {
		t.Errorf("evidence %q with %q highlighted, want the sentence of the 129 deaths", sentence, number)
	}
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.ArtifactDir(), "point-2024-08.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the spike's point page: %s (%d bytes; keep it with go test -artifacts -outputdir DIR)", path, len(shot))
	if err := ctx.Err(); errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(fmt.Errorf("browser test: %w", err))
	}
}
