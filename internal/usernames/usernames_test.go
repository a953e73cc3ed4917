package usernames

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlan(t *testing.T) {
	stored := "ada"
	got, err := Plan([]Row{{ID: "1", Username: "Bob"}, {ID: "2", Username: "ADA", Normalized: &stored}, {ID: "3", Username: "  "}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"1": "bob"}, got, "only rows without a stored form, and with a non-empty one")

	_, err = Plan([]Row{{ID: "1", Username: "Ada"}, {ID: "2", Username: "x", Normalized: &stored}, {ID: "3", Username: "Zed"}, {ID: "4", Username: "ZED"}, {ID: "5", Username: "ok"}})
	require.Error(t, err)
	assert.Equal(t, `usernames must be unique once normalised, and "Ada" (id 1), "x" (id 2) all normalise to "ada"; "ZED" (id 4), "Zed" (id 3) all normalise to "zed"; rename all but one of each, then migrate again (nothing was changed)`, err.Error())
}
