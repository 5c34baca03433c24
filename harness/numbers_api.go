package harness

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/twimlharness/twimlharness/harness/internal/phone"
	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// numbersResource is the IncomingPhoneNumbers resource:
// …/IncomingPhoneNumbers.json (list, create: buy a number) and
// …/IncomingPhoneNumbers/{Sid}.json (fetch, update, delete: release it).
func numbersResource() resource {
	return resource{path: "IncomingPhoneNumbers",
		list: listNumbers(""), create: createNumber(""),
		fetch: (*Server).fetchNumber, update: (*Server).updateNumber, delete: (*Server).deleteNumber}
}

// numberTypeResource is one of the typed lists of IncomingPhoneNumbers
// ("Local", "Mobile", "TollFree"): the numbers of that type, and buying
// one. Its path is one segment longer than the numbers' own, so it must
// come before numbersResource in the route table, whose {Sid} would take
// it.
func numberTypeResource(list string) resource {
	kind := map[string]string{"Local": numberLocal, "Mobile": numberMobile, "TollFree": numberTollFree}[list]
	if kind == "" {
		panic("harness: no list of numbers " + list)
	}
	return resource{path: "IncomingPhoneNumbers/" + list, list: listNumbers(kind), create: createNumber(kind)}
}

// numberResource is the IncomingPhoneNumber resource as Twilio's REST API
// renders it. Unset URLs and SIDs are null; methods are always set.
type numberResource struct {
	AccountSid             string             `json:"account_sid"`
	AddressRequirements    string             `json:"address_requirements"`
	AddressSid             *string            `json:"address_sid"`
	APIVersion             string             `json:"api_version"`
	Beta                   bool               `json:"beta"`
	BundleSid              *string            `json:"bundle_sid"`
	Capabilities           numberCapabilities `json:"capabilities"`
	DateCreated            string             `json:"date_created"`
	DateUpdated            string             `json:"date_updated"`
	EmergencyAddressSid    *string            `json:"emergency_address_sid"`
	EmergencyAddressStatus string             `json:"emergency_address_status"`
	EmergencyStatus        string             `json:"emergency_status"`
	FriendlyName           string             `json:"friendly_name"`
	IdentitySid            *string            `json:"identity_sid"`
	Origin                 string             `json:"origin"`
	PhoneNumber            string             `json:"phone_number"`
	Sid                    string             `json:"sid"`
	SmsApplicationSid      *string            `json:"sms_application_sid"`
	SmsFallbackMethod      string             `json:"sms_fallback_method"`
	SmsFallbackURL         *string            `json:"sms_fallback_url"`
	SmsMethod              string             `json:"sms_method"`
	SmsURL                 *string            `json:"sms_url"`
	Status                 string             `json:"status"`
	StatusCallback         *string            `json:"status_callback"`
	StatusCallbackMethod   string             `json:"status_callback_method"`
	TrunkSid               *string            `json:"trunk_sid"`
	Type                   string             `json:"type"`
	URI                    string             `json:"uri"`
	VoiceApplicationSid    *string            `json:"voice_application_sid"`
	VoiceCallerIDLookup    bool               `json:"voice_caller_id_lookup"`
	VoiceFallbackMethod    string             `json:"voice_fallback_method"`
	VoiceFallbackURL       *string            `json:"voice_fallback_url"`
	VoiceMethod            string             `json:"voice_method"`
	VoiceReceiveMode       string             `json:"voice_receive_mode"`
	VoiceURL               *string            `json:"voice_url"`
}

// numberCapabilities are what a number can do. Twilio's XML spells two of
// them in capitals.
type numberCapabilities struct {
	Fax   bool `json:"fax"`
	MMS   bool `json:"mms" xml:"MMS"`
	SMS   bool `json:"sms" xml:"SMS"`
	Voice bool `json:"voice"`
}

// numberSchema renders numbers: <IncomingPhoneNumber> in XML,
// "incoming_phone_numbers" in lists. Immutable.
var numberSchema = twilioapi.NewSchema[numberResource]("IncomingPhoneNumber", "incoming_phone_numbers")

// typedNumberSchema renders the numbers of a typed list, which have no
// type field: Twilio's schemas of those lists (…incoming_phone_number_local
// and the others) have none.
var typedNumberSchema = numberSchema.Without("type")

// numberSchemaOf returns the schema of the numbers of the list of kind
// ("" for IncomingPhoneNumbers itself).
func numberSchemaOf(kind string) *twilioapi.Schema[numberResource] {
	if kind == "" {
		return numberSchema
	}
	return typedNumberSchema
}

