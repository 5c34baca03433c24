package harness

import "github.com/twimlharness/twimlharness/twiml"

// redirectVerbLocked continues with the document at the <Redirect>'s URL.
// Before an incoming call is answered it keeps ringing.
func (c *Call) redirectVerbLocked(v *twiml.Redirect) bool {
	c.transferLocked(KindRedirect, v.URL, v.Method, nil)
	return true
}
