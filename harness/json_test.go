package harness

import (
	"encoding/json"
	"testing"
)

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr\bback\fform", "\x00\x01\x1f",
		"<html> & friends", "café ☎", "bad \xff utf8", "line\u2028sep\u2029", "+14155550100",
	} {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func TestCallResourceJSON(t *testing.T) {
	dur := "7"
	r := &callResource{AccountSid: "ACx", APIVersion: apiVersion, DateCreated: "d1", DateUpdated: "d2",
		Direction: "outbound-api", Duration: &dur, From: "client:\"bob\"", FromFormatted: "client:\"bob\"",
		PriceUnit: "USD", Sid: "CAx", Status: "completed", To: "+14155550100", ToFormatted: "(415) 555-0100",
		URI: "/2010-04-01/Accounts/ACx/Calls/CAx.json", base: "/2010-04-01/Accounts/ACx/Calls/CAx"}
	list := &callList{Calls: []*callResource{r, r}, End: 1, FirstPageURI: "/first", Page: 0, PageSize: 2, URI: "/uri"}
	var got map[string]any
	if err := json.Unmarshal(list.appendJSON(nil), &got); err != nil {
		t.Fatalf("the list is not JSON: %v", err)
	}
	calls := got["calls"].([]any)
	if len(calls) != 2 || got["end"] != 1.0 || got["page_size"] != 2.0 || got["next_page_uri"] != nil {
		t.Fatalf("list = %v", got)
	}
	c := calls[0].(map[string]any)
	for key, want := range map[string]any{
		"duration": "7", "from": `client:"bob"`, "price": nil, "to_formatted": "(415) 555-0100",
		"uri": "/2010-04-01/Accounts/ACx/Calls/CAx.json", "queue_time": nil, "status": "completed",
	} {
		if c[key] != want {
			t.Errorf("%s = %#v, want %#v", key, c[key], want)
		}
	}
	subs := c["subresource_uris"].(map[string]any)
	if len(subs) != 9 || subs["user_defined_messages"] != "/2010-04-01/Accounts/ACx/Calls/CAx/UserDefinedMessages.json" {
		t.Errorf("subresource_uris = %v", subs)
	}
	if len(c) != 26 {
		t.Errorf("the call has %d fields, want Twilio's 26", len(c))
	}
}

func TestParamsStaySorted(t *testing.T) {
	c := &Call{account: "ACx", sid: "CAx", to: "+14155550100", from: "+442071838750", direction: DirectionOutboundAPI,
		appSID: "APx", parent: "CAp"}
	p := c.standardParams(StatusRinging)
	for _, name := range []string{"Timestamp", "CallbackSource", "SequenceNumber", "Duration", "ErrorUrl", "A", "Zz"} {
		p.add(name, "v")
	}
	for i := 1; i < len(p); i++ {
		if p[i-1].name >= p[i].name {
			t.Fatalf("parameters out of order at %d: %q then %q", i, p[i-1].name, p[i].name)
		}
	}
	if got := encodeParams(params{{"a b", "x+y/z~é"}}); got != "a+b=x%2By%2Fz~%C3%A9" {
		t.Errorf("encodeParams = %q", got)
	}
}
