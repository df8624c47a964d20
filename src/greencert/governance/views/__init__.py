"""Pages of the plan's institutions: the working group's and the alliance's, public and office."""
