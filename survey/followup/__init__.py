"""Follow-up series (issue 26): each person asked again at set intervals after their own
baseline. ``schedule`` (dates, pure), ``series`` (creating a series, enrolling people),
``due`` (due steps emailed), ``navigators`` (the list of people due, outcomes), ``monitoring``
(figures per step), ``routes`` and ``public`` (pages), ``cli`` (``survey followup``)."""
