package twiml

// Verb is one instruction of a document: a typed verb such as [*Say], or an
// [*Element] for the verbs this package does not type yet.
type Verb interface {
	// VerbName returns the element name, as written in the document ("Say").
	VerbName() string
}

// Say speaks its text. Twilio's defaults: voice "man", language "en-US",
// loop 1 (0 means repeat until the call ends, which Twilio caps at 1,000).
type Say struct {
	Text     string
	Voice    string
	Language string
	Loop     int
}

// VerbName returns "Say".
func (*Say) VerbName() string { return "Say" }

// Pause waits silently. Length is in seconds, 1 by default.
type Pause struct {
	Length int
}

// VerbName returns "Pause".
func (*Pause) VerbName() string { return "Pause" }

// Hangup ends the call.
type Hangup struct{}

// VerbName returns "Hangup".
func (*Hangup) VerbName() string { return "Hangup" }

// Element is an element the package keeps as written: its name, attributes
// in document order, text and child elements.
type Element struct {
	Name     string
	Attrs    []Attr
	Text     string
	Children []*Element
}

// VerbName returns the element's name.
func (e *Element) VerbName() string { return e.Name }

// Attr returns the value of the attribute named key and whether it is set.
func (e *Element) Attr(key string) (string, bool) {
	for _, a := range e.Attrs {
		if a.Name == key {
			return a.Value, true
		}
	}
	return "", false
}

// Attr is one attribute of an [Element].
type Attr struct {
	Name  string
	Value string
}
