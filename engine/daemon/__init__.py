"""The resident process (``careplan daemon``): a warm engine that ``careplan generate`` hands its work to.

This package is the client's half and the wire between the two; it imports the standard library
only, so a forwarded ``generate`` starts in milliseconds. The server, which runs the commands, is
``engine.cli.daemon_server``.
"""
