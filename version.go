package parley

// Version is Parley's version, recorded in outputs and manifests so that
// any number can be traced to the code that produced it.
const Version = "0.1.0-dev"
