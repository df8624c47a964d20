"""The portal's pages, one module each: verify (with home and the health check), search,
catalog, statistics and open data."""
