"""The application layer: command line (and, later, the HTTP service). Thin: it calls `search/`."""
