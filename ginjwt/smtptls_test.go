package ginjwt_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/internal/mailpittest"
)

// selfSigned writes a certificate for 127.0.0.1 and its key into dir and
// returns their paths and a pool that trusts it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mailpit test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// The SMTP mailer over TLS, both ways, with authentication, against a
// Mailpit that requires it.
func TestSMTPMailerTLS(t *testing.T) {
	for _, tc := range []struct {
		name     string
		security ginjwt.SMTPSecurity
		require  string
	}{
		{"STARTTLS", ginjwt.SMTPStartTLS, "--smtp-require-starttls"},
		{"implicit TLS", ginjwt.SMTPImplicitTLS, "--smtp-require-tls"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			certFile, keyFile, pool := selfSigned(t, t.TempDir())
			mp := mailpittest.StartWith(t, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, tc.require)
			m := &ginjwt.SMTPMailer{
				Addr: mp.SMTPAddr, From: "no-reply@example.com",
				Username: "app", Password: "secret",
				Security:  tc.security,
				TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"},
				Timeout:   10 * time.Second,
			}
			to := "tls-" + map[ginjwt.SMTPSecurity]string{ginjwt.SMTPStartTLS: "starttls", ginjwt.SMTPImplicitTLS: "implicit"}[tc.security] + "@example.com"
			require.NoError(t, m.Send(context.Background(), ginjwt.Message{To: to, Subject: "Over TLS", Text: "hello"}))
			got := mp.WaitFor(t, to, 1)
			assert.Equal(t, "Over TLS", got.Subject)

			// A certificate the client does not trust is refused, not
			// sent in clear.
			m.TLSConfig = &tls.Config{ServerName: "127.0.0.1"}
			assert.Error(t, m.Send(context.Background(), ginjwt.Message{To: to, Subject: "untrusted", Text: "x"}))
		})
	}
}