// resource renders the number as the REST API shows it.
func (n *number) resource() *numberResource {
	v := &n.VoiceSettings
	return &numberResource{
		AccountSid:             n.AccountSID,
		AddressRequirements:    "none",
		AddressSid:             orNull(n.addressSID),
		APIVersion:             n.apiVersion,
		BundleSid:              orNull(n.bundleSID),
		Capabilities:           numberCapabilities{MMS: true, SMS: true, Voice: true},
		DateCreated:            twilioapi.Date(n.created),
		DateUpdated:            twilioapi.Date(n.updated),
		EmergencyAddressSid:    orNull(n.emergencyAddr),
		EmergencyAddressStatus: "unregistered",
		EmergencyStatus:        n.emergency,
		FriendlyName:           n.FriendlyName,
		IdentitySid:            orNull(n.identitySID),
		Origin:                 "twilio",
		PhoneNumber:            n.PhoneNumber,
		Sid:                    n.SID,
		SmsApplicationSid:      orNull(n.smsAppSID),
		SmsFallbackMethod:      n.sms.fallbackMethod,
		SmsFallbackURL:         orNull(n.sms.fallbackURL),
		SmsMethod:              n.sms.method,
		SmsURL:                 orNull(n.sms.url),
		Status:                 "in-use",
		StatusCallback:         orNull(v.StatusCallback),
		StatusCallbackMethod:   v.StatusCallbackMethod,
		TrunkSid:               orNull(n.trunkSID),
		Type:                   n.kind,
		URI:                    apiPrefix + n.AccountSID + "/IncomingPhoneNumbers/" + n.SID + ".json",
		VoiceApplicationSid:    orNull(n.VoiceApplicationSID),
		VoiceCallerIDLookup:    n.callerIDLookup,
		VoiceFallbackMethod:    v.VoiceFallbackMethod,
		VoiceFallbackURL:       orNull(v.VoiceFallbackURL),
		VoiceMethod:            v.VoiceMethod,
		VoiceReceiveMode:       n.receiveMode,
		VoiceURL:               orNull(v.VoiceURL),
	}
}

// numberSettings are the parameters that create and update both take.
var numberSettings = append(append(append([]setting[number]{
	{"FriendlyName", checkFriendlyName, func(n *number, v string) { n.FriendlyName = v }},
	{"ApiVersion", checkAPIVersion, func(n *number, v string) { n.apiVersion = v }},
}, voiceSettings(func(n *number) *VoiceSettings { return &n.VoiceSettings })...),
	smsParams(func(n *number) *smsSettings { return &n.sms })...),
	[]setting[number]{
		{"VoiceApplicationSid", checkSID("AP"), func(n *number, v string) { n.VoiceApplicationSID = v }},
		{"VoiceCallerIdLookup", checkBool, func(n *number, v string) { n.callerIDLookup = v == "true" }},
		{"VoiceReceiveMode", checkChoice("voice", "fax"), func(n *number, v string) { n.receiveMode = v }},
		{"TrunkSid", checkSID("TK"), func(n *number, v string) { n.trunkSID = v }},
		{"SmsApplicationSid", checkSID("AP"), func(n *number, v string) { n.smsAppSID = v }},
		{"EmergencyStatus", checkChoice("Active", "Inactive"), func(n *number, v string) { n.emergency = v }},
		{"EmergencyAddressSid", checkSID("AD"), func(n *number, v string) { n.emergencyAddr = v }},
		{"IdentitySid", checkSID("RI"), func(n *number, v string) { n.identitySID = v }},
		{"AddressSid", checkSID("AD"), func(n *number, v string) { n.addressSID = v }},
		{"BundleSid", checkSID("BU"), func(n *number, v string) { n.bundleSID = v }},
	}...)

// applyNumberForm sets the parameters of form on n. A voice application
// and a trunk exclude each other: setting one clears the other.
func applyNumberForm(form twilioapi.Form, n *number) *APIError {
	if form.Get("VoiceApplicationSid") != "" && form.Get("TrunkSid") != "" {
		return badRequest(codeBadRequest, "VoiceApplicationSid and TrunkSid exclude each other: give one of them")
	}
	if err := applySettings(form, n, numberSettings); err != nil {
		return err
	}
	switch {
	case form.Get("VoiceApplicationSid") != "":
		n.trunkSID = ""
	case form.Get("TrunkSid") != "":
		n.VoiceApplicationSID = ""
	}
	return nil
}

