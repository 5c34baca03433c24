// Package twilioclient returns the official twilio-go client ready to talk
// to a [harness.Server], in one call:
//
//	srv := harness.NewServer(t, harness.WithApp(origin, app))
//	tw := twilioclient.New(srv)
//	call, err := tw.Api.CreateCall(params)
//
// The client reaches the server in-process through [harness.Server.HTTPClient]
// (no socket, whatever host it asks for), authenticates as the server's
// first account and has the account SID set, which twilio-go does not do by
// itself for a custom client. It is a package of its own so that the
// harness does not depend on twilio-go.
//
// For the 2010-04-01 API alone (calls, conferences, queues, recordings,
// …), the same service as New(srv).Api, use the package
// [github.com/twimlharness/twimlharness/twilioclient/voice]: unlike this
// one it does not import twilio-go's root package, which brings every
// Twilio product's API with it and makes each test binary that links it
// much slower to build.
package twilioclient

import (
	"github.com/twilio/twilio-go"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/twilioclient/voice"
)

// New returns a twilio-go client for srv's first account.
func New(srv *harness.Server) *twilio.RestClient {
	return ForAccount(srv, srv.AccountSID(), srv.AuthToken())
}

// ForAccount returns a twilio-go client for srv with the given credentials:
// another account of the server ([harness.Server.AddAccount]), or wrong
// ones, to test how an application handles error 20003.
func ForAccount(srv *harness.Server, accountSID, authToken string) *twilio.RestClient {
	return twilio.NewRestClientWithParams(twilio.ClientParams{Client: voice.Client(srv, accountSID, authToken)})
}

// API returns twilio-go's 2010-04-01 API service for srv's first account,
// as [voice.API] does; import that package instead to leave twilio-go's
// root package out of the build.
func API(srv *harness.Server) *openapi.ApiService { return voice.API(srv) }

// APIForAccount returns twilio-go's 2010-04-01 API service for srv with the
// given credentials, as [voice.APIForAccount] does.
func APIForAccount(srv *harness.Server, accountSID, authToken string) *openapi.ApiService {
	return voice.APIForAccount(srv, accountSID, authToken)
}
