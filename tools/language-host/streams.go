package main

import (
	"bytes"
	"io"
	"sync"
)

// sendGuard sits in front of one gRPC server stream. gRPC forbids concurrent
// Send calls, yet a child's stdout and stderr are copied by two goroutines;
// and a straggling write after the RPC has returned must not touch the stream
// at all. So all writes take one lock, and after close they are dropped.
type sendGuard struct {
	mu     sync.Mutex
	closed bool
}

// wrap returns a writer that forwards to w under the guard.
func (g *sendGuard) wrap(w io.Writer) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.closed {
			return len(p), nil
		}
		return w.Write(p)
	})
}

// do runs send under the guard unless it is closed.
func (g *sendGuard) do(send func() error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil
	}
	return send()
}

// close waits for an in-flight write and stops all later ones.
func (g *sendGuard) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// firstLineRouter sends the first line written to it to first and everything
// after to rest. A policy pack announces its gRPC port as its first line of
// stdout; that line belongs to the policy proxy, the rest to the user.
//
// If first refuses the line (the proxy gave up on reading a port), the line
// goes to rest instead so that whatever the pack printed is still seen.
type firstLineRouter struct {
	mu      sync.Mutex
	first   io.Writer
	rest    io.Writer
	pending []byte
	routed  bool
}

func (r *firstLineRouter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.routed {
		return r.rest.Write(p)
	}
	r.pending = append(r.pending, p...)
	i := bytes.IndexByte(r.pending, '\n')
	if i < 0 {
		return len(p), nil
	}
	all := r.pending
	line, after := all[:i+1], all[i+1:]
	r.routed, r.pending = true, nil
	if _, err := r.first.Write(line); err != nil {
		after = all
	}
	if len(after) > 0 {
		if _, err := r.rest.Write(after); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// flush hands on a first line that never got its newline (the child exited).
func (r *firstLineRouter) flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.routed && len(r.pending) > 0 {
		_, _ = r.rest.Write(r.pending)
	}
	r.routed, r.pending = true, nil
}