// checkApplicationLocked returns Twilio's error unless the number's voice
// application, if any, is an application of its account.
func (s *Server) checkApplicationLocked(n *number, changed bool) *APIError {
	if !changed || n.VoiceApplicationSID == "" {
		return nil
	}
	if a := s.dir.apps[n.VoiceApplicationSID]; a == nil || a.AccountSID != n.AccountSID {
		return badRequest(codeInvalidApplication, "VoiceApplicationSid %s is not a valid application of this account", n.VoiceApplicationSID)
	}
	return nil
}

// numberListing declares the list's filters, in the order Twilio's page
// URIs carry them. Its tests run with srv.mu held.
var numberListing = &listing[*number]{
	key: func(n *number) string { return n.SID },
	filters: []listFilter[*number]{
		{"Beta", func(v string) (func(*number) bool, *APIError) {
			if _, err := checkBool("Beta", v); err != nil {
				return nil, err
			}
			return func(*number) bool { return true }, nil // no number of the harness is in beta
		}},
		{"FriendlyName", func(v string) (func(*number) bool, *APIError) {
			return func(n *number) bool { return n.FriendlyName == v }, nil
		}},
		{"PhoneNumber", func(v string) (func(*number) bool, *APIError) {
			pattern := numberPattern(v)
			return func(n *number) bool { return matchNumber(n.PhoneNumber, pattern) }, nil
		}},
		{"Origin", func(v string) (func(*number) bool, *APIError) {
			return func(*number) bool { return v == "twilio" }, nil // every number of the harness is Twilio's
		}},
	},
}

