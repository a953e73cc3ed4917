package ginjwt

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// mailJob is one account-email request, taken off the request path.
// prepare looks the account up, applies the cooldown, stores the token
// and returns the mail; send false means there is nothing to send (an
// unknown email, say), which is not an error. An error of prepare is
// retried like a failed send; once prepare has succeeded, retries only
// send the same message again.
type mailJob struct {
	prepare func(ctx context.Context) (m Message, send bool, err error)
}

// mailQueue is a bounded queue of mail jobs served by a few workers,
// started on the first job. Nothing a request waits on happens here.
type mailQueue struct {
	mailer  Mailer
	logger  *slog.Logger
	workers int
	retries int
	delay   time.Duration

	once   sync.Once
	mu     sync.Mutex // guards closed and sends on jobs
	closed bool
	jobs   chan mailJob
	wg     sync.WaitGroup
	// hard ends retries and sends in flight when a drain runs out of time.
	hard   context.Context
	cancel context.CancelFunc
}

func newMailQueue(cfg *MailConfig, logger *slog.Logger) *mailQueue {
	hard, cancel := context.WithCancel(context.Background())
	return &mailQueue{
		mailer: cfg.Mailer, logger: logger, workers: cfg.Workers,
		retries: cfg.Retries, delay: cfg.RetryDelay,
		jobs: make(chan mailJob, cfg.QueueSize), hard: hard, cancel: cancel,
	}
}

// errMailQueueFull and errMailQueueClosed say why a job was dropped.
var (
	errMailQueueFull   = errors.New("ginjwt: mail queue full")
	errMailQueueClosed = errors.New("ginjwt: mail queue closed")
)

// enqueue adds a job without ever blocking; a job that does not fit is
// dropped with a log line (the caller answers the same either way).
func (q *mailQueue) enqueue(j mailJob) error {
	q.once.Do(q.start)
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		q.logger.Warn("ginjwt: account mail dropped: the mail queue is closed")
		return errMailQueueClosed
	}
	select {
	case q.jobs <- j:
		return nil
	default:
		q.logger.Warn("ginjwt: account mail dropped: the mail queue is full")
		return errMailQueueFull
	}
}

func (q *mailQueue) start() {
	for range q.workers {
		q.wg.Go(func() {
			for j := range q.jobs {
				q.run(j)
			}
		})
	}
}

// run prepares and sends one job, retrying with a doubling delay.
func (q *mailQueue) run(j mailJob) {
	var msg Message
	prepared := false
	delay := q.delay
	for attempt := 0; ; attempt++ {
		err := q.hard.Err()
		if err == nil && !prepared {
			var send bool
			ctx, cancel := context.WithTimeout(q.hard, securityWriteTimeout)
			msg, send, err = j.prepare(ctx)
			cancel()
			if err == nil && !send {
				return
			}
			prepared = err == nil
		}
		if err == nil {
			ctx, cancel := context.WithTimeout(q.hard, DefaultSMTPTimeout)
			err = q.mailer.Send(ctx, msg)
			cancel()
			if err == nil {
				return
			}
		}
		if attempt >= q.retries || q.hard.Err() != nil {
			q.logger.Error("ginjwt: account mail not sent", "attempts", attempt+1, "error", err)
			return
		}
		q.logger.Warn("ginjwt: account mail failed; retrying", "attempt", attempt+1, "retry_in", delay, "error", err)
		select {
		case <-time.After(delay):
		case <-q.hard.Done():
		}
		delay *= 2
	}
}

// close stops taking jobs and waits for the queued ones, retries
// included, until ctx ends; then it abandons the rest.
func (q *mailQueue) close(ctx context.Context) error {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.jobs)
	}
	q.mu.Unlock()
	q.once.Do(q.start) // workers drain whatever was queued
	done := make(chan struct{})
	go func() { q.wg.Wait(); close(done) }()
	select {
	case <-done:
		q.cancel()
		return nil
	case <-ctx.Done():
		q.cancel()
		<-done
		return ctx.Err()
	}
}
