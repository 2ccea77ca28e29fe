// Package deploy holds the Prometheus and Alertmanager configuration
// shipped with incidents; its tests check them with promtool and amtool.
package deploy

import (
	"os/exec"
	"testing"

	"github.com/incidents-dev/incidents/internal/testserver"
)

func TestShippedConfigs(t *testing.T) {
	tests := []struct {
		name string
		bin  string
		args []string
	}{
		{"prometheus config", "promtool", []string{"check", "config", "prometheus/prometheus.yml"}},
		{"rules", "promtool", []string{"check", "rules", "prometheus/rules/incidents.yml"}},
		{"rule unit tests", "promtool", []string{"test", "rules", "prometheus/rules/incidents_test.yml"}},
		{"alertmanager config", "amtool", []string{"check-config", "alertmanager/alertmanager.yml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin := testserver.LookBin(t, tt.bin)
			out, err := exec.Command(bin, tt.args...).CombinedOutput()
			if err != nil {
				t.Fatalf("%s %v: %v\n%s", tt.bin, tt.args, err, out)
			}
		})
	}
}
