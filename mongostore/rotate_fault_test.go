package mongostore_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/internal/mongotest"
	"github.com/ginjwt/ginjwt/mongostore"
)

// Fault injection at the wire.
//
// The store talks to a real server through a real driver; these tests put
// a faultDialer under the driver's connections. It changes nothing in the
// store and nothing the server sees, except for the one command a test
// arms it for:
//
//   - failCommand rewrites the command's name ("find" into "fail") on its
//     way out, so that the server itself answers it with an ordinary
//     command error ("no such command"), as it would in a brief outage.
//     Only that command fails; the connection stays healthy.
//   - dropReply lets the command through, reads the server's reply (so
//     the write is known to be applied) and then breaks the connection
//     instead of handing the reply over: a write that committed although
//     the caller sees a network error.
//   - cutInsert breaks the connection instead of sending the command: a
//     write that was never applied.
//
// Commands are matched by their name and collection, which the driver
// encodes as the first element of the OP_MSG body: a BSON string element
// "<command>": "<collection>". The driver writes each message with one
// Write call, uncompressed unless compression is configured (it is not).

// faultDialer dials the server and wraps each connection in a faultConn.
type faultDialer struct {
	net.Dialer

	mu        sync.Mutex
	fail      []byte // command to rewrite, as matched by commandPattern
	drop      []byte // command whose reply to drop
	failed    int    // commands rewritten so far
	dropped   int    // replies dropped so far
	dropArmed bool   // drop the reply of the next match only
	cut       []byte // command to cut the connection at, once
}

// commandPattern is how the driver encodes the start of command on coll.
func commandPattern(command, coll string) []byte {
	var b bytes.Buffer
	b.WriteByte(0x02) // BSON string element
	b.WriteString(command)
	b.WriteByte(0)
	binary.Write(&b, binary.LittleEndian, int32(len(coll)+1))
	b.WriteString(coll)
	b.WriteByte(0)
	return b.Bytes()
}

// failCommand makes the server refuse every find on coll until the
// returned function is called.
func (d *faultDialer) failFind(coll string) (stop func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fail = commandPattern("find", coll)
	return func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.fail = nil
	}
}

// dropInsertReply drops the reply to the next insert into coll.
func (d *faultDialer) dropInsertReply(coll string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.drop, d.dropArmed = commandPattern("insert", coll), true
}

// cutInsert breaks the connection of the next insert into coll before it
// is sent.
func (d *faultDialer) cutInsert(coll string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cut = commandPattern("insert", coll)
}

func (d *faultDialer) counts() (failed, dropped int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.failed, d.dropped
}

func (d *faultDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := d.Dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &faultConn{Conn: c, d: d}, nil
}

// faultConn is one connection of the driver's, with the faults applied.
type faultConn struct {
	net.Conn
	d         *faultDialer
	dropReply bool // the reply to the message just written is to be lost
}

func (c *faultConn) Write(b []byte) (int, error) {
	d := c.d
	d.mu.Lock()
	if d.cut != nil && bytes.Contains(b, d.cut) {
		d.cut = nil
		d.mu.Unlock()
		c.Conn.Close()
		return 0, errors.New("faultConn: connection lost before the command was sent (injected)")
	}
	if d.fail != nil {
		if i := bytes.Index(b, d.fail); i >= 0 {
			b = bytes.Clone(b)
			copy(b[i+1:], "fail") // same length: the message stays well formed
			d.failed++
		}
	}
	if d.dropArmed && bytes.Contains(b, d.drop) {
		d.dropArmed = false
		d.dropped++
		c.dropReply = true
	}
	d.mu.Unlock()
	return c.Conn.Write(b)
}

func (c *faultConn) Read(b []byte) (int, error) {
	if c.dropReply {
		c.dropReply = false
		// Wait for the whole reply, so the server has applied the write,
		// then lose it.
		var size [4]byte
		if _, err := io.ReadFull(c.Conn, size[:]); err == nil {
			io.CopyN(io.Discard, c.Conn, int64(binary.LittleEndian.Uint32(size[:]))-4)
		}
		c.Conn.Close()
		return 0, errors.New("faultConn: connection lost before the reply (injected)")
	}
	return c.Conn.Read(b)
}

// newFaultStore returns a store on a fresh database reached through its
// own client, whose connections go through the returned faultDialer. The
// client does not retry reads or writes, like a client of FerretDB (which
// does not support retryable writes), so each injected fault reaches the
// store once.
func newFaultStore(t *testing.T) (*mongostore.Store[mongostore.User], *mongo.Database, *faultDialer) {
	t.Helper()
	name := mongotest.Database(t).Name() // dropped at the end of the test
	d := &faultDialer{}
	client, err := mongo.Connect(options.Client().ApplyURI(mongotest.URI(t)).
		SetDialer(d).SetRetryReads(false).SetRetryWrites(false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Disconnect(context.Background()) })
	db := client.Database(name)
	s, err := mongostore.New[mongostore.User](db)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureIndexes(t.Context()); err != nil {
		t.Fatalf("EnsureIndexes: %v", err)
	}
	return s, db, d
}

