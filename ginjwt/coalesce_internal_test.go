package ginjwt

import (
	"context"
	"testing"
	"time"
)

// A shared read that panics fails the requests waiting on it with an
// error (a 503 for them) rather than handing them a zero user.
func TestSharedReadThatPanicsFailsItsWaiters(t *testing.T) {
	var g coalescer[*int]
	always := func(time.Time) bool { return true }
	now := time.Now()
	joined, gate := make(chan struct{}), make(chan struct{})
	hook := func(string) { close(joined) }
	testHookJoined.Store(&hook)
	t.Cleanup(func() { testHookJoined.Store(nil) })

	leaderDone := make(chan any)
	go func() {
		defer func() { leaderDone <- recover() }()
		_, _ = g.do(context.Background(), "k", now, always, func(context.Context, time.Time) (*int, error) {
			<-gate
			panic("store bug")
		})
	}()
	for registered := false; !registered; time.Sleep(time.Millisecond) {
		g.mu.Lock()
		_, registered = g.m["k"]
		g.mu.Unlock()
	}
	result := make(chan error)
	go func() {
		v, err := g.do(context.Background(), "k", now, always, func(context.Context, time.Time) (*int, error) {
			t.Error("the waiter read for itself")
			return nil, nil
		})
		if v != nil {
			t.Error("the waiter got a value")
		}
		result <- err
	}()
	<-joined
	close(gate)
	if p := <-leaderDone; p != "store bug" {
		t.Fatalf("the leader's panic: %v", p)
	}
	if err := <-result; err != errReadPanicked {
		t.Fatalf("the waiter got %v, want errReadPanicked", err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.m) != 0 {
		t.Fatal("the panicked read is still registered")
	}
}
