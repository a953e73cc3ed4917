package gormstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// legacyUser is the users table as it was before username_normalized.
type legacyUser struct {
	ID              string     `gorm:"column:id;primaryKey;size:36"`
	Email           string     `gorm:"column:email;not null"`
	EmailNormalized string     `gorm:"column:email_normalized;not null;uniqueIndex"`
	Username        string     `gorm:"column:username;not null"`
	FirstName       string     `gorm:"column:first_name;not null"`
	LastName        string     `gorm:"column:last_name;not null"`
	PasswordHash    string     `gorm:"column:password_hash;not null"`
	Active          bool       `gorm:"column:is_active;not null"`
	Staff           bool       `gorm:"column:is_staff;not null"`
	Superuser       bool       `gorm:"column:is_superuser;not null"`
	LastLogin       *time.Time `gorm:"column:last_login"`
	CreatedAt       time.Time  `gorm:"column:created_at;not null"`
	UpdatedAt       time.Time  `gorm:"column:updated_at;not null"`
}

func (legacyUser) TableName() string { return "users" }

func TestMigrateUsernamesOfAnExistingTable(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		require.NoError(t, db.AutoMigrate(&legacyUser{}))
		now := time.Now().UTC()
		for i, name := range []string{"Ada", " ada ", "ＡＤＡ", "bob", "", "", "Carol", "CAROL"} {
			email := string(rune('a'+i)) + "@example.com"
			require.NoError(t, db.Create(&legacyUser{ID: newUUID(), Email: email, EmailNormalized: email, Username: name, Active: true, CreatedAt: now, UpdatedAt: now}).Error)
		}
		s, err := New[User](db, WithTimeout(testTimeout))
		require.NoError(t, err)
		err = s.Migrate(ctx)
		require.Error(t, err, "usernames that normalise alike stop the migration")
		for _, want := range []string{`"Ada"`, `" ada "`, `"ＡＤＡ"`, `"ada"`, `"Carol"`, `"CAROL"`, `"carol"`} {
			assert.Contains(t, err.Error(), want)
		}
		assert.NotContains(t, err.Error(), `"bob"`)
		assert.False(t, db.Migrator().HasColumn(&legacyUser{}, "username_normalized"), "a refused migration changes nothing")
		assert.False(t, db.Migrator().HasTable(s.opts.sessionTable), "a refused migration changes nothing")

		// The application renames the clashes; then it migrates.
		require.NoError(t, db.Model(&legacyUser{}).Where("username IN ?", []string{" ada ", "ＡＤＡ"}).Update("username", gorm.Expr("'ada-' || email")).Error)
		require.NoError(t, db.Model(&legacyUser{}).Where("username = ?", "CAROL").Update("username", "carol2").Error)
		require.NoError(t, s.Migrate(ctx))
		u, err := s.FindUserByUsername(ctx, "ada")
		require.NoError(t, err, "existing usernames are filled in")
		assert.Equal(t, "Ada", u.Username)
		u, err = s.FindUserByUsername(ctx, "carol2")
		require.NoError(t, err)
		assert.Equal(t, "carol2", u.Username)
		var nulls int64
		require.NoError(t, db.Model(&User{}).Where("username_normalized IS NULL").Count(&nulls).Error)
		assert.EqualValues(t, 2, nulls, "users without a username hold NULL")

		_, err = s.CreateUser(ctx, ginjwt.NewUser{Email: "new@example.com", NormalizedEmail: "new@example.com", Username: "BOB", NormalizedUsername: "bob"})
		assert.ErrorIs(t, err, ginjwt.ErrUsernameTaken, "the index holds for the filled-in usernames")
		require.NoError(t, s.Migrate(ctx), "Migrate runs again without change")
	})
}
