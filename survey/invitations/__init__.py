"""Invitations to a campaign: open links with QR codes and posters, single-use tokens,
contacts imported from CSV, and the emails that carry them."""
