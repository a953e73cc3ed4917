package gormstore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMigrateAddsIsVerified upgrades a user table from before
// verification: Migrate adds is_verified as false to existing rows, and
// MarkAllVerified is the opt-in that marks them verified.
func TestMigrateAddsIsVerified(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			db := b.fresh(t)(t)
			s := migrated[User](t, db)
			require.NoError(t, db.Migrator().DropColumn(new(User), "is_verified"))
			require.NoError(t, db.Migrator().DropTable(DefaultMailTokenTable))
			require.False(t, db.Migrator().HasColumn(new(User), "is_verified"))
			require.NoError(t, db.Exec("INSERT INTO users (id, email, email_normalized, username, first_name, last_name, password_hash, is_active, is_staff, is_superuser, created_at, updated_at) VALUES ('old-1', 'old@example.com', 'old@example.com', '', '', '', 'h', true, false, false, ?, ?)", now(), now()).Error)

			require.NoError(t, s.Migrate(ctx))
			u, err := s.FindUserByID(ctx, "old-1")
			require.NoError(t, err)
			assert.False(t, u.IsVerified(), "a user from before the migration is unverified")
			assert.True(t, db.Migrator().HasTable(DefaultMailTokenTable), "Migrate creates the mail-token table")

			n, err := s.MarkAllVerified(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			u, err = s.FindUserByID(ctx, "old-1")
			require.NoError(t, err)
			assert.True(t, u.IsVerified(), "MarkAllVerified marks existing users verified")
			n, err = s.MarkAllVerified(ctx)
			require.NoError(t, err)
			assert.Equal(t, 0, n, "MarkAllVerified changes only unverified users")
		})
	}
}
