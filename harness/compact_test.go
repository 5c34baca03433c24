package harness

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness/internal/signing"
)

// The record keeps replies' headers as a headerList: what it gives back is
// the header the application sent, nil for no reply and empty for a reply
// without a header.
func TestHeaderListKeepsTheHeader(t *testing.T) {
	h := http.Header{
		"Content-Type": {"text/xml; charset=utf-8"},
		"Set-Cookie":   {"a=1", "b=2"},
		"X-Empty":      {},
		"lower-case":   {"kept as written"},
	}
	l := compactHeader(h)
	if diff := cmp.Diff(h, l.header()); diff != "" {
		t.Errorf("header() differs from the header kept (-kept +got):\n%s", diff)
	}
	for _, name := range []string{"Content-Type", "content-type", "Set-Cookie", "X-Empty", "Lower-Case", "Missing"} {
		if got, want := l.Get(name), h.Get(name); got != want {
			t.Errorf("Get(%q) = %q, want %q as http.Header.Get", name, got, want)
		}
	}
	got := l.header()
	got["Set-Cookie"][0] = "changed"
	if l.Get("Set-Cookie") != "a=1" {
		t.Error("changing the header() returned changed the record")
	}
	if compactHeader(nil).header() != nil {
		t.Error("no reply: header() is not nil")
	}
	if e := compactHeader(http.Header{}).header(); e == nil || len(e) != 0 {
		t.Errorf("a reply without a header: header() = %#v, want an empty header", e)
	}
}

// The record keeps a form read from its encoded body as that body, and
// gives back what parsing it gave, a copy each time.
func TestKeptFormGivesBackTheForm(t *testing.T) {
	raw := "To=%2B14155550100&StatusCallbackEvent=initiated&StatusCallbackEvent=ringing&Url=https%3A%2F%2Fa.example%2Fv%3Fx%3D1%26y%3D2&Empty="
	want, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	f := keptForm{raw: raw, encoded: true}
	got := f.get()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("get() (-want +got):\n%s", diff)
	}
	got.Set("To", "changed")
	if f.get().Get("To") != "+14155550100" {
		t.Error("changing what get() returned changed the record")
	}
	if v := (keptForm{raw: "", encoded: true}).get(); v == nil || len(v) != 0 {
		t.Errorf("an empty body: get() = %#v, want an empty form", v)
	}
	if v := (keptForm{}).get(); v != nil {
		t.Errorf("no form: get() = %#v, want nil", v)
	}
}

// A REST request whose form readForm does not take (a query, another
// Content-Type, a body that cannot be parsed) is read by ParseForm, with its
// result and its error.
func TestReadFormLeavesOthersToParseForm(t *testing.T) {
	for _, tc := range []struct {
		name, target, ctype, body string
		taken                     bool
	}{
		{"twilio-go's POST", "/x", formType, "To=%2B1&From=%2B2", true},
		{"a query too", "/x?a=1", formType, "To=%2B1", false},
		{"a charset", "/x", formType + "; charset=utf-8", "To=%2B1", false},
		{"a bad escape", "/x", formType, "To=%zz&From=%2B2", false},
		{"a semicolon", "/x", formType, "To=1;From=2", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mk := func() *http.Request {
				r, _ := http.NewRequest(http.MethodPost, "https://api.twilio.com"+tc.target, strings.NewReader(tc.body))
				r.Header.Set("Content-Type", tc.ctype)
				return r
			}
			want := mk()
			werr := want.ParseForm()
			req := &apiRequest{http: mk()}
			_, aerr := req.form()
			if req.read.encoded != tc.taken {
				t.Errorf("readForm took it: %v, want %v", req.read.encoded, tc.taken)
			}
			if diff := cmp.Diff(want.PostForm, req.http.PostForm); diff != "" { // what the record keeps
				t.Errorf("PostForm (-ParseForm +got):\n%s", diff)
			}
			if (werr != nil) != (aerr != nil) || aerr != nil && !strings.Contains(aerr.Message, werr.Error()) {
				t.Errorf("error %v, want one with ParseForm's %v", aerr, werr)
			}
		})
	}
}

