package main

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestFirstLineRouter(t *testing.T) {
	var first, rest strings.Builder
	r := &firstLineRouter{first: &first, rest: &rest}
	for _, chunk := range []string{"123", "45\nhello ", "world\n", "more\n"} {
		if n, err := r.Write([]byte(chunk)); err != nil || n != len(chunk) {
			t.Fatalf("Write(%q) = %d, %v", chunk, n, err)
		}
	}
	if first.String() != "12345\n" || rest.String() != "hello world\nmore\n" {
		t.Errorf("first = %q, rest = %q", first.String(), rest.String())
	}
}

func TestFirstLineRouterFallsBackWhenFirstRefuses(t *testing.T) {
	var rest strings.Builder
	refusing := writerFunc(func([]byte) (int, error) { return 0, io.ErrClosedPipe })
	r := &firstLineRouter{first: refusing, rest: &rest}
	_, _ = r.Write([]byte("Error: not a port\nstack trace\n"))
	if rest.String() != "Error: not a port\nstack trace\n" {
		t.Errorf("rest = %q, want the whole output", rest.String())
	}
}

func TestFirstLineRouterFlushesUnterminatedLine(t *testing.T) {
	var first, rest strings.Builder
	r := &firstLineRouter{first: &first, rest: &rest}
	_, _ = r.Write([]byte("crashed before a newline"))
	r.flush()
	if first.String() != "" || rest.String() != "crashed before a newline" {
		t.Errorf("first = %q, rest = %q", first.String(), rest.String())
	}
}

func TestSendGuardDropsWritesAfterClose(t *testing.T) {
	var out strings.Builder
	g := &sendGuard{}
	w := g.wrap(&out)
	_, _ = w.Write([]byte("before "))
	g.close()
	if n, err := w.Write([]byte("after")); err != nil || n != 5 {
		t.Errorf("Write after close = %d, %v; want it silently dropped", n, err)
	}
	sent := false
	if err := g.do(func() error { sent = true; return errors.New("x") }); err != nil || sent {
		t.Errorf("do after close ran its function")
	}
	if out.String() != "before " {
		t.Errorf("out = %q", out.String())
	}
}
