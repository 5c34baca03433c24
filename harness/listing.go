package harness

import (
	"net/http"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// listFilter is one filter a list takes: its name in the query ("To",
// "StartTime<"), and how a value given for it becomes a test of an item.
type listFilter[T any] struct {
	name    string
	prepare func(value string) (func(T) bool, *APIError)
}

// listing declares a resource's list once: its filters, in the order the
// page URIs carry them, and the key of an item for PageToken.
type listing[T any] struct {
	filters []listFilter[T]
	key     func(T) string
}

// listQuery is a validated list request.
type listQuery[T any] struct {
	given  [][2]string // the filters given, in declared order, for the page URIs
	tests  []func(T) bool
	paging twilioapi.Paging
}

// parse validates the filters and paging of a list request.
func (l *listing[T]) parse(req *apiRequest) (*listQuery[T], *APIError) {
	q := req.query()
	lq := &listQuery[T]{}
	for _, f := range l.filters {
		v := twilioapi.Form(q).Get(f.name)
		if v == "" {
			continue
		}
		test, err := f.prepare(v)
		if err != nil {
			return nil, err
		}
		lq.given = append(lq.given, [2]string{f.name, v})
		lq.tests = append(lq.tests, test)
	}
	p, err := twilioapi.ParsePaging(q)
	if err != nil {
		return nil, badRequest(codeBadRequest, "%s", err)
	}
	lq.paging = p
	return lq, nil
}

// matches reports whether it passes every filter given.
func (lq *listQuery[T]) matches(it T) bool {
	for _, test := range lq.tests {
		if !test(it) {
			return false
		}
	}
	return true
}

// page returns the page asked for of items, which are already filtered and
// in the list's order, each rendered by render; path is the list's path as
// requested (with its extension). Call with srv.mu held if render needs it.
func page[T, W any](l *listing[T], lq *listQuery[T], items []T, path string, render func(T) *W) *twilioapi.Page[W] {
	p := lq.paging
	win := p.Locate(len(items), func(i int) string { return l.key(items[i]) })
	out := &twilioapi.Page[W]{
		Items:        make([]*W, 0, win.To-win.From),
		Page:         p.Page,
		PageSize:     p.Size,
		Start:        win.From,
		End:          max(win.From, win.To-1),
		URI:          twilioapi.PageURI(path, lq.given, p.Size, p.Page, p.Token),
		FirstPageURI: twilioapi.PageURI(path, lq.given, p.Size, 0, ""),
	}
	for _, it := range items[win.From:win.To] {
		out.Items = append(out.Items, render(it))
	}
	if win.To < len(items) {
		out.NextPageURI = twilioapi.PageURI(path, lq.given, p.Size, p.Page+1, "PA"+l.key(items[win.To-1]))
	}
	if p.Page > 0 {
		out.PreviousPageURI = twilioapi.PageURI(path, lq.given, p.Size, p.Page-1, "")
	}
	return out
}

// pageReply returns a reply with a page, rendered by its schema.
func pageReply[W any](schema *twilioapi.Schema[W], pg *twilioapi.Page[W]) apiReply {
	return apiReply{status: http.StatusOK, body: func(f twilioapi.Format) []byte { return schema.RenderPage(f, pg) }}
}

// timeFilter keeps items whose time (as at returns it) passes the date
// filter name ("StartTime<", "MessageDate>", …).
func timeFilter[T any](name string, at func(T) time.Time) func(string) (func(T) bool, *APIError) {
	return func(v string) (func(T) bool, *APIError) {
		f, err := twilioapi.ParseDateFilter(name, v)
		if err != nil {
			return nil, badRequest(codeBadRequest, "%s", err)
		}
		return func(it T) bool { return f.Match(at(it)) }, nil
	}
}
