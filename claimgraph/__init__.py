"""claimgraph: read conflict and geopolitics reporting, recover its structure and references, audit its sourcing.

The library API: `claimgraph.core.Pipeline` runs the stages over one document; `claimgraph.contract` turns a
processed document into the JSON contract of PRODUCT.md.
"""

__version__ = "0.1.0"
