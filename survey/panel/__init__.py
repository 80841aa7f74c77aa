"""Panel codes: one person's answers linked across the waves of an evaluation without storing
who they are (docs/panel-codes.md).

``codes`` normalises answers and hashes them with the evaluation's key (pure, no Flask);
``questions`` is the fixed set of self-generated identification code questions; ``services``
reads and changes an evaluation's setting and gives a response its code; ``study`` measures
the matching rate on a seeded test set with typing slips.
"""
