package service

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/incidents-dev/incidents/collector"
)

// selfSigned writes a certificate for 127.0.0.1 and its key into dir and
// returns their paths and a pool trusting it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "incidents test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "EC PRIVATE KEY", keyDER)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// webConfig writes a web configuration file with user prometheus whose
// password is "s3cret", and TLS when certFile is not empty.
func webConfig(t *testing.T, dir, certFile, keyFile string) string {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("basic_auth_users:\n  prometheus: %s\n", hash)
	if certFile != "" {
		cfg = fmt.Sprintf("tls_server_config:\n  cert_file: %s\n  key_file: %s\n", certFile, keyFile) + cfg
	}
	path := filepath.Join(dir, "web.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestWebConfigFile(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	tlsClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	tests := []struct {
		name       string
		tls        bool
		user, pass string // no Authorization header when user is ""
		want       int
	}{
		{"tls right password", true, "prometheus", "s3cret", http.StatusOK},
		{"tls wrong password", true, "prometheus", "guess", http.StatusUnauthorized},
		{"tls unknown user", true, "root", "s3cret", http.StatusUnauthorized},
		{"tls no credentials", true, "", "", http.StatusUnauthorized},
		{"basic auth only right password", false, "prometheus", "s3cret", http.StatusOK},
		{"basic auth only wrong password", false, "prometheus", "s3cret!", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := webConfig(t, t.TempDir(), "", "")
			scheme, client := "http", http.DefaultClient
			if tt.tls {
				cfg = webConfig(t, t.TempDir(), certFile, keyFile)
				scheme, client = "https", tlsClient
			}
			r := start(t, Options{Runner: &fakeRunner{}, Store: &fakeStore{}, WebConfigFile: cfg})
			base := strings.Replace(r.base, "http", scheme, 1)
			for _, path := range []string{"/healthz", "/readyz"} {
				req, _ := http.NewRequest("GET", base+path, nil)
				if tt.user != "" {
					req.SetBasicAuth(tt.user, tt.pass)
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatalf("GET %s: %v", path, err)
				}
				resp.Body.Close()
				if resp.StatusCode != tt.want {
					t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, tt.want)
				}
			}
			if tt.tls {
				// Plain HTTP to the TLS port gets no page.
				req, _ := http.NewRequest("GET", r.base+"/healthz", nil)
				req.SetBasicAuth(tt.user, tt.pass)
				if resp, err := http.DefaultClient.Do(req); err == nil {
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK {
						t.Error("plain HTTP answered 200 on the TLS port")
					}
				}
				// A client that does not trust the certificate fails.
				if _, err := http.Get(base + "/healthz"); err == nil || !strings.Contains(err.Error(), "certificate") {
					t.Errorf("untrusted certificate accepted: %v", err)
				}
			}
		})
	}
}

func TestOnRunHooks(t *testing.T) {
	calls := make(chan int, 8)
	opts := Options{Runner: &fakeRunner{}, Store: &fakeStore{}, RunOnStart: true,
		Jobs: []Job{{Spec: "@every 1h", Sources: []collector.Source{namedSource("a")}}}}
	svc, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		svc.OnRun(func(ctx context.Context, _ Job, _ collector.Summary) {
			if ctx == nil {
				t.Error("nil context")
			}
			calls <- i
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	for want := range 2 {
		select {
		case got := <-calls:
			if got != want {
				t.Errorf("hook %d called, want %d (in order)", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("hooks not called after the start run")
		}
	}
}
