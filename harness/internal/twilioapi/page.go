package twilioapi

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"
	"unsafe"
)

// Paging limits of every list.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// Page is one page of a list, with Twilio's envelope.
type Page[T any] struct {
	Items []*T
	// Page is the page's number from 0; PageSize how many items a page has;
	// Start and End the positions of its first and last items in the whole
	// list (End is Start on an empty page).
	Page, PageSize, Start, End int
	// URI is the page's own URI and FirstPageURI the first page's, both
	// relative with the filters; NextPageURI and PreviousPageURI are empty
	// (null on the wire) on the last and first pages.
	URI, FirstPageURI, NextPageURI, PreviousPageURI string
}

// pageJSON writes the envelope with its keys in alphabetical order and
// the items under the schema's list key.
func (s *Schema[T]) pageJSON(p *Page[T]) []byte {
	type entry struct {
		key string
		put func([]byte) []byte
	}
	str := func(v string) func([]byte) []byte { return func(b []byte) []byte { return appendString(b, v) } }
	orNull := func(v string) func([]byte) []byte {
		if v == "" {
			return func(b []byte) []byte { return append(b, "null"...) }
		}
		return str(v)
	}
	num := func(n int) func([]byte) []byte {
		return func(b []byte) []byte { return strconv.AppendInt(b, int64(n), 10) }
	}
	items := func(b []byte) []byte {
		b = append(b, '[')
		for i, it := range p.Items {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, s.fields, unsafe.Pointer(it))
		}
		return append(b, ']')
	}
	entries := []entry{
		{"end", num(p.End)}, {"first_page_uri", str(p.FirstPageURI)}, {"next_page_uri", orNull(p.NextPageURI)},
		{"page", num(p.Page)}, {"page_size", num(p.PageSize)}, {"previous_page_uri", orNull(p.PreviousPageURI)},
		{"start", num(p.Start)}, {"uri", str(p.URI)},
	}
	b := make([]byte, 0, 512+2048*len(p.Items))
	b = append(b, '{')
	write := func(key string, put func([]byte) []byte) {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = appendString(b, key)
		b = append(b, ':')
		b = put(b)
	}
	wroteItems := false
	for _, e := range entries {
		if !wroteItems && s.listKey < e.key {
			write(s.listKey, items)
			wroteItems = true
		}
		write(e.key, e.put)
	}
	if !wroteItems {
		write(s.listKey, items)
	}
	return append(b, '}')
}

// pageXML writes <TwilioResponse><Calls page=… …><Call>…</Call></Calls>:
// the envelope's keys without underscores as attributes.
func (s *Schema[T]) pageXML(p *Page[T]) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	list := Pascal(s.listKey)
	b.WriteString("<TwilioResponse><" + list)
	for _, a := range [][2]string{
		{"page", strconv.Itoa(p.Page)}, {"pagesize", strconv.Itoa(p.PageSize)},
		{"start", strconv.Itoa(p.Start)}, {"end", strconv.Itoa(p.End)}, {"uri", p.URI},
		{"firstpageuri", p.FirstPageURI}, {"previouspageuri", p.PreviousPageURI}, {"nextpageuri", p.NextPageURI},
	} {
		b.WriteString(" " + a[0] + `="`)
		xml.EscapeText(&b, []byte(a[1]))
		b.WriteByte('"')
	}
	b.WriteByte('>')
	for _, it := range p.Items {
		s.writeXML(&b, it)
	}
	b.WriteString("</" + list + "></TwilioResponse>")
	return b.Bytes()
}

// Paging is what a list request asks for beyond its filters.
type Paging struct {
	Size  int    // PageSize: DefaultPageSize when absent, at most MaxPageSize
	Page  int    // Page, from 0
	Token string // PageToken, as given
}

// ParsePaging reads PageSize, Page and PageToken. A PageSize above
// MaxPageSize is read as MaxPageSize.
func ParsePaging(q url.Values) (Paging, error) {
	p := Paging{Size: DefaultPageSize, Token: q.Get("PageToken")}
	if v := q.Get("PageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, &InputError{Param: "PageSize", Message: "PageSize must be a positive integer: " + v}
		}
		p.Size = min(n, MaxPageSize)
	}
	if v := q.Get("Page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, &InputError{Param: "Page", Message: "Page must be a non-negative integer: " + v}
		}
		p.Page = n
	}
	return p, nil
}

// Window is where a page falls in a list of n items.
type Window struct {
	From, To int // the items [From, To) of the list
}

// Locate returns the window of the page asked for in a list of n items
// whose keys are key(0) … key(n-1): the page's number times its size, or,
// with a PageToken "PA"+key, the items after that key (Twilio's tokens
// name the last item of the previous page).
func (p Paging) Locate(n int, key func(i int) string) Window {
	from := n // a page past the end, without overflowing Page*Size
	if p.Page <= n/p.Size {
		from = p.Page * p.Size
	}
	if k, ok := strings.CutPrefix(p.Token, "PA"); ok {
		for i := range n {
			if key(i) == k {
				from = i + 1
				break
			}
		}
	}
	return Window{From: from, To: min(from+p.Size, n)}
}

// PageURI returns the relative URI of a page of the list at path
// ("/2010-04-01/Accounts/AC…/Calls.json"), carrying the filters (name,
// value pairs in the order given), PageSize, Page and the token if any.
func PageURI(path string, filters [][2]string, size, page int, token string) string {
	var b strings.Builder
	b.WriteString(path)
	b.WriteByte('?')
	add := func(k, v string) {
		b.WriteString(url.QueryEscape(k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v))
		b.WriteByte('&')
	}
	for _, f := range filters {
		add(f[0], f[1])
	}
	add("PageSize", strconv.Itoa(size))
	add("Page", strconv.Itoa(page))
	if token != "" {
		add("PageToken", token)
	}
	s := b.String()
	return s[:len(s)-1]
}
