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
// a call, with CallStatus st, sorted by name: a copy of the call's own,
// built once. Call with srv.mu held.
func (c *Call) standardParams(st Status) params {
	if c.base == nil {
		c.base = c.buildStandardParams()
	}
	p := make(params, len(c.base), len(c.base)+10)
	copy(p, c.base)
	p.set("CallStatus", string(st))
	return p
}

// buildStandardParams builds the call's standard parameters. Call with
// srv.mu held.
func (c *Call) buildStandardParams() params {
	const st = ""
	p := make(params, 0, 36)
	p = append(p, param{"AccountSid", c.account}, param{"ApiVersion", apiVersion})
	if c.appSID != "" {
		p = append(p, param{"ApplicationSid", c.appSID})
	}
	p = append(p, param{"CallSid", c.sid}, param{"CallStatus", string(st)}, param{"Called", c.to})
	p = geoParams(p, "Called", c.to)
	p = append(p, param{"Caller", c.from})
	p = geoParams(p, "Caller", c.from)
	p = append(p, param{"Direction", string(c.direction)}, param{"From", c.from})
	p = geoParams(p, "From", c.from)
	if c.parent != "" {
		p = append(p, param{"ParentCallSid", c.parent})
	}
	p = append(p, param{"To", c.to})
	p = geoParams(p, "To", c.to)
	if c.answeredBy != "" {
		p.add("AnsweredBy", c.answeredBy)
	}
	if c.direction == DirectionInbound {
		c.inboundParams(&p)
	}
	return p
}

// geoParams adds the geographic parameters of a phone number under the
// prefix name (To, Called, From, Caller). The harness knows countries from
// calling codes; city, state and zip are sent empty.
func geoParams(p params, name, number string) params {
	if !strings.HasPrefix(number, "+") {
		return p
	}
	n := geoNames(name)
	return append(p,
		param{n[0], ""},
		param{n[1], countryOf(number)},
		param{n[2], ""},
		param{n[3], ""},
	)
}

// geoNames returns the names of the geographic parameters of a prefix.
func geoNames(prefix string) [4]string {
	switch prefix {
	case "Called":
		return [4]string{"CalledCity", "CalledCountry", "CalledState", "CalledZip"}
	case "Caller":
		return [4]string{"CallerCity", "CallerCountry", "CallerState", "CallerZip"}
	case "From":
		return [4]string{"FromCity", "FromCountry", "FromState", "FromZip"}
	case "To":
		return [4]string{"ToCity", "ToCountry", "ToState", "ToZip"}
	}
	return [4]string{prefix + "City", prefix + "Country", prefix + "State", prefix + "Zip"}
}

// progress builds the status callback for ev if the call subscribed to it.
// Call with srv.mu held, right after the status change it reports.
func (c *Call) progress(ev eventSet) *webhook {
	if c.cb.url == "" || c.cb.events&ev == 0 {
		return nil
	}
	p := c.standardParams(c.status)
	p.add("CallbackSource", "call-progress-events")
	p.add("SequenceNumber", strconv.Itoa(c.cbSeq))
	p.add("Timestamp", rfc2822(c.srv.clock.now))
	c.cbSeq++
	if ev == evCompleted {
		p.add("CallDuration", strconv.Itoa(c.seconds()))
		p.add("Duration", strconv.Itoa(c.billedMinutes()))
		if c.status == StatusFailed || c.status == StatusNoAnswer {
			p.add("SipResponseCode", strconv.Itoa(c.sipCode))
		}
		if r := c.apiRecording(); r != nil && r.Status == "completed" {
			p.add("RecordingUrl", r.URL)
			p.add("RecordingSid", r.SID)
			p.add("RecordingDuration", strconv.Itoa(int(r.Duration/time.Second)))
		}
	}
	method := c.cb.method
	if method == "" {
		method = http.MethodPost
	}
	return c.srv.newWebhook(KindStatusCallback, c, method, c.cb.url, p)
}