// A body larger than the REST API takes fails as ParseForm makes it fail.
func TestReadFormTooLarge(t *testing.T) {
	body := "To=" + strings.Repeat("1", maxBodyBytes)
	r, _ := http.NewRequest(http.MethodPost, "https://api.twilio.com/x", strings.NewReader(body))
	r.Header.Set("Content-Type", formType)
	r.Body = http.MaxBytesReader(nil, r.Body, maxBodyBytes)
	_, aerr := (&apiRequest{http: r}).form()
	if aerr == nil || !strings.Contains(aerr.Message, "request body too large") {
		t.Fatalf("error %v, want the body's limit", aerr)
	}
}

// The recorder keeps a body written whole as a string without copying it,
// and keeps the order and the limit of anything written after it.
func TestResponseRecorderWriteString(t *testing.T) {
	r := newResponseRecorder(0)
	io.WriteString(r, "one ")
	r.Write([]byte("two "))
	io.WriteString(r, "three")
	if got := r.bodyString(); got != "one two three" {
		t.Errorf("body %q, want the writes in order", got)
	}
	if r.bodyLen() != len("one two three") {
		t.Errorf("bodyLen %d", r.bodyLen())
	}
	lim := newResponseRecorder(5)
	io.WriteString(lim, "abc")
	io.WriteString(lim, "defgh")
	if got := lim.bodyString(); got != "abcde" {
		t.Errorf("body with a limit of 5: %q", got)
	}
	if r.header != nil {
		t.Error("the recorder made a header nobody asked for")
	}
}

// The outbox lends one buffer of parameters at a time and takes it back
// when the request is built; a loan while it is out is a buffer of its own.
func TestParamsLoan(t *testing.T) {
	o := &outbox{}
	a := o.loanParamsLocked(4)
	a = append(a, signing.Param{Name: "A", Value: "1"})
	b := o.loanParamsLocked(4)
	b = append(b, signing.Param{Name: "B", Value: "2"})
	if a[0].Name != "A" || b[0].Name != "B" {
		t.Fatalf("two loans share a buffer: %v %v", a, b)
	}
	o.returnParamsLocked(b) // not the lent one: ignored
	if !o.lent {
		t.Fatal("a buffer that was not lent was taken back")
	}
	o.returnParamsLocked(a)
	if o.lent {
		t.Fatal("the lent buffer was not taken back")
	}
	if a[0] != (signing.Param{}) {
		t.Error("the buffer taken back still holds the request's strings")
	}
	if c := o.loanParamsLocked(4); &c[:1][0] != &a[:1][0] {
		t.Error("the buffer taken back is not lent again")
	}
}

// Every request of a call gives its buffer back: after calls that make
// status callbacks, webhooks and action requests, none is out.
func TestParamsLoanComesBack(t *testing.T) {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		switch r.URL.Path {
		case "/voice":
			io.WriteString(w, `<Response><Gather numDigits="1" action="/next" timeout="1"><Say>Press</Say></Gather><Redirect>/next</Redirect></Response>`)
		case "/next":
			io.WriteString(w, `<Response><Say>Bye</Say></Response>`)
		}
	})
	s := NewServer(nil, WithApp("https://app.example.com", app))
	defer s.Close()
	form := url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"},
		"StatusCallback": {"https://app.example.com/status"}, "StatusCallbackEvent": {"initiated", "ringing", "answered", "completed"}}
	for range 3 {
		req, _ := http.NewRequest(http.MethodPost, "https://api.twilio.com/2010-04-01/Accounts/"+s.AccountSID()+"/Calls.json", strings.NewReader(form.Encode()))
		req.SetBasicAuth(s.AccountSID(), s.AuthToken())
		req.Header.Set("Content-Type", formType)
		resp, err := s.HTTPClient().Do(req)
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("create: %v %v", err, resp)
		}
	}
	s.Run()
	if n := len(s.Requests()); n != 3*6 {
		t.Fatalf("%d requests, want 6 (4 callbacks, /voice, /next) for each of 3 calls", n)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.out.lent {
		t.Error("a buffer of parameters is still out after every call ended")
	}
}
