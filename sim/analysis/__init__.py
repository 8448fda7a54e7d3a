"""What the replications mean: frictions, their attribution, tip losses, matchers' quality."""