// assertNotRevoked checks that session id is live at now and that the
// store holds no revocation record for it.
func assertNotRevoked(t *testing.T, s *mongostore.Store[mongostore.User], db *mongo.Database, id string, now time.Time) {
	t.Helper()
	got, err := s.Session(t.Context(), id)
	if err != nil || !got.Live(now) {
		t.Fatalf("session %s = %+v, %v; want it live", id, got, err)
	}
	n, err := db.Collection("revoked_sessions").CountDocuments(t.Context(), bson.D{})
	if err != nil || n != 0 {
		t.Fatalf("revocation records = %d, %v; want none", n, err)
	}
}

// A rotation whose revocation re-check (the read of revoked_sessions after
// the session update) fails must not leave the token spent: the client
// gets an error, retries the same refresh token, and that retry must win
// rather than be taken for reuse, which would make ginjwt revoke the
// client's own session and report a theft.
func TestRotateUndoesTheSpendWhenTheRevocationCheckFails(t *testing.T) {
	s, db, faults := newFaultStore(t)
	ctx := t.Context()
	now := base()
	createSession(t, s, "s1", "u1", "h0", now)

	at, exp := now.Add(time.Minute), now.Add(2*time.Hour)
	stop := faults.failFind("revoked_sessions")
	_, err := s.RotateRefreshToken(ctx, "h0", "h1", at, exp)
	stop()
	t.Logf("first attempt, re-check failing: %v", err)
	if failed, _ := faults.counts(); failed == 0 {
		t.Fatal("the revocation re-check was not reached: the fault never fired")
	}
	var cmdErr mongo.CommandError
	if err == nil || !errors.As(err, &cmdErr) {
		t.Fatalf("RotateRefreshToken with the re-check failing: error = %v, want the injected command error", err)
	}
	if errors.Is(err, ginjwt.ErrRefreshTokenReused) || errors.Is(err, ginjwt.ErrSessionNotFound) {
		t.Fatalf("RotateRefreshToken with the re-check failing: error = %v, want an outage, not an answer", err)
	}

	// The client retries the same token.
	got, err := s.RotateRefreshToken(ctx, "h0", "h1", at, exp)
	if err != nil {
		t.Fatalf("retry of the same refresh token: %v; want it to win (the failed attempt must not have spent it)", err)
	}
	if got.ID != "s1" || !got.ExpiresAt.Equal(exp) {
		t.Fatalf("retry returned %+v; want session s1 expiring at %v", got, exp)
	}
	assertNotRevoked(t, s, db, "s1", at)

	// And the chain goes on from the retry's token.
	if _, err := s.RotateRefreshToken(ctx, "h1", "h2", at.Add(time.Minute), exp); err != nil {
		t.Fatalf("rotate the retry's new token: %v", err)
	}
	if _, err := s.RotateRefreshToken(ctx, "h0", "h3", at.Add(time.Minute), exp); !errors.Is(err, ginjwt.ErrRefreshTokenReused) {
		t.Fatalf("rotate h0 a third time: error = %v; want reuse, it was spent by the retry", err)
	}
}

// A spend whose insert was applied but whose reply was lost is not left
// in place either: the same retry must win.
func TestRotateUndoesASpendWhoseReplyWasLost(t *testing.T) {
	s, db, faults := newFaultStore(t)
	ctx := t.Context()
	now := base()
	createSession(t, s, "s1", "u1", "h0", now)

	at, exp := now.Add(time.Minute), now.Add(2*time.Hour)
	faults.dropInsertReply("spent_refresh_tokens")
	_, err := s.RotateRefreshToken(ctx, "h0", "h1", at, exp)
	t.Logf("first attempt, spend's reply lost: %v", err)
	if _, dropped := faults.counts(); dropped != 1 {
		t.Fatalf("replies dropped = %d, want 1: the spend was not reached", dropped)
	}
	if err == nil || errors.Is(err, ginjwt.ErrRefreshTokenReused) || errors.Is(err, ginjwt.ErrSessionNotFound) {
		t.Fatalf("RotateRefreshToken with the spend's reply lost: error = %v, want an outage", err)
	}

	if _, err := s.RotateRefreshToken(ctx, "h0", "h1", at, exp); err != nil {
		t.Fatalf("retry of the same refresh token: %v; want it to win (the failed attempt must not have spent it)", err)
	}
	assertNotRevoked(t, s, db, "s1", at)
}

// Undoing a spend whose insert failed never removes another rotation's
// spend: if it did, a spent token would work again.
func TestRotateWhoseSpendFailedKeepsTheWinnersSpend(t *testing.T) {
	s, _, faults := newFaultStore(t)
	ctx := t.Context()
	now := base()
	createSession(t, s, "s1", "u1", "h0", now)
	at, exp := now.Add(time.Minute), now.Add(2*time.Hour)
	if _, err := s.RotateRefreshToken(ctx, "h0", "h1", at, exp); err != nil {
		t.Fatalf("first rotation: %v", err)
	}

	// A replay of h0 whose spend never reaches the server: it fails, and
	// its undo finds h0 spent by the first rotation.
	faults.cutInsert("spent_refresh_tokens")
	_, err := s.RotateRefreshToken(ctx, "h0", "h2", at, exp)
	if err == nil || errors.Is(err, ginjwt.ErrRefreshTokenReused) {
		t.Fatalf("replay with its spend cut: error = %v, want an outage", err)
	}

	_, err = s.RotateRefreshToken(ctx, "h0", "h3", at, exp)
	if !errors.Is(err, ginjwt.ErrRefreshTokenReused) {
		t.Fatalf("another replay of h0: error = %v, want reuse: h0 stays spent", err)
	}
}
