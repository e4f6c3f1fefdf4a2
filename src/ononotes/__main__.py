"""``python -m ononotes`` runs the ``ono`` command."""

from ononotes.cli import main

main()
