/** Forwarding a request to another HTTP server, streaming both ways: the reverse proxy's engine, shared with subscriptions. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.weft.proxy.api;
