package main

import (
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// keyReloader returns the function that SIGHUP runs: it reads the key
// variables' files again (JWT_PRIVATE_KEY_FILE, JWT_VERIFY_KEY_FILES,
// JWT_SECRET_KEY_FILE) and swaps the new set into auth, atomically, while
// requests are in flight. A file that cannot be read or parsed fails the
// whole reload and the old set stays.
func keyReloader[U ginjwt.User](auth *ginjwt.Auth[U], opts appOptions) func() error {
	return func() error {
		ks, err := ginjwt.KeysFromEnv(opts.Lookup)
		if err != nil {
			return err
		}
		if ks.IsZero() {
			return errors.New("no key is configured (JWT_SECRET_KEY, JWT_SECRET_KEY_FILE or JWT_PRIVATE_KEY_FILE), so the random key stays")
		}
		if err := auth.SetKeys(ks); err != nil {
			return err
		}
		kids := make([]string, 0, len(ks.Keys()))
		for _, k := range ks.Keys() {
			kids = append(kids, k.Algorithm()+":"+k.KeyID())
		}
		opts.Logger.Info("example: key set reloaded", "active", kids[0], "verify_only", kids[1:], "epoch", auth.KeyEpoch())
		return nil
	}
}

// watchReload runs a.Reload on every SIGHUP until the returned stop is
// called. A failed reload is logged with its reason, and the old key set
// stays. done, when set, is told the outcome of each reload (for tests).
func watchReload(a *app, logger *slog.Logger, done func(error)) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-quit:
				return
			case <-hup:
				err := a.Reload()
				if err != nil {
					logger.Error("example: SIGHUP: key reload failed; the old key set stays", "error", err)
				}
				if done != nil {
					done(err)
				}
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		close(quit)
		<-finished
	}
}
