"""`python -m claimgraph.cli ...`: the same commands as the `claimgraph` script (tests run them this way)."""

from claimgraph.cli import main

main()
