"""`python -m hipaa_sra` runs the `sra` command line."""

from .cli import main

main()
