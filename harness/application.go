package harness

import (
	"fmt"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// VoiceSettings are where an account's calls find their TwiML and report
// their progress: the voice settings that an [Application] and an
// [IncomingNumber] share. Methods default to POST.
type VoiceSettings struct {
	// VoiceURL is requested when a call answers (or, for a number, when a
	// call comes in).
	VoiceURL    string
	VoiceMethod string
	// VoiceFallbackURL is requested when a request for the call's TwiML
	// fails.
	VoiceFallbackURL    string
	VoiceFallbackMethod string
	// StatusCallback receives the completed event of each call.
	StatusCallback       string
	StatusCallbackMethod string
}

// check checks that each URL is absolute (or empty) and each method GET or
// POST, and sets empty methods to POST. what names the operation in
// errors.
func (v *VoiceSettings) check(what string) error {
	for _, f := range []struct {
		name        string
		url, method *string
	}{
		{"VoiceURL", &v.VoiceURL, &v.VoiceMethod},
		{"VoiceFallbackURL", &v.VoiceFallbackURL, &v.VoiceFallbackMethod},
		{"StatusCallback", &v.StatusCallback, &v.StatusCallbackMethod},
	} {
		if *f.url != "" && twilioapi.CheckURL(*f.url) != nil {
			return fmt.Errorf("harness: %s: %s %q is not an absolute http or https URL", what, f.name, *f.url)
		}
		m, err := twilioapi.Method(*f.method)
		if err != nil {
			return fmt.Errorf("harness: %s: %s method %q: %v", what, f.name, *f.method, err)
		}
		*f.method = m
	}
	return nil
}

// source returns where a call with these settings gets its TwiML.
func (v VoiceSettings) source() source {
	return source{url: v.VoiceURL, method: v.VoiceMethod, fallbackURL: v.VoiceFallbackURL, fallbackMethod: v.VoiceFallbackMethod}
}

// callback returns the status callback of a call with these settings: the
// completed event.
func (v VoiceSettings) callback() callback {
	return callback{url: v.StatusCallback, method: v.StatusCallbackMethod, events: evCompleted}
}

// Application is a TwiML application of an account: the voice settings a
// call created with its ApplicationSid uses instead of its own Url, Method,
// FallbackUrl and StatusCallback parameters, and that a number whose
// VoiceApplicationSID names it uses instead of its own. The REST API's
// Applications resource shows the same applications.
type Application struct {
	// SID is set by [Server.AddApplication] ("AP" and 32 hex digits).
	SID string
	// AccountSID is the owning account; empty means the server's first one.
	AccountSID string
	// FriendlyName is how the REST API names it; it may be empty.
	FriendlyName string
	VoiceSettings
}

// application is an [Application] as the server keeps it, with the rest
// of the REST resource. It is guarded by Server.mu.
type application struct {
	Application
	entry
	apiVersion        string
	callerIDLookup    bool
	sms               smsSettings
	smsStatusCallback string
	messageCallback   string // MessageStatusCallback
	publicConnect     bool   // PublicApplicationConnectEnabled
}

// newApplication returns an application with Twilio's defaults and the
// settings of app, whose methods are already checked.
func newApplication(app Application) *application {
	return &application{Application: app, apiVersion: apiVersion, sms: defaultSMS()}
}

// AddApplication registers app and returns its SID. It returns an error if
// the account is unknown, a URL is not absolute, a method is not GET or
// POST, or the friendly name is longer than 64 characters.
func (s *Server) AddApplication(app Application) (string, error) {
	if app.AccountSID == "" {
		app.AccountSID = s.cfg.accountSID
	}
	if err := app.check("add application"); err != nil {
		return "", err
	}
	if _, err := checkFriendlyName("FriendlyName", app.FriendlyName); err != nil {
		return "", fmt.Errorf("harness: add application: %s", err.Message)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[app.AccountSID]; !ok {
		return "", fmt.Errorf("harness: add application: unknown account %s", app.AccountSID)
	}
	app.SID = s.newDirectorySIDLocked("AP")
	a := newApplication(app)
	s.stampLocked(&a.entry)
	s.dir.apps[a.SID] = a
	return a.SID, nil
}
