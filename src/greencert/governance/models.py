"""The plan's institutions: the working group, the alliance, announcements, recognition agreements."""
