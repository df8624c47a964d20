"""What must cross provincial borders besides certificate events: each node's signed border feed
(blacklist listings and removals) and complaints forwarded to the node that handles them."""
