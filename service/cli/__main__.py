"""`python -m service.cli`."""

from service.cli.root import main

if __name__ == "__main__":  # not in the worker processes a rebuild spawns (derived/source.py)
    main()
