"""``python -m ononotes`` runs the ``ono`` command."""

from .launch import main

main()
