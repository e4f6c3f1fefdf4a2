"""The editor integration: ``ono lsp``, a Language Server Protocol server (``server.py``, the
only importer of pygls and lsprotocol) over plain modules that a test can call without a client:
``workspace`` (the vaults, open buffers over the files on disk), ``diagnostics``,
``completion``, ``hover`` and ``actions``."""
