"""The parts of the definition loader, one concern each; :mod:`..loader` assembles them.

``problems`` (what is reported), ``reader`` (the state and the small readers every part
uses), ``choices`` (choice lists, rosters), ``logic`` (relevance and constraint expressions),
``scales`` (the scales section). Items and sections, where the item types take part, stay in
:mod:`..loader`.
"""
