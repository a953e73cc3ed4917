package gormstore

import (
	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/internal/usernames"
)

// usernameRow is what the username migration reads of a user.
type usernameRow struct {
	ID         string  `gorm:"column:id"`
	Username   string  `gorm:"column:username"`
	Normalized *string `gorm:"column:username_normalized"`
}

// pendingUsernames reads the existing users that have a username, and
// returns the normalised usernames to fill in by user id (all of them on a
// table from before the column); see [usernames.Plan], which refuses
// usernames that normalise alike.
func pendingUsernames[U any](tx *gorm.DB) (map[string]string, error) {
	m := tx.Migrator()
	if !m.HasTable(new(U)) || !m.HasColumn(new(U), "username") {
		return nil, nil
	}
	cols := "id, username"
	if m.HasColumn(new(U), "username_normalized") {
		cols += ", username_normalized"
	}
	var rows []usernameRow
	if err := tx.Model(new(U)).Select(cols).Where("username <> ''").Scan(&rows).Error; err != nil {
		return nil, err
	}
	plan := make([]usernames.Row, len(rows))
	for i, r := range rows {
		plan[i] = usernames.Row{ID: r.ID, Username: r.Username, Normalized: r.Normalized}
	}
	return usernames.Plan(plan)
}

// fillUsernames writes the normalised usernames that pendingUsernames
// computed.
func fillUsernames[U any](tx *gorm.DB, pending map[string]string) error {
	for id, n := range pending {
		if err := tx.Model(new(U)).Where("id = ?", id).UpdateColumn("username_normalized", n).Error; err != nil {
			return err
		}
	}
	return nil
}
