"""The Python API of notebooks and scripts: every command, with the command line's options."""
