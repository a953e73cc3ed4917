package gormstore

import (
	"testing"

	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/storetest"
	"github.com/ginjwt/ginjwt/internal/pgtest"
)

// TestConformance runs the shared store suite on SQLite and PostgreSQL,
// with an application model that embeds User. Close really closes the
// connection pool; Open makes a new one on the same file or database.
func TestConformance(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) storetest.Database[appUser] {
			return &database{open: freshSQLite(t)}
		})
	})
	t.Run("postgres", func(t *testing.T) {
		// One database, and an empty schema in it per subtest: a new
		// database per subtest would take a second each.
		server := pgtest.CreateDatabase(t)
		storetest.Run(t, func(t *testing.T) storetest.Database[appUser] {
			dsn := pgtest.CreateSchema(t, server)
			return &database{open: func(t testing.TB) *gorm.DB { return pgtest.Open(t, dsn) }}
		})
	})
}

// database is a storetest.Database over one SQLite file or PostgreSQL
// database.
type database struct {
	open func(t testing.TB) *gorm.DB
	db   *gorm.DB
}

func (d *database) Open(t *testing.T) (ginjwt.UserStore[appUser], ginjwt.SessionStore) {
	d.db = d.open(t)
	s := migrated[appUser](t, d.db)
	return s, s
}

func (d *database) Close(t *testing.T) { closeDB(t, d.db) }
