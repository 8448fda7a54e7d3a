"""Many replications: executors, the results store, experiments, statistics and the runners.

Everything here treats one replication as a black box that maps (scenario, seed, replication) to a
flat record.
"""
