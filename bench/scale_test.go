package bench

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/gormstore"
	"github.com/ginjwt/ginjwt/internal/pgtest"
)

// scaleDB is one PostgreSQL database filled in bulk: rows sessions (and
// as many refresh tokens) of rows/10 users, and probe ids to look up.
type scaleDB struct {
	store    *gormstore.Store[gormstore.User]
	db       *gorm.DB
	sessions []string
	users    []string
}

// fillScaleDB creates a database on the test server with the store's
// schema and fills it with generate_series, inside PostgreSQL: no row
// crosses the wire.
func fillScaleDB(b *testing.B, rows int) *scaleDB {
	b.Helper()
	ctx := context.Background()
	db, _ := pgtest.DB(b) // skips, saying why, when the server is unreachable
	s := &scaleDB{store: gormstore.MustNew[gormstore.User](db), db: db}
	if err := s.store.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	users := max(1, rows/10)
	fill := []string{
		fmt.Sprintf(`INSERT INTO users (id, email, email_normalized, username, first_name, last_name, password_hash,
			credentials_version, is_active, is_staff, is_superuser, created_at, updated_at)
			SELECT 'u' || i, 'u' || i || '@example.com', 'u' || i || '@example.com', '', '', '', '', 0, true, false, false, now(), now()
			FROM generate_series(1, %d) AS i`, users),
		fmt.Sprintf(`INSERT INTO %s (id, user_id, created_at, last_used_at, expires_at, user_agent, ip, credentials_version, csrf_token)
			SELECT md5('s' || i), 'u' || (i %% %d + 1), now(), now(), now() + interval '30 days', 'bench', '127.0.0.1', 0, md5('c' || i)
			FROM generate_series(1, %d) AS i`, gormstore.DefaultSessionTable, users, rows),
		fmt.Sprintf(`INSERT INTO %s (hash, session_id, created_at)
			SELECT md5('r' || i), md5('s' || i), now() FROM generate_series(1, %d) AS i`, gormstore.DefaultRefreshTokenTable, rows),
		"ANALYZE",
	}
	for _, q := range fill {
		if err := db.Exec(q).Error; err != nil {
			b.Fatalf("filling %d rows: %v", rows, err)
		}
	}
	// Probe ids spread over the tables, looked up in turn.
	const probes = 1024
	for i := range probes {
		n := 1 + i*rows/probes
		s.sessions = append(s.sessions, md5hex(b, db, fmt.Sprintf("s%d", n)))
		s.users = append(s.users, fmt.Sprintf("u%d", 1+(n%users)))
	}
	return s
}

func md5hex(b *testing.B, db *gorm.DB, s string) string {
	b.Helper()
	var out string
	if err := db.Raw("SELECT md5(?)", s).Scan(&out).Error; err != nil {
		b.Fatal(err)
	}
	return out
}

// lookup is the middleware's work on a cache miss: the session by id,
// then the user by id.
func (s *scaleDB) lookup(b *testing.B, name string) part {
	ctx := context.Background()
	i := 0
	return part{name: name, op: func() {
		i = (i + 1) % len(s.sessions)
		if _, err := s.store.Session(ctx, s.sessions[i]); err != nil {
			b.Fatal(err)
		}
		if _, err := s.store.FindUserByID(ctx, s.users[i]); err != nil {
			b.Fatal(err)
		}
	}}
}

// BenchmarkScale times, interleaved, the cold session check and user
// look-up on two PostgreSQL databases, one with 1k session rows and one
// with 1M (100 and 100k users), and prints the query plans of the hot
// queries on the large one. Filling takes a minute or so: run it with
// make bench-scale; it is not part of make bench.
func BenchmarkScale(b *testing.B) {
	small, large := fillScaleDB(b, 1_000), fillScaleDB(b, 1_000_000)
	explain(b, large)
	interleave(b, small.lookup(b, "rows-1k"), large.lookup(b, "rows-1M"))
}

// explain prints EXPLAIN ANALYZE of the store's hot queries, once per
// process.
func explain(b *testing.B, s *scaleDB) {
	if explained {
		return
	}
	explained = true
	queries := []string{
		fmt.Sprintf(`SELECT * FROM %q WHERE id = '%s' LIMIT 1`, gormstore.DefaultSessionTable, s.sessions[1]),
		fmt.Sprintf(`SELECT * FROM "users" WHERE id = '%s' LIMIT 1`, s.users[1]),
		fmt.Sprintf(`SELECT * FROM %q WHERE hash = md5('r2') AND spent_at IS NULL`, gormstore.DefaultRefreshTokenTable),
		fmt.Sprintf(`SELECT * FROM %q WHERE user_id = '%s' AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at DESC, id DESC`, gormstore.DefaultSessionTable, s.users[1]),
	}
	for _, q := range queries {
		var plan []string
		if err := s.db.Raw("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + q).Scan(&plan).Error; err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(os.Stdout, "explain: %s\n    %s\n", strings.Join(strings.Fields(q), " "), strings.Join(plan, "\n    "))
	}
}

var explained bool
