package matchers

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveRequested succeeds when the fake made a request of kind (any kind
// when empty) that meets every condition added with To, WithMethod and
// WithParam.
//
//	Expect(call).To(HaveRequested(harness.KindAction).To("/menu").WithParam("Digits", "1"))
//	Expect(srv).To(HaveRequested(harness.KindStatusCallback).WithParam("CallStatus", "busy"))
func HaveRequested(kind harness.RequestKind) *RequestMatcher {
	return &RequestMatcher{kind: kind}
}

// RequestMatcher is the matcher HaveRequested returns; its methods narrow
// it.
type RequestMatcher struct {
	kind   harness.RequestKind
	url    any
	method string
	params []paramCond
	got    []harness.Request
}

type paramCond struct {
	name     string
	expected any
}

// To requires the request's URL. A string must be the whole URL ("https://app.example.com/menu"),
// or its path ("/menu"), or its path and the query it was configured with
// ("/menu?step=2"); the parameters a GET adds to the query do not count. A
// pattern is explicit: a *regexp.Regexp or a Gomega matcher
// (ContainSubstring("menu")) is matched against the URL as requested (for
// a GET, with its parameters).
func (m *RequestMatcher) To(expected any) *RequestMatcher {
	m.url = expected
	return m
}

// urlMatches reports whether req's URL is what To asked for.
func urlMatches(expected any, req harness.Request) (bool, error) {
	s, ok := expected.(string)
	if !ok {
		return valueMatcher(expected).Match(req.URL)
	}
	if s == req.URL || s == req.Target {
		return true, nil
	}
	u, err := url.Parse(req.Target)
	if err != nil {
		return false, nil
	}
	return s == u.Path || s == u.RequestURI(), nil
}

// WithMethod requires the HTTP method ("GET" or "POST").
func (m *RequestMatcher) WithMethod(method string) *RequestMatcher {
	m.method = strings.ToUpper(method)
	return m
}

// WithParam requires the parameter name to be sent with a value equal to
// expected, or satisfying it if it is a matcher.
func (m *RequestMatcher) WithParam(name string, expected any) *RequestMatcher {
	m.params = append(m.params, paramCond{name, expected})
	return m
}

// Match implements types.GomegaMatcher.
func (m *RequestMatcher) Match(actual any) (bool, error) {
	r, err := asRecord("HaveRequested", actual)
	if err != nil {
		return false, err
	}
	m.got = r.Requests()
	for _, req := range m.got {
		ok, err := m.matches(req)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func (m *RequestMatcher) matches(req harness.Request) (bool, error) {
	if (m.kind != "" && req.Kind != m.kind) || (m.method != "" && req.Method != m.method) {
		return false, nil
	}
	if m.url != nil {
		if ok, err := urlMatches(m.url, req); err != nil || !ok {
			return false, err
		}
	}
	for _, p := range m.params {
		vs, ok := req.Form[p.name]
		if !ok {
			return false, nil
		}
		if ok, err := exactly(p.expected).Match(vs[0]); err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// want describes the request the matcher looks for.
func (m *RequestMatcher) want() string {
	var b strings.Builder
	b.WriteString("a")
	if m.method != "" {
		b.WriteString(" " + m.method)
	}
	if m.kind != "" {
		fmt.Fprintf(&b, " %s", m.kind)
	}
	b.WriteString(" request")
	if m.url != nil {
		b.WriteString(" to " + describe(m.url))
	}
	for i, p := range m.params {
		if i == 0 {
			b.WriteString(" with")
		} else {
			b.WriteString(" and")
		}
		fmt.Fprintf(&b, " %s=%s", p.name, describe(p.expected))
	}
	return b.String()
}

// made lists the requests made, with the parameters the matcher asks for.
func (m *RequestMatcher) made() string {
	if len(m.got) == 0 {
		return "    (none)"
	}
	var lines []string
	for _, req := range m.got {
		line := fmt.Sprintf("    %s %s %s", req.Kind, req.Method, req.URL)
		var shown []string
		for _, p := range m.params {
			if vs, ok := req.Form[p.name]; ok {
				shown = append(shown, fmt.Sprintf("%s=%q", p.name, vs[0]))
			} else {
				shown = append(shown, p.name+" not sent")
			}
		}
		sort.Strings(shown)
		if len(shown) > 0 {
			line += " [" + strings.Join(shown, ", ") + "]"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// FailureMessage implements types.GomegaMatcher.
func (m *RequestMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have made %s, but the requests made were:\n%s%s", subject(actual), m.want(), m.made(), transcript(actual))
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *RequestMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have made %s, but it did; the requests made were:\n%s%s", subject(actual), m.want(), m.made(), transcript(actual))
}

// MatchMayChangeInTheFuture tells Eventually to stop once the call ended.
func (m *RequestMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }

// HaveRedirectedTo succeeds when the call followed a <Redirect> to a URL
// that matches expected, as [RequestMatcher.To] matches it: the whole URL
// or its path (with its configured query) for a string, or a
// *regexp.Regexp or a matcher.
//
//	Expect(call).To(HaveRedirectedTo("/voice?retry=1"))
func HaveRedirectedTo(expected any) types.GomegaMatcher {
	return HaveRequested(harness.KindRedirect).To(expected)
}
