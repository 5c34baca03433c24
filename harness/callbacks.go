package harness

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// apiVersion is the version of the REST API the fake implements.
const apiVersion = "2010-04-01"

// rfc2822 formats t as Twilio's dates: "Tue, 31 Aug 2010 20:36:28 +0000".
func rfc2822(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// standardParams returns the parameters of every request Twilio makes about
// a call, with CallStatus st. Call with srv.mu held.
func (c *Call) standardParams(st Status) params {
	p := make(params, 0, 40)
	p = append(p,
		param{"AccountSid", c.account},
		param{"ApiVersion", apiVersion},
		param{"CallSid", c.sid},
		param{"CallStatus", string(st)},
		param{"Called", c.to},
		param{"Caller", c.from},
		param{"Direction", string(c.direction)},
		param{"From", c.from},
		param{"To", c.to},
	)
	p = geoParams(p, c.to, "To", "Called")
	p = geoParams(p, c.from, "From", "Caller")
	if c.appSID != "" {
		p.add("ApplicationSid", c.appSID)
	}
	if c.parent != "" {
		p.add("ParentCallSid", c.parent)
	}
	return p
}

// geoParams adds the geographic parameters of a phone number under both of
// its names (To and Called, From and Caller). The harness knows countries
// from calling codes; city, state and zip are sent empty.
func geoParams(p params, number, name, alias string) params {
	if !strings.HasPrefix(number, "+") {
		return p
	}
	country := countryOf(number)
	for _, prefix := range []string{name, alias} {
		p = append(p,
			param{prefix + "City", ""},
			param{prefix + "Country", country},
			param{prefix + "State", ""},
			param{prefix + "Zip", ""},
		)
	}
	return p
}

// progress builds the status callback for ev if the call subscribed to it.
// Call with srv.mu held, right after the status change it reports.
func (c *Call) progress(ev eventSet) *webhook {
	if c.cb.url == "" || c.cb.events&ev == 0 {
		return nil
	}
	p := c.standardParams(c.status)
	p = append(p,
		param{"CallbackSource", "call-progress-events"},
		param{"SequenceNumber", strconv.Itoa(c.cbSeq)},
		param{"Timestamp", rfc2822(c.srv.clock.now)},
	)
	c.cbSeq++
	if ev == evCompleted {
		p = append(p,
			param{"CallDuration", strconv.Itoa(c.seconds())},
			param{"Duration", strconv.Itoa(c.billedMinutes())},
		)
		if c.status == StatusFailed || c.status == StatusNoAnswer {
			p.add("SipResponseCode", strconv.Itoa(c.sipCode))
		}
		if r := c.recording; r != nil && r.Status == "completed" {
			p = append(p,
				param{"RecordingUrl", r.URL},
				param{"RecordingSid", r.SID},
				param{"RecordingDuration", strconv.Itoa(int(r.Duration / time.Second))},
			)
		}
	}
	method := c.cb.method
	if method == "" {
		method = http.MethodPost
	}
	return c.srv.newWebhook(KindStatusCallback, c, method, c.cb.url, p)
}
