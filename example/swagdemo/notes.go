package main

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
)

// note is one of a user's notes.
type note struct {
	ID        string    `json:"id" example:"7"`
	Title     string    `json:"title" example:"Groceries"`
	Body      string    `json:"body" example:"Eggs, flour, milk"`
	CreatedAt time.Time `json:"created_at" format:"date-time"`
} //	@name	Note

// newNote is the body of POST /api/notes.
type newNote struct {
	Title string `json:"title" binding:"required" minLength:"1" maxLength:"200" example:"Groceries"`
	Body  string `json:"body,omitempty" maxLength:"10000"`
} //	@name	NewNote

// apiError is the error body of the notes routes, the shape of ginjwt's:
// {"detail": "…"}.
type apiError struct {
	Detail string `json:"detail" example:"Note not found"`
} //	@name	Error

// maxNoteBody bounds the JSON of a new note.
const maxNoteBody = 16 << 10

// notes keeps each user's notes in memory.
type notes struct {
	mu     sync.Mutex
	byUser map[string][]note
	last   int
}

func newNotes() *notes { return &notes{byUser: map[string][]note{}} }

func userID(c *gin.Context) string {
	u, _ := ginjwt.CurrentUser[memstore.User](c) // the middleware let the request in
	return u.Subject()
}

// list answers the signed-in user's notes.
//
//	@Summary	The signed-in user's notes, oldest first
//	@Tags		notes
//	@Produce	json
//	@Security	AuthBearer
//	@Success	200	{array}		note
//	@Failure	401	{object}	apiError	"No valid access token"
//	@Header		401	{string}	WWW-Authenticate	"The Bearer challenge (RFC 6750)"
//	@Failure	503	{object}	apiError	"A store is unreachable"
//	@Router		/notes [get]
func (n *notes) list(c *gin.Context) {
	n.mu.Lock()
	out := slices.Clone(n.byUser[userID(c)])
	n.mu.Unlock()
	if out == nil {
		out = []note{}
	}
	c.JSON(http.StatusOK, out)
}

// create adds a note.
//
//	@Summary	Add a note
//	@Tags		notes
//	@Accept		json
//	@Produce	json
//	@Security	AuthBearer
//	@Param		note	body		newNote	true	"The new note"
//	@Success	201		{object}	note
//	@Failure	400		{object}	apiError	"Malformed JSON, or a missing or too long title"
//	@Failure	401		{object}	apiError	"No valid access token"
//	@Header		401		{string}	WWW-Authenticate	"The Bearer challenge (RFC 6750)"
//	@Failure	413		{object}	apiError	"Request body too large"
//	@Failure	503		{object}	apiError	"A store is unreachable"
//	@Router		/notes [post]
func (n *notes) create(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxNoteBody)
	var in newNote
	if err := c.ShouldBindJSON(&in); err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			c.JSON(http.StatusRequestEntityTooLarge, apiError{Detail: "Request body too large"})
			return
		}
		c.JSON(http.StatusBadRequest, apiError{Detail: "The body must be a JSON object with a title"})
		return
	}
	in.Title = strings.TrimSpace(in.Title)
	switch {
	case in.Title == "":
		c.JSON(http.StatusBadRequest, apiError{Detail: "title is required"})
		return
	case utf8.RuneCountInString(in.Title) > 200:
		c.JSON(http.StatusBadRequest, apiError{Detail: "title is too long"})
		return
	case utf8.RuneCountInString(in.Body) > 10000:
		c.JSON(http.StatusBadRequest, apiError{Detail: "body is too long"})
		return
	}
	uid := userID(c)
	n.mu.Lock()
	n.last++
	nt := note{ID: strconv.Itoa(n.last), Title: in.Title, Body: in.Body, CreatedAt: time.Now().UTC()}
	n.byUser[uid] = append(n.byUser[uid], nt)
	n.mu.Unlock()
	c.JSON(http.StatusCreated, nt)
}

// find returns the index of the user's note id, or -1. The caller holds
// n.mu.
func (n *notes) find(uid, id string) int {
	return slices.IndexFunc(n.byUser[uid], func(nt note) bool { return nt.ID == id })
}

// get answers one note.
//
//	@Summary	One of the signed-in user's notes
//	@Tags		notes
//	@Produce	json
//	@Security	AuthBearer
//	@Param		id	path		string	true	"The note's id"
//	@Success	200	{object}	note
//	@Failure	401	{object}	apiError	"No valid access token"
//	@Header		401	{string}	WWW-Authenticate	"The Bearer challenge (RFC 6750)"
//	@Failure	404	{object}	apiError	"Not one of the user's notes"
//	@Failure	503	{object}	apiError	"A store is unreachable"
//	@Router		/notes/{id} [get]
func (n *notes) get(c *gin.Context) {
	uid := userID(c)
	n.mu.Lock()
	defer n.mu.Unlock()
	i := n.find(uid, c.Param("id"))
	if i < 0 {
		c.JSON(http.StatusNotFound, apiError{Detail: "Note not found"})
		return
	}
	c.JSON(http.StatusOK, n.byUser[uid][i])
}

// remove deletes one note.
//
//	@Summary	Delete one of the signed-in user's notes
//	@Tags		notes
//	@Produce	json
//	@Security	AuthBearer
//	@Param		id	path	string	true	"The note's id"
//	@Success	204
//	@Failure	401	{object}	apiError	"No valid access token"
//	@Header		401	{string}	WWW-Authenticate	"The Bearer challenge (RFC 6750)"
//	@Failure	404	{object}	apiError	"Not one of the user's notes"
//	@Failure	503	{object}	apiError	"A store is unreachable"
//	@Router		/notes/{id} [delete]
func (n *notes) remove(c *gin.Context) {
	uid := userID(c)
	n.mu.Lock()
	defer n.mu.Unlock()
	i := n.find(uid, c.Param("id"))
	if i < 0 {
		c.JSON(http.StatusNotFound, apiError{Detail: "Note not found"})
		return
	}
	n.byUser[uid] = slices.Delete(n.byUser[uid], i, i+1)
	c.Status(http.StatusNoContent)
}
