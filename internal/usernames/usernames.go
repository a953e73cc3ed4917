// Package usernames plans the migration of existing users to normalised,
// unique usernames, for the stores that keep them (gormstore, mongostore).
package usernames

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// Row is one existing user with a username.
type Row struct {
	ID       string
	Username string // as stored
	// Normalized is the stored normalised username, or nil when the user
	// has none yet.
	Normalized *string
}

// Plan returns the normalised username to store for each row that has
// none yet, by id. It refuses, naming them all, usernames that normalise
// alike (among themselves or with stored ones): a unique index would fail
// halfway through, and which account keeps the name is the application's
// decision.
func Plan(rows []Row) (map[string]string, error) {
	pending := map[string]string{}
	owners := map[string][]Row{}
	for _, r := range rows {
		n := ""
		if r.Normalized != nil {
			n = *r.Normalized
		} else if n = ginjwt.NormalizeUsername(r.Username); n != "" {
			pending[r.ID] = n
		}
		if n != "" {
			owners[n] = append(owners[n], r)
		}
	}
	var clashes []string
	for n, rs := range owners {
		if len(rs) < 2 {
			continue
		}
		who := make([]string, 0, len(rs))
		for _, r := range rs {
			who = append(who, strconv.Quote(r.Username)+" (id "+r.ID+")")
		}
		slices.Sort(who)
		clashes = append(clashes, strings.Join(who, ", ")+" all normalise to "+strconv.Quote(n))
	}
	if len(clashes) > 0 {
		slices.Sort(clashes)
		return nil, fmt.Errorf("usernames must be unique once normalised, and %s; rename all but one of each, then migrate again (nothing was changed)", strings.Join(clashes, "; "))
	}
	return pending, nil
}
