"""Results given back to the people who took part (restitution): the researcher's pages, the
public results-back page and participants' reactions (blueprint in :mod:`.routes`)."""
