package harness_test

import (
	"bytes"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/twimlharness/twimlharness/harness"
)

// TestViewOptions: the options select calls by SID and creation time, in
// creation order, then page through them; a filtered record lists the
// REST requests and messages of its calls only.
func TestViewOptions(t *testing.T) {
	f := newViewFixture(t)
	if got := f.names(sidsOf(f.srv.Calls())); !cmp.Equal(got, []string{"menu", "leg", "two", "three", "four"}) {
		t.Fatalf("the fixture's calls are %v, want menu, leg (dialed at the first second, before two), two, three, four", got)
	}
	at := func(seconds int) time.Time { return f.start.Add(time.Duration(seconds) * time.Second) }
	tests := []struct {
		name string
		opts []harness.ViewOption
		want recordSummary
	}{
		{name: "every call", want: recordSummary{
			Calls:        []string{"menu", "leg", "two", "three", "four"},
			APICalls:     []string{"menu", "two", "three", "four", ""},
			MessageCalls: []string{"two", "three", "four"}}},
		{name: "two calls, given out of order", opts: []harness.ViewOption{harness.OnlyCalls(f.sids("four", "two")...)},
			want: recordSummary{Calls: []string{"two", "four"}, APICalls: []string{"two", "four"}, MessageCalls: []string{"two", "four"}}},
		{name: "OnlyCalls adds up", opts: []harness.ViewOption{harness.OnlyCalls(f.sids("leg")...), harness.OnlyCalls(f.sids("menu")...)},
			want: recordSummary{Calls: []string{"menu", "leg"}, APICalls: []string{"menu"}}},
		{name: "a SID the server does not have", opts: []harness.ViewOption{harness.OnlyCalls("CA00000000000000000000000000000000")},
			want: recordSummary{}},
		{name: "since, inclusive", opts: []harness.ViewOption{harness.CreatedSince(at(2))},
			want: recordSummary{Calls: []string{"three", "four"}, APICalls: []string{"three", "four"}, MessageCalls: []string{"three", "four"}}},
		{name: "before, exclusive", opts: []harness.ViewOption{harness.CreatedBefore(at(2))},
			want: recordSummary{Calls: []string{"menu", "leg", "two"}, APICalls: []string{"menu", "two"}, MessageCalls: []string{"two"}}},
		{name: "a window", opts: []harness.ViewOption{harness.CreatedSince(at(1)), harness.CreatedBefore(at(3))},
			want: recordSummary{Calls: []string{"leg", "two", "three"}, APICalls: []string{"two", "three"}, MessageCalls: []string{"two", "three"}}},
		{name: "a window with no call", opts: []harness.ViewOption{harness.CreatedSince(at(-60)), harness.CreatedBefore(at(0))},
			want: recordSummary{}},
		{name: "first page", opts: []harness.ViewOption{harness.MaxCalls(2)},
			want: recordSummary{Calls: []string{"menu", "leg"}, APICalls: []string{"menu"}}},
		{name: "second page", opts: []harness.ViewOption{harness.SkipCalls(2), harness.MaxCalls(2)},
			want: recordSummary{Calls: []string{"two", "three"}, APICalls: []string{"two", "three"}, MessageCalls: []string{"two", "three"}}},
		{name: "last page", opts: []harness.ViewOption{harness.SkipCalls(4), harness.MaxCalls(2)},
			want: recordSummary{Calls: []string{"four"}, APICalls: []string{"four"}, MessageCalls: []string{"four"}}},
		{name: "past the end", opts: []harness.ViewOption{harness.SkipCalls(5)}, want: recordSummary{}},
		{name: "paging after selecting", opts: []harness.ViewOption{harness.MaxCalls(1), harness.SkipCalls(1), harness.CreatedSince(at(1))},
			want: recordSummary{Calls: []string{"two"}, APICalls: []string{"two"}, MessageCalls: []string{"two"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec, text bytes.Buffer
			if err := f.srv.WriteRecordJSON(&rec, tt.opts...); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, f.summarize(t, rec.Bytes()), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("record mismatch (-want +got):\n%s", diff)
			}
			if err := f.srv.WriteTranscript(&text, tt.opts...); err != nil {
				t.Fatal(err)
			}
			var wantText []string
			for _, name := range tt.want.Calls {
				wantText = append(wantText, f.calls[name].Transcript())
			}
			if diff := cmp.Diff(strings.Join(wantText, "\n"), text.String()); diff != "" {
				t.Errorf("transcript mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// sidsOf returns the SIDs of calls.
func sidsOf(calls []*harness.Call) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.SID()
	}
	return out
}

func TestPagingOptionsRefuseBadCounts(t *testing.T) {
	tests := []struct {
		name    string
		option  func()
		wantErr string
	}{
		{"SkipCalls(-1)", func() { harness.SkipCalls(-1) }, "harness: SkipCalls(-1): want 0 or more"},
		{"MaxCalls(0)", func() { harness.MaxCalls(0) }, "harness: MaxCalls(0): want 1 or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if got := recover(); got != tt.wantErr {
					t.Errorf("panicked with %v, want %q", got, tt.wantErr)
				}
			}()
			tt.option()
		})
	}
}

// failingWriter takes n writes, then fails.
type failingWriter struct {
	n   int
	err error
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n == 0 {
		return 0, w.err
	}
	w.n--
	return len(p), nil
}

// TestViewsStopAtTheWritersError: a view stops at the writer's first
// error and returns it, wrapped.
func TestViewsStopAtTheWritersError(t *testing.T) {
	srv := newServer(t)
	for range 1000 { // enough for several chunks of each view
		if _, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Twiml": {"<Response/>"}}); err != nil {
			t.Fatal(err)
		}
	}
	srv.Run()
	gone := errors.New("the client has gone")
	for _, tt := range []struct {
		name    string
		write   func(io.Writer) error
		wantErr string
	}{
		{"transcript", func(w io.Writer) error { return srv.WriteTranscript(w) }, "harness: writing the transcript: the client has gone"},
		{"record", func(w io.Writer) error { return srv.WriteRecordJSON(w) }, "harness: writing the record: the client has gone"},
		{"diagram", func(w io.Writer) error { return srv.WriteMermaid(w) }, "harness: writing the diagram: the client has gone"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := &failingWriter{n: 1, err: gone}
			err := tt.write(w)
			if !errors.Is(err, gone) || err.Error() != tt.wantErr {
				t.Errorf("error %v, want %q wrapping the writer's", err, tt.wantErr)
			}
		})
	}
}
