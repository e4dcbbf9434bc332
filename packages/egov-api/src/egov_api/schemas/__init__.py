"""Response and request models of the HTTP API (they are the OpenAPI schema)."""
