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
package twilioclient

import (
	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"

	"github.com/twimlharness/twimlharness/harness"
)

// New returns a twilio-go client for srv's first account.
func New(srv *harness.Server) *twilio.RestClient {
	return ForAccount(srv, srv.AccountSID(), srv.AuthToken())
}

// ForAccount returns a twilio-go client for srv with the given credentials:
// another account of the server ([harness.Server.AddAccount]), or wrong
// ones, to test how an application handles error 20003.
func ForAccount(srv *harness.Server, accountSID, authToken string) *twilio.RestClient {
	c := &client.Client{Credentials: client.NewCredentials(accountSID, authToken), HTTPClient: srv.HTTPClient()}
	c.SetAccountSid(accountSID)
	return twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})
}
