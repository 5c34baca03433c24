package twilioapi

import (
	"bytes"
	"encoding/xml"
	"strconv"
)

// ErrorBody is Twilio's REST error: the same four fields in JSON and, under
// <TwilioResponse><RestException>, in XML.
type ErrorBody struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// NewErrorBody returns the body of an error with Twilio's code and the HTTP
// status, its more_info pointing at Twilio's page for the code.
func NewErrorBody(status, code int, message string) ErrorBody {
	return ErrorBody{Code: code, Message: message, MoreInfo: MoreInfo(code), Status: status}
}

// MoreInfo returns Twilio's documentation link for an error code.
func MoreInfo(code int) string {
	return "https://www.twilio.com/docs/errors/" + strconv.Itoa(code)
}

// Render returns the error in the representation f: XML for XML, JSON
// otherwise (a CSV request's error is JSON, as no CSV error shape exists).
func (e ErrorBody) Render(f Format) (contentType string, body []byte) {
	if f != XML {
		return JSON.ContentType(), mustJSON(e)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<TwilioResponse><RestException>")
	writeElement(&b, "Code", strconv.Itoa(e.Code))
	writeElement(&b, "Message", e.Message)
	writeElement(&b, "MoreInfo", e.MoreInfo)
	writeElement(&b, "Status", strconv.Itoa(e.Status))
	b.WriteString("</RestException></TwilioResponse>")
	return XML.ContentType(), b.Bytes()
}
