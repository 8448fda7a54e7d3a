"""One replication: a validated scenario and a seed in, a flat record out.

The runtime objects of the domain (agencies, channels, databases, the language desk, the raid
office, the fugitive, tip sources, dated events) and :class:`~sim.model.replication.Model`, which
wires them together and runs them.
"""
