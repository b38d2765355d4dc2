"""`python -m auditor.cli`: the same command line as the `auditor` script."""

from auditor.cli import main

main()
