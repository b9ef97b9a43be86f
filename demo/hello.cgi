#!/bin/sh
# A CGI program: headers, a blank line, then the body (RFC 3875).
echo "Content-Type: text/plain"
echo
echo "Hello from a CGI script."
echo "QUERY_STRING=$QUERY_STRING"
echo "SERVER_SOFTWARE=$SERVER_SOFTWARE"
