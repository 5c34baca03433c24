package harness

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/phone"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
)

// roomForParams is how many parameters a request may add to the standard
// ones without outgrowing the buffer they are lent in.
const roomForParams = 32

// standardParamsLocked returns the parameters of every request Twilio makes
// about a call, with CallStatus st, sorted by name: a copy of the call's
// own, built once, in a buffer the outbox lends (see
// [outbox.loanParamsLocked]): hand them to [outbox.buildLocked], which
// takes the buffer back, and use them no more after that.
func (c *Call) standardParamsLocked(st Status) signing.Params {
	base := c.baseParamsLocked()
	p := c.srv.out.loanParamsLocked(len(base) + roomForParams)
	p = append(p, base...)
	p.Set("CallStatus", string(st))
	return p
}

// baseParamsLocked returns the call's standard parameters without
// CallStatus, built on first use; the caller must not change them.
func (c *Call) baseParamsLocked() signing.Params {
	if c.callback.base == nil {
		c.callback.base = c.buildStandardParamsLocked()
	}
	return c.callback.base
}

// standardParamLocked returns the value of one standard parameter of the
// call ("" when it has none), for who reads it rather than sends it.
func (c *Call) standardParamLocked(name string) string {
	v, _ := c.baseParamsLocked().Get(name)
	return v
}

// buildStandardParamsLocked builds the call's standard parameters.
func (c *Call) buildStandardParamsLocked() signing.Params {
	p := make(signing.Params, 0, 36)
	p = append(p, signing.Param{Name: "AccountSid", Value: c.account}, signing.Param{Name: "ApiVersion", Value: apiVersion})
	if c.appSID != "" {
		p = append(p, signing.Param{Name: "ApplicationSid", Value: c.appSID})
	}
	p = append(p, signing.Param{Name: "CallSid", Value: c.sid}, signing.Param{Name: "CallStatus"}, signing.Param{Name: "Called", Value: c.to})
	p = geoParams(p, "Called", c.to)
	p = append(p, signing.Param{Name: "Caller", Value: c.from})
	p = geoParams(p, "Caller", c.from)
	p = append(p, signing.Param{Name: "Direction", Value: string(c.direction)}, signing.Param{Name: "From", Value: c.from})
	p = geoParams(p, "From", c.from)
	if c.parent != "" {
		p = append(p, signing.Param{Name: "ParentCallSid", Value: c.parent})
	}
	p = append(p, signing.Param{Name: "To", Value: c.to})
	p = geoParams(p, "To", c.to)
	if by := c.amd.answeredBy; by != "" {
		p.Add("AnsweredBy", by)
	}
	if c.direction == DirectionInbound {
		c.inboundParamsLocked(&p)
	}
	p.Escape() // escaped once for every request of the call
	return p
}

// geoParams adds the geographic parameters of a phone number under the
// prefix name (To, Called, From, Caller). The harness knows countries from
// calling codes; city, state and zip are sent empty.
func geoParams(p signing.Params, name, number string) signing.Params {
	if !strings.HasPrefix(number, "+") {
		return p
	}
	n := geoNames(name)
	return append(p,
		signing.Param{Name: n[0]},
		signing.Param{Name: n[1], Value: phone.Country(number)},
		signing.Param{Name: n[2]},
		signing.Param{Name: n[3]},
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

// progressLocked builds the status callback for ev if the call subscribed
// to it. Call it right after the status change it reports.
func (c *Call) progressLocked(ev eventSet) *webhook {
	cb := &c.callback
	if cb.url == "" || cb.events&ev == 0 {
		return nil
	}
	p := c.standardParamsLocked(c.line.status)
	p.Add("CallbackSource", "call-progress-events")
	p.Add("SequenceNumber", strconv.Itoa(cb.seq))
	p.Add("Timestamp", c.srv.dateLocked(c.srv.clock.Now()))
	cb.seq++
	if ev == evCompleted {
		p.Add("CallDuration", strconv.Itoa(c.secondsLocked()))
		p.Add("Duration", strconv.Itoa(c.billedMinutesLocked()))
		if st := c.line.status; st == StatusFailed || st == StatusNoAnswer {
			p.Add("SipResponseCode", strconv.Itoa(c.line.sipCode))
		}
		if r := c.apiRecordingLocked(); r != nil && r.Status == "completed" {
			p.Add("RecordingUrl", r.URL)
			p.Add("RecordingSid", r.SID)
			p.Add("RecordingDuration", strconv.Itoa(int(r.Duration/time.Second)))
		}
		c.srv.verificationParamsLocked(c, &p)
	}
	method := cb.method
	if method == "" {
		method = http.MethodPost
	}
	return c.srv.out.buildLocked(KindStatusCallback, c, method, cb.url, p)
}
