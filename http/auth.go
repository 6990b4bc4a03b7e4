package http

import (
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/store"
)

type ctxKey int

const tokenKey ctxKey = 0

// security is the OpenAPI security requirement of operations that need a
// token.
var security = []map[string][]string{{"bearer": {}}}

// secured returns the security requirement of an operation: writes always
// need a token, reads unless the server is public-read.
func (s *Server) secured(write bool) []map[string][]string {
	if write || !s.cfg.PublicRead {
		return security
	}
	return nil
}

// authenticate checks the bearer token of operations that need one. A
// token sent to an operation that does not need one must still be valid.
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	needed := len(ctx.Operation().Security) > 0
	h := ctx.Header("Authorization")
	if h == "" {
		if needed {
			s.writeErr(ctx, parley.Errorf(parley.EUNAUTHORIZED, "this request needs an API token: send Authorization: Bearer <token> (make one with parley token create)"))
			return
		}
		next(ctx)
		return
	}
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
		s.writeErr(ctx, parley.Errorf(parley.EUNAUTHORIZED, "the Authorization header must be Bearer <token>"))
		return
	}
	tok, err := s.cfg.Store.Authenticate(ctx.Context(), strings.TrimSpace(secret))
	if err != nil {
		s.writeErr(ctx, err)
		return
	}
	next(huma.WithValue(ctx, tokenKey, tok))
}

func (s *Server) writeErr(ctx huma.Context, err error) {
	p := s.problem(err)
	for k, vs := range p.headers {
		for _, v := range vs {
			ctx.AppendHeader(k, v)
		}
	}
	ctx.SetHeader("Content-Type", "application/problem+json")
	ctx.SetStatus(p.Status)
	b, _ := jsonMarshal(p)
	_, _ = ctx.BodyWriter().Write(b)
}

// author returns the name of the request's token.
func author(ctx interface{ Value(any) any }) string {
	if t, ok := ctx.Value(tokenKey).(*store.Token); ok {
		return t.Name
	}
	return ""
}
