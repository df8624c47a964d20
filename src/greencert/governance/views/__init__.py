"""Pages of the plan's institutions, one module per institution."""
