package pgtest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

func TestDatabaseLifecycle(t *testing.T) {
	var name string
	t.Run("inner", func(t *testing.T) {
		db, dsn := DB(t)
		if err := db.Raw("SELECT current_database()").Scan(&name).Error; err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "ginjwt_test_") || !strings.Contains(dsn, name) {
			t.Fatalf("database %q, DSN %q", name, dsn)
		}
		if err := db.Exec("CREATE TABLE t (x int)").Error; err != nil {
			t.Fatal(err)
		}
		// A second pool on the same database, as a second instance.
		second := Open(t, dsn)
		if !second.Migrator().HasTable("t") {
			t.Error("the second handle does not see the first one's table")
		}
		// A transaction left open does not keep the database from being
		// dropped.
		if err := second.Begin().Exec("SELECT 1").Error; err != nil {
			t.Fatal(err)
		}
	})
	admin := connectAdmin(t, serverDSN())
	defer closeDB(admin)
	var n int64
	if err := admin.Raw("SELECT count(*) FROM pg_database WHERE datname = ?", name).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %s still exists after its test", name)
	}
}

// fakeTB records Skip and Fatal and ends the goroutine, as testing does.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Skip(args ...any)      { f.skipped = fmt.Sprint(args...); runtime.Goexit() }
func (f *fakeTB) Fatal(args ...any)     { f.failed = fmt.Sprint(args...); runtime.Goexit() }
func (f *fakeTB) Errorf(string, ...any) {}

func TestUnreachable(t *testing.T) {
	const down = "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=1"
	for _, ci := range []string{"", "true"} {
		t.Run("CI="+ci, func(t *testing.T) {
			t.Setenv("CI", ci)
			f := &fakeTB{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				connectAdmin(f, down)
			}()
			<-done
			msg := f.skipped
			if ci == "true" {
				msg = f.failed
				if f.skipped != "" {
					t.Errorf("skipped under CI=true: %s", f.skipped)
				}
			} else if f.failed != "" {
				t.Errorf("failed outside CI: %s", f.failed)
			}
			for _, want := range []string{"127.0.0.1:1", "pg_ctlcluster", EnvDSN} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not mention %q", msg, want)
				}
			}
		})
	}
}

func TestDSNs(t *testing.T) {
	tests := []struct{ server, db, want string }{
		{"postgres://u:secret@h:5432/test?sslmode=disable", "x",
			"postgres://u:secret@h:5432/x?sslmode=disable"},
		{"host=h user=u dbname=test", "x", "host=h user=u dbname=test dbname=x"},
	}
	for _, tt := range tests {
		if got := withDatabase(tt.server, tt.db); got != tt.want {
			t.Errorf("withDatabase(%q) = %q, want %q", tt.server, got, tt.want)
		}
	}
	t.Setenv(EnvDSN, "postgres://u:secret@h/test?sslmode=disable")
	if got := serverDSN(); !strings.Contains(got, "connect_timeout=3") {
		t.Errorf("serverDSN() = %q, no connect_timeout", got)
	}
	if got := redact(serverDSN()); strings.Contains(got, "secret") {
		t.Errorf("redact leaves the password: %q", got)
	}
	t.Setenv(EnvDSN, "host=h connect_timeout=10")
	if got := serverDSN(); got != "host=h connect_timeout=10" {
		t.Errorf("serverDSN() = %q, overrides the given connect_timeout", got)
	}
}

func TestCreateSchema(t *testing.T) {
	_, dsn := DB(t)
	a, b := Open(t, CreateSchema(t, dsn)), Open(t, CreateSchema(t, dsn))
	if err := a.Exec("CREATE TABLE t (x int)").Error; err != nil {
		t.Fatal(err)
	}
	if !a.Migrator().HasTable("t") || b.Migrator().HasTable("t") {
		t.Error("schemas are not separate")
	}
}
