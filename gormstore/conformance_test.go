package gormstore

import (
	"testing"

	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/storetest"
)

// TestConformance runs the shared store suite on SQLite and PostgreSQL,
// with an application model that embeds User. Close really closes the
// connection pool; Open makes a new one on the same file or database.
func TestConformance(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) storetest.Database[appUser] {
				return &database{open: b.fresh(t)}
			})
		})
	}
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
