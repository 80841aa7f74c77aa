"""Paper copies: printable copies of a campaign's questionnaire (one identifier and QR code
each), typed back by navigators, optionally twice, differences settled by the research team.
See :mod:`survey.paper.services` and :mod:`survey.paper.routes`."""
