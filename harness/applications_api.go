package harness

import (
	"net/http"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// applicationsResource is the Applications resource (TwiML apps):
// …/Applications.json (list, create) and …/Applications/{Sid}.json
// (fetch, update, delete).
func applicationsResource() resource {
	return resource{path: "Applications",
		list: (*Server).listApplications, create: (*Server).createApplication,
		fetch: (*Server).fetchApplication, update: (*Server).updateApplication, delete: (*Server).deleteApplication}
}

// applicationResource is the Application resource as Twilio's REST API
// renders it. Unset URLs, and an unset friendly name, are null; methods
// are always set.
type applicationResource struct {
	AccountSid                      string  `json:"account_sid"`
	APIVersion                      string  `json:"api_version"`
	DateCreated                     string  `json:"date_created"`
	DateUpdated                     string  `json:"date_updated"`
	FriendlyName                    *string `json:"friendly_name"`
	MessageStatusCallback           *string `json:"message_status_callback"`
	PublicApplicationConnectEnabled bool    `json:"public_application_connect_enabled"`
	Sid                             string  `json:"sid"`
	SmsFallbackMethod               string  `json:"sms_fallback_method"`
	SmsFallbackURL                  *string `json:"sms_fallback_url"`
	SmsMethod                       string  `json:"sms_method"`
	SmsStatusCallback               *string `json:"sms_status_callback"`
	SmsURL                          *string `json:"sms_url"`
	StatusCallback                  *string `json:"status_callback"`
	StatusCallbackMethod            string  `json:"status_callback_method"`
	URI                             string  `json:"uri"`
	VoiceCallerIDLookup             bool    `json:"voice_caller_id_lookup"`
	VoiceFallbackMethod             string  `json:"voice_fallback_method"`
	VoiceFallbackURL                *string `json:"voice_fallback_url"`
	VoiceMethod                     string  `json:"voice_method"`
	VoiceURL                        *string `json:"voice_url"`
}

// applicationSchema renders applications: <Application> in XML,
// "applications" in lists. Immutable.
var applicationSchema = twilioapi.NewSchema[applicationResource]("Application", "applications")

// resource renders the application as the REST API shows it.
func (a *application) resource() *applicationResource {
	v := &a.VoiceSettings
	return &applicationResource{
		AccountSid:                      a.AccountSID,
		APIVersion:                      a.apiVersion,
		DateCreated:                     twilioapi.Date(a.created),
		DateUpdated:                     twilioapi.Date(a.updated),
		FriendlyName:                    orNull(a.FriendlyName),
		MessageStatusCallback:           orNull(a.messageCallback),
		PublicApplicationConnectEnabled: a.publicConnect,
		Sid:                             a.SID,
		SmsFallbackMethod:               a.sms.fallbackMethod,
		SmsFallbackURL:                  orNull(a.sms.fallbackURL),
		SmsMethod:                       a.sms.method,
		SmsStatusCallback:               orNull(a.smsStatusCallback),
		SmsURL:                          orNull(a.sms.url),
		StatusCallback:                  orNull(v.StatusCallback),
		StatusCallbackMethod:            v.StatusCallbackMethod,
		URI:                             apiPrefix + a.AccountSID + "/Applications/" + a.SID + ".json",
		VoiceCallerIDLookup:             a.callerIDLookup,
		VoiceFallbackMethod:             v.VoiceFallbackMethod,
		VoiceFallbackURL:                orNull(v.VoiceFallbackURL),
		VoiceMethod:                     v.VoiceMethod,
		VoiceURL:                        orNull(v.VoiceURL),
	}
}

// applicationSettings are the parameters that create and update take.
var applicationSettings = append(append(append([]setting[application]{
	{"FriendlyName", checkFriendlyName, func(a *application, v string) { a.FriendlyName = v }},
	{"ApiVersion", checkAPIVersion, func(a *application, v string) { a.apiVersion = v }},
}, voiceSettings(func(a *application) *VoiceSettings { return &a.VoiceSettings })...),
	smsParams(func(a *application) *smsSettings { return &a.sms })...),
	[]setting[application]{
		{"VoiceCallerIdLookup", checkBool, func(a *application, v string) { a.callerIDLookup = v == "true" }},
		{"SmsStatusCallback", checkURL, func(a *application, v string) { a.smsStatusCallback = v }},
		{"MessageStatusCallback", checkURL, func(a *application, v string) { a.messageCallback = v }},
		{"PublicApplicationConnectEnabled", checkBool, func(a *application, v string) { a.publicConnect = v == "true" }},
	}...)

// applicationListing declares the list's filter. Its tests run with
// srv.mu held.
var applicationListing = &listing[*application]{
	key: func(a *application) string { return a.SID },
	filters: []listFilter[*application]{
		{"FriendlyName", func(v string) (func(*application) bool, *APIError) {
			return func(a *application) bool { return a.FriendlyName == v }, nil
		}},
	},
}

// applicationLocked returns the account's application sid, or nil.
func (s *Server) applicationLocked(accountSID, sid string) *application {
	if a := s.dir.apps[sid]; a != nil && a.AccountSID == accountSID {
		return a
	}
	return nil
}

// listApplications answers GET /Applications.json: the account's
// applications in the order they were added, filtered and paged.
func (s *Server) listApplications(req *apiRequest) apiReply {
	lq, aerr := applicationListing.parse(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	apps := inOrder(s.dir.apps, func(a *application) uint64 { return a.seq }, func(a *application) bool {
		return a.AccountSID == req.acct.sid && lq.matches(a)
	})
	return pageReply(applicationSchema, page(applicationListing, lq, apps, req.path, (*application).resource))
}

// createApplication answers POST /Applications.json. No parameter is
// required; methods default to POST.
func (s *Server) createApplication(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	a := newApplication(Application{AccountSID: req.acct.sid, VoiceSettings: VoiceSettings{
		VoiceMethod: "POST", VoiceFallbackMethod: "POST", StatusCallbackMethod: "POST"}})
	if aerr := applySettings(form, a, applicationSettings); aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a.SID = s.newDirectorySIDLocked("AP")
	s.stampLocked(&a.entry)
	s.dir.apps[a.SID] = a
	return instance(http.StatusCreated, applicationSchema, a.resource(), "")
}

// fetchApplication answers GET /Applications/{Sid}.json.
func (s *Server) fetchApplication(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.applicationLocked(req.acct.sid, req.param("Sid"))
	if a == nil {
		return apiReply{err: notFound(req.path)}
	}
	return instance(http.StatusOK, applicationSchema, a.resource(), "")
}

// updateApplication answers POST /Applications/{Sid}.json: calls and
// numbers that use the application use its new settings from their next
// call on.
func (s *Server) updateApplication(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.applicationLocked(req.acct.sid, req.param("Sid"))
	if a == nil {
		return apiReply{err: notFound(req.path)}
	}
	changed := *a
	if aerr := applySettings(form, &changed, applicationSettings); aerr != nil {
		return apiReply{err: aerr}
	}
	*a = changed
	s.touchLocked(&a.entry)
	return instance(http.StatusOK, applicationSchema, a.resource(), "")
}

// deleteApplication answers DELETE /Applications/{Sid}.json. Numbers that
// named it keep its SID and route their calls by their own settings; a
// call created with its SID is refused with 21218.
func (s *Server) deleteApplication(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.applicationLocked(req.acct.sid, req.param("Sid"))
	if a == nil {
		return apiReply{err: notFound(req.path)}
	}
	delete(s.dir.apps, a.SID)
	return apiReply{status: http.StatusNoContent}
}
