package harness

import (
	"bytes"
	"encoding/csv"
	"strconv"
)

// callResource is the Call resource as Twilio's REST API renders it: every
// field a string or null except subresource_uris.
type callResource struct {
	AccountSid     string  `json:"account_sid"`
	AnsweredBy     *string `json:"answered_by"`
	APIVersion     string  `json:"api_version"`
	CallerName     *string `json:"caller_name"`
	DateCreated    string  `json:"date_created"`
	DateUpdated    string  `json:"date_updated"`
	Direction      string  `json:"direction"`
	Duration       *string `json:"duration"`
	EndTime        *string `json:"end_time"`
	ForwardedFrom  *string `json:"forwarded_from"`
	From           string  `json:"from"`
	FromFormatted  string  `json:"from_formatted"`
	GroupSid       *string `json:"group_sid"`
	ParentCallSid  *string `json:"parent_call_sid"`
	PhoneNumberSid *string `json:"phone_number_sid"`
	Price          *string `json:"price"`
	PriceUnit      string  `json:"price_unit"`
	Sid            string  `json:"sid"`
	StartTime      *string `json:"start_time"`
	Status         string  `json:"status"`
	To             string  `json:"to"`
	ToFormatted    string  `json:"to_formatted"`
	TrunkSid       *string `json:"trunk_sid"`
	URI            string  `json:"uri"`
	QueueTime      *string `json:"queue_time"`

	base string // the call's URI without ".json", for the subresource URIs
}

// subresourceNames are the keys and paths of a call's subresource URIs, in
// the order Twilio lists them.
var subresourceNames = [...]struct{ key, path string }{
	{"notifications", "Notifications"},
	{"recordings", "Recordings"},
	{"payments", "Payments"},
	{"events", "Events"},
	{"siprec", "Siprec"},
	{"streams", "Streams"},
	{"transcriptions", "Transcriptions"},
	{"user_defined_message_subscriptions", "UserDefinedMessageSubscriptions"},
	{"user_defined_messages", "UserDefinedMessages"},
}

// callList is a page of the Calls list.
type callList struct {
	Calls           []*callResource `json:"calls"`
	End             int             `json:"end"`
	FirstPageURI    string          `json:"first_page_uri"`
	NextPageURI     *string         `json:"next_page_uri"`
	Page            int             `json:"page"`
	PageSize        int             `json:"page_size"`
	PreviousPageURI *string         `json:"previous_page_uri"`
	Start           int             `json:"start"`
	URI             string          `json:"uri"`
}

func strPtr(s string) *string { return &s }

// resource renders the call as the REST API shows it. Call with srv.mu held.
func (c *Call) resource() *callResource {
	r := &callResource{
		AccountSid:    c.account,
		APIVersion:    apiVersion,
		DateCreated:   rfc2822(c.created),
		DateUpdated:   rfc2822(c.updated),
		Direction:     string(c.direction),
		From:          c.from,
		FromFormatted: formatAddress(c.from),
		PriceUnit:     c.srv.cfg.priceUnit,
		Sid:           c.sid,
		Status:        string(c.status.resource()),
		To:            c.to,
		ToFormatted:   formatAddress(c.to),
		URI:           c.uri,
		base:          c.uri[:len(c.uri)-len(".json")],
	}
	if c.parent != "" {
		r.ParentCallSid = strPtr(c.parent)
	}
	if c.answeredBy != "" {
		r.AnsweredBy = strPtr(c.answeredBy)
	}
	if c.number != nil {
		r.PhoneNumberSid = strPtr(c.number.SID)
		if c.party.Caller.ForwardedFrom != "" {
			r.ForwardedFrom = strPtr(c.party.Caller.ForwardedFrom)
		}
		if c.party.Caller.Name != "" {
			r.CallerName = strPtr(c.party.Caller.Name)
		}
	}
	queue := "0"
	if !c.started.IsZero() {
		r.StartTime = strPtr(rfc2822(c.started))
		queue = strconv.FormatInt(c.started.Sub(c.created).Milliseconds(), 10)
	}
	r.QueueTime = &queue
	if c.status.Ended() {
		if !c.ended.IsZero() {
			r.EndTime = strPtr(rfc2822(c.ended))
		}
		r.Duration = strPtr(strconv.Itoa(c.seconds()))
		r.Price = strPtr(c.price)
	}
	return r
}

// csvColumns are the columns of the CSV representation, named as the JSON
// fields they come from, in the JSON's order.
var csvColumns = []string{
	"account_sid", "answered_by", "api_version", "caller_name", "date_created", "date_updated",
	"direction", "duration", "end_time", "forwarded_from", "from", "from_formatted", "group_sid",
	"parent_call_sid", "phone_number_sid", "price", "price_unit", "sid", "start_time", "status",
	"to", "to_formatted", "trunk_sid", "uri", "queue_time",
}

func (r *callResource) csvRow() []string {
	v := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return []string{
		r.AccountSid, v(r.AnsweredBy), r.APIVersion, v(r.CallerName), r.DateCreated, r.DateUpdated,
		r.Direction, v(r.Duration), v(r.EndTime), v(r.ForwardedFrom), r.From, r.FromFormatted, v(r.GroupSid),
		v(r.ParentCallSid), v(r.PhoneNumberSid), v(r.Price), r.PriceUnit, r.Sid, v(r.StartTime), r.Status,
		r.To, r.ToFormatted, v(r.TrunkSid), r.URI, v(r.QueueTime),
	}
}

// renderCSV renders a call or a page of calls as CSV with a header row.
func renderCSV(value any) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(csvColumns)
	switch v := value.(type) {
	case *callResource:
		w.Write(v.csvRow())
	case *callList:
		for _, c := range v.Calls {
			w.Write(c.csvRow())
		}
	}
	w.Flush()
	return buf.Bytes()
}
