"""Pages of the plan's institutions, one module per institution: the working group, the alliance,
announcements and recognition agreements, public and office."""
