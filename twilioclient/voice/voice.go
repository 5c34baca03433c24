// Package voice returns twilio-go's 2010-04-01 API service (calls,
// conferences, queues, recordings, …: the voice API) ready to talk to a
// [harness.Server], in one call:
//
//	srv := harness.NewServer(t, harness.WithApp(origin, app))
//	tw := voice.API(srv)
//	call, err := tw.CreateCall(params)
//
// It is what [twilioclient.New](srv).Api is, without the rest of
// twilio.RestClient: this package imports only twilio-go's client and its
// 2010-04-01 API, not twilio-go's root package, which brings every Twilio
// product's API with it and makes each test binary that links it much
// slower to build. An application, and its tests, that needs only the
// voice API can depend on [openapi.ApiService] and use this package.
package voice

import (
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

// API returns twilio-go's 2010-04-01 API service for srv's first account.
func API(srv *harness.Server) *openapi.ApiService {
	return APIForAccount(srv, srv.AccountSID(), srv.AuthToken())
}

// APIForAccount returns twilio-go's 2010-04-01 API service for srv with
// the given credentials: another account of the server
// ([harness.Server.AddAccount]), or wrong ones, to test how an application
// handles error 20003.
func APIForAccount(srv *harness.Server, accountSID, authToken string) *openapi.ApiService {
	return openapi.NewApiServiceWithClient(Client(srv, accountSID, authToken))
}

// Client returns twilio-go's HTTP client for srv: it reaches the server
// in-process through [harness.Server.HTTPClient] (no socket, whatever host
// it asks for), authenticates with the given credentials and has the
// account SID set, which twilio-go does not do by itself for a custom
// client.
func Client(srv *harness.Server, accountSID, authToken string) *client.Client {
	c := &client.Client{Credentials: client.NewCredentials(accountSID, authToken), HTTPClient: srv.HTTPClient()}
	c.SetAccountSid(accountSID)
	return c
}
