"""`python -m claimgraph ...`: the same commands as the `claimgraph` script."""

from claimgraph.cli import main

main()
