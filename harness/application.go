package harness

import "fmt"

// Application is a TwiML application of an account: the voice settings a
// call created with its ApplicationSid uses instead of its own Url, Method,
// FallbackUrl and StatusCallback parameters.
type Application struct {
	// SID is set by [Server.AddApplication] ("AP" and 32 hex digits).
	SID string
	// AccountSID is the owning account; empty means the server's first one.
	AccountSID string
	// VoiceURL is requested when a call answers; VoiceMethod defaults to POST.
	VoiceURL    string
	VoiceMethod string
	// VoiceFallbackURL is requested when VoiceURL fails; its method defaults
	// to POST.
	VoiceFallbackURL    string
	VoiceFallbackMethod string
	// StatusCallback receives the completed event of each call;
	// StatusCallbackMethod defaults to POST.
	StatusCallback       string
	StatusCallbackMethod string
}

// AddApplication registers app and returns its SID. It returns an error if
// the account is unknown, a URL is not absolute, or a method is not GET or
// POST.
func (s *Server) AddApplication(app Application) (string, error) {
	if app.AccountSID == "" {
		app.AccountSID = s.cfg.accountSID
	}
	if err := checkURLMethods("add application", []urlMethod{
		{"VoiceURL", &app.VoiceURL, &app.VoiceMethod},
		{"VoiceFallbackURL", &app.VoiceFallbackURL, &app.VoiceFallbackMethod},
		{"StatusCallback", &app.StatusCallback, &app.StatusCallbackMethod},
	}); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[app.AccountSID]; !ok {
		return "", fmt.Errorf("harness: add application: unknown account %s", app.AccountSID)
	}
	app.SID = s.ids.sid("AP")
	s.apps[app.SID] = &app
	return app.SID, nil
}

// urlMethod is a URL setting and its method, as applications and numbers
// have them.
type urlMethod struct {
	name   string
	url    *string
	method *string
}

// checkURLMethods checks that each URL is absolute (or empty) and each
// method GET or POST, and sets empty methods to POST. what names the
// operation in errors.
func checkURLMethods(what string, fields []urlMethod) error {
	for _, f := range fields {
		if *f.url != "" && checkURL(*f.url) != nil {
			return fmt.Errorf("harness: %s: %s %q is not an absolute http or https URL", what, f.name, *f.url)
		}
		m, err := httpMethod(*f.method)
		if err != nil {
			return fmt.Errorf("harness: %s: %s method %q: %v", what, f.name, *f.method, err)
		}
		*f.method = m
	}
	return nil
}
