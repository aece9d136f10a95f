"""Running as a service: health endpoints, Prometheus metrics and log lines an operator's tools can read."""
