"""`python -m service.cli`."""

from service.cli.root import main

main()
