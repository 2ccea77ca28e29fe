package influx

import (
	"testing"
	"time"

	"github.com/influxdata/influxdb-client-go/v2/api/write"

	"github.com/incidents-dev/incidents/store"
)

func TestNewPoint(t *testing.T) {
	tests := []struct {
		name    string
		point   store.Point
		line    string
		wantErr string
	}{
		{
			name: "month",
			point: store.Point{Source: "picss", Publisher: "PICSS", Period: "2024-03", Granularity: "month",
				Metric: "deaths", Category: "security_forces", Region: "PK-KP", Value: 57},
			line: "incidents,category=security_forces,granularity=month,publisher=PICSS,region=PK-KP,source=picss deaths=57i 1709251200",
		},
		{
			name: "quarter",
			point: store.Point{Source: "pips", Publisher: "PIPS", Period: "2023-Q4", Granularity: "quarter",
				Metric: "attacks", Category: "all", Region: "PK", Value: 0},
			line: "incidents,category=all,granularity=quarter,publisher=PIPS,region=PK,source=pips attacks=0i 1696118400",
		},
		{
			name: "range carries its period",
			point: store.Point{Source: "crss", Publisher: "CRSS", Period: "2024-01/2024-05", Granularity: "range",
				Metric: "casualties", Category: "all", Region: "PK-BA", Value: 1200},
			line: "incidents,category=all,granularity=range,period=2024-01/2024-05,publisher=CRSS,region=PK-BA,source=crss casualties=1200i 1704067200",
		},
		{
			name: "empty publisher left out and granularity from the period",
			point: store.Point{Source: "my source", Period: "2019", Metric: "arrests", Category: "all",
				Region: "AF", Value: 3},
			line: `incidents,category=all,granularity=year,region=AF,source=my\ source arrests=3i 1546300800`,
		},
		{
			name:    "unknown metric",
			point:   store.Point{Source: "s", Period: "2024-01", Metric: "wounded", Category: "all", Region: "PK"},
			wantErr: `point s 2024-01 PK: unknown metric "wounded"`,
		},
		{
			name:    "bad period",
			point:   store.Point{Source: "s", Period: "2024-13", Metric: "deaths", Category: "all", Region: "PK"},
			wantErr: "point s deaths PK: ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPoint(tt.point)
			if tt.wantErr != "" {
				if err == nil || len(err.Error()) < len(tt.wantErr) || err.Error()[:len(tt.wantErr)] != tt.wantErr {
					t.Fatalf("NewPoint error = %v, want prefix %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := write.PointToLineProtocol(p, time.Second); got != tt.line+"\n" {
				t.Errorf("line protocol:\n got %q\nwant %q", got, tt.line+"\n")
			}
		})
	}
}
