"""Served mode: leadtui behind an SSH server (`leadtui serve ssh`) and, for demos, in a browser (`serve web`).

The server owns the database; each SSH session runs the TUI in its own child process on a pseudo-terminal
(session.py), started for the user who owns the key the client signed in with (ssh.py).
"""
