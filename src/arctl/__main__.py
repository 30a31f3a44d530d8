"""`python -m arctl` runs the command line."""

from arctl.cli import main

main()
