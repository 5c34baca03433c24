package harness

import (
	"strconv"

	"github.com/twimlharness/twimlharness/harness/internal/phone"
	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// callResource is the Call resource as Twilio's REST API renders it: every
// field a string or null except subresource_uris. Its json tags are the
// only place a field's wire name is written: JSON, CSV and XML all come
// from them (see twilioapi.Schema).
type callResource struct {
	AccountSid      string          `json:"account_sid"`
	AnsweredBy      *string         `json:"answered_by"`
	APIVersion      string          `json:"api_version"`
	CallerName      *string         `json:"caller_name"`
	DateCreated     string          `json:"date_created"`
	DateUpdated     string          `json:"date_updated"`
	Direction       string          `json:"direction"`
	Duration        *string         `json:"duration"`
	EndTime         *string         `json:"end_time"`
	ForwardedFrom   *string         `json:"forwarded_from"`
	From            string          `json:"from"`
	FromFormatted   string          `json:"from_formatted"`
	GroupSid        *string         `json:"group_sid"`
	ParentCallSid   *string         `json:"parent_call_sid"`
	PhoneNumberSid  *string         `json:"phone_number_sid"`
	Price           *string         `json:"price"`
	PriceUnit       string          `json:"price_unit"`
	Sid             string          `json:"sid"`
	StartTime       *string         `json:"start_time"`
	Status          string          `json:"status"`
	SubresourceURIs twilioapi.Links `json:"subresource_uris"`
	To              string          `json:"to"`
	ToFormatted     string          `json:"to_formatted"`
	TrunkSid        *string         `json:"trunk_sid"`
	URI             string          `json:"uri"`
	QueueTime       *string         `json:"queue_time"`
}

// callSchema renders calls: <Call> in XML, "calls" in lists. Immutable.
var callSchema = twilioapi.NewSchema[callResource]("Call", "calls")

// callSubresources are the keys and paths of a call's subresource URIs, in
// the order Twilio lists them.
var callSubresources = [][2]string{
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

func strPtr(s string) *string { return &s }

// resourceLocked renders the call as the REST API shows it.
func (c *Call) resourceLocked() *callResource {
	ln := &c.line
	r := &callResource{
		AccountSid:      c.account,
		APIVersion:      apiVersion,
		DateCreated:     c.srv.dateLocked(c.created),
		DateUpdated:     c.srv.dateLocked(ln.updated),
		Direction:       string(c.direction),
		From:            c.from,
		FromFormatted:   phone.Format(c.from),
		PriceUnit:       c.srv.cfg.priceUnit,
		Sid:             c.sid,
		Status:          string(ln.status.resource()),
		SubresourceURIs: twilioapi.Links{Base: c.uri[:len(c.uri)-len(".json")], Names: callSubresources},
		To:              c.to,
		ToFormatted:     phone.Format(c.to),
		URI:             c.uri,
	}
	if c.parent != "" {
		r.ParentCallSid = strPtr(c.parent)
	}
	if by := c.amd.answeredBy; by != "" {
		r.AnsweredBy = strPtr(by)
	}
	if c.number != nil {
		r.PhoneNumberSid = strPtr(c.number.SID)
		caller := c.farEnd.party.Caller
		if caller.ForwardedFrom != "" {
			r.ForwardedFrom = strPtr(caller.ForwardedFrom)
		}
		if caller.Name != "" {
			r.CallerName = strPtr(caller.Name)
		}
	}
	queue := "0"
	if !ln.started.IsZero() {
		r.StartTime = strPtr(twilioapi.Date(ln.started))
		queue = strconv.FormatInt(ln.started.Sub(c.created).Milliseconds(), 10)
	}
	r.QueueTime = &queue
	if ln.status.Ended() {
		if end, ok := c.shownEndLocked(); ok {
			r.EndTime = strPtr(twilioapi.Date(end))
		}
		if ln.status == StatusCompleted || c.srv.cfg.fidelity.UnansweredCallTimes {
			r.Duration = strPtr(strconv.Itoa(c.secondsLocked()))
		}
		r.Price = strPtr(ln.price)
	}
	return r
}
