package gormstore

import "net/url"

// SQLiteDSN returns the data source name to open the SQLite database file
// at path with gorm.io/driver/sqlite (mattn/go-sqlite3):
//
//	db, err := gorm.Open(sqlite.Open(gormstore.SQLiteDSN("app.db")), &gorm.Config{})
//
// It asks for:
//
//   - journal_mode=WAL, so that readers never wait for the writer and the
//     writer never waits for readers;
//   - busy_timeout=5000 ms, so that a connection waits for the write lock
//     instead of failing at once with SQLITE_BUSY;
//   - _txlock=immediate, so that every transaction takes the write lock
//     when it begins. A deferred transaction that reads and then writes
//     cannot wait for the lock: SQLite fails it with SQLITE_BUSY, because
//     its snapshot may be stale. Without this, fifty concurrent refreshes
//     of one token turn into a burst of "database is locked" errors (503s)
//     instead of one winner and forty-nine reuse reports;
//   - foreign_keys=on and synchronous=NORMAL (durable with WAL, apart from
//     the last transactions before a power loss).
//
// SQLite allows one writer at a time; with these settings writers queue,
// which is plenty for authentication traffic. Use a file: ":memory:" gives
// each pooled connection its own empty database.
func SQLiteDSN(path string) string {
	// The "file:" form keeps the parameters in the URI that SQLite parses,
	// so the path is percent-encoded to keep '?', '#' and '%' literal.
	p := (&url.URL{Path: path}).EscapedPath()
	return "file:" + p + "?_journal_mode=WAL&_busy_timeout=5000&_txlock=immediate&_foreign_keys=1&_synchronous=NORMAL"
}