// numberPattern keeps what a PhoneNumber filter matches on: digits, "+"
// and the wildcard "*", without the spaces, dashes, dots and parentheses
// of a formatted number.
func numberPattern(v string) string {
	return strings.Map(func(r rune) rune {
		if r == '+' || r == '*' || '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, v)
}

// matchNumber reports whether pattern occurs in num, where "*" in the
// pattern stands for any one digit.
func matchNumber(num, pattern string) bool {
	for i := 0; i+len(pattern) <= len(num); i++ {
		ok := true
		for j := 0; j < len(pattern) && ok; j++ {
			c := num[i+j]
			ok = pattern[j] == c || pattern[j] == '*' && digitByte(c)
		}
		if ok {
			return true
		}
	}
	return false
}

// listNumbers answers GET /IncomingPhoneNumbers.json, or a typed list for
// a kind: the account's numbers in the order they were added, filtered and
// paged.
func listNumbers(kind string) apiHandler {
	return func(s *Server, req *apiRequest) apiReply {
		lq, aerr := numberListing.parse(req)
		if aerr != nil {
			return apiReply{err: aerr}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		nums := inOrder(s.dir.numbers, func(n *number) uint64 { return n.seq }, func(n *number) bool {
			return n.AccountSID == req.acct.sid && (kind == "" || n.kind == kind) && lq.matches(n)
		})
		return pageReply(numberSchemaOf(kind), page(numberListing, lq, nums, req.path, (*number).resource))
	}
}

// createNumber answers POST /IncomingPhoneNumbers.json (or a typed list's,
// for a kind): buy a number, the one PhoneNumber names or one in AreaCode.
func createNumber(kind string) apiHandler {
	return func(s *Server, req *apiRequest) apiReply {
		form, aerr := req.form()
		if aerr != nil {
			return apiReply{err: aerr}
		}
		want, areaCode, aerr := purchaseParams(form, kind != "")
		if aerr != nil {
			return apiReply{err: aerr}
		}
		n := newNumber(IncomingNumber{AccountSID: req.acct.sid, VoiceSettings: VoiceSettings{
			VoiceMethod: "POST", VoiceFallbackMethod: "POST", StatusCallbackMethod: "POST"}}, kind)
		if aerr := applyNumberForm(form, n); aerr != nil {
			return apiReply{err: aerr}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if aerr := s.checkApplicationLocked(n, true); aerr != nil {
			return apiReply{err: aerr}
		}
		if want == "" {
			if want, aerr = s.numberInAreaLocked(areaCode); aerr != nil {
				return apiReply{err: aerr}
			}
		} else if s.dir.numbers[want] != nil {
			return apiReply{err: badRequest(codeNumberUnavailable, "PhoneNumber %s is not available", want)}
		}
		n.PhoneNumber = want
		if n.FriendlyName == "" {
			n.FriendlyName = phone.Format(want)
		}
		if n.kind == "" {
			n.kind = kindOfNumber(want)
		}
		n.SID = s.newDirectorySIDLocked("PN")
		s.stampLocked(&n.entry)
		s.dir.numbers[want] = n
		return instance(http.StatusCreated, numberSchemaOf(kind), n.resource(), "")
	}
}

// purchaseParams reads which number a purchase asks for: a PhoneNumber
// (normalised), or else an AreaCode (validated). A typed list requires the
// PhoneNumber. Twilio's test numbers keep their meaning for every account:
// +15005550001 is invalid, +15005550000 unavailable, area code 533 has no
// number left.
func purchaseParams(form twilioapi.Form, typed bool) (num, areaCode string, err *APIError) {
	raw, area := form.Get("PhoneNumber"), form.Get("AreaCode")
	switch {
	case raw != "":
		num, kind := phone.Normalize(raw)
		switch {
		case kind != phone.Phone || num == "+15005550001":
			return "", "", badRequest(codeInvalidPhoneNumber, "PhoneNumber %s is not a valid phone number", raw)
		case num == "+15005550000":
			return "", "", badRequest(codeNumberUnavailable, "PhoneNumber %s is not available", num)
		}
		return num, "", nil
	case typed:
		return "", "", badRequest(codeInvalidPhoneNumber, "PhoneNumber is required: the phone number to buy, in E.164")
	case area == "":
		return "", "", badRequest(codeInvalidPhoneNumber, "You must provide an AreaCode or a PhoneNumber")
	case !validAreaCode(area):
		return "", "", badRequest(codeInvalidAreaCode, "AreaCode %s is not a valid US or Canadian area code", area)
	case area == "533":
		return "", "", badRequest(codeNoNumberInArea, "No phone numbers are available in area code %s", area)
	}
	return "", area, nil
}

// validAreaCode reports whether a is a North American area code: three
// digits, the first from 2 to 9, and not a service code (N11).
func validAreaCode(a string) bool {
	return len(a) == 3 && '2' <= a[0] && a[0] <= '9' && digitByte(a[1]) && digitByte(a[2]) && a[1:] != "11"
}

func digitByte(c byte) bool { return '0' <= c && c <= '9' }

// numberInAreaLocked returns the first number of area code area that no
// account owns: +1 area 555 0100 onwards (area 500 starts with Twilio's
// test number +15005550006), or error 21452 when every one is taken.
func (s *Server) numberInAreaLocked(area string) (string, *APIError) {
	if area == "500" && s.dir.numbers["+15005550006"] == nil {
		return "+15005550006", nil
	}
	for line := 100; line <= 9999; line++ {
		num := "+1" + area + "555" + strconv.Itoa(10000 + line)[1:]
		if s.dir.numbers[num] == nil {
			return num, nil
		}
	}
	return "", badRequest(codeNoNumberInArea, "No phone numbers are available in area code %s", area)
}

// fetchNumber answers GET /IncomingPhoneNumbers/{Sid}.json.
func (s *Server) fetchNumber(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.numberBySIDLocked(req.acct.sid, req.param("Sid"))
	if n == nil {
		return apiReply{err: notFound(req.path)}
	}
	return instance(http.StatusOK, numberSchema, n.resource(), "")
}

// updateNumber answers POST /IncomingPhoneNumbers/{Sid}.json: any setting
// of a create but the number itself, and AccountSid, which moves the
// number to another account of the server.
func (s *Server) updateNumber(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.numberBySIDLocked(req.acct.sid, req.param("Sid"))
	if n == nil {
		return apiReply{err: notFound(req.path)}
	}
	changed := *n
	if aerr := applyNumberForm(form, &changed); aerr != nil {
		return apiReply{err: aerr}
	}
	if to := form.Get("AccountSid"); to != "" && to != n.AccountSID {
		if s.accounts[to] == nil {
			return apiReply{err: badRequest(codeBadRequest, "AccountSid %s is not an account of this server", to)}
		}
		changed.AccountSID = to
	}
	if aerr := s.checkApplicationLocked(&changed, form.Has("VoiceApplicationSid") || changed.AccountSID != n.AccountSID); aerr != nil {
		return apiReply{err: aerr}
	}
	*n = changed
	s.touchLocked(&n.entry)
	return instance(http.StatusOK, numberSchema, n.resource(), "")
}

// deleteNumber answers DELETE /IncomingPhoneNumbers/{Sid}.json: the number
// is released, and calls to it are no longer routed.
func (s *Server) deleteNumber(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.numberBySIDLocked(req.acct.sid, req.param("Sid"))
	if n == nil {
		return apiReply{err: notFound(req.path)}
	}
	delete(s.dir.numbers, n.PhoneNumber)
	return apiReply{status: http.StatusNoContent}
}
