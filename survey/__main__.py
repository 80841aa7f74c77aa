"""``python -m survey`` is the ``survey`` command."""

from .cli import main

main()
