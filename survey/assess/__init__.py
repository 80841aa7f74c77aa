"""Self-assessments against a reference framework: per-site conformity results over waves
with an action plan, and memberships limited to sites (issue 25)."""
