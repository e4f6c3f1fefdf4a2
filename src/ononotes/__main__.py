"""``python -m ononotes`` runs the ``ono`` command."""

from .cli import main

main()
