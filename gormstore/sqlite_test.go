package gormstore

import (
	"os"
	"path/filepath"
	"testing"

	"gorm.io/gorm"
)

func TestSQLiteDSN(t *testing.T) {
	for _, name := range []string{"plain.db", "with space.db", "odd?name#1%20.db"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			db := openSQLite(t, path, &gorm.Config{})
			pragmas := map[string]string{"journal_mode": "wal", "busy_timeout": "5000", "foreign_keys": "1", "synchronous": "1"}
			for pragma, want := range pragmas {
				var got string
				if err := db.Raw("PRAGMA " + pragma).Scan(&got).Error; err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
				}
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("the database is not at the literal path: %v", err)
			}
		})
	}
}
