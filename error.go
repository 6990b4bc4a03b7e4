package parley

import (
	"context"
	"errors"
	"fmt"
)

// Error codes. They are few and stable: the CLI maps them to exit codes and
// the HTTP server to statuses.
const (
	EINVALID      = "invalid"      // the input or an option is not acceptable
	ENOTFOUND     = "not_found"    // a named thing does not exist
	ECONFLICT     = "conflict"     // the request conflicts with the current state
	EUNAUTHORIZED = "unauthorized" // missing or bad credentials
	EINTERNAL     = "internal"     // a bug or an unexpected failure
	ECANCELED     = "canceled"     // the caller cancelled the work
	EUNAVAILABLE  = "unavailable"  // a needed resource (a browser, a database) is missing
)

// Error is Parley's application error: a machine-readable code and a
// message written for the user.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, ECANCELED
// for context cancellation, "" for nil, and EINTERNAL otherwise.
func ErrorCode(err error) string {
	var e *Error
	var d Diagnostics
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	case errors.As(err, &d):
		return EINVALID
	case isCanceled(err):
		return ECANCELED
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or
// "internal error" for errors that are not Parley's own.
func ErrorMessage(err error) string {
	var e *Error
	var d Diagnostics
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	case errors.As(err, &d):
		return d.Error()
	case isCanceled(err):
		return "canceled"
	}
	return "internal error"
}

func isCanceled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
